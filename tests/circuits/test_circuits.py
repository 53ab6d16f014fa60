"""The circuit language: operators with their constraint costs and values, types and
range checks, refusals, assignments, and errors naming file:line."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from circuits import (AssignmentError, Bool, Circuit, CircuitDefinitionError, CircuitTypeError,
                      Field, Public, Secret, UInt, UnsatisfiedConstraintError,
                      UnusedPublicInputWarning, compile)
from zkp import groth16
from zkp.field import R

from ..conftest import dev_setup


class Ops(Circuit):
    a: Secret[Field]
    b: Secret[Field]
    out_sum: Public[Field]
    out_prod: Public[Field]
    out_div: Public[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(self.a + self.b, self.out_sum)
        api.assert_equal(self.a * self.b, self.out_prod)
        api.assert_equal(self.a / self.b, self.out_div)


def test_arithmetic_and_costs() -> None:
    cs = compile(Ops)
    # the sum's equality (inputs only) stays; the product and quotient wires are eliminated
    # into their equalities: a*b = out_prod, b*inv = 1, a*inv = out_div
    assert cs.r1cs.num_constraints == 4
    assert compile(Ops, optimize=False).r1cs.num_constraints == 6
    a, b = 7, 5
    w = cs.solve(Ops(a=a, b=b, out_sum=12, out_prod=35, out_div=a * pow(b, -1, R) % R))
    assert w.public == [12, 35, a * pow(b, -1, R) % R]
    assert cs.r1cs.is_satisfied(w.values())
    with pytest.raises(UnsatisfiedConstraintError, match="divisor is 0"):
        cs.solve(Ops(a=1, b=0, out_sum=1, out_prod=0, out_div=0))


class Consts(Circuit):
    x: Secret[Field]
    y: Public[Field]

    def define(self, api: Any) -> None:
        c = api.constant(3) * 4 + 2  # folds to 14, no constraint
        z = (self.x + c) * 2 - self.x  # linear: free
        api.assert_equal(z * 1, self.y)  # multiply by a constant: free


def test_constants_fold_and_linear_is_free() -> None:
    cs = compile(Consts)
    assert cs.r1cs.num_constraints == 1
    assert cs.solve(Consts(x=1, y=(1 + 14) * 2 - 1)).public == [29]


class Compare(Circuit):
    a: Secret[UInt[8]]
    b: Secret[UInt[16]]
    lt: Public[Bool]
    le: Public[Bool]
    gt: Public[Bool]
    ge: Public[Bool]
    eq: Public[Bool]
    ne: Public[Bool]

    def define(self, api: Any) -> None:
        api.assert_equal(self.a < self.b, self.lt)
        api.assert_equal(self.a <= self.b, self.le)
        api.assert_equal(self.a > self.b, self.gt)
        api.assert_equal(self.a >= self.b, self.ge)
        api.assert_equal(self.a == self.b, self.eq)
        api.assert_equal(self.a != self.b, self.ne)


@pytest.mark.parametrize("a,b", [(0, 0), (3, 5), (5, 3), (255, 65535), (255, 255), (200, 7)])
def test_comparisons(a: int, b: int) -> None:
    cs = compile(Compare)
    flags = dict(lt=a < b, le=a <= b, gt=a > b, ge=a >= b, eq=a == b, ne=a != b)
    w = cs.solve(Compare(a=a, b=b, **flags))
    assert w.public == [int(v) for v in flags.values()]
    wrong = dict(flags, lt=not flags["lt"])
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(Compare(a=a, b=b, **wrong))


def test_comparison_cost_uses_declared_widths() -> None:
    class C(Circuit):
        a: Secret[UInt[8]]

        def define(self, api: Any) -> None:
            api.assert_true(self.a >= 18)

    stats = compile(C).stats()
    # 8-bit operands: 9 bits, the recomposition is free; asserting the result fixes the top
    # bit, which linear elimination then removes with its booleanity row
    assert stats["cmp/to_bits"] == 8
    assert compile(C, optimize=False).stats()["cmp/to_bits"] == 9
    assert stats["input a: UInt[8]/to_bits"] == 8


def test_field_comparison_and_wide_types_are_refused() -> None:
    class F(Circuit):
        a: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_true(self.a < 5)

    with pytest.raises(CircuitTypeError, match="known bit width"):
        compile(F)

    class W(Circuit):
        a: Secret[UInt[200]]
        b: Secret[UInt[200]]

        def define(self, api: Any) -> None:
            api.assert_true(self.a * self.b < 5)  # 400 bits: unknown width

    with pytest.raises(CircuitTypeError):
        compile(W)
    with pytest.raises(CircuitDefinitionError):
        UInt[253]

    class Ok(Circuit):
        a: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_true(api.as_uint(self.a, 252) < 5)

    assert compile(Ok).solve(Ok(a=4)).public == []
    with pytest.raises(UnsatisfiedConstraintError, match="does not fit in 252 bits"):
        compile(Ok).solve(Ok(a=R - 1))


def test_python_control_flow_on_vars_is_refused() -> None:
    class B(Circuit):
        a: Secret[Field]

        def define(self, api: Any) -> None:
            if self.a == 3:
                pass

    with pytest.raises(TypeError, match="no truth value"):
        compile(B)


class Logic(Circuit):
    p: Secret[Bool]
    q: Secret[Bool]
    r_and: Public[Bool]
    r_or: Public[Bool]
    r_xor: Public[Bool]
    r_not: Public[Bool]
    picked: Public[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(self.p & self.q, self.r_and)
        api.assert_equal(self.p | self.q, self.r_or)
        api.assert_equal(self.p ^ self.q, self.r_xor)
        api.assert_equal(~self.p, self.r_not)
        api.assert_equal(api.select(self.p, 100, 200), self.picked)


@pytest.mark.parametrize("p,q", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_boolean_operators(p: int, q: int) -> None:
    cs = compile(Logic)
    w = cs.solve(Logic(p=bool(p), q=q, r_and=p & q, r_or=p | q, r_xor=p ^ q, r_not=1 - p,
                       picked=100 if p else 200))
    assert cs.r1cs.is_satisfied(w.values())


def test_boolean_operators_need_bools() -> None:
    class N(Circuit):
        a: Secret[Field]
        b: Secret[Bool]

        def define(self, api: Any) -> None:
            api.assert_true(self.a & self.b)

    with pytest.raises(CircuitTypeError, match="needs a Bool"):
        compile(N)


class Bits(Circuit):
    x: Secret[Field]
    bits: Public[Bool, 8]
    zero: Public[Bool]

    def define(self, api: Any) -> None:
        bs = api.to_bits(self.x, 8)
        for got, want in zip(bs, self.bits):
            api.assert_equal(got, want)
        api.assert_equal(api.from_bits(bs), self.x)
        api.assert_equal(api.is_zero(self.x), self.zero)


def test_bits_arrays_and_is_zero() -> None:
    cs = compile(Bits)
    assert cs.public_names == [f"bits[{i}]" for i in range(8)] + ["zero"]
    w = cs.solve(Bits(x=0b10110001, bits=[1, 0, 0, 0, 1, 1, 0, 1], zero=0))
    assert w.public[:8] == [1, 0, 0, 0, 1, 1, 0, 1]
    cs.solve(Bits(x=0, bits=[0] * 8, zero=1))
    with pytest.raises(UnsatisfiedConstraintError, match="does not fit in 8 bits"):
        cs.solve(Bits(x=256, bits=[0] * 8, zero=0))
    with pytest.raises(CircuitTypeError):
        compile(type("TooWide", (Circuit,), {"__annotations__": {"x": Secret[Field]},
                                             "define": lambda self, api: api.to_bits(self.x, 254)}))


def test_assignment_errors() -> None:
    with pytest.raises(AssignmentError, match="missing inputs"):
        Compare(a=1)
    with pytest.raises(AssignmentError, match="unknown inputs"):
        Consts(x=1, y=2, z=3)
    cs = compile(Compare)
    base = dict(lt=1, le=1, gt=0, ge=0, eq=0, ne=1)
    with pytest.raises(AssignmentError, match=r"input a \(UInt\[8\]\).*found 256"):
        cs.solve(Compare(a=256, b=300, **base))
    with pytest.raises(AssignmentError, match="expected an int"):
        cs.solve(Compare(a=1.0, b=3, **base))
    with pytest.raises(AssignmentError):
        compile(Consts).solve(Consts(x=R, y=0))
    with pytest.raises(AssignmentError):
        compile(Consts).solve(Consts(x=-1, y=0))
    with pytest.raises(AssignmentError, match="expected 8 elements"):
        compile(Bits).solve(Bits(x=0, bits=[0] * 7, zero=1))


def test_violated_constraint_names_file_line_and_values() -> None:
    cs = compile(Ops)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        cs.solve(Ops(a=7, b=5, out_sum=13, out_prod=35, out_div=0))
    msg = str(info.value)
    assert "assert_equal at tests/circuits/test_circuits.py:" in msg or "test_circuits.py:" in msg
    assert "left = 12, right = 13" in msg
    assert info.value.location.endswith(f":{Ops.define.__code__.co_firstlineno + 1}")


def test_labels_and_stats() -> None:
    class S(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            with api.scope("square"):
                y = self.x * self.x
            api.assert_equal(y, 4)

    cs = compile(S)
    assert cs.stats() == {"square/mul": 1}  # y = 4 is substituted: x * x = 4
    assert compile(S, optimize=False).stats() == {"square/mul": 1, "assert_equal": 1}
    assert cs.r1cs.label(0).startswith("square/mul @ ") and "test_circuits.py:" in cs.r1cs.label(0)


def test_structure_must_not_depend_on_values() -> None:
    state = {"n": 0}

    class D(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            state["n"] += 1
            for _ in range(state["n"]):
                self.x * self.x

    cs = compile(D)
    assert state["n"] == 1
    assert cs.r1cs.is_satisfied(cs.solve(D(x=1)).values())  # the program: define does not run
    assert state["n"] == 1
    with pytest.raises(CircuitDefinitionError, match="different circuit"):
        cs.solve(D(x=1), debug=True)  # the debug mode runs define again and sees the change


def test_constant_assertions_fail_at_compile_time() -> None:
    class K(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(api.constant(1), 2)

    with pytest.raises(CircuitDefinitionError, match="different constants"):
        compile(K)


def test_unused_public_input_warns() -> None:
    class U(Circuit):
        unused: Public[Field]
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x * self.x, 4)

    with pytest.warns(UnusedPublicInputWarning):
        compile(U)


def test_annotations_need_visibility() -> None:
    with pytest.raises(CircuitDefinitionError, match="Public"):
        type("NoVis", (Circuit,), {"__annotations__": {"x": Field}})


@pytest.mark.parametrize("vis", [Public, Secret])
def test_a_bare_visibility_is_refused_not_dropped(vis: Any) -> None:
    """``x: Secret`` names no type: refused (it used to leave the circuit without the input)."""
    with pytest.raises(CircuitDefinitionError, match=rf"NoType.x: expected {vis!r}\[Field\].*found a bare {vis!r}"):
        type("NoType", (Circuit,), {"__annotations__": {"x": vis}})


def test_repr_hides_secrets() -> None:
    assert repr(Consts(x=5, y=29)) == "Consts(x=<secret>, y=29)"


def test_compiled_circuit_proves_and_verifies() -> None:
    cs = compile(Compare)
    pk, vk = dev_setup(cs)
    flags = dict(lt=1, le=1, gt=0, ge=0, eq=0, ne=1)
    w = cs.solve(Compare(a=3, b=5, **flags))
    proof = groth16.prove(pk, w)
    assert groth16.verify(vk, w.public, proof)
    assert not groth16.verify(vk, [0, 1, 0, 0, 0, 1], proof)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(Compare)  # no unused-input warning for a well-formed circuit


# ------------------------------------------------------------ hand-built witnesses (issue 15)


def complete_witness(r1cs: Any, known: dict[int, int]) -> list[int]:
    """A full witness from ``known`` wire values: every other wire solved from a row where it
    is the only unknown and appears linearly (as a solver would), the rest left at 0. The
    result satisfies the R1CS iff the known values admit the forced completion; tests check
    it with ``first_unsatisfied``, never through ``solve``."""
    values = {0: 1, **{w: v % R for w, v in known.items()}}
    rows = [r1cs.row(i) for i in range(r1cs.num_constraints)]

    def ev(lc: dict[int, int]) -> int:
        return sum(k * values[w] for w, k in lc.items()) % R

    progress = True
    while progress:
        progress = False
        for a, b, c in rows:
            unknown = {w for lc in (a, b, c) for w in lc if w not in values}
            if len(unknown) != 1:
                continue
            (u,) = unknown
            if u in a and u in b:
                continue
            if u in c and u not in a and u not in b:
                rest = ev({w: k for w, k in c.items() if w != u})
                values[u] = (ev(a) * ev(b) - rest) * pow(c[u], -1, R) % R
            else:
                side, other = (a, b) if u in a else (b, a)
                if u in c or ev(other) == 0:
                    continue
                target = ev(c) * pow(ev(other), -1, R)
                rest = ev({w: k for w, k in side.items() if w != u})
                values[u] = (target - rest) * pow(side[u], -1, R) % R
            progress = True
    return [values.get(w, 0) for w in range(r1cs.num_wires)]


def _bits_of(v: int, n: int) -> list[int]:
    return [(v >> i) & 1 for i in range(n)]


class Pack254(Circuit):
    x: Public[Field]
    bits: Secret[Bool, 254]

    def define(self, api: Any) -> None:
        api.assert_equal(api.from_bits(self.bits), self.x)


def test_api_from_bits_254_refuses_and_points_to_the_strict_form() -> None:
    """Issue 15.1: 254 bits packed without an alias check accepted x and x + r both."""
    with pytest.raises(CircuitTypeError, match=r"from_bits.*254 bits.*strict"):
        compile(Pack254)
    for n in (253, 1):
        ok = type(f"Pack{n}", (Circuit,), {"__annotations__": {"x": Public[Field], "bits": Secret[Bool, n]},
                                           "define": lambda self, api: api.assert_equal(api.from_bits(self.bits), self.x)})
        cs = compile(ok)
        x = (1 << n) - 1
        assert cs.r1cs.first_unsatisfied(complete_witness(cs.r1cs, {1: x, **{2 + i: b for i, b in enumerate(_bits_of(x, n))}})) is None


class Consts15(Circuit):
    x: Secret[UInt[8]]
    y: Public[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(self.x * 2, self.y)


@pytest.mark.parametrize("build", [
    lambda api, x: api.constant(R),
    lambda api, x: api.constant(R + 6),
    lambda api, x: api.constant(-R),
    lambda api, x: api.constant(-R - 1),
    lambda api, x: x + R, lambda api, x: R + x, lambda api, x: x - (R + 1), lambda api, x: (R + 1) - x,
    lambda api, x: x * (R + 2), lambda api, x: (R + 2) * x, lambda api, x: x / (R + 1), lambda api, x: (R + 1) / x,
    lambda api, x: x == R, lambda api, x: x != R + 3, lambda api, x: x < R, lambda api, x: x >= R + 1,
    lambda api, x: api.assert_equal(x, R + 6), lambda api, x: api.enforce(x, 1, R),
    lambda api, x: api.select(x < 3, R, 0), lambda api, x: api.to_bits(R + 1, 8),
    lambda api, x: api.mul(x, 2 * R), lambda api, x: api.div(R, x), lambda api, x: api.is_zero(R),
    lambda api, x: api.assert_true(x < R + 1), lambda api, x: api.assert_bool(R + 1),
    lambda api, x: api.assert_not_equal(x, R + 5),
], ids=lambda f: "")
def test_constants_of_r_or_more_are_refused(build: Any) -> None:
    """Issue 15.2: a constant >= r was reduced mod r (constant(R) was 0; x == R + 6 proved
    x == 6). Every way an int becomes a circuit constant refuses it now."""

    class K(Circuit):
        x: Secret[UInt[8]]

        def define(self, api: Any) -> None:
            build(api, self.x)

    with pytest.raises(CircuitDefinitionError, match=r"-r < c < r"):
        compile(K)


def test_constant_r_plus_6_no_longer_proves_6() -> None:
    class K(Circuit):
        x: Public[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x * 3, R + 18)

    with pytest.raises(CircuitDefinitionError, match=str(R + 18)):
        compile(K)


def test_negative_constants_are_field_negation() -> None:
    class N(Circuit):
        x: Public[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x + api.constant(-(R - 1)), -5)  # -(r - 1) is 1

    cs = compile(N)
    assert cs.solve(N(x=R - 6)).public == [R - 6]
    assert cs.r1cs.first_unsatisfied([1, R - 6]) is None
    assert cs.r1cs.first_unsatisfied([1, R - 5]) is not None

    class M(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            assert api.constant(-1).constant_value() == R - 1
            assert (self.x - 1).lc == {**self.x.lc, 0: R - 1}
            assert (self.x * -2).lc == {w: R - 2 for w in self.x.lc}

    compile(M)


@pytest.mark.parametrize("name,value", [("y", R), ("y", R + 1), ("y", -1), ("y", 2 * R + 5),
                                        ("x", 256), ("x", -1), ("x", R)])
def test_input_values_outside_their_type_are_refused(name: str, value: int) -> None:
    """Witness input values >= r (or negative) never reach the R1CS reduced."""
    cs = compile(Consts15)
    good = {"x": 3, "y": 6}
    cs.solve(Consts15(**good))
    with pytest.raises(AssignmentError, match=f"found {value}"):
        cs.solve(Consts15(**{**good, name: value}))


def test_input_array_values_of_r_are_refused() -> None:
    class A(Circuit):
        xs: Public[Field, 2]
        b: Secret[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(self.xs[0] * self.b, self.xs[1])

    cs = compile(A)
    with pytest.raises(AssignmentError, match=r"xs\[1\].*found " + str(R)):
        cs.solve(A(xs=[0, R], b=1))
    with pytest.raises(AssignmentError, match="found 2"):
        cs.solve(A(xs=[0, 0], b=2))
