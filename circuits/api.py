"""The ``api`` object that ``Circuit.define`` receives.

One engine serves both passes over ``define``: while compiling it appends constraints to
an :class:`~zkp.r1cs.R1CSBuilder` (with the label and ``file:line`` of each); while
solving it computes every wire's value and checks each constraint as it is made, so a
broken one is reported where it was written, with its values.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from zkp.field import R
from zkp.r1cs import R1CS, R1CSBuilder

from .errors import CircuitDefinitionError, CircuitTypeError, UnsatisfiedConstraintError
from .var import Operand, Var

__all__ = ["API", "Trace"]

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_MAX_BITS = 253
_ONE = {0: 1}


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


class API:
    """Builds (compile) or evaluates (solve) a circuit; see the module docstring."""

    def __init__(self, *, solving: bool, builder: R1CSBuilder | None = None, sites: bool = False) -> None:
        self.solving = solving
        self.sites: dict[int, str] | None = {} if sites else None  # wire -> where it was made
        self.values: list[int] = [1]
        self.builder = builder
        self.num_wires = 1
        self.num_constraints = 0
        self._scopes: list[str] = []
        self._labels: dict[tuple[str, str, object, int], tuple[int, str]] = {}
        self._paths: dict[str, str] = {}
        self.stats: Counter[str] = Counter()
        self.trace: Trace | None = Trace() if sites else None  # for circuits.lint

    # ------------------------------------------------------------ wires and constraints

    def _wire(self, value: int | None, bits: int | None = None, is_bool: bool = False) -> Var:
        w = self.num_wires
        self.num_wires += 1
        if self.solving:
            self.values.append(value)  # type: ignore[arg-type]
        else:
            self.builder.new_wire()  # type: ignore[union-attr]
            if self.sites is not None:
                scope = "/".join(self._scopes)
                where = self._location()[2]
                self.sites[w] = f"{scope} @ {where}" if scope else where
        return Var(self, {w: 1}, value, bits, is_bool)

    def _location(self) -> tuple[object, int, str]:
        f = sys._getframe(2)
        while f is not None and f.f_code.co_filename.startswith(_PKG_DIR):
            f = f.f_back  # type: ignore[assignment]
        if f is None:
            return (None, 0, "<inputs>")
        name = f.f_code.co_filename
        path = self._paths.get(name)
        if path is None:
            try:
                path = self._paths[name] = os.path.relpath(name)
            except ValueError:
                path = self._paths[name] = name
        return (f.f_code, f.f_lineno, f"{path}:{f.f_lineno}")

    def _add(self, a: dict[int, int], b: dict[int, int], c: dict[int, int], op: str,
             vals: tuple[int, int, int] | None = None, detail: str = "") -> None:
        self.num_constraints += 1
        if self.solving:
            if vals is not None and vals[0] * vals[1] % R != vals[2]:
                raise self._unsatisfied(op, detail or f"{vals[0]} * {vals[1]} != {vals[2]}")
            return
        scope = "/".join(self._scopes)
        code, line, where = self._location()
        key = (scope, op, code, line)
        hit = self._labels.get(key)
        if hit is None:
            name = f"{scope}/{op}" if scope else op
            hit = (self.builder.label_id(f"{name} @ {where}"), name)  # type: ignore[union-attr]
            self._labels[key] = hit
        self.stats[hit[1]] += 1
        self.builder.add(a, b, c, hit[0])  # type: ignore[union-attr]

    def hint(self, value: int | None, *, bits: int | None = None, is_bool: bool = False) -> Var:
        """A new witness wire holding ``value`` (computed by the caller while solving, None
        while compiling) and constrained by nothing yet: the gadget that makes it must
        constrain it (``compile(strict=True)`` and :func:`circuits.lint` find it otherwise).
        ``value`` is the result of a field computation and is reduced modulo r (unlike a
        constant, which must already lie in ``-r < c < r``)."""
        out = self._wire(None if value is None else value % R, bits, is_bool)
        if self.trace is not None:
            self.trace.hints.append(next(iter(out.lc)))
        return out

    def _result(self, x: Var, what: str) -> Var:
        """Record ``x`` as the result of an operation whose rows constrain only that result
        (see :class:`Trace`): :mod:`circuits.lint` names it when no later row uses it."""
        if self.trace is not None and not self.solving:
            wires = tuple(w for w in x.lc if w)
            if wires:
                scope = "/".join(self._scopes)
                where = self._location()[2]
                self.trace.results.append((wires, self.num_constraints, what,
                                           f"{scope} @ {where}" if scope else where))
        return x

    def enforce(self, a: Operand, b: Operand, c: Operand, op: str = "enforce") -> None:
        """The raw rank-1 constraint ``a * b == c`` (checked at once while solving)."""
        a, b, c = self._lift(a), self._lift(b), self._lift(c)
        vals = None if a.value is None or b.value is None or c.value is None else (a.value, b.value, c.value)
        self._add(a.lc, b.lc, c.lc, op, vals)

    def _unsatisfied(self, op: str, detail: str) -> UnsatisfiedConstraintError:
        _, _, where = self._location()
        scope = "/".join(self._scopes)
        name = f"{scope}/{op}" if scope else op
        return UnsatisfiedConstraintError(f"{name} at {where} is not satisfied: {detail}",
                                          location=where, label=name)

    @contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Group the constraints made inside under ``name`` (in labels and ``stats()``)."""
        self._scopes.append(name)
        try:
            yield
        finally:
            self._scopes.pop()

    # ------------------------------------------------------------ values

    def constant(self, c: int) -> Var:
        """A constant (costs nothing): an int with ``-r < c < r``. A negative ``c`` is the
        field element ``r + c`` (``-1`` is ``r - 1``); ``c >= r`` or ``c <= -r`` is refused
        (:class:`CircuitDefinitionError`) rather than reduced, since ``r`` would silently
        become ``0``. Every int mixed with variables (``x + 5``, ``x * k``, ``x == c``,
        ``select(b, c, 0)``...) becomes a constant here."""
        if isinstance(c, bool) or not isinstance(c, int):
            raise CircuitTypeError(f"constant: expected an int, found {type(c).__name__}")
        if not -R < c < R:
            raise CircuitDefinitionError(
                f"constant: expected -r < c < r, found {c}; a constant is not reduced modulo r "
                "(reduce it yourself if that is what you mean)")
        v = c % R
        return Var(self, {0: v} if v else {}, v, v.bit_length() if v < 2**_MAX_BITS else None,
                   v in (0, 1))

    def _lift(self, x: Operand) -> Var:
        return x if isinstance(x, Var) else self.constant(x)

    @staticmethod
    def _scale(x: Var, k: int) -> Var:
        lc = {w: c * k % R for w, c in x.lc.items()} if k else {}
        val = None if x.value is None else x.value * k % R
        bits = None if x.bits is None or k >= 2**_MAX_BITS else x.bits + k.bit_length()
        return Var(x.engine, lc, val, bits, x.is_bool and k in (0, 1))

    def mul(self, a: Operand, b: Operand) -> Var:
        """``a * b``: free when one side is constant, else one constraint."""
        a, b = self._lift(a), self._lift(b)
        if a.is_constant():
            return self._scale(b, a.constant_value())
        if b.is_constant():
            return self._scale(a, b.constant_value())
        val = None if a.value is None else a.value * b.value % R  # type: ignore[operator]
        bits = None if a.bits is None or b.bits is None else a.bits + b.bits
        out = self._wire(val, bits, a.is_bool and b.is_bool)
        self._add(a.lc, b.lc, out.lc, "mul", None if val is None else (a.value, b.value, val))  # type: ignore[arg-type]
        return self._result(out, "mul")

    def div(self, a: Operand, b: Operand) -> Var:
        """``a / b`` with ``b != 0`` enforced: 2 constraints (free for a constant ``b``)."""
        a, b = self._lift(a), self._lift(b)
        if b.is_constant():
            if b.constant_value() == 0:
                raise CircuitDefinitionError("division by the constant 0")
            return self._scale(a, pow(b.constant_value(), -1, R))
        inv_val = None
        if self.solving:
            if b.value == 0:
                raise self._unsatisfied("div", "the divisor is 0")
            inv_val = pow(b.value, -1, R)  # type: ignore[arg-type]
        inv = self._wire(inv_val)
        self._add(b.lc, inv.lc, _ONE, "div", None if inv_val is None else (b.value, inv_val, 1))  # type: ignore[arg-type]
        return self.mul(a, inv)

    def is_zero(self, x: Operand) -> Var:
        """A Bool that is 1 iff ``x == 0``: 2 constraints."""
        x = self._lift(x)
        if x.is_constant():
            return self.constant(int(x.constant_value() == 0))
        inv_val = out_val = None
        if self.solving:
            inv_val = pow(x.value, -1, R) if x.value else 0
            out_val = int(x.value == 0)
        inv = self._wire(inv_val)
        out = self._wire(out_val, 1, True)
        one_minus = {0: 1, **{w: (-k) % R for w, k in out.lc.items()}}
        self._add(x.lc, inv.lc, one_minus, "is_zero",
                  None if out_val is None else (x.value, inv_val, 1 - out_val))  # type: ignore[arg-type]
        self._add(x.lc, out.lc, {}, "is_zero",
                  None if out_val is None else (x.value, out_val, 0))  # type: ignore[arg-type]
        return self._result(out, "is_zero")

    # ------------------------------------------------------------ booleans

    def require_bool(self, x: Var, op: str) -> None:
        if not x.is_bool:
            raise CircuitTypeError(f"{op} needs a Bool, found {x!r}; compare, use api.is_zero, "
                                   "or api.assert_bool first")

    def bool_op(self, op: str, a: Operand, b: Operand) -> Var:
        """``&``, ``|``, ``^`` on Bools: one constraint each (free with a constant)."""
        a, b = self._lift(a), self._lift(b)
        self.require_bool(a, op)
        self.require_bool(b, op)
        prod = self.mul(a, b)
        res = prod if op == "&" else (a + b - prod if op == "|" else a + b - prod - prod)
        res.bits, res.is_bool = 1, True
        return res

    def as_bool(self, x: Operand) -> Var:
        """``x`` constrained to 0 or 1 and typed Bool: 1 constraint."""
        x = self._lift(x)
        self.assert_bool(x)
        return Var(self, x.lc, x.value, 1, True)

    # ------------------------------------------------------------ bits and comparisons

    def to_bits(self, x: Operand, n: int) -> list[Var]:
        """The ``n`` low bits of ``x`` (little-endian), constraining ``x < 2**n``: ``n``
        constraints (bits 1..n-1 are new wires; bit 0 is the linear combination
        ``x - sum(b_i * 2**i)``, so the recomposition costs nothing, as circom's --O2
        achieves by substitution). ``n`` is at most 253, so the decomposition is unique;
        254-bit decompositions are :func:`circuits.gadgets.to_bits_strict`."""
        x = self._lift(x)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= _MAX_BITS:
            raise CircuitTypeError(f"to_bits: expected 1 <= n <= {_MAX_BITS}, found {n!r}")
        if x.is_constant():
            v = x.constant_value()
            if v >> n:
                raise CircuitDefinitionError(f"to_bits: the constant {v} does not fit in {n} bits")
            return [self.constant((v >> i) & 1) for i in range(n)]
        return self._bits(x, n)

    def _bits(self, x: Var, n: int, linear: int = 0) -> list[Var]:
        """Decompose a non-constant ``x`` into ``n`` bits (no limit on ``n``: callers check).
        Bit ``linear`` is the linear remainder ``(x - sum of the others) / 2**linear`` rather
        than a wire: pick one the caller does not use (a carry) to keep later rows sparse."""
        if self.solving and x.value >> n:  # type: ignore[operator]
            raise self._unsatisfied("to_bits", f"value {x.value} does not fit in {n} bits")
        bits: list[Var | None] = [None] * n
        rest = {w: c % R for w, c in x.lc.items()}
        for i in range(n):
            if i == linear:
                continue
            bv = None if x.value is None else (x.value >> i) & 1
            b = self._wire(bv, 1, True)
            self._add(b.lc, b.lc, b.lc, "to_bits", None if bv is None else (bv, bv, bv))
            bits[i] = b
            (w,) = b.lc
            rest[w] = (rest.get(w, 0) - (1 << i)) % R
        inv = pow(1 << linear, -1, R)
        lc = {w: c * inv % R for w, c in rest.items() if c}
        bl = Var(self, lc, None if x.value is None else (x.value >> linear) & 1, 1, True)
        self._add(bl.lc, bl.lc, bl.lc, "to_bits", None if bl.value is None else (bl.value,) * 3)
        bits[linear] = bl
        return bits  # type: ignore[return-value]

    def from_bits(self, bits: Sequence[Var]) -> Var:
        """``sum(bits[i] * 2**i)`` (free); every element must be a Bool, and there are at
        most 253 of them. From 254 bits on ``2**n`` exceeds r, so two bit patterns (``x``
        and ``x + r``) give one field element: :func:`circuits.gadgets.from_bits` (strict
        from 254 bits) adds the check that the bits encode an integer below r."""
        if len(bits) > _MAX_BITS:
            raise CircuitTypeError(
                f"from_bits of {len(bits)} bits refused: at most {_MAX_BITS} (2^{len(bits)} exceeds r, so "
                "x and x + r would both fit); use circuits.gadgets.from_bits, strict from 254 bits")
        return self._pack(bits)

    def _pack(self, bits: Sequence[Operand]) -> Var:
        """``sum(bits[i] * 2**i) mod r`` for Bools, with no limit on their number: the
        caller makes the packing injective (see :meth:`from_bits`)."""
        acc = self.constant(0)
        for i, b in enumerate(bits):
            b = self._lift(b)
            self.require_bool(b, "from_bits")
            acc = acc + self._scale(b, pow(2, i, R))
        acc.bits = len(bits) if len(bits) <= _MAX_BITS else None
        return acc

    def as_uint(self, x: Operand, n: int) -> Var:
        """``x`` range-checked to ``n`` bits and typed ``UInt[n]``: n constraints."""
        x = self._lift(x)
        with self.scope("as_uint"):
            self.to_bits(x, n)
        return Var(self, x.lc, x.value, n, n == 1)

    def less_than(self, a: Operand, b: Operand) -> Var:
        """A Bool, 1 iff ``a < b``; both need known widths (UInt types) of at most 252 bits:
        ``n + 1`` constraints for ``n``-bit operands."""
        a, b = self._lift(a), self._lift(b)
        if a.bits is None or b.bits is None:
            raise CircuitTypeError(
                f"comparison needs operands of known bit width (UInt[n] or Bool), found {a!r} "
                f"and {b!r}; range-check a Field with api.as_uint(x, n)")
        n = max(a.bits, b.bits, 1)
        if n > _MAX_BITS - 1:
            raise CircuitTypeError(f"comparison wider than {_MAX_BITS - 1} bits refused ({n} bits)")
        if a.is_constant() and b.is_constant():
            return self.constant(int(a.constant_value() < b.constant_value()))
        with self.scope("cmp"):
            bits = self.to_bits(a - b + (1 << n), n + 1)
        return self._result(~bits[n], "comparison")

    # ------------------------------------------------------------ selection and assertions

    def select(self, cond: Operand, a: Operand, b: Operand) -> Var:
        """``a if cond else b`` for a Bool ``cond``: one constraint (free when ``cond`` is
        constant, or ``a`` and ``b`` both are)."""
        cond, a, b = self._lift(cond), self._lift(a), self._lift(b)
        self.require_bool(cond, "select")
        if cond.is_constant():
            return a if cond.constant_value() else b
        if a.is_constant() and b.is_constant():  # b + cond * (a - b): linear, free
            out_c = b + self._scale(cond, (a.constant_value() - b.constant_value()) % R)
            out_c.bits = None if a.bits is None or b.bits is None else max(a.bits, b.bits)
            out_c.is_bool = a.is_bool and b.is_bool
            return out_c
        val = None if cond.value is None else (a.value if cond.value else b.value)
        bits = None if a.bits is None or b.bits is None else max(a.bits, b.bits)
        out = self._wire(val, bits, a.is_bool and b.is_bool)
        d = a - b
        self._add(cond.lc, d.lc, (out - b).lc, "select",
                  None if val is None else (cond.value, d.value, (val - b.value) % R))  # type: ignore[arg-type,operator]
        return self._result(out, "select")

    def assert_equal(self, a: Operand, b: Operand) -> None:
        """Constrain ``a == b``: one constraint (checked at once for constants)."""
        a, b = self._lift(a), self._lift(b)
        d = a - b
        if d.is_constant():
            if d.constant_value():
                raise CircuitDefinitionError(
                    f"assert_equal of two different constants: {a.constant_value()} != "
                    f"{b.constant_value()}")
            return
        self._add(d.lc, _ONE, {}, "assert_equal",
                  None if d.value is None else (d.value, 1, 0),
                  f"left = {a.value}, right = {b.value}")

    def assert_true(self, x: Operand) -> None:
        """Constrain a Bool to be 1: one constraint."""
        x = self._lift(x)
        self.require_bool(x, "assert_true")
        if x.is_constant():
            if x.constant_value() != 1:
                raise CircuitDefinitionError("assert_true of the constant false")
            return
        self._add((x - 1).lc, _ONE, {}, "assert_true",
                  None if x.value is None else ((x.value - 1) % R, 1, 0), "the condition is false")

    def assert_bool(self, x: Operand) -> None:
        """Constrain ``x`` to 0 or 1: one constraint."""
        x = self._lift(x)
        if x.is_constant():
            if x.constant_value() not in (0, 1):
                raise CircuitDefinitionError(f"assert_bool of the constant {x.constant_value()}")
            return
        self._add(x.lc, x.lc, x.lc, "assert_bool",
                  None if x.value is None else (x.value, x.value, x.value),
                  f"value {x.value} is not 0 or 1")

    def assert_not_equal(self, a: Operand, b: Operand) -> None:
        """Constrain ``a != b``: two constraints (an inverse of the difference exists)."""
        self.div(1, self._lift(a) - self._lift(b))
