"""Malicious witnesses against every gadget, through :mod:`circuits.testing` (the R1CS is
checked directly; ``solve`` only makes the honest witness the forger starts from).

Each test states false claims (a wrong output, an out-of-range operand, a non-boolean bit,
an alias) and asserts that the harness finds no witness for them, and, where it matters,
a true claim beside them that the harness does complete (so "no forgery" is not the
harness giving up).

PLANTED_BUGS lists the bugs planted in scratch copies to see these tests fail (a later
``make mutants`` reuses it): ``(file, text, replacement, test that catches it)``. Each was
applied alone to a copy of the tree and the named test went red.
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits import gadgets as g
from circuits.gadgets.keccak import _chi, _parity, _xor
from circuits.gadgets.sha256 import _add, _ch, _maj, _xor3
from circuits.native import MerkleTree
from circuits.native import babyjub as bj
from circuits.native import nullifier as nullifier_native
from circuits.native import poseidon as poseidon_native
from circuits.native.eddsa import PrivateKey
from circuits.native.smt import SparseMerkleTree
from circuits.errors import UnsatisfiedConstraintError
from circuits.testing import ForgerySearch, input_wires
from zkp.field import R

from ..conftest import unbound_wires

PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    # session 10: the variable-length hash's one-hot of the length no longer sums to 1
    ("circuits/gadgets/sha256.py", "api.assert_equal(api.lincomb([(x, 1) for x in eq]), 1)", "pass",
     "test_sha256_variable_length_and_padding_cannot_be_forged"),
    # issue 23 item 1: is_zero's `x * out = 0` becomes `out * out = out`
    ("circuits/api.py", "self._row(x, out, self.constant(0), \"is_zero\",", "self._row(out, out, out, \"is_zero\",",
     "test_is_zero_and_is_equal_outputs_cannot_be_forged"),
    # issue 23 item 2: to_bits' linear bit left unconstrained
    ("circuits/engine/compiler.py", "self._row(bl, bl, bl, \"to_bits\")", "(lambda *_: None)(bl, bl, bl, \"to_bits\")",
     "test_range_check_refuses_values_at_and_past_its_bound"),
    # a comparator that does not range-check an untyped operand
    ("circuits/gadgets/comparators.py", "            x = api.as_uint(x, n)", "            pass",
     "test_comparators_refuse_operands_past_their_width"),
    # a Merkle path bit that is not constrained boolean
    ("circuits/gadgets/merkle.py", "b = api.as_bool(b)", "b = Var(api, b.lc, b.value, 1, True)",
     "test_merkle_path_bits_must_be_boolean"),
    # a mux whose index is not range-checked below n
    ("circuits/gadgets/logic.py", "assert_lt(api, api.from_bits(bits), n, bits=k)", "pass",
     "test_mux_refuses_an_index_out_of_range"),
    # SMT non-membership shown with the key's own leaf
    ("circuits/gadgets/smt.py", "api.enforce(api.mul(api.mul(f, 1 - is0), en), same, 0, \"smt/old_key_differs\")",
     "pass", "test_smt_non_membership_cannot_use_the_keys_own_leaf"),
    # EdDSA without S < l (a second encoding S + l of every signature)
    ("circuits/gadgets/eddsa.py", "assert_bits_le_constant(api, s_bits, bj.SUBORDER - 1)", "pass",
     "test_eddsa_refuses_s_plus_l_and_other_messages"),
    # non-native integers: a quotient whose limbs are not range-checked (q written limb + 2**w, next - 1)
    ("circuits/gadgets/bigint.py", "    q = _checked(api, outs[:kq], q_bits, w) if kq else None",
     "    q = BigInt(tuple(outs[:kq]), w, tuple((0, (1 << b) - 1) for b in q_bits)) if kq else None",
     "test_bigint_quotient_carries_and_limbs_cannot_be_forged"),
    # non-native integers: carries not range-checked (the identity then holds only modulo r)
    ("circuits/gadgets/bigint.py", "        _range(api, wires[at], lo, hi)", "        pass",
     "test_bigint_quotient_carries_and_limbs_cannot_be_forged"),
    # RSA without s < n (s + n verifies too)
    ("circuits/gadgets/rsa.py", "        bi.assert_less_than(api, s, n)", "        pass",
     "test_rsa_refuses_s_plus_n_and_other_digests"),

    # Keccak's XOR row swapped for a booleanity row of the output (the same count)
    ("circuits/gadgets/keccak.py", "api.enforce(api.scale(a, 2), b, a + b - out, \"xor\")",
     "api.enforce(out, out, out, \"xor\")", "test_keccak_xor_and_parity_every_input"),
    # the one-row chi and XOR3 (q * (p2 + k out) = p3) swapped for a booleanity row of the output
    ("circuits/gadgets/keccak.py", "api.enforce(q, rest, p3, op, checked=False)",
     "api.enforce(out, out, out, op, checked=False)", "test_keccak_chi_every_input"),
    # the witness reads the wrong bit of the small sum (chi's and XOR3's rows are not checked in
    # solve: the digest's assert_equal fails, then the debug replay names the row)
    ("circuits/gadgets/keccak.py", "hints.bits(2, 1 - bit)", "hints.bits(2, bit)", "test_keccak_chi_every_input"),

    # SHA-256's one-row XOR3 and Maj ((2s - 3) * (...) = 3) swapped for a booleanity row of the output
    ("circuits/gadgets/sha256.py", "api.enforce(api.lincomb([(s, 2)], -3), second, 3, what, checked=False)",
     "api.enforce(out, out, out, what, checked=False)", "test_sha256_pieces_every_input"),
    # the majority's row written with the XOR's second factor (it then pins m to the XOR)
    ("circuits/gadgets/sha256.py", "if bit == 0 else api.lincomb([(out, 8), (s, -2)], -1)",
     "if bit < 2 else api.lincomb([(out, 8), (s, -2)], -1)", "test_sha256_pieces_every_input"),
    # the witness reads the wrong bit of a + b + c (the rows are not checked in solve: the R1CS is)
    ("circuits/gadgets/sha256.py", "hints.bits(2, 1 - bit)", "hints.bits(2, bit)",
     "test_sha256_pieces_every_input"),

    # ECDSA without s < n (s + n fits the limbs for a small s: the same signature mod n)
    ("circuits/gadgets/ecdsa.py", "        bi.assert_less_than(api, ss, curve.n)", "        pass",
     "test_ecdsa_refuses_s_plus_n_and_a_chosen_last_slope"),
    # secp256k1's GLV split not checked: another digest's split computes the honest point
    ("circuits/gadgets/ecdsa.py",
     "    bi.assert_equal(api, bi.add(api, k1, bi.add(api, bi.scale(api, c1, e.a1), bi.scale(api, c2, e.a2))), u)",
     "    pass", "test_ecdsa_glv_split_is_checked"),
    # the split's second identity dropped: |k2| and its sign are then free (k1 + (k2 + 1) lam for another digest)
    ("circuits/gadgets/ecdsa.py",
     "    bi.assert_equal(api, bi.add(api, signed, bi.scale(api, c2, e.b2)), bi.scale(api, c1, -e.b1))",
     "    pass", "test_ecdsa_glv_split_k2_is_checked"),
    # mod_div without its folded check (the table's slopes, s**-1): a product off by one passes
    ("circuits/gadgets/bigint.py", "    _folded_zero(api, terms, m, w, k, plan)",
     "    pass", "test_mod_div_folded_quotient_and_carry_cannot_be_forged"),
    # the unreduced identities without their folded check (the loop's slopes, the end): the last slope is free
    ("circuits/gadgets/_folded.py", "    _folded_zero(api, [(1, list(num.cols)), (-1, xf)], m, w, k, plan)",
     "    pass", "test_ecdsa_refuses_s_plus_n_and_a_chosen_last_slope"),
    # the folded check without the quotient's range (D = q m holds only modulo r)
    ("circuits/gadgets/_fold.py", "    _range(api, q, q_lo, q_hi)", "    pass",
     "test_mod_div_folded_quotient_and_carry_cannot_be_forged"),
    # the folded check without the carry's range (D = q m modulo r only, not modulo 2**(32 g))
    ("circuits/gadgets/_fold.py", "    _range(api, api.scale(lvar, pow(2, -width * g, R)), c_lo, c_hi)", "    pass",
     "test_mod_div_folded_quotient_and_carry_cannot_be_forged"),
    # mod_div's identity with carries (limbs too wide for the folded check) skipped when it divides
    ("circuits/gadgets/bigint.py", "        _assert_product_identity(api, x, ff, None, None, sub(api, zero, add(api, ee, qm)))",
     "        pass", "tests/circuits/test_bigint.py::test_mod_div_with_wide_limbs_keeps_the_identity_with_carries"),
    # session 11, unreduced sums (circuits/gadgets/_folded.py): a fold's bounds too small (high columns dropped)
    ("circuits/gadgets/_folded.py", "bounds[j] = (bounds[j][0] + lo, bounds[j][1] + hi)", "pass",
     "tests/circuits/test_bigint.py::test_folded_limbs_lie_within_their_bounds_at_the_extremes"),
    # a combination's lower bounds never going down (a negative term's part dropped)
    ("circuits/gadgets/_folded.py", "            bounds[i] = (bounds[i][0] + lo, bounds[i][1] + hi)",
     "            bounds[i] = (bounds[i][0], bounds[i][1] + hi)",
     "tests/circuits/test_bigint.py::test_folded_limbs_lie_within_their_bounds_at_the_extremes"),
    # reduce's value not range-checked: a limb past 32 bits (the same integer) passes the identity
    ("circuits/gadgets/_folded.py", "        bits.extend(api.to_bits(v, nb))", "        pass",
     "test_p256_unreduced_steps_cannot_be_forged"),
    # P-256's step: the y of 2 P0 missing from the last identity (a product term dropped)
    ("circuits/gadgets/ecdsa.py", "(1, fo.product(api, mu, bi.sub(api, x1, x4))), (-1, pp), (1, lin(y0))",
     "(1, fo.product(api, mu, bi.sub(api, x1, x4))), (1, lin(y0))", "test_p256_unreduced_steps_cannot_be_forged"),
    # the step's y copied to wires of its own without the equality: the next step reads a free number
    ("circuits/gadgets/ecdsa.py", "        api.assert_equal(w, v)", "        pass", "test_p256_unreduced_steps_cannot_be_forged"),
)


def _search(cls: type, assignment: Circuit, *, movable: tuple[str, ...] = (), free_ok: int = 0) -> ForgerySearch:
    """The harness on the honest witness of ``assignment``; wires that move alone are
    counted (``free_ok`` of them are documented free variables) and excluded."""
    cs = compile(cls)
    w = cs.solve(assignment)
    loose = unbound_wires(cs, w)
    assert len(loose) == free_ok, f"free wires {loose}"
    moving = [x for name in movable for x in input_wires(cs, name)]
    return ForgerySearch(cs, w, movable=moving, free=loose)


def _none(found: list[Any]) -> None:
    assert not found, "\n".join(str(f) for f in found[:5])


# ------------------------------------------------------------------ is_zero, is_equal


class IsZeroEq(Circuit):
    z: Public[Bool]
    e: Public[Bool]
    x: Secret[Field]
    y: Secret[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(g.is_zero(api, self.x), self.z)
        api.assert_equal(g.is_equal(api, self.x, self.y), self.e)


@pytest.mark.parametrize("x,y", [(3, 4), (0, 5), (7, 7), (R - 1, 1), (0, 0)])
def test_is_zero_and_is_equal_outputs_cannot_be_forged(x: int, y: int) -> None:
    s = _search(IsZeroEq, IsZeroEq(z=int(x == 0), e=int(x == y), x=x, y=y), free_ok=int(x == 0) + int(x == y))
    z, e = 1, 2
    claims = [{z: 1 - int(x == 0)}, {e: 1 - int(x == y)}, {z: 1 - int(x == 0), e: 1 - int(x == y)}]
    _none(s.forge_all(claims))
    _none(s.sweep() + s.pairs() + s.non_boolean())
    x1 = (x + 1) % R
    assert s.forge({3: x1, z: int(x1 == 0), e: int(x1 == y)}) is not None  # a true claim


# ------------------------------------------------------------------ bits and ranges


@pytest.mark.parametrize("n", [9, 16])
def test_range_check_refuses_values_at_and_past_its_bound(n: int) -> None:
    class C(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            g.range_check(api, self.x, n)

    s = _search(C, C(x=5))
    _none(s.forge_all([{1: v} for v in (1 << n, (1 << n) + 1, 10**6, R - 1, R - (1 << n))]))
    for v in (0, (1 << n) - 1):
        assert s.forge({1: v}) is not None  # the bits of a value in range are re-derived
    _none(s.sweep() + s.pairs() + s.non_boolean())


@pytest.mark.parametrize("n", [8, 253])
def test_to_bits_outputs_are_the_bits_of_the_input(n: int) -> None:
    class C(Circuit):
        bits: Public[Bool, n]
        x: Secret[Field]

        def define(self, api: Any) -> None:
            for b, want in zip(g.to_bits(api, self.x, n), self.bits):
                api.assert_equal(b, want)

    x = (1 << n) - 3
    cs = compile(C)
    s = ForgerySearch(cs, cs.solve(C(bits=[(x >> i) & 1 for i in range(n)], x=x)), movable=input_wires(cs, "bits"))
    xw = input_wires(cs, "x")[0]
    _none(s.forge_all([{xw: v} for v in (1 << n, R - 1, x + R - (1 << n) if n < 253 else R - 2)]))
    locked = ForgerySearch(cs, cs.solve(C(bits=[(x >> i) & 1 for i in range(n)], x=x)))
    bit_wires = input_wires(cs, "bits")
    _none(locked.forge_all([{w: 1 - ((x >> i) & 1)} for i, w in enumerate(bit_wires[:3] + bit_wires[-2:])]))
    _none(locked.non_boolean(bit_wires[:4]))
    assert s.forge({xw: 200}) is not None


def test_strict_bits_refuse_the_alias_and_non_booleans() -> None:
    class C(Circuit):
        bits: Public[Bool, 254]
        x: Secret[Field]

        def define(self, api: Any) -> None:
            for b, want in zip(g.to_bits_strict(api, self.x), self.bits):
                api.assert_equal(b, want)

    cs = compile(C)
    bits = input_wires(cs, "bits")
    for x in (5, (1 << 254) - R - 1):
        s = ForgerySearch(cs, cs.solve(C(bits=[(x >> i) & 1 for i in range(254)], x=x)))
        alias = x + R
        assert alias < 1 << 254
        _none(s.forge_all([{w: (alias >> i) & 1 for i, w in enumerate(bits)}]))
        _none(s.non_boolean(bits[:2] + bits[-2:]))
        moving = ForgerySearch(cs, cs.solve(C(bits=[(x >> i) & 1 for i in range(254)], x=x)), movable=bits)
        assert moving.forge({input_wires(cs, "x")[0]: R - 1}) is not None


# ------------------------------------------------------------------ comparators

COMPARE: dict[str, tuple[Callable[..., Any], Callable[[int, int], bool]]] = {
    "lt": (g.is_lt, lambda a, b: a < b), "le": (g.is_le, lambda a, b: a <= b),
    "gt": (g.is_gt, lambda a, b: a > b), "ge": (g.is_ge, lambda a, b: a >= b)}


@pytest.mark.parametrize("name", list(COMPARE))
def test_comparators_refuse_operands_past_their_width(name: str) -> None:
    fn, py = COMPARE[name]

    class C(Circuit):
        out: Public[Bool]
        a: Secret[Field]
        b: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(fn(api, self.a, self.b, bits=8), self.out)

    honest = C(out=int(py(3, 200)), a=3, b=200)
    s = _search(C, honest)
    free = _search(C, honest, movable=("out",))
    out, a, b = 1, 2, 3
    inside = (0, 1, 254, 255)
    for va, vb in itertools.product(inside, inside):
        assert s.forge({a: va, b: vb, out: 1 - int(py(va, vb))}) is None, (va, vb)
        assert s.forge({a: va, b: vb, out: int(py(va, vb))}) is not None, (va, vb)
    past = [(v, 5) for v in (256, 257, R - 1, R - 256)] + [(5, v) for v in (256, R - 1)] + [(R - 1, R - 1)]
    _none(free.forge_all([{a: va, b: vb} for va, vb in past]))
    _none(s.sweep() + s.pairs() + s.non_boolean())


@pytest.mark.parametrize("fn,py", [(g.assert_lt, lambda a, b: a < b), (g.assert_le, lambda a, b: a <= b),
                                   (g.assert_gt, lambda a, b: a > b), (g.assert_ge, lambda a, b: a >= b)])
def test_assert_comparisons_at_their_bounds(fn: Callable[..., None], py: Callable[[int, int], bool]) -> None:
    class C(Circuit):
        a: Secret[Field]
        b: Secret[Field]

        def define(self, api: Any) -> None:
            fn(api, self.a, self.b, bits=8)

    va, vb = (3, 200) if py(3, 200) else (200, 3)
    s = _search(C, C(a=va, b=vb))
    for x, y in itertools.product((0, 1, 254, 255, 256, R - 1), repeat=2):
        ok = x < 256 and y < 256 and py(x, y)
        assert (s.forge({1: x, 2: y}) is not None) == ok, (x, y)


# ------------------------------------------------------------------ logic, select, mux


def test_logic_gates_every_input() -> None:
    class C(Circuit):
        out: Public[Field, 7]
        a: Secret[Bool]
        b: Secret[Bool]
        c: Secret[Bool]

        def define(self, api: Any) -> None:
            a, b, c = self.a, self.b, self.c
            outs = [g.and_(api, a, b), g.or_(api, a, b), g.xor(api, a, b), g.not_(api, a),
                    g.all_of(api, [a, b, c]), g.any_of(api, [a, b, c]), g.select(api, a, b, c)]
            for got, want in zip(outs, self.out):
                api.assert_equal(got, want)

    for a, b, c in itertools.product((0, 1), repeat=3):
        want = [a & b, a | b, a ^ b, 1 - a, a & b & c, a | b | c, b if a else c]
        s = _search(C, C(out=want, a=a, b=b, c=c), free_ok=int(a & b & c) + int(not a | b | c))
        _none(s.forge_all([{1 + i: v} for i in range(7) for v in (1 - want[i], 2)]))
        _none(s.sweep() + s.pairs())
        moving = _search(C, C(out=want, a=a, b=b, c=c), movable=("out",), free_ok=int(a & b & c) + int(not a | b | c))
        _none(moving.non_boolean(input_wires(compile(C), "a") + input_wires(compile(C), "b")))


def test_is_in_output_cannot_be_forged() -> None:
    class C(Circuit):
        inside: Public[Bool]
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(g.is_in(api, self.x, [250, 276, 380]), self.inside)

    for x in (250, 276, 380, 0, 251):
        s = _search(C, C(inside=int(x in (250, 276, 380)), x=x), free_ok=int(x in (250, 276, 380)))
        _none(s.forge_all([{1: 1 - int(x in (250, 276, 380))}]))
        _none(s.sweep() + s.pairs())


@pytest.mark.parametrize("n", [5, 8])
def test_mux_refuses_an_index_out_of_range(n: int) -> None:
    class M(Circuit):
        out: Public[Field]
        options: Secret[Field, n]
        index: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(g.mux(api, list(self.options), self.index), self.out)

    opts = [1000 + 7 * i for i in range(n)]
    s = _search(M, M(out=opts[1], options=opts, index=1), movable=("out",))
    locked = _search(M, M(out=opts[1], options=opts, index=1))
    idx = input_wires(compile(M), "index")[0]
    _none(s.forge_all([{idx: v} for v in (n, n + 1, 1 << 3, 1 << 4, R - 1)]))
    _none(locked.forge_all([{1: o} for o in opts if o != opts[1]] + [{1: 0}]))
    for i in range(n):
        assert (s.forge({idx: i}) is not None) == (i != 1)  # the honest index itself is no forgery
    _none(locked.sweep() + locked.pairs() + locked.non_boolean())


# ------------------------------------------------------------------ Merkle, SMT, nullifier, hashes


def test_merkle_path_bits_must_be_boolean() -> None:
    class Member(Circuit):
        root: Public[Field]
        leaf: Secret[Field]
        path: Secret[Field, 2]
        siblings: Secret[Field, 2]

        def define(self, api: Any) -> None:
            api.assert_equal(g.merkle_root(api, self.leaf, list(self.path), list(self.siblings)), self.root)

    tree = MerkleTree(depth=2, leaves=[5, 6, 7])
    p = tree.proof(2)
    honest = Member(root=tree.root, leaf=7, path=list(p.path_bits), siblings=list(p.siblings))
    cs = compile(Member)
    path, leaf = input_wires(cs, "path"), input_wires(cs, "leaf")[0]
    moving = _search(Member, honest, movable=("root",))
    _none(moving.non_boolean(path))
    locked = _search(Member, honest)
    _none(locked.forge_all([{leaf: 8}, {leaf: 5}, {path[0]: 1 - p.path_bits[0]}]))
    assert moving.forge({path[0]: 1 - p.path_bits[0]}) is not None


def _smt_member(levels: int) -> type:
    class SmtMember(Circuit):
        root: Public[Field]
        sibs: Secret[Field, levels]
        k: Secret[Field]
        v: Secret[Field]

        def define(self, api: Any) -> None:
            g.assert_smt_member(api, self.root, list(self.sibs), self.k, self.v)

    return SmtMember


def test_smt_membership_of_another_value_or_key_is_refused() -> None:
    tree = SparseMerkleTree({3: 30, 9: 90, 12: 120, 17: 170})
    cls = _smt_member(5)
    p = tree.prove(9).circuit_inputs(5)
    s = _search(cls, cls(root=p["root"], sibs=p["siblings"], k=9, v=90), free_ok=sum(x == 0 for x in p["siblings"][:-1]))
    cs = compile(cls)
    k, v = input_wires(cs, "k")[0], input_wires(cs, "v")[0]
    _none(s.forge_all([{v: 91}, {v: 0}, {k: 3}, {k: 4}, {k: 3, v: 30}]))


def test_smt_non_membership_cannot_use_the_keys_own_leaf() -> None:
    class NonMember(Circuit):
        root: Public[Field]
        sibs: Secret[Field, 5]
        k: Secret[Field]
        ok: Secret[Field]
        ov: Secret[Field]
        is0: Secret[Field]

        def define(self, api: Any) -> None:
            g.assert_smt_non_member(api, self.root, list(self.sibs), self.k, self.ok, self.ov, self.is0)

    tree = SparseMerkleTree({3: 30, 9: 90, 12: 120, 17: 170})
    absent = tree.prove(5).circuit_inputs(5)
    honest = NonMember(root=absent["root"], sibs=absent["siblings"], k=5, ok=absent["old_key"],
                       ov=absent["old_value"], is0=absent["is_old0"])
    cs = compile(NonMember)
    s = ForgerySearch(cs, cs.solve(honest), free=unbound_wires(cs, cs.solve(honest)))
    wire = {name: input_wires(cs, name) for name in ("sibs", "k", "ok", "ov", "is0")}

    def claim(key: int, old_key: int, old_value: int) -> dict[int, int]:
        present = tree.prove(key).circuit_inputs(5)
        out = {w: x for w, x in zip(wire["sibs"], present["siblings"])}
        out.update({wire["k"][0]: key, wire["ok"][0]: old_key, wire["ov"][0]: old_value, wire["is0"][0]: 0})
        return out

    assert s.forge(claim(9, 9, 90)) is None  # "9 is absent", shown with 9's own leaf
    assert s.forge(claim(12, 12, 120)) is None
    _none(s.non_boolean(wire["is0"]))


def test_nullifier_binds_secret_and_scope() -> None:
    class N(Circuit):
        scope: Public[Field]
        null: Public[Field]
        secret: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(g.nullifier(api, self.secret, self.scope), self.null)

    s = _search(N, N(scope=3, null=nullifier_native(42, 3), secret=42))
    _none(s.forge_all([{3: 43}, {1: 4}, {2: nullifier_native(42, 3) + 1}, {1: 4, 3: 41}]))
    assert s.forge({1: 4, 2: nullifier_native(42, 4)}) is not None
    _none(s.sweep(s.internal[:12]))


def test_poseidon_output_is_determined() -> None:
    class P(Circuit):
        d: Public[Field]
        xs: Secret[Field, 2]

        def define(self, api: Any) -> None:
            api.assert_equal(g.poseidon(api, list(self.xs)), self.d)

    honest = P(d=poseidon_native([1, 2]), xs=[1, 2])
    s = _search(P, honest)
    _none(s.forge_all([{2: 2}, {3: 1}, {2: 2, 3: 1}, {1: poseidon_native([1, 2]) + 1}]))
    assert s.forge({2: 5, 1: poseidon_native([5, 2])}) is not None
    moving = _search(P, honest, movable=("d",))
    first, last = moving.internal[1:9], moving.internal[-8:]
    _none(moving.sweep(first + last) + moving.pairs(first + last, max_pairs=20))


def test_mimc_outputs_are_determined() -> None:
    class M(Circuit):
        out: Public[Field]
        x: Secret[Field]
        k: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(g.mimc7(api, self.x, self.k), self.out)

    from circuits.native.mimc import mimc7

    s = _search(M, M(out=mimc7(3, 4), x=3, k=4), movable=("out",))
    picked = s.internal[:10] + s.internal[-10:]
    _none(s.sweep(picked) + s.pairs(picked, max_pairs=20))
    locked = _search(M, M(out=mimc7(3, 4), x=3, k=4))
    _none(locked.forge_all([{2: 4}, {3: 3}, {1: mimc7(3, 4) + 1}]))


def test_sha256_pieces_every_input() -> None:
    """The round functions and the modular addition of SHA-256, exhaustively on small words
    (a full block, 25k constraints, is in the soundness sweep)."""

    class Pieces(Circuit):
        out: Public[Bool, 3]
        x: Secret[Bool, 3]

        def define(self, api: Any) -> None:
            for got, want in zip((_xor3(api, *self.x), _ch(api, *self.x), _maj(api, *self.x)), self.out):
                api.assert_equal(got, want)

    for x in itertools.product((0, 1), repeat=3):
        want = [x[0] ^ x[1] ^ x[2], x[1] if x[0] else x[2], int(sum(x) >= 2)]
        s = _search(Pieces, Pieces(out=want, x=list(x)))
        _none(s.forge_all([{1 + i: 1 - want[i]} for i in range(3)]))
        _none(s.sweep() + s.pairs() + s.non_boolean())

    class Add(Circuit):
        out: Public[Bool, 32]
        a: Secret[Bool, 32]
        b: Secret[Bool, 32]

        def define(self, api: Any) -> None:
            for got, want in zip(_add(api, [list(self.a), list(self.b)], 0x9ABC), self.out):
                api.assert_equal(got, want)

    def word(v: int) -> list[int]:
        return [(v >> i) & 1 for i in range(32)]

    a, b = 0xFFFF_FFF0, 0x1234_5678
    total = (a + b + 0x9ABC) & 0xFFFF_FFFF
    s = _search(Add, Add(out=word(total), a=word(a), b=word(b)))
    outs = input_wires(compile(Add), "out")
    _none(s.forge_all([{outs[i]: 1 - ((total >> i) & 1)} for i in (0, 5, 31)]))
    _none(s.sweep() + s.pairs(max_pairs=60) + s.non_boolean())


def test_sha256_variable_length_and_padding_cannot_be_forged() -> None:
    """The secret length moved (the digest fixed), each padding wire (the one-hot of the
    length, the masks, the marker) moved alone and in pairs: no witness. The one free wire
    is is_zero's inverse where the length falls; a byte past the length moves freely."""
    from circuits.native.sha256 import sha256 as native_sha256

    max_len = 60  # two blocks: the length field moves to the second at 56 bytes

    class V(Circuit):
        digest: Public[UInt[8], 32]
        msg: Secret[UInt[8], max_len]
        n: Secret[Field]

        def define(self, api: Any) -> None:
            for got, want in zip(g.sha256_var_bytes(api, list(self.msg), self.n), self.digest):
                api.assert_equal(got, want)

    cs = compile(V)
    n_wire, last_byte = input_wires(cs, "n")[0], input_wires(cs, "msg")[max_len - 1]
    for n in (0, 56):
        data = bytes(range(1, n + 1))
        honest = V(digest=list(native_sha256(data)), msg=list(data) + [0xFF] * (max_len - n), n=n)
        s = _search(V, honest, free_ok=1)
        _none(s.forge_all([{n_wire: m} for m in (n - 1, n + 1, n + 8, max_len, max_len + 1)]))
    # a length past the maximum matches no position: the one-hot must still sum to 1, or
    # every digest selector is 0 and the witness the gadget computes proves an all-zero
    # digest (the whole compression changes, beyond the local repairs of the search)
    with pytest.raises(UnsatisfiedConstraintError, match="sha256_var"):
        cs.solve(V(digest=[0] * 32, msg=[1] * max_len, n=max_len + 1))
        padding = s.internal[:160]  # built before the compressions
        _none(s.sweep(padding) + s.pairs(padding, max_pairs=80) + s.non_boolean(padding))
        moved = _search(V, honest, movable=("msg",), free_ok=1)
        assert moved.forge({last_byte: 7}) is not None, "a byte past the length is ignored"

