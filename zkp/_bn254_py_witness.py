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
from typing import Any, Callable, Iterable, Mapping, Sequence

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


class _Decoder:
    """One pass over a program's code: the word being decoded (``pc``), the next wire to make
    (``nxt``), the checks and LC terms counted so far, and the instructions decoded."""

    def __init__(self, counts: list[int], tops: list[int], lens: list[int], code: list[int]) -> None:
        self.nw, self.nl, self.nh = counts[0], counts[3], counts[7]
        self.tops, self.lens, self.code = tops, lens, code
        self.nxt, self.pc, self.checks, self.reads = counts[1] + 1, 0, 0, 0
        self.ops: list[tuple[int, ...]] = []

    def fail(self, msg: str) -> MalformedInputError:
        return _bad(f"instruction at word {self.pc}: {msg}")

    def need(self, k: int) -> None:
        """At least ``k`` words left from ``pc``."""
        if self.pc + k > len(self.code):
            raise self.fail(f"expected {k} words, found {len(self.code) - self.pc}")

    def operands(self, k: int) -> list[int]:
        """The ``k`` words after the opcode, there (``need(1 + k)``)."""
        self.need(1 + k)
        return self.code[self.pc + 1: self.pc + 1 + k]

    def lc(self, i: int) -> int:
        """LC ``i``, in range and reading only wires made before this instruction (its terms
        counted in ``reads``)."""
        if i >= self.nl or self.tops[i] >= self.nxt:
            raise self.fail(f"LC {i} is out of range or reads a wire not yet made")
        self.reads += self.lens[i]
        return i

    def lcs(self, start: int, k: int) -> list[int]:
        """The ``k`` LC indices from word ``pc + start``, each as :meth:`lc`."""
        return [self.lc(i) for i in self.code[self.pc + start: self.pc + start + k]]

    def make(self, w: int, count: int) -> None:
        """The instruction makes ``count`` wires from ``w``: the next ones, within the program's."""
        if w != self.nxt or count > self.nw - self.nxt:
            raise self.fail(f"expected to make wires from {self.nxt} ({self.nw} in all), "
                            f"found {count} from {w}")

    def emit(self, op: tuple[int, ...], made: int, size: int) -> None:
        self.ops.append(op)
        self.nxt += made
        self.pc += size


_ARITH_WORDS: Mapping[int, int] = {OP_MULADD: 4, OP_DIV: 3, OP_ISZERO: 2}  # the words after the opcode


def _decode_arith(d: _Decoder, op: int) -> None:
    """``MULADD w a b c``, ``DIV w a b``, ``ISZERO w a``: one wire from 3, 2 or 1 LCs."""
    k = _ARITH_WORDS[op]
    w = d.operands(k)[0]
    d.make(w, 1)
    d.emit((op, w, *d.lcs(2, k - 1)), 1, 1 + k)


def _decode_bits(d: _Decoder, op: int) -> None:
    """``BITS w a nbits linear``: the bits of LC ``a`` but the one at ``linear``."""
    w, a, nbits, linear = d.operands(4)
    if not 1 <= nbits <= MAX_BITS or linear >= nbits:
        raise d.fail(f"expected 1 <= bits <= {MAX_BITS} and linear < bits, found {nbits} and {linear}")
    d.make(w, nbits - 1)
    d.emit((op, w, d.lc(a), nbits, linear), nbits - 1, 5)


def _decode_hint(d: _Decoder, op: int) -> None:
    """``HINT w slot n_in n_out lc...``: ``n_out`` wires from hint ``slot`` on ``n_in`` LCs."""
    w, slot, n_in, n_out = d.operands(4)
    if slot >= d.nh or n_in > MAX_HINT_INPUTS or not 1 <= n_out <= MAX_HINT_OUTPUTS:
        raise d.fail(f"hint slot {slot} of {d.nh}, {n_in} inputs, {n_out} outputs")
    d.need(5 + n_in)
    d.make(w, n_out)
    d.emit((op, w, slot, n_out, *d.lcs(5, n_in)), n_out, 5 + n_in)


