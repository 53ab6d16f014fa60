"""Witness programs: how to compute every wire of a constraint system from its inputs.

A compiler that builds an R1CS (``circuits.compile``) also writes, wire by wire, how each
value is computed; solving is then running that program, in C (``zkp._bn254``) or in its
pure-Python twin, with no Python code of the circuit involved. The program also carries
the checks of the rows its instructions do not satisfy by construction (assertions,
divisions, range checks), so a run either returns a witness satisfying every row or names
the first failing check.

Format, version 2 (``to_bytes``; all words are little-endian u32, field elements 32 bytes
big-endian and below r):

======================  ==================================================================
header (48 bytes)       ``b"ZKWP"``, version, wires, inputs, coefficients, LCs, terms, code
                        words, outputs, hint slots, checks, a reserved 0
coefficients            32 bytes each; coefficient 0 is 1
LC ends                 one per LC: LC ``i`` is terms ``[end[i-1], end[i])`` (LC 0 is empty)
terms                   ``(wire, coefficient index)`` pairs
code                    instructions, below
outputs                 the wire behind each witness entry (after the compiler's eliminations)
hint names              (file only) a u32 count, then each name as a u16 length and UTF-8
checksum                (file only) BLAKE2b-256 of everything before it
======================  ==================================================================

Wire 0 is one and wires ``1..inputs`` are the inputs; each instruction makes the next
wires in order, reading only wires made before:

- ``1 MULADD w a b c``: ``w = a * b + c`` (LCs ``a``, ``b``, ``c``)
- ``2 DIV w a b``: ``w = a / b``, or 0 when ``b`` is 0 (a row that needs ``b != 0`` checks it)
- ``3 ISZERO w a``: ``w = 1`` if ``a`` is 0 else 0
- ``4 BITS w a n linear``: bits ``i != linear`` of the integer ``a`` (``n <= 254``) into
  ``n - 1`` wires from ``w`` (bit ``linear`` is the linear rest, not a wire)
- ``5 HINT w slot n_in n_out lc...``: the hint function in ``slot`` called with the
  ``n_in`` values, its ``n_out`` results (an int, or a list or tuple of ints read once; each
  int's own value, an int subclass's methods never called, reduced mod r) into wires from ``w``
- ``6 CHECK a b c``: ``a * b == c``, else the run stops and reports this check's index
- ``7 DIVMOD w width ka kb km kq kr lc...``: non-native division. ``A``, ``B``, ``M`` are the
  integers of the ``ka``, ``kb``, ``km`` limbs read from the LCs (base ``2**width``, each
  limb its value in ``[0, r)``); ``kq`` wires from ``w`` get the limbs of ``A * B // M``, the
  ``kr`` next ones those of ``A * B % M`` (``width`` bits each, the last limb the rest mod r;
  all 0 when ``M`` is 0; ``kq`` or ``kr`` may be 0, not both): :func:`limbs_divmod`
- ``8 CARRIES w width ka kb kc kd ke lc...``: the carries of ``A * B - C * D - E`` in base
  ``2**width``, limbs read signed (a value above ``(r - 1) / 2`` is negative): with ``n`` the
  number of columns of the longest term, ``n - 1`` wires from ``w`` get ``c_i = (col_i +
  c_{i-1}) >> width``, mod r: :func:`limbs_carries`
- ``9 MODDIV w width ka kb kc kd ke kf km kq kr lc...``: non-native division modulo ``M``. With
  ``N = A * B - C * D - E`` (limbs of ``A`` to ``F`` read signed, as ``CARRIES``; ``M`` as
  ``DIVMOD``) and ``X = N * F**-1 mod M``, ``kq`` wires from ``w`` get the limbs of ``Q = (N - X *
  F) // M`` (signed: a negative ``Q``'s top limb is negative, mod r), the ``kr`` next ones those of
  ``X`` (both 0 when ``F`` is not invertible modulo ``M`` or ``M <= 1``): :func:`limbs_moddiv` (slopes of
  elliptic-curve formulas, reductions of sums of products)

``DIVMOD``, ``CARRIES`` and ``MODDIV`` take ``1 <= width <= 253`` and at most 256 limbs per operand (and
make at least one wire); both twins compute them with Python's integers (the C kernel through
CPython's C API, holding the GIL), so their results agree bit for bit. ``CARRIES`` costs a
product per pair of limbs: at most 2 x 256**2 products of 253-bit numbers for a 5 KB
instruction (0.3 s in C on the reference machine), so an untrusted program may run about
60 microseconds per byte: bound its size (``max_bytes``) accordingly. Version 1 (without
them) is refused: a program is stored with the version its compiler wrote.

A run reads each LC as often as the code names it; the terms read in all must not exceed the
terms plus the code words (what a program whose LCs of two or more terms are each named once
reads, as the compiler writes them), so a small program cannot name one long LC from every
instruction and run for hours. A run holds 32 bytes per wire (the C kernel, more in the
Python twin); nothing is allocated from a header count before the sections it describes are
checked against the program's size, but one 20-byte ``BITS`` makes up to 253 wires and one
20-byte ``HINT`` up to 1024, so a run may hold up to about 400 (``BITS``) or 1600 (``HINT``)
times the program's size: bound a program from elsewhere with ``from_bytes(max_bytes=...)``.

Example:
    >>> b = ProgramBuilder(num_inputs=1)
    >>> x = b.lc({1: 1})
    >>> b.muladd(2, x, x, 0)            # wire 2 = x * x
    >>> b.check(b.lc({2: 1}), b.lc({0: 1}), b.lc({0: 9}))  # its index
    0
    >>> prog = b.build(num_wires=3, outputs=[0, 1, 2])
    >>> prog.run([3])
    [1, 3, 9]
    >>> prog.run([4])
    Traceback (most recent call last):
    ...
    zkp.errors.ProgramCheckFailed: witness program: check 0 is not satisfied
    >>> WitnessProgram.from_bytes(prog.to_bytes()).run([3])
    [1, 3, 9]
"""

