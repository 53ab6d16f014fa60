"""Non-native integers (circuits.gadgets.bigint) against Python's integers, and the witness
program's DIVMOD and CARRIES that compute their hints (C twin == Python twin, byte for byte,
sizes crossing limb counts). The malicious-witness tests are in tests/circuits/test_forgery.py."""

from __future__ import annotations

import functools
import itertools
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuits import Bool, Circuit, CircuitDefinitionError, CircuitTypeError, Field, Public, Secret, UInt, compile
from circuits.errors import UnsatisfiedConstraintError
from circuits.gadgets import _folded as fo
from circuits.gadgets import bigint as bi
from circuits.native.bigint import from_limbs, limb_count, to_limbs
from zkp import _bn254_py
from zkp.field import R
from zkp.program import ProgramBuilder, limbs_carries, limbs_divmod

from .._helpers import c_twin

W, K = 16, 4  # 64-bit numbers in 4 limbs of 16 bits
P61 = 2**61 - 1
M_LOW = [0, 0, 0, 1]  # a secret modulus >= 2**48
M_BITS = [16, 16, 16, 15]


class Ops(Circuit):
    """Every operation at once, each result compared with a public input."""

    r: Public[Field, K]        # a * b mod m (canonical)
    p: Public[Field, 2 * K]    # a * b
    lt: Public[Bool]           # a < b
    rp: Public[Field, K]       # a * b mod P61 (canonical)
    a: Secret[UInt[W], K]
    b: Secret[UInt[W], K]
    m: Secret[Field, K]

    def define(self, api: Any) -> None:
        a, b = bi.from_limbs(api, list(self.a), W), bi.from_limbs(api, list(self.b), W)
        m = bi.from_limbs(api, list(self.m), W, bits=M_BITS, low=M_LOW)
        bi.assert_equal(api, bi.mul_mod(api, a, b, m, canonical=True), bi.from_limbs(api, list(self.r), W))
        bi.assert_equal(api, bi.mul(api, a, b), bi.from_limbs(api, list(self.p), W))
        api.assert_equal(bi.is_less_than(api, a, b), self.lt)
        bi.assert_equal(api, bi.mul_mod(api, a, b, P61, canonical=True), bi.from_limbs(api, list(self.rp), W))
        bi.assert_equal(api, bi.sub(api, bi.add(api, a, b), b), a)


class Less(Circuit):
    a: Secret[UInt[W], K]
    b: Secret[UInt[W], K]

    def define(self, api: Any) -> None:
        bi.assert_less_than(api, bi.from_limbs(api, list(self.a), W), bi.from_limbs(api, list(self.b), W))


@functools.cache
def _compiled(cls: type) -> Any:
    return compile(cls)


def ops_assignment(a: int, b: int, m: int) -> Ops:
    return Ops(r=to_limbs(a * b % m, W, K), p=to_limbs(a * b, W, 2 * K), lt=int(a < b),
               rp=to_limbs(a * b % P61, W, K), a=to_limbs(a, W, K), b=to_limbs(b, W, K), m=to_limbs(m, W, K))


EDGES = [0, 1, 2, 2**16 - 1, 2**16, 2**48, 2**63, P61, P61 + 1, 2**64 - 1]
MODULI = [2**48, 2**48 + 1, 2**63 + 2**48 - 1, 2**63 - 25, P61]


@settings(max_examples=40, deadline=None)
@given(a=st.one_of(st.sampled_from(EDGES), st.integers(0, 2**64 - 1)),
       b=st.one_of(st.sampled_from(EDGES), st.integers(0, 2**64 - 1)),
       m=st.one_of(st.sampled_from(MODULI), st.integers(2**48, 2**63 + 2**48 - 1)))
def test_every_operation_equals_python_integers(a: int, b: int, m: int) -> None:
    cs = _compiled(Ops)
    w = cs.solve(ops_assignment(a, b, m))
    assert cs.r1cs.is_satisfied(w.values())


@settings(max_examples=25, deadline=None)
@given(a=st.integers(0, 2**64 - 1), b=st.integers(0, 2**64 - 1), m=st.integers(2**48, 2**63))
def test_a_wrong_result_has_no_witness(a: int, b: int, m: int) -> None:
    cs = _compiled(Ops)
    good = ops_assignment(a, b, m)
    for name, bad in (("r", to_limbs((a * b + 1) % m, W, K)), ("p", to_limbs(a * b + 1, W, 2 * K)),
                      ("lt", 1 - int(a < b)), ("rp", to_limbs((a * b + 1) % P61, W, K))):
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(_replace(good, name, bad))


