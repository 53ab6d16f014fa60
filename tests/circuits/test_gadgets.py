"""Bits, comparators, logic and multiplexers: exhaustive where the domain is small, and
sound against forged witnesses."""

from __future__ import annotations

import itertools
import random
from typing import Any, Callable

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits.errors import CircuitDefinitionError, CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import (all_of, and_, any_of, assert_ge, assert_gt, assert_le, assert_lt, is_equal,
                              is_ge, is_gt, is_in, is_le, is_lt, is_zero, mux, not_, or_, range_check,
                              to_bits, to_bits_strict, xor)
from circuits.gadgets.bits import assert_bits_below_r
from circuits.native import nullifier as nullifier_native
from zkp.field import R

from ..conftest import assert_internal_wires_bound

COMPARATORS: dict[str, tuple[Callable[..., Any], Callable[[int, int], bool]]] = {
    "lt": (is_lt, lambda a, b: a < b), "le": (is_le, lambda a, b: a <= b),
    "gt": (is_gt, lambda a, b: a > b), "ge": (is_ge, lambda a, b: a >= b),
}


def test_all_8bit_comparisons() -> None:
    """Every (a, b) in [0, 256)^2 through is_lt/le/gt/ge: one solve per b, 256 a's at once."""

    class All(Circuit):
        b: Secret[UInt[8]]
        a: Secret[UInt[8], 256]
        expect: Public[Bool, 4, 256]

        def define(self, api: Any) -> None:
            for k, (fn, _) in enumerate(COMPARATORS.values()):
                for i in range(256):
                    api.assert_equal(fn(api, self.a[i], self.b), self.expect[k][i])

    cs = compile(All)
    assert cs.stats()["is_lt/to_bits"] == 256 * 9
    a = list(range(256))
    for b in range(256):
        expect = [[int(py(x, b)) for x in a] for _, py in COMPARATORS.values()]
        cs.solve(All(b=b, a=a, expect=expect))
    wrong = [[int(py(x, 7)) for x in a] for _, py in COMPARATORS.values()]
    wrong[0][3] ^= 1
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(All(b=7, a=a, expect=wrong))


@pytest.mark.parametrize("name", list(COMPARATORS))
def test_comparator_witness_is_fully_determined(name: str) -> None:
    fn, _ = COMPARATORS[name]

    class C(Circuit):
        out: Public[Bool]
        a: Secret[UInt[8]]
        b: Secret[UInt[8]]

        def define(self, api: Any) -> None:
            api.assert_equal(fn(api, self.a, self.b), self.out)

    cs = compile(C)
    assert cs.r1cs.num_constraints == 8 + 8 + 1 + 9  # inputs a, b, out; the comparison (its equality is absorbed)
    for a, b in ((3, 200), (200, 3), (77, 77), (0, 255)):
        w = cs.solve(C(out=int(COMPARATORS[name][1](a, b)), a=a, b=b))
        assert_internal_wires_bound(cs, w)


