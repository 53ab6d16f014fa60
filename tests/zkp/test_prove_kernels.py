"""The prover's kernels on snarkjs's files in place (``qap_h_zkey``, ``g1_msm_lem``,
``g2_msm_lem``): C against known discrete logs across every window/bucket path and thread
split, and the two twins byte for byte.

MSM paths: Jacobian buckets below 1,024 buckets (windows of c <= 10 bits, n <= 11,264
points), batch-affine buckets from c = 11 (n >= 11,265) and c = 12 (n >= 20,481), where the
repeated scalars below (0, 1, 2, r - 1) fill the queue of deferred additions and spill into
the side accumulators (each path seen red when broken); windows are split over
``ZKP_THREADS`` workers. Input points are ``s_i G`` with known ``s_i``, so the
expected MSM is ``(sum k_i s_i) G`` from the Python twin (one multiplication).
"""

from __future__ import annotations

import random
import struct
import warnings
from types import ModuleType

import pytest

from zkp import _bn254_py as PY
from zkp.curve import G1Point, G2Point
from zkp.errors import MalformedInputError
from zkp.field import P, R


GEN = {"g1": G1Point.generator().to_bytes(), "g2": G2Point.generator().to_bytes()}
WIDTH = {"g1": 64, "g2": 128}




def be(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "big") for v in values)


def le(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "little") for v in values)


def lem_points(C: ModuleType, group: str, logs: list[int]) -> bytes:
    """``s_i G`` in snarkjs's LEM (infinity for s_i = 0): made by the C twin's fixed-base
    multiplication (itself checked against Python in test_kernel_boundaries); a wrong point
    there makes the MSM below disagree with the oracle, never agree by accident."""
    pts = getattr(C, f"{group}_batch_mul")(GEN[group], be(logs))
    return bytes(getattr(C, f"{group}_to_lem")(pts))


def case(n: int, seed: int) -> tuple[list[int], list[int]]:
    rnd = random.Random(n * 31 + seed)
    logs = [rnd.randrange(1, R) for _ in range(n)]
    ks = [rnd.choice([0, 1, 2, R - 1, rnd.randrange(R), rnd.randrange(1 << 20)]) for _ in range(n)]
    for i in range(0, n, 97):  # points at infinity among the rest
        logs[i] = 0
    return logs, ks


MSM_SIZES = {"g1": [1, 2, 33, 1000, 11264, 11265, 20481], "g2": [1, 33, 3000, 11265]}


