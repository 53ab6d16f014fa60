"""Comparators on unsigned integers, and equality.

Widths come from the operand types (``UInt[n]``, ``Bool``, sums and products of them) or
from an explicit ``bits=``; an operand not known to fit is range-checked here (``bits``
constraints). Widths above 252 bits are refused: ``a - b + 2**n`` must not wrap modulo r.

=========================  ====================
``is_lt/le/gt/ge``          ``n + 1`` constraints (n-bit operands)
``assert_lt/le/gt/ge``      ``n`` constraints
``is_equal``, ``is_zero``   2 constraints
``assert_equal``            1 constraint
=========================  ====================

    >>> from circuits import Circuit, Public, Secret, UInt, Field, compile
    >>> from circuits.gadgets import is_le, assert_lt
    >>> class C(Circuit):
    ...     limit: Public[UInt[16]]
    ...     income: Secret[Field]
    ...     def define(self, api):
    ...         assert_lt(api, self.income, self.limit, bits=16)
    >>> cs = compile(C)
    >>> cs.r1cs.num_constraints  # limit's 16 + income's 16 + 16
    48
    >>> cs.solve(C(limit=5000, income=4999)).public
    [5000]
    >>> cs.solve(C(limit=5000, income=5000))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_lt/to_bits at ... does not fit in 16 bits
"""

from __future__ import annotations

from ..api import API
from ..errors import CircuitTypeError
from ..var import Operand, Var

__all__ = ["is_lt", "is_le", "is_gt", "is_ge", "is_equal", "is_zero", "assert_lt", "assert_le",
           "assert_gt", "assert_ge", "MAX_COMPARE_BITS"]

MAX_COMPARE_BITS = 252


def _operands(api: API, a: Operand, b: Operand, bits: int | None, what: str) -> tuple[Var, Var, int]:
    x, y = api.lift(a), api.lift(b)
    if bits is None:
        if x.bits is None or y.bits is None:
            raise CircuitTypeError(
                f"{what}: operands of unknown width ({x!r}, {y!r}); declare UInt[n] inputs or pass bits=")
        n = max(x.bits, y.bits, 1)
    else:
        if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
            raise CircuitTypeError(f"{what}: bits must be an int >= 1, found {bits!r}")
        n = bits
    if n > MAX_COMPARE_BITS:
        raise CircuitTypeError(f"{what}: {n}-bit comparison refused (at most {MAX_COMPARE_BITS} bits)")
    with api.scope(what):
        if x.bits is None or x.bits > n:
            x = api.as_uint(x, n)
        if y.bits is None or y.bits > n:
            y = api.as_uint(y, n)
    return x, y, n


def _lt(api: API, x: Var, y: Var, n: int, what: str) -> Var:
    if x.is_constant() and y.is_constant():
        return api.constant(int(x.constant_value() < y.constant_value()))
    with api.scope(what):
        top = api.to_bits(x - y + (1 << n), n + 1)[n]
    return api.result(~top, what)  # circuits.lint names it if no constraint uses it


def is_lt(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> Var:
    """A Bool: 1 iff ``a < b``."""
    x, y, n = _operands(api, a, b, bits, "is_lt")
    return _lt(api, x, y, n, "is_lt")


def is_le(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> Var:
    """A Bool: 1 iff ``a <= b``."""
    x, y, n = _operands(api, a, b, bits, "is_le")
    return ~_lt(api, y, x, n, "is_le")


def is_gt(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> Var:
    """A Bool: 1 iff ``a > b``."""
    x, y, n = _operands(api, a, b, bits, "is_gt")
    return _lt(api, y, x, n, "is_gt")


def is_ge(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> Var:
    """A Bool: 1 iff ``a >= b``."""
    x, y, n = _operands(api, a, b, bits, "is_ge")
    return ~_lt(api, x, y, n, "is_ge")


def is_zero(api: API, x: Operand) -> Var:
    """A Bool: 1 iff ``x == 0`` (2 constraints: ``x * inv = 1 - out`` and ``x * out = 0``;
    no choice of ``inv`` makes ``out`` wrong). When ``x == 0`` the ``inv`` wire is a free
    variable: any value satisfies the constraints, and the output stays 1."""
    return api.is_zero(x)


def is_equal(api: API, a: Operand, b: Operand) -> Var:
    """A Bool: 1 iff ``a == b`` (2 constraints)."""
    return api.is_zero(api.lift(a) - api.lift(b))


def _assert_nonneg(api: API, d: Var, n: int, what: str) -> None:
    if d.is_constant():
        if d.constant_value() >> n:
            raise CircuitTypeError(f"{what}: false for these constants")
        return
    with api.scope(what):
        api.to_bits(d, n)


def assert_lt(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> None:
    """Constrain ``a < b``: ``b - a - 1`` fits in n bits (``n`` constraints)."""
    x, y, n = _operands(api, a, b, bits, "assert_lt")
    _assert_nonneg(api, y - x - 1, n, "assert_lt")


def assert_le(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> None:
    """Constrain ``a <= b``."""
    x, y, n = _operands(api, a, b, bits, "assert_le")
    _assert_nonneg(api, y - x, n, "assert_le")


def assert_gt(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> None:
    """Constrain ``a > b``."""
    assert_lt(api, b, a, bits=bits)


def assert_ge(api: API, a: Operand, b: Operand, *, bits: int | None = None) -> None:
    """Constrain ``a >= b``."""
    assert_le(api, b, a, bits=bits)
