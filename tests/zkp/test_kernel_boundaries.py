"""The C kernels at sizes that cross every batch, chunk and thread boundary.

The batched and threaded kernels split their work: per-point multiplication runs in
batch-affine lockstep over batches of ``BATCH`` = 2,048 points per worker (fixed-base
multiplication over chunks of ``FB_CHUNK`` = 256 scalars), group FFT stages in
chunks of 1,024 butterflies, MSMs split their windows and lincomb its rows over workers, the G2
subgroup check uses threads from 64 points, the LEM conversion from 4,096, and every worker
takes the range ``n*t/nt .. n*(t+1)/nt`` of ``ZKP_THREADS`` workers. A kernel that drops the
tail of a batch or of a thread's range is right on 16 points and wrong on 8,192, so each one
runs here at 1, B-1, B, B+1 and nt*(B+1)+odd, with the thread count forced to 1, 2 and 3 and
left at the machine's default.

The expected values never come from the C twin: the input points are multiples ``s_i G`` with
known ``s_i``, so the output of every point kernel is a vector of known multiples, encoded by
the Python twin's fixed-base multiplication; field kernels compare with the Python twin.
"""

from __future__ import annotations

import random
from functools import lru_cache
from types import ModuleType

import numpy as np
import pytest

from zkp import _bn254_py as PY
from zkp.curve import G1Point, G2Point
from zkp.errors import MalformedInputError
from zkp.field import P, R


BATCH = 2048
FB_CHUNK = 256  # curve_impl.h: the scalars of one batch-affine fixed-base chunk




GEN = {"g1": G1Point.generator().to_bytes(), "g2": G2Point.generator().to_bytes()}
WIDTH = {"g1": 64, "g2": 128}


def enc(values: list[int]) -> bytes:
    return b"".join((v % R).to_bytes(32, "big") for v in values)


def dec(buf: bytes) -> list[int]:
    return [int.from_bytes(buf[i:i + 32], "big") for i in range(0, len(buf), 32)]


@lru_cache(maxsize=None)
def logs(n: int, seed: int = 0) -> tuple[int, ...]:
    """Known discrete logs; zeros (the point at infinity) on and around each batch edge."""
    rnd = random.Random(n * 7919 + seed)
    s = [rnd.randrange(1, R) for _ in range(n)]
    for i in (BATCH - 1, BATCH, 2 * BATCH + 1):
        if i < n:
            s[i] = 0
    return tuple(s)


@lru_cache(maxsize=None)
def multiples(group: str, scalars: tuple[int, ...]) -> bytes:
    """``scalars[i] * G`` by the Python twin (the oracle)."""
    out: bytes = getattr(PY, f"{group}_batch_mul")(GEN[group], enc(list(scalars)))
    return out


def points(group: str, n: int) -> bytes:
    return multiples(group, logs(n))


def first_difference(group: str, got: bytes, want: bytes) -> int | None:
    w = WIDTH[group]
    assert len(got) == len(want), f"expected {len(want) // w} points, found {len(got) // w}"
    for i in range(0, len(want), w):
        if got[i:i + w] != want[i:i + w]:
            return i // w
    return None


def assert_points(group: str, got: bytes, want: bytes) -> None:
    bad = first_difference(group, got, want)
    assert bad is None, f"{group}: point {bad} of {len(want) // WIDTH[group]} differs"


MUL_SIZES = {"g1": [1, 2, BATCH - 1, BATCH, BATCH + 1, 2 * (BATCH + 1) + 1, 3 * (BATCH + 2) + 1],
             "g2": [1, BATCH + 1, 2 * (BATCH + 1) + 1]}
CASES_MUL = [(g, n) for g in ("g1", "g2") for n in MUL_SIZES[g]]


@pytest.mark.parametrize("group,n", CASES_MUL)
def test_apply_key_across_batches_and_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    first, inc = 0x1234567, R - 3
    want_logs, cur = [], first
    for s in logs(n):
        want_logs.append(s * cur % R)
        cur = cur * inc % R
    got = getattr(C, f"{group}_apply_key")(points(group, n), enc([first]), enc([inc]))
    assert_points(group, got, multiples(group, tuple(want_logs)))


