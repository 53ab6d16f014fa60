"""Secret sharing and networked secure sums, zkmpc beside MPyC 0.11 in the same run.

    python -m benchmarks.mpc [--values 100000] [--secrets 1000000] [--repeat 3]

1. Secure sum: 3 parties, each a separate process on 127.0.0.1 (zkmpc: TLS links,
   threshold 2; MPyC: its own TCP runtime, t = 1, so 2 shares reconstruct in both), every
   party inputs a vector of ``--values`` integers and all learn the element-wise totals.
   Timed inside the parties from "connected" to "result", best of ``--repeat`` runs.
   MPyC is measured with its numpy arrays (its fastest path) and with one secure integer
   per value (how most MPyC programs are written).
2. The verified sum (commitments in BN254 G1) beside the plain one, for small vectors.
3. GF(2^61 - 1) products, ours beside galois.
4. Share and reconstruct throughput for ``--secrets`` secrets, one process, 3 parties and
   threshold 2, and 5 parties and threshold 3, over BN254 Fr and GF(2^61 - 1).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from mpc.field import FR, P61, PrimeField
from mpc.net.config import free_local_ports
from mpc.sharing import combine, split

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def party_main(config: str, party: int, n_values: int, verified: bool = False) -> None:
    """One zkmpc party: connect, then time a secure sum of ``n_values`` values."""
    from mpc.net.config import load_config
    from mpc.net.tcp import TcpNetwork
    from mpc.protocols import Context, secure_sum, verified_sum

    cfg = load_config(config)
    rng = random.Random(party)
    values = cfg.field.vector(__import__("numpy").array([rng.randrange(1 << 20) for _ in range(n_values)], dtype="uint64"))

    async def run() -> dict[str, Any]:
        server, client = cfg.contexts(party)
        async with TcpNetwork(party, cfg.addresses(), cfg.session, server_ssl=server, client_ssl=client,
                              max_frame=cfg.max_frame) as net:
            await net.connect()
            await net.broadcast("ready", b"")  # a barrier, as MPyC's mpc.start() is
            await net.gather("ready", net.parties, timeout=30)
            t = time.perf_counter()
            protocol = verified_sum if verified else secure_sum
            res = await protocol(Context(net, cfg.threshold, cfg.field, cfg.round_timeout), values)
            return {"seconds": time.perf_counter() - t, "first": int(res.total[0])}

    print(json.dumps(asyncio.run(run())), flush=True)


def zkmpc_sum(n_values: int, field: str, verified: bool = False) -> dict[str, Any]:
    from mpc.net.config import write_local_config

    with tempfile.TemporaryDirectory() as tmp:
        cfg = write_local_config(tmp, n=3, threshold=2, ports=free_local_ports(3), field=field)
        extra = ["--verified"] if verified else []
        procs = [subprocess.Popen([sys.executable, "-m", "benchmarks.mpc", "--party", str(p), "--config", str(cfg),
                                   "--values", str(n_values), *extra], stdout=subprocess.PIPE, text=True, env=_env(),
                                  cwd=ROOT) for p in (1, 2, 3)]
        docs = [json.loads(p.communicate(timeout=600)[0]) for p in procs]
    return {"seconds": max(d["seconds"] for d in docs), "first": docs[0]["first"]}


def _mpyc_certificates(directory: Path) -> None:
    """What MPyC's ``--ssl`` reads from ``.config``: a CA and ``party_<i>`` certificates
    whose name is ``MPyC party <i>``."""
    from mpc.net.tls import write_certificate_set

    write_certificate_set(directory / ".config", {f"party_{i}": f"MPyC party {i}" for i in range(3)},
                          ca_file="mpyc_ca.crt", cert_suffix=".crt")


def mpyc_sum(n_values: int, mode: str, tls: bool = False) -> dict[str, Any]:
    env = dict(_env(), ZKMPC_BENCH_N=str(n_values), ZKMPC_BENCH_MODE=mode)
    with tempfile.TemporaryDirectory() as tmp:
        if tls:
            _mpyc_certificates(Path(tmp))
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "_mpyc_sum.py"), "-M3", "-B",
                              str(free_local_ports(1)[0]), "--no-log", *(["--ssl"] if tls else [])],
                             capture_output=True, text=True, env=env, timeout=1800, cwd=tmp)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def best(fn: Any, repeat: int, *args: Any) -> dict[str, Any]:
    runs = [fn(*args) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def secure_sums(n_values: int, repeat: int) -> None:
    print(f"\nsecure sum, 3 networked parties on 127.0.0.1, each inputs {n_values:,} values (best of {repeat}):")
    ours = {f: best(zkmpc_sum, repeat, n_values, f) for f in ("p61", "fr")}
    theirs = {"arrays, TLS": best(mpyc_sum, repeat, n_values, "array", True),
              "arrays, plain TCP": best(mpyc_sum, repeat, n_values, "array", False),
              "one secint per value, TLS": mpyc_sum(n_values, "list", True)}
    expected = sum(random.Random(p).randrange(1 << 20) for p in (1, 2, 3))
    assert ours["p61"]["first"] == ours["fr"]["first"] == expected, (ours, expected)
    assert len({r["first"] for r in theirs.values()}) == 1
    rows = [("zkmpc, GF(2^61-1), TLS", ours["p61"]), ("zkmpc, BN254 Fr, TLS", ours["fr"])]
    rows += [(f"MPyC 0.11, {k}", r) for k, r in theirs.items()]
    for name, r in rows:
        print(f"  {name:38s} {r['seconds']:8.3f} s  {n_values / r['seconds']:12,.0f} values/s")
    for k, r in theirs.items():
        print(f"  zkmpc GF(2^61-1) vs MPyC {k:26s} {r['seconds'] / ours['p61']['seconds']:7.1f}x faster")


def throughput(field: PrimeField, n_secrets: int, n: int, t: int) -> None:
    secrets = field.random_vector(n_secrets)
    t0 = time.perf_counter()
    shares = split(secrets, n=n, threshold=t, field=field)
    t1 = time.perf_counter()
    back = combine(shares[:t], threshold=t)
    t2 = time.perf_counter()
    assert (back == secrets).all()
    print(f"  {field.name:15s} n={n} t={t}:  share {n_secrets / (t1 - t0):12,.0f}/s   "
          f"reconstruct {n_secrets / (t2 - t1):12,.0f}/s")


def verified_sums(repeat: int) -> None:
    print("\nverified sum (Feldman commitments checked on every dealing and opening), 3 parties, BN254 Fr:")
    for n in (100, 1000, 10_000):
        plain, checked = best(zkmpc_sum, repeat, n, "fr"), best(zkmpc_sum, repeat, n, "fr", True)
        assert plain["first"] == checked["first"]
        print(f"  {n:6,} values: secure_sum {plain['seconds']:7.3f} s   verified_sum {checked['seconds']:7.3f} s")


def field_multiplication(size: int) -> None:
    """Element-wise products in GF(2^61 - 1): ours (uint64 kernels) beside galois, whose
    arrays for a 61-bit prime hold Python ints (``dtype=object``)."""
    from importlib.metadata import version

    import galois
    import numpy as np

    gf = galois.GF(P61.modulus, verify=False, primitive_element=37)  # 37 generates GF(2^61-1)*
    a, b = P61.random_vector(size), P61.random_vector(size)
    ga, gb = gf(a.astype(np.int64)), gf(b.astype(np.int64))
    t0 = time.perf_counter()
    ours = P61.mul(a, b)
    t1 = time.perf_counter()
    theirs = ga * gb
    t2 = time.perf_counter()
    assert [int(x) for x in ours[:100]] == [int(x) for x in theirs[:100]]
    print(f"\nGF(2^61-1) products of {size:,} pairs: zkmpc {1000 * (t1 - t0):.1f} ms, galois {version('galois')} "
          f"{1000 * (t2 - t1):.1f} ms ({(t2 - t1) / (t1 - t0):.0f}x)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--values", type=int, default=100_000)
    ap.add_argument("--secrets", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--party", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--config", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--verified", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.party is not None:
        party_main(args.config, args.party, args.values, args.verified)
        return
    secure_sums(args.values, args.repeat)
    verified_sums(args.repeat)
    field_multiplication(args.secrets)
    print(f"\nShamir share / reconstruct throughput, {args.secrets:,} secrets as one vector, one core:")
    for field in (P61, FR):
        for n, t in ((3, 2), (5, 3)):
            throughput(field, args.secrets, n, t)


if __name__ == "__main__":
    main()
