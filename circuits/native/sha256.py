"""SHA-256 in plain Python, the twin of :mod:`circuits.gadgets.sha256` (equal to
:func:`hashlib.sha256`), with its constants derived from their definition (FIPS 180-4
§4.2.2, §5.3.3: the first 32 bits of the fractional parts of the cube roots of the first
64 primes, and of the square roots of the first 8). ``blocks(n)`` is the number of
64-byte blocks a message of ``n`` bytes pads to (what the variable-length gadget selects).

    >>> sha256(b"abc").hex()[:16]
    'ba7816bf8f01cfea'
    >>> hex(K256[63]), blocks(55), blocks(56)
    ('0xc67178f2', 1, 2)
"""

from __future__ import annotations

from .sha512 import _frac_root, _primes

__all__ = ["sha256", "compress", "blocks", "K256", "IV256"]

_M = (1 << 32) - 1

#: the 64 round constants and the initial hash value
K256: tuple[int, ...] = tuple(_frac_root(p, 3, 32) for p in _primes(64))
IV256: tuple[int, ...] = tuple(_frac_root(p, 2, 32) for p in _primes(8))


def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & _M


def compress(h: list[int], block: bytes) -> list[int]:
    """One SHA-256 compression of a 64-byte block into the state ``h`` (8 words)."""
    w = [int.from_bytes(block[4 * i:4 * i + 4], "big") for i in range(16)]
    for t in range(16, 64):
        s0 = _rotr(w[t - 15], 7) ^ _rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
        s1 = _rotr(w[t - 2], 17) ^ _rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
        w.append((w[t - 16] + s0 + w[t - 7] + s1) & _M)
    a, b, c, d, e, f, g, hh = h
    for t in range(64):
        t1 = hh + (_rotr(e, 6) ^ _rotr(e, 11) ^ _rotr(e, 25)) + ((e & f) ^ (~e & g)) + K256[t] + w[t]
        t2 = (_rotr(a, 2) ^ _rotr(a, 13) ^ _rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))
        a, b, c, d, e, f, g, hh = (t1 + t2) & _M, a, b, c, (d + t1) & _M, e, f, g
    return [(x + y) & _M for x, y in zip(h, (a, b, c, d, e, f, g, hh))]


def blocks(n: int) -> int:
    """The number of 64-byte blocks a message of ``n`` bytes pads to."""
    return (n + 8) // 64 + 1


def sha256(data: bytes) -> bytes:
    """The 32-byte SHA-256 digest of ``data``."""
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"sha256: expected bytes, found {type(data).__name__}")
    n = len(data)
    padded = bytes(data) + b"\x80" + b"\x00" * ((55 - n) % 64) + (8 * n).to_bytes(8, "big")
    h = list(IV256)
    for off in range(0, len(padded), 64):
        h = compress(h, padded[off:off + 64])
    return b"".join(x.to_bytes(4, "big") for x in h)
