"""Secure aggregation with dropouts (Bonawitz et al. 2017, :mod:`mpc.protocols.secagg`).

    python -m benchmarks.secagg [--clients 10] [--values 100000] [--dropouts 2] [--repeat 1] [--tls]

A server and ``--clients`` clients on one event loop (in-process network: every frame is
still encoded, capped and checked), each client with a vector of ``--values`` fixed-point
values (encoded with :mod:`mpc.encoding` beforehand, as a numpy array; the cost is printed); ``--dropouts`` clients vanish right after sending their masked input (their inputs
still count). Threshold: a majority of the clients plus one. Printed: wall time of the
run (best of ``--repeat``), the bytes each role sent, the process's peak memory, and the
check that the total equals the plain sum. ``--tls`` runs the same again with every party
a process on 127.0.0.1 talking TLS (timed from a barrier once all are connected).

Peer in the same run: zkmpc's Shamir secure sum (:func:`mpc.protocols.secure_sum`, every
party a share holder, all-to-all, over GF(2^61 - 1)) on the same vectors with the same
number of parties. MPyC has no secure aggregation with dropouts (a server-aided,
single-server protocol): it is not compared here; its secure sum is in ``benchmarks.mpc``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from decimal import Decimal
from random import Random
from typing import Any

import numpy as np

from mpc.encoding import FixedPoint
from mpc.field import P61
from mpc.protocols import Context, Crashed, secure_sum
from mpc.protocols.secagg import SecAggResult, secure_aggregation

from ._net import CountingHub

ENC = FixedPoint(decimals=4, bound=Decimal(10 ** 6))
ROOT = Path(__file__).resolve().parent.parent


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def vector(party: int, values: int) -> list[Decimal]:
    rnd = Random(party)
    return [Decimal(rnd.randrange(-10 ** 10, 10 ** 10)).scaleb(-4) for _ in range(values)]


def inputs(clients: int, values: int) -> dict[int, list[Decimal]]:
    return {p: vector(p, values) for p in range(2, clients + 2)}


def encoded(data: dict[int, list[Decimal]]) -> tuple[dict[int, Any], float]:
    """The clients' vectors encoded (numpy int64), and the microseconds per value it took."""
    t = time.perf_counter()
    out = {p: np.array([ENC.encode(v) for v in vec], dtype=np.int64) for p, vec in data.items()}
    return out, (time.perf_counter() - t) / max(1, sum(map(len, data.values()))) * 1e6


async def _secagg(data: dict[int, Any], values: int, dropouts: int) -> tuple[float, CountingHub, Any]:
    ids = [1, *data]
    hub = CountingHub(ids, session=bytes(16))
    t = len(data) // 2 + 1
    gone = set(list(data)[:dropouts])

    def hook(p: int) -> Any:
        def on_round(name: str) -> None:
            if p in gone and name == "masked":
                hub.disconnect(p)
                raise Crashed(f"party {p}")
        return on_round

    async def one(p: int) -> Any:
        ctx = Context(hub.network(p), t, timeout=120.0, on_round=hook(p))
        try:
            return await secure_aggregation(ctx, data.get(p), server=1, encoding=ENC, size=values)
        finally:
            hub.disconnect(p)

    t0 = time.perf_counter()
    out = await asyncio.gather(*(one(p) for p in ids), return_exceptions=True)
    return time.perf_counter() - t0, hub, out[0]