@pytest.mark.parametrize("group,n", CASES_MUL)
def test_fixed_base_batch_mul_across_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    base_log = 7
    base = multiples(group, (base_log,))
    got = getattr(C, f"{group}_batch_mul")(base, enc(list(logs(n, seed=1))))
    assert_points(group, got, multiples(group, tuple(s * base_log % R for s in logs(n, seed=1))))


FB_SIZES = {"g1": [FB_CHUNK - 1, FB_CHUNK, FB_CHUNK + 1, 2 * FB_CHUNK + 1, 3 * (FB_CHUNK + 1) + 1],
            "g2": [FB_CHUNK + 1, 2 * (FB_CHUNK + 1) + 1]}


@pytest.mark.parametrize("group,n", [(g, n) for g in ("g1", "g2") for n in FB_SIZES[g]])
def test_fixed_base_across_chunks(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    """Fixed-base chunks: zeros (no addition in any window), 1, r - 1 and scalars whose low
    windows are zero (an accumulator that starts late) on and around each chunk's edges."""
    rnd = random.Random(n)
    ks = [rnd.randrange(1, R) for _ in range(n)]
    for i, k in zip((0, FB_CHUNK - 1, FB_CHUNK, FB_CHUNK + 1, 2 * FB_CHUNK, n - 1),
                    (0, 1, R - 1, 0, 1 << 250, (R - 1) >> 30 << 30)):
        if i < n:
            ks[i] = k
    base_log = 11
    got = getattr(C, f"{group}_batch_mul")(multiples(group, (base_log,)), enc(ks))
    assert_points(group, got, multiples(group, tuple(k * base_log % R for k in ks)))


MSM_SIZES = {"g1": [1, 31, 32, 33, 64, BATCH - 1, BATCH + 1, 2 * (BATCH + 1) + 1],
             "g2": [1, 31, 33, 2 * (BATCH + 1) + 1]}


@pytest.mark.parametrize("group,n", [(g, n) for g in ("g1", "g2") for n in MSM_SIZES[g]])
def test_msm_across_windows_and_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    rnd = random.Random(n)
    ks = [rnd.choice([0, 1, R - 1, rnd.randrange(R)]) for _ in range(n)]
    total = sum(k * s for k, s in zip(ks, logs(n))) % R
    got = getattr(C, f"{group}_msm")(points(group, n), enc(ks))
    assert got == multiples(group, (total,))


def fr_intt(values: list[int]) -> list[int]:
    return dec(PY.fr_ntt(enc(values), True))


@pytest.mark.parametrize("group,n", [("g1", n) for n in (1, 2, 1024, 2048, 4096)] + [("g2", n) for n in (1, 2048)])
def test_group_ifft_across_chunks_and_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    """The group inverse FFT of ``s_i G`` is ``t_j G`` with ``t`` the inverse NTT of ``s``."""
    got = getattr(C, f"{group}_ifft")(points(group, n))
    assert_points(group, got, multiples(group, tuple(fr_intt(list(logs(n))))))


@pytest.mark.parametrize("rows", [1, 2, 3, 5, 257])
def test_lincomb_rows_across_threads(C: ModuleType, threads: str | None, rows: int) -> None:
    rnd = random.Random(rows)
    nbases = 300
    indptr, idx, ks = [0], [], []
    for _ in range(rows):
        for _ in range(rnd.randrange(0, 9)):
            idx.append(rnd.randrange(nbases))
            ks.append(rnd.choice([0, 1, R - 1, rnd.randrange(R)]))
        indptr.append(len(idx))
    s = logs(nbases)
    want = [sum(ks[t] * s[idx[t]] for t in range(indptr[r], indptr[r + 1])) % R for r in range(rows)]
    args = (np.array(indptr, dtype="<u4").tobytes(), np.array(idx, dtype="<u4").tobytes(), enc(ks))
    for group in ("g1", "g2"):
        got = getattr(C, f"{group}_lincomb")(points(group, nbases), *args)
        assert_points(group, got, multiples(group, tuple(want)))


def error_of(fn: object, *args: bytes) -> str:
    with pytest.raises(MalformedInputError) as info:
        fn(*args)  # type: ignore[operator]
    return str(info.value)


@lru_cache(maxsize=None)
def outside_subgroup() -> bytes:
    from .._helpers import twist_point_outside_subgroup

    x, y = twist_point_outside_subgroup(1)
    return b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))


