"""compile(strict=True) and circuits.lint name under-constrained variables."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UInt, UnderconstrainedError, compile, lint
from circuits.engine import hints
from circuits.gadgets import assert_lt, is_equal, is_lt, is_zero, range_check
from zkp.field import R

from .test_circuits import complete_witness


def test_strict_names_unused_inputs_and_free_wires() -> None:
    class Loose(Circuit):
        out: Public[Field]
        spare: Public[Field]
        x: Secret[Field]
        unused: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x * self.x, self.out)
            api.hint(lambda: 0)  # a hint wire nobody constrains

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(Loose)  # the default only warns about the public one
        with pytest.raises(UnderconstrainedError) as exc:
            compile(Loose, strict=True)
    found = exc.value.findings
    assert "public input spare is used by no constraint" in found
    assert "secret input unused is used by no constraint" in found
    assert any(f.startswith("wire ") and "test_lint.py:" in f for f in found)
    assert len(found) == 3


def test_strict_accepts_a_real_circuit() -> None:
    from benchmarks.groth16 import merkle_circuit

    cls, assignment = merkle_circuit(4)
    cs = compile(cls, strict=True)
    cs.solve(assignment)
    assert lint(cls) == []


def test_dynamic_lint_finds_free_variables() -> None:
    class Z(Circuit):
        x: Secret[Field]
        z: Public[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(is_zero(api, self.x), self.z)

    assert lint(Z, Z(x=5, z=0)) == []
    found = lint(Z, Z(x=0, z=1))  # the inverse is free at 0 (documented)
    assert len(found) == 1 and "not determined" in found[0] and "test_lint.py:" in found[0]


# ------------------------------------------------------------ issue 15.3


def _strict_findings(cls: type) -> list[str]:
    with pytest.raises(UnderconstrainedError) as exc:
        compile(cls, strict=True)
    assert exc.value.findings == lint(cls)
    return exc.value.findings


class DroppedCmp(Circuit):
    a: Secret[UInt[8]]
    b: Public[UInt[8]]

    def define(self, api: Any) -> None:
        self.a < self.b  # meant: api.assert_true(self.a < self.b)


class DroppedGadget(Circuit):
    a: Secret[UInt[8]]
    b: Public[UInt[8]]

    def define(self, api: Any) -> None:
        is_lt(api, self.a, self.b)
        is_equal(api, self.a, self.b)


class AssertedCmp(Circuit):
    a: Secret[UInt[8]]
    b: Public[UInt[8]]
    eq: Public[Bool]

    def define(self, api: Any) -> None:
        api.assert_true(self.a < self.b)
        api.assert_equal(is_equal(api, self.a, self.b), self.eq)
        api.assert_true(is_lt(api, self.a, self.b) | self.eq)


def test_a_dropped_comparison_is_flagged() -> None:
    """The comparison's rows hold for every (a, b): the R1CS accepts a >= b."""
    cs = compile(DroppedCmp)
    w = cs.solve(DroppedCmp(a=200, b=3)).values()
    assert cs.r1cs.first_unsatisfied(w) is None  # "a < b" proved nothing
    found = _strict_findings(DroppedCmp)
    assert len(found) == 1 and found[0].startswith("the result of comparison made at ")
    assert "test_lint.py:" in found[0] and "used by no constraint" in found[0]
    found = _strict_findings(DroppedGadget)
    assert [f.split(" made at ")[0] for f in found] == ["the result of is_lt", "the result of is_zero"]
    cs = compile(AssertedCmp, strict=True)
    assert lint(AssertedCmp) == []
    w = cs.solve(AssertedCmp(a=2, b=3, eq=0)).values()
    forged = complete_witness(cs.r1cs, {1: 200, 2: 0, 3: 3})  # a = 200, eq = 0, b = 3 (layout order)
    assert cs.r1cs.first_unsatisfied(w) is None
    assert cs.r1cs.first_unsatisfied(forged) is not None