def _bad_limbs(d: _Decoder, width: int, ks: list[int]) -> MalformedInputError:
    return d.fail(f"expected 1 <= width <= {MAX_LIMB_WIDTH}, at most {MAX_LIMBS} limbs each and an "
                  f"output, found width {width}, limbs " + " ".join(map(str, ks)))


def _decode_limbs(d: _Decoder, op: int) -> None:
    """``DIVMOD w width ka kb km kq kr lc...`` (``ka + kb + km`` LCs, ``kq + kr`` wires) and
    ``CARRIES w width ka kb kc kd ke lc...`` (all five counts of LCs, a wire per carry)."""
    w, width, *ks = d.operands(7)
    outs = ks[3] + ks[4] if op == OP_DIVMOD else _carry_columns(*ks) - 1
    if not 1 <= width <= MAX_LIMB_WIDTH or max(ks) > MAX_LIMBS or outs < 1:
        raise _bad_limbs(d, width, ks)
    n_in = sum(ks[:3]) if op == OP_DIVMOD else sum(ks)
    d.need(8 + n_in)
    d.make(w, outs)
    d.emit((op, w, width, *ks, *d.lcs(8, n_in)), outs, 8 + n_in)


def _decode_moddiv(d: _Decoder, op: int) -> None:
    """``MODDIV w width ka kb kc kd ke kf km kq kr lc...``: ``kq + kr`` wires from seven limb groups."""
    w, width, *ks = d.operands(11)
    if not 1 <= width <= MAX_LIMB_WIDTH or max(ks) > MAX_LIMBS or ks[7] + ks[8] < 1:
        raise _bad_limbs(d, width, ks)
    n_in = sum(ks[:7])
    d.need(12 + n_in)
    d.make(w, ks[7] + ks[8])
    d.emit((op, w, width, *ks, *d.lcs(12, n_in)), ks[7] + ks[8], 12 + n_in)


def _decode_check(d: _Decoder, op: int) -> None:
    """``CHECK a b c``: ``a * b == c``, numbered in the order of the code."""
    d.operands(3)
    d.emit((op, d.checks, *d.lcs(1, 3)), 0, 4)
    d.checks += 1


_DECODERS: Mapping[int, Callable[[_Decoder, int], None]] = {
    OP_MULADD: _decode_arith, OP_DIV: _decode_arith, OP_ISZERO: _decode_arith, OP_BITS: _decode_bits,
    OP_HINT: _decode_hint, OP_DIVMOD: _decode_limbs, OP_CARRIES: _decode_limbs, OP_MODDIV: _decode_moddiv,
    OP_CHECK: _decode_check,
}


def _check_totals(d: _Decoder, counts: list[int], out: list[int]) -> None:
    """After the code: every wire made, the checks counted, outputs in range, reads bounded."""
    nw, nt, nchk, n = counts[0], counts[4], counts[8], len(d.code)
    if d.nxt != nw:
        raise _bad(f"expected the code to make wires up to {nw}, found {d.nxt}")
    if d.checks != nchk:
        raise _bad(f"expected {nchk} checks, found {d.checks}")
    for i, w in enumerate(out):
        if w >= nw:
            raise _bad(f"output {i}: expected a wire < {nw}, found {w}")
    if d.reads > nt + n:
        raise _bad(f"expected the code to read at most {nt + n} terms in all, found {d.reads} "
                   "(an LC named again and again)")


def _validate_code(counts: list[int], tops: list[int], lens: list[int], code: list[int],
                   out: list[int]) -> list[tuple[int, ...]]:
    """The decoded instructions, each checked: known opcode, LC indices in range and reading
    only wires made before, outputs in order, every wire made once, and the terms a run reads
    (each LC as often as the code names it) at most the terms and code words of the program."""
    d = _Decoder(counts, tops, lens, code)
    while d.pc < len(code):
        op = code[d.pc]
        decode = _DECODERS.get(op)
        if decode is None:
            raise d.fail(f"unknown opcode {op}")
        decode(d, op)
    _check_totals(d, counts, out)
    return d.ops


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


