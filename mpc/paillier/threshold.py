"""Threshold Paillier decryption (dealer-based; Shoup's RSA technique as adapted by
Damgård and Jurik, 2001, with s = 1): ``threshold`` of ``n`` key holders must cooperate to
decrypt, and every partial decryption carries a proof that it was made with the share
the verification key commits to.

    >>> tpk, shares = threshold_keygen(bits=512, n=5, threshold=3, insecure=True)
    >>> c = tpk.public_key.encrypt(-1234)
    >>> partials = [partial_decrypt(s, c) for s in shares[1:4]]
    >>> combine(tpk, c, partials)
    -1234

The dealer draws safe primes ``p = 2p' + 1``, ``q = 2q' + 1``, sets ``d = 0 mod p'q'`` and
``d = 1 mod n``, shares ``d`` with a random polynomial over ``Z_{n p' q'}``, publishes a
generator ``v`` of the squares and ``v_i = v^(Delta s_i)`` (``Delta = n!``), and forgets
``p, q, d``. A partial decryption is ``c_i = c^(2 Delta s_i)`` with a Fiat-Shamir proof
that ``log_{c^4}(c_i^2) = log_v(v_i)``; combining ``threshold`` of them with integer
Lagrange coefficients ``Delta * lambda_i`` gives ``c^(4 Delta^2 d)`` and the plaintext.

Security: the dealer sees the key; distributed generation is not provided (yet).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import factorial
from typing import Sequence

import gmpy2
from gmpy2 import mpz

from .._intmath import Rng, random_below, random_bits, random_safe_prime, random_unit
from ..errors import InsecureKeyError, MPCTypeError, PartialDecryptionError
from ..serial import VERSION, MalformedDataError, decode_int, dumps, encode_int, loads
from .ciphertext import Ciphertext
from .keys import MIN_BITS, PublicKey
from .serial import MAX_KEY_BITS

__all__ = ["ThresholdPublicKey", "KeyShare", "PartialDecryption", "threshold_keygen", "partial_decrypt",
           "verify_partial", "combine", "PartialDecryptionError", "dump_threshold_public_key",
           "load_threshold_public_key", "dump_key_share", "load_key_share", "dump_partial", "load_partial"]

CHALLENGE_BITS = 256


@dataclass(frozen=True)
class ThresholdPublicKey:
    """The public key, the parameters and the verification keys ``v_i`` (index i - 1)."""

    public_key: PublicKey
    n_parties: int
    threshold: int
    v: int
    verification_keys: tuple[int, ...]

    @property
    def delta(self) -> int:
        return factorial(self.n_parties)

    def __repr__(self) -> str:
        return f"ThresholdPublicKey(bits={self.public_key.bits}, n={self.n_parties}, threshold={self.threshold})"


@dataclass(frozen=True, repr=False)
class KeyShare:
    """Party ``index``'s share of the decryption exponent (secret)."""

    tpk: ThresholdPublicKey
    index: int
    value: int

    def __repr__(self) -> str:
        return f"KeyShare(index={self.index}, of {self.tpk.n_parties}, threshold={self.tpk.threshold})"


@dataclass(frozen=True)
class PartialDecryption:
    """``c^(2 Delta s_i) mod n^2`` with the proof ``(e, z)``."""

    index: int
    value: int
    e: int
    z: int


