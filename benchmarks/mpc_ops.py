"""Comparison, equality, division by a public value, truncation and argmax on shared
values: zkmpc (mpc.protocols.compare) beside MPyC 0.11 in the same run.

    python -m benchmarks.mpc_ops [--values 1000] [--argmax 64] [--bits 32] [--repeat 1] [--ops div,lt]

3 parties on 127.0.0.1, each a separate process (zkmpc: TLS links, Shamir threshold 2,
BN254 Fr, the bitwise part of the comparisons in GF(2^61 - 1); MPyC: its own TCP runtime, t = 1, ``SecInt(bits + 1)`` so that
``x - y`` fits, over its own prime field). Party 1 inputs ``x``, party 2 inputs ``y`` (``--bits``-bit signed values); the
time is from "inputs shared" to "result opened", inside the parties, best of ``--repeat``.
zkmpc's preprocessing (bits, masks and Beaver triples from a dealer) is timed apart
("dealing"); MPyC makes its randomness online with PRSS (inside its time).
Rounds (openings) and bytes sent by one party are counted for zkmpc with an in-process
counting hub running the same code; MPyC's bytes are its own counter (``nbytes_sent``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from mpc.field import FR, Vector
from mpc.net.config import free_local_ports
from mpc.protocols.base import Context, open_vector
from mpc.protocols.compare import (Needs, Preprocessing, argmax, argmax_needs, constant, deal_preprocessing,
                                   divide_needs, divide_public, eq_needs, equal, less_than, lt_needs, share_input,
                                   truncate, truncate_needs)
from mpc.sharing import split

from ._net import CountingHub
from .mpc import ROOT, _env

DIVISOR = 7
SHIFT = 16
OPS = ("lt", "eq", "div", "trunc", "trunc-exact", "argmax")
Op = Callable[[Context, Vector, Vector, Preprocessing], Awaitable[Any]]


class FrameHub(CountingHub):
    """A counting hub that also counts the frames each party sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.frames: dict[int, int] = {}

    def route(self, sender: int, to: int, frame: bytes) -> None:
        self.frames[sender] = self.frames.get(sender, 0) + 1
        super().route(sender, to, frame)


def _op(name: str, bits: int) -> tuple[Callable[[int], Needs], Op]:
    table: dict[str, tuple[Callable[[int], Needs], Op]] = {
        "lt": (lambda n: lt_needs(n, bits), lambda c, x, y, p: less_than(c, x, y, bits=bits, pre=p)),
        "eq": (lambda n: eq_needs(n, bits), lambda c, x, y, p: equal(c, x, y, bits=bits, pre=p)),
        "div": (lambda n: divide_needs(n, DIVISOR, bits),
                lambda c, x, y, p: divide_public(c, x, DIVISOR, bits=bits, pre=p)),
        "trunc": (lambda n: truncate_needs(n, SHIFT, exact=False),
                  lambda c, x, y, p: truncate(c, x, bits=bits, shift=SHIFT, pre=p)),
        "trunc-exact": (lambda n: truncate_needs(n, SHIFT, exact=True),
                        lambda c, x, y, p: truncate(c, x, bits=bits, shift=SHIFT, exact=True, pre=p)),
        "argmax": (lambda n: argmax_needs(n, bits), lambda c, x, y, p: _argmax_index(c, x, bits, p)),
    }
    return table[name]


async def _argmax_index(ctx: Context, x: Vector, bits: int, pre: Preprocessing) -> Vector:
    return (await argmax(ctx, x, bits=bits, pre=pre))[0]


def inputs(n: int, bits: int, seed: int = 1) -> tuple[list[int], list[int]]:
    """Party 1's and party 2's values: random, with a few equal pairs (for equality)."""
    rng = random.Random(seed)
    half = 1 << (bits - 1)
    xs = [rng.randrange(-half, half) for _ in range(n)]
    ys = [x if i % 4 == 0 else rng.randrange(-half, half) for i, x in enumerate(xs)]
    return xs, ys


