"""BN254 kernel figures, C twin (and the Python twin where it is quick enough).

    python -m benchmarks.kernels [--python] [--sizes 12,14,16]

Prints Fq multiplication ns, G1/G2 MSM at 2^k, NTT 2^16, a 4-pair pairing check and a
Groth16 verify from Python, each as single-thread time (ZKP_THREADS=1) and wall time with
all cores. py_ecc's 4-pair check is timed alongside as the pure-Python reference.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def fq_mul_ns() -> str:
    with tempfile.TemporaryDirectory() as d:
        exe = Path(d) / "fq_mul"
        subprocess.run(["gcc", "-O3", "-o", str(exe), str(ROOT / "benchmarks" / "fq_mul.c")], check=True)
        return subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split()[0]


def with_threads(n: int, fn: Callable[[], Any]) -> float:
    from zkp._backend import set_threads

    set_threads(n)  # the C kernels read no environment: Python passes the count in
    try:
        return best(fn)
    finally:
        set_threads()


def row(label: str, fn: Callable[[], Any], threads: bool = True) -> None:
    one = with_threads(1, fn)
    allc = with_threads(os.cpu_count() or 1, fn) if threads else one
    print(f"  {label:<30} {one * 1e3:10.2f} ms   {allc * 1e3:10.2f} ms", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="12,14,16")
    args = ap.parse_args(argv)
    K: ModuleType = importlib.import_module("zkp._bn254")
    from zkp.curve import G1Point, G2Point
    from zkp.field import R

    rnd = random.Random(1)

    def enc(vs: list[int]) -> bytes:
        return b"".join(v.to_bytes(32, "big") for v in vs)

    print(f"BN254 kernels (C twin), {os.cpu_count()} cores, python {sys.version.split()[0]}")
    print(f"  Fq mul (latency chain)         {fq_mul_ns()} ns")
    print(f"  {'':<30} {'1 thread':>13} {'all cores':>13}")
    g1, g2 = G1Point.generator().to_bytes(), G2Point.generator().to_bytes()
    for k in (int(s) for s in args.sizes.split(",")):
        n = 1 << k
        ks = enc([rnd.randrange(R) for _ in range(n)])
        p1 = K.g1_batch_mul(g1, enc([rnd.randrange(1, R) for _ in range(n)]))
        p2 = K.g2_batch_mul(g2, enc([rnd.randrange(1, R) for _ in range(n)]))
        row(f"G1 MSM 2^{k}", lambda: K.g1_msm(p1, ks))
        row(f"G2 MSM 2^{k}", lambda: K.g2_msm(p2, ks))
    vals = enc([rnd.randrange(R) for _ in range(1 << 16)])
    row("NTT 2^16", lambda: K.fr_ntt(vals), threads=False)
    a = [rnd.randrange(1, R) for _ in range(4)]
    pg1 = b"".join((G1Point.generator() * x).to_bytes() for x in a)
    pg2 = b"".join((G2Point.generator() * (x + 1)).to_bytes() for x in a)
    row("pairing check, 4 pairs", lambda: K.pairing_check(pg1, pg2), threads=False)
    from zkp import groth16
    from zkp.r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=1)
    x, y = b.new_wire(), b.new_wire()
    b.add({y: 1}, {y: 1}, {x: 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, vk = groth16.setup(b.build())
    proof = groth16.prove(pk, [1, 9, 3])
    pvk = vk.prepare()
    row("Groth16 verify (Python API)", lambda: groth16.verify(pvk, [9], proof), threads=False)
    py = importlib.import_module("zkp._bn254_py")
    t = best(lambda: py.pairing_check(pg1, pg2), repeat=1)
    print(f"  py_ecc 4-pair check (Python twin) {t * 1e3:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