from __future__ import annotations

import hashlib
import struct
from array import array
from typing import Any, Callable, Mapping, Sequence

from ._backend import kernels
from ._bn254_py_witness import limbs_carries, limbs_divmod, limbs_moddiv
from .errors import FormatError, MalformedInputError, ProgramCheckFailed
from .field import R, from_words, to_words

__all__ = ["ProgramBuilder", "WitnessProgram", "ProgramCheckFailed", "VERSION", "MAX_HINT_INPUTS",
           "MAX_HINT_OUTPUTS", "MAX_LIMBS", "MAX_LIMB_WIDTH", "limbs_divmod", "limbs_carries",
           "limbs_moddiv"]

MAGIC = b"ZKWP"
VERSION = 2
_HEADER = struct.Struct("<4s11I")
_OP_MULADD, _OP_DIV, _OP_ISZERO, _OP_BITS, _OP_HINT, _OP_CHECK, _OP_DIVMOD, _OP_CARRIES = 1, 2, 3, 4, 5, 6, 7, 8
_OP_MODDIV = 9
_MAX_FILE = 1 << 32
#: a ``HINT`` reads at most this many LCs and makes at most this many wires (both twins refuse more)
MAX_HINT_INPUTS, MAX_HINT_OUTPUTS = 1 << 16, 1 << 10
#: ``DIVMOD`` and ``CARRIES``: limbs of at most this many bits, at most this many limbs per operand
MAX_LIMB_WIDTH, MAX_LIMBS = 253, 1 << 8
_CHECKSUM = 32

Hint = Callable[..., Any]


