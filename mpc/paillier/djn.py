"""DJN-style short-exponent randomness: an explicit, opt-in speed-up of encryption.

Standard Paillier randomness is ``r^n mod n^2`` for a uniform ``r`` in ``Z*_n`` (a
full-length exponentiation with a different base every time). Damgård, Jurik and
Nielsen (2010, "A generalization of Paillier's public-key system with applications to
electronic voting", the efficiency remark of section 4.4) instead fix ``h = -x^2 mod n``
for a random ``x`` and use ``(h^n)^a mod n^2`` with a short uniform exponent ``a``. The
base is fixed, so a window table makes each value a few hundred multiplications.

Security: this is *not* the textbook scheme. Semantic security then rests on the
additional assumption that ``h^(n a)`` with ``a`` uniform of ``exponent_bits`` bits is
indistinguishable from a uniform n-th residue. DJN take ``exponent_bits = ceil(k/2)`` for
a ``k``-bit n (the default here); shorter exponents (never fewer than 2 x 128 bits are
accepted) rely on the short-exponent discrete-log assumption in the group of squares.
Use it only where that assumption is acceptable, and say so.

    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> djn = DJNRandomness(pk)
    >>> sk.decrypt(pk.encrypt(42, rn=djn.random_rn()))
    42
"""

from __future__ import annotations

import gmpy2
from gmpy2 import mpz

from .._intmath import Rng, random_bits, random_unit
from ..errors import MPCTypeError
from .keys import PublicKey

__all__ = ["DJNRandomness", "MIN_EXPONENT_BITS"]

MIN_EXPONENT_BITS = 256


class DJNRandomness:
    """Fixed-base randomness ``(h^n)^a mod n^2``, ``a`` uniform of ``exponent_bits`` bits
    (default ``ceil(bits(n)/2)``), with a ``window``-bit table (``2^window * bits/window``
    values of ``2 * bits(n)`` bits each).

    ``base`` (``h^n mod n^2``, to share one base among encrypting parties) is checked like
    an ``rn`` (:meth:`PublicKey.checked_rn <mpc.paillier.PublicKey.checked_rn>`): a base of
    0, 1 or a non-unit would make every value equal or break the key. Take it from the key
    holder over an authenticated channel: the checks cannot tell whether a base is ``h^n``
    for a square ``h``, and a base of small order (which only someone who knows the factors
    can build) would make the randomness guessable."""

    def __init__(self, public_key: PublicKey, *, exponent_bits: int | None = None, window: int = 6,
                 rng: Rng | None = None, base: int | None = None) -> None:
        k = exponent_bits if exponent_bits is not None else (public_key.bits + 1) // 2
        if isinstance(k, bool) or not isinstance(k, int) or k < MIN_EXPONENT_BITS:
            raise MPCTypeError(f"DJNRandomness: exponent_bits must be an int >= {MIN_EXPONENT_BITS}, found {k!r}")
        if isinstance(window, bool) or not isinstance(window, int) or not 1 <= window <= 10:
            raise MPCTypeError(f"DJNRandomness: window must be 1..10, found {window!r}")
        self.public_key = public_key
        self.exponent_bits = k
        self.window = window
        n, nsq = public_key.n, public_key.nsquare
        if base is None:
            x = random_unit(n, rng)
            self.base = gmpy2.powmod((-x * x) % n, n, nsq)
        else:  # h^n mod n^2 (public: it may be shared with the encrypting parties)
            self.base = public_key.checked_rn(base, "DJNRandomness base")
        self._table = self._build(nsq)

    def _build(self, nsq: mpz) -> list[list[mpz]]:
        table = []
        g = self.base
        for _ in range(0, self.exponent_bits, self.window):
            row = [mpz(1)]
            for _ in range((1 << self.window) - 1):
                row.append(row[-1] * g % nsq)
            table.append(row)
            g = row[-1] * g % nsq  # g^(2^window)
        return table

    def __repr__(self) -> str:
        return f"DJNRandomness(bits={self.public_key.bits}, exponent_bits={self.exponent_bits})"

    def random_rn(self, rng: Rng | None = None) -> mpz:
        """One fresh randomness value (an n-th residue), for ``PublicKey.encrypt(rn=...)``."""
        a = random_bits(self.exponent_bits, rng)
        nsq = self.public_key.nsquare
        mask = (1 << self.window) - 1
        acc = mpz(1)
        for row in self._table:
            d = a & mask
            if d:
                acc = acc * row[d] % nsq
            a >>= self.window
        return acc
