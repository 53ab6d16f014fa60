"""Private intersection-sum with cardinality (:mod:`mpc.psi`), Private Join and Compute style.

    python -m benchmarks.psi [--size 100000] [--common 50000] [--bits 2048] [--repeat 1]

Two parties on one event loop (in-process network: frames encoded, capped, checked), each
with ``--size`` identifiers, ``--common`` of them shared; party 2's identifiers carry
values. Party 2's encryption randomness is computed offline, before the run (a
:class:`~mpc.paillier.RandomnessPool`; DJN short exponents here, standard randomness
measured on a sample beside it). Printed: the offline and online wall times, the bytes
each party sent, peak memory (the process, both parties), the per-identifier cost of
hashing to G1 and blinding, and the same exponentiation in the other candidate group,
P-256 through ``cryptography`` (OpenSSL), in the same run.

MPyC has no private set intersection (nor an intersection-sum): not compared here.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from random import Random
from typing import Any

from mpc import paillier
from mpc.psi import blind, hash_to_g1, psi_party1, psi_party2, random_exponent

from ._net import CountingHub


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def per_op_us(fn: Any, count: int) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) / count * 1e6


def group_costs(count: int) -> dict[str, float]:
    """Microseconds per hash-to-group and per exponentiation: BN254 G1 (ours) and P-256."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    ids = [f"id-{i}" for i in range(count)]
    pts = hash_to_g1(ids)
    out = {"bn254_hash": per_op_us(lambda: hash_to_g1(ids), count),
           "bn254_blind": per_op_us(lambda: blind(pts, random_exponent()), count)}
    key = ec.generate_private_key(ec.SECP256R1())
    enc = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    n = min(count, 2000)

    def p256() -> None:
        for _ in range(n):
            key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), enc))
    out["p256_blind"] = per_op_us(p256, n)
    return out


def datasets(size: int, common: int) -> tuple[list[str], dict[str, int]]:
    rnd = Random(1)
    ids1 = [f"c{i}" for i in range(common)] + [f"a{i}" for i in range(size - common)]
    ids2 = [f"c{i}" for i in range(common)] + [f"b{i}" for i in range(size - common)]
    return ids1, {x: rnd.randrange(10 ** 6) for x in ids2}


async def _run(ids1: list[str], data2: dict[str, int], sk: paillier.PrivateKey, insecure: bool,
               pool: paillier.RandomnessPool) -> tuple[float, Any, Any]:
    hub = CountingHub([1, 2], session=bytes(16), max_frame=64 << 20)
    t0 = time.perf_counter()
    r1, r2 = await asyncio.gather(psi_party1(hub.network(1), ids1, peer=2, min_intersection=1, insecure=insecure),
                                  psi_party2(hub.network(2), data2, peer=1, min_intersection=1, private_key=sk,
                                             pool=pool))
    return time.perf_counter() - t0, hub, (r1, r2)


def run(size: int, common: int, bits: int, insecure: bool, repeat: int) -> dict[str, Any]:
    ids1, data2 = datasets(size, common)
    t = time.perf_counter()
    _, sk = paillier.keygen(bits=bits, insecure=insecure)
    keygen = time.perf_counter() - t
    sample = paillier.RandomnessPool(sk.public_key, private_key=sk)
    crt_us = per_op_us(lambda: sample.fill(min(size, 200), processes=1), min(size, 200))
    best, offline = None, 0.0
    for _ in range(repeat):
        pool = paillier.RandomnessPool(sk.public_key, djn=paillier.DJNRandomness(sk.public_key))
        t = time.perf_counter()
        pool.fill(size)
        offline = time.perf_counter() - t
        got = asyncio.run(_run(ids1, data2, sk, insecure, pool))
        best = got if best is None or got[0] < best[0] else best
    assert best is not None
    seconds, hub, (r1, r2) = best
    expected = sum(data2[f"c{i}"] for i in range(common))
    return {"size": size, "common": common, "bits": bits, "seconds": seconds, "keygen": keygen, "offline": offline,
            "crt_us": crt_us,
            "sent1": hub.sent.get(1, 0), "sent2": hub.sent.get(2, 0), "peak_mib": peak_mib(),
            "cardinality": r1.cardinality, "sum_ok": r2.intersection_sum == expected and r2.cardinality == common,
            **group_costs(min(size, 20000))}


def report(r: dict[str, Any]) -> str:
    mb = 1 << 20
    s = r["size"]
    return "\n".join([
        f"private intersection-sum with cardinality: {s} x {s} identifiers, {r['common']} common, "
        f"Paillier {r['bits']} bits (key generation {r['keygen']:.1f} s, not counted)",
        f"  cardinality: {r['cardinality']}; intersection-sum correct: {r['sum_ok']}",
        f"  offline, party 2: encryption randomness for {s} values, DJN short exponents on both cores "
        f"(mpc.paillier.djn's extra assumption): {r['offline']:.1f} s; standard r^n with CRT would take "
        f"{r['crt_us'] / 1e3:.1f} ms per value on one core (measured on 200: ~{r['crt_us'] * s / 2e6:.0f} s on two)",
        f"  online, wall time, both parties on one event loop: {r['seconds']:.1f} s",
        f"  sent by party 1: {r['sent1'] / mb:.1f} MiB; by party 2: {r['sent2'] / mb:.1f} MiB "
        f"({r['sent2'] / s:.0f} bytes per identifier: a point and a ciphertext)",
        f"  peak memory (process, both parties): {r['peak_mib']:.0f} MiB",
        f"  per identifier: hash to G1 {r['bn254_hash']:.1f} us, G1 blinding (C kernel, 2 cores) "
        f"{r['bn254_blind']:.1f} us",
        f"  the other group, same run: P-256 exponentiation via OpenSSL {r['p256_blind']:.1f} us "
        f"({r['p256_blind'] / r['bn254_blind']:.1f} x BN254 G1's)",
        "  MPyC: no private set intersection: not compared",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--common", type=int, default=50_000)
    ap.add_argument("--bits", type=int, default=2048)
    ap.add_argument("--insecure", action="store_true", help="allow a key below 2048 bits (quick runs)")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    r = run(a.size, a.common, a.bits, a.insecure, a.repeat)
    print(report(r))
    return 0 if r["sum_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
