"""The compiler: the engine that turns ``define`` into an R1CS and a witness program.

Each constraint goes to an :class:`~zkp.r1cs.R1CSBuilder` with the label and ``file:line``
of the call that made it; each wire gets the instruction that computes it
(:mod:`zkp.program`), and each row that is not satisfied by construction (assertions,
divisions, range checks, the caller's ``enforce``) gets a ``CHECK``. Values are never
known here (``Var.value`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from zkp.field import R
from zkp.program import ProgramBuilder
from zkp.r1cs import R1CS, R1CSBuilder

from ..api import API, Detail
from ..var import Var
from .hints import BitsHint, LimbHint, NativeHint, div, muladd, name_of

__all__ = ["Compiler", "Trace"]


@dataclass
class Trace:
    """What :mod:`circuits.lint` needs beyond the R1CS, recorded while compiling with sites:
    the wires ``hint`` made, and the results of operations whose rows constrain nothing but
    the result (``mul``, ``is_zero``, comparisons, ``select``): their wires, how many rows
    existed once each was made, what made it and where."""

    hints: list[int] = field(default_factory=list)
    results: list[tuple[tuple[int, ...], int, str, str]] = field(default_factory=list)
    sites: dict[int, str] = field(default_factory=dict)  # wire -> where it was made
    built: R1CS | None = None  # the system define built, before linear elimination
    eliminated: dict[int, dict[int, int]] = field(default_factory=dict)  # removed hint -> what it equals


class Compiler(API):
    """Builds the R1CS and the witness program (see the module docstring)."""

    def __init__(self, builder: R1CSBuilder, num_inputs: int, *, sites: bool = False) -> None:
        super().__init__()
        self.builder = builder
        self.program = ProgramBuilder(num_inputs)
        self.check_rows: list[int] = []  # the row behind each CHECK of the program
        self.unchecked_rows: list[int] = []  # rows enforced with checked=False: they hold once the checks do
        self._labels: dict[tuple[str, str, object, int], tuple[int, str]] = {}
        self.trace: Trace | None = Trace() if sites else None
        self._wire_lcs: dict[int, int] = {}
        self._one = self._lc({0: 1})

    def _new(self, bits: int | None = None, is_bool: bool = False) -> Var:
        w = self.num_wires
        self.num_wires += 1
        self.builder.new_wire()
        if self.trace is not None:
            scope = "/".join(self._scopes)
            where = self._location()[2]
            self.trace.sites[w] = f"{scope} @ {where}" if scope else where
        return Var(self, {w: 1}, None, bits, is_bool)

    def _lc(self, lc: Mapping[int, int]) -> int:
        if len(lc) == 1:  # one wire (a bit, a product) is read by many rows: one LC for all
            for w, k in lc.items():
                if k == 1:
                    i = self._wire_lcs.get(w)
                    if i is None:
                        i = self._wire_lcs[w] = self.program.lc(lc)
                    return i
        return self.program.lc(lc)

    def _input(self, value: int | None, bits: int | None, is_bool: bool) -> Var:
        return self._new(bits, is_bool)

    def _muladd(self, a: Var, b: Var, c: Var | None, op: str, bits: int | None, is_bool: bool) -> Var:
        w = self.num_wires
        self.program.muladd(w, self._lc(a.lc), self._lc(b.lc), 0 if c is None else self._lc(c.lc))
        out = self._new(bits, is_bool)
        self._row(a, b, out if c is None else out - c, op, by_construction=True)
        return out

    def _inverse(self, x: Var, op: str, checked: bool) -> Var:
        self.program.div(self.num_wires, self._one, self._lc(x.lc))
        inv = self._new()
        if checked:
            self._row(x, inv, self.constant(1), op)
        return inv

    def _is_zero_wire(self, x: Var) -> Var:
        self.program.is_zero(self.num_wires, self._lc(x.lc))
        return self._new(1, True)

    def _decompose(self, x: Var, n: int, linear: int) -> list[Var]:
        self.program.bits(self.num_wires, self._lc(x.lc), n, linear)
        bits: list[Var | None] = [None] * n
        rest = {w: c % R for w, c in x.lc.items()}
        for i in range(n):
            if i == linear:
                continue
            b = bits[i] = self._new(1, True)
            self._row(b, b, b, "to_bits", by_construction=True)
            (w,) = b.lc
            rest[w] = (rest.get(w, 0) - (1 << i)) % R
        inv = pow(1 << linear, -1, R)
        bl = Var(self, {w: c * inv % R for w, c in rest.items() if c}, None, 1, True)
        self._row(bl, bl, bl, "to_bits")
        bits[linear] = bl
        return bits  # type: ignore[return-value]

    def _hint(self, fn: Callable[..., Any], inputs: list[Var], outputs: int, bits: int | None,
              is_bool: bool) -> list[Var]:
        w = self.num_wires
        lcs = [self._lc(x.lc) for x in inputs]
        if isinstance(fn, LimbHint):
            if len(lcs) != fn.arity or outputs != fn.outputs:
                from ..errors import CircuitTypeError
                raise CircuitTypeError(f"hint {fn.name}: expected {fn.arity} inputs and {fn.outputs} outputs, "
                                       f"found {len(lcs)} and {outputs}")
            parts: list[list[int]] = []
            at = 0
            for k in fn.counts[:{"divmod_limbs": 3, "moddiv": 7}.get(fn.name, 5)]:
                parts.append(lcs[at:at + k])
                at += k
            if fn.name == "moddiv":
                self.program.moddiv(w, fn.width, parts, fn.counts[7], fn.counts[8])
            elif fn.name == "divmod_limbs":
                self.program.divmod_limbs(w, fn.width, parts[0], parts[1], parts[2], fn.counts[3], fn.counts[4])
            else:
                self.program.carries(w, fn.width, parts[0], parts[1], parts[2], parts[3], parts[4])
        elif isinstance(fn, BitsHint):
            if len(lcs) != 1 or outputs != fn.outputs:
                from ..errors import CircuitTypeError
                raise CircuitTypeError(f"hint bits: expected one input and {fn.outputs} outputs, "
                                       f"found {len(lcs)} and {outputs}")
            self.program.bits(w, lcs[0], fn.n, fn.skip)
        elif isinstance(fn, NativeHint):
            if len(lcs) != fn.arity or outputs != 1:
                from ..errors import CircuitTypeError
                raise CircuitTypeError(f"hint {fn.name}: expected {fn.arity} inputs and one output, "
                                       f"found {len(lcs)} and {outputs}")
            if fn is div:
                self.program.div(w, *lcs)
            elif fn is muladd:
                self.program.muladd(w, *lcs)
            else:
                raise NotImplementedError(f"native hint {fn.name}")
        else:
            self.program.hint(w, name_of(fn), fn, lcs, outputs)
        out = [self._new(bits, is_bool) for _ in range(outputs)]
        if self.trace is not None:
            self.trace.hints.extend(next(iter(v.lc)) for v in out)
        return out

    def _row(self, a: Var, b: Var, c: Var, op: str, detail: Detail = "", *, by_construction: bool = False) -> None:
        scope = "/".join(self._scopes)
        code, line, where = self._location()
        key = (scope, op, code, line)
        hit = self._labels.get(key)
        if hit is None:
            name = f"{scope}/{op}" if scope else op
            hit = (self.builder.label_id(f"{name} @ {where}"), name)
            self._labels[key] = hit
        self.stats[hit[1]] += 1
        row = self.builder.add(a.lc, b.lc, c.lc, hit[0])
        self._last_row = row
        self.num_constraints += 1
        if not by_construction:
            self.program.check(self._lc(a.lc), self._lc(b.lc), self._lc(c.lc))
            self.check_rows.append(row)

    def _mark_unchecked(self) -> None:
        self.unchecked_rows.append(self._last_row)

    def _record_result(self, x: Var, what: str) -> None:
        if self.trace is not None:
            wires = tuple(w for w in x.lc if w)
            if wires:
                scope = "/".join(self._scopes)
                where = self._location()[2]
                self.trace.results.append((wires, self.num_constraints, what,
                                           f"{scope} @ {where}" if scope else where))
