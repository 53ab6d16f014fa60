"""The witness-program interpreter of the pure-Python kernels (``zkp._bn254_py``); the C
twin is ``zkp/_bn254_src/witness.h``. The format is documented in :mod:`zkp.program`.

``witness_run(body, inputs, hints)`` validates the whole program first (every count, offset,
wire and coefficient index, the order in which wires are made), so a truncated or edited
program is refused with :class:`MalformedInputError` before any wire is computed; then it
runs the code and returns ``(-1, witness)`` (the ``out`` wires, 32 big-endian bytes each) or
``(k, b"")`` where ``k`` is the index of the first ``CHECK`` that fails.
"""

from __future__ import annotations

import operator
import struct
from typing import Any, Callable, Sequence

from . import _arith as A
from .errors import MalformedInputError

R = A.R

MAGIC = b"ZKWP"
VERSION = 2
HEADER = struct.Struct("<4s11I")
OP_MULADD, OP_DIV, OP_ISZERO, OP_BITS, OP_HINT, OP_CHECK, OP_DIVMOD, OP_CARRIES = 1, 2, 3, 4, 5, 6, 7, 8
OP_MODDIV = 9
MAX_BITS = 254
MAX_HINT_INPUTS = 1 << 16
MAX_HINT_OUTPUTS = 1 << 10
MAX_LIMB_WIDTH = 253
MAX_LIMBS = 1 << 8

__all__ = ["witness_run", "witness_validate", "limbs_divmod", "limbs_carries", "limbs_moddiv"]


def _limbs_value(width: int, limbs: Sequence[int]) -> int:
    return sum(int(v) << (width * i) for i, v in enumerate(limbs))


def _split_limbs(width: int, x: int, k: int) -> list[int]:
    """``k`` limbs of ``x >= 0``: ``width`` bits each, the last one the rest (mod r)."""
    mask, r = (1 << width) - 1, int(R)
    return [((x >> (width * i)) & mask) if i < k - 1 else (x >> (width * i)) % r for i in range(k)]


def limbs_divmod(width: int, a: Sequence[int], b: Sequence[int], m: Sequence[int], kq: int,
                 kr: int) -> list[int]:
    """``DIVMOD``: with ``A``, ``B``, ``M`` the integers of limbs ``a``, ``b``, ``m`` in base
    ``2**width`` (each limb a value in ``[0, r)``), the ``kq`` limbs of ``A * B // M`` then the
    ``kr`` limbs of ``A * B % M`` (limbs of ``width`` bits, the last one the rest mod r); all 0
    when ``M`` is 0."""
    x, mod = _limbs_value(width, a) * _limbs_value(width, b), _limbs_value(width, m)
    q, rem = divmod(x, mod) if mod else (0, 0)
    return _split_limbs(width, q, kq) + _split_limbs(width, rem, kr)


def _signed(v: int) -> int:
    return int(v) - int(R) if v > R >> 1 else int(v)


def _poly_mul(x: Sequence[int], y: Sequence[int], n: int) -> list[int]:
    out = [0] * n
    for i, u in enumerate(x):
        for j, v in enumerate(y):
            out[i + j] += u * v
    return out


def limbs_carries(width: int, a: Sequence[int], b: Sequence[int], c: Sequence[int], d: Sequence[int],
                  e: Sequence[int]) -> list[int]:
    """``CARRIES``: each limb read signed (a value above ``(r - 1) / 2`` is ``value - r``), the
    columns ``col`` of the polynomial ``A * B - C * D - E`` (``n`` of them: the longest of the
    three), and the ``n - 1`` carries ``c_i = (col_i + c_{i-1}) >> width`` (floor division, ``c_-1
    = 0``), each mod r. When ``A * B == C * D + E`` as integers, ``col_i + c_{i-1} = c_i * 2**width``
    for ``i < n - 1`` and ``col_{n-1} + c_{n-2} = 0``."""
    a, b, c, d, e = ([_signed(v) for v in x] for x in (a, b, c, d, e))
    n = _carry_columns(len(a), len(b), len(c), len(d), len(e))
    ab, cd = _poly_mul(a, b, n), _poly_mul(c, d, n)
    out, carry = [], 0
    for i in range(n - 1):
        carry = (ab[i] - cd[i] - (e[i] if i < len(e) else 0) + carry) >> width
        out.append(carry % int(R))
    return out


