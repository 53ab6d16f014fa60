"""Prime fields, Shamir, additive sharing, robust reconstruction, resharing (SECURITY 14)."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
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


@pytest.mark.parametrize("field", [*FIELDS, PrimeField(13)], ids=lambda f: f.name)
def test_lagrange_rows_match_one_point_at_a_time(field: PrimeField) -> None:
    from mpc.field import lagrange_rows

    p, rng = field.modulus, random.Random(11)
    for t in (1, 2, 5, 9):
        xs = rng.sample(range(1, min(p, 10 ** 6)), t)
        ats = [0, xs[0], xs[-1], *rng.sample(range(min(p, 10 ** 6)), 3), p - 1]
        assert list(lagrange_rows(field, xs, ats)) == [lagrange_coefficients(field, xs, a) for a in ats]
    with pytest.raises(FieldValueError):
        list(lagrange_rows(field, [1, 1], [0]))
    with pytest.raises(FieldValueError):
        list(lagrange_rows(field, [1, 2], [p]))


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
    with pytest.raises(SharingError, match="index 0"):
        combine_reshares({0: dealt[2][0], 3: dealt[3][0], 4: dealt[4][0]}, old_threshold=3)
    with pytest.raises(SharingError, match="at most 65536"):
        combine_reshares(dict.fromkeys(range(1, 70_000), dealt[2][0]), old_threshold=3)


def test_additive_sharing() -> None:
    for m in (2, 2 ** 64, FR.modulus, 1000):
        shares = additive_split(m - 1, n=4, modulus=m)
        assert additive_combine(shares, n=4) == m - 1
        with pytest.raises(TooFewSharesError):
            additive_combine(shares[:3], n=4)
    vec = np.arange(10, dtype=np.uint64)
    assert np.array_equal(additive_combine(additive_split(vec, n=3, modulus=2 ** 32), n=3), vec)
    shares = additive_split(5, n=3, modulus=97)
    with pytest.raises(SharingError):
        additive_combine([shares[0], shares[0], shares[1]], n=3)
    with pytest.raises(SharingError):
        AdditiveShare(4, 1, 3, 97)
    with pytest.raises(SharingError):
        AdditiveShare(1, 97, 3, 97)
    with pytest.raises(SharingError):
        additive_combine([shares[0], shares[1], AdditiveShare(3, 1, 3, 101)], n=3)


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
    with pytest.raises(ValueError, match="share of threshold 1, expected 3"):
        load_share(json.dumps(doc), threshold=3)
    assert load_share(dump_share(shares[0]), threshold=3) == shares[0]
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
    from mpc.sharing import MAX_SHARES

    for combiner in (combine, robust_combine):
        with pytest.raises(SharingError, match=f"10000000 shares given, at most {MAX_SHARES}"):
            combiner(_Huge(10 ** 7), threshold=2)
        with pytest.raises(TooFewSharesError):
            combiner(_Huge(2), threshold=3)


def test_additive_shares_take_n_from_the_caller() -> None:
    # seeded: a fresh draw makes share 1 equal the secret one run in 97 (then the forgery
    # below would not be a wrong value at all)
    shares = additive_split(5, n=3, modulus=97, rng=random.Random(1))
    forged = AdditiveShare(1, shares[0].value, 1, 97)  # one share claiming to be the whole sharing
    assert forged.value != 5
    with pytest.raises(TooFewSharesError, match="1 additive shares given, all 3"):
        additive_combine([forged], n=3)
    with pytest.raises(SharingError, match="claims n=1, expected 3"):
        additive_combine([forged, shares[1], shares[2]], n=3)
    with pytest.raises(SharingError, match="4 additive shares given, all 3 are needed and no more"):
        additive_combine([*shares, shares[0]], n=3)
    with pytest.raises(SharingError, match="does not match"):
        additive_combine(additive_split(np.arange(3, dtype=np.uint64), n=2, modulus=97)[:1]
                         + additive_split(np.arange(4, dtype=np.uint64), n=2, modulus=97)[1:], n=2)
    with pytest.raises(SharingError, match="1 <= n <= 65536"):
        additive_split(5, n=1 << 17, modulus=97)  # refused before drawing 2^17 masks
    with pytest.raises(SharingError, match="at most|n: expected"):
        additive_combine(_Huge(10 ** 7), n=10 ** 7)  # type: ignore[arg-type]


def test_duplicate_indices_are_named_briefly() -> None:
    one = split(7, n=2, threshold=2, field=P61)[0]
    many = [Share.unchecked(1 + i % 20_000, one.value, 2, P61) for i in range(40_000)]
    with pytest.raises(SharingError, match=r"found \[1, 2, 3, 4, 5, 6, 7, 8, 9, 10\] and 19990 more repeated") as exc:
        combine(many, threshold=2)
    assert len(str(exc.value)) < 200


# --- secrecy: fewer than threshold shares are uniform, whatever the secret (issue 23) ---------
#
# Exhaustive where the space is small: an rng that plays a script of values, one per draw
# (every sampler here turns one getrandbits call into one element, taking its low bits),
# enumerates every polynomial the dealer can draw; the view of any threshold - 1 parties
# must then take every value exactly once, for every secret. Where it is large, a
# fixed-seed chi-square test: each check has a false-alarm rate of ALPHA for a random seed
# (the seeds are fixed, so the outcome is too): 168 checks, below 2e-5 for all together.
# A planted bug (the first random coefficient equal to the secret, coefficients or
# additive masks from a 16-bit range, nonzero coefficients, a resharing one degree short,
# Fr elements reduced instead of rejection-sampled) fails them (each was planted in a
# scratch copy and seen failing).

ALPHA = 1e-7


class _Script:
    """An rng whose draws are ``values``, in order; drawing more is an error."""

    def __init__(self, values: Sequence[int]) -> None:
        self.values, self.calls = list(values), 0

    def getrandbits(self, k: int) -> int:
        if self.calls == len(self.values):
            raise AssertionError(f"more than the {len(self.values)} scripted draws")
        self.calls += 1
        return self.values[self.calls - 1]


def test_a_scripted_rng_drives_every_sampler() -> None:
    """The harness's premise: one scripted value is one field element or additive share."""
    from mpc.sharing.additive import _random

    for p in (5, 7, 11, 2_147_483_647, P61.modulus, FR.modulus):
        for c in (0, 1, 3, p - 1):
            assert PrimeField(p).random(_Script([c])) == c
            assert _random(p, 0, _Script([c])) == c