def test_keccak_xor_and_parity_every_input() -> None:
    """Keccak's XOR (one row, a new wire) and column parity (the low bit of a sum), on every
    input of up to five bits (the whole permutation is in the soundness sweep)."""

    class Parity(Circuit):
        out: Public[Bool, 4]
        x: Secret[Bool, 5]

        def define(self, api: Any) -> None:
            x = list(self.x)
            got = (_xor(api, x[0], x[1]), _parity(api, x[:3]), _parity(api, x[:4]), _parity(api, x))
            for g_, want in zip(got, self.out):
                api.assert_equal(g_, want)

    for x in itertools.product((0, 1), repeat=5):
        want = [x[0] ^ x[1], sum(x[:3]) % 2, sum(x[:4]) % 2, sum(x) % 2]
        s = _search(Parity, Parity(out=want, x=list(x)))
        _none(s.forge_all([{1 + i: 1 - want[i]} for i in range(4)]))
        _none(s.sweep() + s.pairs() + s.non_boolean())


def test_keccak_chi_every_input() -> None:
    class Chi(Circuit):
        out: Public[Bool]
        x: Secret[Bool, 3]

        def define(self, api: Any) -> None:
            api.assert_equal(_chi(api, *self.x), self.out)

    for a, b, c in itertools.product((0, 1), repeat=3):
        want = a ^ ((1 - b) & c)
        s = _search(Chi, Chi(out=want, x=[a, b, c]))
        _none(s.forge_all([{1: 1 - want}]))
        _none(s.sweep() + s.pairs() + s.non_boolean())