def limbs_moddiv(width: int, a: Sequence[int], b: Sequence[int], c: Sequence[int], d: Sequence[int],
                 e: Sequence[int], f: Sequence[int], m: Sequence[int], kq: int, kr: int) -> list[int]:
    """``MODDIV``: limbs of ``a`` to ``f`` read signed (as ``CARRIES``), ``m`` as ``DIVMOD``;
    with ``N = A * B - C * D - E`` and ``X = N * F**-1 mod M``, the ``kq`` limbs of the exact
    ``Q = (N - X * F) // M`` (a negative ``Q``'s top limb is negative, mod r) then the ``kr``
    limbs of ``X``: so ``X * F + Q * M == N``. Both 0 when ``F`` is not invertible modulo
    ``M`` or ``M <= 1``."""
    a, b, c, d, e, f = ([_signed(v) for v in x] for x in (a, b, c, d, e, f))
    n = _limbs_value(width, a) * _limbs_value(width, b) - _limbs_value(width, c) * _limbs_value(width, d) \
        - _limbs_value(width, e)
    fv, mod = _limbs_value(width, f), _limbs_value(width, m)
    try:
        inv = pow(fv, -1, mod) if mod > 1 else None
    except ValueError:
        inv = None
    x = n * inv % mod if inv is not None else 0
    q = (n - x * fv) // mod if inv is not None else 0
    return _split_limbs(width, q, kq) + _split_limbs(width, x, kr)


def _carry_columns(ka: int, kb: int, kc: int, kd: int, ke: int) -> int:
    return max(ka + kb - 1 if ka and kb else 0, kc + kd - 1 if kc and kd else 0, ke)


def _bad(msg: str) -> MalformedInputError:
    return MalformedInputError("witness program: " + msg)


def _u32s(mv: memoryview, off: int, n: int) -> tuple[list[int], int]:
    return list(struct.unpack_from(f"<{n}I", mv, off)) if n else [], off + 4 * n


def _parse(body: Any) -> tuple[list[int], list[Any], list[int], list[int], list[int], list[int]]:
    """The header counts, coefficients, LC ends, terms, code and outputs, sizes checked."""
    if not isinstance(body, (bytes, bytearray, memoryview)):
        raise _bad(f"expected bytes, found {type(body).__name__}")
    mv = memoryview(body).cast("B")
    if len(mv) < HEADER.size:
        raise _bad(f"expected at least {HEADER.size} bytes, found {len(mv)}")
    magic, version, *counts = HEADER.unpack_from(mv, 0)
    if magic != MAGIC:
        raise _bad("expected the magic ZKWP, found other bytes")
    if version != VERSION:
        raise _bad(f"expected version {VERSION}, found {version}")
    nw, ni, nc, nl, nt, ncode, nout, _nh, _nchk, reserved = counts
    size = HEADER.size + 32 * nc + 4 * nl + 8 * nt + 4 * ncode + 4 * nout
    if len(mv) != size:
        raise _bad(f"expected {size} bytes for its counts, found {len(mv)}")
    if reserved:
        raise _bad(f"expected the reserved word 0, found {reserved}")
    if nw < ni + 1 or nc < 1 or nl < 1:
        raise _bad(f"expected wires > inputs, a coefficient and an LC, found {nw} wires, "
                   f"{ni} inputs, {nc} coefficients, {nl} LCs")
    off = HEADER.size
    coeffs = [A.mpz(int.from_bytes(mv[off + 32 * i: off + 32 * i + 32], "big")) for i in range(nc)]
    for i, c in enumerate(coeffs):
        if c >= R:
            raise _bad(f"coefficient {i}: expected a value < r, found one >= r")
    if coeffs[0] != 1:
        raise _bad("coefficient 0: expected 1")
    off += 32 * nc
    ends, off = _u32s(mv, off, nl)
    terms, off = _u32s(mv, off, 2 * nt)
    code, off = _u32s(mv, off, ncode)
    out, off = _u32s(mv, off, nout)
    return counts, coeffs, ends, terms, code, out


