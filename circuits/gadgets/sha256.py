"""SHA-256 in circuit, bit level, equal to :func:`hashlib.sha256` (the native twin).

``sha256_bits(api, bits)`` takes the message as Bools, most significant bit of the first
byte first (circomlib's ``Sha256(nBits)`` order), pads it with constants, and returns the
256 digest bits in the same order. ``sha256_bytes`` takes byte values (8 constraints per
byte to split them). Costs per 64-byte block: a three-way XOR 2 constraints per bit (1 when
one operand is a constant or a shifted-out zero), Ch 1 per bit, Maj 2 per bit, each
modular addition one decomposition of the sum (32 bits plus the carries); constants (the
IV, the round constants, the padding) fold, so the first rounds cost less. One block
(Sha256(256)): 25,284 constraints, two blocks 44,960; circomlib's at circom --O2: 29,380 and 59,281.

    >>> import hashlib
    >>> from circuits import Circuit, Public, Secret, UInt, compile
    >>> from circuits.gadgets import sha256_bytes
    >>> class Pre(Circuit):
    ...     digest: Public[UInt[8], 32]
    ...     msg: Secret[UInt[8], 3]
    ...     def define(self, api):
    ...         for got, want in zip(sha256_bytes(api, list(self.msg)), self.digest):
    ...             api.assert_equal(got, want)
    >>> cs = compile(Pre)
    >>> cs.r1cs.num_constraints
    24714
    >>> w = cs.solve(Pre(digest=list(hashlib.sha256(b"abc").digest()), msg=list(b"abc")))
    >>> cs.r1cs.is_satisfied(w.values())
    True
    >>> cs.solve(Pre(digest=list(hashlib.sha256(b"abc").digest()), msg=list(b"abd")))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ... left = 165, right = 186
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..var import Operand, Var

__all__ = ["sha256_bits", "sha256_bytes"]

_K = [
    0x428A2F98, 0x71374491, 0xB5C0FBCF, 0xE9B5DBA5, 0x3956C25B, 0x59F111F1, 0x923F82A4, 0xAB1C5ED5,
    0xD807AA98, 0x12835B01, 0x243185BE, 0x550C7DC3, 0x72BE5D74, 0x80DEB1FE, 0x9BDC06A7, 0xC19BF174,
    0xE49B69C1, 0xEFBE4786, 0x0FC19DC6, 0x240CA1CC, 0x2DE92C6F, 0x4A7484AA, 0x5CB0A9DC, 0x76F988DA,
    0x983E5152, 0xA831C66D, 0xB00327C8, 0xBF597FC7, 0xC6E00BF3, 0xD5A79147, 0x06CA6351, 0x14292967,
    0x27B70A85, 0x2E1B2138, 0x4D2C6DFC, 0x53380D13, 0x650A7354, 0x766A0ABB, 0x81C2C92E, 0x92722C85,
    0xA2BFE8A1, 0xA81A664B, 0xC24B8B70, 0xC76C51A3, 0xD192E819, 0xD6990624, 0xF40E3585, 0x106AA070,
    0x19A4C116, 0x1E376C08, 0x2748774C, 0x34B0BCB5, 0x391C0CB3, 0x4ED8AA4A, 0x5B9CCA4F, 0x682E6FF3,
    0x748F82EE, 0x78A5636F, 0x84C87814, 0x8CC70208, 0x90BEFFFA, 0xA4506CEB, 0xBEF9A3F7, 0xC67178F2,
]
_IV = [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19]

Word = list[Var]  # 32 Bools, least significant first


def _const_word(api: API, v: int) -> Word:
    return [api.constant((v >> i) & 1) for i in range(32)]


def _rotr(w: Word, n: int) -> Word:
    return [w[(i + n) % 32] for i in range(32)]


def _shr(api: API, w: Word, n: int) -> Word:
    return [w[i + n] if i + n < 32 else api.constant(0) for i in range(32)]


def _xor2(api: API, a: Var, b: Var) -> Var:
    if a.is_constant():
        return b if a.constant_value() == 0 else ~b
    if b.is_constant():
        return a if b.constant_value() == 0 else ~a
    return api.bool_op("^", a, b)


def _xor3(api: API, a: Var, b: Var, c: Var) -> Var:
    if a.is_constant() or b.is_constant() or c.is_constant():
        x, y, z = sorted((a, b, c), key=lambda v: not v.is_constant())
        return _xor2(api, _xor2(api, x, y), z)
    mid = api.mul(b, c)
    out = api.mul(a, 1 - b * 2 - c * 2 + mid * 4) + b + c - mid * 2
    return api.typed(out, 1, True)


def _ch(api: API, e: Var, f: Var, g: Var) -> Var:
    if e.is_constant():
        return f if e.constant_value() else g
    out = api.select(e, f, g)
    return api.typed(out, 1, True)


def _maj(api: API, a: Var, b: Var, c: Var) -> Var:
    consts = [v for v in (a, b, c) if v.is_constant()]
    if consts:
        k = consts[0]
        x, y = [v for v in (a, b, c) if v is not k][:2]
        return (api.bool_op("|", x, y) if k.constant_value() else api.bool_op("&", x, y))
    mid = api.mul(b, c)
    out = api.mul(a, b + c - mid * 2) + mid
    return api.typed(out, 1, True)


def _add(api: API, words: Sequence[Word], const: int = 0) -> Word:
    """The sum of words and a constant modulo 2^32: one decomposition of the sum."""
    total = api.lincomb([(b, 1 << i) for w in words for i, b in enumerate(w)], const)
    bound = len(words) * ((1 << 32) - 1) + const
    if total.is_constant():
        v = total.constant_value() & 0xFFFFFFFF
        return _const_word(api, v)
    # the top (carry) bit is the linear one: it is dropped, so no later row carries the sum
    return api.decompose_unchecked(total, bound.bit_length(), linear=bound.bit_length() - 1)[:32]


def _compress(api: API, h: list[Word], block: list[Word]) -> list[Word]:
    w = list(block)
    for t in range(16, 64):
        s0 = [_xor3(api, *bits) for bits in zip(_rotr(w[t - 15], 7), _rotr(w[t - 15], 18), _shr(api, w[t - 15], 3))]
        s1 = [_xor3(api, *bits) for bits in zip(_rotr(w[t - 2], 17), _rotr(w[t - 2], 19), _shr(api, w[t - 2], 10))]
        w.append(_add(api, [s1, w[t - 7], s0, w[t - 16]]))
    a, b, c, d, e, f, g, hh = h
    for t in range(64):
        sig1 = [_xor3(api, *bits) for bits in zip(_rotr(e, 6), _rotr(e, 11), _rotr(e, 25))]
        ch = [_ch(api, *bits) for bits in zip(e, f, g)]
        sig0 = [_xor3(api, *bits) for bits in zip(_rotr(a, 2), _rotr(a, 13), _rotr(a, 22))]
        maj = [_maj(api, *bits) for bits in zip(a, b, c)]
        new_e = _add(api, [d, hh, sig1, ch, w[t]], _K[t])
        new_a = _add(api, [hh, sig1, ch, w[t], sig0, maj], _K[t])
        a, b, c, d, e, f, g, hh = new_a, a, b, c, new_e, e, f, g
    return [_add(api, [x, y]) for x, y in zip(h, (a, b, c, d, e, f, g, hh))]


def sha256_bits(api: API, bits: Sequence[Operand]) -> list[Var]:
    """SHA-256 of a message of Bools (MSB of the first byte first); 256 Bools out."""
    msg = [api.lift(b) for b in bits]
    for b in msg:
        api.require_bool(b, "sha256")
    n = len(msg)
    padded = msg + [api.constant(1)] + [api.constant(0)] * ((447 - n) % 512)
    padded += [api.constant((n >> (63 - i)) & 1) for i in range(64)]
    h = [_const_word(api, v) for v in _IV]
    with api.scope("sha256"):
        for off in range(0, len(padded), 512):
            chunk = padded[off:off + 512]
            block = [list(reversed(chunk[32 * j:32 * j + 32])) for j in range(16)]  # to LSB first
            h = _compress(api, h, block)
    return [bit for word in h for bit in reversed(word)]


def sha256_bytes(api: API, data: Sequence[Operand]) -> list[Var]:
    """SHA-256 of byte values (ints or UInt[8] Vars; others are range-checked to 8 bits):
    the 32 digest bytes, as linear combinations of the digest bits (free)."""
    bits: list[Var] = []
    for byte in data:
        v = api.lift(byte)
        bits.extend(reversed(api.to_bits(v, 8)))
    out = sha256_bits(api, bits)
    return [api.from_bits(list(reversed(out[8 * i:8 * i + 8]))) for i in range(32)]
