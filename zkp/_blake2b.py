"""Pure-Python BLAKE2b-512 over snarkjs's resumable state: the twin of the C kernel
``blake2b_update`` (see ``zkp/_bn254.pyi``) and the digest of such a state.

A powers-of-tau contribution records the "partial hash" of its response: the state of
@noble/hashes' BLAKE2b after the new points and before the contributor's public key (216
bytes: the pending block, h0..h7 as little-endian 32-bit halves, the count of bytes
compressed, the bytes pending). ``hashlib`` cannot export its state, hence RFC 7693 here;
like noble, the last block stays pending until more input (or the digest) arrives.

Example:
    >>> import hashlib
    >>> h = Blake2b(); h.update(b"abc" * 100)
    >>> again = Blake2b.from_partial(h.partial()); again.update(b"!")
    >>> again.digest() == hashlib.blake2b(b"abc" * 100 + b"!").digest()
    True
"""

from __future__ import annotations

import struct

__all__ = ["Blake2b", "update_state"]

_M = (1 << 64) - 1
_IV = (0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
       0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179)
_SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
)
_COLUMNS = ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
            (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14))


def _compress(h: list[int], block: bytes, t: int, last: bool) -> None:
    m = struct.unpack("<16Q", block)
    v = h + list(_IV)
    v[12] ^= t & _M
    v[13] ^= t >> 64
    if last:
        v[14] ^= _M
    for r in range(12):
        s = _SIGMA[r % 10]
        for i, (a, b, c, d) in enumerate(_COLUMNS):
            x, y = m[s[2 * i]], m[s[2 * i + 1]]
            va = (v[a] + v[b] + x) & _M
            vd = v[d] ^ va
            vd = ((vd >> 32) | (vd << 32)) & _M
            vc = (v[c] + vd) & _M
            vb = v[b] ^ vc
            vb = ((vb >> 24) | (vb << 40)) & _M
            va = (va + vb + y) & _M
            vd ^= va
            vd = ((vd >> 16) | (vd << 48)) & _M
            vc = (vc + vd) & _M
            vb ^= vc
            v[a], v[b], v[c], v[d] = va, ((vb >> 63) | (vb << 1)) & _M, vc, vd
    for i in range(8):
        h[i] ^= v[i] ^ v[i + 8]


class Blake2b:
    """BLAKE2b with a 64-byte digest and no key, state exportable as snarkjs does."""

    def __init__(self) -> None:
        self.h = list(_IV)
        self.h[0] ^= 0x01010040
        self.compressed = 0
        self.pending = b""

    def update(self, data: bytes) -> None:
        buf = self.pending + bytes(data)
        # keep the last (possibly full) block pending, as noble does
        n = max(0, (len(buf) - 1) // 128)
        for i in range(n):
            self.compressed += 128
            _compress(self.h, buf[128 * i:128 * i + 128], self.compressed, False)
        self.pending = buf[128 * n:]

    def digest(self) -> bytes:
        h = list(self.h)
        _compress(h, self.pending.ljust(128, b"\0"), self.compressed + len(self.pending), True)
        return struct.pack("<8Q", *h)

    def partial(self) -> bytes:
        """The 216-byte state snarkjs stores as a contribution's ``partialHash``."""
        words = []
        for x in self.h:
            words += [x & 0xFFFFFFFF, x >> 32]
        words += [self.compressed & 0xFFFFFFFF, self.compressed >> 32, len(self.pending), 0, 0, 0]
        return self.pending.ljust(128, b"\0") + struct.pack("<22I", *words)

    @classmethod
    def from_partial(cls, partial: bytes) -> Blake2b:
        if len(partial) != 216:
            raise ValueError(f"partial hash: expected 216 bytes, found {len(partial)}")
        w = struct.unpack("<22I", partial[128:])
        pos = w[18] + (w[19] << 32)
        if pos > 128:
            raise ValueError(f"partial hash: {pos} pending bytes in a 128-byte block")
        out = cls()
        out.h = [w[2 * i] | (w[2 * i + 1] << 32) for i in range(8)]
        out.compressed = w[16] + (w[17] << 32)
        out.pending = bytes(partial[:pos])
        return out


def update_state(state: bytes, data: bytes) -> bytes:
    """The 216-byte state after ``data`` (the kernel ``blake2b_update``, in Python)."""
    from .errors import MalformedInputError

    if len(state) != 216:
        raise MalformedInputError(f"blake2b state: expected 216 bytes, found {len(state)}")
    pos, high = struct.unpack_from("<II", state, 200)
    if pos > 128 or high:
        raise MalformedInputError("blake2b state: more than 128 pending bytes in a 128-byte block")
    h = Blake2b.from_partial(bytes(state))
    h.update(bytes(data))
    return h.partial()