def _lcs(counts: list[int], coeffs: list[Any], ends: list[int], terms: list[int]) -> tuple[list[list[tuple[int, Any]]], list[int]]:
    """Each LC as ``[(wire, coefficient)]`` and the highest wire it reads."""
    nw, nt = counts[0], counts[4]
    nc = len(coeffs)
    lcs: list[list[tuple[int, Any]]] = []
    tops: list[int] = []
    start = 0
    for i, end in enumerate(ends):
        if not start <= end <= nt:
            raise _bad(f"LC {i}: expected its end in [{start}, {nt}], found {end}")
        lc, top = [], 0
        for k in range(start, end):
            w, c = terms[2 * k], terms[2 * k + 1]
            if w >= nw or c >= nc:
                raise _bad(f"LC {i}: expected wire < {nw} and coefficient < {nc}, found {w} and {c}")
            lc.append((w, coeffs[c]))
            top = max(top, w)
        lcs.append(lc)
        tops.append(top)
        start = end
    if start != nt:
        raise _bad(f"expected the LCs to end at term {nt}, found {start}")
    return lcs, tops


def _validate_code(counts: list[int], tops: list[int], lens: list[int], code: list[int],
                   out: list[int]) -> list[tuple[int, ...]]:
    """The decoded instructions, each checked: known opcode, LC indices in range and reading
    only wires made before, outputs in order, every wire made once, and the terms a run reads
    (each LC as often as the code names it) at most the terms and code words of the program."""
    nw, ni, nl, nt, nh, nchk = counts[0], counts[1], counts[3], counts[4], counts[7], counts[8]
    ops: list[tuple[int, ...]] = []
    nxt, pc, checks, n = ni + 1, 0, 0, len(code)
    reads = 0

    def need(k: int) -> None:
        if pc + k > n:
            raise _bad(f"instruction at word {pc}: expected {k} words, found {n - pc}")

    def lc(i: int, limit: int) -> int:
        nonlocal reads
        if i >= nl or tops[i] >= limit:
            raise _bad(f"instruction at word {pc}: LC {i} is out of range or reads a wire not yet made")
        reads += lens[i]
        return i

    def first(w: int, count: int) -> None:
        if w != nxt or count > nw - nxt:
            raise _bad(f"instruction at word {pc}: expected to make wires from {nxt} ({nw} in all), "
                       f"found {count} from {w}")

    while pc < n:
        op = code[pc]
        if op in (OP_MULADD, OP_DIV, OP_ISZERO):
            k = {OP_MULADD: 4, OP_DIV: 3, OP_ISZERO: 2}[op]
            need(1 + k)
            w = code[pc + 1]
            first(w, 1)
            ops.append((op, w, *(lc(i, nxt) for i in code[pc + 2: pc + 1 + k])))
            nxt += 1
            pc += 1 + k
        elif op == OP_BITS:
            need(5)
            w, a, nbits, linear = code[pc + 1: pc + 5]
            if not 1 <= nbits <= MAX_BITS or linear >= nbits:
                raise _bad(f"instruction at word {pc}: expected 1 <= bits <= {MAX_BITS} and "
                           f"linear < bits, found {nbits} and {linear}")
            first(w, nbits - 1)
            ops.append((op, w, lc(a, nxt), nbits, linear))
            nxt += nbits - 1
            pc += 5
        elif op == OP_HINT:
            need(5)
            w, slot, n_in, n_out = code[pc + 1: pc + 5]
            if slot >= nh or n_in > MAX_HINT_INPUTS or not 1 <= n_out <= MAX_HINT_OUTPUTS:
                raise _bad(f"instruction at word {pc}: hint slot {slot} of {nh}, {n_in} inputs, "
                           f"{n_out} outputs")
            need(5 + n_in)
            first(w, n_out)
            ops.append((op, w, slot, n_out, *(lc(i, nxt) for i in code[pc + 5: pc + 5 + n_in])))
            nxt += n_out
            pc += 5 + n_in
        elif op in (OP_DIVMOD, OP_CARRIES):
            need(8)
            w, width, *ks = code[pc + 1: pc + 8]
            outs = ks[3] + ks[4] if op == OP_DIVMOD else _carry_columns(*ks) - 1
            if not 1 <= width <= MAX_LIMB_WIDTH or max(ks) > MAX_LIMBS or \
                    outs < 1:
                raise _bad(f"instruction at word {pc}: expected 1 <= width <= {MAX_LIMB_WIDTH}, at most "
                           f"{MAX_LIMBS} limbs each and an output, found width {width}, limbs "
                           f"{ks[0]} {ks[1]} {ks[2]} {ks[3]} {ks[4]}")
            n_in = sum(ks[:3]) if op == OP_DIVMOD else sum(ks)
            need(8 + n_in)
            first(w, outs)
            ops.append((op, w, width, *ks, *(lc(i, nxt) for i in code[pc + 8: pc + 8 + n_in])))
            nxt += outs
            pc += 8 + n_in
        elif op == OP_MODDIV:
            need(12)
            w, width, *ks = code[pc + 1: pc + 12]
            if not 1 <= width <= MAX_LIMB_WIDTH or max(ks) > MAX_LIMBS or ks[7] + ks[8] < 1:
                raise _bad(f"instruction at word {pc}: expected 1 <= width <= {MAX_LIMB_WIDTH}, at most "
                           f"{MAX_LIMBS} limbs each and an output, found width {width}, limbs "
                           + " ".join(map(str, ks)))
            n_in = sum(ks[:7])
            need(12 + n_in)
            first(w, ks[7] + ks[8])
            ops.append((op, w, width, *ks, *(lc(i, nxt) for i in code[pc + 12: pc + 12 + n_in])))
            nxt += ks[7] + ks[8]
            pc += 12 + n_in
        elif op == OP_CHECK:
            need(4)
            ops.append((op, checks, *(lc(i, nxt) for i in code[pc + 1: pc + 4])))
            checks += 1
            pc += 4
        else:
            raise _bad(f"instruction at word {pc}: unknown opcode {op}")
    if nxt != nw:
        raise _bad(f"expected the code to make wires up to {nw}, found {nxt}")
    if checks != nchk:
        raise _bad(f"expected {nchk} checks, found {checks}")
    for i, w in enumerate(out):
        if w >= nw:
            raise _bad(f"output {i}: expected a wire < {nw}, found {w}")
    if reads > nt + n:
        raise _bad(f"expected the code to read at most {nt + n} terms in all, found {reads} "
                   "(an LC named again and again)")
    return ops