def threshold_keygen(bits: int, n: int, threshold: int, *, insecure: bool = False,
                     rng: Rng | None = None) -> tuple[ThresholdPublicKey, list[KeyShare]]:
    """Deal a ``bits``-bit key to ``n`` parties, any ``threshold`` of whom can decrypt."""
    for name, v in (("bits", bits), ("n", n), ("threshold", threshold)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise MPCTypeError(f"threshold_keygen: {name} must be an int, found {v!r}")
    if not 1 <= threshold <= n or n > 1000:
        raise MPCTypeError(f"threshold_keygen: need 1 <= threshold <= n <= 1000, found threshold={threshold}, n={n}")
    if bits < MIN_BITS and not insecure:
        raise InsecureKeyError(f"threshold_keygen: {bits} bits is below {MIN_BITS} (insecure=True for tests)")
    while True:
        p, q = random_safe_prime(bits // 2, rng), random_safe_prime(bits // 2, rng)
        if p != q and (p * q).bit_length() == bits:
            break
    nn = p * q
    m = (p - 1) // 2 * ((q - 1) // 2)
    d = m * gmpy2.invert(m, nn)  # 0 mod m, 1 mod n
    mod = nn * m
    coeffs = [d] + [random_below(mod, rng) for _ in range(threshold - 1)]
    shares = [int(sum(a * pow(i, k, mod) for k, a in enumerate(coeffs)) % mod) for i in range(1, n + 1)]
    pk = PublicKey(nn, insecure=insecure)
    nsq = pk.nsquare
    v = gmpy2.powmod(random_unit(nn, rng), 2, nsq)
    delta = factorial(n)
    vks = tuple(int(gmpy2.powmod(v, delta * s, nsq)) for s in shares)
    tpk = ThresholdPublicKey(pk, n, threshold, int(v), vks)
    return tpk, [KeyShare(tpk, i + 1, s) for i, s in enumerate(shares)]


def _challenge(tpk: ThresholdPublicKey, index: int, *elements: int) -> int:
    h = hashlib.sha256(b"zkmpc/paillier-threshold/v1")
    size = (2 * tpk.public_key.bits + 7) // 8 + 1
    for x in (int(tpk.public_key.n), tpk.threshold, tpk.n_parties, index, *elements):
        h.update(int(x).to_bytes(size, "big", signed=True))
    return int.from_bytes(h.digest(), "big") >> (256 - CHALLENGE_BITS)


def _nonce(share: KeyShare, c: mpz, bits: int, rng: Rng | None) -> mpz:
    """The proof's ``bits``-bit nonce: SHAKE-256 of the share, the ciphertext and 256 fresh
    bits from ``rng``. A nonce used for two challenges reveals the share (``z1 - z2 =
    (e1 - e2) Delta s_i``); hashing the share and ``c`` in keeps nonces distinct and secret
    even when ``rng`` repeats itself or returns zeros (a seeded or broken ``rng``)."""
    h = hashlib.shake_256(b"zkmpc/paillier-threshold/nonce/v1")
    for x in (share.index, share.value, int(c), random_bits(256, rng)):
        data = int(x).to_bytes((int(x).bit_length() + 8) // 8, "big")
        h.update(len(data).to_bytes(4, "big") + data)
    size = (bits + 7) // 8
    return mpz(int.from_bytes(h.digest(size), "big") >> (8 * size - bits))


def partial_decrypt(share: KeyShare, c: Ciphertext, *, rng: Rng | None = None) -> PartialDecryption:
    """This party's partial decryption of ``c``, with its proof (nonce from ``secrets``, or
    ``rng``, hashed with the share and ``c``: see :func:`_nonce`)."""
    tpk = share.tpk
    tpk.public_key.check_same(c.public_key)
    nsq = tpk.public_key.nsquare
    exp = tpk.delta * share.value
    ci = gmpy2.powmod(c.value, 2 * exp, nsq)
    c4 = gmpy2.powmod(c.value, 4, nsq)
    r = _nonce(share, c.value, 2 * tpk.public_key.bits + exp.bit_length() + 2 * CHALLENGE_BITS, rng)
    a, b = gmpy2.powmod(c4, r, nsq), gmpy2.powmod(tpk.v, r, nsq)
    e = _challenge(tpk, share.index, c.value, ci, tpk.verification_keys[share.index - 1], a, b)
    return PartialDecryption(share.index, int(ci), e, int(r + e * exp))


def verify_partial(tpk: ThresholdPublicKey, c: Ciphertext, partial: PartialDecryption) -> bool:
    """True when ``partial`` is party ``partial.index``'s correct share of ``c``'s decryption."""
    tpk.public_key.check_same(c.public_key)
    nsq = tpk.public_key.nsquare
    i, ci, e, z = partial.index, partial.value, partial.e, partial.z
    if not (isinstance(i, int) and 1 <= i <= tpk.n_parties and 0 < ci < nsq and gmpy2.gcd(ci, tpk.public_key.n) == 1
            and 0 <= e < 1 << CHALLENGE_BITS and 0 <= z < 1 << (4 * tpk.public_key.bits + 2 * CHALLENGE_BITS + 64)):
        return False
    vi = tpk.verification_keys[i - 1]
    c4 = gmpy2.powmod(c.value, 4, nsq)
    a = gmpy2.powmod(c4, z, nsq) * gmpy2.powmod(gmpy2.invert(gmpy2.powmod(ci, 2, nsq), nsq), e, nsq) % nsq
    b = gmpy2.powmod(tpk.v, z, nsq) * gmpy2.powmod(gmpy2.invert(vi, nsq), e, nsq) % nsq
    return _challenge(tpk, i, c.value, ci, vi, a, b) == e


def combine(tpk: ThresholdPublicKey, c: Ciphertext, partials: Sequence[PartialDecryption]) -> int:
    """The signed plaintext from ``threshold`` or more partial decryptions (all checked;
    :class:`PartialDecryptionError` names the indices whose proofs fail). Overflows are
    refused as by :meth:`PrivateKey.decrypt <mpc.paillier.PrivateKey.decrypt>`: a tracked
    ``c.bound`` past the band before any work, a result in the band after combining
    (:class:`~mpc.errors.PlaintextOverflowError`)."""
    tpk.public_key.check_same(c.public_key)
    tpk.public_key.assert_decryptable(c)
    indices = [p.index for p in partials]
    if len(set(indices)) != len(indices):
        raise PartialDecryptionError(f"duplicate partial decryptions from parties {sorted(indices)}")
    bad = [p.index for p in partials if not verify_partial(tpk, c, p)]
    if bad:
        raise PartialDecryptionError(f"partial decryptions from parties {bad} fail their proofs", bad)
    if len(partials) < tpk.threshold:
        raise PartialDecryptionError(f"{len(partials)} partial decryptions, {tpk.threshold} are needed")
    use = partials[:tpk.threshold]
    nsq, n, delta = tpk.public_key.nsquare, tpk.public_key.n, tpk.delta
    acc = mpz(1)
    for p in use:
        num = den = 1
        for q in use:
            if q.index != p.index:
                num, den = num * q.index, den * (q.index - p.index)
        mu = delta * num // den  # an integer: Delta * lambda_{0,i}
        base = mpz(p.value) if mu >= 0 else gmpy2.invert(mpz(p.value), nsq)
        acc = acc * gmpy2.powmod(base, 2 * abs(mu), nsq) % nsq
    m = (acc - 1) // n * gmpy2.invert(4 * delta * delta, n) % n
    return tpk.public_key.decode(m)


# ---------------------------------------------------------------- versioned JSON

def dump_threshold_public_key(tpk: ThresholdPublicKey) -> str:
    return dumps({"type": "paillier-threshold-public-key", "version": VERSION, "n": encode_int(tpk.public_key.n),
                  "parties": tpk.n_parties, "threshold": tpk.threshold, "v": encode_int(tpk.v),
                  "vks": [encode_int(x) for x in tpk.verification_keys]})


def load_threshold_public_key(text: str | bytes, *, insecure: bool = False) -> ThresholdPublicKey:
    doc = loads(text, "paillier-threshold-public-key", {"n", "parties", "threshold", "v", "vks"},
                max_size=1 << 24)
    pk = PublicKey(decode_int(doc["n"], "n", max_bits=MAX_KEY_BITS), insecure=insecure)
    parties, threshold, vks = doc["parties"], doc["threshold"], doc["vks"]
    if not (type(parties) is int and type(threshold) is int and 1 <= threshold <= parties <= 1000):
        raise MalformedDataError("parties/threshold: expected ints with 1 <= threshold <= parties <= 1000")
    if not isinstance(vks, list) or len(vks) != parties:
        raise MalformedDataError(f"vks: expected {parties} verification keys")
    bits = 2 * pk.bits
    units = [decode_int(x, "v", max_bits=bits, minimum=1) for x in [doc["v"], *vks]]
    if any(u >= pk.nsquare or gmpy2.gcd(u, pk.n) != 1 for u in units):
        raise MalformedDataError("v and the verification keys must lie in Z*_{n^2}")
    return ThresholdPublicKey(pk, parties, threshold, units[0], tuple(units[1:]))


def dump_key_share(share: KeyShare) -> str:
    """One party's secret share (with the public parameters, so it loads on its own)."""
    return dumps({"type": "paillier-key-share", "version": VERSION, "index": share.index,
                  "share": encode_int(share.value), "public": dump_threshold_public_key(share.tpk)})


def load_key_share(text: str | bytes, *, insecure: bool = False) -> KeyShare:
    doc = loads(text, "paillier-key-share", {"index", "share", "public"}, max_size=1 << 24)
    tpk = load_threshold_public_key(doc["public"], insecure=insecure)
    index = doc["index"]
    if type(index) is not int or not 1 <= index <= tpk.n_parties:
        raise MalformedDataError(f"index: expected 1..{tpk.n_parties}")
    return KeyShare(tpk, index, decode_int(doc["share"], "share", max_bits=2 * tpk.public_key.bits))


def dump_partial(partial: PartialDecryption) -> str:
    return dumps({"type": "paillier-partial-decryption", "version": VERSION, "index": partial.index,
                  "c": encode_int(partial.value), "e": encode_int(partial.e), "z": encode_int(partial.z)})


def load_partial(text: str | bytes, tpk: ThresholdPublicKey) -> PartialDecryption:
    """Parse a partial decryption (its proof is checked by :func:`combine`)."""
    doc = loads(text, "paillier-partial-decryption", {"index", "c", "e", "z"})
    bits = tpk.public_key.bits
    index = doc["index"]
    if type(index) is not int or not 1 <= index <= tpk.n_parties:
        raise MalformedDataError(f"index: expected 1..{tpk.n_parties}")
    return PartialDecryption(index, decode_int(doc["c"], "c", max_bits=2 * bits),
                             decode_int(doc["e"], "e", max_bits=CHALLENGE_BITS),
                             decode_int(doc["z"], "z", max_bits=4 * bits + 2 * CHALLENGE_BITS + 64))
