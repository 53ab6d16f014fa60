"""Paillier throughput, zkmpc beside phe in the same run.

    python -m benchmarks.paillier [--bits 2048 3072] [--count 200]

Encryptions per second (phe; ours without a pool; ours online with a precomputed
randomness pool, through ``encrypt_many`` and through ``encrypt(rn=...)``, which checks the
caller's value; the pool fill rate on one core and on all cores, public and CRT),
decryptions, additions and sums per second, and public-key validations per second (trial
division by every prime below 2^20, then a primality test).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Callable

import phe

from mpc import paillier


def rate(fn: Callable[[], object], count: int) -> float:
    t = time.perf_counter()
    for _ in range(count):
        fn()
    return count / (time.perf_counter() - t)


def run(bits: int, count: int) -> None:
    t = time.perf_counter()
    pk, sk = paillier.keygen(bits=bits)
    kg = time.perf_counter() - t
    ppk, psk = paillier.to_phe_keys(pk, sk)
    values = list(range(-count // 2, count - count // 2))
    print(f"\n{bits}-bit n (keygen {kg:.2f} s), {count} operations each, per second:")
    it = iter(values * 4)
    phe_enc = rate(lambda: ppk.encrypt(next(it)), count)
    ours_enc = rate(lambda: pk.encrypt(next(it)), count)
    pool = paillier.RandomnessPool(pk)
    t = time.perf_counter()
    pool.fill(count, processes=1)
    fill_1 = count / (time.perf_counter() - t)
    crt_pool = paillier.RandomnessPool(pk, private_key=sk)
    t = time.perf_counter()
    crt_pool.fill(count, processes=1)
    fill_crt = count / (time.perf_counter() - t)
    cores = os.cpu_count() or 1
    t = time.perf_counter()
    pool.fill(4 * count)
    fill_all = 4 * count / (time.perf_counter() - t)
    paillier.encrypt_many(pk, [0], pool=pool)  # warm-up (imports numpy)
    t = time.perf_counter()
    paillier.encrypt_many(pk, values, pool=pool)
    online = count / (time.perf_counter() - t)
    online_checked = rate(lambda: pk.encrypt(next(it), rn=pool.take()), count)
    cts, pcts = [pk.encrypt(v) for v in values], [ppk.encrypt(v) for v in values]
    i1, i2 = iter(pcts * 2), iter(cts * 2)
    phe_dec = rate(lambda: psk.decrypt(next(i1)), count)
    ours_dec = rate(lambda: sk.decrypt(next(i2)), count)
    t = time.perf_counter()
    paillier.decrypt_many(sk, cts * 4, processes=0)
    dec_all = 4 * count / (time.perf_counter() - t)
    j1, j2 = iter(pcts * 2), iter(cts * 2)
    phe_add = rate(lambda: next(j1) + next(j1), count)
    ours_add = rate(lambda: next(j2) + next(j2), count)
    t = time.perf_counter()
    for _ in range(20):
        paillier.sum_(cts)
    sum_rate = 20 * count / (time.perf_counter() - t)
    n = int(pk.n)
    key_rate = rate(lambda: paillier.PublicKey(n), 50)
    print(f"  encrypt        phe {phe_enc:10.0f}   zkmpc {ours_enc:10.0f}   ({ours_enc / phe_enc:.1f}x)")
    print(f"  encrypt online (pooled r^n)        zkmpc {online:10.0f}   ({online / phe_enc:.0f}x phe)   "
          f"encrypt(rn=...) {online_checked:8.0f}")
    print(f"  pool fill      1 core {fill_1:8.0f}   1 core CRT {fill_crt:8.0f}   {cores} cores {fill_all:8.0f}")
    djn = paillier.DJNRandomness(pk)
    djn_rate = rate(djn.random_rn, count)
    djn256 = paillier.DJNRandomness(pk, exponent_bits=256)
    djn256_rate = rate(djn256.random_rn, count)
    print(f"  pool fill DJN  1 core, {djn.exponent_bits}-bit exponent {djn_rate:8.0f} ({djn_rate / fill_1:.0f}x)   "
          f"256-bit {djn256_rate:8.0f} ({djn256_rate / fill_1:.0f}x)")
    print(f"  decrypt        phe {phe_dec:10.0f}   zkmpc {ours_dec:10.0f}   ({ours_dec / phe_dec:.1f}x)   "
          f"{cores} cores {dec_all:8.0f}")
    print(f"  add            phe {phe_add:10.0f}   zkmpc {ours_add:10.0f}   ({ours_add / phe_add:.1f}x)   "
          f"sum_ {sum_rate:8.0f} terms/s")
    print(f"  PublicKey(n) validation            zkmpc {key_rate:10.0f}")


def aggregate(bits: int, count: int, djn_bits: int | None, single_too: bool = True) -> None:
    """encrypt + aggregate + decrypt of ``count`` values: one process vs a 2-worker LocalCluster."""
    from mpc.scale import cluster_client, dask_encrypt_sum

    pk, sk = paillier.keygen(bits=bits)
    djn = paillier.DJNRandomness(pk, exponent_bits=djn_bits) if djn_bits else None
    values = list(range(count))
    t = time.perf_counter()
    rn = djn.random_rn if djn else pk.random_rn
    single = sk.decrypt(paillier.sum_([pk.encrypt(v, rn=rn()) for v in values])) if single_too else sum(values)
    t_single = time.perf_counter() - t
    with cluster_client(n_workers=2) as client:
        t = time.perf_counter()
        dist = sk.decrypt(dask_encrypt_sum(pk, values, client=client, chunk_size=max(1, count // 64), djn=djn))
        t_dask = time.perf_counter() - t
    assert single == dist == sum(values)
    kind = f"DJN {djn.exponent_bits}-bit exponents" if djn else "fresh standard randomness"
    print(f"\nencrypt + aggregate + decrypt of {count:,} values, {bits}-bit n ({kind}), all work timed:")
    if single_too:
        print(f"  one process {t_single:7.2f} s   2-worker LocalCluster {t_dask:7.2f} s   ({t_single / t_dask:.2f}x)")
    else:
        print(f"  2-worker LocalCluster {t_dask:7.1f} s ({count / t_dask:,.0f} values/s)")


def million(bits: int, count: int, djn_bits: int | None, chunk: int = 50_000) -> None:
    """encrypt + aggregate + decrypt of ``count`` values with precomputed randomness,
    streamed in chunks (the pool for one chunk is filled offline on all cores, then the
    chunk is encrypted and folded into the sum online): offline and online times apart."""
    pk, sk = paillier.keygen(bits=bits)
    djn = paillier.DJNRandomness(pk, exponent_bits=djn_bits) if djn_bits else None
    pool = paillier.RandomnessPool(pk, djn=djn)
    offline = online = 0.0
    acc, total = paillier.Ciphertext(pk, 1), 0
    for start in range(0, count, chunk):
        values = list(range(start, min(count, start + chunk)))
        t = time.perf_counter()
        pool.fill(len(values))
        offline += time.perf_counter() - t
        t = time.perf_counter()
        acc = acc + paillier.sum_(paillier.encrypt_many(pk, values, pool=pool))
        online += time.perf_counter() - t
        total += sum(values)
    t = time.perf_counter()
    assert sk.decrypt(acc) == total
    online += time.perf_counter() - t
    kind = f"DJN randomness, {djn.exponent_bits}-bit exponents" if djn else "standard randomness"
    print(f"\n{count:,} values, {bits}-bit n, {kind}, pool filled on {os.cpu_count()} cores:")
    print(f"  offline (pool) {offline:8.1f} s   online (encrypt + aggregate + decrypt) {online:6.1f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bits", type=int, nargs="+", default=[2048, 3072])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--aggregate", type=int, default=0, help="also time an aggregation of this many values")
    ap.add_argument("--million", type=int, default=0, help="stream this many values with precomputed randomness")
    ap.add_argument("--djn-bits", type=int, default=0, help="DJN exponent bits for --million (0: standard)")
    args = ap.parse_args(argv)
    print(f"Paillier, zkmpc vs phe {phe.__version__}, {os.cpu_count()} cores")
    for bits in args.bits:
        run(bits, args.count)
    if args.aggregate:
        aggregate(args.bits[0], args.aggregate, args.djn_bits or None, single_too=args.aggregate <= 100_000)
    if args.million:
        million(args.bits[0], args.million, args.djn_bits or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