# ------------------------------------------------------------------ Baby Jubjub, EdDSA


def _point(k: int) -> list[int]:
    return list(bj.mul(bj.BASE8, k))


def test_babyjub_add_and_montgomery_hints_are_determined() -> None:
    class Add(Circuit):
        out: Public[Field, 2]
        p: Secret[Field, 2]
        q: Secret[Field, 2]

        def define(self, api: Any) -> None:
            x, y = g.edwards_add(api, tuple(self.p), tuple(self.q))
            api.assert_equal(x, self.out[0])
            api.assert_equal(y, self.out[1])
            g.assert_on_curve(api, tuple(self.p))
            u, v = g.babyjub.to_montgomery(api, tuple(self.q))
            x2, y2 = g.babyjub.from_montgomery(api, (u, v))
            api.assert_equal(x2, self.q[0])
            api.assert_equal(y2, self.q[1])

    p, q = _point(5), _point(7)
    honest = Add(out=list(bj.add(p, q)), p=p, q=q)
    s = _search(Add, honest)
    _none(s.forge_all([{1: (bj.add(p, q)[0] + 1) % R}, {2: 1}, {1: bj.add(p, p)[0], 2: bj.add(p, p)[1]},
                       {3: p[0] + 1}]))
    _none(s.sweep() + s.pairs() + s.non_boolean())