async def _shamir(data: dict[int, Any], values: int) -> tuple[float, CountingHub]:
    ids = list(range(1, len(data) + 1))
    hub = CountingHub(ids, session=bytes(16))
    vecs = [P61.vector(np.array([P61.encode(int(v)) for v in vec], dtype=np.uint64)) for vec in data.values()]
    t0 = time.perf_counter()
    await asyncio.gather(*(secure_sum(Context(hub.network(p), len(ids) // 2 + 1, P61, 120.0), vecs[p - 1])
                           for p in ids))
    return time.perf_counter() - t0, hub


def run(clients: int, values: int, dropouts: int, repeat: int) -> dict[str, Any]:
    plain_data = inputs(clients, values)
    data, encode_us = encoded(plain_data)
    best: tuple[float, CountingHub, Any] | None = None
    for _ in range(repeat):
        got = asyncio.run(_secagg(data, values, dropouts))
        if best is None or got[0] < best[0]:
            best = got
    assert best is not None
    seconds, hub, result = best
    if not isinstance(result, SecAggResult):
        raise SystemExit(f"secure aggregation failed: {result!r}")
    plain = [sum((plain_data[p][i] for p in result.included), Decimal(0)) for i in range(values)]
    shamir_s, shamir_hub = asyncio.run(_shamir(data, values))
    client_bytes = [hub.sent.get(p, 0) for p in data]
    return {"clients": clients, "values": values, "dropouts": dropouts, "seconds": seconds,
            "server_bytes": hub.sent.get(1, 0), "client_bytes_max": max(client_bytes),
            "client_bytes_mean": sum(client_bytes) / len(client_bytes), "included": len(result.included),
            "correct": result.total == plain, "encode_us": encode_us, "peak_mib": peak_mib(), "shamir_seconds": shamir_s,
            "shamir_party_bytes": max(shamir_hub.sent.values())}


def party_main(config: str, party: int, values: int, dropouts: int) -> None:
    """One party as its own process over TLS (``--tls``): prints a JSON line."""
    from mpc.net.config import load_config
    from mpc.protocols.party import run_party

    cfg = load_config(config)
    clients = len(cfg.addresses()) - 1
    mine = np.array([ENC.encode(v) for v in vector(party, values)], dtype=np.int64) if party != 1 else None

    def on_round(name: str) -> None:
        if 2 <= party < 2 + dropouts and name == "masked":
            os._exit(0)  # vanish right after the masked input
    box: dict[str, float] = {}

    async def job(ctx: Context) -> Any:
        await ctx.net.connect()  # type: ignore[attr-defined]
        await ctx.net.broadcast("ready", b"")  # a barrier: every party is up and connected
        await ctx.net.gather("ready", ctx.parties, timeout=300)
        box["t0"] = time.perf_counter()
        return await secure_aggregation(ctx, mine, server=1, encoding=ENC, size=values)
    out = run_party(cfg, party, job, on_round=on_round)
    seconds = time.perf_counter() - box.get("t0", 0.0)
    doc: dict[str, Any] = {"party": party, "seconds": seconds, "peak_mib": peak_mib(), "error": str(out.error or "")}
    if party == 1 and isinstance(out.result, SecAggResult):
        data = inputs(clients, values)
        doc["correct"] = out.result.total == [sum((data[p][i] for p in out.result.included), Decimal(0))
                                              for i in range(values)]
    print(json.dumps(doc))


def run_tls(clients: int, values: int, dropouts: int) -> str:
    """Every party a process on 127.0.0.1 over TLS; the figures as text."""
    from mpc.net.config import free_local_ports, write_local_config

    with tempfile.TemporaryDirectory() as d:
        n = clients + 1
        cfg = write_local_config(d, n=n, threshold=clients // 2 + 1, ports=free_local_ports(n), round_timeout=300,
                                 connect_timeout=60)
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.secagg", "--party-config", str(cfg), "--party",
                                   str(p), "--values", str(values), "--dropouts", str(dropouts)],
                                  stdout=subprocess.PIPE, text=True, env=env) for p in range(1, n + 1)]
        docs = [json.loads(line) for p in procs for line in p.communicate(timeout=3600)[0].splitlines() if line]
    server = next(x for x in docs if x["party"] == 1)
    others = [x for x in docs if x["party"] != 1]
    return "\n".join([
        f"over TLS, {n} processes on 127.0.0.1 ({dropouts} vanish after their masked input):",
        f"  total == plain sum: {server.get('correct')}" + (f" (error: {server['error']})" if server['error'] else ""),
        f"  server: {server['seconds']:.2f} s from all connected to its result, peak memory {server['peak_mib']:.0f} MiB",
        f"  surviving clients: at most {max(x['seconds'] for x in others):.2f} s to their result, peak memory at most "
        f"{max(x['peak_mib'] for x in others):.0f} MiB each",
    ])


def report(r: dict[str, Any]) -> str:
    mb = 1 << 20
    return "\n".join([
        f"secure aggregation (Bonawitz et al.): {r['clients']} clients + server, {r['values']} fixed-point values each, "
        f"{r['dropouts']} client(s) vanish after their masked input",
        f"  total == plain sum of the {r['included']} masked inputs: {r['correct']}",
        f"  wall time, whole run (all parties, one process): {r['seconds']:.2f} s "
        f"(inputs encoded beforehand: {r['encode_us']:.1f} us per Decimal value with mpc.encoding)",
        f"  sent by the server: {r['server_bytes'] / mb:.1f} MiB; by a client: {r['client_bytes_mean'] / mb:.2f} MiB "
        f"(at most {r['client_bytes_max'] / mb:.2f}); expansion per client: "
        f"{r['client_bytes_mean'] / (8 * r['values']):.2f} x its 8-byte words",
        f"  peak memory (process): {r['peak_mib']:.0f} MiB",
        f"  peer, same run: Shamir secure sum over GF(2^61-1), {r['clients']} parties, no server: "
        f"{r['shamir_seconds']:.2f} s ({r['shamir_seconds'] / r['seconds']:.2f} x), "
        f"{r['shamir_party_bytes'] / mb:.2f} MiB sent per party "
        f"({r['shamir_party_bytes'] / max(1, r['client_bytes_max']):.1f} x a secagg client)",
        "  MPyC: no equivalent (server-aided aggregation with dropouts); its secure sum is in benchmarks.mpc",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--values", type=int, default=100_000)
    ap.add_argument("--dropouts", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tls", action="store_true", help="also run every party as its own process over TLS")
    ap.add_argument("--party-config", help=argparse.SUPPRESS)
    ap.add_argument("--party", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.party_config:
        party_main(a.party_config, a.party, a.values, a.dropouts)
        return 0
    r = run(a.clients, a.values, a.dropouts, a.repeat)
    print(report(r))
    if a.tls:
        print(run_tls(a.clients, a.values, a.dropouts))
    return 0 if r["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