_Eval = Callable[[int], Any]  # an LC's value by its index


def _run_muladd(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    vals[op[1]] = (ev(op[2]) * ev(op[3]) + ev(op[4])) % R


def _run_div(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    den = ev(op[3])
    vals[op[1]] = ev(op[2]) * pow(int(den), -1, int(R)) % R if den else A.mpz(0)


def _run_iszero(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    vals[op[1]] = A.mpz(0 if ev(op[2]) else 1)


def _run_bits(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    w, x, nbits, linear = op[1], int(ev(op[2])), op[3], op[4]
    for i in range(nbits):
        if i != linear:
            vals[w] = A.mpz((x >> i) & 1)
            w += 1


def _put(vals: list[Any], w: int, values: Iterable[Any]) -> None:
    """``values`` (as many as the instruction makes, which validation counted) from wire ``w``."""
    for v in values:
        vals[w] = v
        w += 1


def _run_hint(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    slot, n_out = op[2], op[3]
    got = hints[slot](*(int(ev(i)) for i in op[4:]))
    _put(vals, op[1], _hint_values(got, n_out, slot))


def _groups(limbs: list[int], ks: Sequence[int]) -> list[list[int]]:
    """``limbs`` cut into consecutive groups of ``ks[0]``, ``ks[1]``, ... limbs."""
    parts, at = [], 0
    for k in ks:
        parts.append(limbs[at:at + k])
        at += k
    return parts


def _run_divmod(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    w, width, ka, kb, km, kq, kr = op[1:8]
    a, b, m = _groups([int(ev(i)) for i in op[8:]], (ka, kb, km))
    _put(vals, w, map(A.mpz, limbs_divmod(width, a, b, m, kq, kr)))


def _run_carries(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    w, width = op[1], op[2]
    a, b, c, d, e = _groups([int(ev(i)) for i in op[8:]], op[3:8])
    _put(vals, w, map(A.mpz, limbs_carries(width, a, b, c, d, e)))


def _run_moddiv(vals: list[Any], ev: _Eval, hints: list[Callable[..., Any]], op: tuple[int, ...]) -> None:
    w, width, kq, kr = op[1], op[2], op[10], op[11]
    a, b, c, d, e, f, m = _groups([int(ev(i)) for i in op[12:]], op[3:10])
    _put(vals, w, map(A.mpz, limbs_moddiv(width, a, b, c, d, e, f, m, kq, kr)))


# each instruction but CHECK: (wire values, LC evaluator, hint functions, decoded instruction)
_Runner = Callable[[list[Any], _Eval, list[Callable[..., Any]], tuple[int, ...]], None]
_RUNNERS: Mapping[int, _Runner] = {
    OP_MULADD: _run_muladd, OP_DIV: _run_div, OP_ISZERO: _run_iszero, OP_BITS: _run_bits, OP_HINT: _run_hint,
    OP_DIVMOD: _run_divmod, OP_CARRIES: _run_carries, OP_MODDIV: _run_moddiv,
}


def witness_run(body: Any, inputs: Any, hints: Sequence[Callable[..., Any]]) -> tuple[int, bytes]:
    counts, lcs, ops, out = _validated(body)
    fns = list(hints)  # the functions given at the start: a hint rebinding the caller's list changes nothing
    if len(fns) != counts[7]:
        raise _bad(f"expected {counts[7]} hint functions, found {len(fns)}")
    vals: list[Any] = [A.mpz(1)] + _inputs(inputs, counts[1]) + [A.mpz(0)] * (counts[0] - counts[1] - 1)

    def ev(i: int) -> Any:
        return sum((vals[w] * c for w, c in lcs[i]), A.mpz(0)) % R

    for op in ops:
        if op[0] != OP_CHECK:
            _RUNNERS[op[0]](vals, ev, fns, op)
        elif ev(op[2]) * ev(op[3]) % R != ev(op[4]):
            return op[1], b""
    return -1, b"".join(int(vals[w]).to_bytes(32, "big") for w in out)