class ProgramBuilder:
    """Appends instructions and LCs; ``build`` freezes them into a :class:`WitnessProgram`.
    Each instruction must make the next wires (``w`` is checked against the count)."""

    def __init__(self, num_inputs: int) -> None:
        self.num_inputs = num_inputs
        self.next_wire = num_inputs + 1
        self._coeff_index: dict[int, int] = {1: 0}
        self._coeffs: list[int] = [1]
        self._ends = array("I", [0])
        self._terms = array("I")
        self._code = array("I")
        self._hint_names: list[str] = []
        self._hint_fns: list[Hint] = []
        self._slots: dict[int, int] = {}  # id(fn) -> slot (fn is kept alive in _hint_fns)
        self._taken: set[str] = set()  # the names given so far
        self._suffix: dict[str, int] = {}  # name -> the last k tried for it
        self.num_checks = 0

    def lc(self, lc: Mapping[int, int]) -> int:
        """The index of a new LC ``{wire: coeff}`` (coefficients already reduced, non-zero)."""
        if not lc:
            return 0
        idx, terms = self._coeff_index, self._terms
        for w, k in lc.items():
            j = idx.get(k)
            if j is None:
                j = idx[k] = len(self._coeffs)
                self._coeffs.append(k)
            terms.append(w)
            terms.append(j)
        self._ends.append(len(terms) >> 1)
        return len(self._ends) - 1

    def _make(self, w: int, count: int) -> None:
        if w != self.next_wire:
            raise ValueError(f"program: expected wire {self.next_wire} next, found {w}")
        self.next_wire += count

    def muladd(self, w: int, a: int, b: int, c: int) -> None:
        self._make(w, 1)
        self._code.extend((_OP_MULADD, w, a, b, c))

    def div(self, w: int, a: int, b: int) -> None:
        self._make(w, 1)
        self._code.extend((_OP_DIV, w, a, b))

    def is_zero(self, w: int, a: int) -> None:
        self._make(w, 1)
        self._code.extend((_OP_ISZERO, w, a))

    def bits(self, w: int, a: int, n: int, linear: int) -> None:
        self._make(w, n - 1)
        self._code.extend((_OP_BITS, w, a, n, linear))

    def hint(self, w: int, name: str, fn: Hint, inputs: Sequence[int], n_out: int) -> None:
        """``HINT``: ``fn`` gets a slot the first time (its name made unique with ``#k``)."""
        if len(inputs) > MAX_HINT_INPUTS or not 1 <= n_out <= MAX_HINT_OUTPUTS:
            raise ValueError(f"program: a hint has at most {MAX_HINT_INPUTS} inputs and 1 to at most "
                             f"{MAX_HINT_OUTPUTS} outputs, found {len(inputs)} and {n_out}")
        slot = self._slots.get(id(fn))
        if slot is None:
            # the next suffix to try is kept per name, so n functions of one name cost O(n)
            unique, k = name, self._suffix.get(name, 1)
            if unique in self._taken:
                k += 1
                unique = f"{name}#{k}"
                while unique in self._taken:
                    k += 1
                    unique = f"{name}#{k}"
            self._suffix[name] = k
            self._taken.add(unique)
            slot = self._slots[id(fn)] = len(self._hint_names)
            self._hint_names.append(unique)
            self._hint_fns.append(fn)
        self._make(w, n_out)
        self._code.extend((_OP_HINT, w, slot, len(inputs), n_out))
        self._code.extend(inputs)

    def divmod_limbs(self, w: int, width: int, a: Sequence[int], b: Sequence[int], m: Sequence[int],
                     kq: int, kr: int) -> None:
        """``DIVMOD``: ``kq`` quotient and ``kr`` remainder limbs of ``A * B`` by ``M`` (LCs)."""
        self._limbs_op(_OP_DIVMOD, w, width, (a, b, m), (len(a), len(b), len(m), kq, kr), kq + kr)

    def carries(self, w: int, width: int, a: Sequence[int], b: Sequence[int], c: Sequence[int],
                d: Sequence[int], e: Sequence[int]) -> int:
        """``CARRIES`` of ``A * B - C * D - E`` (LCs); returns the number of wires made."""
        ks = (len(a), len(b), len(c), len(d), len(e))
        n = max(ks[0] + ks[1] - 1 if ks[0] and ks[1] else 0, ks[2] + ks[3] - 1 if ks[2] and ks[3] else 0, ks[4])
        self._limbs_op(_OP_CARRIES, w, width, (a, b, c, d, e), ks, n - 1)
        return n - 1

    def moddiv(self, w: int, width: int, lcs: Sequence[Sequence[int]], kq: int, kr: int) -> None:
        """``MODDIV``: ``kq`` limbs of ``Q`` then ``kr`` of ``X`` for the seven operands ``A, B,
        C, D, E, F, M`` (LCs, in that order)."""
        if len(lcs) != 7:
            raise ValueError(f"program: MODDIV expected 7 operands, found {len(lcs)}")
        self._limbs_op(_OP_MODDIV, w, width, lcs, (*(len(x) for x in lcs), kq, kr), kq + kr)

    def _limbs_op(self, op: int, w: int, width: int, lcs: Sequence[Sequence[int]], ks: Sequence[int],
                  outs: int) -> None:
        if not 1 <= width <= MAX_LIMB_WIDTH or max(ks) > MAX_LIMBS or outs < 1:
            raise ValueError(f"program: expected 1 <= width <= {MAX_LIMB_WIDTH}, at most {MAX_LIMBS} limbs "
                             f"each and an output, found width {width}, limbs {list(ks)}")
        self._make(w, outs)
        self._code.extend((op, w, width, *ks))
        for group in lcs:
            self._code.extend(group)

    def check(self, a: int, b: int, c: int) -> int:
        """Append ``CHECK a b c``; returns its index."""
        self._code.extend((_OP_CHECK, a, b, c))
        self.num_checks += 1
        return self.num_checks - 1

    def build(self, num_wires: int, outputs: Sequence[int]) -> WitnessProgram:
        if num_wires != self.next_wire:
            raise ValueError(f"program: {num_wires} wires declared, {self.next_wire} made")
        head = _HEADER.pack(MAGIC, VERSION, num_wires, self.num_inputs, len(self._coeffs),
                            len(self._ends), len(self._terms) >> 1, len(self._code), len(outputs),
                            len(self._hint_names), self.num_checks, 0)
        body = b"".join((head, to_words(self._coeffs),
                         _le(self._ends), _le(self._terms), _le(self._code),
                         _le(array("I", outputs))))
        return WitnessProgram(body, tuple(self._hint_names), tuple(self._hint_fns))