def test_babyjub_scalar_multiplication_bits_must_be_boolean() -> None:
    class Mul(Circuit):
        out: Public[Field, 2]
        e: Secret[Bool, 6]
        p: Secret[Field, 2]

        def define(self, api: Any) -> None:
            x, y = g.mul_any(api, list(self.e), tuple(self.p))
            api.assert_equal(x, self.out[0])
            api.assert_equal(y, self.out[1])

    p, k = _point(11), 37
    honest = Mul(out=list(bj.mul(p, k)), e=[(k >> i) & 1 for i in range(6)], p=p)
    cs = compile(Mul)
    e = input_wires(cs, "e")
    moving = _search(Mul, honest, movable=("out",))
    _none(moving.non_boolean(e))
    locked = _search(Mul, honest)
    _none(locked.forge_all([{e[0]: 0}, {1: bj.mul(p, k + 1)[0], 2: bj.mul(p, k + 1)[1]}]))
    assert locked.forge({e[1]: 1, 1: bj.mul(p, k + 2)[0], 2: bj.mul(p, k + 2)[1]}) is not None
    picked = locked.internal[:12] + locked.internal[-12:]
    _none(locked.sweep(picked) + locked.pairs(picked, max_pairs=30))


def test_eddsa_refuses_s_plus_l_and_other_messages() -> None:
    class Signed(Circuit):
        a: Public[Field, 2]
        m: Public[Field]
        r8: Secret[Field, 2]
        s: Secret[Field]

        def define(self, api: Any) -> None:
            g.eddsa_poseidon_verify(api, tuple(self.a), tuple(self.r8), self.s, self.m)

    key = PrivateKey(b"forgery test key")
    msg = next(m for m in range(1, 200) if key.sign(m).S + bj.SUBORDER < 1 << 251)
    sig = key.sign(msg)
    honest = Signed(a=list(key.public_key), m=msg, r8=list(sig.R8), s=sig.S)
    cs = compile(Signed)
    s = ForgerySearch(cs, cs.solve(honest))
    sw, mw = input_wires(cs, "s")[0], input_wires(cs, "m")[0]
    _none(s.forge_all([{sw: sig.S + bj.SUBORDER}, {mw: msg + 1}, {sw: sig.S + 1}]))
    other = key.sign(msg + 1)
    r8 = input_wires(cs, "r8")
    assert s.forge({mw: msg + 1, sw: other.S, r8[0]: other.R8[0], r8[1]: other.R8[1]}) is not None