def _inputs(buf: Any, ni: int) -> list[Any]:
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise _bad(f"inputs: expected bytes, found {type(buf).__name__}")
    mv = memoryview(buf).cast("B")
    if len(mv) != 32 * ni:
        raise _bad(f"inputs: expected {ni} values ({32 * ni} bytes), found {len(mv)} bytes")
    vals = [A.mpz(int.from_bytes(mv[32 * i: 32 * i + 32], "big")) for i in range(ni)]
    for i, v in enumerate(vals):
        if v >= R:
            raise _bad(f"input {i}: expected a value < r, found one >= r")
    return vals


def _hint_values(result: Any, n_out: int, slot: int) -> list[Any]:
    """What the C twin reads: a list or tuple (subclasses too) once, by iteration; each int
    by its own value (``operator.index`` copies a subclass without calling its methods, so
    ``%`` is int's), reduced modulo r."""
    listy = isinstance(result, (list, tuple))
    items = list(result) if listy else [result]
    if (len(items) != n_out) if listy else (n_out != 1):
        raise _bad(f"hint {slot}: expected {n_out} int(s)")
    for v in items:
        if isinstance(v, bool) or not isinstance(v, int):
            raise _bad(f"hint {slot}: expected ints, found {type(v).__name__}")
    return [A.mpz(operator.index(v) % R) for v in items]


