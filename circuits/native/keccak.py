"""Keccak-f[1600], Keccak-256 (Ethereum's padding) and SHA3-256 (NIST's), the native twins of
:mod:`circuits.gadgets.keccak`, and the Ethereum address of a secp256k1 public key.

The permutation works on 25 lanes of 64 bits, lane ``x + 5 * y`` holding bytes ``8 * (x + 5 * y)``
to ``8 * (x + 5 * y) + 7`` of the state, little-endian. Keccak-256 pads the message with
``0x01 ... 0x80`` up to a multiple of the rate (136 bytes), SHA3-256 with ``0x06 ... 0x80``.

    >>> keccak256(b"").hex()
    'c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
    >>> sha3_256(b"").hex()
    'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'
    >>> g = bytes.fromhex(
    ...     "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    ...     "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8")
    >>> eth_address(g).hex()  # the address of private key 1
    '7e5f4552091a69125d5dfcb7b8c2659029395bdf'
"""

from __future__ import annotations

from ..errors import CircuitTypeError

__all__ = ["keccak_f1600", "keccak256", "sha3_256", "eth_address", "ROUND_CONSTANTS", "ROTATIONS", "RATE"]

_MASK = (1 << 64) - 1
#: bytes absorbed per permutation by a 256-bit digest (1600 - 2 * 256 bits)
RATE = 136


def _round_constants() -> tuple[int, ...]:
    # the LFSR x^8 + x^6 + x^5 + x^4 + 1 of the Keccak reference: bit 2^j - 1 of each round's constant
    out, state = [], 1
    for _ in range(24):
        rc = 0
        for j in range(7):
            if state & 1:
                rc |= 1 << ((1 << j) - 1)
            state = ((state << 1) ^ 0x71) & 0xFF if state & 0x80 else state << 1
        out.append(rc)
    return tuple(out)


def _rotations() -> tuple[int, ...]:
    rot = [0] * 25
    x, y = 1, 0
    for t in range(24):
        rot[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return tuple(rot)


#: iota's constant of each of the 24 rounds
ROUND_CONSTANTS = _round_constants()
#: rho's left rotation of lane ``x + 5 * y``
ROTATIONS = _rotations()


def _rotl(v: int, n: int) -> int:
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def keccak_f1600(lanes: list[int] | tuple[int, ...]) -> list[int]:
    """The permutation of 25 lanes (ints below 2^64); a new list.

        >>> keccak_f1600([0] * 25)[0] == 0xF1258F7940E1DDE7
        True
    """
    if len(lanes) != 25 or any(not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= _MASK
                               for v in lanes):
        raise CircuitTypeError(f"keccak_f1600: expected 25 ints below 2^64, found {list(lanes)!r:.80}")
    a = list(lanes)
    for rc in ROUND_CONSTANTS:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotl(c[(x + 1) % 5], 1) for x in range(5)]
        b = [0] * 25
        for i in range(25):
            x, y = i % 5, i // 5
            b[y + 5 * ((2 * x + 3 * y) % 5)] = _rotl(a[i] ^ d[x], ROTATIONS[i])
        a = [b[i] ^ (~b[i - i % 5 + (i + 1) % 5] & b[i - i % 5 + (i + 2) % 5]) for i in range(25)]
        a[0] ^= rc
    return a


def _sponge(data: bytes | bytearray | memoryview, delimiter: int, what: str) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CircuitTypeError(f"{what}: expected bytes, found {type(data).__name__}")
    msg = bytearray(data)
    msg.append(delimiter)
    msg.extend(b"\x00" * (-len(msg) % RATE))
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), RATE):
        for i in range(RATE // 8):
            state[i] ^= int.from_bytes(msg[off + 8 * i:off + 8 * i + 8], "little")
        state = keccak_f1600(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def keccak256(data: bytes | bytearray | memoryview) -> bytes:
    """Keccak-256 as Ethereum uses it (padding byte ``0x01``): 32 bytes."""
    return _sponge(data, 0x01, "keccak256")


def sha3_256(data: bytes | bytearray | memoryview) -> bytes:
    """SHA3-256 (FIPS 202, padding byte ``0x06``), :func:`hashlib.sha3_256`'s digest."""
    return _sponge(data, 0x06, "sha3_256")


def eth_address(public_key: bytes | bytearray | memoryview) -> bytes:
    """The 20-byte Ethereum address of a secp256k1 public key given as its 64 bytes ``x || y``
    (big-endian coordinates, no ``0x04`` prefix): the last 20 bytes of its Keccak-256."""
    if not isinstance(public_key, (bytes, bytearray, memoryview)) or len(public_key) != 64:
        found = len(public_key) if isinstance(public_key, (bytes, bytearray, memoryview)) else type(public_key).__name__
        raise CircuitTypeError(f"eth_address: expected the 64 bytes x || y of a public key, found {found}")
    return keccak256(public_key)[12:]