def _le(a: array) -> bytes:  # type: ignore[type-arg]
    if struct.pack("=I", 1) != struct.pack("<I", 1):
        a = array("I", a)
        a.byteswap()
    return a.tobytes()


class WitnessProgram:
    """A validated witness program (see the module docstring for the format).

    ``run(inputs)`` computes the witness; ``to_bytes`` / ``from_bytes`` store it with the
    names of its hint functions, resolved at load through ``hints`` (a mapping from name
    to function, given by the caller: a file never picks code to run)."""

    __slots__ = ("body", "hint_names", "hint_fns", "num_wires", "num_inputs", "num_outputs", "num_checks")

    def __init__(self, body: bytes, hint_names: tuple[str, ...], hint_fns: tuple[Hint, ...]) -> None:
        self.body = body
        self.hint_names = hint_names
        self.hint_fns = hint_fns
        _, _, nw, ni, _, _, _, _, nout, _, nchk, _ = _HEADER.unpack_from(body, 0)
        self.num_wires, self.num_inputs, self.num_outputs, self.num_checks = nw, ni, nout, nchk

    def run_bytes(self, inputs: bytes) -> bytes:
        """The witness (32 big-endian bytes per output) for inputs given the same way.

        Raises:
            ProgramCheckFailed: a check fails (``.check`` says which).
            MalformedInputError: the program or the inputs are malformed.
        """
        k, out = kernels.witness_run(self.body, inputs, self.hint_fns)
        if k >= 0:
            raise ProgramCheckFailed(k)
        return bytes(out)

    def run(self, inputs: Sequence[int]) -> list[int]:
        """The witness as ints (see :meth:`run_bytes`); inputs must lie in ``[0, r)``."""
        for i, v in enumerate(inputs):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
                raise MalformedInputError(f"witness program: input {i}: expected an int in [0, r), found {v!r:.80}")
        return from_words(self.run_bytes(to_words(inputs)))

    def to_bytes(self) -> bytes:
        names = [n.encode() for n in self.hint_names]
        tail = struct.pack("<I", len(names)) + b"".join(struct.pack("<H", len(n)) + n for n in names)
        data = self.body + tail
        return data + hashlib.blake2b(data, digest_size=_CHECKSUM).digest()

    @classmethod
    def from_bytes(cls, data: bytes, *, hints: Mapping[str, Hint] | None = None,
                   max_bytes: int = _MAX_FILE) -> WitnessProgram:
        """Load a stored program: size, magic, version and checksum first, then every
        structural check of a run (with no inputs computed).

        Raises:
            FormatError: truncated, of another version, edited, or naming a hint that
                ``hints`` does not provide.
        """
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise FormatError(f"witness program: expected bytes, found {type(data).__name__}")
        data = bytes(data)
        if len(data) > max_bytes:
            raise FormatError(f"witness program: expected at most {max_bytes} bytes, found {len(data)}")
        if len(data) < _HEADER.size + 4 + _CHECKSUM:
            raise FormatError(f"witness program: expected at least {_HEADER.size + 4 + _CHECKSUM} bytes, "
                              f"found {len(data)} (truncated?)")
        magic, version = data[:4], struct.unpack_from("<I", data, 4)[0]
        if magic != MAGIC:
            raise FormatError(f"witness program: expected the magic {MAGIC!r}, found {magic!r}")
        if version != VERSION:
            raise FormatError(f"witness program: expected version {VERSION}, found {version}")
        payload, digest = data[:-_CHECKSUM], data[-_CHECKSUM:]
        if hashlib.blake2b(payload, digest_size=_CHECKSUM).digest() != digest:
            raise FormatError("witness program: the checksum does not match (truncated or edited)")
        body, names = _split(payload)
        fns = []
        for name in names:
            fn = (hints or {}).get(name)
            if fn is None:
                raise FormatError(f"witness program: hint {name!r} is not provided; pass hints={{{name!r}: fn}} "
                                  "(the function the circuit's hint called)")
            fns.append(fn)
        try:
            kernels.witness_validate(body)
        except MalformedInputError as exc:
            raise FormatError(str(exc)) from exc
        return cls(body, names, tuple(fns))

    def __repr__(self) -> str:
        return (f"WitnessProgram({self.num_wires} wires, {self.num_inputs} inputs, "
                f"{self.num_checks} checks, {len(self.body)} bytes)")


