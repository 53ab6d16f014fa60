"""Big-integer helpers on gmpy2: CSPRNG integers and primes, small-factor checks."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Protocol

import gmpy2
from gmpy2 import mpz

__all__ = ["Rng", "require_int", "random_bits", "random_below", "random_unit", "random_prime", "random_safe_prime", "small_primes", "has_small_factor"]


class Rng(Protocol):
    """What a randomised function needs: ``secrets.SystemRandom()`` (the default), or a
    seeded ``random.Random`` in tests."""

    def getrandbits(self, k: int, /) -> int: ...


_SYSTEM = secrets.SystemRandom()
_MPZ = type(mpz(0))


def require_int(v: object, what: str, hint: str = "") -> int:
    """``v`` as a Python int if it is an int, a gmpy2 mpz or a numpy integer (never a bool
    or a float), else :class:`~mpc.errors.MPCTypeError` naming ``what``."""
    if isinstance(v, (int, _MPZ)) and not isinstance(v, bool):
        return int(v)
    dtype = getattr(v, "dtype", None)
    if type(v).__module__ == "numpy" and getattr(dtype, "kind", "") in ("i", "u"):
        return int(v)  # type: ignore[call-overload,no-any-return]
    from .errors import MPCTypeError

    if not hint and type(v).__name__ in ("float", "Decimal", "Fraction", "str", "float64", "float32"):
        hint = (" (encode non-integers first: mpc.encoding.FixedPoint(decimals=2, bound=...).encode(x), "
                "or pass Decimal strings to mpc.stats.make_report)")
    raise MPCTypeError(f"{what}: expected an int, found {type(v).__name__}{hint}")


def random_bits(k: int, rng: Rng | None = None) -> int:
    """Uniform in ``[0, 2^k)``."""
    return (rng or _SYSTEM).getrandbits(k)


def random_below(n: int, rng: Rng | None = None) -> mpz:
    """Uniform in ``[0, n)`` by rejection (``secrets`` unless ``rng`` is given)."""
    bits = int(n).bit_length()
    draw = (rng or _SYSTEM).getrandbits
    while True:
        v = draw(bits)
        if v < n:
            return mpz(v)


def random_unit(n: int, rng: Rng | None = None) -> mpz:
    """Uniform in ``Z*_n`` (``1 <= r < n`` and ``gcd(r, n) = 1``)."""
    while True:
        r = random_below(n, rng)
        if r and gmpy2.gcd(r, n) == 1:
            return r


@lru_cache(maxsize=1)
def small_primes(bound: int = 10_000) -> tuple[int, ...]:
    """The primes below ``bound``."""
    sieve = bytearray([1]) * bound
    sieve[:2] = b"\x00\x00"
    for i in range(2, int(bound ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(range(i * i, bound, i)))
    return tuple(i for i in range(bound) if sieve[i])


def has_small_factor(n: int) -> bool:
    """True if ``n`` is divisible by a prime below 10,000 (and is not that prime)."""
    n = mpz(n)
    return any(n % p == 0 and n != p for p in small_primes())


def random_prime(bits: int, rng: Rng | None = None) -> mpz:
    """A uniformly drawn prime of exactly ``bits`` bits, top two bits set (so a product of
    two has exactly ``2 * bits`` bits); Miller-Rabin (50 rounds) after trial division,
    confirmed by BPSW."""
    draw = (rng or _SYSTEM).getrandbits
    while True:
        c = mpz(draw(bits)) | (mpz(3) << (bits - 2)) | 1
        if has_small_factor(c):
            continue
        if gmpy2.is_prime(c, 50) and gmpy2.is_bpsw_prp(c):
            return c


@lru_cache(maxsize=1)
def _primorial() -> mpz:
    acc = mpz(1)
    for p in small_primes(2000)[1:]:
        acc *= p
    return acc


def random_safe_prime(bits: int, rng: Rng | None = None) -> mpz:
    """A prime ``p = 2p' + 1`` of exactly ``bits`` bits with ``p'`` prime (top two bits
    set); both are sieved by one gcd with the odd primorial below 2,000 before testing."""
    draw = (rng or _SYSTEM).getrandbits
    prim = _primorial()
    while True:
        half = mpz(draw(bits - 1)) | (mpz(3) << (bits - 3)) | 1
        p = 2 * half + 1
        if gmpy2.gcd(half, prim) != 1 or gmpy2.gcd(p, prim) != 1:
            continue
        if not (gmpy2.is_prime(half, 1) and gmpy2.is_prime(p, 1)):
            continue
        if gmpy2.is_prime(half, 50) and gmpy2.is_prime(p, 50) and gmpy2.is_bpsw_prp(half) and gmpy2.is_bpsw_prp(p):
            return p