def test_a_non_canonical_remainder_is_refused(monkeypatch: Any) -> None:
    """r + m is congruent to a * b and fits the limbs: with the quotient hint made to say
    q - 1 and r + m (a malicious prover), canonical=True refuses it."""
    from circuits.engine import hints as hint_module

    cs = _compiled(Ops)
    a, b, m = 2**40 + 5, 2**10 + 3, 2**48 + 7
    q, r = divmod(a * b, m)
    assert q >= 1 and r + m < 2**64
    honest = hint_module.limbs_divmod

    def malicious(width: int, x: Any, y: Any, mod: Any, kq: int, kr: int) -> list[int]:
        if from_limbs(mod, width) != m:
            return honest(width, x, y, mod, kq, kr)
        return to_limbs(q - 1, width, kq) + to_limbs(r + m, width, kr)

    monkeypatch.setattr(hint_module, "limbs_divmod", malicious)
    with pytest.raises(UnsatisfiedConstraintError, match="to_bits"):
        cs.solve(_replace(ops_assignment(a, b, m), "r", to_limbs(r + m, W, K)), debug=True)


def _replace(assignment: Circuit, name: str, value: Any) -> Circuit:
    values = {n: getattr(assignment, n) for n, _ in type(assignment).__zk_inputs__}
    values[name] = value
    return type(assignment)(**values)


@settings(max_examples=40, deadline=None)
@given(a=st.one_of(st.sampled_from(EDGES), st.integers(0, 2**64 - 1)),
       b=st.one_of(st.sampled_from(EDGES), st.integers(0, 2**64 - 1)))
def test_assert_less_than_has_a_witness_exactly_when_a_is_below_b(a: int, b: int) -> None:
    cs = _compiled(Less)
    assignment = Less(a=to_limbs(a, W, K), b=to_limbs(b, W, K))
    if a < b:
        assert cs.r1cs.is_satisfied(cs.solve(assignment).values())
    else:
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(assignment)


def test_wide_limbs_for_2048_bit_numbers_multiply_like_python() -> None:
    """17 limbs of 121 bits (the RSA layout), modulus a constant: random and edge values."""
    rng = random.Random(2048)
    n = rng.getrandbits(2048) | (1 << 2047) | 1
    k = limb_count(2048, 121)

    class Big(Circuit):
        r: Public[Field, k]
        a: Secret[UInt[121], k]
        b: Secret[UInt[121], k]

        def define(self, api: Any) -> None:
            a, b = bi.from_limbs(api, list(self.a), 121), bi.from_limbs(api, list(self.b), 121)
            bi.assert_equal(api, bi.mul_mod(api, a, b, n, canonical=True), bi.from_limbs(api, list(self.r), 121))

    cs = compile(Big)
    top = 2 ** (121 * k) - 1
    for a, b in [(rng.getrandbits(2048), rng.getrandbits(2048)), (top, top), (0, top), (n - 1, n - 1), (n, n + 1)]:
        w = cs.solve(Big(r=to_limbs(a * b % n, 121, k), a=to_limbs(a, 121, k), b=to_limbs(b, 121, k)))
        assert cs.r1cs.is_satisfied(w.values())
        assert from_limbs(w.values()[1:1 + k], 121) == a * b % n


def test_misuse_is_refused_with_what_was_expected() -> None:
    class Neg(Circuit):
        a: Secret[UInt[8], 2]

        def define(self, api: Any) -> None:
            x = bi.from_limbs(api, list(self.a), 8)
            bi.mul_mod(api, bi.sub(api, x, 1), x, 7)

    with pytest.raises(CircuitDefinitionError, match="expected limbs >= 0"):
        compile(Neg)

    class ZeroModulus(Circuit):
        a: Secret[UInt[8], 2]

        def define(self, api: Any) -> None:
            x = bi.from_limbs(api, list(self.a), 8)
            bi.mul_mod(api, x, x, x)

    with pytest.raises(CircuitDefinitionError, match="the modulus may be 0"):
        compile(ZeroModulus)

    class Wrap(Circuit):
        a: Secret[Field, 3]

        def define(self, api: Any) -> None:
            x = bi.from_limbs(api, list(self.a), 125)
            bi.mul(api, bi.mul(api, x, x), x)

    with pytest.raises(CircuitDefinitionError, match="r/2"):
        compile(Wrap)

    class Mixed(Circuit):
        a: Secret[UInt[8], 2]

        def define(self, api: Any) -> None:
            bi.add(api, bi.from_limbs(api, list(self.a), 8), bi.constant(api, 5, 16))

    with pytest.raises(CircuitTypeError, match="limbs of 8 and 16 bits"):
        compile(Mixed)


