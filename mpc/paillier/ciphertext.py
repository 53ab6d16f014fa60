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
    ``0 < c < n^2`` and ``gcd(c, n) = 1``."""

    __slots__ = ("public_key", "value")

    def __init__(self, public_key: "PublicKey", value: int) -> None:
        v = _plain(value, "hold")
        if not 0 < v < public_key.nsquare:
            raise InvalidCiphertextError(f"ciphertext out of range: expected 0 < c < n^2 "
                                         f"({2 * public_key.bits} bits), found {v.bit_length()}-bit value")
        if gmpy2.gcd(v, public_key.n) != 1:
            raise InvalidCiphertextError("ciphertext not in Z*_{n^2}: it shares a factor with n")
        self.public_key = public_key
        self.value = v

    @classmethod
    def _raw(cls, public_key: "PublicKey", value: mpz) -> "Ciphertext":
        """Unchecked: for results of operations on valid ciphertexts."""
        c = cls.__new__(cls)
        c.public_key, c.value = public_key, value
        return c

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
            return Ciphertext._raw(pk, self.value * other.value % pk.nsquare)
        e = pk.encode(_plain(other, "be added to"))
        return Ciphertext._raw(pk, self.value * (1 + e * pk.n) % pk.nsquare)

    __radd__ = __add__

    def __mul__(self, k: object) -> "Ciphertext":
        if isinstance(k, Ciphertext):
            raise MPCTypeError("a Paillier ciphertext can only be multiplied by a plain int: expected an int, "
                               "found Ciphertext")
        pk = self.public_key
        e = _plain(k, "be multiplied by") % pk.n
        if e > pk.n // 2:  # a negative scalar: invert once, keep the exponent short
            return Ciphertext._raw(pk, gmpy2.powmod(gmpy2.invert(self.value, pk.nsquare), pk.n - e, pk.nsquare))
        return Ciphertext._raw(pk, gmpy2.powmod(self.value, e, pk.nsquare))

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
        return Ciphertext._raw(pk, self.value * r % pk.nsquare)
