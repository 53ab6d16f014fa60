"""The public protocol that ``Circuit.define`` and every gadget see: the ``api`` object.

Two engines implement it (:mod:`circuits.engine`): the compiler, which appends each
constraint to the R1CS (with the label and ``file:line`` of the call) and writes the
witness program that computes each wire; and the solver, the debug mode, which computes
values as ``define`` runs and reports a broken constraint where it was written, with its
values. What both share is here: constant folding, the types (``Bool``, ``UInt[n]``) and
what each operation costs. Gadgets call only the public methods below; values computed
outside the constraints come from :meth:`API.hint`, whose outputs the caller constrains.

Example:
    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.engine import hints
    >>> class Inverse(Circuit):
    ...     x: Secret[Field]
    ...     y: Public[Field]
    ...     def define(self, api):
    ...         inv = api.hint(hints.div, 1, self.x)      # computed, not constrained...
    ...         api.enforce(inv, self.x, 1)                # ...until the caller says so
    ...         api.assert_equal(inv, self.y)
    >>> compile(Inverse).solve(Inverse(x=2, y=pow(2, -1, R))).public == [pow(2, -1, R)]
    True
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence, overload

from zkp.field import R
from zkp.program import MAX_HINT_INPUTS, MAX_HINT_OUTPUTS

from .errors import CircuitDefinitionError, CircuitTypeError, UnsatisfiedConstraintError
from .var import Operand, Var

__all__ = ["API", "Detail", "MAX_BITS"]

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
MAX_BITS = 253
_ONE = {0: 1}

#: what a broken constraint's message says: a string, or a function of the solver's values
Detail = str | Callable[[], str]


class API:
    """The protocol of circuit construction (see the module docstring). Not instantiated
    directly: :class:`circuits.engine.Compiler` and :class:`circuits.engine.Solver` are
    the two engines."""

    def __init__(self) -> None:
        self.num_wires = 1
        self.num_constraints = 0
        self._scopes: list[str] = []
        self._paths: dict[str, str] = {}
        self.stats: Counter[str] = Counter()

    # ------------------------------------------------------------ what each engine does

    def _input(self, value: int | None, bits: int | None, is_bool: bool) -> Var:
        raise NotImplementedError

    def _muladd(self, a: Var, b: Var, c: Var | None, op: str, bits: int | None, is_bool: bool) -> Var:
        """A new wire ``a * b + c`` and its row ``a * b = out - c`` (satisfied by construction;
        ``c`` None is 0)."""
        raise NotImplementedError

    def _inverse(self, x: Var, op: str, checked: bool) -> Var:
        """A new wire ``1 / x`` (0 for ``x = 0``); ``checked``: with the row ``x * inv = 1``."""
        raise NotImplementedError

    def _is_zero_wire(self, x: Var) -> Var:
        """A new wire, 1 iff ``x == 0`` (its rows are the caller's)."""
        raise NotImplementedError

    def _decompose(self, x: Var, n: int, linear: int) -> list[Var]:
        raise NotImplementedError

    def _hint(self, fn: Callable[..., Any], inputs: list[Var], outputs: int, bits: int | None,
              is_bool: bool) -> list[Var]:
        raise NotImplementedError

    def _row(self, a: Var, b: Var, c: Var, op: str, detail: Detail = "", *, by_construction: bool = False) -> None:
        """The constraint ``a * b = c`` (``by_construction``: the wires were made to satisfy it)."""
        raise NotImplementedError

    def _mark_unchecked(self) -> None:
        """The row just made was enforced with ``checked=False`` (the compiler lists them)."""

    def _record_result(self, x: Var, what: str) -> None:
        """Note a result whose rows constrain only it (the compiler's lint trace)."""

    # ------------------------------------------------------------ locations and scopes

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

    def _unsatisfied(self, op: str, detail: Detail) -> UnsatisfiedConstraintError:
        _, _, where = self._location()
        scope = "/".join(self._scopes)
        name = f"{scope}/{op}" if scope else op
        text = detail() if callable(detail) else detail
        return UnsatisfiedConstraintError(f"{name} at {where} is not satisfied: {text}",
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

    def lift(self, x: Operand) -> Var:
        """``x`` as a variable: a Var unchanged, an int as a :meth:`constant`."""
        if isinstance(x, Var):
            if x.engine is not self:
                raise CircuitTypeError("variables of two different circuits cannot be mixed")
            return x
        return self.constant(x)

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
        return Var(self, {0: v} if v else {}, v, v.bit_length() if v < 2**MAX_BITS else None,
                   v in (0, 1))

    def scale(self, x: Operand, k: int) -> Var:
        """``x * k`` for a constant ``k`` (free)."""
        x = self.lift(x)
        k %= R
        lc = {w: c * k % R for w, c in x.lc.items()} if k else {}
        val = None if x.value is None else x.value * k % R
        bits = None if x.bits is None or k >= 2**MAX_BITS else x.bits + k.bit_length()
        return Var(self, lc, val, bits, x.is_bool and k in (0, 1))

    def lincomb(self, terms: Sequence[tuple[Operand, int]], constant: int = 0) -> Var:
        """``constant + sum(k * x for x, k in terms)`` in one pass (free; ``x + y`` on long
        sums copies the combination at every step). The result is a Field (no width)."""
        lc: dict[int, int] = {}
        val: int | None = 0
        for x, k in [*terms, (self.constant(constant), 1)]:
            x = self.lift(x)
            k %= R
            for w, c in x.lc.items():
                lc[w] = (lc.get(w, 0) + c * k) % R
            val = None if val is None or x.value is None else (val + x.value * k) % R
        return Var(self, {w: c for w, c in lc.items() if c}, val)

    def enforce(self, a: Operand, b: Operand, c: Operand, op: str = "enforce", *, detail: str = "",
                checked: bool = True) -> None:
        """The raw rank-1 constraint ``a * b == c``, labelled ``op``, checked when solving;
        ``checked=False`` when the caller's hints satisfy it whenever the rows before it
        hold (a gadget's row per bit: the witness program then skips the check, and the
        row is in the system all the same)."""
        a, b, c = self.lift(a), self.lift(b), self.lift(c)
        self._row(a, b, c, op, detail or (lambda: f"{a.value} * {b.value} != {c.value}"), by_construction=not checked)
        if not checked:
            self._mark_unchecked()

    @overload
    def hint(self, fn: Callable[..., Any], *inputs: Operand, bits: int | None = ...,
             is_bool: bool = ...) -> Var: ...
    @overload
    def hint(self, fn: Callable[..., Any], *inputs: Operand, outputs: int, bits: int | None = ...,
             is_bool: bool = ...) -> list[Var]: ...

    def hint(self, fn: Callable[..., Any], *inputs: Operand, outputs: int | None = None,
             bits: int | None = None, is_bool: bool = False) -> Var | list[Var]:
        """New witness wires holding ``fn(*values of inputs)``, constrained by nothing yet:
        the caller must constrain them (``compile(strict=True)`` and :func:`circuits.lint`
        find it otherwise). ``fn`` is a native hint of :mod:`circuits.engine.hints` (run
        in the witness program's kernel) or a Python function of ints returning an int
        (or ``outputs`` ints), reduced modulo r; register it with
        :func:`circuits.engine.hints.named` to store the program in a file.
        ``bits``/``is_bool`` type the outputs (the caller's constraints must make it so)."""
        if not callable(fn):
            raise CircuitTypeError(f"hint: expected a function (see circuits.engine.hints), found {fn!r:.60}")
        n = 1 if outputs is None else outputs
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise CircuitTypeError(f"hint: expected outputs >= 1, found {outputs!r}")
        if n > MAX_HINT_OUTPUTS or len(inputs) > MAX_HINT_INPUTS:  # the witness program's limits
            what, limit, found = (("outputs", MAX_HINT_OUTPUTS, n) if n > MAX_HINT_OUTPUTS
                                  else ("inputs", MAX_HINT_INPUTS, len(inputs)))
            raise CircuitTypeError(f"hint: expected at most {limit} {what} (the witness program's limit), "
                                   f"found {found}; split the hint")
        out = self._hint(fn, [self.lift(x) for x in inputs], n, bits, is_bool)
        return out[0] if outputs is None else out

    def result(self, x: Var, what: str) -> Var:
        """Mark ``x`` as the result of an operation whose rows constrain nothing but ``x``
        (a comparison, ``is_zero``): :func:`circuits.lint` names it when no later row uses
        it (a check computed and dropped). Returns ``x``."""
        self._record_result(x, what)
        return x

    def mul(self, a: Operand, b: Operand) -> Var:
        """``a * b``: free when one side is constant, else one constraint."""
        a, b = self.lift(a), self.lift(b)
        if a.is_constant():
            return self.scale(b, a.constant_value())
        if b.is_constant():
            return self.scale(a, b.constant_value())
        bits = None if a.bits is None or b.bits is None else a.bits + b.bits
        out = self._muladd(a, b, None, "mul", bits, a.is_bool and b.is_bool)
        return self.result(out, "mul")

    def div(self, a: Operand, b: Operand) -> Var:
        """``a / b`` with ``b != 0`` enforced: 2 constraints (free for a constant ``b``)."""
        a, b = self.lift(a), self.lift(b)
        if b.is_constant():
            if b.constant_value() == 0:
                raise CircuitDefinitionError("division by the constant 0")
            return self.scale(a, pow(b.constant_value(), -1, R))
        return self.mul(a, self._inverse(b, "div", True))

    def is_zero(self, x: Operand) -> Var:
        """A Bool that is 1 iff ``x == 0``: 2 constraints."""
        x = self.lift(x)
        if x.is_constant():
            return self.constant(int(x.constant_value() == 0))
        inv = self._inverse(x, "is_zero", False)
        out = self._is_zero_wire(x)
        self._row(x, inv, 1 - out, "is_zero", by_construction=True)
        self._row(x, out, self.constant(0), "is_zero", by_construction=True)
        return self.result(out, "is_zero")

    # ------------------------------------------------------------ booleans

    def require_bool(self, x: Var, op: str) -> None:
        """Raise :class:`CircuitTypeError` unless ``x`` is typed Bool."""
        if not x.is_bool:
            raise CircuitTypeError(f"{op} needs a Bool, found {x!r}; compare, use api.is_zero, "
                                   "or api.assert_bool first")

    def bool_op(self, op: str, a: Operand, b: Operand) -> Var:
        """``&``, ``|``, ``^`` on Bools: one constraint each (free with a constant)."""
        a, b = self.lift(a), self.lift(b)
        self.require_bool(a, op)
        self.require_bool(b, op)
        prod = self.mul(a, b)
        res = prod if op == "&" else (a + b - prod if op == "|" else a + b - prod - prod)
        return self.typed(res, 1, True)

    @staticmethod
    def typed(x: Var, bits: int | None, is_bool: bool = False) -> Var:
        """``x`` typed ``UInt[bits]`` (or Bool) with no constraint: only for a value the
        caller's constraints already bound (an unchecked claim otherwise)."""
        return Var(x.engine, x.lc, x.value, bits, is_bool)

    def as_bool(self, x: Operand) -> Var:
        """``x`` constrained to 0 or 1 and typed Bool: 1 constraint."""
        x = self.lift(x)
        self.assert_bool(x)
        return self.typed(x, 1, True)

    # ------------------------------------------------------------ bits and comparisons

    def to_bits(self, x: Operand, n: int) -> list[Var]:
        """The ``n`` low bits of ``x`` (little-endian), constraining ``x < 2**n``: ``n``
        constraints (bits 1..n-1 are new wires; bit 0 is the linear combination
        ``x - sum(b_i * 2**i)``, so the recomposition costs nothing, as circom's --O2
        achieves by substitution). ``n`` is at most 253, so the decomposition is unique;
        254-bit decompositions are :func:`circuits.gadgets.to_bits_strict`."""
        x = self.lift(x)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_BITS:
            raise CircuitTypeError(f"to_bits: expected 1 <= n <= {MAX_BITS}, found {n!r}")
        if x.is_constant():
            v = x.constant_value()
            if v >> n:
                raise CircuitDefinitionError(f"to_bits: the constant {v} does not fit in {n} bits")
            return [self.constant((v >> i) & 1) for i in range(n)]
        return self._decompose(x, n, 0)

    def decompose_unchecked(self, x: Operand, n: int, *, linear: int = 0) -> list[Var]:
        """``n`` bits of a non-constant ``x`` with no limit on ``n`` up to 254: from 254 bits
        the caller makes the decomposition unique (``x`` and ``x + r``). Bit ``linear`` is
        the linear rest ``(x - sum of the others) / 2**linear`` rather than a wire: pick one
        the caller does not use (a carry) to keep later rows sparse. ``n`` constraints."""
        x = self.lift(x)
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_BITS + 1 or not 0 <= linear < n:
            raise CircuitTypeError(f"decompose_unchecked: expected 1 <= n <= {MAX_BITS + 1} and "
                                   f"0 <= linear < n, found {n!r}, {linear!r}")
        if x.is_constant():
            raise CircuitTypeError("decompose_unchecked: expected a variable, found a constant (use to_bits)")
        return self._decompose(x, n, linear)

    def from_bits(self, bits: Sequence[Operand]) -> Var:
        """``sum(bits[i] * 2**i)`` (free); every element must be a Bool, and there are at
        most 253 of them. From 254 bits on ``2**n`` exceeds r, so two bit patterns (``x``
        and ``x + r``) give one field element: :func:`circuits.gadgets.from_bits` (strict
        from 254 bits) adds the check that the bits encode an integer below r."""
        if len(bits) > MAX_BITS:
            raise CircuitTypeError(
                f"from_bits of {len(bits)} bits refused: at most {MAX_BITS} (2^{len(bits)} exceeds r, so "
                "x and x + r would both fit); use circuits.gadgets.from_bits, strict from 254 bits")
        return self.pack_unchecked(bits)

    def pack_unchecked(self, bits: Sequence[Operand]) -> Var:
        """``sum(bits[i] * 2**i) mod r`` for Bools, with no limit on their number: the
        caller makes the packing injective (see :meth:`from_bits`). Free."""
        vs = [self.lift(b) for b in bits]
        for b in vs:
            self.require_bool(b, "from_bits")
        if not vs:
            return self.constant(0)
        acc = self.lincomb([(b, pow(2, i, R)) for i, b in enumerate(vs)])
        return self.typed(acc, len(vs) if len(vs) <= MAX_BITS else None, len(vs) == 1)

    def as_uint(self, x: Operand, n: int) -> Var:
        """``x`` range-checked to ``n`` bits and typed ``UInt[n]``: n constraints."""
        x = self.lift(x)
        with self.scope("as_uint"):
            self.to_bits(x, n)
        return self.typed(x, n, n == 1)

    def less_than(self, a: Operand, b: Operand) -> Var:
        """A Bool, 1 iff ``a < b``; both need known widths (UInt types) of at most 252 bits:
        ``n + 1`` constraints for ``n``-bit operands."""
        a, b = self.lift(a), self.lift(b)
        if a.bits is None or b.bits is None:
            raise CircuitTypeError(
                f"comparison needs operands of known bit width (UInt[n] or Bool), found {a!r} "
                f"and {b!r}; range-check a Field with api.as_uint(x, n)")
        n = max(a.bits, b.bits, 1)
        if n > MAX_BITS - 1:
            raise CircuitTypeError(f"comparison wider than {MAX_BITS - 1} bits refused ({n} bits)")
        if a.is_constant() and b.is_constant():
            return self.constant(int(a.constant_value() < b.constant_value()))
        with self.scope("cmp"):
            bits = self.to_bits(a - b + (1 << n), n + 1)
        return self.result(~bits[n], "comparison")

    # ------------------------------------------------------------ selection and assertions

    def select(self, cond: Operand, a: Operand, b: Operand) -> Var:
        """``a if cond else b`` for a Bool ``cond``: one constraint (free when ``cond`` is
        constant, or ``a`` and ``b`` both are)."""
        cond, a, b = self.lift(cond), self.lift(a), self.lift(b)
        self.require_bool(cond, "select")
        if cond.is_constant():
            return a if cond.constant_value() else b
        bits = None if a.bits is None or b.bits is None else max(a.bits, b.bits)
        if a.is_constant() and b.is_constant():  # b + cond * (a - b): linear, free
            out_c = b + self.scale(cond, (a.constant_value() - b.constant_value()) % R)
            return self.typed(out_c, bits, a.is_bool and b.is_bool)
        out = self._muladd(cond, a - b, b, "select", bits, a.is_bool and b.is_bool)
        return self.result(out, "select")

    def assert_equal(self, a: Operand, b: Operand) -> None:
        """Constrain ``a == b``: one constraint (checked at once for constants)."""
        a, b = self.lift(a), self.lift(b)
        d = a - b
        if d.is_constant():
            if d.constant_value():
                raise CircuitDefinitionError(
                    f"assert_equal of two different constants: {a.constant_value()} != "
                    f"{b.constant_value()}")
            return
        self._row(d, self.constant(1), self.constant(0), "assert_equal",
                  lambda: f"left = {a.value}, right = {b.value}")

    def assert_true(self, x: Operand) -> None:
        """Constrain a Bool to be 1: one constraint."""
        x = self.lift(x)
        self.require_bool(x, "assert_true")
        if x.is_constant():
            if x.constant_value() != 1:
                raise CircuitDefinitionError("assert_true of the constant false")
            return
        self._row(x - 1, self.constant(1), self.constant(0), "assert_true", "the condition is false")

    def assert_bool(self, x: Operand) -> None:
        """Constrain ``x`` to 0 or 1: one constraint."""
        x = self.lift(x)
        if x.is_constant():
            if x.constant_value() not in (0, 1):
                raise CircuitDefinitionError(f"assert_bool of the constant {x.constant_value()}")
            return
        self._row(x, x, x, "assert_bool", lambda: f"value {x.value} is not 0 or 1")

    def assert_not_equal(self, a: Operand, b: Operand) -> None:
        """Constrain ``a != b``: two constraints (an inverse of the difference exists)."""
        self.div(1, self.lift(a) - self.lift(b))