def tiled(group: str, n: int) -> bytes:
    """``n`` valid points (64 distinct ones, repeated): checks do not care about repeats."""
    base = points(group, 64)
    w = WIDTH[group]
    return (base * (n // 64 + 1))[: n * w]


def with_bad(buf: bytes, width: int, positions: list[int], bad: bytes) -> bytes:
    out = bytearray(buf)
    for i in positions:
        out[i * width:(i + 1) * width] = bad
    return bytes(out)


def thread_starts(n: int, nt: int) -> list[int]:
    return [n * t // nt for t in range(nt)]


@pytest.mark.parametrize("n", [1, 63, 64, 65, 128, 129, 200])
def test_g2_subgroup_check_names_the_first_bad_point_across_threads(C: ModuleType, threads: str | None, n: int) -> None:
    good = tiled("g2", n)
    C.g2_validate(good)
    for nt in (2, 3):
        for positions in ([n - 1], thread_starts(n, nt)[1:] or [0], [0, n - 1]):
            bad = with_bad(good, 128, positions, outside_subgroup())
            message = error_of(C.g2_validate, bad)
            assert message == error_of(PY.g2_validate, bad)
            assert message.startswith(f"G2 point {min(positions)}:"), message


def off_curve(lem_point: bytes) -> bytes:
    return lem_point[:-1] + bytes([lem_point[-1] ^ 1])


def coordinate_p(width: int) -> bytes:
    return P.to_bytes(32, "little") + bytes(width - 32)


@pytest.mark.parametrize("group,n", [("g1", n) for n in (1, 4095, 4096, 8191, 8192, 8193, 3 * 4096 + 1)]
                         + [("g2", n) for n in (8193, 3 * 4096 + 1)])
def test_lem_conversion_across_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    w = WIDTH[group]
    ours = tiled(group, n)
    lem = getattr(PY, f"{group}_to_lem")(ours)
    from_lem = getattr(C, f"{group}_from_lem")
    assert from_lem(lem) == ours
    last_start = thread_starts(n, 3)[-1]
    for positions, bad in (([n - 1], off_curve(lem[(n - 1) * w:n * w])),
                           ([last_start, n - 1], coordinate_p(w)),
                           ([thread_starts(n, 2)[-1], n - 1], coordinate_p(w))):
        broken = with_bad(lem, w, positions, bad)
        message = error_of(from_lem, broken)
        assert message == error_of(getattr(PY, f"{group}_from_lem"), broken)
        assert f"point {min(positions)}:" in message, message


@pytest.mark.parametrize("log_n", [0, 1, 10, 11, 12, 13])
def test_field_transforms_across_threads(C: ModuleType, threads: str | None, log_n: int) -> None:
    n = 1 << log_n
    rnd = random.Random(log_n)
    vals = [enc([rnd.choice([0, 1, R - 1, rnd.randrange(R)]) for _ in range(n)]) for _ in range(3)]
    for inverse in (False, True):
        assert C.fr_ntt(vals[0], inverse) == PY.fr_ntt(vals[0], inverse)
        assert C.fr_coset_ntt(vals[1], inverse) == PY.fr_coset_ntt(vals[1], inverse)
    assert C.qap_odd_coset(*vals) == PY.qap_odd_coset(*vals)


@pytest.mark.parametrize("n", [1, 2, BATCH + 1, 5000])
def test_batch_inverse_at_size(C: ModuleType, n: int) -> None:
    rnd = random.Random(n)
    vals = enc([rnd.choice([1, R - 1, rnd.randrange(1, R)]) for _ in range(n)])
    assert C.fr_batch_inverse(vals) == PY.fr_batch_inverse(vals)
    zero_last = vals[:-32] + bytes(32)
    assert error_of(C.fr_batch_inverse, zero_last) == error_of(PY.fr_batch_inverse, zero_last)
