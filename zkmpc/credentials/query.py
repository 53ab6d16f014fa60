"""Queries over one slot: the operators, their native meaning and their circuit.

Operators and their codes (iden3's codes, so requests read the same): ``eq`` 1, ``lt`` 2,
``gt`` 3, ``in`` 4, ``nin`` 5, ``ne`` 6, ``le`` 7, ``ge`` 8, ``between`` 9.
A query carries up to :data:`MAX_VALUES` values: one for eq, ne, lt, le, gt, ge; two
(``low, high``, both inclusive) for between; 1 to 10 for in and nin. The public signals
always hold ten: :meth:`Query.padded` repeats the last value for in/nin (a set is
unchanged by a repeat) and pads with 0 otherwise.

Ordered operators (lt, le, gt, ge, between) read the slot and the values as unsigned
integers of ``width`` bits (64 by default, at most 252): a slot or value at ``2**width`` or
above makes every ordered query unprovable (refused, never wrapped). eq, ne, in and nin
compare field elements.

    >>> q = Query(slot=0, op="between", values=(18, 65))
    >>> q.holds(18), q.holds(65), q.holds(66), q.padded()[:3]
    (True, True, False, (18, 65, 0))
    >>> Query(slot=1, op="in", values=(250, 276)).padded()[:4]
    (250, 276, 276, 276)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Sequence

from circuits import API, Var
from circuits.gadgets import is_equal, is_in, is_lt, mux

from ..errors import CredentialFormatError
from .claim import SLOTS, field_element

__all__ = ["Op", "Query", "MAX_VALUES", "DEFAULT_WIDTH", "ORDERED", "query_holds", "select_slot"]

#: values a query holds in its public signals
MAX_VALUES = 10
#: default width (bits) of ordered comparisons
DEFAULT_WIDTH = 64


class Op(IntEnum):
    """A query operator; the value is its code in the public signals (iden3's codes)."""

    EQ = 1
    LT = 2
    GT = 3
    IN = 4
    NIN = 5
    NE = 6
    LE = 7
    GE = 8
    BETWEEN = 9

    @classmethod
    def parse(cls, op: object) -> Op:
        """An :class:`Op` from itself, its name (``"ge"``) or its code."""
        if isinstance(op, Op):
            return op
        if isinstance(op, str) and op.upper() in cls.__members__:
            return cls[op.upper()]
        if isinstance(op, int) and not isinstance(op, bool) and op in {o.value for o in cls}:
            return cls(op)
        raise CredentialFormatError(f"query operator: expected one of {[o.name.lower() for o in cls]} "
                                    f"(or their codes 1..9), found {op!r:.40}")

    @property
    def arity(self) -> tuple[int, int]:
        """The least and most values the operator takes."""
        if self in (Op.IN, Op.NIN):
            return (1, MAX_VALUES)
        return (2, 2) if self is Op.BETWEEN else (1, 1)


#: operators that compare unsigned integers of the circuit's width
ORDERED = frozenset({Op.LT, Op.LE, Op.GT, Op.GE, Op.BETWEEN})


@dataclass(frozen=True)
class Query:
    """``slots[slot] <op> values`` (see the module docstring); checked on construction.
    ``op`` may be given as a name or code; it is stored as an :class:`Op`."""

    slot: int
    op: Op
    values: tuple[int, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "op", Op.parse(self.op))
        if isinstance(self.slot, bool) or not isinstance(self.slot, int) or not 0 <= self.slot < SLOTS:
            raise CredentialFormatError(f"query slot: expected an int in [0, {SLOTS}), found {self.slot!r:.40}")
        vals = tuple(self.values) if isinstance(self.values, (tuple, list)) else None
        if vals is None:
            raise CredentialFormatError(f"query values: expected a tuple of ints, found {self.values!r:.80}")
        lo, hi = self.op.arity
        if not lo <= len(vals) <= hi:
            raise CredentialFormatError(f"query values: {self.op.name.lower()} takes {lo} to {hi} values, "
                                        f"found {len(vals)}")
        for i, v in enumerate(vals):
            field_element(v, f"query value {i}")
        object.__setattr__(self, "values", vals)

    def padded(self) -> tuple[int, ...]:
        """The ten values of the public signals (see the module docstring)."""
        fill = self.values[-1] if self.op in (Op.IN, Op.NIN) else 0
        return self.values + (fill,) * (MAX_VALUES - len(self.values))

    def holds(self, x: int, *, width: int = DEFAULT_WIDTH) -> bool:
        """The query's truth for slot value ``x``, as the circuit decides it (ordered
        operators are false when ``x`` or a value does not fit in ``width`` bits)."""
        v = self.values
        if self.op is Op.EQ:
            return x == v[0]
        if self.op is Op.NE:
            return x != v[0]
        if self.op is Op.IN:
            return x in v
        if self.op is Op.NIN:
            return x not in v
        if any(u >> width for u in (x, *v)):
            return False
        return {Op.LT: x < v[0], Op.LE: x <= v[0], Op.GT: x > v[0], Op.GE: x >= v[0],
                Op.BETWEEN: v[0] <= x <= v[-1]}[self.op]


# ------------------------------------------------------------------ in circuit


def select_slot(api: API, slots: Sequence[Var], index: Var) -> Var:
    """``slots[index]`` with ``index`` constrained to ``[0, len(slots))`` (a mux: for 8
    slots, 3 bits and 7 selects)."""
    with api.scope("slot"):
        return mux(api, list(slots), index)


def query_holds(api: API, x: Var, op: Op | Var, values: Sequence[Var], *, width: int = DEFAULT_WIDTH) -> Var:
    """A Bool: 1 iff ``x <op> values``.

    ``op`` an :class:`Op` compiles that operator alone (``values`` then has its arity's
    most values: 1, 2 or 10); ``op`` a variable compiles every operator, selected by a
    one-hot of the code (``values``: 10), with ``op`` constrained to a known code.
    Ordered comparisons range-check their operands to ``width`` bits, so an operand of
    ``2**width`` or more has no witness (neither true nor false). Constraints with the
    result asserted true (width 64; ``python -m benchmarks.credentials`` prints them):
    eq 2, ne 1, in 9 (10 values), nin 10, lt/le/gt/ge 192, between 323; every operator
    (variable ``op``): 431."""
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= 252:
        raise CredentialFormatError(f"query width: expected 1 <= width <= 252, found {width!r}")
    with api.scope("query"):
        if isinstance(op, Op):
            return _fixed(api, x, op, list(values), width)
        return _any(api, x, op, list(values), width)


def _ranged(api: API, v: Var, width: int) -> Var:
    return api.as_uint(v, width)


def _fixed(api: API, x: Var, op: Op, vals: list[Var], width: int) -> Var:
    lo, hi = op.arity
    if len(vals) != hi:
        raise CredentialFormatError(f"query_holds: {op.name.lower()} takes {hi} value wires, found {len(vals)}")
    if op in (Op.EQ, Op.NE):
        eq = is_equal(api, x, vals[0])
        return eq if op is Op.EQ else ~eq
    if op in (Op.IN, Op.NIN):
        inn = is_in(api, x, vals)
        return inn if op is Op.IN else ~inn
    xr, a = _ranged(api, x, width), _ranged(api, vals[0], width)
    if op is Op.LT:
        return is_lt(api, xr, a)
    if op is Op.GE:
        return ~is_lt(api, xr, a)
    if op is Op.GT:
        return is_lt(api, a, xr)
    if op is Op.LE:
        return ~is_lt(api, a, xr)
    b = _ranged(api, vals[1], width)
    return api.mul(~is_lt(api, xr, a), ~is_lt(api, b, xr))  # low <= x and x <= high


def _any(api: API, x: Var, op: Var, vals: list[Var], width: int) -> Var:
    if len(vals) != MAX_VALUES:
        raise CredentialFormatError(f"query_holds: expected {MAX_VALUES} value wires, found {len(vals)}")
    hot = {o: is_equal(api, op, int(o)) for o in Op}
    api.assert_equal(api.lincomb([(h, 1) for h in hot.values()]), 1)  # op is one of the codes
    ordered = api.typed(api.lincomb([(hot[o], 1) for o in ORDERED]), 1, True)
    xr = _ranged(api, api.select(ordered, x, 0), width)
    a = _ranged(api, api.select(ordered, vals[0], 0), width)
    b = _ranged(api, api.select(hot[Op.BETWEEN], vals[1], 0), width)
    x_lt_a, a_lt_x, b_lt_x = is_lt(api, xr, a), is_lt(api, a, xr), is_lt(api, b, xr)
    eq, inn = is_equal(api, x, vals[0]), is_in(api, x, vals)
    result = {Op.EQ: eq, Op.NE: ~eq, Op.LT: x_lt_a, Op.LE: ~a_lt_x, Op.GT: a_lt_x, Op.GE: ~x_lt_a,
              Op.IN: inn, Op.NIN: ~inn, Op.BETWEEN: api.mul(~x_lt_a, ~b_lt_x)}
    out = api.lincomb([(api.mul(hot[o], result[o]), 1) for o in Op])
    return api.typed(out, 1, True)  # exactly one hot[o] is 1 and every result is a Bool
