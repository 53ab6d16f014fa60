"""The kernel contract (zkp/_bn254.pyi), run over every available twin, against naive
sums, py_ecc and polynomial evaluation."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkp.curve import G1Point, G2Point
from zkp.errors import MalformedInputError
from zkp.field import FR_COSET_SHIFT, P, R, fr_root_of_unity

from .._helpers import twist_point_outside_subgroup

G1, G2 = G1Point.generator(), G2Point.generator()


def _twins() -> list[str]:
    """Both twins; without the C build only Python, except under ``ZKP_REQUIRE_C=1`` (CI),
    where the C twin stays in the list and its fixture fails instead of vanishing."""
    names = ["zkp._bn254_py"]
    try:
        importlib.import_module("zkp._bn254")
        names.append("zkp._bn254")
    except ImportError:
        if os.environ.get("ZKP_REQUIRE_C") == "1":
            names.append("zkp._bn254")
    return names


@pytest.fixture(scope="module", params=_twins())
def K(request: pytest.FixtureRequest) -> ModuleType:
    return importlib.import_module(request.param)


def enc(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "big") for v in values)


def dec(buf: bytes) -> list[int]:
    return [int.from_bytes(buf[i:i + 32], "big") for i in range(0, len(buf), 32)]


small = st.integers(min_value=0, max_value=R - 1)
special = st.sampled_from([0, 1, 2, R - 1, R - 2])
scalar = st.one_of(small, special)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), scalar), min_size=0, max_size=12))
def test_g1_msm_equals_naive_sum(K: ModuleType, terms: list[tuple[int, int]]) -> None:
    pts = [G1 * i for i, _ in terms]  # i = 0 gives infinity; repeated i repeated points
    ks = [k for _, k in terms]
    expected = G1Point.infinity()
    for p, k in zip(pts, ks):
        expected = expected + p * k
    got = K.g1_msm(b"".join(p.to_bytes() for p in pts), enc(ks))
    assert got == expected.to_bytes()


@settings(max_examples=6, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), scalar), min_size=0, max_size=5))
def test_g2_msm_equals_naive_sum(K: ModuleType, terms: list[tuple[int, int]]) -> None:
    pts = [G2 * i for i, _ in terms]
    expected = G2Point.infinity()
    for p, (_, k) in zip(pts, terms):
        expected = expected + p * k
    got = K.g2_msm(b"".join(p.to_bytes() for p in pts), enc([k for _, k in terms]))
    assert got == expected.to_bytes()


def test_msm_larger_and_all_zero(K: ModuleType) -> None:
    import random

    rnd = random.Random(7)
    pts = [G1 * rnd.randrange(1, R) for _ in range(70)]
    ks = [rnd.randrange(R) for _ in range(70)]
    expected = G1Point.infinity()
    for p, k in zip(pts, ks):
        expected = expected + p * k
    buf = b"".join(p.to_bytes() for p in pts)
    assert K.g1_msm(buf, enc(ks)) == expected.to_bytes()
    assert K.g1_msm(buf, enc([0] * 70)) == bytes(64)
    assert K.g1_msm(b"", b"") == bytes(64) and K.g2_msm(b"", b"") == bytes(128)


def test_batch_mul(K: ModuleType) -> None:
    ks = [0, 1, 2, R - 1, 12345, 2**200 + 7]
    assert K.g1_batch_mul(G1.to_bytes(), enc(ks)) == b"".join((G1 * k).to_bytes() for k in ks)
    assert K.g2_batch_mul(G2.to_bytes(), enc(ks)) == b"".join((G2 * k).to_bytes() for k in ks)
    assert K.g1_batch_mul(G1.to_bytes(), b"") == b""


def test_kernels_reject_malformed_buffers(K: ModuleType) -> None:
    with pytest.raises(MalformedInputError):
        K.g1_msm(G1.to_bytes()[:-1], enc([1]))
    with pytest.raises(MalformedInputError):
        K.g1_msm(G1.to_bytes(), enc([1, 2]))  # count mismatch
    with pytest.raises(MalformedInputError):
        K.g1_msm(G1.to_bytes(), enc([R]))  # scalar >= r
    with pytest.raises(MalformedInputError):
        K.g1_msm(P.to_bytes(32, "big") + bytes(32), enc([1]))  # coordinate >= p
    with pytest.raises(MalformedInputError):
        K.fr_ntt(enc([1, 2, 3]))  # not a power of two
    with pytest.raises(MalformedInputError):
        K.fr_batch_inverse(enc([1, 0]))
    with pytest.raises(MalformedInputError):
        K.pairing_check(G1.to_bytes(), b"")


def test_validate(K: ModuleType) -> None:
    K.g1_validate(G1.to_bytes() + bytes(64))
    with pytest.raises(MalformedInputError, match="G1 point 1"):
        K.g1_validate(G1.to_bytes() + (1).to_bytes(32, "big") + (1).to_bytes(32, "big"))
    K.g2_validate(G2.to_bytes() + bytes(128))
    x, y = twist_point_outside_subgroup(5)
    raw = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    with pytest.raises(MalformedInputError, match="G2 point 1"):
        K.g2_validate(G2.to_bytes() + raw)


def _eval(coeffs: list[int], x: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 5), st.data())
def test_ntt_matches_evaluation_and_round_trips(K: ModuleType, log_n: int, data: st.DataObject) -> None:
    n = 1 << log_n
    coeffs = data.draw(st.lists(scalar, min_size=n, max_size=n))
    w = fr_root_of_unity(log_n)
    evals = dec(K.fr_ntt(enc(coeffs)))
    assert evals == [_eval(coeffs, pow(w, i, R)) for i in range(n)]
    assert dec(K.fr_ntt(enc(evals), True)) == coeffs
    coset = dec(K.fr_coset_ntt(enc(coeffs)))
    assert coset == [_eval(coeffs, FR_COSET_SHIFT * pow(w, i, R) % R) for i in range(n)]
    assert dec(K.fr_coset_ntt(enc(coset), True)) == coeffs


def test_qap_odd_coset_is_ab_minus_c_on_the_odd_roots(K: ModuleType) -> None:
    import random

    rnd = random.Random(3)
    n = 8
    a, b, c = ([rnd.randrange(R) for _ in range(n)] for _ in range(3))
    got = dec(K.qap_odd_coset(enc(a), enc(b), enc(c)))
    A_, B_, C_ = (dec(K.fr_ntt(enc(v), True)) for v in (a, b, c))
    g = fr_root_of_unity(4)  # a primitive 2n-th root: its odd powers are g * w^i
    xs = [pow(g, 2 * i + 1, R) for i in range(n)]
    assert got == [(_eval(A_, x) * _eval(B_, x) - _eval(C_, x)) % R for x in xs]
    with pytest.raises(MalformedInputError, match="one length"):
        K.qap_odd_coset(enc(a), enc(b), enc(c[:4]))


def test_ifft_turns_powers_into_the_lagrange_basis(K: ModuleType) -> None:
    import random

    rnd = random.Random(4)
    tau = rnd.randrange(R)
    for log_n in range(4):
        n = 1 << log_n
        w = fr_root_of_unity(log_n)
        powers = enc([pow(tau, j, R) for j in range(n)])
        lag = [pow(w, i, R) * (pow(tau, n, R) - 1) * pow(n * (tau - pow(w, i, R)), -1, R) % R
               for i in range(n)]
        assert K.g1_ifft(K.g1_batch_mul(G1.to_bytes(), powers)) == K.g1_batch_mul(G1.to_bytes(), enc(lag))
        assert K.g2_ifft(K.g2_batch_mul(G2.to_bytes(), powers)) == K.g2_batch_mul(G2.to_bytes(), enc(lag))
    with pytest.raises(MalformedInputError):
        K.g1_ifft(bytes(64 * 3))


def test_apply_key_multiplies_point_i_by_first_times_inc_to_the_i(K: ModuleType) -> None:
    import random

    rnd = random.Random(5)
    ks = [rnd.randrange(R) for _ in range(6)]
    first, inc = rnd.randrange(R), rnd.randrange(R)
    want = [k * first * pow(inc, i, R) % R for i, k in enumerate(ks)]
    for base, mul, apply_key in ((G1, K.g1_batch_mul, K.g1_apply_key), (G2, K.g2_batch_mul, K.g2_apply_key)):
        pts = mul(base.to_bytes(), enc(ks + [0]))
        assert apply_key(pts, enc([first]), enc([inc])) == mul(base.to_bytes(), enc(want + [0]))
    with pytest.raises(MalformedInputError, match="first"):
        K.g1_apply_key(bytes(64), R.to_bytes(32, "big"), enc([1]))


def test_lincomb_sums_sparse_rows(K: ModuleType) -> None:
    import random

    import numpy as np

    rnd = random.Random(6)
    bases = K.g1_batch_mul(G1.to_bytes(), enc([rnd.randrange(1, R) for _ in range(5)] + [0]))
    rows = [[(0, 1), (3, R - 1)], [], [(5, 7)], [(1, rnd.randrange(R)), (2, 0), (4, 1), (1, 5)]]
    ptr = np.cumsum([0] + [len(r) for r in rows]).astype("<u4").tobytes()
    idx = np.array([i for r in rows for i, _ in r], dtype="<u4").tobytes()
    ks = enc([k for r in rows for _, k in r])
    got = K.g1_lincomb(bases, ptr, idx, ks)
    for i, r in enumerate(rows):
        want = K.g1_msm(b"".join(bases[64 * j:64 * j + 64] for j, _ in r), enc([k for _, k in r]))
        assert got[64 * i:64 * i + 64] == want
    g2 = K.g2_batch_mul(G2.to_bytes(), enc([3, 4]))
    assert K.g2_lincomb(g2, np.array([0, 2], dtype="<u4").tobytes(), np.array([0, 1], dtype="<u4").tobytes(),
                        enc([2, R - 1])) == K.g2_batch_mul(G2.to_bytes(), enc([2]))
    with pytest.raises(MalformedInputError, match="names point"):
        K.g1_lincomb(bases, np.array([0, 1], dtype="<u4").tobytes(), np.array([9], dtype="<u4").tobytes(), enc([1]))
    with pytest.raises(MalformedInputError, match="offsets"):
        K.g1_lincomb(bases, np.array([0, 2], dtype="<u4").tobytes(), np.array([1], dtype="<u4").tobytes(), enc([1]))
    with pytest.raises(MalformedInputError, match="decreases"):
        K.g1_lincomb(bases, np.array([0, 1, 0, 1], dtype="<u4").tobytes(), np.array([1], dtype="<u4").tobytes(),
                     enc([1]))


def test_blake2b_state_updates_as_hashlib_hashes(K: ModuleType) -> None:
    import hashlib

    from zkp._blake2b import Blake2b

    data = bytes(range(256)) * 5
    for cuts in ((0,), (1, 128), (128, 256, 700), (129, 1279)):
        st, prev = Blake2b().partial(), 0
        for c in cuts + (len(data),):
            st = K.blake2b_update(st, data[prev:c])
            prev = c
        assert Blake2b.from_partial(st).digest() == hashlib.blake2b(data).digest()
    with pytest.raises(MalformedInputError, match="216"):
        K.blake2b_update(bytes(215), b"")
    with pytest.raises(MalformedInputError, match="pending"):
        K.blake2b_update(bytes(200) + (129).to_bytes(4, "little") + bytes(12), b"")


def test_lem_round_trips_and_refuses_bad_points(K: ModuleType) -> None:
    pts = K.g1_batch_mul(G1.to_bytes(), enc([0, 1, 2, R - 1]))
    assert K.g1_from_lem(K.g1_to_lem(pts)) == pts
    pts2 = K.g2_batch_mul(G2.to_bytes(), enc([0, 7, R - 7]))
    assert K.g2_from_lem(K.g2_to_lem(pts2)) == pts2
    assert K.g1_to_lem(pts)[:64] == bytes(64)
    one_lem = ((2**256) % P).to_bytes(32, "little")
    with pytest.raises(MalformedInputError, match="not on the curve"):
        K.g1_from_lem(one_lem + one_lem)
    with pytest.raises(MalformedInputError, match="< p"):
        K.g1_from_lem(P.to_bytes(32, "little") + one_lem)
    with pytest.raises(MalformedInputError, match="not on the twist"):
        K.g2_from_lem(one_lem * 4)
    with pytest.raises(MalformedInputError, match="multiple of 64"):
        K.g1_from_lem(bytes(65))


def test_batch_inverse(K: ModuleType) -> None:
    vals = [1, 2, R - 1, 123456789]
    assert dec(K.fr_batch_inverse(enc(vals))) == [pow(v, -1, R) for v in vals]


@settings(max_examples=3, deadline=None)
@given(st.integers(1, R - 1), st.integers(1, R - 1))
def test_pairing_bilinearity(K: ModuleType, a: int, b: int) -> None:
    # e(aP, bQ) * e(-abP, Q) == 1
    g1 = (G1 * a).to_bytes() + (-(G1 * (a * b % R))).to_bytes()
    g2 = (G2 * b).to_bytes() + G2.to_bytes()
    assert K.pairing_check(g1, g2)
    g1_bad = (G1 * a).to_bytes() + (-(G1 * ((a * b + 1) % R))).to_bytes()
    assert not K.pairing_check(g1_bad, g2)


def test_pairing_edge_cases(K: ModuleType) -> None:
    assert K.pairing_check(b"", b"")
    assert K.pairing_check(bytes(64), G2.to_bytes())  # e(O, Q) = 1
    assert not K.pairing_check(G1.to_bytes(), G2.to_bytes())


def test_eip197_precompile_vectors(K: ModuleType) -> None:
    """The Ethereum pairing precompile's vectors: an oracle independent of py_ecc."""
    import json

    from ..conftest import VECTORS

    doc = json.loads((VECTORS / "eip197_pairing.json").read_text())
    for v in doc["vectors"]:
        data = bytes.fromhex(v["input"])
        pairs = [data[i:i + 192] for i in range(0, len(data), 192)]
        g1 = b"".join(p[:64] for p in pairs)
        g2 = b"".join(p[64:] for p in pairs)
        K.g1_validate(g1)
        K.g2_validate(g2)
        assert K.pairing_check(g1, g2) is v["success"], v["name"]
