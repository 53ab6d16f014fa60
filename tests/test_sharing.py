"""Prime fields, Shamir, additive sharing, robust reconstruction, resharing (SECURITY 14)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mpc.errors import InconsistentSharesError, MPCTypeError, SharingError, TooFewSharesError
from mpc._wordfield import mul_small, mulmod, mulmod_object
from mpc.field import FR, P61, FieldValueError, PrimeField, lagrange_coefficients
from mpc.sharing import (AdditiveShare, Share, additive_combine, additive_split, combine, combine_reshares,
                         reshare, robust_combine, split)

FIELDS = [FR, P61, PrimeField(2_147_483_647)]


# --- fields ---------------------------------------------------------------------------

def test_word_mulmod_is_exact_on_edges_and_random() -> None:
    p = P61.modulus
    edge = np.array([0, 1, 2, p - 1, p - 2, (p - 1) // 2, 1 << 31, (1 << 32) - 1, 1 << 60], dtype=np.uint64)
    a, b = np.repeat(edge, len(edge)), np.tile(edge, len(edge))
    assert np.array_equal(mulmod(a, b, p), mulmod_object(a, b, p))
    for c in (0, 1, 2, 7, 12345, (1 << 29) - 1):
        assert np.array_equal(mul_small(a, c), mulmod_object(a, np.full(len(a), c, dtype=np.uint64), p))
        assert np.array_equal(mulmod(a, c, p), mulmod_object(a, np.full(len(a), c, dtype=np.uint64), p))
    r = P61.random_vector(100_000, random.Random(1))
    s = P61.random_vector(100_000, random.Random(2))
    assert np.array_equal(P61.mul(r, s), mulmod_object(r, s, p))
    r0, s0 = r.copy(), s.copy()
    P61.add(r, s), P61.sub(r, s), P61.mul(r, s), P61.mul_scalar(r, 5), P61.neg(r)
    assert np.array_equal(r, r0) and np.array_equal(s, s0)  # the in-place kernels leave operands alone
    for q in (PrimeField((1 << 62) - 57).modulus, 2_147_483_647, 3):
        x = np.array([q - 1, q - 2, 1, 0], dtype=np.uint64)
        assert np.array_equal(mulmod(x, x[::-1], q), mulmod_object(x, x[::-1], q))
        big = PrimeField(q).random_vector(10_000, random.Random(q))
        assert np.array_equal(mulmod(big, big[::-1], q), mulmod_object(big, big[::-1], q))


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_field_vectors_match_python_ints(field: PrimeField) -> None:
    rng = random.Random(7)
    a, b = field.random_vector(500, rng), field.random_vector(500, rng)
    p = field.modulus
    assert [int(v) for v in field.add(a, b)] == [(int(x) + int(y)) % p for x, y in zip(a, b)]
    assert [int(v) for v in field.sub(a, b)] == [(int(x) - int(y)) % p for x, y in zip(a, b)]
    assert [int(v) for v in field.mul(a, b)] == [int(x) * int(y) % p for x, y in zip(a, b)]
    assert np.array_equal(field.unpack(field.pack(a)), a)
    assert field.sum(a) == sum(int(x) for x in a) % p
    assert all(0 <= int(v) < p for v in field.random_vector(1000))


def test_field_refuses_non_canonical_values() -> None:
    with pytest.raises(FieldValueError):
        FR.element(FR.modulus)
    with pytest.raises(FieldValueError):
        FR.element(-1)
    with pytest.raises(MPCTypeError):
        FR.element(1.0)
    with pytest.raises(MPCTypeError):
        FR.element(True)
    with pytest.raises(FieldValueError):
        P61.vector(np.array([P61.modulus], dtype=np.uint64))
    with pytest.raises(MPCTypeError):
        P61.vector(np.array([1.5]))
    with pytest.raises(FieldValueError):
        P61.unpack(b"\xff" * 8)
    with pytest.raises(FieldValueError):
        P61.unpack(b"\x00" * 9)
    with pytest.raises(FieldValueError):
        PrimeField(2 ** 61)  # not prime
    with pytest.raises(FieldValueError):
        FR.encode(FR.max_signed + 1)
    assert FR.decode(FR.encode(-5)) == -5
    import gmpy2

    assert FR.vector([1, gmpy2.mpz(2), np.int64(3)]).tolist() == [1, 2, 3]
    with pytest.raises(FieldValueError, match=r"vector\[2\]"):
        FR.vector([1, 2, FR.modulus])
    with pytest.raises(MPCTypeError, match=r"vector\[1\]"):
        P61.vector(np.array([1, 2.5], dtype=object))
    with pytest.raises(FieldValueError):
        FR.unpack(FR.modulus.to_bytes(32, "big"))


def test_lagrange_coefficients_are_cached_and_checked() -> None:
    a = lagrange_coefficients(FR, [1, 2, 3])
    assert lagrange_coefficients(FR, (1, 2, 3)) is a
    with pytest.raises(FieldValueError):
        lagrange_coefficients(FR, [1, 1, 2])


# --- Shamir ---------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))), st.integers(0, FR.modulus - 1),
       st.randoms(use_true_random=False))
def test_any_threshold_subset_reconstructs_fewer_never(nt: tuple[int, int], secret: int, rnd: random.Random) -> None:
    n, t = nt
    shares = split(secret, n=n, threshold=t, rng=rnd)
    for subset in itertools.combinations(shares, t):
        assert combine(list(subset), threshold=t) == secret
    assert combine(shares, threshold=t) == secret  # the extra shares are checked too
    if t > 1:
        with pytest.raises(TooFewSharesError):
            combine(shares[: t - 1], threshold=t)


def test_fewer_than_threshold_shares_say_nothing() -> None:
    """With t - 1 shares fixed, every secret is still possible (and equally likely)."""
    field = PrimeField(101)
    shares = split(42, n=5, threshold=3, field=field, rng=random.Random(3))
    known = shares[:2]
    for candidate in (0, 17, 42, 100):  # the share 5 that makes `candidate` the secret exists
        pts = [(s.index, s.value) for s in known] + [(0, candidate)]
        lag = lagrange_coefficients(field, [x for x, _ in pts], 5)
        forged = Share(5, sum(c * y for c, (_, y) in zip(lag, pts)) % 101, 3, field)
        assert combine(known + [forged], threshold=3) == candidate


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_vectors_share_element_wise(field: PrimeField) -> None:
    secret = field.random_vector(1000, random.Random(5))
    shares = split(secret, n=5, threshold=3, field=field)
    assert np.array_equal(combine([shares[4], shares[0], shares[2]], threshold=3), secret)
    assert np.array_equal(combine(shares, threshold=3), secret)
    assert shares[0].size == 1000 and "hidden" in repr(shares[0])


def test_share_validation() -> None:
    with pytest.raises(SharingError, match="index 0"):
        Share(0, 5, 2)
    with pytest.raises(SharingError, match="index 0"):
        Share(FR.modulus, 5, 2)  # = 0 mod p
    with pytest.raises(SharingError):
        Share(FR.modulus + 1, 5, 2)  # not canonical
    with pytest.raises(FieldValueError):
        Share(1, FR.modulus, 2)
    with pytest.raises(MPCTypeError):
        Share(1, 2.0, 2)
    with pytest.raises(MPCTypeError):
        Share(True, 2, 2)
    with pytest.raises(SharingError):
        Share(1, 2, 0)
    s = split(9, n=4, threshold=2)
    with pytest.raises(SharingError, match="duplicate"):
        combine([s[0], s[0]], threshold=2)
    with pytest.raises(SharingError, match="claims threshold 3, expected 2"):
        combine([s[0], Share(s[1].index, s[1].value, 3)], threshold=2)  # threshold edited
    with pytest.raises(SharingError, match="does not match"):
        combine([s[0], Share(s[1].index, s[1].value % P61.modulus, 2, P61)], threshold=2)
    with pytest.raises(MPCTypeError):
        combine([s[0], (2, 5)], threshold=2)  # type: ignore[list-item]
    with pytest.raises(SharingError):
        split(1, n=3, threshold=4)
    with pytest.raises(SharingError):
        split(1, n=3, threshold=2, indices=[1, 2, 2])
    with pytest.raises(FieldValueError):
        split(FR.modulus, n=3, threshold=2)


def test_an_edited_threshold_is_caught_by_extra_shares() -> None:
    shares = split(1234, n=5, threshold=3)
    edited = [Share(s.index, s.value, 2) for s in shares]  # every share claims threshold 2
    with pytest.raises(InconsistentSharesError):  # a caller who believes them is still warned
        combine(edited[:3], threshold=2)
    with pytest.raises(SharingError, match="claims threshold 2, expected 3"):
        combine(edited[:3], threshold=3)


# --- robust reconstruction --------------------------------------------------------------

@settings(max_examples=30, deadline=None)
@given(st.integers(3, 9).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))), st.randoms(use_true_random=False))
def test_robust_combine_corrects_and_names_up_to_the_bound(nt: tuple[int, int], rnd: random.Random) -> None:
    n, t = nt
    secret = FR.random(rnd)
    shares = split(secret, n=n, threshold=t, rng=rnd)
    e = (n - t) // 2
    bad = rnd.sample(range(n), e)
    for i in bad:
        shares[i] = Share(shares[i].index, (shares[i].value + rnd.randrange(1, FR.modulus)) % FR.modulus, t)
    got = robust_combine(shares, threshold=t)
    assert got.secret == secret and got.bad == tuple(sorted(i + 1 for i in bad))


def test_robust_combine_on_vectors_names_parties_wrong_in_different_elements() -> None:
    secret = P61.random_vector(200)
    shares = split(secret, n=7, threshold=3, field=P61)
    for party, column in ((2, 5), (6, 150)):
        v = shares[party - 1].vector.copy()
        v[column] = (int(v[column]) + 1) % P61.modulus
        shares[party - 1] = Share(party, v, 3, P61)
    got = robust_combine(shares, threshold=3)
    assert np.array_equal(got.secret, secret) and got.bad == (2, 6)


def test_too_many_wrong_shares_are_refused_not_miscorrected() -> None:
    shares = split(77, n=5, threshold=3)
    for i in (0, 1):
        shares[i] = Share(shares[i].index, (shares[i].value + 1) % FR.modulus, 3)
    with pytest.raises(InconsistentSharesError):
        robust_combine(shares, threshold=3)
    with pytest.raises(InconsistentSharesError):
        combine(shares, threshold=3)


# --- resharing and additive ---------------------------------------------------------------

def test_resharing_moves_the_secret_to_new_parties_and_threshold() -> None:
    old = split(31337, n=5, threshold=3)
    dealt = {s.index: reshare(s, n=4, threshold=2, indices=[10, 11, 12, 13]) for s in old[1:4]}
    new = [combine_reshares({i: dealt[i][j] for i in dealt}, old_threshold=3) for j in range(4)]
    assert [s.index for s in new] == [10, 11, 12, 13] and all(s.threshold == 2 for s in new)
    for pair in itertools.combinations(new, 2):
        assert combine(list(pair), threshold=2) == 31337
    with pytest.raises(InconsistentSharesError):  # old and new shares lie on unrelated polynomials
        combine([new[0], new[1], Share(1, old[0].value, 2)], threshold=2)
    with pytest.raises(TooFewSharesError):
        combine_reshares({1: dealt[2][0], 2: dealt[3][0]}, old_threshold=3)
    with pytest.raises(SharingError):
        combine_reshares({2: dealt[2][0], 3: dealt[3][1], 4: dealt[4][0]}, old_threshold=3)


def test_additive_sharing() -> None:
    for m in (2, 2 ** 64, FR.modulus, 1000):
        shares = additive_split(m - 1, n=4, modulus=m)
        assert additive_combine(shares) == m - 1
        with pytest.raises(TooFewSharesError):
            additive_combine(shares[:3])
    vec = np.arange(10, dtype=np.uint64)
    assert np.array_equal(additive_combine(additive_split(vec, n=3, modulus=2 ** 32)), vec)
    shares = additive_split(5, n=3, modulus=97)
    with pytest.raises(SharingError):
        additive_combine([shares[0], shares[0], shares[1]])
    with pytest.raises(SharingError):
        AdditiveShare(4, 1, 3, 97)
    with pytest.raises(SharingError):
        AdditiveShare(1, 97, 3, 97)
    with pytest.raises(SharingError):
        additive_combine([shares[0], shares[1], AdditiveShare(3, 1, 3, 101)])


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_horner_evaluation_and_small_lagrange_match_the_definitions(field: PrimeField) -> None:
    from mpc.sharing.shamir import evaluate, interpolate_at

    rng = random.Random(9)
    p = field.modulus
    coeffs = [field.random_vector(20, rng) for _ in range(4)]
    for x in (1, 2, 7, 1000, p - 1):
        naive = [sum(int(c[i]) * pow(x, j, p) for j, c in enumerate(coeffs)) % p for i in range(20)]
        assert [int(v) for v in evaluate(field, coeffs, x)] == naive
        assert evaluate(field, [int(c[0]) for c in coeffs], x) == naive[0]
    for xs in ((1, 2, 3, 4), (2, 5, 9, 11), (1, 3, 4, p - 2)):
        shares = [Share(x, evaluate(field, coeffs, x), 4, field) for x in xs]
        for at in (0, 6, 12345):
            want = [sum(int(c[i]) * pow(at, j, p) for j, c in enumerate(coeffs)) % p for i in range(20)]
            assert [int(v) for v in interpolate_at(shares, at)] == want


# --- share documents (SECURITY 16) ---------------------------------------------------------

def test_share_documents_round_trip_and_refuse_tampering() -> None:
    import json

    from mpc.serial import MalformedDataError
    from mpc.sharing import dump_share, feldman_deal, dump_commitments, load_commitments, load_share

    scalar = split(77, n=3, threshold=2)[1]
    vector = split(P61.random_vector(10), n=3, threshold=2, field=P61)[2]
    for s in (scalar, vector):
        assert load_share(dump_share(s)) == s
    assert load_share(dump_share(vector), field=P61) == vector
    doc = json.loads(dump_share(scalar))

    def bad(**change: object) -> str:
        return json.dumps({**doc, **change})

    for text in (bad(index="0"), bad(index=str(FR.modulus)), bad(value=str(FR.modulus)), bad(value="+5"),
                 bad(value="05"), bad(threshold=True), bad(threshold="2"), bad(field="15"), bad(version=2),
                 bad(values="AAAA"), bad(value=None), bad(extra=1), dump_share(scalar)[:-1],
                 dump_share(scalar).replace('"index"', '"index":"1","index"')):
        with pytest.raises(ValueError):
            load_share(text)
    with pytest.raises(MalformedDataError, match="another field"):
        load_share(dump_share(scalar), field=P61)
    vdoc = json.loads(dump_share(vector))
    for values in ("AAAAAAAAAA=", "////////////w==", vdoc["values"][:-4], "!!!!"):
        with pytest.raises(ValueError):
            load_share(json.dumps({**vdoc, "values": values}))
    with pytest.raises(MalformedDataError):
        load_share("x" * 2_000_000)  # refused on size before parsing
    d = feldman_deal(5, n=3, threshold=2)
    assert load_commitments(dump_commitments(d.commitments), threshold=2) == d.commitments
    with pytest.raises(ValueError):
        load_commitments(dump_commitments(d.commitments), threshold=3)


# --- the threshold comes from the caller; counts before work (issue 15, items 12 and 16) ---

def test_a_share_edited_to_threshold_1_does_not_combine_alone() -> None:
    import json

    from mpc.sharing import dump_share, load_share

    shares = split(2024, n=5, threshold=3)
    doc = json.loads(dump_share(shares[0]))
    doc["threshold"] = 1
    forged = load_share(json.dumps(doc))  # a well-formed document: its claim is what is wrong
    assert forged.threshold == 1
    with pytest.raises(TooFewSharesError, match="1 shares given, 3"):
        combine([forged], threshold=3)
    with pytest.raises(SharingError, match="share 1 claims threshold 1, expected 3"):
        combine([forged, shares[1], shares[2]], threshold=3)
    with pytest.raises(SharingError, match="claims threshold 1"):
        robust_combine([forged, *shares[1:]], threshold=3)
    with pytest.raises(SharingError, match="claims threshold 3, expected 1"):
        combine(shares[:1], threshold=1)  # nor does the caller's expectation override the shares'
    with pytest.raises(TypeError):
        combine(shares)  # type: ignore[call-arg]  # no default: the caller must say
    for bad in (0, -1, 1 << 17):
        with pytest.raises(SharingError, match="threshold"):
            combine(shares, threshold=bad)
    with pytest.raises(MPCTypeError):
        combine(shares, threshold=3.0)  # type: ignore[arg-type]


class _Huge(Sequence[Share]):
    """A sequence that claims ``size`` shares and fails if any is read."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, i: object) -> Share:  # type: ignore[override]
        raise AssertionError("a share was read before the count was checked")


def test_share_counts_are_checked_before_any_share_is_read() -> None:
    from mpc.sharing.shamir import MAX_SHARES

    for combiner in (combine, robust_combine):
        with pytest.raises(SharingError, match=f"10000000 shares given, at most {MAX_SHARES}"):
            combiner(_Huge(10 ** 7), threshold=2)
        with pytest.raises(TooFewSharesError):
            combiner(_Huge(2), threshold=3)


def test_duplicate_indices_are_named_briefly() -> None:
    one = split(7, n=2, threshold=2, field=P61)[0]
    many = [Share.unchecked(1 + i % 20_000, one.value, 2, P61) for i in range(40_000)]
    with pytest.raises(SharingError, match=r"found \[1, 2, 3, 4, 5, 6, 7, 8, 9, 10\] and 19990 more repeated") as exc:
        combine(many, threshold=2)
    assert len(str(exc.value)) < 200
