"""Boolean logic, selection and multiplexers.

``and_``/``or_``/``xor`` of two Bools: 1 constraint; ``not_``: free; ``all_of``/``any_of``
of k Bools: 2 constraints whatever k (an ``is_zero`` of a sum); ``select``: 1 (free when
both options are constants); ``mux`` of n options: ``n - 1`` selects plus the index's
``ceil(log2 n)`` bits, plus a range check when n is not a power of two; ``is_in`` (set
membership): ``k - 1`` products and an ``is_zero``.

    >>> from circuits import Circuit, Public, Secret, Field, UInt, compile
    >>> from circuits.gadgets import is_in
    >>> class Allowed(Circuit):
    ...     country: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_true(is_in(api, self.country, [250, 276, 380]))
    >>> cs = compile(Allowed)
    >>> cs.r1cs.num_constraints  # two products; asserting the result folds the is_zero away
    2
    >>> cs.r1cs.is_satisfied(cs.solve(Allowed(country=276)).values())
    True
    >>> cs.solve(Allowed(country=826))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_true at ... the condition is false
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..errors import CircuitTypeError
from ..var import Operand, Var
from .comparators import assert_lt

__all__ = ["and_", "or_", "xor", "not_", "all_of", "any_of", "select", "mux", "is_in"]


def and_(api: API, a: Operand, b: Operand) -> Var:
    return api.bool_op("&", a, b)


def or_(api: API, a: Operand, b: Operand) -> Var:
    return api.bool_op("|", a, b)


def xor(api: API, a: Operand, b: Operand) -> Var:
    return api.bool_op("^", a, b)


def not_(api: API, a: Operand) -> Var:
    x = api.lift(a)
    api.require_bool(x, "not")
    return ~x


def _bools(api: API, xs: Sequence[Operand], what: str) -> list[Var]:
    if not xs:
        raise CircuitTypeError(f"{what}: at least one operand is needed")
    out = [api.lift(x) for x in xs]
    for x in out:
        api.require_bool(x, what)
    return out


def all_of(api: API, xs: Sequence[Operand]) -> Var:
    """1 iff every Bool in ``xs`` is 1: ``k - sum == 0`` (2 constraints; k < r)."""
    bs = _bools(api, xs, "all_of")
    total = api.constant(0)
    for b in bs:
        total = total + b
    return api.is_zero(total - len(bs))


def any_of(api: API, xs: Sequence[Operand]) -> Var:
    """1 iff some Bool in ``xs`` is 1 (2 constraints)."""
    bs = _bools(api, xs, "any_of")
    total = api.constant(0)
    for b in bs:
        total = total + b
    return ~api.is_zero(total)


def select(api: API, cond: Operand, a: Operand, b: Operand) -> Var:
    """``a if cond else b`` for a Bool ``cond``."""
    return api.select(cond, a, b)


def mux(api: API, options: Sequence[Operand], index: Operand) -> Var:
    """``options[index]``; ``index`` is constrained to ``[0, len(options))``."""
    n = len(options)
    if n == 0:
        raise CircuitTypeError("mux: no options")
    if n == 1:
        api.assert_equal(index, 0)
        return api.lift(options[0])
    k = (n - 1).bit_length()
    with api.scope("mux"):
        idx = api.lift(index)
        bits = api.to_bits(idx, k)
        if n != 1 << k:
            assert_lt(api, api.from_bits(bits), n, bits=k)
        level = [api.lift(o) for o in options]
        for b in bits:
            nxt = [api.select(b, level[i + 1], level[i]) if i + 1 < len(level) else level[i]
                   for i in range(0, len(level), 2)]
            level = nxt
    return level[0]


def is_in(api: API, x: Operand, values: Sequence[Operand]) -> Var:
    """A Bool: 1 iff ``x`` equals one of ``values`` (``prod(x - v) == 0``)."""
    if not values:
        raise CircuitTypeError("is_in: the set is empty")
    v = api.lift(x)
    with api.scope("is_in"):
        prod = v - api.lift(values[0])
        for c in values[1:]:
            prod = api.mul(prod, v - api.lift(c))
        return api.is_zero(prod)