# ------------------------------------------------------------ the witness program's DIVMOD and CARRIES


def _limb_program(rng: random.Random) -> tuple[Any, bytes]:
    """A program of one DIVMOD and one CARRIES over random LCs of the inputs, limb counts
    and widths crossing each other (1 to 18 limbs, widths 1 to 253)."""
    ni = rng.randrange(1, 6)
    b = ProgramBuilder(ni)
    lcs = [b.lc({rng.randrange(ni + 1): rng.choice([1, 2, R - 1, rng.randrange(1, R)])}) for _ in range(12)]
    pick = lambda k: [rng.choice(lcs) for _ in range(k)]  # noqa: E731
    w, width = ni + 1, rng.choice([1, 2, 8, 16, 64, 120, 121, 125, 252, 253])
    ks = [rng.choice([0, 1, 2, 3, 16, 17, 18]) for _ in range(5)]
    kq, kr = rng.choice([(0, 1), (1, 0), (1, 1), (17, 17), (18, 17), (3, 5)])
    b.divmod_limbs(w, width, pick(ks[0]), pick(ks[1]), pick(ks[2]), kq, kr)
    w += kq + kr
    if max(ks[0] + ks[1] - 1 if ks[0] and ks[1] else 0, ks[2] + ks[3] - 1 if ks[2] and ks[3] else 0, ks[4]) >= 2:
        w += b.carries(w, width, *[pick(k) for k in ks])
    prog = b.build(w, list(range(w)))
    edges = [0, 1, 2, R - 1, R // 2, R // 2 + 1, 2**121 - 1, 2**121, 2**253 - 1]
    inputs = b"".join(rng.choice(edges + [rng.randrange(R)]).to_bytes(32, "big") for _ in range(ni))
    return prog, inputs


def test_divmod_and_carries_agree_byte_for_byte_in_both_twins() -> None:
    rng = random.Random(121)
    for _ in range(300):
        prog, inputs = _limb_program(rng)
        got = c_twin().witness_run(prog.body, inputs, prog.hint_fns)
        assert got == _bn254_py.witness_run(prog.body, inputs, prog.hint_fns)
        assert got[0] == -1


@settings(max_examples=60, deadline=None)
@given(a=st.integers(0, 2**300), b=st.integers(0, 2**300), m=st.integers(0, 2**200), width=st.integers(1, 125))
def test_divmod_limbs_is_python_divmod(a: int, b: int, m: int, width: int) -> None:
    k = lambda x: limb_count(max(1, x.bit_length()), width)  # noqa: E731
    q, r = divmod(a * b, m) if m else (0, 0)
    kq, kr = k(q), k(r)
    out = limbs_divmod(width, to_limbs(a, width, k(a)), to_limbs(b, width, k(b)), to_limbs(m, width, k(m)), kq, kr)
    assert from_limbs(out[:kq], width) == q and from_limbs(out[kq:], width) == r
    if m == 0:
        return  # q = r = 0: no identity to carry
    # the carries of a * b - q * m - r: each column plus the carry in is the carry out, shifted
    la, lb, lm = to_limbs(a, width, k(a)), to_limbs(b, width, k(b)), to_limbs(m, width, k(m))
    lq, lr = out[:kq], out[kq:]
    n = max(len(la) + len(lb) - 1, kq + len(lm) - 1, kr)
    cols = [0] * n
    for x, y, sign in ((la, lb, 1), (lq, lm, -1), (lr, [1], -1)):
        for i, u in enumerate(x):
            for j, v in enumerate(y):
                cols[i + j] += sign * u * v
    carries = [c - R if c > R // 2 else c for c in limbs_carries(width, la, lb, lq, lm, lr)]
    carry = 0
    for i in range(n - 1):
        assert cols[i] + carry == carries[i] << width
        carry = carries[i]
    assert cols[-1] + carry == 0


@pytest.mark.parametrize("words, message", [
    ([7, 2, 0, 1, 1, 1, 1, 1, 1, 1, 1], "expected 1 <= width <= 253"),
    ([7, 2, 254, 1, 1, 1, 1, 1, 1, 1, 1], "found width 254"),
    ([7, 2, 8, 257, 1, 1, 1, 1], "at most 256 limbs each"),
    ([7, 2, 8, 1, 1, 1, 0, 0, 1, 1, 1], "and an output, found width 8, limbs 1 1 1 0 0"),
    ([8, 2, 8, 1, 1, 0, 0, 0, 1, 1], "and an output, found width 8, limbs 1 1 0 0 0"),
    ([7, 2, 8, 1, 1, 1, 1, 0, 1, 1], "expected 11 words, found 10"),
    ([8, 2, 8, 2, 1, 0, 0, 0, 1, 2, 1], "LC 2 is out of range or reads a wire not yet made"),
    ([7, 2, 8, 1, 1, 1, 1, 0, 1, 1, 2], "LC 2 is out of range or reads a wire not yet made"),
])
def test_malformed_limb_instructions_are_refused_with_the_same_message(words: list[int], message: str) -> None:
    import struct

    b = ProgramBuilder(num_inputs=1)
    b.lc({1: 1})
    b.lc({2: 1})
    b.muladd(2, 1, 1, 0)
    body = bytearray(b.build(num_wires=3, outputs=[0, 1, 2]).body)
    code_at = 48 + 32 + 4 * 3 + 8 * 2
    struct.pack_into("<I", body, 28, len(words))
    body = body[:code_at] + struct.pack(f"<{len(words)}I", *words) + body[code_at + 4 * 5:]
    answers = []
    for twin in (c_twin(), _bn254_py):
        with pytest.raises(Exception) as info:
            twin.witness_validate(bytes(body))
        answers.append(str(info.value))
    assert answers[0] == answers[1]
    import re

    assert re.search(message, answers[0]), answers[0]


def _outcome(twin: Any, body: bytes, inputs: bytes) -> Any:
    try:
        return twin.witness_run(body, inputs, [])
    except Exception as exc:  # noqa: BLE001  (both twins must raise the same)
        return f"{type(exc).__name__}: {exc}"


def test_edited_limb_programs_get_the_same_answer_from_both_twins() -> None:
    """Every byte of a program with DIVMOD and CARRIES changed: the C twin never crashes and
    answers exactly what the Python twin answers."""
    b = ProgramBuilder(num_inputs=2)
    x, y = b.lc({1: 1}), b.lc({2: 1})
    b.divmod_limbs(3, 8, [x, y], [y], [x], 2, 1)
    q0, q1, r0 = b.lc({3: 1}), b.lc({4: 1}), b.lc({5: 1, 1: 2})
    b.carries(6, 8, [x, y], [y], [q0, q1], [x], [r0])
    prog = b.build(num_wires=b.next_wire, outputs=list(range(b.next_wire)))
    body = prog.body
    inputs = (300).to_bytes(32, "big") + (R - 7).to_bytes(32, "big")
    honest = _outcome(c_twin(), body, inputs)
    assert honest == _outcome(_bn254_py, body, inputs) and honest[0] == -1
    rng = random.Random(8)
    refused = 0
    for pos in range(len(body)):
        for value in {body[pos] ^ 1, body[pos] ^ 0x80, 0, 0xFF, rng.randrange(256)}:
            edited = body[:pos] + bytes([value]) + body[pos + 1:]
            want = _outcome(_bn254_py, edited, inputs)
            assert _outcome(c_twin(), edited, inputs) == want, (pos, value)
            refused += isinstance(want, str)
    assert refused > len(body)


# ------------------------------------------------------------ mod_div: sums of products modulo a constant

_P = 2**255 - 19


class ModDiv(Circuit):
    """``(a * b - c * d) mod P == x * (f - g) mod P`` (``f - g`` has negative limbs) and ``y ==
    (a * b - e) mod P``, limbs of 32 bits."""

    a: Secret[UInt[32], 8]
    b: Secret[UInt[32], 8]
    c: Secret[UInt[32], 8]
    d: Secret[UInt[32], 8]
    e: Secret[UInt[32], 8]
    f: Secret[UInt[32], 8]
    g: Secret[UInt[32], 8]
    x: Public[UInt[32], 8]
    y: Public[UInt[32], 8]

    def define(self, api: Any) -> None:
        a, b, c, d, e, f, g, x, y = (bi.from_limbs(api, list(v), 32) for v in
                                     (self.a, self.b, self.c, self.d, self.e, self.f, self.g, self.x, self.y))
        bi.assert_equal(api, bi.mod_div(api, _P, ab=(a, b), cd=(c, d)), bi.mod_div(api, _P, ab=(x, bi.sub(api, f, g))))
        bi.assert_equal(api, bi.mod_div(api, _P, ab=(a, b), e=e), y)


@functools.cache
def _mod_div_cs() -> Any:
    return compile(ModDiv)


@settings(max_examples=12, deadline=None)
@given(vals=st.lists(st.integers(0, 2**256 - 1), min_size=7, max_size=7))
def test_mod_div_agrees_with_python_integers(vals: list[int]) -> None:
    a, b, c, d, e, f, g = vals
    if (f - g) % _P == 0:
        return
    x = (a * b - c * d) * pow(f - g, -1, _P) % _P
    y = (a * b - e) % _P
    cs = _mod_div_cs()
    limbs = lambda v: to_limbs(v, 32, 8)  # noqa: E731
    fields = dict(a=limbs(a), b=limbs(b), c=limbs(c), d=limbs(d), e=limbs(e), f=limbs(f), g=limbs(g),
                  x=limbs(x), y=limbs(y))
    assert cs.r1cs.is_satisfied(cs.solve(ModDiv(**fields)).values())
    for name, v in (("x", x), ("y", y)):
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(ModDiv(**{**fields, name: limbs((v + 1) % _P)}))


_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141  # secp256k1's order: no special form


class WideDiv(Circuit):
    """``x == u / v (mod _N)`` on limbs of 120 bits: columns of 2**241, too wide for the folded
    check, so :func:`~circuits.gadgets.bigint.mod_div` keeps its identity with carries."""

    u: Secret[UInt[120], 3]
    v: Secret[UInt[120], 3]
    x: Public[UInt[120], 3]

    def define(self, api: Any) -> None:
        u, v, x = (bi.from_limbs(api, list(w), 120) for w in (self.u, self.v, self.x))
        bi.assert_equal(api, bi.mod_div(api, _N, e=bi.sub(api, bi.constant(api, 0, 120), u), f=v), x)


def test_mod_div_with_wide_limbs_keeps_the_identity_with_carries(monkeypatch: Any) -> None:
    """Honest divisions pass; ``x + 1`` is refused, by the honest solver and with a malicious
    ``MODDIV`` that returns it (the quotient honest)."""
    from circuits.engine import hints as hint_module
    from zkp.program import limbs_moddiv

    cs = compile(WideDiv)
    rng = random.Random(21)
    limbs = lambda n: to_limbs(n, 120, 3)  # noqa: E731
    for _ in range(3):
        u, v = rng.randrange(2**256), rng.randrange(1, _N)
        x = u * pow(v, -1, _N) % _N
        assert cs.r1cs.is_satisfied(cs.solve(WideDiv(u=limbs(u), v=limbs(v), x=limbs(x))).values())
        wrong = WideDiv(u=limbs(u), v=limbs(v), x=limbs((x + 1) % _N))
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(wrong)
        monkeypatch.setattr(hint_module, "limbs_moddiv",
                            lambda *a, bad=limbs((x + 1) % _N): limbs_moddiv(*a)[:a[-2]] + bad[:a[-1]])
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(wrong, debug=True)
        monkeypatch.undo()


class Scaled(Circuit):
    """``x * K == y`` (``bigint.scale``, free) on limbs of 32 bits."""

    x: Secret[UInt[32], 4]
    y: Public[UInt[32], 8]

    def define(self, api: Any) -> None:
        x, y = bi.from_limbs(api, list(self.x), 32), bi.from_limbs(api, list(self.y), 32)
        bi.assert_equal(api, bi.scale(api, x, 0xE4437ED6010E88286F547FA90ABFE4C3), y)


def test_scale_is_multiplication_by_a_constant() -> None:
    k = 0xE4437ED6010E88286F547FA90ABFE4C3
    cs = compile(Scaled)
    for x in (0, 1, 2**128 - 1, 3**80):
        assert cs.r1cs.is_satisfied(cs.solve(Scaled(x=to_limbs(x, 32, 4), y=to_limbs(x * k, 32, 8))).values())
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(Scaled(x=to_limbs(x, 32, 4), y=to_limbs(x * k + 1, 32, 8)))

    class Negative(Circuit):
        x: Secret[UInt[32], 4]

        def define(self, api: Any) -> None:
            bi.scale(api, bi.from_limbs(api, list(self.x), 32), -1)

    with pytest.raises(CircuitTypeError):
        compile(Negative)


# ------------------------------------------------------------ unreduced sums of products (circuits.gadgets._folded)

_P256 = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
_MAX = 2**256 - 1


class Fat(Circuit):
    """Fat operands of degree 2 (``s``, ``t``, ``f``: folded, never reduced) in an identity of
    degree 4: ``x == (3 t**2 + a (s - b) - 2 e - 3) / f (mod _P256)`` with ``s = a**2 - 2 b``,
    ``t = c**2 - a**2 + e``, ``f = 2 s + e - c**2`` (the shapes of an ECDSA step: signed,
    a constant, a fat divisor), and ``y == a (s - b) + t (mod _P256)`` with no divisor."""

    a: Secret[UInt[32], 8]
    b: Secret[UInt[32], 8]
    c: Secret[UInt[32], 8]
    e: Secret[UInt[32], 8]
    x: Public[UInt[32], 8]
    y: Public[UInt[32], 8]

    def define(self, api: Any) -> None:
        a, b, c, e, x, y = (bi.from_limbs(api, list(v), 32) for v in (self.a, self.b, self.c, self.e, self.x, self.y))
        a2, c2 = fo.product(api, a, a), fo.product(api, c, c)
        s = fo.fold(api, _P256, fo.combine(api, (1, a2), (-2, fo.linear(b))))
        t = fo.fold(api, _P256, fo.combine(api, (1, c2), (-1, a2), (1, fo.linear(e))))
        asb = fo.product(api, a, bi.sub(api, s, b))
        num = fo.combine(api, (3, fo.product(api, t, t)), (1, asb), (-2, fo.linear(e)), (1, fo.constant(api, -3, 32)))
        f = fo.fold(api, _P256, fo.combine(api, (2, fo.linear(s)), (1, fo.linear(e)), (-1, c2)))
        bi.assert_equal(api, fo.reduce(api, _P256, num, f)[0], x)
        bi.assert_equal(api, fo.reduce(api, _P256, fo.combine(api, (1, asb), (1, fo.linear(t))))[0], y)


@functools.cache
def _fat_cs() -> Any:
    return compile(Fat, strict=True)


def _fat_values(a: int, b: int, c: int, e: int) -> dict[str, list[int]] | None:
    """The assignment of :class:`Fat` (None when ``f == 0 (mod p)``: no witness)."""
    s, t = a * a - 2 * b, c * c - a * a + e
    f = (2 * s + e - c * c) % _P256
    if f == 0:
        return None
    x = (3 * t * t + a * (s - b) - 2 * e - 3) * pow(f, -1, _P256) % _P256
    y = (a * (s - b) + t) % _P256
    limbs = lambda v: to_limbs(v, 32, 8)  # noqa: E731
    return dict(a=limbs(a), b=limbs(b), c=limbs(c), e=limbs(e), x=limbs(x), y=limbs(y))


@pytest.mark.parametrize("vals", [(_MAX, _MAX, _MAX, _MAX), (_MAX, 0, _MAX, 0), (_MAX, _MAX, 0, _MAX),
                                  (0, _MAX, _MAX, 0), (_MAX, 0, 0, _MAX), (0, 0, _MAX, 0), (_P256 - 1, 1, _MAX, 2),
                                  (5, 7, 11, 13)])
def test_folded_sums_of_products_at_the_bounds_agree_with_python_integers(vals: tuple[int, int, int, int]) -> None:
    """Every limb at 0 or ``2**32 - 1`` (the extreme columns of each fat operand, positive and
    negative) and small values: the honest witness exists and a result off by one has none."""
    cs = _fat_cs()
    fields = _fat_values(*vals)
    assert fields is not None
    assert cs.r1cs.is_satisfied(cs.solve(Fat(**fields)).values())
    for name in ("x", "y"):
        wrong = from_limbs(fields[name], 32) + 1
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(Fat(**{**fields, name: to_limbs(wrong, 32, 8)}))


@settings(max_examples=10, deadline=None)
@given(vals=st.lists(st.integers(0, _MAX), min_size=4, max_size=4))
def test_folded_sums_of_products_agree_with_python_integers(vals: list[int]) -> None:
    fields = _fat_values(*vals)
    if fields is None:
        return
    cs = _fat_cs()
    assert cs.r1cs.is_satisfied(cs.solve(Fat(**fields)).values())


def test_folded_reduce_refuses_columns_too_wide_for_r() -> None:
    """A product of two degree-4 fat numbers (columns of about 2**290) cannot be checked below
    r: refused at compile time, saying so."""

    class TooWide(Circuit):
        a: Secret[UInt[32], 8]

        def define(self, api: Any) -> None:
            a = bi.from_limbs(api, list(self.a), 32)
            sq = fo.fold(api, _P256, fo.product(api, a, a))
            quad = fo.fold(api, _P256, fo.product(api, sq, sq))
            fo.reduce(api, _P256, fo.product(api, quad, quad))

    with pytest.raises(CircuitDefinitionError, match="narrow enough for the folded check"):
        compile(TooWide)


def test_folded_limbs_lie_within_their_bounds_at_the_extremes() -> None:
    """The bounds a fold gives its limbs (what the plans of later identities rest on) hold the
    limbs' values when every input limb is 0 or ``2**32 - 1``: each fat limb of ``s``, ``t``
    and ``f`` of :class:`Fat`, read signed from the witness."""
    made: list[bi.BigInt] = []

    class Limbs(Circuit):
        a: Secret[UInt[32], 8]
        b: Secret[UInt[32], 8]
        c: Secret[UInt[32], 8]

        def define(self, api: Any) -> None:
            a, b, c = (bi.from_limbs(api, list(v), 32) for v in (self.a, self.b, self.c))
            a2, c2 = fo.product(api, a, a), fo.product(api, c, c)
            s = fo.fold(api, _P256, fo.combine(api, (1, a2), (-2, fo.linear(b))))
            t = fo.fold(api, _P256, fo.combine(api, (1, c2), (-1, a2), (1, fo.linear(b))))
            u = fo.fold(api, _P256, fo.product(api, s, t))
            made.extend((s, t, u))
            fo.reduce(api, _P256, fo.linear(u))

    cs = compile(Limbs)
    for a, b, c in itertools.product((0, _MAX), repeat=3):
        vals = cs.solve(Limbs(a=to_limbs(a, 32, 8), b=to_limbs(b, 32, 8), c=to_limbs(c, 32, 8))).values()
        for x in made[:3]:
            for limb, (lo, hi) in zip(x.limbs, x.bounds):
                v = sum(k * vals[wire] for wire, k in limb.lc.items()) % R
                v = v - R if v > R // 2 else v
                assert lo <= v <= hi, (a, b, c, lo, v, hi)


def _define_raises(body: Any) -> str:
    """The CircuitDefinitionError message ``body(api, x)`` raises at compile (``x`` 2 limbs of 32 bits)."""
    class Probe(Circuit):
        x: Secret[UInt[32], 2]

        def define(self, api: Any) -> None:
            body(api, bi.from_limbs(api, list(self.x), 32))

    with pytest.raises(CircuitDefinitionError) as info:
        compile(Probe)
    return str(info.value)


def test_the_limb_layer_refuses_what_its_bounds_cannot_vouch_for() -> None:
    """Three misuses no caller makes today, refused when the circuit is built rather than
    checked unsoundly: a constant factor whose limbs are not exact (its columns read from its
    bounds), a term's sign other than +-1 (the bounds take it as a sign), and columns past
    those the fold's plan has digits for (they would drop out of the check)."""
    from circuits.gadgets import _fold

    def loose_constant(api: Any, x: bi.BigInt) -> None:
        zero = api.constant(0)
        _fold._product_columns(api, x, bi.BigInt((zero, zero), 32, ((0, 5), (0, 5))))

    assert "exact limb bounds" in _define_raises(loose_constant)
    assert "sign must be 1 or -1" in _define_raises(lambda api, x: bi._columns([(2, x, x)]))

    def too_many_columns(api: Any, x: bi.BigInt) -> None:
        m = 2**61 - 1
        plan = _fold._fold_plan(bi._columns([(1, x, None)]), m, 32, 2)
        assert plan is not None
        _fold._folded_zero(api, [(1, _fold._product_columns(api, x, x))], m, 32, 2, plan)

    assert "3 columns, the plan folds 2" in _define_raises(too_many_columns)
