"""Paillier: keys, ciphertexts, homomorphic operations, batches, phe interop, validation."""

from __future__ import annotations

import random
from typing import Any

import gmpy2
import numpy as np
import phe
import pytest

from mpc import paillier
from mpc.errors import (EncodingError, InsecureKeyError, InvalidCiphertextError, InvalidKeyError,
                        InvalidRandomnessError, KeyMismatchError, MPCTypeError, PlaintextOverflowError)
from mpc.paillier import Ciphertext, PrivateKey, PublicKey, RandomnessPool

# no zkp kernel runs here (checked by replacing both twins with ones that raise): the
# pure-Python pass of `make test` skips this module, the C pass runs it
pytestmark = pytest.mark.twin_independent


@pytest.fixture(scope="module")
def keys() -> tuple[PublicKey, PrivateKey]:
    return paillier.keygen(bits=2048)


@pytest.fixture(scope="module")
def small() -> tuple[PublicKey, PrivateKey]:
    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(1))


def test_keygen_sizes_and_refusals(keys: Any) -> None:
    pk, sk = keys
    assert pk.bits == 2048 and sk.p * sk.q == pk.n and sk.p != sk.q
    with pytest.raises(InsecureKeyError):
        paillier.keygen(bits=1024)
    with pytest.raises(MPCTypeError):
        paillier.keygen(bits=2049)
    assert isinstance(InsecureKeyError("x"), ValueError)
    assert "p=" not in repr(sk) and str(int(sk.p)) not in repr(sk)


