"""EdDSA over Baby Jubjub with Poseidon (circomlib's ``EdDSAPoseidonVerifier``; native twin).

Compatible with circomlibjs's ``eddsa``: the same private key (any bytes) gives the same
public key and the same signatures (BLAKE-512 derives the scalar and the nonce), and each
side verifies the other's signatures. Signing: ``S = r + H(R8, A, msg) * s mod l`` with
``H`` = Poseidon of 5 inputs; verification: ``S * B8 == R8 + 8 * H * A``.

    >>> key = PrivateKey(b"\\x01" * 32)
    >>> sig = key.sign(12345)
    >>> verify(key.public_key, 12345, sig), verify(key.public_key, 12346, sig)
    (True, False)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from zkp.field import R

from ..errors import CircuitTypeError
from . import babyjub as bj
from .blake512 import blake512
from .poseidon import poseidon

__all__ = ["PrivateKey", "Signature", "verify", "message_hash"]


@dataclass(frozen=True)
class Signature:
    """``(R8, S)``: a point of the prime-order subgroup and a scalar below its order."""

    R8: bj.Point
    S: int


def _prune(buf: bytes) -> bytes:
    b = bytearray(buf)
    b[0] &= 0xF8
    b[31] &= 0x7F
    b[31] |= 0x40
    return bytes(b)


def message_hash(r8: bj.Point, a: bj.Point, msg: int) -> int:
    return poseidon([r8[0], r8[1], a[0], a[1], msg])


class PrivateKey:
    """An EdDSA-Poseidon private key: any byte string (32 random bytes by default)."""

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, (bytes, bytearray)) or not key:
            raise CircuitTypeError("PrivateKey: expected non-empty bytes")
        self._key = bytes(key)
        self._h = _prune(blake512(self._key))
        self._s = int.from_bytes(self._h[:32], "little")
        self.public_key: bj.Point = bj.mul(bj.BASE8, self._s >> 3)

    @classmethod
    def generate(cls) -> PrivateKey:
        return cls(secrets.token_bytes(32))

    def __repr__(self) -> str:
        return f"PrivateKey(public_key=({self.public_key[0]:#x}, ...))"

    def sign(self, msg: int) -> Signature:
        """Sign a field element (hash longer messages first, e.g. with Poseidon)."""
        if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
            raise CircuitTypeError("sign: the message must be a field element (int in [0, r))")
        nonce = blake512(self._h[32:] + msg.to_bytes(32, "little"))
        r = int.from_bytes(nonce, "little") % bj.SUBORDER
        r8 = bj.mul(bj.BASE8, r)
        h = message_hash(r8, self.public_key, msg)
        return Signature(r8, (r + h * self._s) % bj.SUBORDER)


def verify(public_key: bj.Point, msg: int, sig: Signature) -> bool:
    """True iff ``sig`` is a valid signature of ``msg`` under ``public_key``."""
    if not isinstance(sig, Signature) or not bj.on_curve(sig.R8) or not bj.on_curve(public_key):
        return False
    if isinstance(sig.S, bool) or not isinstance(sig.S, int) or not 0 <= sig.S < bj.SUBORDER:
        return False
    if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
        return False
    h = message_hash(sig.R8, public_key, msg)
    left = bj.mul(bj.BASE8, sig.S)
    right = bj.add(sig.R8, bj.mul(public_key, 8 * h))
    return left == right
