"""Circuit variables: linear combinations of wires with Python operators.

A :class:`Var` is a linear combination ``{wire: coeff}`` (wire 0 is the constant one),
its value while solving, and what is known of its range: ``bits`` (an upper bound on its
bit width, from the declared types) and ``is_bool``. Linear operations cost no
constraint; ``*`` of two non-constants, ``/``, comparisons and boolean operators add
constraints through the engine.

Python control flow on a variable is refused (``bool(var)`` raises TypeError): the same
``define`` must build the same constraints whatever the values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union

from zkp.field import R

from .errors import CircuitTypeError

if TYPE_CHECKING:
    from .api import API as Engine

__all__ = ["Var", "Operand"]

Operand = Union["Var", int]
_MAX_BITS = 253


def _bits_of_const(c: int) -> int | None:
    return c.bit_length() if c < 2**_MAX_BITS else None


class Var:
    """A variable of a circuit (see the module docstring)."""

    __slots__ = ("lc", "value", "bits", "is_bool", "engine")
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, engine: Engine, lc: dict[int, int], value: int | None,
                 bits: int | None = None, is_bool: bool = False) -> None:
        self.engine = engine
        self.lc = lc
        self.value = value
        self.bits = bits if bits is None or bits <= _MAX_BITS else None
        self.is_bool = is_bool

    # ------------------------------------------------------------ helpers

    def is_constant(self) -> bool:
        lc = self.lc
        return not lc or (len(lc) == 1 and 0 in lc)

    def constant_value(self) -> int:
        return self.lc.get(0, 0)

    def _lift(self, other: Operand) -> Var:
        if isinstance(other, Var):
            if other.engine is not self.engine:
                raise CircuitTypeError("variables of two different circuits cannot be mixed")
            return other
        if isinstance(other, bool) or not isinstance(other, int):
            raise CircuitTypeError(f"expected a circuit variable or an int, found {type(other).__name__}")
        return self.engine.constant(other)

    # ------------------------------------------------------------ linear (free)

    def __add__(self, other: Operand) -> Var:
        o = self._lift(other)
        a, b = (self.lc, o.lc) if len(self.lc) >= len(o.lc) else (o.lc, self.lc)
        lc = a.copy()  # the larger side copied once; the smaller one merged in
        for w, k in b.items():
            v = lc.get(w)
            if v is None:
                lc[w] = k
            else:
                v = (v + k) % R
                if v:
                    lc[w] = v
                else:
                    del lc[w]
        bits = None if self.bits is None or o.bits is None else max(self.bits, o.bits) + 1
        val = None if self.value is None or o.value is None else (self.value + o.value) % R
        return Var(self.engine, lc, val, bits)

    __radd__ = __add__

    def __neg__(self) -> Var:
        val = None if self.value is None else (-self.value) % R
        return Var(self.engine, {w: (-k) % R for w, k in self.lc.items()}, val)

    def __sub__(self, other: Operand) -> Var:
        return self + (-self._lift(other))

    def __rsub__(self, other: Operand) -> Var:
        return self._lift(other) + (-self)

    # ------------------------------------------------------------ non-linear

    def __mul__(self, other: Operand) -> Var:
        return self.engine.mul(self, self._lift(other))

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Var:
        return self.engine.div(self, self._lift(other))

    def __rtruediv__(self, other: Operand) -> Var:
        return self.engine.div(self._lift(other), self)

    def __eq__(self, other: Operand) -> Var:  # type: ignore[override]
        return self.engine.is_zero(self - self._lift(other))

    def __ne__(self, other: Operand) -> Var:  # type: ignore[override]
        return ~(self == other)

    def __lt__(self, other: Operand) -> Var:
        return self.engine.less_than(self, self._lift(other))

    def __gt__(self, other: Operand) -> Var:
        return self.engine.less_than(self._lift(other), self)

    def __le__(self, other: Operand) -> Var:
        return ~self.engine.less_than(self._lift(other), self)

    def __ge__(self, other: Operand) -> Var:
        return ~self.engine.less_than(self, self._lift(other))

    # ------------------------------------------------------------ boolean

    def __invert__(self) -> Var:
        self.engine.require_bool(self, "~")
        val = None if self.value is None else 1 - self.value
        return Var(self.engine, (self.engine.constant(1) - self).lc, val, 1, True)

    def __and__(self, other: Operand) -> Var:
        return self.engine.bool_op("&", self, self._lift(other))

    def __or__(self, other: Operand) -> Var:
        return self.engine.bool_op("|", self, self._lift(other))

    def __xor__(self, other: Operand) -> Var:
        return self.engine.bool_op("^", self, self._lift(other))

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    # ------------------------------------------------------------ refused

    def __bool__(self) -> bool:
        raise CircuitTypeError(
            "a circuit variable has no truth value while the circuit is built; use "
            "api.select(cond, a, b) instead of if/else, and api.assert_true for checks")

    def __index__(self) -> int:
        raise CircuitTypeError("a circuit variable cannot be used as a Python int")

    __int__ = __index__

    def __repr__(self) -> str:
        kind = "Bool" if self.is_bool else (f"UInt[{self.bits}]" if self.bits else "Field")
        if self.is_constant():
            return f"Var({kind} constant {self.constant_value()})"
        shown = " + ".join(f"{k}*w{w}" if k != 1 else f"w{w}" for w, k in list(self.lc.items())[:3])
        more = " + ..." if len(self.lc) > 3 else ""
        val = "" if self.value is None else f" = {self.value}"
        return f"Var({kind} {shown}{more}{val})"


def value_of(x: Any) -> Any:
    """The value of a variable while solving (None while compiling)."""
    return x.value if isinstance(x, Var) else x
