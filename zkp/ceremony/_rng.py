"""snarkjs's deterministic randomness, reproduced exactly: its ChaCha20 stream, its
``fromRng`` samplers for Fr, G1 and G2, ``hashToG2`` (the G2 point of a contribution's
proof of knowledge, derived from the transcript) and the beacon's iterated SHA-256.

A verifier recomputes ``hashToG2(transcript)`` and a beacon's key; anything else here would
make transcripts that snarkjs (and we) reject. Only the derivation is snarkjs's; the
contributor's own secrets come from :mod:`secrets`.

ffjavascript details that matter: a sampled field element is 4 64-bit words (each the
high then the low 32-bit output), masked to 254 bits and rejected when >= the modulus, and
the bytes are taken as the element's *Montgomery* form (so the value is ``v / 2^256``); a
point's x is sampled, then one bit decides the sign of y (the "negative" root is the one
above (p - 1) / 2, for Fq2 judged on c1 unless it is zero); G2 points are multiplied by
the cofactor.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from .. import _arith as A
from ..field import P, R
from ..groth16._random import broken_source

__all__ = ["ChaCha", "hash_to_g2", "beacon_rng", "fr_from_rng", "g1_from_rng", "g2_from_rng"]

_MASK = (1 << 254) - 1
_RINV_P = pow(1 << 256, -1, P)
_RINV_R = pow(1 << 256, -1, R)
_G2_COFACTOR = 0x30644E72E131A029B85045B68181585E06CEECDA572A2489345F2299C0F9FA8D
_M32 = 0xFFFFFFFF
#: rejection-sampling tries before a stream is refused (a ChaCha stream needs this many with
#: probability below 2^-256: only a broken stream, e.g. a stub returning constants, gets here)
_MAX_TRIES = 256


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (32 - n))) & _M32


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _M32; s[d] = _rotl(s[d] ^ s[a], 16)  # noqa: E702
    s[c] = (s[c] + s[d]) & _M32; s[b] = _rotl(s[b] ^ s[c], 12)  # noqa: E702
    s[a] = (s[a] + s[b]) & _M32; s[d] = _rotl(s[d] ^ s[a], 8)  # noqa: E702
    s[c] = (s[c] + s[d]) & _M32; s[b] = _rotl(s[b] ^ s[c], 7)  # noqa: E702


class ChaCha:
    """ffjavascript's ChaCha20 generator: key = the 8-word seed, nonce and counter zero."""

    def __init__(self, seed: list[int]) -> None:
        if len(seed) != 8:
            raise ValueError("ChaCha seed: expected 8 words")
        self.state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *(w & _M32 for w in seed), 0, 0, 0, 0]
        self.buf: list[int] = []
        self.idx = 16

    def _block(self) -> None:
        s = list(self.state)
        for _ in range(10):
            for q in ((0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
                      (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)):
                _quarter(s, *q)
        self.buf = [(x + y) & _M32 for x, y in zip(s, self.state)]
        self.idx = 0
        for i in range(12, 16):  # the 128-bit counter
            self.state[i] = (self.state[i] + 1) & _M32
            if self.state[i]:
                break

    def next_u32(self) -> int:
        if self.idx == 16:
            self._block()
        v = self.buf[self.idx]
        self.idx += 1
        return v

    def next_u64(self) -> int:
        hi = self.next_u32()
        return (hi << 32) | self.next_u32()

    def next_bool(self) -> bool:
        return bool(self.next_u32() & 1)


def _sample(rng: ChaCha, modulus: int) -> int:
    for _ in range(_MAX_TRIES):
        v = 0
        for i in range(4):
            v += rng.next_u64() << (64 * i)
        v &= _MASK
        if v < modulus:
            return v
    raise broken_source("value below the modulus", _MAX_TRIES)


def fr_from_rng(rng: ChaCha) -> int:
    """ffjavascript's ``Fr.fromRng`` as a value in [0, r)."""
    return _sample(rng, R) * _RINV_R % R


def _fq_from_rng(rng: ChaCha) -> Any:
    return A.mpz(_sample(rng, P) * _RINV_P % P)


def _fq_negative(x: Any) -> bool:
    return bool(x > (P - 1) // 2)


def _fq_sqrt(a: Any) -> Any | None:
    y = pow(a, (P + 1) // 4, P)
    return y if y * y % P == a else None


def _f2_pow(a: A.Fq2, e: int) -> A.Fq2:
    acc: A.Fq2 = A.F2_ONE
    for bit in bin(e)[2:]:
        acc = A.f2_sqr(acc)
        if bit == "1":
            acc = A.f2_mul(acc, a)
    return acc


def _f2_sqrt(a: A.Fq2) -> A.Fq2 | None:
    """A square root in Fq2 = Fq[u]/(u^2 + 1), p = 3 mod 4 (Adj and Rodriguez-Henriquez,
    algorithm 9), or None."""
    if a == A.F2_ZERO:
        return A.F2_ZERO
    a1 = _f2_pow(a, (P - 3) // 4)
    alpha = A.f2_mul(A.f2_sqr(a1), a)
    x0 = A.f2_mul(a1, a)
    minus_one = (A.mpz(P - 1), A.mpz(0))
    if alpha == minus_one:
        x = ((-x0[1]) % P, x0[0])  # u * x0
    else:
        b = _f2_pow(A.f2_add(A.F2_ONE, alpha), (P - 1) // 2)
        x = A.f2_mul(b, x0)
    return x if A.f2_sqr(x) == a else None


def g1_from_rng(rng: ChaCha) -> tuple[int, int]:
    """ffjavascript's ``G1.fromRng`` (affine)."""
    for _ in range(_MAX_TRIES):
        x = _fq_from_rng(rng)
        greatest = rng.next_bool()
        y = _fq_sqrt((x * x * x + 3) % P)
        if y is not None:
            break
    else:
        raise broken_source("x on the curve", _MAX_TRIES)
    if greatest ^ _fq_negative(y):
        y = (-y) % P
    return int(x), int(y)


def g2_from_rng(rng: ChaCha) -> tuple[tuple[int, int], tuple[int, int]]:
    """ffjavascript's ``G2.fromRng``: a point of the twist times the cofactor (affine)."""
    for _ in range(_MAX_TRIES):
        x = (_fq_from_rng(rng), _fq_from_rng(rng))
        greatest = rng.next_bool()
        y = _f2_sqrt(A.f2_add(A.f2_mul(A.f2_sqr(x), x), A.B2))
        if y is not None:
            break
    else:
        raise broken_source("x on the twist", _MAX_TRIES)
    neg = _fq_negative(y[0]) if y[1] == 0 else _fq_negative(y[1])
    if greatest ^ neg:
        y = A.f2_neg(y)
    pt = A.scalar_mul(A.G2_OPS, (x, y, A.F2_ONE), _G2_COFACTOR)
    aff = A.g2_to_affine(pt)
    assert aff is not None
    (x0, x1), (y0, y1) = aff
    return (int(x0), int(x1)), (int(y0), int(y1))


def hash_to_g2(digest: bytes) -> tuple[tuple[int, int], tuple[int, int]]:
    """snarkjs's ``hashToG2``: ChaCha seeded by the first 32 bytes (8 big-endian words)."""
    return g2_from_rng(ChaCha(list(struct.unpack(">8I", digest[:32]))))


def beacon_rng(beacon_hash: bytes, num_iterations_exp: int) -> ChaCha:
    """snarkjs's ``rngFromBeaconParams``: SHA-256 iterated 2^exp times, then ChaCha."""
    h = bytes(beacon_hash)
    for _ in range(1 << num_iterations_exp):
        h = hashlib.sha256(h).digest()
    return ChaCha(list(struct.unpack(">8I", h)))
