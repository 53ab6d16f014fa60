"""Paillier keys: generation, validation, encryption with g = n + 1, CRT decryption.

    >>> pk, sk = keygen(bits=1024, insecure=True)  # tests only: production keys are >= 2048 bits
    >>> c = pk.encrypt(-42) + pk.encrypt(50)
    >>> sk.decrypt(c)
    8

Security: plaintexts are integers mod n read as signed values in ``[-max_int, max_int]``,
``max_int = n // 3 - 1`` (phe's convention: a decryption in the band between is an overflow,
:class:`~mpc.errors.PlaintextOverflowError`). A total that wraps past the band would read as
a small value, so decryption also refuses a ciphertext whose tracked plaintext bound
(:attr:`Ciphertext.bound <mpc.paillier.Ciphertext>`) reaches ``n - max_int``. Caller-supplied
randomness is checked (:meth:`PublicKey.checked_rn`) but remains the caller's responsibility.
Arithmetic on gmpy2 is variable-time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

import gmpy2
from gmpy2 import mpz

from .._intmath import Rng, random_prime, random_unit, require_int
from ..errors import (EncodingError, InsecureKeyError, InvalidKeyError, InvalidRandomnessError, KeyMismatchError,
                      MPCTypeError, PlaintextOverflowError)

if TYPE_CHECKING:
    from .ciphertext import Ciphertext

__all__ = ["PublicKey", "PrivateKey", "keygen", "MIN_BITS", "DEFAULT_BITS", "TRIAL_DIVISION_BOUND"]

MIN_BITS = 2048
DEFAULT_BITS = 3072
TRIAL_DIVISION_BOUND = 1 << 20
"""Moduli with a prime factor below this bound are refused (one gcd with the product of all
primes below it: about 2 ms for a 2048-bit n, 6 ms at 16384 bits, once 55 ms to build the
product; see ``benchmarks/paillier.py``)."""


@lru_cache(maxsize=1)
def _small_primes_product() -> mpz:
    return gmpy2.primorial(TRIAL_DIVISION_BOUND - 1)


def _modulus_defect(n: mpz) -> str | None:
    """What disqualifies ``n`` as a Paillier modulus (cheapest checks first), or None."""
    if n < 2**64:
        return f"a {n.bit_length()}-bit value, below 64 bits"
    if n % 2 == 0:
        return "an even number"
    if gmpy2.is_square(n):
        return "a perfect square"
    g = gmpy2.gcd(n, _small_primes_product())
    if g != 1:
        return (f"divisible by {_least_factor(g)}, a prime below the trial-division bound "
                f"2^{TRIAL_DIVISION_BOUND.bit_length() - 1}")
    if gmpy2.is_prime(n):
        return "a prime"
    return None


def _least_factor(g: mpz) -> int:
    """The least prime factor of ``g > 1``, a squarefree product of primes below the bound."""
    if g % 2 == 0:
        return 2
    if gmpy2.is_prime(g):
        return int(g)
    return next(p for p in range(3, TRIAL_DIVISION_BOUND, 2) if g % p == 0)


def _int(v: object, what: str) -> mpz:
    return mpz(require_int(v, what))


class PublicKey:
    """A Paillier public key ``n`` (g = n + 1). Construction validates ``n``: at least
    2048 bits unless ``insecure=True`` (for tests; never below 64 bits), odd, not a perfect
    square, no prime factor below :data:`TRIAL_DIVISION_BOUND` (2^20), not prime.

    These checks refuse malformed moduli, they do not prove ``n`` is a product of two large
    primes: take keys from their holder over an authenticated channel.

        >>> PublicKey(3 * 1000003 * (2**1024 + 643), insecure=True)
        Traceback (most recent call last):
        ...
        mpc.errors.InvalidKeyError: PublicKey: n must be an odd composite of two large primes, found it divisible by 3, a prime below the trial-division bound 2^20
    """

    __slots__ = ("n", "nsquare", "max_int")

    def __init__(self, n: int, *, insecure: bool = False) -> None:
        n = _int(n, "PublicKey n")
        if n.bit_length() < MIN_BITS and not insecure:
            raise InsecureKeyError(f"PublicKey: n has {n.bit_length()} bits, expected at least {MIN_BITS} "
                                   "(insecure=True for tests)")
        defect = _modulus_defect(n)
        if defect is not None:
            raise InvalidKeyError(f"PublicKey: n must be an odd composite of two large primes, found it {defect}")
        self.n = n
        self.nsquare = n * n
        self.max_int = n // 3 - 1

    @property
    def bits(self) -> int:
        return int(self.n.bit_length())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other.n == self.n

    def __hash__(self) -> int:
        return hash(("paillier", int(self.n)))

    def __repr__(self) -> str:
        return f"PublicKey(bits={self.bits}, n={int(self.n) >> (self.bits - 32):#x}...)"

    def encode(self, m: int) -> mpz:
        """``m`` (|m| <= max_int) as an element of Z_n."""
        m = _int(m, "plaintext")
        if not -self.max_int <= m <= self.max_int:
            raise EncodingError(f"plaintext out of range: |m| must be <= n/3 - 1 ({self.bits}-bit n)")
        return m % self.n

    def decode(self, e: int) -> int:
        """The signed value of ``e`` in Z_n: ``[0, max_int]`` positive, ``[n - max_int, n)``
        negative; a value in the band between them is an overflow
        (:class:`~mpc.errors.PlaintextOverflowError`, an ``OverflowError`` as in phe)."""
        if e <= self.max_int:
            return int(e)
        if e >= self.n - self.max_int:
            return int(e - self.n)
        raise PlaintextOverflowError("overflow: the decrypted value lies in the band between max_int and n - max_int "
                                     "(outside [-n/3, n/3]); an aggregate exceeded the plaintext space")

    def assert_decryptable(self, c: "Ciphertext") -> None:
        """:class:`~mpc.errors.PlaintextOverflowError` if ``c.bound`` (the plaintext bound
        tracked in this process) reaches ``n - max_int``: past the overflow band a wrapped
        total reads as a small value, so decrypting it could not detect the overflow."""
        if c.bound is not None and c.bound >= self.n - self.max_int:
            ratio = int(c.bound) * 10 // int(self.max_int) / 10
            raise PlaintextOverflowError(f"overflow: |plaintext| can reach {ratio} x max_int (the bound tracked for this "
                                         "ciphertext), past the overflow band at n - max_int (about 2 x max_int), where a "
                                         "wrapped total reads as a small value; keep aggregates below n - max_int")

    def random_rn(self, rng: Rng | None = None) -> mpz:
        """A fresh ``r^n mod n^2`` (r uniform in Z*_n): the randomness of one encryption."""
        return gmpy2.powmod(random_unit(self.n, rng), self.n, self.nsquare)

    def checked_rn(self, rn: int, what: str = "rn") -> mpz:
        """``rn`` if it can be encryption randomness ``r^n mod n^2``: ``0 < rn < n^2``, a unit
        (``gcd(rn, n) = 1``) and ``rn mod n`` not +-1 (so ``r`` is not +-1, and ``rn`` is not
        ``(1 + n)^k``, which would shift the plaintext by ``k``); else
        :class:`~mpc.errors.InvalidRandomnessError`. Whether ``rn`` is an n-th residue
        cannot be checked without the factors.

            >>> pk, _ = keygen(bits=1024, insecure=True)
            >>> pk.checked_rn(1)
            Traceback (most recent call last):
            ...
            mpc.errors.InvalidRandomnessError: rn: expected r^n mod n^2 for a random unit r, found rn = 1 mod n (r = 1: a deterministic encryption, or a shifted plaintext)
        """
        r = _int(rn, what)
        if not 0 < r < self.nsquare:
            found = str(r) if r.bit_length() <= 64 else f"a {r.bit_length()}-bit value"
            raise InvalidRandomnessError(f"{what}: expected r^n mod n^2 with 0 < rn < n^2 ({2 * self.bits} bits), "
                                         f"found {found}")
        if gmpy2.gcd(r, self.n) != 1:
            raise InvalidRandomnessError(f"{what}: expected a unit of Z*_(n^2), found a value sharing a factor with n")
        low = r % self.n
        if low == 1 or low == self.n - 1:
            sign = "" if low == 1 else "-"
            raise InvalidRandomnessError(f"{what}: expected r^n mod n^2 for a random unit r, found rn = {sign}1 mod n "
                                         f"(r = {sign}1: a deterministic encryption, or a shifted plaintext)")
        return r

    def encrypt(self, m: int, *, rng: Rng | None = None, rn: int | None = None) -> "Ciphertext":
        """``(1 + m n) r^n mod n^2`` with ``r`` drawn from ``secrets`` (or ``rng``).

        ``rn`` is a precomputed ``r^n mod n^2`` (as made by :meth:`random_rn`,
        :class:`~mpc.paillier.DJNRandomness` or a :class:`~mpc.paillier.RandomnessPool`), to
        move the exponentiation off the online path; it is checked by :meth:`checked_rn`
        (about 30 us at 2048 bits; :func:`~mpc.paillier.encrypt_many` with a pool skips the
        check for the pool's own values).

        Security: with ``rn`` the caller is responsible for the randomness, and nothing here
        can tell a good value from a bad one beyond :meth:`checked_rn`. ``rn`` must come
        from a CSPRNG and be used for one encryption only: two ciphertexts with the same
        ``rn`` reveal the difference of their plaintexts (``c1 / c2 = 1 + (m1 - m2) n``), and
        an ``rn`` someone else knows reveals the plaintext. Leave ``rn`` out unless you
        precompute randomness; the package never passes caller-chosen values here.
        """
        from .ciphertext import Ciphertext

        if rn is not None and rng is not None:
            raise MPCTypeError("encrypt: pass rng (to draw r) or rn (a precomputed r^n), not both")
        e = self.encode(m)
        r = self.random_rn(rng) if rn is None else self.checked_rn(rn)
        return Ciphertext._raw(self, (1 + e * self.n) * r % self.nsquare, abs(int(m)))

    def _encrypt_with(self, m: int, rn: mpz) -> "Ciphertext":
        """Unchecked ``rn``: only for randomness this package drew itself (a pool's values)."""
        from .ciphertext import Ciphertext

        return Ciphertext._raw(self, (1 + self.encode(m) * self.n) * rn % self.nsquare, abs(int(m)))

    def check_same(self, other: "PublicKey") -> None:
        if other is not self and other != self:
            raise KeyMismatchError("ciphertexts under different public keys")


class PrivateKey:
    """The factors ``p``, ``q`` of a public key, with the CRT constants for decryption."""

    __slots__ = ("public_key", "p", "q", "_psq", "_qsq", "_hp", "_hq", "_q_inv_p", "_exp_p", "_exp_q",
                 "_qsq_inv_psq")

    def __init__(self, public_key: PublicKey, p: int, q: int) -> None:
        p, q = _int(p, "p"), _int(q, "q")
        if p == q or p * q != public_key.n or not (gmpy2.is_prime(p, 50) and gmpy2.is_prime(q, 50)):
            raise InvalidKeyError("PrivateKey: p and q must be distinct primes with p * q = n")
        if q < p:
            p, q = q, p
        self.public_key = public_key
        self.p, self.q = p, q
        self._psq, self._qsq = p * p, q * q
        g = public_key.n + 1
        self._hp = gmpy2.invert((gmpy2.powmod(g, p - 1, self._psq) - 1) // p, p)
        self._hq = gmpy2.invert((gmpy2.powmod(g, q - 1, self._qsq) - 1) // q, q)
        self._q_inv_p = gmpy2.invert(q, p)
        n = public_key.n
        self._exp_p, self._exp_q = n % (p * (p - 1)), n % (q * (q - 1))
        self._qsq_inv_psq = gmpy2.invert(self._qsq, self._psq)

    def __repr__(self) -> str:
        return f"PrivateKey(bits={self.public_key.bits})"  # never the factors

    def decrypt_raw(self, c: "Ciphertext") -> mpz:
        """The plaintext in Z_n (CRT: two exponentiations mod p^2 and q^2)."""
        self.public_key.check_same(c.public_key)
        v = c.value
        mp = (gmpy2.powmod(v, self.p - 1, self._psq) - 1) // self.p * self._hp % self.p
        mq = (gmpy2.powmod(v, self.q - 1, self._qsq) - 1) // self.q * self._hq % self.q
        return mq + (mp - mq) * self._q_inv_p % self.p * self.q

    def decrypt(self, c: "Ciphertext") -> int:
        """The signed plaintext; :class:`~mpc.errors.PlaintextOverflowError` (an
        :class:`~mpc.errors.EncodingError` and an ``OverflowError``) when it lies in the
        overflow band or ``c.bound`` reaches past it (:meth:`PublicKey.assert_decryptable`)."""
        self.public_key.assert_decryptable(c)
        return self.public_key.decode(self.decrypt_raw(c))

    def random_rn(self, rng: Rng | None = None) -> mpz:
        """``r^n mod n^2`` by CRT (about 1.8x faster than :meth:`PublicKey.random_rn`)."""
        r = random_unit(self.public_key.n, rng)
        rp = gmpy2.powmod(r, self._exp_p, self._psq)
        rq = gmpy2.powmod(r, self._exp_q, self._qsq)
        return rq + (rp - rq) * self._qsq_inv_psq % self._psq * self._qsq


def keygen(bits: int = DEFAULT_BITS, *, insecure: bool = False, rng: Rng | None = None) -> tuple[PublicKey, PrivateKey]:
    """A fresh key pair with an exactly ``bits``-bit modulus (two ``bits/2``-bit primes).
    Below 2048 bits only with ``insecure=True``."""
    if isinstance(bits, bool) or not isinstance(bits, int):
        raise MPCTypeError(f"keygen: bits: expected an int (the modulus size, e.g. 3072), found {type(bits).__name__}")
    if bits < 128 or bits % 2:
        raise MPCTypeError(f"keygen: bits: expected an even number of at least 128 (two primes of bits/2), "
                           f"found {bits}; e.g. {max(2048, bits + bits % 2)}")
    if bits < MIN_BITS and not insecure:
        raise InsecureKeyError(f"keygen: {bits} bits is below {MIN_BITS} (insecure=True for tests)")
    while True:
        p, q = random_prime(bits // 2, rng), random_prime(bits // 2, rng)
        if p != q and (p * q).bit_length() == bits and gmpy2.gcd(p * q, (p - 1) * (q - 1)) == 1:
            pk = PublicKey(p * q, insecure=insecure)
            return pk, PrivateKey(pk, p, q)


def same_key(items: Iterable["Ciphertext"]) -> PublicKey | None:
    """The common public key of ``items`` (None if empty), :class:`KeyMismatchError` if mixed."""
    key: PublicKey | None = None
    for c in items:
        if key is None:
            key = c.public_key
        else:
            key.check_same(c.public_key)
    return key
