"""Exact encodings: integers and fixed-point decimals, bounds, capacity, refusals."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from mpc import paillier
from mpc.encoding import FixedPoint, IntegerEncoding, check_capacity
from mpc.errors import EncodingError, MPCTypeError, PlaintextOverflowError

# no zkp kernel runs here (checked by replacing both twins with ones that raise): the
# pure-Python pass of `make test` skips this module, the C pass runs it
pytestmark = pytest.mark.twin_independent


def test_fixed_point_round_trips_exactly() -> None:
    enc = FixedPoint(decimals=3, bound=Decimal("1e9"))
    rng = random.Random(1)
    for _ in range(200):
        d = Decimal(rng.randrange(-10**12, 10**12)).scaleb(-3)
        assert enc.decode(enc.encode(d)) == d
        assert enc.decode(enc.encode(str(d))) == d
    assert enc.encode(7) == 7000 and enc.encode("-0.001") == -1
    assert enc.encode(Decimal("1.500000")) == 1500  # trailing zeros are exact


def test_fixed_point_is_exact_beyond_the_decimal_context_precision() -> None:
    # the default decimal context keeps 28 digits: scaleb, abs and * used to round silently
    bound = Decimal("123456789012345678901234567890123456789.987654321")
    enc = FixedPoint(decimals=9, bound=bound)
    assert enc.max_encoded == 123456789012345678901234567890123456789987654321
    v = Decimal("98765432109876543210987654321.000000001")
    assert enc.encode(v) == 98765432109876543210987654321000000001 and enc.decode(enc.encode(v)) == v
    assert enc.decode(-(10**40 + 1)) == Decimal("-10000000000000000000000000000000.000000001")
    assert enc.squared().max_encoded == enc.max_encoded ** 2
    just_over = Decimal("123456789012345678901234567890123456789.987654322")
    with pytest.raises(EncodingError, match="outside"):
        enc.encode(-just_over)  # abs() rounded it to 28 digits, below the bound
    pk, sk = paillier.keygen(bits=1024, insecure=True, rng=random.Random(8))
    xs = [v, Decimal("-0.000000001"), Decimal("12345678901234567890123456789.5")]
    total = paillier.decrypt_encoded(sk, paillier.aggregate(paillier.encrypt_encoded(pk, xs, enc), enc), enc, terms=3)
    assert str(total) == "111111111011111111101111111110.500000000"

def test_refusals() -> None:
    enc = FixedPoint(decimals=2, bound=Decimal(100))
    for bad in (Decimal("0.001"), Decimal("100.01"), Decimal("-100.01"), "1e2", " 10", "+10", "010", "1_0", "0x10",
                "", "1.", ".5", "1" * 2000, Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"),
                Decimal("sNaN")):
        with pytest.raises(EncodingError):
            enc.encode(bad)
    for wrong in (1.5, float("nan"), float("inf"), True, None, b"1", [1]):
        with pytest.raises(MPCTypeError):
            enc.encode(wrong)
    ints = IntegerEncoding(bound=10)
    for out_of_bound in (11, -11):
        with pytest.raises(EncodingError):
            ints.encode(out_of_bound)
    for not_int in (1.0, True, "3", Decimal(3)):
        with pytest.raises(MPCTypeError):
            ints.encode(not_int)
    with pytest.raises(EncodingError):
        ints.decode(31, terms=3)
    assert ints.decode(-30, terms=3) == -30
    with pytest.raises(EncodingError):
        enc.decode(10001)
    with pytest.raises(EncodingError):
        FixedPoint(decimals=-1, bound=Decimal(1))
    with pytest.raises(MPCTypeError):
        FixedPoint(decimals=2, bound=1.5)  # type: ignore[arg-type]


def test_capacity_is_checked_before_aggregating() -> None:
    pk, sk = paillier.keygen(bits=1024, insecure=True, rng=random.Random(5))
    big = IntegerEncoding(bound=pk.max_int // 4)
    check_capacity(big, 4, int(pk.max_int))
    with pytest.raises(EncodingError, match="5 values"):
        check_capacity(big, 5, int(pk.max_int))
    cts = paillier.encrypt_encoded(pk, [big.bound] * 5, big)
    with pytest.raises(EncodingError):
        paillier.aggregate(cts, big)
    assert paillier.decrypt_encoded(sk, paillier.aggregate(cts[:4], big), big, terms=4) == 4 * big.bound
    with pytest.raises(EncodingError):  # one value alone must fit
        paillier.encrypt_encoded(pk, [1], IntegerEncoding(bound=pk.n))


def test_encoded_decryption_refuses_a_total_that_wrapped() -> None:
    pk, sk = paillier.keygen(bits=1024, insecure=True, rng=random.Random(7))
    enc = IntegerEncoding(bound=pk.max_int)
    cts = paillier.encrypt_encoded(pk, [enc.bound] * 3, enc)
    with pytest.raises(EncodingError):  # aggregate() checks the capacity first
        paillier.aggregate(cts, enc)
    with pytest.raises(PlaintextOverflowError):  # raw sum_: decrypted -4 or -5, within 3 x bound, before
        paillier.decrypt_encoded(sk, paillier.sum_(cts), enc, terms=3)
    with pytest.raises(PlaintextOverflowError, match="band"):
        paillier.decrypt_encoded(sk, paillier.sum_(cts[:2]), enc, terms=2)


def test_variance_from_squares() -> None:
    pk, sk = paillier.keygen(bits=1024, insecure=True, rng=random.Random(6))
    enc = FixedPoint(decimals=2, bound=Decimal(1000))
    sq = enc.squared()
    xs = [Decimal("12.25"), Decimal("-3.50"), Decimal("7.00"), Decimal("0.01")]
    s = paillier.decrypt_encoded(sk, paillier.aggregate(paillier.encrypt_encoded(pk, xs, enc), enc), enc, terms=4)
    s2 = paillier.decrypt_encoded(sk, paillier.aggregate(paillier.encrypt_encoded(pk, [x * x for x in xs], sq), sq),
                                  sq, terms=4)
    assert s == sum(xs) and s2 == sum(x * x for x in xs)