def _each_once(views: dict[tuple[int, ...], int] | Counter[tuple[int, ...]], p: int, k: int) -> bool:
    return len(views) == p ** k and set(views.values()) == {1}


@pytest.mark.parametrize("p,n,t,indices", [(7, 6, 2, None), (7, 6, 3, None), (7, 4, 3, [2, 3, 5, 6]), (11, 5, 3, None),
                                           (5, 4, 4, None)])
def test_shamir_threshold_minus_1_shares_are_uniform_for_every_secret(p: int, n: int, t: int,
                                                                       indices: list[int] | None) -> None:
    field = PrimeField(p)
    subsets = list(itertools.combinations(range(n), t - 1))
    for secret in range(p):
        views: dict[tuple[int, ...], Counter[tuple[int, ...]]] = {s: Counter() for s in subsets}
        for coeffs in itertools.product(range(p), repeat=t - 1):
            shares = split(secret, n=n, threshold=t, field=field, indices=indices, rng=_Script(coeffs))
            assert combine(shares, threshold=t) == secret
            for subset in subsets:
                views[subset][tuple(shares[i].value for i in subset)] += 1
        for subset, seen in views.items():
            assert _each_once(seen, p, t - 1), (secret, subset, seen.most_common(3))


@pytest.mark.parametrize("m,n", [(7, 3), (16, 3), (2, 4), (5, 4)])
def test_additive_n_minus_1_shares_are_uniform_for_every_secret(m: int, n: int) -> None:
    subsets = list(itertools.combinations(range(n), n - 1))
    for secret in range(m):
        views: dict[tuple[int, ...], Counter[tuple[int, ...]]] = {s: Counter() for s in subsets}
        for draws in itertools.product(range(m), repeat=n - 1):
            shares = additive_split(secret, n=n, modulus=m, rng=_Script(draws))
            assert additive_combine(shares, n=n) == secret
            for subset in subsets:
                views[subset][tuple(shares[i].value for i in subset)] += 1
        for subset, seen in views.items():
            assert _each_once(seen, m, n - 1), (secret, subset, seen.most_common(3))


