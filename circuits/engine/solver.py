"""The solver: the engine that computes every wire's value as ``define`` runs (values are
never None here) and checks each constraint when it is made, so a broken one is reported
where it was written, with its values. ``CompiledCircuit.solve`` runs the witness program
instead; this engine is its debug mode (``solve(..., debug=True)``), and what names the
failing line when the program's check fails.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from zkp.field import R

from ..api import API, Detail
from ..errors import CircuitDefinitionError
from ..var import Var
from .hints import NativeHint

__all__ = ["Solver"]


def _v(x: Var) -> int:
    v = x.value
    if v is None:  # a Var of the compiler reached the solver
        raise CircuitDefinitionError(f"{x!r} has no value: it was made by another engine")
    return v


class Solver(API):
    """Computes values (see the module docstring); ``values[w]`` is wire ``w``'s value."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[int] = [1]

    def _new(self, value: int, bits: int | None = None, is_bool: bool = False) -> Var:
        w = self.num_wires
        self.num_wires += 1
        self.values.append(value)
        return Var(self, {w: 1}, value, bits, is_bool)

    def _input(self, value: int | None, bits: int | None, is_bool: bool) -> Var:
        if value is None:
            raise CircuitDefinitionError("solver: an input has no value")
        return self._new(value, bits, is_bool)

    def _muladd(self, a: Var, b: Var, c: Var | None, op: str, bits: int | None, is_bool: bool) -> Var:
        out = self._new((_v(a) * _v(b) + (0 if c is None else _v(c))) % R, bits, is_bool)
        self.num_constraints += 1
        return out

    def _inverse(self, x: Var, op: str, checked: bool) -> Var:
        v = _v(x)
        if checked and v == 0:
            self.num_constraints += 1
            raise self._unsatisfied(op, "the divisor is 0")
        inv = self._new(pow(v, -1, R) if v else 0)
        if checked:
            self.num_constraints += 1
        return inv

    def _is_zero_wire(self, x: Var) -> Var:
        return self._new(int(_v(x) == 0), 1, True)

    def _decompose(self, x: Var, n: int, linear: int) -> list[Var]:
        v = _v(x)
        if v >> n:
            raise self._unsatisfied("to_bits", f"value {v} does not fit in {n} bits")
        bits: list[Var] = []
        for i in range(n):
            if i == linear:
                bits.append(Var(self, {}, 0, 1, True))  # replaced below
                continue
            bits.append(self._new((v >> i) & 1, 1, True))
        rest = self.lincomb([(x, 1)] + [(b, -(1 << i)) for i, b in enumerate(bits) if i != linear])
        bits[linear] = API.typed(self.scale(rest, pow(1 << linear, -1, R)), 1, True)
        self.num_constraints += n
        return bits

    def _hint(self, fn: Callable[..., Any], inputs: list[Var], outputs: int, bits: int | None,
              is_bool: bool) -> list[Var]:
        vals = [_v(x) for x in inputs]
        got: Any = fn.python(*vals) if isinstance(fn, NativeHint) else fn(*vals)
        # read as the witness program reads it (zkp/_bn254_py_witness.py): a list or tuple once,
        # by iteration; each int by its own value (no method of an int subclass called)
        listy = isinstance(got, (list, tuple))
        items: list[Any] = list(got) if listy else [got]
        if ((len(items) != outputs) if listy else (outputs != 1)) or \
                any(isinstance(v, bool) or not isinstance(v, int) for v in items):
            raise CircuitDefinitionError(f"hint {getattr(fn, '__name__', fn)!r}: expected {outputs} int(s), "
                                         f"found {got!r:.80}")
        return [self._new(operator.index(v) % R, bits, is_bool) for v in items]

    def _row(self, a: Var, b: Var, c: Var, op: str, detail: Detail = "", *, by_construction: bool = False) -> None:
        self.num_constraints += 1
        va, vb, vc = _v(a), _v(b), _v(c)
        if va * vb % R != vc:
            raise self._unsatisfied(op, detail or f"{va} * {vb} != {vc}")