def test_public_key_validation(keys: Any, small: Any) -> None:
    pk, sk = keys
    p, q = int(sk.p), int(sk.q)
    with pytest.raises(InsecureKeyError):
        PublicKey(small[0].n)
    PublicKey(small[0].n, insecure=True)
    for bad in (pk.n + 1, p * p, int(gmpy2.next_prime(pk.n)), 7 * (pk.n // 7 | 1)):  # even, square, prime, small factor
        with pytest.raises(InvalidKeyError):
            PublicKey(bad)
    for bad in (1.0 * 5, "123", True, None):
        with pytest.raises(MPCTypeError):
            PublicKey(bad)  # type: ignore[arg-type]


def test_modulus_checks_each_say_what_they_found(keys: Any) -> None:
    pk, sk = keys
    big = int(gmpy2.next_prime(1 << 2050))
    cases = {"even": 2 * big, "perfect square": big * big, "a prime": big, "divisible by 3,": 3 * big}
    for what, n in cases.items():
        with pytest.raises(InvalidKeyError, match=what):
            PublicKey(n)
    with pytest.raises(InvalidKeyError, match="below 64 bits"):
        PublicKey(int(gmpy2.next_prime(1 << 31)) * int(gmpy2.next_prime(3 << 30)), insecure=True)
    with pytest.raises(InsecureKeyError, match="2047 bits, expected at least 2048"):
        PublicKey(int(gmpy2.next_prime(1 << 1023)) * int(gmpy2.next_prime(3 << 1022)))
    PublicKey(pk.n)


@pytest.mark.parametrize("factor", [10007, 65521, 65537, 1048573])
def test_modulus_with_a_prime_factor_below_2_20_is_refused(factor: int) -> None:
    # 10007 is the first prime past the old bound (10^4); 1048573 the last below 2^20
    n = factor * int(gmpy2.next_prime(1 << 2048))
    with pytest.raises(InvalidKeyError, match=f"divisible by {factor}, a prime below the trial-division bound 2\\^20"):
        PublicKey(n)
    with pytest.raises(InvalidKeyError, match=f"divisible by {factor}"):
        paillier.load_public_key(paillier.dump_public_key(_unchecked_key(n)))
    assert paillier.keys.TRIAL_DIVISION_BOUND == 1 << 20


def test_modulus_with_factors_just_above_the_bound_is_accepted() -> None:
    p = int(gmpy2.next_prime(1 << 20))  # 1048583: past the documented bound, so not found
    PublicKey(p * int(gmpy2.next_prime(1 << 2048)))


def _unchecked_key(n: int) -> PublicKey:
    """A PublicKey object holding ``n`` without validation (to write a bad key document)."""
    pk = PublicKey.__new__(PublicKey)
    pk.n, pk.nsquare, pk.max_int = gmpy2.mpz(n), gmpy2.mpz(n) ** 2, gmpy2.mpz(n) // 3 - 1
    return pk


def test_private_key_validation(keys: Any) -> None:
    pk, sk = keys
    p, q = int(sk.p), int(sk.q)
    with pytest.raises(InvalidKeyError):
        PrivateKey(pk, p, q + 2)
    with pytest.raises(InvalidKeyError):
        PrivateKey(pk, 1, int(pk.n))


def test_signed_round_trip_and_bounds(small: Any) -> None:
    pk, sk = small
    rng = random.Random(2)
    for m in [0, 1, -1, pk.max_int, -pk.max_int] + [rng.randrange(-pk.max_int, pk.max_int) for _ in range(20)]:
        assert sk.decrypt(pk.encrypt(m)) == m
    for bad in (pk.max_int + 1, -pk.max_int - 1, pk.n):
        with pytest.raises(EncodingError):
            pk.encrypt(bad)
    with pytest.raises(EncodingError, match="overflow"):  # the sum lands in the middle third
        sk.decrypt(pk.encrypt(pk.max_int) + pk.encrypt(pk.max_int))
    for bad in (1.5, float("nan"), True, "3", None, np.float64(2.0)):
        with pytest.raises(MPCTypeError):
            pk.encrypt(bad)  # type: ignore[arg-type]


def test_totals_that_can_wrap_past_the_overflow_band_are_refused(small: Any) -> None:
    pk, sk = small
    big, neg = pk.encrypt(pk.max_int), pk.encrypt(-pk.max_int)
    wrapped = [paillier.sum_([big] * 3), paillier.sum_([neg] * 3), big + big + big, big * 3, 3 * neg, neg - big - big,
               paillier.dot([big, neg], [2, -1]), paillier.sum_([big] * 1000), big + big + pk.max_int]
    for c in wrapped:  # each decrypted to a small value (-4 or -5 for three times max_int) before
        with pytest.raises(PlaintextOverflowError, match="x max_int .the bound tracked for this ciphertext., past the overflow band"):
            sk.decrypt(c)
        with pytest.raises(PlaintextOverflowError):
            paillier.decrypt_many(sk, [pk.encrypt(1)] * 100 + [c], processes=2)  # refused before any work
    with pytest.raises(PlaintextOverflowError, match="band between max_int and n - max_int"):
        sk.decrypt(big + big)  # in the band itself: refused as phe refuses it
    err = PlaintextOverflowError("x")
    assert isinstance(err, OverflowError) and isinstance(err, EncodingError) and isinstance(err, ValueError)
    ppk, psk = paillier.to_phe_keys(pk, sk)
    for decrypt in (psk.decrypt, lambda c: sk.decrypt(paillier.from_phe(c, pk))):  # one except clause for both
        with pytest.raises(OverflowError):
            decrypt(paillier.to_phe(big + big))
    # totals whose bound stays below n - max_int decrypt exactly or land in the band
    assert sk.decrypt(big + neg) == 0 and sk.decrypt(paillier.sum_([big, neg, pk.encrypt(1)])) == 1
    assert sk.decrypt(paillier.sum_([pk.encrypt(pk.max_int // 2)] * 2)) == pk.max_int // 2 * 2


def test_plaintext_bounds_follow_every_operation_and_stay_local(small: Any) -> None:
    import copy
    import pickle

    pk, sk = small
    rng = random.Random(11)
    for _ in range(20):
        a, b, k = (rng.randrange(-10**20, 10**20) for _ in range(3))
        ca, cb = pk.encrypt(a), pk.encrypt(b)
        assert (ca.bound, cb.bound) == (abs(a), abs(b))
        for c, m in ((ca + cb, a + b), (ca - cb, a - b), (ca * k, a * k), (k * ca - b, k * a - b), (-ca, -a),
                     (paillier.dot([ca, cb], [k, -3]), k * a - 3 * b), (ca.rerandomize(), a)):
            assert c.bound is not None and abs(m) <= c.bound and sk.decrypt(c) == m
    c = pk.encrypt(-123)
    for other in (Ciphertext(pk, c.value), pickle.loads(pickle.dumps(c)), copy.copy(c), copy.deepcopy(c),
                  paillier.load_ciphertext(paillier.dump_ciphertext(c), pk), paillier.from_phe(paillier.to_phe(c), pk)):
        assert other.bound is None and sk.decrypt(other) == -123  # not written out: it reveals |m|
    assert (c + Ciphertext(pk, c.value)).bound is None and paillier.sum_([c, Ciphertext(pk, c.value)]).bound is None
    # a ciphertext from elsewhere has no known bound: its decryption rests on the band alone
    assert sk.decrypt(Ciphertext(pk, paillier.sum_([pk.encrypt(pk.max_int)] * 3).value)) in (-4, -5)


def test_homomorphic_operations(small: Any) -> None:
    pk, sk = small
    rng = random.Random(3)
    for _ in range(30):
        a, b, k = (rng.randrange(-10**30, 10**30) for _ in range(3))
        ca, cb = pk.encrypt(a), pk.encrypt(b)
        assert sk.decrypt(ca + cb) == a + b
        assert sk.decrypt(ca - cb) == a - b
        assert sk.decrypt(ca + b) == sk.decrypt(b + ca) == a + b
        assert sk.decrypt(b - ca) == b - a
        assert sk.decrypt(ca * k) == sk.decrypt(k * ca) == a * k
        assert sk.decrypt(-ca) == -a
    c = pk.encrypt(5)
    for bad in (c, 1.5, "2", True):
        with pytest.raises(MPCTypeError):
            c * bad  # type: ignore[operator]
        if not isinstance(bad, Ciphertext):
            with pytest.raises(MPCTypeError):
                c + bad  # type: ignore[operator]
    with pytest.raises(TypeError):
        c * c  # type: ignore[operator]


def test_rerandomize_and_fresh_encryptions_differ(small: Any) -> None:
    pk, sk = small
    c = pk.encrypt(9)
    d = c.rerandomize()
    assert d != c and sk.decrypt(d) == 9 and pk.encrypt(9) != pk.encrypt(9)


def test_caller_randomness_must_be_a_unit_other_than_plus_minus_one(small: Any) -> None:
    from mpc.paillier import DJNRandomness

    pk, sk = small
    n, nsq = int(pk.n), int(pk.nsquare)
    bad = {0: "found 0", -1: "found -1", nsq: "0 < rn < n\\^2", nsq + 5: "0 < rn < n\\^2", n: "sharing a factor",
           int(sk.p) * 12345: "sharing a factor", 1: "rn = 1 mod n", nsq - 1: "rn = -1 mod n",
           1 + 5 * n: "rn = 1 mod n",  # (1 + n)^5: would shift the plaintext by 5
           n - 1: "rn = -1 mod n"}
    c = pk.encrypt(3)
    for rn, what in bad.items():
        with pytest.raises(InvalidRandomnessError, match=what):
            pk.encrypt(7, rn=rn)
        with pytest.raises(InvalidRandomnessError, match=what):
            c.rerandomize(rn=rn)
        with pytest.raises(InvalidRandomnessError, match="DJNRandomness base"):
            DJNRandomness(pk, base=rn)
    assert issubclass(InvalidRandomnessError, InvalidCiphertextError) and issubclass(InvalidRandomnessError, ValueError)
    for wrong in (1.5, "5", True):
        with pytest.raises(MPCTypeError):
            pk.encrypt(7, rn=wrong)  # type: ignore[arg-type]
    with pytest.raises(MPCTypeError, match="not both"):
        pk.encrypt(7, rn=pk.random_rn(), rng=random.Random(1))
    rn = pk.random_rn()
    assert sk.decrypt(pk.encrypt(7, rn=rn)) == 7 and sk.decrypt(c.rerandomize(rn=rn)) == 3
    assert sk.decrypt(pk.encrypt(7, rn=sk.random_rn())) == 7


def test_unobfuscated_phe_ciphertexts_are_rerandomised(small: Any) -> None:
    pk, sk = small
    ppk, _ = paillier.to_phe_keys(pk)
    nude = phe.EncryptedNumber(ppk, ppk.raw_encrypt(7, r_value=1))  # 1 + 7n: anyone can read 7
    assert nude.ciphertext(be_secure=False) == 1 + 7 * pk.n
    ours = paillier.from_phe(nude, pk)
    assert ours.value % pk.n != 1 and sk.decrypt(ours) == 7
    assert nude.ciphertext(be_secure=False) == 1 + 7 * pk.n  # phe's object is left as it was
    secure = ppk.encrypt(8)
    assert paillier.from_phe(secure, pk).value == secure.ciphertext(be_secure=False)  # kept as it is


def test_ciphertext_validation(keys: Any, small: Any) -> None:
    pk, sk = keys
    for bad in (0, pk.nsquare, pk.nsquare + 1, -1, int(sk.p) * 12345, int(pk.n)):
        with pytest.raises(InvalidCiphertextError):
            Ciphertext(pk, bad)
    for bad in (1.0, "5", True):
        with pytest.raises(MPCTypeError):
            Ciphertext(pk, bad)  # type: ignore[arg-type]
    with pytest.raises(KeyMismatchError):
        pk.encrypt(1) + small[0].encrypt(1)
    with pytest.raises(KeyMismatchError):
        sk.decrypt(small[0].encrypt(1))
    assert Ciphertext(pk, pk.encrypt(3).value).value < pk.nsquare


def test_batches_pools_and_numpy(small: Any) -> None:
    pk, sk = small
    rng = random.Random(4)
    values = [rng.randrange(-10**6, 10**6) for _ in range(50)]
    pool = RandomnessPool(pk, private_key=sk)
    pool.fill(30, processes=2)
    assert len(pool) == 30 and "ready=30" in repr(pool)
    pooled = list(pool._values)
    assert len(set(pooled)) == 30
    cts = paillier.encrypt_many(pk, np.array(values, dtype=np.int64), pool=pool)
    assert len(pool) == 0  # 30 taken once each, 20 computed on demand
    assert {c.value for c in cts[:30]} == {(1 + (v % pk.n) * pk.n) * r % pk.nsquare for v, r in zip(values, pooled)}
    assert paillier.decrypt_many(sk, cts) == values == paillier.decrypt_many(sk, cts * 3, processes=2)[:50]
    assert sk.decrypt(paillier.sum_(cts)) == sum(values)
    weights = [rng.randrange(-1000, 1000) for _ in values]
    assert sk.decrypt(paillier.dot(cts, np.array(weights))) == sum(v * w for v, w in zip(values, weights))
    public_pool = RandomnessPool(pk)
    public_pool.fill(3, processes=1)
    assert paillier.decrypt_many(sk, paillier.encrypt_many(pk, [1, 2, 3], pool=public_pool)) == [1, 2, 3]
    for bad in (np.array([1.0, 2.0]), [1, 2.5], [True], np.array([np.nan])):
        with pytest.raises(MPCTypeError):
            paillier.encrypt_many(pk, bad)
    with pytest.raises(MPCTypeError):
        paillier.sum_([])
    with pytest.raises(MPCTypeError):
        paillier.dot(cts, weights[:-1])
    with pytest.raises(KeyMismatchError):
        paillier.sum_([cts[0], paillier.keygen(bits=1024, insecure=True)[0].encrypt(1)])


def test_phe_interop_both_ways(small: Any) -> None:
    pk, sk = small
    ppk, psk = paillier.to_phe_keys(pk, sk)
    ours = pk.encrypt(-123)
    theirs = ppk.encrypt(456)
    assert psk.decrypt(paillier.to_phe(ours)) == -123
    assert sk.decrypt(paillier.from_phe(theirs, pk)) == 456
    mixed = paillier.to_phe(ours) + theirs  # phe adds ours to its own
    assert psk.decrypt(mixed) == 333 and sk.decrypt(paillier.from_phe(mixed, pk)) == 333
    pk2, sk2 = paillier.from_phe_keys(ppk, psk, insecure=True)
    assert pk2 == pk and sk2 is not None and sk2.decrypt(ours) == -123
    with pytest.raises(EncodingError, match="exponent"):
        paillier.from_phe(ppk.encrypt(1.5), pk)
    other = phe.generate_paillier_keypair(n_length=1024)[0]
    with pytest.raises(KeyMismatchError):
        paillier.from_phe(other.encrypt(1), pk)
    with pytest.raises(MPCTypeError):
        paillier.from_phe(5, pk)


def test_djn_randomness_is_opt_in_and_decrypts(small: Any) -> None:
    from mpc.paillier import DJNRandomness

    pk, sk = small
    djn = DJNRandomness(pk, rng=random.Random(8))
    assert djn.exponent_bits == 512 and "exponent_bits=512" in repr(djn)
    vals = [djn.random_rn() for _ in range(20)]
    assert len(set(vals)) == 20
    for v in vals[:5]:  # an n-th residue: it encrypts 0
        assert sk.decrypt(Ciphertext(pk, v)) == 0
    pool = RandomnessPool(pk, djn=djn)
    pool.fill(6, processes=2)
    assert paillier.decrypt_many(sk, paillier.encrypt_many(pk, [4, -5, 6, 7, 8, 9, 10], pool=pool)) == \
        [4, -5, 6, 7, 8, 9, 10]
    # the window table equals plain exponentiation of the fixed base
    a = random.Random(9).getrandbits(512)
    assert DJNRandomness(pk, base=djn.base, window=5).random_rn(random.Random(9)) == gmpy2.powmod(djn.base, a, pk.nsquare)
    for bad in ({"exponent_bits": 128}, {"exponent_bits": True}, {"window": 0}, {"window": 11}):
        with pytest.raises(MPCTypeError):
            DJNRandomness(pk, **bad)
    with pytest.raises(KeyMismatchError):
        RandomnessPool(paillier.keygen(bits=1024, insecure=True)[0], djn=djn)