def _split(payload: bytes) -> tuple[bytes, tuple[str, ...]]:
    counts = _HEADER.unpack_from(payload, 0)[2:]
    _, _, nc, nl, nt, ncode, nout = counts[:7]
    size = _HEADER.size + 32 * nc + 4 * nl + 8 * nt + 4 * ncode + 4 * nout
    if size + 4 > len(payload):
        raise FormatError(f"witness program: expected at least {size + 4} bytes for its counts, "
                          f"found {len(payload)}")
    (count,), off = struct.unpack_from("<I", payload, size), size + 4
    if count != counts[7]:
        raise FormatError(f"witness program: expected {counts[7]} hint names, found {count}")
    names = []
    for _ in range(count):
        if off + 2 > len(payload):
            raise FormatError("witness program: truncated hint names")
        (n,) = struct.unpack_from("<H", payload, off)
        raw = payload[off + 2: off + 2 + n]
        if len(raw) != n:
            raise FormatError("witness program: truncated hint names")
        try:
            names.append(raw.decode())
        except UnicodeDecodeError as exc:
            raise FormatError(f"witness program: a hint name is not UTF-8 ({exc})") from exc
        off += 2 + n
    if off != len(payload):
        raise FormatError(f"witness program: {len(payload) - off} bytes after the hint names")
    return payload[:size], tuple(names)