def _moved(cs: Any, honest: list[int], changes: dict[int, int]) -> list[int]:
    """``honest`` with ``changes`` applied and the internal wires of the rows they touch
    solved again from those rows (the rest kept): a prover's best attempt at the claim."""
    inputs = {w for item in cs.layout for w in item.wires}
    stale = {w for i in range(cs.r1cs.num_constraints) for lc in cs.r1cs.row(i)
             if changes.keys() & set().union(*cs.r1cs.row(i)) for w in lc if w not in inputs}
    known = {w: v for w, v in enumerate(honest) if w not in stale}
    return complete_witness(cs.r1cs, {**known, **changes})


def _divmod(*, public_quotient: bool, pinned: bool) -> type:
    class DivMod(Circuit):
        a: Public[UInt[32]]
        b: Public[UInt[32]]
        quot: Public[Field]

        def define(self, api: Any) -> None:
            q = api.hint(lambda a, b: a // b, self.a, self.b)
            rem = api.hint(lambda a, b: a % b, self.a, self.b)
            api.assert_equal(q * self.b + rem, self.a)
            if pinned:
                assert_lt(api, rem, self.b, bits=32)  # rem < b, and rem fits in 32 bits
                range_check(api, q, 32)
            if public_quotient:
                api.assert_equal(q, self.quot)
            else:
                api.assert_equal(self.quot, 0)

    return DivMod


def test_a_quotient_whose_remainder_no_range_check_pins_is_flagged() -> None:
    """q and rem from a hint, only a = q*b + rem constrained: (q + 1, rem - b) satisfies
    the R1CS too, and a wrong quotient proves and verifies."""
    from zkp import groth16

    from ..conftest import dev_setup

    loose = _divmod(public_quotient=True, pinned=False)
    cs = compile(loose)
    assert cs.solve(loose(a=17, b=5, quot=3)).public == [17, 5, 3]
    forged = _moved(cs, cs.solve(loose(a=17, b=5, quot=3)).values(), {3: 4})  # 17 // 5 "is" 4
    assert cs.r1cs.first_unsatisfied(forged) is None
    pk, vk = dev_setup(cs)
    assert groth16.verify(vk, [17, 5, 4], groth16.prove(pk, forged))
    found = _strict_findings(loose)
    assert len(found) == 1
    assert found[0].startswith("public input quot (which the hint made at ")
    assert "can change together" in found[0] and "test_lint.py:" in found[0]

    internal = _divmod(public_quotient=False, pinned=False)  # both hints stay wires
    found = _strict_findings(internal)
    assert len(found) == 1 and found[0].count("the hint made at ") == 1 and "can change together" in found[0]
    cs = compile(internal)
    w = cs.solve(internal(a=17, b=5, quot=0)).values()
    # rem = a - q*b was substituted away; q and its product q*b remain: move them together
    q_wire, qb_wire = (next(i for i in range(4, cs.r1cs.num_wires) if w[i] == v) for v in (3, 15))
    moved = list(w)
    moved[q_wire], moved[qb_wire] = 4, 20
    assert cs.r1cs.first_unsatisfied(moved) is None
    moved[qb_wire] = 15
    assert cs.r1cs.first_unsatisfied(moved) is not None  # one wire alone cannot move

    for public_quotient in (True, False):
        pinned = _divmod(public_quotient=public_quotient, pinned=True)
        cs = compile(pinned, strict=True)
        assert lint(pinned) == []
        honest = cs.solve(pinned(a=17, b=5, quot=3 if public_quotient else 0)).values()
        assert cs.r1cs.first_unsatisfied(honest) is None
        if public_quotient:
            assert cs.r1cs.first_unsatisfied(_moved(cs, honest, {3: 4})) is not None


def test_lint_is_silent_on_the_gadgets() -> None:
    """No false finding on real circuits: Poseidon Merkle depth 20, SHA-256 with its digest
    asserted, EdDSA (hints in the curve arithmetic), SMT, variable-base multiplication."""
    from benchmarks.gadget_catalog import CATALOG, circuit
    from benchmarks.groth16 import merkle_circuit
    from circuits.gadgets import mul_any, poseidon, sha256_bits

    cls, assignment = merkle_circuit(20)
    compile(cls, strict=True).solve(assignment)

    class Sha(Circuit):
        m: Secret[Bool, 256]
        digest: Public[Bool, 256]

        def define(self, api: Any) -> None:
            for got, want in zip(sha256_bits(api, self.m), self.digest):
                api.assert_equal(got, want)

    class Mul(Circuit):
        e: Secret[Bool, 254]
        p: Secret[Field, 2]
        out: Public[Field]

        def define(self, api: Any) -> None:
            x, y = mul_any(api, list(self.e), tuple(self.p))
            api.assert_equal(poseidon(api, [x, y]), self.out)

    for c in (Sha, Mul):
        compile(c, strict=True)
    for entry in CATALOG:
        if entry.name.startswith(("EdDSA", "SMT")):
            compile(circuit(entry), strict=True)


def _hinted_is_zero(*, broken: bool) -> type:
    class HintZero(Circuit):
        x: Secret[Field]
        z: Public[Bool]

        def define(self, api: Any) -> None:
            inv = api.hint(hints.div, 1, self.x)
            out = api.hint(lambda x: int(x == 0), self.x)
            api.enforce(self.x, inv, 1 - out)
            if broken:  # issue 23's planted bug: booleanity instead of x * out = 0
                api.enforce(out, out, out)
            else:
                api.enforce(self.x, out, 0)
            api.assert_equal(out, self.z)

    return HintZero


def test_lint_with_a_witness_moves_pairs_through_products() -> None:
    """With an assignment, the pair check runs at the witness and also solves the rows
    where the pair meets itself across a product: "3 is zero" is found, with its values."""
    bad, good = _hinted_is_zero(broken=True), _hinted_is_zero(broken=False)
    found = lint(bad, bad(x=3, z=0))
    moved = [f for f in found if "can also be" in f]
    assert len(moved) == 1 and moved[0].startswith("public input z (which the hint made at ")
    cs = compile(bad)
    w = cs.solve(bad(x=3, z=0)).values()
    forged = list(w)
    forged[1], forged[3] = 1, 0  # z = 1, inv = 0: the R1CS says 3 is zero
    assert cs.r1cs.first_unsatisfied(forged) is None
    assert f", now 0 and {pow(3, -1, R)}, can also be 1 and 0: " in moved[0]
    assert lint(good, good(x=3, z=0)) == [] and lint(good) == []
    cs = compile(good)
    forged = list(cs.solve(good(x=3, z=0)).values())
    forged[1], forged[3] = 1, 0
    assert cs.r1cs.first_unsatisfied(forged) is not None

    loose = _divmod(public_quotient=True, pinned=False)
    found = lint(loose, loose(a=17, b=5, quot=3))
    assert any(f.startswith("public input quot (which the hint") and ", now 3 and 15, can also be " in f
               for f in found)
    pinned = _divmod(public_quotient=True, pinned=True)
    assert lint(pinned, pinned(a=17, b=5, quot=3)) == []


def test_the_pair_search_counts_a_product_of_the_two_wires_as_not_linear() -> None:
    """``linear_in`` (pairwise, no union built) refuses a pair one row multiplies together,
    keeps either wire alone, and ``rows_of`` gives the rows touching the pair."""
    from circuits.lint import _System

    class TwoHints(Circuit):
        out: Public[Field]

        def define(self, api: Any) -> None:
            h = api.hint(lambda: 2)
            g = api.hint(lambda: 3)
            api.assert_equal(h * g, self.out)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r1cs = compile(TwoHints).r1cs
    sys_ = _System(r1cs)
    h, g = (w for w in range(2, r1cs.num_wires) if sys_.occurrences(w))
    assert sys_.linear_in((h,)) and sys_.linear_in((g,))
    assert not sys_.linear_in((h, g))
    assert sys_.rows_of((h, g)) == sys_.occurrences(h) | sys_.occurrences(g)
    assert len(sys_.rows_of((h, g))) == r1cs.num_constraints


def test_the_dynamic_check_moves_two_hints_that_only_meet_in_a_product() -> None:
    """``h * g = out`` holds for (h, g) and (-g, -h): neither wire moves alone, the pair does
    (the static check, linear moves only, cannot see it; the witness check does)."""

    class Product(Circuit):
        out: Public[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(api.hint(lambda: 2) * api.hint(lambda: 3), self.out)

    found = lint(Product, Product(out=6))
    assert len(found) == 1 and f"now 2 and 3, can also be {R - 3} and {R - 2}" in found[0], found
