"""Fields and curves against py_ecc (the oracle); encodings; validation on decode."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_ecc import optimized_bn128 as ob

from zkp import _arith as A
from zkp.curve import G1Point, G2Point
from zkp.errors import InputTypeError, MalformedInputError
from zkp.field import FR_TWO_ADICITY, P, R, check_fr, fr_root_of_unity

from .._helpers import (from_pyecc_g1, from_pyecc_g2, to_pyecc_g1, to_pyecc_g2,
                       twist_point_outside_subgroup)

scalars = st.integers(min_value=0, max_value=R - 1)
fq = st.integers(min_value=0, max_value=P - 1)
G1, G2 = G1Point.generator(), G2Point.generator()


def test_generators_match_py_ecc() -> None:
    assert G1 == from_pyecc_g1(ob.G1)
    assert G2 == from_pyecc_g2(ob.G2)
    assert (G1 * R).is_infinity() and (G2 * R).is_infinity()


@settings(max_examples=30, deadline=None)
@given(fq, fq, fq, fq)
def test_fq2_mul_sqr_inv_match_py_ecc(a0: int, a1: int, b0: int, b1: int) -> None:
    a, b = (A.mpz(a0), A.mpz(a1)), (A.mpz(b0), A.mpz(b1))
    ref = ob.FQ2([a0, a1]) * ob.FQ2([b0, b1])
    assert tuple(int(c) for c in A.f2_mul(a, b)) == tuple(int(c) for c in ref.coeffs)
    assert A.f2_sqr(a) == A.f2_mul(a, a)
    if a0 or a1:
        assert A.f2_mul(a, A.f2_inv(a)) == A.F2_ONE


@settings(max_examples=25, deadline=None)
@given(scalars, scalars)
def test_g1_laws_and_py_ecc(k1: int, k2: int) -> None:
    p, q = G1 * k1, G1 * k2
    assert p == from_pyecc_g1(ob.multiply(ob.G1, k1))
    assert p + q == q + p == G1 * ((k1 + k2) % R)
    assert (p + q) + G1 == p + (q + G1)
    assert p - p == G1Point.infinity()
    assert p + G1Point.infinity() == p
    assert G1Point.from_bytes(p.to_bytes()) == p
    assert p + p == p * 2 == from_pyecc_g1(ob.double(to_pyecc_g1(p)))


@settings(max_examples=10, deadline=None)
@given(scalars, scalars)
def test_g2_laws_and_py_ecc(k1: int, k2: int) -> None:
    p, q = G2 * k1, G2 * k2
    assert p == from_pyecc_g2(ob.multiply(ob.G2, k1))
    assert p + q == q + p == G2 * ((k1 + k2) % R)
    assert p - p == G2Point.infinity()
    assert p + p == from_pyecc_g2(ob.double(to_pyecc_g2(p)))
    assert G2Point.from_bytes(p.to_bytes()) == p


def test_encodings_are_eip196_197() -> None:
    assert G1.to_bytes() == (1).to_bytes(32, "big") + (2).to_bytes(32, "big")
    b = G2.to_bytes()
    assert int.from_bytes(b[:32], "big") == G2.x[1]  # imaginary part first (EIP-197)
    assert int.from_bytes(b[32:64], "big") == G2.x[0]
    assert G1Point.from_bytes(bytes(64)).is_infinity()
    assert G2Point.from_bytes(bytes(128)).is_infinity()


def test_g1_decode_rejects_bad_points() -> None:
    with pytest.raises(MalformedInputError, match="not on the curve"):
        G1Point.from_bytes((1).to_bytes(32, "big") + (3).to_bytes(32, "big"))
    with pytest.raises(MalformedInputError):  # x >= p (x + p aliases x = 1)
        G1Point.from_bytes((1 + P).to_bytes(32, "big") + (2).to_bytes(32, "big"))
    with pytest.raises(MalformedInputError):
        G1Point.from_bytes(bytes(63))
    with pytest.raises(MalformedInputError):
        G1Point(0, 0)  # infinity is not a pair of coordinates
    with pytest.raises(InputTypeError):
        G1Point(1.0, 2)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        G1Point(True, 2)


def test_g2_decode_rejects_off_curve_and_outside_subgroup() -> None:
    x, y = twist_point_outside_subgroup()
    assert A.g2_on_curve((A.mpz(x[0]), A.mpz(x[1])), (A.mpz(y[0]), A.mpz(y[1])))
    raw = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    with pytest.raises(MalformedInputError, match="subgroup"):
        G2Point.from_bytes(raw)
    with pytest.raises(MalformedInputError, match="subgroup"):
        G2Point(x, y)
    bad = bytearray(G2.to_bytes())
    bad[-1] ^= 1
    with pytest.raises(MalformedInputError, match="not on the twist"):
        G2Point.from_bytes(bytes(bad))
    big = (P).to_bytes(32, "big") + G2.to_bytes()[32:]
    with pytest.raises(MalformedInputError):
        G2Point.from_bytes(big)


def test_points_are_immutable_and_hashable() -> None:
    with pytest.raises(AttributeError):
        G1.x = 5  # type: ignore[misc]
    assert len({G1, G1 * 1, G1 * 2}) == 2
    assert G1 != G2  # distinct types never compare equal
    assert "G1Point(x=0x" in repr(G1) and repr(G2Point.infinity()) == "G2Point.infinity()"


@pytest.mark.parametrize("point", [G1 * 5, G1Point.infinity(), G2 * 7, G2Point.infinity()],
                         ids=["g1", "g1-infinity", "g2", "g2-infinity"])
def test_points_pickle_and_copy_by_value(point: G1Point | G2Point) -> None:
    """Dask and multiprocessing ship points by pickle: every protocol round-trips the value and
    its type, and copy/deepcopy agree."""
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(point, protocol=protocol))
        assert type(back) is type(point) and back == point and hash(back) == hash(point)
    assert copy.copy(point) == point and copy.deepcopy(point) == point


def test_unpickling_validates_the_point() -> None:
    """A pickle is data from elsewhere: it decodes through ``from_bytes``, so a point off the
    curve (or outside G2's subgroup) is refused, not rebuilt."""
    good = pickle.dumps(G1 * 3)
    bad = good.replace((G1 * 3).to_bytes(), (1).to_bytes(32, "big") + (3).to_bytes(32, "big"))
    assert bad != good
    with pytest.raises(MalformedInputError):
        pickle.loads(bad)
    (x0, x1), (y0, y1) = twist_point_outside_subgroup()
    outside = b"".join(v.to_bytes(32, "big") for v in (x1, x0, y1, y0))
    with pytest.raises(MalformedInputError):
        pickle.loads(pickle.dumps(G2).replace(G2.to_bytes(), outside))


def test_check_fr_rejects_non_canonical() -> None:
    assert check_fr(0) == 0 and check_fr(R - 1) == R - 1
    for bad in (R, R + 1, -1, 2**300):
        with pytest.raises(MalformedInputError):
            check_fr(bad)
    for bad in (True, 1.0, "1", None):
        with pytest.raises(InputTypeError):
            check_fr(bad)


def test_roots_of_unity() -> None:
    w = fr_root_of_unity(FR_TWO_ADICITY)
    assert pow(w, 1 << FR_TWO_ADICITY, R) == 1 and pow(w, 1 << (FR_TWO_ADICITY - 1), R) != 1
    with pytest.raises(MalformedInputError):
        fr_root_of_unity(FR_TWO_ADICITY + 1)