def test_resharing_reveals_nothing_to_threshold_minus_1_old_and_new_parties() -> None:
    """GF(7): an old sharing (n=3, t=2) reshared by old parties 1 and 2 to new parties
    4, 5, 6 with t=2. An adversary holding old party 3's share and everything new party 4
    receives (its sub-shares, hence its new share) sees every value of its view exactly
    once per secret, over every draw of the three polynomials."""
    p, field = 7, PrimeField(7)
    for secret in range(p):
        seen: Counter[tuple[int, ...]] = Counter()
        for draws in itertools.product(range(p), repeat=3):
            old = split(secret, n=3, threshold=2, field=field, rng=_Script(draws[:1]))
            dealt = {d: reshare(old[d - 1], n=3, threshold=2, indices=[4, 5, 6], rng=_Script(draws[d:d + 1]))
                     for d in (1, 2)}
            new = [combine_reshares({d: dealt[d][j] for d in dealt}, old_threshold=2) for j in range(3)]
            assert combine(new[1:], threshold=2) == secret
            seen[(old[2].value, dealt[1][0].value, dealt[2][0].value)] += 1  # new share 4 follows from these
        assert _each_once(seen, p, 3), (secret, seen.most_common(3))


def _chi2_sf(x: float, dof: int) -> float:
    """P(X >= x) for X chi-square with ``dof`` degrees of freedom: the regularised upper
    incomplete gamma Q(dof/2, x/2), by its series below a + 1, its continued fraction above."""
    a, z = dof / 2, x / 2
    if z <= 0:
        return 1.0
    log_front = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:
        term = total = 1 / a
        k = a
        while term > total * 1e-15:
            k += 1
            term *= z / k
            total += term
        return max(0.0, 1 - math.exp(log_front) * total)
    b, c, d = z + 1 - a, 1 / 1e-300, 1 / (z + 1 - a)
    h = d
    for i in range(1, 10_000):
        an, b = -i * (i - a), b + 2
        d = 1 / (an * d + b if abs(an * d + b) > 1e-300 else 1e-300)
        c = an / c + b if abs(an / c + b) > 1e-300 else 1e-300
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return math.exp(log_front) * h


def test_chi_square_tail_matches_closed_forms() -> None:
    for x in (0.1, 1.0, 2.0, 7.5, 30.0, 90.0):
        assert math.isclose(_chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-9)
        assert math.isclose(_chi2_sf(x, 1), math.erfc(math.sqrt(x / 2)), rel_tol=1e-9)
        assert math.isclose(_chi2_sf(x, 4), math.exp(-x / 2) * (1 + x / 2), rel_tol=1e-9)
    assert 0.04 < _chi2_sf(82.53, 63) < 0.06  # the 5% point of chi-square(63)


def _uniformity(cells: Sequence[int], what: str) -> None:
    """Chi-square against uniform cells; fails with the statistic and its tail probability."""
    n, k = sum(cells), len(cells)
    stat = sum((c - n / k) ** 2 for c in cells) * k / n
    assert _chi2_sf(stat, k - 1) > ALPHA, f"{what}: chi-square {stat:.1f} on {k - 1} dof, P = {_chi2_sf(stat, k - 1):.2e}"