def test_every_planted_bug_still_applies() -> None:
    """Each planted bug of ``make mutants`` (this file's list and tools/mutants.py) finds its
    text exactly once, so a refactoring cannot leave a mutant that no longer plants anything."""
    from pathlib import Path

    from tools.mutants import MUTANTS, forgery_mutants

    root = Path(__file__).resolve().parents[2]
    stale = [m.name for m in (*MUTANTS, *forgery_mutants()) if (root / m.path).read_text().count(m.old) != 1]
    assert not stale, stale


# ------------------------------------------------------------------ non-native integers and RSA


MW, MK = 64, 5  # 320-bit numbers: past r, so a sum off by a multiple of r is a real threat


def _mul_mod_circuit(canonical: bool) -> type:
    from circuits.gadgets import bigint as bi

    class MulMod(Circuit):
        r: Public[Field, MK]
        a: Secret[UInt[MW], MK]
        b: Secret[UInt[MW], MK]
        m: Secret[Field, MK]

        def define(self, api: Any) -> None:
            a, b = bi.from_limbs(api, list(self.a), MW), bi.from_limbs(api, list(self.b), MW)
            m = bi.from_limbs(api, list(self.m), MW, bits=[MW] * (MK - 1) + [MW - 1], low=[0] * (MK - 1) + [1])
            bi.assert_equal(api, bi.mul_mod(api, a, b, m, canonical=canonical), bi.from_limbs(api, list(self.r), MW))

    return MulMod


def _limbs64(x: int, k: int = MK) -> list[int]:
    """``k`` limbs of 64 bits, the last one the rest."""
    return [(x >> (MW * i)) & (2**MW - 1) if i < k - 1 else x >> (MW * i) for i in range(k)]


