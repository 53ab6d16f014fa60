"""Keccak-256 as Ethereum uses it (the original Keccak padding, not NIST SHA3-256).

Pure Python, for function selectors and short messages; :mod:`hashlib`'s ``sha3_256`` differs
in its padding byte and gives other digests.

    >>> keccak256(b"").hex()
    'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
    >>> selector("transfer(address,uint256)").hex()
    'a9059cbb'
"""

from __future__ import annotations

from ..errors import InputTypeError

__all__ = ["keccak256", "selector"]

_MASK = (1 << 64) - 1
_RATE = 136  # bytes: 1600 - 2 * 256 bits


def _round_constants() -> list[int]:
    # the LFSR x^8 + x^6 + x^5 + x^4 + 1 of the Keccak reference, 7 bits per round
    out, state = [], 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            if state & 1:
                rc |= 1 << ((1 << j) - 1)
            state = ((state << 1) ^ 0x71) & 0xFF if state & 0x80 else state << 1
        out.append(rc)
    return out


def _rotations() -> list[int]:
    rot = [0] * 25
    x, y = 1, 0
    for t in range(24):
        rot[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rot


_RC = _round_constants()
_ROT = _rotations()


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _permute(a: list[int]) -> None:
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        for i in range(25):
            a[i] ^= d[i % 5]
        b = [0] * 25
        for x in range(5):
            for y in range(5):
                b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[x + 5 * y], _ROT[x + 5 * y])
        for y in range(0, 25, 5):
            row = b[y:y + 5]
            for x in range(5):
                a[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5])
        a[0] ^= rc


def keccak256(data: bytes | bytearray | memoryview) -> bytes:
    """The 32-byte Keccak-256 digest of ``data``."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputTypeError(f"keccak256: expected bytes, found {type(data).__name__}")
    msg = bytearray(data)
    msg.append(0x01)
    msg.extend(b"\x00" * (-len(msg) % _RATE))
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), _RATE):
        block = msg[off:off + _RATE]
        for i in range(_RATE // 8):
            state[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        _permute(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def selector(signature: str) -> bytes:
    """The 4-byte ABI function selector of a canonical signature such as ``"f(uint256)"``."""
    if not isinstance(signature, str):
        raise InputTypeError(f"selector: expected a str, found {type(signature).__name__}")
    return keccak256(signature.encode())[:4]
