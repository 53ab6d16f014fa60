"""Bits and ranges.

``to_bits(api, x, n)`` for ``n <= 253`` costs ``n`` constraints. At 254 bits a plain
decomposition is ambiguous (``x`` and ``x + r`` both fit), so ``to_bits_strict`` adds the
check that the bits, read as an integer, are below ``r``: a bit-serial comparison with
``r - 1`` from the top (one constraint per bit below the top one): 507 constraints in all.
Packing bits back into a field element is the reverse problem: ``from_bits`` of 254 or more
bits is ``from_bits_strict``, with the same check on the bits.

    >>> from circuits import Circuit, Secret, Field, compile
    >>> from circuits.gadgets import to_bits_strict
    >>> class C(Circuit):
    ...     x: Secret[Field]
    ...     def define(self, api):
    ...         to_bits_strict(api, self.x)
    >>> cs = compile(C)
    >>> cs.r1cs.num_constraints
    507
    >>> cs.r1cs.is_satisfied(cs.solve(C(x=R - 1)).values())
    True
"""

from __future__ import annotations

from typing import Sequence

from zkp.field import R

from ..api import API
from ..errors import CircuitDefinitionError, CircuitTypeError
from ..var import Operand, Var

__all__ = ["to_bits", "to_bits_strict", "from_bits", "from_bits_strict", "range_check", "assert_bits_le_constant",
           "FIELD_BITS"]

FIELD_BITS = 254  # bits of r


def to_bits(api: API, x: Operand, n: int) -> list[Var]:
    """The ``n`` low bits of ``x``, little-endian, constraining ``x < 2**n`` (``n`` <= 253:
    ``n`` constraints; ``n`` = 254 is :func:`to_bits_strict`)."""
    if n == FIELD_BITS:
        return to_bits_strict(api, x)
    return api.to_bits(x, n)


def to_bits_strict(api: API, x: Operand) -> list[Var]:
    """All 254 bits of ``x``, with the bits constrained to encode ``x`` itself (an integer
    below r), not ``x + r``: 507 constraints."""
    x = api.lift(x)
    if x.is_constant():
        v = x.constant_value()
        return [api.constant((v >> i) & 1) for i in range(FIELD_BITS)]
    with api.scope("to_bits_strict"):
        bits = api.decompose_unchecked(x, FIELD_BITS)
        assert_bits_below_r(api, bits)
    return bits


def assert_bits_below_r(api: API, bits: Sequence[Var]) -> None:
    """Constrain 254 Bools, little-endian, to encode an integer ``<= r - 1``."""
    if len(bits) != FIELD_BITS:
        raise CircuitTypeError(f"assert_bits_below_r: expected {FIELD_BITS} bits, found {len(bits)}")
    assert_bits_le_constant(api, bits, R - 1)


def assert_bits_le_constant(api: API, bits: Sequence[Var], c: int) -> None:
    """Constrain Bools (little-endian) to encode an integer ``<= c``.

    From the top: ``eq`` is 1 while the bits so far equal those of ``c``; where ``c`` has a
    0, the bit must be 0 while ``eq`` holds (``eq * b = 0``); where it has a 1, ``eq``
    becomes ``eq * b``. About one constraint per bit below the top."""
    n = len(bits)
    if isinstance(c, bool) or not isinstance(c, int) or c < 0:
        raise CircuitTypeError(f"assert_bits_le_constant: expected an int >= 0, found {c!r}")
    if c >> n:
        return  # any n-bit value is <= c
    zeros = [i for i in range(n) if not (c >> i) & 1]
    if not zeros:
        return
    lowest_zero = min(zeros)
    eq: Var | None = None  # None: the empty prefix, equal
    for i in range(n - 1, -1, -1):
        b = bits[i]
        if (c >> i) & 1:
            if i > lowest_zero:  # eq is needed further down
                eq = b if eq is None else api.mul(eq, b)
        elif eq is None:
            api.assert_equal(b, 0)
        else:
            _assert_product_zero(api, eq, b)


def _assert_product_zero(api: API, a: Var, b: Var) -> None:
    """``a * b == 0`` in one constraint."""
    api.enforce(a, b, 0, "alias_check", detail="the bits encode a value >= r")


def from_bits(api: API, bits: Sequence[Operand]) -> Var:
    """``sum(bits[i] * 2**i)``; every element must be a Bool. Free up to 253 bits; from
    254 bits on it is :func:`from_bits_strict` (``2**n`` exceeds r there, and the plain sum
    would give ``x`` for the bits of ``x + r`` too)."""
    if len(bits) >= FIELD_BITS:
        return from_bits_strict(api, bits)
    return api.from_bits([api.lift(b) for b in bits])


def from_bits_strict(api: API, bits: Sequence[Operand]) -> Var:
    """``sum(bits[i] * 2**i)`` with the bits constrained to encode an integer below r, so
    that each field element has one bit pattern: bits from 254 up must be 0 and the low 254
    at most ``r - 1`` (:func:`assert_bits_le_constant`; 253 constraints at 254 bits, one
    more per extra bit). Below 254 bits no check is needed and it is free.

        >>> from circuits import Circuit, Public, Secret, Bool, Field, compile
        >>> class P(Circuit):
        ...     x: Public[Field]
        ...     bits: Secret[Bool, 254]
        ...     def define(self, api):
        ...         api.assert_equal(from_bits_strict(api, self.bits), self.x)
        >>> cs = compile(P)
        >>> cs.solve(P(x=5, bits=[(5 >> i) & 1 for i in range(254)])).public
        [5]
        >>> cs.solve(P(x=5, bits=[((5 + R) >> i) & 1 for i in range(254)]))
        Traceback (most recent call last):
        ...
        circuits.errors.UnsatisfiedConstraintError: from_bits_strict/alias_check at ...
    """
    vs = [api.lift(b) for b in bits]
    for v in vs:
        api.require_bool(v, "from_bits_strict")
    if len(vs) < FIELD_BITS:
        return api.from_bits(vs)
    if all(v.is_constant() for v in vs):
        total = sum(v.constant_value() << i for i, v in enumerate(vs))
        if total >= R:
            raise CircuitDefinitionError(f"from_bits_strict: the constant bits encode {total}, which is >= r")
        return api.constant(total)
    with api.scope("from_bits_strict"):
        assert_bits_le_constant(api, vs, R - 1)
    return api.pack_unchecked(vs)


def range_check(api: API, x: Operand, bits: int) -> Var:
    """``x`` constrained below ``2**bits`` and typed ``UInt[bits]`` (``bits`` <= 252, so
    comparisons on it stay sound): ``bits`` constraints."""
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= 252:
        raise CircuitTypeError(f"range_check: expected 1 <= bits <= 252, found {bits!r}")
    return api.as_uint(x, bits)
