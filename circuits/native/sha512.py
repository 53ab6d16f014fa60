"""SHA-512 and SHA-384 in plain Python, the twins of :mod:`circuits.gadgets.sha512`
(equal to :func:`hashlib.sha512` and :func:`hashlib.sha384`). The constants are derived
from their definition (FIPS 180-4 §4.2.3, §5.3): the first 64 bits of the fractional parts
of the cube roots of the first 80 primes, and of the square roots of the first 8 (SHA-512)
or the 9th to 16th (SHA-384) primes.

    >>> sha512(b"abc").hex()[:16], sha384(b"abc").hex()[:16]
    ('ddaf35a193617aba', 'cb00753f45a35e8b')
    >>> hex(K512[0]), hex(IV512[0])
    ('0x428a2f98d728ae22', '0x6a09e667f3bcc908')
"""

from __future__ import annotations

__all__ = ["sha512", "sha384", "K512", "IV512", "IV384", "compress"]

_M = (1 << 64) - 1


def _primes(n: int) -> list[int]:
    out: list[int] = []
    k = 2
    while len(out) < n:
        if all(k % p for p in out if p * p <= k):
            out.append(k)
        k += 1
    return out


def _iroot(x: int, e: int) -> int:
    """The integer e-th root of x (floor), by Newton's method."""
    r = 1 << (x.bit_length() // e + 1)
    while True:
        s = ((e - 1) * r + x // r ** (e - 1)) // e
        if s >= r:
            return r
        r = s


def _frac_root(p: int, e: int, bits: int) -> int:
    return _iroot(p << (e * bits), e) & ((1 << bits) - 1)


#: the 80 round constants
K512: tuple[int, ...] = tuple(_frac_root(p, 3, 64) for p in _primes(80))
#: the initial hash values of SHA-512 and of SHA-384
IV512: tuple[int, ...] = tuple(_frac_root(p, 2, 64) for p in _primes(8))
IV384: tuple[int, ...] = tuple(_frac_root(p, 2, 64) for p in _primes(16)[8:])


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (64 - n))) & _M


def compress(h: list[int], block: bytes) -> list[int]:
    """One SHA-512 compression of a 128-byte block into the state ``h`` (8 words)."""
    w = [int.from_bytes(block[8 * i:8 * i + 8], "big") for i in range(16)]
    for t in range(16, 80):
        s0 = _rotr(w[t - 15], 1) ^ _rotr(w[t - 15], 8) ^ (w[t - 15] >> 7)
        s1 = _rotr(w[t - 2], 19) ^ _rotr(w[t - 2], 61) ^ (w[t - 2] >> 6)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & _M)
    a, b, c, d, e, f, g, hh = h
    for t in range(80):
        t1 = hh + (_rotr(e, 14) ^ _rotr(e, 18) ^ _rotr(e, 41)) + ((e & f) ^ (~e & g)) + K512[t] + w[t]
        t2 = (_rotr(a, 28) ^ _rotr(a, 34) ^ _rotr(a, 39)) + ((a & b) ^ (a & c) ^ (b & c))
        a, b, c, d, e, f, g, hh = (t1 + t2) & _M, a, b, c, (d + t1) & _M, e, f, g
    return [(x + y) & _M for x, y in zip(h, (a, b, c, d, e, f, g, hh))]


def _digest(data: bytes, iv: tuple[int, ...], words: int) -> bytes:
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"sha512: expected bytes, found {type(data).__name__}")
    n = len(data)
    padded = bytes(data) + b"\x80" + b"\x00" * ((111 - n) % 128) + (8 * n).to_bytes(16, "big")
    h = list(iv)
    for off in range(0, len(padded), 128):
        h = compress(h, padded[off:off + 128])
    return b"".join(x.to_bytes(8, "big") for x in h[:words])


def sha512(data: bytes) -> bytes:
    """The 64-byte SHA-512 digest of ``data``."""
    return _digest(data, IV512, 8)


def sha384(data: bytes) -> bytes:
    """The 48-byte SHA-384 digest of ``data`` (SHA-512 from other initial values, truncated)."""
    return _digest(data, IV384, 6)