def expected(op: str, xs: list[int], ys: list[int]) -> list[int]:
    if op == "lt":
        return [int(a < b) for a, b in zip(xs, ys)]
    if op == "eq":
        return [int(a == b) for a, b in zip(xs, ys)]
    if op == "div":
        return [a // DIVISOR for a in xs]
    if op in ("trunc", "trunc-exact"):
        return [a >> SHIFT for a in xs]
    return [xs.index(max(xs))]


def _close(op: str, got: list[int], want: list[int]) -> bool:
    return all(g - w in ((0, 1) if op == "trunc" else (0,)) for g, w in zip(got, want)) and len(got) == len(want)


def party_main(config: str, party: int, op: str, n: int, bits: int, seed: int) -> None:
    """One zkmpc party: deal (each process replays the seeded dealer and keeps its part),
    share the inputs, time the operation and the opening of its result."""
    from mpc.net.config import load_config
    from mpc.net.tcp import TcpNetwork

    cfg = load_config(config)
    needs, fn = _op(op, bits)
    t0 = time.perf_counter()
    pre = deal_preprocessing(needs(n), parties=list(range(1, 4)), threshold=cfg.threshold,
                             rng=random.Random(seed))[party]
    dealing = time.perf_counter() - t0
    xs, ys = inputs(n, bits)

    async def run() -> dict[str, Any]:
        server, client = cfg.contexts(party)
        async with TcpNetwork(party, cfg.addresses(), cfg.session, server_ssl=server, client_ssl=client,
                              max_frame=cfg.max_frame) as net:
            await net.connect()
            ctx = Context(net, cfg.threshold, cfg.field, cfg.round_timeout)
            x = await share_input(ctx, "x", 1, constant(ctx.field, xs) if party == 1 else None, n)
            y = await share_input(ctx, "y", 2, constant(ctx.field, ys) if party == 2 else None, n)
            await net.broadcast("ready", b"")
            await net.gather("ready", net.parties, timeout=30)
            t = time.perf_counter()
            out, _ = await open_vector(ctx, "result", await fn(ctx, x, y, pre))
            seconds = time.perf_counter() - t
            return {"seconds": seconds, "dealing": dealing,
                    "ok": _close(op, [ctx.field.decode(int(v)) for v in out], expected(op, xs, ys))}

    print(json.dumps(asyncio.run(run())), flush=True)


def zkmpc_networked(op: str, n: int, bits: int) -> dict[str, Any]:
    from mpc.net.config import write_local_config

    seed = secrets.randbits(32)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_local_config(tmp, n=3, threshold=2, ports=free_local_ports(3), field="fr", round_timeout=300)
        procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.mpc_ops", "--party", str(p), "--config",
                                   str(cfg), "--op", op, "--values", str(n), "--bits", str(bits), "--seed", str(seed)],
                                  stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT) for p in (1, 2, 3)]
        docs = [json.loads(p.communicate(timeout=1800)[0]) for p in procs]
    assert all(d["ok"] for d in docs), docs
    return {"seconds": max(d["seconds"] for d in docs), "dealing": docs[0]["dealing"]}