def test_explicit_widths_range_check_untyped_operands() -> None:
    class C(Circuit):
        a: Secret[Field]
        b: Secret[Field]
        lt: Public[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(is_lt(api, self.a, self.b, bits=16), self.lt)
            assert_le(api, self.a, self.b, bits=16)

    cs = compile(C)
    cs.solve(C(a=5, b=70000 - 4465, lt=1))
    for a, b in ((1 << 16, 5), (5, R - 1), (R - 1, 3)):
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(C(a=a, b=b, lt=int(a < b)))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(C(a=9, b=8, lt=0))  # assert_le fails


def test_widths_above_252_and_unknown_widths_are_refused() -> None:
    class Wide(Circuit):
        a: Secret[Field]
        b: Secret[Field]

        def define(self, api: Any) -> None:
            is_lt(api, self.a, self.b, bits=253)

    with pytest.raises(CircuitTypeError, match="253-bit"):
        compile(Wide)

    class Unknown(Circuit):
        a: Secret[Field]
        b: Secret[UInt[8]]

        def define(self, api: Any) -> None:
            is_ge(api, self.a, self.b)

    with pytest.raises(CircuitTypeError, match="unknown width"):
        compile(Unknown)


@pytest.mark.parametrize("fn,py", [(assert_lt, lambda a, b: a < b), (assert_le, lambda a, b: a <= b),
                                   (assert_gt, lambda a, b: a > b), (assert_ge, lambda a, b: a >= b)])
def test_assert_comparisons_all_4bit(fn: Callable[..., None], py: Callable[[int, int], bool]) -> None:
    class C(Circuit):
        a: Secret[UInt[4]]
        b: Secret[UInt[4]]

        def define(self, api: Any) -> None:
            fn(api, self.a, self.b)

    cs = compile(C)
    assert cs.r1cs.num_constraints == 4 + 4 + 4
    for a, b in itertools.product(range(16), repeat=2):
        if py(a, b):
            cs.solve(C(a=a, b=b))
        else:
            with pytest.raises(UnsatisfiedConstraintError):
                cs.solve(C(a=a, b=b))


def test_is_zero_and_is_equal_cannot_be_forged() -> None:
    class Z(Circuit):
        x: Secret[Field]
        y: Secret[Field]
        z: Public[Bool]
        e: Public[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(is_zero(api, self.x), self.z)
            api.assert_equal(is_equal(api, self.x, self.y), self.e)

    cs = compile(Z)
    for x, y in ((0, 0), (0, 5), (R - 1, R - 1), (3, 4)):
        w = cs.solve(Z(x=x, y=y, z=int(x == 0), e=int(x == y)))
        if x != 0 and x != y:  # at 0 the inverse wire is free (documented); the output is not
            assert_internal_wires_bound(cs, w)
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(Z(x=x, y=y, z=int(x != 0), e=int(x == y)))


OPERAND_KINDS = ["const", "public", "secret"]


@pytest.mark.parametrize("ka,kb", list(itertools.product(OPERAND_KINDS, repeat=2)))
def test_every_boolean_gate_over_every_operand_kind(ka: str, kb: str) -> None:
    gates: dict[str, tuple[Any, Callable[[int, int], int]]] = {
        "and": (and_, lambda a, b: a & b), "or": (or_, lambda a, b: a | b), "xor": (xor, lambda a, b: a ^ b)}
    for va, vb in itertools.product((0, 1), repeat=2):
        class G(Circuit):
            pa: Public[Bool]
            pb: Public[Bool]
            sa: Secret[Bool]
            sb: Secret[Bool]
            out: Public[Bool, 4]

            def define(self, api: Any) -> None:
                a = va if ka == "const" else (self.pa if ka == "public" else self.sa)
                b = vb if kb == "const" else (self.pb if kb == "public" else self.sb)
                a_, b_ = api.constant(a) if isinstance(a, int) else a, api.constant(b) if isinstance(b, int) else b
                for i, (fn, _) in enumerate(gates.values()):
                    api.assert_equal(fn(api, a_, b_), self.out[i])
                api.assert_equal(not_(api, a_), self.out[3])

        out = [py(va, vb) for _, py in gates.values()] + [1 - va]
        cs = compile(G)
        cs.solve(G(pa=va, pb=vb, sa=va, sb=vb, out=out))
        out[0] ^= 1
        with pytest.raises((UnsatisfiedConstraintError, CircuitDefinitionError)):
            cs.solve(G(pa=va, pb=vb, sa=va, sb=vb, out=out))


def test_all_of_any_of_every_3bit_vector() -> None:
    class C(Circuit):
        xs: Secret[Bool, 3]
        out: Public[Bool, 2]

        def define(self, api: Any) -> None:
            api.assert_equal(all_of(api, list(self.xs)), self.out[0])
            api.assert_equal(any_of(api, list(self.xs)), self.out[1])

    cs = compile(C)
    assert cs.r1cs.num_constraints == 3 + 2 + 2 * 2  # Bool inputs; two gadgets (equalities absorbed)
    for xs in itertools.product((0, 1), repeat=3):
        cs.solve(C(xs=list(xs), out=[int(all(xs)), int(any(xs))]))
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(C(xs=list(xs), out=[1 - int(all(xs)), int(any(xs))]))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9])
def test_mux_every_index_and_out_of_range(n: int) -> None:
    class M(Circuit):
        options: Secret[Field, n]
        index: Secret[Field]
        out: Public[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(mux(api, list(self.options), self.index), self.out)

    cs = compile(M)
    opts = [1000 + 7 * i for i in range(n)]
    for i in range(n):
        w = cs.solve(M(options=opts, index=i, out=opts[i]))
    assert_internal_wires_bound(cs, w)
    for bad in (n, n + 1, R - 1):
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(M(options=opts, index=bad, out=opts[0]))


def test_is_in_and_range_check() -> None:
    class C(Circuit):
        x: Secret[Field]
        inside: Public[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(is_in(api, self.x, [250, 276, 380]), self.inside)
            range_check(api, self.x, 9)

    cs = compile(C)
    for x in range(512):
        cs.solve(C(x=x, inside=int(x in (250, 276, 380))))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(C(x=512, inside=0))
    with pytest.raises(CircuitTypeError):
        range_check(None, 1, 253)  # type: ignore[arg-type]


def test_strict_bits_refuse_the_alias_of_x_plus_r() -> None:
    """A prover who decomposes x + r instead of x (both fit in 254 bits) is caught."""

    class C(Circuit):
        bits: Secret[Bool, 254]

        def define(self, api: Any) -> None:
            assert_bits_below_r(api, list(self.bits))

    cs = compile(C)
    for x in (0, 5, R - 1, (1 << 253) - R + 3 if (1 << 253) > R else 1):
        cs.solve(C(bits=[(x >> i) & 1 for i in range(254)]))
    for x in (0, 5, (1 << 254) - R - 1):
        alias = x + R
        assert alias < 1 << 254
        with pytest.raises(UnsatisfiedConstraintError, match="alias_check|assert_equal"):
            cs.solve(C(bits=[(alias >> i) & 1 for i in range(254)]))


def test_to_bits_strict_round_trips_and_counts() -> None:
    class C(Circuit):
        x: Secret[Field]
        bits: Public[Bool, 254]

        def define(self, api: Any) -> None:
            for b, e in zip(to_bits(api, self.x, 254), self.bits):
                api.assert_equal(b, e)

    cs = compile(C)
    rng = random.Random(3)
    for x in (0, 1, R - 1, R // 2, rng.randrange(R)):
        w = cs.solve(C(x=x, bits=[(x >> i) & 1 for i in range(254)]))
    assert assert_internal_wires_bound(cs, w) > 50
    with pytest.raises(CircuitTypeError):
        class D(Circuit):
            x: Secret[Field]

            def define(self, api: Any) -> None:
                to_bits_strict(api, self.x)
                api.to_bits(self.x, 254)
        compile(D)


def test_nullifier_twin() -> None:
    from circuits.gadgets import nullifier

    class N(Circuit):
        scope: Public[Field]
        null: Public[Field]
        secret: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(nullifier(api, self.secret, self.scope), self.null)

    cs = compile(N)
    cs.solve(N(scope=3, null=nullifier_native(42, 3), secret=42))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(N(scope=4, null=nullifier_native(42, 3), secret=42))


# ------------------------------------------------------------ issue 15.1: packing 254+ bits


def _packing(pack: Callable[..., Any], n: int) -> Any:
    class P(Circuit):
        x: Public[Field]
        bits: Secret[Bool, n]

        def define(self, api: Any) -> None:
            api.assert_equal(pack(api, list(self.bits)), self.x)

    return compile(P)


@pytest.mark.parametrize("n", [254, 255, 256])
def test_packing_254_bits_or_more_is_strict(n: int) -> None:
    """The bits of x + k*r (k >= 1, while it fits in n bits) satisfied a plain packing's
    R1CS as well as x's own: one public x, several decompositions. ``from_bits`` (the
    gadget) is strict from 254 bits: only x's bits satisfy it; the raw sum still aliases."""
    from circuits.gadgets import from_bits, from_bits_strict

    from .test_circuits import complete_witness

    def witness(cs: Any, x: int, pattern: int) -> list[int]:
        return complete_witness(cs.r1cs, {1: x, **{2 + i: (pattern >> i) & 1 for i in range(n)}})

    raw = _packing(lambda api, bs: api.pack_unchecked(bs), n)
    for cs in (_packing(from_bits, n), _packing(from_bits_strict, n)):
        for x in (0, 5, R - 1, (1 << 251) + 12345):
            assert cs.r1cs.first_unsatisfied(witness(cs, x, x)) is None
            assert raw.r1cs.first_unsatisfied(witness(raw, x, x)) is None
            aliases = [x + k * R for k in range(1, 8) if x + k * R < 1 << n]
            assert aliases or (n == 254 and x == R - 1)
            for alias in aliases:
                assert raw.r1cs.first_unsatisfied(witness(raw, x, alias)) is None
                assert cs.r1cs.first_unsatisfied(witness(cs, x, alias)) is not None
                with pytest.raises(UnsatisfiedConstraintError, match="alias_check|assert_equal"):
                    cs.solve(cs.circuit(x=x, bits=[(alias >> i) & 1 for i in range(n)]))
        cs.solve(cs.circuit(x=R - 1, bits=[((R - 1) >> i) & 1 for i in range(n)]))


def test_from_bits_strict_counts_and_constants() -> None:
    from circuits.gadgets import from_bits, from_bits_strict

    # booleanity of the inputs and the equality: packing is free
    assert _packing(from_bits, 253).r1cs.num_constraints == 253 + 1
    assert _packing(from_bits_strict, 254).r1cs.num_constraints == 254 + 1 + 253
    assert _packing(from_bits, 256).r1cs.num_constraints == 256 + 1 + 253 + 2

    class K(Circuit):
        x: Public[Field]

        def define(self, api: Any) -> None:
            bits = [api.constant(((R + 1) >> i) & 1) for i in range(254)]
            api.assert_equal(from_bits(api, bits), self.x)

    with pytest.raises(CircuitDefinitionError, match=">= r"):
        compile(K)
