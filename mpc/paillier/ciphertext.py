"""Paillier ciphertexts: validated on the way in, additively homomorphic.

    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> a, b = pk.encrypt(7), pk.encrypt(5)
    >>> sk.decrypt(3 * a - b + 10)
    26
    >>> a * b
    Traceback (most recent call last):
    ...
    mpc.errors.MPCTypeError: a Paillier ciphertext can only be multiplied by a plain int: expected an int, found Ciphertext

Each ciphertext made in this process carries ``bound``, a bound on the absolute value of its
plaintext that every operation keeps up to date (``None`` for a ciphertext that came from
elsewhere). Decryption refuses a total whose bound reaches past the overflow band, where a
wrapped value would read as a small one:

    >>> big = pk.encrypt(pk.max_int)
    >>> sk.decrypt(big + big)  # lands in the band: phe raises OverflowError here too
    Traceback (most recent call last):
    ...
    mpc.errors.PlaintextOverflowError: overflow: the decrypted value lies in the band between max_int and n - max_int (outside [-n/3, n/3]); an aggregate exceeded the plaintext space
    >>> (big + big + big).bound == 3 * pk.max_int  # wraps past the band: would read as -4 or -5
    True
    >>> sk.decrypt(big + big + big)
    Traceback (most recent call last):
    ...
    mpc.errors.PlaintextOverflowError: overflow: |plaintext| can reach 3.0 x max_int (the bound tracked for this ciphertext), past the overflow band at n - max_int (about 2 x max_int), where a wrapped total reads as a small value; keep aggregates below n - max_int
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import gmpy2
from gmpy2 import mpz

from .._intmath import Rng, require_int
from ..errors import InvalidCiphertextError, MPCTypeError

if TYPE_CHECKING:
    from .keys import PublicKey

__all__ = ["Ciphertext"]


def _plain(k: object, what: str) -> mpz:
    return mpz(require_int(k, f"a Paillier ciphertext can only {what} a plain int"))


class Ciphertext:
    """``c`` in ``Z*_{n^2}`` under ``public_key``. ``Ciphertext(pk, c)`` checks
    ``0 < c < n^2`` and ``gcd(c, n) = 1``.

    ``bound`` is an upper bound on ``|plaintext|`` known to this process: ``|m|`` for a fresh
    encryption, kept up to date by every operation, ``None`` (unknown) for a ciphertext
    built from a value (received, loaded, from phe) and for anything computed from one. It
    is local: it is not written by :mod:`mpc.paillier.serial` nor kept by pickle or copy.

    Security: the bound of a ciphertext from elsewhere is unknown, so its decryption relies
    on the overflow band alone; a party can encrypt any value, and only an encoding's
    bound check (:func:`~mpc.paillier.decrypt_encoded`) or a range proof limits it."""

    __slots__ = ("public_key", "value", "bound")

    def __init__(self, public_key: "PublicKey", value: int) -> None:
        v = _plain(value, "hold")
        if not 0 < v < public_key.nsquare:
            raise InvalidCiphertextError(f"ciphertext out of range: expected 0 < c < n^2 "
                                         f"({2 * public_key.bits} bits), found {v.bit_length()}-bit value")
        if gmpy2.gcd(v, public_key.n) != 1:
            raise InvalidCiphertextError("ciphertext not in Z*_{n^2}: it shares a factor with n")
        self.public_key = public_key
        self.value = v
        self.bound: int | None = None

    @classmethod
    def _raw(cls, public_key: "PublicKey", value: mpz, bound: int | None = None) -> "Ciphertext":
        """Unchecked: for results of operations on valid ciphertexts (``bound`` as above)."""
        c = cls.__new__(cls)
        c.public_key, c.value, c.bound = public_key, value, bound
        return c

    def __reduce__(self) -> tuple[object, ...]:
        return Ciphertext._raw, (self.public_key, self.value)  # never the local plaintext bound

    def __repr__(self) -> str:
        return f"Ciphertext(bits={self.public_key.bits}, c={int(self.value) & 0xFFFFFFFF:08x}...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ciphertext) and other.public_key == self.public_key and other.value == self.value

    def __hash__(self) -> int:
        return hash(int(self.value))

    def __add__(self, other: object) -> "Ciphertext":
        pk = self.public_key
        if isinstance(other, Ciphertext):
            pk.check_same(other.public_key)
            return Ciphertext._raw(pk, self.value * other.value % pk.nsquare, _add_bounds(self.bound, other.bound))
        k = _plain(other, "be added to")
        e = pk.encode(k)
        return Ciphertext._raw(pk, self.value * (1 + e * pk.n) % pk.nsquare, _add_bounds(self.bound, abs(int(k))))

    __radd__ = __add__

    def __mul__(self, k: object) -> "Ciphertext":
        if isinstance(k, Ciphertext):
            raise MPCTypeError("a Paillier ciphertext can only be multiplied by a plain int: expected an int, "
                               "found Ciphertext")
        pk = self.public_key
        e = _plain(k, "be multiplied by") % pk.n
        if e > pk.n // 2:  # a negative scalar: invert once, keep the exponent short
            return Ciphertext._raw(pk, gmpy2.powmod(gmpy2.invert(self.value, pk.nsquare), pk.n - e, pk.nsquare),
                                   _scale_bound(self.bound, int(pk.n - e)))
        return Ciphertext._raw(pk, gmpy2.powmod(self.value, e, pk.nsquare), _scale_bound(self.bound, int(e)))

    __rmul__ = __mul__

    def __neg__(self) -> "Ciphertext":
        return self.__mul__(-1)

    def __sub__(self, other: object) -> "Ciphertext":
        if isinstance(other, Ciphertext):
            return self + (-other)
        return self.__add__(-_plain(other, "be subtracted from"))

    def __rsub__(self, other: object) -> "Ciphertext":
        return self.__neg__().__add__(other)

    def rerandomize(self, *, rng: Rng | None = None, rn: int | None = None) -> "Ciphertext":
        """The same plaintext under fresh randomness (do this before a ciphertext leaves the
        process, so it cannot be linked to the operations that made it).

        Security: ``rn``, a precomputed ``r^n mod n^2``, is checked as in
        :meth:`PublicKey.encrypt <mpc.paillier.PublicKey.encrypt>`, and the same rules apply:
        from a CSPRNG, used once, or leave it out."""
        pk = self.public_key
        if rn is not None and rng is not None:
            raise MPCTypeError("rerandomize: pass rng (to draw r) or rn (a precomputed r^n), not both")
        r = pk.random_rn(rng) if rn is None else pk.checked_rn(rn)
        return Ciphertext._raw(pk, self.value * r % pk.nsquare, self.bound)


def _add_bounds(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _scale_bound(a: int | None, k: int) -> int | None:
    return None if a is None else a * k