def zkmpc_counted(op: str, n: int, bits: int) -> dict[str, int]:
    """Rounds and bytes of one party, in process (shares handed out without a network)."""
    needs, fn = _op(op, bits)
    ids = [1, 2, 3]
    pre = deal_preprocessing(needs(n), parties=ids, threshold=2)
    xs, ys = inputs(n, bits)
    xsh = split(constant(FR, xs), n=3, threshold=2, indices=ids)
    ysh = split(constant(FR, ys), n=3, threshold=2, indices=ids)
    hub = FrameHub(ids, session=secrets.token_bytes(16))

    async def one(i: int) -> None:
        ctx = Context(hub.network(ids[i]), 2)
        await fn(ctx, xsh[i].vector, ysh[i].vector, pre[ids[i]])

    async def everyone() -> None:
        await asyncio.gather(*(one(i) for i in range(3)))

    asyncio.run(everyone())
    assert pre[1].remaining() == Needs()
    frames = hub.frames[1]
    return {"rounds": frames // 2, "bytes": hub.sent[1]}


def mpyc(op: str, n: int, bits: int) -> dict[str, Any]:
    env = dict(_env(), ZKMPC_BENCH_N=str(n), ZKMPC_BENCH_OP=op, ZKMPC_BENCH_BITS=str(bits),
               ZKMPC_BENCH_SHIFT=str(SHIFT), ZKMPC_BENCH_DIVISOR=str(DIVISOR))
    xs, ys = inputs(n, bits)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "inputs.json").write_text(json.dumps([xs, ys]))
        env["ZKMPC_BENCH_INPUTS"] = str(Path(tmp) / "inputs.json")
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "_mpyc_ops.py"), "-M3", "-B",
                              str(free_local_ports(1)[0]), "--no-log"],
                             capture_output=True, text=True, env=env, timeout=1800, cwd=tmp)
    if not out.stdout.strip():
        raise RuntimeError(f"MPyC failed: {out.stderr[-2000:]}")
    doc = dict(json.loads(out.stdout.strip().splitlines()[-1]))
    assert _close(op, doc.pop("result"), expected(op, xs, ys)), op
    return doc


def compare(values: int, argmax_n: int, bits: int, repeat: int, ops: tuple[str, ...] = OPS) -> list[dict[str, Any]]:
    rows = []
    print(f"\n3 parties on 127.0.0.1, {bits}-bit signed values; zkmpc: TLS, BN254 Fr (trees in GF(2^61 - 1)), "
          f"dealt preprocessing; "
          f"MPyC 0.11: TCP, PRSS (best of {repeat})")
    print(f"  {'operation':24s} {'n':>6s} {'zkmpc s':>9s} {'dealing s':>10s} {'rounds':>7s} {'kB/party':>9s}"
          f" {'MPyC s':>9s} {'MPyC kB':>9s}")
    for op in ops:
        n = argmax_n if op == "argmax" else values
        ours = min((zkmpc_networked(op, n, bits) for _ in range(repeat)), key=lambda r: r["seconds"])
        counted = zkmpc_counted(op, n, bits)
        theirs_op = "trunc" if op == "trunc-exact" else op
        theirs = min((mpyc(theirs_op, n, bits) for _ in range(repeat)), key=lambda r: r["seconds"])
        name = {"lt": "less-than x < y", "eq": "equality x == y", "div": f"x // {DIVISOR} (exact)",
                "trunc": f"x >> {SHIFT} (probabilistic)", "trunc-exact": f"x >> {SHIFT} (exact)",
                "argmax": "argmax"}[op]
        row = {"op": op, "n": n, **ours, **counted, "mpyc_seconds": theirs["seconds"], "mpyc_bytes": theirs["bytes"]}
        rows.append(row)
        print(f"  {name:24s} {n:6,} {ours['seconds']:9.3f} {ours['dealing']:10.3f} {counted['rounds']:7d} "
              f"{counted['bytes'] / 1000:9.1f} {theirs['seconds']:9.3f} {theirs['bytes'] / 1000:9.1f}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--values", type=int, default=1000)
    ap.add_argument("--argmax", type=int, default=64)
    ap.add_argument("--bits", type=int, default=32)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--ops", default=",".join(OPS), help=f"comma-separated, of {', '.join(OPS)}")
    ap.add_argument("--party", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--config", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--op", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.party is not None:
        party_main(args.config, args.party, args.op, args.values, args.bits, args.seed)
        return
    ops = tuple(o for o in args.ops.split(",") if o)
    unknown = [o for o in ops if o not in OPS]
    if unknown:
        ap.error(f"--ops: expected some of {', '.join(OPS)}, found {', '.join(unknown)}")
    compare(args.values, args.argmax, args.bits, args.repeat, ops)


if __name__ == "__main__":
    main()