def _validated(body: Any) -> tuple[list[int], list[list[tuple[int, Any]]], list[tuple[int, ...]], list[int]]:
    counts, coeffs, ends, terms, code, out = _parse(body)
    lcs, tops = _lcs(counts, coeffs, ends, terms)
    return counts, lcs, _validate_code(counts, tops, [len(lc) for lc in lcs], code, out), out


def witness_validate(body: Any) -> None:
    """Every structural check of :func:`witness_run`, with nothing run."""
    _validated(body)


def witness_run(body: Any, inputs: Any, hints: Sequence[Callable[..., Any]]) -> tuple[int, bytes]:
    counts, lcs, ops, out = _validated(body)
    hints = list(hints)  # the functions given at the start: a hint rebinding the caller's list changes nothing
    if len(hints) != counts[7]:
        raise _bad(f"expected {counts[7]} hint functions, found {len(hints)}")
    vals: list[Any] = [A.mpz(1)] + _inputs(inputs, counts[1]) + [A.mpz(0)] * (counts[0] - counts[1] - 1)

    def ev(i: int) -> Any:
        return sum((vals[w] * c for w, c in lcs[i]), A.mpz(0)) % R

    for op in ops:
        kind = op[0]
        if kind == OP_MULADD:
            vals[op[1]] = (ev(op[2]) * ev(op[3]) + ev(op[4])) % R
        elif kind == OP_DIV:
            den = ev(op[3])
            vals[op[1]] = ev(op[2]) * pow(int(den), -1, int(R)) % R if den else A.mpz(0)
        elif kind == OP_ISZERO:
            vals[op[1]] = A.mpz(0 if ev(op[2]) else 1)
        elif kind == OP_BITS:
            w, x, nbits, linear = op[1], int(ev(op[2])), op[3], op[4]
            for i in range(nbits):
                if i != linear:
                    vals[w] = A.mpz((x >> i) & 1)
                    w += 1
        elif kind == OP_HINT:
            w, slot, n_out = op[1], op[2], op[3]
            got = hints[slot](*(int(ev(i)) for i in op[4:]))
            for v in _hint_values(got, n_out, slot):
                vals[w] = v
                w += 1
        elif kind == OP_DIVMOD:
            w, width, ka, kb, km, kq, kr = op[1:8]
            limbs = [int(ev(i)) for i in op[8:]]
            for v in limbs_divmod(width, limbs[:ka], limbs[ka:ka + kb], limbs[ka + kb:], kq, kr):
                vals[w] = A.mpz(v)
                w += 1
        elif kind == OP_CARRIES:
            w, width, *ks = op[1:8]
            limbs, at = [int(ev(i)) for i in op[8:]], 0
            parts: list[list[int]] = []
            for k in ks:
                parts.append(limbs[at:at + k])
                at += k
            for v in limbs_carries(width, *parts):
                vals[w] = A.mpz(v)
                w += 1
        elif kind == OP_MODDIV:
            w, width, *ks = op[1:12]
            limbs, at = [int(ev(i)) for i in op[12:]], 0
            groups: list[list[int]] = []
            for k in ks[:7]:
                groups.append(limbs[at:at + k])
                at += k
            for v in limbs_moddiv(width, groups[0], groups[1], groups[2], groups[3], groups[4], groups[5],
                                  groups[6], ks[7], ks[8]):
                vals[w] = A.mpz(v)
                w += 1
        elif ev(op[2]) * ev(op[3]) % R != ev(op[4]):
            return op[1], b""
    return -1, b"".join(int(vals[w]).to_bytes(32, "big") for w in out)