@pytest.mark.parametrize("group,n", [(g, n) for g in ("g1", "g2") for n in MSM_SIZES[g]])
def test_msm_lem_across_bucket_paths_and_threads(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    logs, ks = case(n, 1)
    total = sum(k * s for k, s in zip(ks, logs)) % R
    got = getattr(C, f"{group}_msm_lem")(lem_points(C, group, logs), le(ks))
    assert got == getattr(PY, f"{group}_batch_mul")(GEN[group], be([total]))


@pytest.mark.parametrize("group,n", [("g1", 0), ("g1", 1), ("g1", 40), ("g2", 0), ("g2", 9)])
def test_msm_lem_twins_byte_for_byte(C: ModuleType, group: str, n: int) -> None:
    logs, ks = case(n, 2)
    pts = lem_points(C, group, logs) if n else b""
    fn = f"{group}_msm_lem"
    assert getattr(C, fn)(pts, le(ks)) == getattr(PY, fn)(pts, le(ks))


@pytest.mark.parametrize("twin", ["C", "PY"])
def test_msm_lem_refuses_bad_input(C: ModuleType, twin: str) -> None:
    K = C if twin == "C" else PY
    logs, ks = case(5, 3)
    pts = lem_points(C, "g1", logs)
    with pytest.raises(MalformedInputError, match="< r"):
        K.g1_msm_lem(pts, le(ks[:4] + [R]))
    with pytest.raises(MalformedInputError, match="< p"):
        K.g1_msm_lem(pts[:64] + P.to_bytes(32, "little") + pts[96:], le(ks))
    with pytest.raises(MalformedInputError, match="multiple of 64"):
        K.g1_msm_lem(pts[:-1], le(ks))
    with pytest.raises(MalformedInputError, match="scalars"):
        K.g1_msm_lem(pts, le(ks[:4]))
    with pytest.raises(MalformedInputError, match="multiple of 128"):
        K.g2_msm_lem(pts[:64], le(ks[:1]))


def msm_window(n: int) -> int:
    """The C MSM's window width for n points (its cost model: windows * (n + 2^c))."""
    return min(range(1, 17), key=lambda c: -(-255 // c) * (n + (1 << c)))


def half_windows(n: int, rnd: random.Random) -> list[int]:
    """Scalars whose base-2^c windows (c as the MSM picks it for n points) run through
    windows of exactly 2^(c-1): the signed digit's carry then comes from further down
    (the MSM derives each window's digit alone, without the windows below)."""
    c = msm_window(n)
    half = 1 << (c - 1)
    out = []
    for t in range(n):
        below = rnd.choice([0, half - 1, half, half + 1, (1 << c) - 1])
        run = rnd.randrange(0, 5)
        start = rnd.randrange(0, 3)
        k = below << (start * c)
        for j in range(run):
            k |= half << ((start + 1 + j) * c)
        k |= rnd.randrange(1 << c) << ((start + 1 + run) * c)
        out.append(k % R if t % 3 else rnd.randrange(R))
    return out


@pytest.mark.parametrize("group,n", [("g1", 1), ("g1", 33), ("g1", 1000), ("g1", 11265), ("g2", 40)])
def test_msm_lem_digits_carry_through_half_windows(C: ModuleType, threads: str | None, group: str, n: int) -> None:
    rnd = random.Random(n)
    logs = [rnd.randrange(1, R) for _ in range(n)]
    ks = half_windows(n, rnd)
    total = sum(k * s for k, s in zip(ks, logs)) % R
    got = getattr(C, f"{group}_msm_lem")(lem_points(C, group, logs), le(ks))
    assert got == getattr(PY, f"{group}_batch_mul")(GEN[group], be([total]))


@pytest.mark.parametrize("group,n1,n2", [("g1", 40, 25), ("g1", 0, 7), ("g1", 6, 0), ("g1", 11265, 9000), ("g2", 9, 12)])
def test_msm_lem_over_two_runs_is_the_sum_of_both(C: ModuleType, threads: str | None, group: str, n1: int,
                                                  n2: int) -> None:
    """A second run of points and scalars (the prover's sections 8 and 9) adds its MSM."""
    logs, ks = case(n1 + n2, 6)
    pts = lem_points(C, group, logs) if logs else b""
    w = WIDTH[group]
    args = (pts[:w * n1], le(ks[:n1]), pts[w * n1:], le(ks[n1:]))
    total = sum(k * s for k, s in zip(ks, logs)) % R
    fn = f"{group}_msm_lem"
    assert getattr(C, fn)(*args) == getattr(PY, f"{group}_batch_mul")(GEN[group], be([total]))
    if n1 + n2 <= 40:
        assert getattr(PY, fn)(*args) == getattr(C, fn)(*args)


@pytest.mark.parametrize("twin", ["C", "PY"])
def test_msm_lem_over_two_runs_refuses_bad_input(C: ModuleType, twin: str) -> None:
    """Errors in the second run count its points after the first run's."""
    K = C if twin == "C" else PY
    logs, ks = case(8, 7)
    pts = lem_points(C, "g1", logs)
    a, b = pts[:64 * 5], pts[64 * 5:]
    with pytest.raises(MalformedInputError, match="scalars 6: expected a value < r"):
        K.g1_msm_lem(a, le(ks[:5]), b, le([ks[5], R, ks[7]]))
    with pytest.raises(MalformedInputError, match="point 7: expected coordinates < p"):
        K.g1_msm_lem(a, le(ks[:5]), b[:128] + P.to_bytes(32, "little") + b[160:], le(ks[5:]))
    with pytest.raises(MalformedInputError, match="expected 3 scalars"):
        K.g1_msm_lem(a, le(ks[:5]), b, le(ks[5:7]))
    with pytest.raises(MalformedInputError, match="multiple of 64"):
        K.g1_msm_lem(a, le(ks[:5]), b[:-1], le(ks[5:]))
    with pytest.raises(MalformedInputError, match="a second run needs points and scalars"):
        K.g1_msm_lem(a, le(ks[:5]), b)


def lem_table(C: ModuleType, group: str, logs: list[int], levels: int) -> bytes:
    """Level j: ``2^(c j) s_i G`` (c = ceil(255 / levels)), as the prover builds its tables."""
    c = -(-255 // levels)
    return b"".join(lem_points(C, group, [s * pow(2, c * j, R) % R for s in logs]) for j in range(levels))


TABLE_CASES = [("g1", 1, 13), ("g1", 40, 22), ("g1", 3000, 20), ("g1", 300, 15), ("g2", 33, 22), ("g2", 500, 17)]


@pytest.mark.parametrize("group,n,levels", TABLE_CASES)
def test_table_msm_across_threads_and_twins(C: ModuleType, threads: str | None, group: str, n: int,
                                            levels: int) -> None:
    """One window over n * levels entries split over the threads (c = 20 down to 12 bits;
    15 and 17 levels take the batch-affine buckets, c >= 11); the Python twin reads level 0."""
    logs, ks = case(n, 4)
    table = lem_table(C, group, logs, levels)
    total = sum(k * s for k, s in zip(ks, logs)) % R
    want = getattr(PY, f"{group}_batch_mul")(GEN[group], be([total]))
    fn = f"{group}_msm_lem_table"
    assert getattr(C, fn)(table, le(ks)) == want
    if n <= 40:
        assert getattr(PY, fn)(table, le(ks)) == want


@pytest.mark.parametrize("twin", ["C", "PY"])
def test_table_msm_refuses_bad_shapes(C: ModuleType, twin: str) -> None:
    K = C if twin == "C" else PY
    logs, ks = case(4, 5)
    table = lem_table(C, "g1", logs, 13)
    with pytest.raises(MalformedInputError, match="levels of n points"):
        K.g1_msm_lem_table(table[:-64], le(ks))
    with pytest.raises(MalformedInputError, match="at most 20"):
        K.g1_msm_lem_table(table[:64 * 4 * 12], le(ks))  # 12 levels: 22-bit digits
    with pytest.raises(MalformedInputError, match="< r"):
        K.g1_msm_lem_table(table, le(ks[:3] + [R]))
    with pytest.raises(MalformedInputError, match="levels of n points"):
        K.g1_msm_lem_table(table, b"")


# ---------------------------------------------------------------- h from a .zkey


def zkey_case(constraints: int, seed: int) -> tuple[bytes, bytes, int, bytes]:
    """(section 4, witness LE, n, h by the existing path: qap_odd_coset on the evaluations)."""
    from zkp import groth16
    from zkp.formats.zkey import read_zkey, snarkjs_sections, write_zkey
    from zkp.qap import domain_size
    from zkp.r1cs import R1CSBuilder

    rnd = random.Random(seed)
    b = R1CSBuilder(num_public=2)
    wires = [b.new_wire() for _ in range(4)]
    for i in range(constraints):  # random sparse rows; the witness need not satisfy them
        row = [{rnd.choice([0] + wires): rnd.choice([1, 2, R - 1, rnd.randrange(R)])} for _ in range(3)]
        b.add(row[0], row[1], row[2])
    cs = b.build()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, _ = groth16.setup(cs, rng=random.Random(seed))
    raw = write_zkey(pk)
    w = [1] + [rnd.randrange(R) for _ in range(cs.num_wires - 1)]
    n, _ = domain_size(cs)
    a, bb, _ = read_zkey(raw).matrices.evaluations(w, n)
    from zkp._bn254_py_codec import _words

    av, bv = _words(a, R, "a"), _words(bb, R, "b")
    h = PY.qap_odd_coset(a, bb, be([x * y % R for x, y in zip(av, bv)]))
    sec4 = snarkjs_sections(memoryview(raw), b"zkey", 10)[4]
    return bytes(sec4), le(w), n, le([int.from_bytes(h[i:i + 32], "big") for i in range(0, len(h), 32)])


@pytest.mark.parametrize("constraints", [1, 5, 61, 200])
def test_qap_h_zkey_twins_and_the_evaluation_path_agree(C: ModuleType, threads: str | None, constraints: int) -> None:
    sec4, w, n, want = zkey_case(constraints, constraints)
    assert C.qap_h_zkey(sec4, w, n) == want
    assert PY.qap_h_zkey(sec4, w, n) == want


@pytest.mark.parametrize("twin", ["C", "PY"])
def test_qap_h_zkey_refuses_bad_input(C: ModuleType, twin: str) -> None:
    K = C if twin == "C" else PY
    sec4, w, n, _ = zkey_case(5, 9)
    with pytest.raises(MalformedInputError, match="witness 2: expected a value < r"):
        K.qap_h_zkey(sec4, w[:64] + le([R]) + w[96:], n)
    with pytest.raises(MalformedInputError, match="power of two"):
        K.qap_h_zkey(sec4, w, n + 1)
    with pytest.raises(MalformedInputError, match="records need"):
        K.qap_h_zkey(sec4[:-1], w, n)
    bad_wire = bytearray(sec4)
    struct.pack_into("<I", bad_wire, 4 + 8, len(w) // 32)  # record 0 names a wire past the end
    with pytest.raises(MalformedInputError, match="coefficient 0"):
        K.qap_h_zkey(bytes(bad_wire), w, n)
    bad_row = bytearray(sec4)
    struct.pack_into("<I", bad_row, 4 + 4, n)
    with pytest.raises(MalformedInputError, match="coefficient 0"):
        K.qap_h_zkey(bytes(bad_row), w, n)
    bad_k = bytearray(sec4)
    bad_k[4 + 12:4 + 44] = R.to_bytes(32, "little")
    with pytest.raises(MalformedInputError, match="coefficient 0: expected a value < r"):
        K.qap_h_zkey(bytes(bad_k), w, n)