def _field_carries(width: int, *parts: Any) -> list[int]:
    """Carries that satisfy the identity ``a * b - q * m - r`` in the field whatever the
    integers: ``(col_i + c_{i-1}) / 2**width`` mod r (the integer carries when the columns
    divide, huge otherwise). Normalisations (no ``q * m`` term) keep their floor carries."""
    from zkp.program import limbs_carries

    if not parts[2]:
        return limbs_carries(width, *parts)
    n = len(limbs_carries(width, *parts)) + 1
    a, b, c, d, e = ([v - R if v > R // 2 else v for v in p] for p in parts)
    cols = [sum(a[i] * b[j - i] for i in range(len(a)) if 0 <= j - i < len(b))
            - sum(c[i] * d[j - i] for i in range(len(c)) if 0 <= j - i < len(d))
            - (e[j] if j < len(e) else 0) for j in range(n)]
    out, carry, inv = [], 0, pow(1 << width, -1, R)
    for col in cols[:-1]:
        carry = (col + carry) * inv % R
        out.append(carry)
    return out


def _forged_mul_mod(monkeypatch: Any, cs: Any, assignment: Any, quotient: Callable[[int], list[int]],
                    remainder: list[int], *, field_carries: bool = False) -> Any:
    """The malicious prover's witness: the DIVMOD hint returns the chosen quotient limbs
    (``quotient(kq)``) and remainder limbs, every other wire (the carries too, by
    :func:`_field_carries` with ``field_carries``) computed from them; None when some
    constraint refuses it (define run by the solver checks each row)."""
    patches: dict[str, Any] = {"limbs_divmod": lambda width, a, b, m, kq, kr: quotient(kq) + remainder}
    if field_carries:
        patches["limbs_carries"] = _field_carries
    return _solve_with_hints(monkeypatch, cs, assignment, patches)


def _solve_with_hints(monkeypatch: Any, cs: Any, assignment: Any, patches: dict[str, Any]) -> Any:
    """The witness the debug solver computes with the native hints ``patches`` replaced (a
    malicious prover's choices), checked against the R1CS; None when some row refuses it."""
    from circuits.engine import hints as hint_module

    for name, fn in patches.items():
        monkeypatch.setattr(hint_module, name, fn)
    try:
        w = cs.solve(assignment, debug=True)
    except UnsatisfiedConstraintError:
        return None
    finally:
        monkeypatch.undo()
    assert cs.r1cs.is_satisfied(w.values())
    return w


def test_bigint_quotient_carries_and_limbs_cannot_be_forged(monkeypatch: Any) -> None:
    """A quotient off by one, a limb past its width (the same integer written ``limb +
    2**64`` beside ``next - 1``), a remainder off by r (``r + R``: the identity then holds
    modulo r, with carries that are not integers), a non-canonical remainder: no witness.
    The controls: without ``canonical`` the remainder ``r + m`` (quotient ``q - 1``) is
    allowed and found; the honest values pass with carries computed in the field."""
    from circuits.testing import scope_wires

    a, b, m = 3**200 % 2**320, 7**110 % 2**320, 5**128 + 2**300 + 12345
    q, r = divmod(a * b, m)
    assert r + m < 2**320 and r + R < 2**320
    rl = _limbs64(r)
    for canonical in (False, True):
        cls = _mul_mod_circuit(canonical)
        cs = compile(cls)
        with_r = lambda x: cls(r=_limbs64(x), a=_limbs64(a), b=_limbs64(b), m=_limbs64(m))  # noqa: E731
        w = cs.solve(with_r(r))
        assert unbound_wires(cs, w) == []
        found = _forged_mul_mod(monkeypatch, cs, with_r(r + m), lambda k: _limbs64(q - 1, k), _limbs64(r + m))
        assert (found is None) == canonical
        assert _forged_mul_mod(monkeypatch, cs, with_r(r), lambda k: _limbs64(q, k), rl, field_carries=True) is not None
        for assignment, quotient, remainder in [
                (with_r(r), lambda k: _limbs64(q + 1, k), rl), (with_r(r), lambda k: _limbs64(q - 1, k), rl),
                (with_r(r), lambda k: [_limbs64(q, k)[0] + 2**MW, _limbs64(q, k)[1] - 1, *_limbs64(q, k)[2:]], rl),
                (with_r(r), lambda k: _limbs64(q, k), [rl[0] + 2**MW, rl[1] - 1, *rl[2:]]),
                (with_r(r + R), lambda k: _limbs64(q, k), _limbs64(r + R)),
                (with_r(r + 1), lambda k: _limbs64(q, k), _limbs64(r + 1))]:
            assert _forged_mul_mod(monkeypatch, cs, assignment, quotient, remainder) is None
            assert _forged_mul_mod(monkeypatch, cs, assignment, quotient, remainder, field_carries=True) is None
    s = ForgerySearch(cs, w)  # the canonical circuit: single wires moved, the rest repaired
    h = s.honest
    carries, divmod_wires = scope_wires(cs, "bigint.carries"), scope_wires(cs, "bigint.divmod")
    _none(s.forge_all([{x: (h[x] + d) % R} for x in carries for d in (1, -1)]))  # a carry off by one
    _none(s.sweep(divmod_wires[:2] + divmod_wires[-2:]))  # quotient and remainder limbs


def _mod_mul_circuit(m: int, k: int) -> Any:
    """``x == a * b (mod m)`` through :func:`~circuits.gadgets.bigint.mod_div`, ``k`` limbs of
    32 bits each: the compiled system."""
    from circuits.gadgets import bigint as bi

    class ModMul(Circuit):
        a: Secret[UInt[32], k]
        b: Secret[UInt[32], k]
        x: Public[UInt[32], k]

        def define(self, api: Any) -> None:
            a, b, x = (bi.from_limbs(api, list(v), 32) for v in (self.a, self.b, self.x))
            bi.assert_equal(api, bi.mod_div(api, m, ab=(a, b)), x)

    return ModMul, compile(ModMul)


def _forged_mod_div(monkeypatch: Any, cs: Any, assignment: Any, x: list[int]) -> Any:
    """The witness with ``MODDIV`` returning the limbs ``x`` (the folded check's quotient and
    carry follow from them: linear combinations), or None when some constraint refuses it."""
    return _solve_with_hints(monkeypatch, cs, assignment, {"limbs_moddiv": lambda *args: list(x)})


def test_mod_div_folded_quotient_and_carry_cannot_be_forged(monkeypatch: Any) -> None:
    """The folded check of ``mod_div`` (``q = D / m`` and ``c = (L - q m) / 2**(32 g)`` in the
    field, both range-checked): a value off by one (one limb: only the quotient's range
    refuses it) or off by r (eight limbs on secp256k1's p: ``D - q m`` is then a multiple of
    r, only the carry's range refuses it) has no witness. The controls: the honest value, and
    ``x + m`` (a value congruent modulo m, which ``mod_div`` allows below ``2**256``), pass."""
    from circuits.native import ecdsa as ne
    from circuits.native.bigint import to_limbs

    for m, k, a, b in ((2**31 - 1, 1, 123456789, 987654321), (ne.SECP256K1.p, 8, 5, 7)):
        cls, cs = _mod_mul_circuit(m, k)
        x = a * b % m
        limbs = lambda v: to_limbs(v, 32, k)  # noqa: E731
        at = lambda v: cls(a=limbs(a), b=limbs(b), x=limbs(v))  # noqa: E731
        w = cs.solve(at(x))
        assert cs.r1cs.is_satisfied(w.values()) and unbound_wires(cs, w) == []
        assert _forged_mod_div(monkeypatch, cs, at(x), limbs(x)) is not None
        if x + m < 2 ** (32 * k) and k > 1:
            assert _forged_mod_div(monkeypatch, cs, at(x + m), limbs(x + m)) is not None
        for wrong in (x + 1, x + R):
            if wrong < 2 ** (32 * k):
                assert _forged_mod_div(monkeypatch, cs, at(wrong), limbs(wrong)) is None, (m, wrong - x)


def _small_rsa() -> tuple[type, Any, int, int, bytes]:
    import hashlib

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    while True:  # s + n must fit the 32 limbs of 32 bits for the claim below: a key below 2**1024 - 2**1018
        key = rsa.generate_private_key(public_exponent=3, key_size=1024)
        n = key.public_key().public_numbers().n
        if n < 2**1024 - 2**1018:
            break

    class Rsa(Circuit):
        digest: Public[Bool, 256]
        sig: Secret[UInt[32], 32]

        def define(self, api: Any) -> None:
            g.rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), n, e=3, bits=1024)

    for i in range(10_000):  # a message whose signature s has s + n < 2**1024
        msg = b"forgery %d" % i
        sig = int.from_bytes(key.sign(msg, padding.PKCS1v15(), hashes.SHA256()), "big")
        if sig + n < 2**1024:
            break
    return Rsa, compile(Rsa), n, sig, hashlib.sha256(msg).digest()


