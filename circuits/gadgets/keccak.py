"""Keccak-f[1600], Keccak-256 and SHA3-256 in circuit, bit level, equal to
:mod:`circuits.native.keccak` (the twin; Ethereum's ``keccak256`` and :func:`hashlib.sha3_256`).

A lane is 64 Bools, bit ``z`` of lane ``x + 5 * y`` first; bytes enter little-endian (bit 0 of
byte ``8 * i + k`` is bit ``8 * k`` of lane ``i``). Rho and pi only move bits (free), iota
negates a few (free). Two rows carry the cost, each determining one new Bool from Bools:

- XOR of three: with ``s = a + b + c``, ``(3 - 2s) * (2 out - s) = s`` (s = 0, 1, 2, 3 gives
  out = 0, 1, 0, 1; ``3 - 2s`` is never 0);
- chi, ``a ^ (~b & c)``: ``(1 - 4a + b + c) * (3a + b + c + out) = -12a + 2b + 4c`` (the first
  factor is 1, 2 or 3 when ``a = 0``, -3, -2 or -1 when ``a = 1``).

Each costs one row and one wire. The witness program reads ``out`` as a bit of a small sum
(bit 0 of ``s`` for the XOR, bit 1 of ``2a - b + c + 1`` for chi: its ``BITS`` operation, no
field inversion) and does not check these rows, which hold by construction (``_bit_row``):
Keccak-256 of 128 bytes solves in about 0.01 s (0.02 s checking them, 0.8 s with a division
per row). Per round: the column parities (XOR of five: two rows) 640, theta's ``bit ^ C[x-1] ^
C[x+1]`` 1,600, chi 1,600: 3,840. The first round folds the constant lanes (padding,
capacity); the last computes only the lanes the digest reads (the first row of chi: 5 of 25
lanes of theta). Keccak-256 of 128 bytes (one permutation) given as Bools
(``keccak256_bits``): 89,024 constraints; as bytes, 1,024 more to split them (the best
published count, 93,184; vocdoni/keccak256-circom states 150,848).

    >>> from circuits import Circuit, Public, Secret, UInt, compile
    >>> from circuits.gadgets import keccak256_bytes
    >>> from circuits.native.keccak import keccak256
    >>> class Pre(Circuit):
    ...     digest: Public[UInt[8], 32]
    ...     msg: Secret[UInt[8], 3]
    ...     def define(self, api):
    ...         for got, want in zip(keccak256_bytes(api, list(self.msg)), self.digest):
    ...             api.assert_equal(got, want)
    >>> cs = compile(Pre)
    >>> cs.r1cs.num_constraints
    84778
    >>> w = cs.solve(Pre(digest=list(keccak256(b"abc")), msg=list(b"abc")))
    >>> cs.r1cs.is_satisfied(w.values())
    True
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..engine import hints
from ..errors import CircuitTypeError
from ..native.keccak import RATE, ROTATIONS, ROUND_CONSTANTS
from ..var import Operand, Var

__all__ = ["keccak_f", "keccak256_bits", "keccak256_bytes", "sha3_256_bytes", "eth_address_bytes"]

Lane = list[Var]  # 64 Bools, bit z first


def _xor(api: API, a: Var, b: Var) -> Var:
    """``a ^ b`` of two variable Bools as one new wire (``bool_op`` would leave the linear
    combination ``a + b - 2ab``, whose terms pile up round after round): 1 constraint."""
    out = api.hint(hints.muladd, api.scale(a, -2), b, a + b, bits=1, is_bool=True)
    api.enforce(api.scale(a, 2), b, a + b - out, "xor")
    return out


def _bit_row(api: API, t: Var, bit: int, q: Var, p2: Var, k: int, p3: Var, op: str) -> Var:
    """The Bool ``out`` with ``q * (p2 + k * out) = p3``: one row, one wire. ``q`` is non-zero
    on every Bool input, so the row determines ``out``. The witness program reads ``out`` as
    bit ``bit`` (0 or 1) of ``t``, a small non-negative linear combination of the inputs (its
    ``BITS`` operation: no inversion, no product), and skips the row's check: the row holds
    by construction (as SHA-256's ``_one_row_bit``). The inputs are Bools whenever the rows
    before hold (each is an input bit its typing rows make Bool, a bit read by ``BITS``, the
    ``_xor`` of two Bools, a negation or a constant), and on Bools ``t``'s bit is the value
    the row fixes: ``s`` = 0, 1, 2, 3 for the XOR of three (bit 0 of ``s``: 0, 1, 0, 1);
    ``t`` = 1, 0, 2, 1 for chi with ``a = 0`` and ``t`` = 3, 2, 4, 3 with ``a = 1`` (``bc`` =
    00, 10, 01, 11; bit 1: 0, 0, 1, 0 then 1, 1, 0, 1, which is ``a ^ (~b & c)``). The row
    stays in the system: a proof needs it (the forgery tests search it)."""
    out = api.hint(hints.bits(2, 1 - bit), t, bits=1, is_bool=True)
    rest = api.lincomb([(p2, 1), (out, k)])
    api.enforce(q, rest, p3, op, checked=False)
    return out


def _xor3(api: API, a: Var, b: Var, c: Var) -> Var:
    """``a ^ b ^ c`` of variable Bools in one row: with ``s = a + b + c``,
    ``(3 - 2s) * (2 out - s) = s`` (``s`` = 0, 1, 2, 3 gives out = 0, 1, 0, 1); the witness
    is bit 0 of ``s``."""
    s = api.lincomb([(a, 1), (b, 1), (c, 1)])
    return _bit_row(api, s, 0, api.lincomb([(s, -2)], 3), api.scale(s, -1), 2, s, "xor3")


def _parity(api: API, bits: Sequence[Var]) -> Var:
    """The XOR of Bools: constants fold; 2 or 3 variables one row, 4 or 5 two rows."""
    flip = 0
    vs: list[Var] = []
    for b in bits:
        if b.is_constant():
            flip ^= b.constant_value()
        else:
            vs.append(b)
    while len(vs) > 3:
        vs = [_xor3(api, *vs[:3]), *vs[3:]]
    if not vs:
        return api.constant(flip)
    if len(vs) == 1:
        out = vs[0]
    elif len(vs) == 2:
        out = _xor(api, vs[0], vs[1])
    else:
        out = _xor3(api, *vs)
    return ~out if flip else out


def _chi(api: API, a: Var, b: Var, c: Var) -> Var:
    """``a ^ (~b & c)`` in one row: ``(1 - 4a + b + c) * (3a + b + c + out) = -12a + 2b + 4c``
    (the first factor is 1, 2 or 3 for ``a = 0``, -3, -2 or -1 for ``a = 1``); the witness is
    bit 1 of ``t = 2a - b + c + 1``, 0 to 4 (``a = 0``: ``1 - b + c``, 2 only for ``~b & c``;
    ``a = 1``: ``3 - b + c``, 2 or 3 but 4 for ``~b & c``). With a constant operand it folds
    to at most one XOR or AND."""
    if a.is_constant() or b.is_constant() or c.is_constant():
        return _parity(api, [a, api.bool_op("&", ~b, c)])
    return _bit_row(api, api.lincomb([(a, 2), (b, -1), (c, 1)], 1), 1, api.lincomb([(a, -4), (b, 1), (c, 1)], 1),
                    api.lincomb([(a, 3), (b, 1), (c, 1)]), 1, api.lincomb([(a, -12), (b, 2), (c, 4)]), "chi")


def _theta_rho_pi(api: API, a: list[Lane], wanted: set[int]) -> dict[int, Lane]:
    """Theta, rho and pi for the lanes of the result in ``wanted`` (positions after pi)."""
    sources = {}
    for i in range(25):
        x, y = i % 5, i // 5
        dest = y + 5 * ((2 * x + 3 * y) % 5)
        if dest in wanted:
            sources[dest] = i
    columns = {i % 5 for i in sources.values()}
    need_c = {(x + d) % 5 for x in columns for d in (-1, 1)}
    c = {x: [_parity(api, [a[x + 5 * y][z] for y in range(5)]) for z in range(64)] for x in sorted(need_c)}
    d: dict[int, Lane] = {}
    for x in sorted(columns):
        lanes = [i for i in sources.values() if i % 5 == x]
        if sum(a[i][0].is_constant() for i in lanes) >= 2:  # D once, then free on constant lanes
            d[x] = [_parity(api, [c[(x - 1) % 5][z], c[(x + 1) % 5][(z - 1) % 64]]) for z in range(64)]
    out: dict[int, Lane] = {}
    for dest, i in sorted(sources.items()):
        x = i % 5
        if x in d:
            lane = [_parity(api, [a[i][z], d[x][z]]) for z in range(64)]
        else:
            lane = [_parity(api, [a[i][z], c[(x - 1) % 5][z], c[(x + 1) % 5][(z - 1) % 64]]) for z in range(64)]
        r = ROTATIONS[i]
        out[dest] = [lane[(z - r) % 64] for z in range(64)]
    return out


def _round(api: API, a: list[Lane], rc: int, wanted: set[int]) -> list[Lane]:
    rows = {i - i % 5 + k for i in wanted for k in range(5)}
    b = _theta_rho_pi(api, a, rows)
    zero = [api.constant(0)] * 64
    out = [zero] * 25
    for i in sorted(wanted):
        y5, x = i - i % 5, i % 5
        l0, l1, l2 = b[i], b[y5 + (x + 1) % 5], b[y5 + (x + 2) % 5]
        out[i] = [_chi(api, l0[z], l1[z], l2[z]) for z in range(64)]
    if 0 in wanted:
        out[0] = [_parity(api, [bit, api.constant((rc >> z) & 1)]) for z, bit in enumerate(out[0])]
    return out


def keccak_f(api: API, lanes: Sequence[Sequence[Operand]], *, outputs: Sequence[int] = range(25)) -> list[Lane]:
    """Keccak-f[1600] of 25 lanes of 64 Bools (ints 0/1 allowed). Only the lanes in
    ``outputs`` are computed in the last round (the others are returned as constant 0):
    at most 3,840 constraints per round."""
    if len(lanes) != 25 or any(len(lane) != 64 for lane in lanes):
        raise CircuitTypeError(f"keccak_f: expected 25 lanes of 64 bits, found {[len(x) for x in lanes]}")
    want = set(outputs)
    if not want <= set(range(25)):
        raise CircuitTypeError(f"keccak_f: expected output lanes in 0..24, found {sorted(want)}")
    state = [[api.lift(b) for b in lane] for lane in lanes]
    for lane in state:
        for b in lane:
            api.require_bool(b, "keccak_f")
    with api.scope("keccak_f"):
        for k, rc in enumerate(ROUND_CONSTANTS):
            state = _round(api, state, rc, want if k == len(ROUND_CONSTANTS) - 1 else set(range(25)))
    return state


def _sponge_bits(api: API, bits: Sequence[Operand], delimiter: int) -> list[Var]:
    """Pad with ``delimiter ... 0x80``, absorb, return the 256 digest bits (byte order, LSB
    first in each byte)."""
    msg = [api.lift(b) for b in bits]
    if len(msg) % 8:
        raise CircuitTypeError(f"keccak: expected whole bytes (a multiple of 8 bits), found {len(msg)} bits")
    nbytes = len(msg) // 8
    tail = [delimiter] + [0] * (-(nbytes + 1) % RATE)
    tail[-1] |= 0x80
    padded = msg + [api.constant((v >> k) & 1) for v in tail for k in range(8)]
    zero = api.constant(0)
    state: list[Lane] = [[zero] * 64 for _ in range(25)]
    blocks = len(padded) // (8 * RATE)
    for n in range(blocks):
        block = padded[8 * RATE * n:8 * RATE * (n + 1)]
        for i in range(RATE // 8):
            state[i] = [_parity(api, [s, m]) for s, m in zip(state[i], block[64 * i:64 * i + 64])]
        state = keccak_f(api, state, outputs=range(4) if n == blocks - 1 else range(25))
    return [b for lane in state[:4] for b in lane]


def keccak256_bits(api: API, bits: Sequence[Operand]) -> list[Var]:
    """Keccak-256 (Ethereum's) of a message of Bools, bit 0 of its first byte first: 256 Bools
    in the same order."""
    return _sponge_bits(api, bits, 0x01)


def _to_bits(api: API, data: Sequence[Operand]) -> list[Var]:
    out: list[Var] = []
    for byte in data:
        out.extend(api.to_bits(api.lift(byte), 8))
    return out


def _to_bytes(api: API, bits: Sequence[Var]) -> list[Var]:
    return [api.from_bits(bits[8 * i:8 * i + 8]) for i in range(len(bits) // 8)]


def keccak256_bytes(api: API, data: Sequence[Operand]) -> list[Var]:
    """Keccak-256 (Ethereum's) of byte values (ints or Vars, each split into 8 bits: 8
    constraints a byte, which also range-checks it): the 32 digest bytes (free linear
    combinations of the digest bits)."""
    return _to_bytes(api, keccak256_bits(api, _to_bits(api, data)))


def sha3_256_bytes(api: API, data: Sequence[Operand]) -> list[Var]:
    """SHA3-256 (FIPS 202) of byte values, as :func:`keccak256_bytes`: the same cost."""
    return _to_bytes(api, _sponge_bits(api, _to_bits(api, data), 0x06))


def eth_address_bytes(api: API, x: Sequence[Operand], y: Sequence[Operand]) -> list[Var]:
    """The Ethereum address of a secp256k1 public key given as the 32 big-endian bytes of
    each coordinate: the last 20 bytes of the Keccak-256 of ``x || y`` (the key's curve
    membership is the caller's: an ECDSA gadget checks it)."""
    if len(x) != 32 or len(y) != 32:
        raise CircuitTypeError(f"eth_address_bytes: expected 32 bytes per coordinate, found {len(x)} and {len(y)}")
    return keccak256_bytes(api, [*x, *y])[12:]