def _cells(values: Sequence[Sequence[int]], modulus: int, bins: int) -> list[int]:
    """Counts of tuples of elements, each element cut into ``bins`` equal ranges."""
    counts = Counter(sum((int(v) * bins // modulus) * bins ** i for i, v in enumerate(row)) for row in values)
    return [counts.get(c, 0) for c in range(bins ** len(values[0]))]


@pytest.mark.parametrize("field", [FR, P61], ids=lambda f: f.name)
def test_shamir_shares_are_uniform_in_large_fields(field: PrimeField) -> None:
    """Vectors (vectorised sampling) and scalars (one draw each), t - 1 = 1 and 2 shares."""
    p, rng = field.modulus, random.Random(2323)
    for secret in (0, 1, p - 1, field.random(rng)):
        for t, n, bins in ((2, 3, 64), (3, 4, 8)):
            shares = split(field.vector([secret] * 8192), n=n, threshold=t, field=field, rng=rng)
            for subset in itertools.combinations(range(n), t - 1):
                rows = list(zip(*(shares[i].vector for i in subset)))
                _uniformity(_cells(rows, p, bins), f"vector shares {subset} of {secret} (t={t}, {field.name})")
        scalar = [split(secret, n=3, threshold=2, field=field, rng=rng) for _ in range(1024)]
        for i in range(3):
            _uniformity(_cells([(s[i].value,) for s in scalar], p, 16), f"scalar share {i + 1} of {secret} ({field.name})")


@pytest.mark.parametrize("modulus", [FR.modulus, 2 ** 64, 2 ** 32 + 15], ids=["Fr", "2^64", "2^32+15"])
def test_additive_shares_are_uniform_for_large_moduli(modulus: int) -> None:
    rng = random.Random(2324)
    for secret in (0, 1, modulus - 1):
        vec = np.array([secret] * 8192, dtype=np.uint64 if modulus <= 1 << 63 else object)
        shares = additive_split(vec, n=3, modulus=modulus, rng=rng)
        scalar = [additive_split(secret, n=3, modulus=modulus, rng=rng) for _ in range(1024)]
        for subset in itertools.combinations(range(3), 2):
            rows = list(zip(*(shares[i].value for i in subset)))
            _uniformity(_cells(rows, modulus, 8), f"additive vector shares {subset} of {secret} mod {modulus}")
            _uniformity(_cells([tuple(s[i].value for i in subset) for s in scalar], modulus, 4),
                        f"additive scalar shares {subset} of {secret} mod {modulus}")


def test_reshared_shares_are_uniform_in_a_large_field() -> None:
    rng = random.Random(2325)
    for secret in (0, 1, FR.modulus - 1):
        old = split(FR.vector([secret] * 4096), n=3, threshold=2, rng=rng)
        dealt = {s.index: reshare(s, n=3, threshold=2, rng=rng) for s in old[:2]}
        new = [combine_reshares({d: dealt[d][j] for d in dealt}, old_threshold=2) for j in range(3)]
        for j in range(3):
            _uniformity(_cells([(v,) for v in new[j].vector], FR.modulus, 64), f"new share {j + 1} of {secret}")
            _uniformity(_cells(list(zip(old[2].vector, dealt[1][j].vector)), FR.modulus, 8),
                        f"old share 3 with sub-share 1->{j + 1} of {secret}")


def test_robust_combine_decodes_a_bounded_window_and_checks_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Berlekamp-Welch is cubic in its rows: it sees at most MAX_DECODE shares; the wrong
    shares after the window are still named (issue 15, item 16)."""
    from mpc.sharing import robust as robust_module

    sizes: list[int] = []
    real = robust_module.berlekamp_welch

    def spy(field: PrimeField, xs: Sequence[int], ys: Sequence[int], t: int) -> set[int]:
        sizes.append(len(xs))
        return real(field, xs, ys, t)

    monkeypatch.setattr(robust_module, "berlekamp_welch", spy)
    m, t = robust_module.MAX_DECODE + 44, 3
    shares = split(P61.random_vector(4, random.Random(1)), n=m, threshold=t, field=P61, rng=random.Random(2))
    secret = combine(shares, threshold=t)
    late = (robust_module.MAX_DECODE + 4, robust_module.MAX_DECODE + 24, m)
    for party in (5, 100, *late):
        v = shares[party - 1].vector.copy()
        v[party % 4] = (int(v[party % 4]) + 1) % P61.modulus
        shares[party - 1] = Share(party, v, t, P61)
    got = robust_combine(shares, threshold=t)
    assert np.array_equal(got.secret, secret) and got.bad == (5, 100, *late)
    assert sizes and max(sizes) == robust_module.MAX_DECODE
    sizes.clear()
    no_room = split(7, n=m, threshold=m - 1, field=P61)  # threshold above the window: nothing to correct with
    assert robust_combine(no_room, threshold=m - 1).secret == 7
    no_room[0] = Share(1, (no_room[0].value + 1) % P61.modulus, m - 1, P61)
    with pytest.raises(InconsistentSharesError, match="at most 0 can be corrected"):
        robust_combine(no_room, threshold=m - 1)  # share m, after the window, is not blamed for share 1
    small = split(7, n=4, threshold=3, field=P61)
    small[1] = Share(2, (small[1].value + 1) % P61.modulus, 3, P61)
    with pytest.raises(InconsistentSharesError, match="no redundancy"):
        robust_combine(small, threshold=3)
    assert sizes == []