@pytest.mark.large_circuit
def test_rsa_refuses_s_plus_n_and_other_digests() -> None:
    """``s + n`` is the same signature modulo n (it fits the limbs): refused by ``s < n``, by
    the honest solver and by the harness; another digest or ``s + 1`` likewise."""
    from circuits.compiler import input_values
    from circuits.native.rsa import signature_limbs
    from zkp.program import ProgramCheckFailed

    cls, cs, n, sig, digest = _small_rsa()
    bits = [(digest[i // 8] >> (7 - i % 8)) & 1 for i in range(256)]
    honest = cls(digest=bits, sig=signature_limbs(sig, 1024))
    w = cs.solve(honest)
    assert unbound_wires(cs, w) == []
    plus_n = signature_limbs(sig + n, 1024)
    with pytest.raises(ProgramCheckFailed):
        cs.program.run(input_values(cls, cls(digest=bits, sig=plus_n)))
    s = ForgerySearch(cs, w)
    sw, dw = input_wires(cs, "sig"), input_wires(cs, "digest")
    _none(s.forge_all([dict(zip(sw, plus_n)), {dw[255]: 1 - bits[255]}, {dw[0]: 1 - bits[0]},
                       {sw[0]: (s.honest[sw[0]] + 1) % R}]))


# ------------------------------------------------------------------ ECDSA and mod_div


def _ecdsa_small_s() -> tuple[type, Any, Any, dict[str, list[int]], int]:
    """secp256k1 with a key chosen so that a signature has ``s = 5`` (``s + n`` then fits
    the 256 bits of the limbs): the circuit, its compiled system, the curve, the honest
    assignment's fields and ``z``."""
    import hashlib

    from circuits.gadgets.ecdsa import ecdsa_verify
    from circuits.native import ecdsa as ne

    c = ne.SECP256K1
    z = ne.digest_int(c, hashlib.sha256(b"forgery").digest())
    k = 0x1234567
    kg = ne.scalar_mult(c, k, c.g)
    assert kg is not None
    r, s = kg[0] % c.n, 5
    d = (s * k - z) * pow(r, -1, c.n) % c.n
    q = ne.scalar_mult(c, d, c.g)
    assert q is not None and ne.verify(c, q, z, r, s) and s + c.n < 2**256

    class Ecdsa(Circuit):
        qx: Public[UInt[32], 8]
        qy: Public[UInt[32], 8]
        z: Public[UInt[32], 8]
        r: Secret[UInt[32], 8]
        s: Secret[UInt[32], 8]

        def define(self, api: Any) -> None:
            ecdsa_verify(api, c, self.qx, self.qy, self.z, self.r, self.s)

    fields = dict(qx=ne.limbs(q[0]), qy=ne.limbs(q[1]), z=ne.limbs(z), r=ne.limbs(r), s=ne.limbs(s))
    return Ecdsa, compile(Ecdsa), c, fields, z


def _chosen_last_slope(monkeypatch: Any, cs: Any, assignment: Any, c: Any, r: int, at: int) -> Any:
    """Solve with a malicious ``MODDIV``: its call number ``at`` (the slope of the last
    addition, ``a b - c d - e = y2 - y1``, ``f = x2 - x1``) returns ``lam`` with ``lam**2 = r + x1 + x2``
    (mod p) and the floor quotient; every other call honest. The witness, or None when some
    constraint refuses it; ``"no root"`` when ``r + x1 + x2`` is no square."""
    from circuits.engine import hints as hint_module
    from circuits.errors import UnsatisfiedConstraintError
    from zkp.program import limbs_moddiv

    seen: list[int] = []
    state: dict[str, bool] = {}

    def value(width: int, limbs: Any) -> int:
        return sum((v - R if v > R // 2 else v) << (width * i) for i, v in enumerate(limbs))

    def malicious(width: int, a: Any, b: Any, cc: Any, d: Any, e: Any, f: Any, m: Any, kq: int, kr: int) -> list[int]:
        seen.append(1)
        if len(seen) != at:
            return limbs_moddiv(width, a, b, cc, d, e, f, m, kq, kr)
        shift = ne_shift(c)
        x2, fv, mv = shift[0], value(width, f), value(width, m)
        n = value(width, a) * value(width, b) - value(width, cc) * value(width, d) - value(width, e)
        target = (r + (x2 - fv) + x2) % c.p
        lam = pow(target, (c.p + 1) // 4, c.p)
        state["root"] = lam * lam % c.p == target
        q = (n - lam * fv) // mv
        mask = (1 << width) - 1
        return ([(q >> (width * i)) & mask if i < kq - 1 else (q >> (width * i)) % R for i in range(kq)]
                + [(lam >> (width * i)) & mask for i in range(kr)])

    monkeypatch.setattr(hint_module, "limbs_moddiv", malicious)
    try:
        w = cs.solve(assignment, debug=True)
    except UnsatisfiedConstraintError:
        return "no root" if not state.get("root") else None
    finally:
        monkeypatch.undo()
    return w if state.get("root") else "no root"


def ne_shift(c: Any) -> tuple[int, int]:
    """The constant ``-c A`` the gadget adds last (``c = 2**129 - 1`` with GLV, else ``4**0 + ... + 4**127``)."""
    from circuits.native import ecdsa as ne

    pt = ne.scalar_mult(c, 2**129 - 1 if c.glv is not None else sum(4**k for k in range(128)), ne.offset_point(c))
    assert pt is not None
    return pt[0], (-pt[1]) % c.p


@pytest.mark.large_circuit
def test_ecdsa_refuses_s_plus_n_and_a_chosen_last_slope(monkeypatch: Any) -> None:
    """``s + n`` (the same signature modulo n) is refused by ``s < n``. A prover free to pick
    the slope of the last addition ``acc + (-c A)`` reaches any ``x = lam**2 - x1 - x2``, so
    ``x = r`` for another digest: the malicious ``MODDIV`` hint returns that slope (a square
    root, for the first digest where one exists) and no witness follows. The control: with
    the honest digest and hints the same harness finds the witness."""
    from circuits.compiler import input_values
    from circuits.engine import hints as hint_module
    from circuits.native import ecdsa as ne
    from circuits.native.bigint import from_limbs
    from zkp.program import ProgramCheckFailed, limbs_moddiv

    cls, cs, c, fields, z = _ecdsa_small_s()
    honest = cls(**fields)
    assert cs.r1cs.is_satisfied(cs.solve(honest).values())
    with pytest.raises(ProgramCheckFailed):
        cs.program.run(input_values(cls, cls(**{**fields, "s": ne.limbs(5 + c.n)})))
    calls: list[int] = []
    monkeypatch.setattr(hint_module, "limbs_moddiv", lambda *a: calls.append(1) or limbs_moddiv(*a))
    cs.solve(honest, debug=True)
    monkeypatch.undo()
    r, last_slope = from_limbs(fields["r"], 32), len(calls) - 1  # x3 of the last addition follows
    outcomes = []
    for other in range(1, 30):
        got = _chosen_last_slope(monkeypatch, cs, cls(**{**fields, "z": ne.limbs(z + other)}), c, r, last_slope)
        outcomes.append(got)
        if not isinstance(got, str):
            break
    assert outcomes[-1] is None, "a chosen last slope was accepted"


def _replayed_split(monkeypatch: Any, cs: Any, assignment: Any, recorded: list[list[int]], start: int) -> Any:
    """Solve with the five ``MODDIV`` calls of ``u1``'s GLV split (from call ``start``)
    returning ``recorded`` (another digest's split), every other call honest: the witness, or
    None when some constraint refuses it."""
    from zkp.program import limbs_moddiv

    seen: list[int] = []

    def replay(*args: Any) -> list[int]:
        seen.append(1)
        at = len(seen) - 1 - start
        return list(recorded[at]) if 0 <= at < len(recorded) else limbs_moddiv(*args)

    return _solve_with_hints(monkeypatch, cs, assignment, {"limbs_moddiv": replay})


@pytest.mark.large_circuit
def test_ecdsa_glv_split_is_checked(monkeypatch: Any) -> None:
    """secp256k1's GLV split ``u1 = k1 + k2 lam (mod n)``: a prover who feeds the honest
    digest's split (``k1``, ``|k2|``, its sign, the hints' ``c1``, ``c2``) into the circuit of
    another digest computes the honest point, so only the split's check refuses it: no
    witness. The control: the same replay under the honest digest is found."""
    from circuits.engine import hints as hint_module
    from circuits.native import ecdsa as ne
    from zkp.program import limbs_moddiv

    cls, cs, c, fields, z = _ecdsa_small_s()
    calls: list[tuple[Any, list[int]]] = []

    def record(*args: Any) -> list[int]:
        out = limbs_moddiv(*args)
        calls.append((args, out))
        return out

    monkeypatch.setattr(hint_module, "limbs_moddiv", record)
    cs.solve(cls(**fields), debug=True)
    monkeypatch.undo()
    assert c.glv is not None
    b2 = ne.limbs(c.glv.b2)[:4]
    start = next(i for i, (args, _) in enumerate(calls) if list(args[2]) == b2)  # c1 = b2 u1 // n
    recorded = [out for _, out in calls[start:start + 5]]
    assert _replayed_split(monkeypatch, cs, cls(**fields), recorded, start) is not None
    other = cls(**{**fields, "z": ne.limbs(z + 1)})
    assert _replayed_split(monkeypatch, cs, other, recorded, start) is None


def _forged_k2(monkeypatch: Any, cs: Any, assignment: Any, c: Any, k2: int) -> Any:
    """Solve with ``u1``'s GLV split honest but for ``k2``: the split's fourth and fifth
    ``MODDIV`` calls (the sign of ``k2`` as its quotient by ``2**128``, then ``|k2|``) return
    those of ``k2``, every other call honest (``u1``'s split is the first whose ``b`` is
    ``b2``). The witness, or None when some constraint refuses it."""
    from circuits.engine import hints as hint_module
    from circuits.native import ecdsa as ne
    from zkp.program import limbs_moddiv

    b2, seen = ne.limbs(c.glv.b2)[:4], []

    def malicious(*args: Any) -> list[int]:
        if not seen and list(args[2]) == b2:
            seen.append(0)
        elif seen:
            seen.append(seen[-1] + 1)
        if seen and seen[-1] == 3:
            return [(-1 if k2 < 0 else 0) % R]
        if seen and seen[-1] == 4:
            return ne.limbs(abs(k2))[:4]
        return limbs_moddiv(*args)

    return _solve_with_hints(monkeypatch, cs, assignment, {"limbs_moddiv": malicious})


@pytest.mark.large_circuit
def test_ecdsa_glv_split_k2_is_checked(monkeypatch: Any) -> None:
    """The split's second identity ``k2 + c2 b2 = -c1 b1`` (with the first one it pins
    ``k2``): a prover who keeps ``k1``, ``c1``, ``c2`` honest for ``u1' = u1 - d lam`` (the
    digest ``z' = z - d lam s``, never signed) but claims ``k2' + d`` gets ``k1' + (k2' + d)
    lam = u1 (mod n)``, the honest point, so the signature ``(r, s)`` would verify for
    ``z'``: no witness, for ``d = 1`` (a magnitude off by one) and for a ``d`` that flips the
    sign of ``k2'``. The control: the same hints with the honest ``k2`` under the honest
    digest are found."""
    from circuits.native import ecdsa as ne

    cls, cs, c, fields, z = _ecdsa_small_s()
    e, s = c.glv, 5
    assert e is not None
    u1 = z * pow(s, -1, c.n) % c.n
    assert _forged_k2(monkeypatch, cs, cls(**fields), c, ne.glv_split(c, u1)[1]) is not None
    flips = (d for d in range(2**128 - 1, 2**128 - 30, -1) if ne.glv_split(c, (u1 - d * e.lam) % c.n)[1] < 0)
    for d in (1, next(flips)):
        other_z = (z - d * e.lam * s) % c.n
        k1, k2 = ne.glv_split(c, other_z * pow(s, -1, c.n) % c.n)
        assert (k1 + (k2 + d) * e.lam - u1) % c.n == 0 and abs(k2 + d) < 2**128
        assert _forged_k2(monkeypatch, cs, cls(**{**fields, "z": ne.limbs(other_z)}), c, k2 + d) is None, d


def _p256_steps() -> tuple[type, Any, dict[str, list[int]]]:
    """Two P-256 steps ``acc = 4 acc + P2`` (the second reads the first's unreduced ``x`` and
    ``y``), the result's ``x`` and ``y`` reduced: the circuit, its compiled system and the
    honest fields."""
    from circuits.gadgets import _folded as fo
    from circuits.gadgets import bigint as bi
    from circuits.gadgets.ecdsa import _double_double_add
    from circuits.native import ecdsa as ne

    c = ne.P256

    class Steps(Circuit):
        x0: Secret[UInt[32], 8]
        y0: Secret[UInt[32], 8]
        x2: Secret[UInt[32], 8]
        y2: Secret[UInt[32], 8]
        x: Public[UInt[32], 8]
        y: Public[UInt[32], 8]

        def define(self, api: Any) -> None:
            x0, y0, x2, y2, x, y = (bi.from_limbs(api, list(v), 32) for v in
                                    (self.x0, self.y0, self.x2, self.y2, self.x, self.y))
            acc = _double_double_add(api, c, _double_double_add(api, c, (x0, y0), (x2, y2)), (x2, y2))
            bi.assert_equal(api, fo.reduce(api, c.p, fo.linear(acc[0]))[0], x)
            bi.assert_equal(api, fo.reduce(api, c.p, fo.linear(acc[1]))[0], y)

    p0, p2 = ne.scalar_mult(c, 0xC0FFEE, c.g), ne.scalar_mult(c, 0xBEEF, c.g)
    out = ne.scalar_mult(c, 16 * 0xC0FFEE + 5 * 0xBEEF, c.g)
    assert p0 is not None and p2 is not None and out is not None
    fields = {k: ne.limbs(v) for k, v in (("x0", p0[0]), ("y0", p0[1]), ("x2", p2[0]), ("y2", p2[1]),
                                           ("x", out[0]), ("y", out[1]))}
    return Steps, compile(Steps, strict=True), fields


def _moddiv_moved(at: int, move: Callable[[int], int], *, spill: bool = False) -> Callable[..., list[int]]:
    """``MODDIV`` honest but for its call number ``at``, whose result ``v`` becomes
    ``move(v)`` (limbs of 32 bits, the top one the rest modulo r); with ``spill`` the same
    integer written with limb 0 past 32 bits (``limb0 + 2**32``, ``limb1 - 1``)."""
    from zkp.program import limbs_moddiv

    seen: list[int] = []

    def hint(*args: Any) -> list[int]:
        seen.append(1)
        out = limbs_moddiv(*args)
        if len(seen) - 1 != at:
            return out
        v = move(sum(x << (32 * i) for i, x in enumerate(out)))
        out = [(v >> (32 * i)) & (2**32 - 1) if i < len(out) - 1 else (v >> (32 * i)) % R for i in range(len(out))]
        return [out[0] + 2**32, (out[1] - 1) % R, *out[2:]] if spill else out

    return hint


def _p256_steps_model(fields: dict[str, list[int]], at: int, move: Callable[[int], int]) -> tuple[int, int]:
    """The ``x`` and ``y`` :func:`_p256_steps` computes when its value number ``at`` (the
    order of the ``MODDIV`` calls: per step ``lam0``, ``lam``, ``total``; then ``x``, ``y``)
    is ``move(v)`` instead of ``v`` and every later value honest given it: the outputs a
    forger claims (the identities after it hold)."""
    from circuits.native import ecdsa as ne
    from circuits.native.bigint import from_limbs

    c, p = ne.P256, ne.P256.p
    calls: list[int] = []

    def value(num: int, den: int = 1) -> int:
        calls.append(1)
        v = num * pow(den, -1, p) % p
        return move(v) if len(calls) - 1 == at else v

    x0, y0, x2, y2 = (from_limbs(fields[k], 32) for k in ("x0", "y0", "x2", "y2"))
    for _ in range(2):
        lam0 = value(3 * x0 * x0 + c.a, 2 * y0)
        x1 = lam0 * lam0 - 2 * x0
        y1 = lam0 * (x0 - x1) - y0
        lam = value(y2 - y1, x2 - x1)
        x3 = lam * lam - x1 - x2
        mu = value(2 * y1, x1 - x3) - lam
        x4 = mu * mu - lam * lam + x2
        x0, y0 = x4, mu * (x1 - x4) - y1
    return value(x0), value(y0)


@pytest.mark.large_circuit
def test_p256_unreduced_steps_cannot_be_forged(monkeypatch: Any) -> None:
    """P-256's step keeps ``x1``, ``x3`` and its result's ``x`` and ``y`` unreduced (identities of
    degree 3 and 4, fat operands): each of its values (three slopes per step, the last ``x``, ``y``)
    moved by one (only the quotient's range refuses it), by r (``D - q m`` then a multiple of
    r: the carry's range) or written with a limb past 32 bits (the same integer: the value's
    range), the outputs claimed those that follow from it: no witness; a wrong result with
    honest hints: none; the harness moving single wires finds none either. The control: the
    honest witness is found, through the same hint replaced at each call (``move`` the
    identity)."""
    from circuits.testing import scope_wires
    from circuits.native import ecdsa as ne
    from circuits.native.bigint import from_limbs

    cls, cs, fields = _p256_steps()
    honest = cls(**fields)
    w = cs.solve(honest)
    assert cs.r1cs.is_satisfied(w.values()) and unbound_wires(cs, w) == []
    assert _p256_steps_model(fields, -1, lambda v: v) == (from_limbs(fields["x"], 32), from_limbs(fields["y"], 32))

    def forged(at: int, move: Callable[[int], int], spill: bool = False) -> Any:
        x, y = _p256_steps_model(fields, at, move)
        if max(x, y) >= 2**256:
            return "unrepresentable"
        claim = cls(**{**fields, "x": ne.limbs(x), "y": ne.limbs(y)})
        return _solve_with_hints(monkeypatch, cs, claim, {"limbs_moddiv": _moddiv_moved(at, move, spill=spill)})

    tried = 0
    for at in range(8):
        assert forged(at, lambda v: v) is not None
        for move, spill in ((lambda v: v + 1, False), (lambda v: v + R, False), (lambda v: v, True)):
            got = forged(at, move, spill)
            assert got is None or got == "unrepresentable", (at, spill)
            tried += got is None
    assert tried >= 20
    for name in ("x", "y"):
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(cls(**{**fields, name: ne.limbs(from_limbs(fields[name], 32) + 1)}))
    s = ForgerySearch(cs, w)
    _none(s.sweep(scope_wires(cs, "bigint.moddiv")[:16]))
