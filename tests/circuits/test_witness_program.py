"""The witness program (zkp.program): what compile emits, what solve runs.

Three computations of one witness must agree byte for byte: the C interpreter, its
pure-Python twin, and ``define`` run again by the solver (the debug mode). A program that is
truncated, of another version or edited is refused before it runs, by both twins with the
same message; hints in Python work and are refused clearly when they misbehave.
"""

from __future__ import annotations

import random
import struct
from typing import Any

import pytest

from benchmarks.gadget_catalog import BEYOND_CIRCOMLIB, CATALOG, circuit
from circuits import (Bool, Circuit, CircuitDefinitionError, Field, Public, Secret, UInt,
                      UnsatisfiedConstraintError, compile)
from circuits.engine import hints
from zkp import _bn254_py
from zkp.errors import FormatError, MalformedInputError
from zkp.field import R
from zkp.program import ProgramBuilder, ProgramCheckFailed, WitnessProgram

from .._helpers import c_twin


def _random_value(spec: Any, rng: random.Random) -> Any:
    def one() -> int:
        t = spec.type
        return rng.randrange(2) if t.name == "Bool" else rng.randrange(R if t.bits is None else 1 << t.bits)

    def nest(dims: tuple[int, ...]) -> Any:
        return one() if not dims else [nest(dims[1:]) for _ in range(dims[0])]

    return nest(spec.shape)


def _random_assignment(cls: type, rng: random.Random) -> Any:
    return cls(**{name: _random_value(spec, rng) for name, spec in cls.__zk_inputs__})


def _inputs(cs: Any, assignment: Any) -> bytes:
    from circuits.compiler import input_values

    return b"".join(v.to_bytes(32, "big") for v in input_values(cs.circuit, assignment))


def _three_ways(cs: Any, assignment: Any) -> tuple[int, bytes]:
    """Run the program in C and in Python (they must agree) and compare with the solver."""
    prog, inputs = cs.program, _inputs(cs, assignment)
    got_c = c_twin().witness_run(prog.body, inputs, prog.hint_fns)
    got_py = _bn254_py.witness_run(prog.body, inputs, prog.hint_fns)
    assert got_c == got_py
    k, data = got_c
    if k < 0:
        assert cs.solve(assignment, debug=True).to_bytes() == data
        assert cs.r1cs.is_satisfied(cs.solve(assignment).values())
    else:
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(assignment, debug=True)
    return got_c


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_every_gadget_solves_alike_in_c_python_and_define(entry: Any) -> None:
    cs = compile(circuit(entry))
    rng = random.Random(entry.name)
    for _ in range(3):  # satisfied or refused: both compared
        _three_ways(cs, _random_assignment(cs.circuit, rng))


def test_library_gadgets_need_no_python_at_solve_time() -> None:
    """Every gadget's hints are native (the program's DIV and MULADD): no Python hint slot."""
    from benchmarks.groth16 import merkle_circuit

    programs = {e.name: compile(circuit(e)).program for e in CATALOG}
    programs["eligibility"] = compile(merkle_circuit(4)[0]).program
    assert {name: p.hint_names for name, p in programs.items() if p.hint_names} == {}


class _Mixed(Circuit):
    x: Secret[Field]
    y: Secret[UInt[16]]
    flag: Secret[Bool]
    out: Public[Field]

    def define(self, api: Any) -> None:
        q, rem = api.hint(lambda a: divmod(a, 7), self.y, outputs=2)
        api.assert_equal(q * 7 + rem, self.y)
        api.as_uint(rem, 3)
        api.as_uint(q, 16)
        inv = api.hint(hints.div, 1, self.x)
        z = api.is_zero(self.x)
        api.enforce(self.x, inv, 1 - z)
        picked = api.select(self.flag, self.x * self.x, self.y + q)
        api.assert_equal(picked + z, self.out)


def _mixed(x: int, y: int, flag: int) -> _Mixed:
    out = ((x * x if flag else y + y // 7) + (x == 0)) % R
    return _Mixed(x=x, y=y, flag=flag, out=out)


@pytest.mark.parametrize("x,y,flag", [(0, 0, 0), (0, 65535, 1), (R - 1, 12345, 1), (5, 7, 0), (2**200, 6, 1)])
def test_python_hints_native_hints_and_edges_agree(x: int, y: int, flag: int) -> None:
    cs = compile(_Mixed)
    k, _ = _three_ways(cs, _mixed(x, y, flag))
    assert k == -1


def test_a_failing_check_reports_the_line_of_define() -> None:
    cs = compile(_Mixed)
    bad = _Mixed(x=3, y=10, flag=1, out=5)
    assert _three_ways(cs, bad)[0] >= 0
    with pytest.raises(UnsatisfiedConstraintError, match=r"assert_equal at .*test_witness_program.py:\d+.*left = "):
        cs.solve(bad)


def test_a_check_define_no_longer_fails_is_still_reported() -> None:
    state = {"k": 3}

    class Moving(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x, state["k"])

    cs = compile(Moving)
    state["k"] = 5  # define now asserts something else than what was compiled
    with pytest.raises(UnsatisfiedConstraintError, match=r"assert_equal @ .*check 0; define passed it"):
        cs.solve(Moving(x=5))
    assert cs.solve(Moving(x=3)).values()[1] == 3


@pytest.mark.parametrize("bad, message", [
    (lambda a: "7", "expected ints, found str"),
    (lambda a: (1, 2), r"expected 1 int\(s\)"),
    (lambda a: True, "expected ints, found bool"),
])
def test_a_misbehaving_python_hint_is_refused_by_both_twins(bad: Any, message: str) -> None:
    class H(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(api.hint(bad, self.x), self.x)

    cs = compile(H)
    inputs = _inputs(cs, H(x=1))
    for twin in (c_twin(), _bn254_py):
        with pytest.raises(MalformedInputError, match=message):
            twin.witness_run(cs.program.body, inputs, cs.program.hint_fns)
    with pytest.raises(CircuitDefinitionError, match=r"hint .*expected 1 int\(s\)"):
        cs.solve(H(x=1))  # solve names the hint, as the debug mode does
    raised = []
    for twin in (c_twin(), _bn254_py):
        try:
            twin.witness_run(cs.program.body, inputs, [lambda a: 1 // 0])
        except ZeroDivisionError as exc:
            raised.append(type(exc))
    assert raised == [ZeroDivisionError, ZeroDivisionError]  # the hint's own error, unchanged


# ------------------------------------------------------------ stored programs


def _stored() -> tuple[Any, bytes]:
    cs = compile(_Mixed)
    return cs, cs.program.to_bytes()


def test_a_stored_program_runs_after_loading_with_its_hints() -> None:
    cs, data = _stored()
    (name,) = cs.program.hint_names
    loaded = WitnessProgram.from_bytes(data, hints={name: cs.program.hint_fns[0]})
    assignment = _mixed(9, 300, 1)
    assert loaded.run_bytes(_inputs(cs, assignment)) == cs.solve(assignment).to_bytes()
    with pytest.raises(FormatError, match="is not provided"):
        WitnessProgram.from_bytes(data)


def test_truncated_other_version_and_edited_files_are_refused() -> None:
    _, data = _stored()
    for cut in sorted({0, 3, 4, 47, 48, 100, len(data) // 2, len(data) - 33, len(data) - 1}):
        with pytest.raises(FormatError):
            WitnessProgram.from_bytes(data[:cut], hints={})
    other = bytearray(data)
    other[4:8] = struct.pack("<I", 1)  # version 1 had no DIVMOD or CARRIES
    with pytest.raises(FormatError, match="expected version 2, found 1"):
        WitnessProgram.from_bytes(bytes(other), hints={})
    for pos in (60, len(data) // 2, len(data) - 40):
        edited = bytearray(data)
        edited[pos] ^= 1
        with pytest.raises(FormatError, match="checksum"):
            WitnessProgram.from_bytes(bytes(edited), hints={})
    with pytest.raises(FormatError, match="at most 100 bytes"):
        WitnessProgram.from_bytes(data, max_bytes=100)


def _outcome(twin: Any, body: bytes, inputs: bytes, fns: Any) -> Any:
    try:
        return twin.witness_run(body, inputs, fns)
    except Exception as exc:  # the hint's own errors too: both twins must raise the same
        return f"{type(exc).__name__}: {exc}"


def test_edited_bodies_get_the_same_answer_from_both_twins() -> None:
    """Every byte of the body changed (the checksum would be recomputed by an attacker): the
    C twin never crashes and says exactly what the Python twin says."""
    cs, _ = _stored()
    body, fns = cs.program.body, list(cs.program.hint_fns)
    inputs = _inputs(cs, _mixed(9, 300, 1))
    rng = random.Random(7)
    refused = 0
    for pos in range(len(body)):
        for value in {body[pos] ^ 1, body[pos] ^ 0x80, 0, 0xFF, rng.randrange(256)}:
            edited = body[:pos] + bytes([value]) + body[pos + 1:]
            want = _outcome(_bn254_py, edited, inputs, fns)
            assert _outcome(c_twin(), edited, inputs, fns) == want, (pos, value)
            refused += isinstance(want, str)
    assert refused > len(body)  # most edits are refused before anything runs


@pytest.mark.parametrize("words, message", [
    ([10, 0, 0], "unknown opcode 10"),
    ([1, 2, 1, 1], "expected 5 words, found 4"),
    ([1, 3, 1, 1, 0], "expected to make wires from 2"),
    ([1, 2, 1, 1, 5], "LC 5 is out of range"),
    ([1, 2, 1, 2, 0], "LC 2 is out of range or reads a wire not yet made"),
    ([6, 2, 1, 1, 1, 2, 1, 1, 0], "LC 2 is out of range or reads a wire not yet made"),
    ([4, 2, 1, 255, 0], "1 <= bits <= 254"),
    ([4, 2, 1, 3, 3], "linear < bits"),
    ([4, 2, 1, 3, 0], "expected to make wires from 2 \\(3 in all\\), found 2 from 2"),
    ([5, 2, 0, 1, 1, 1], "hint slot 0 of 0"),
    ([6, 1, 1, 1], "expected the code to make wires up to 3, found 2"),
])
def test_malformed_code_is_refused_with_the_same_message(words: list[int], message: str) -> None:
    """A program of three wires (one input): LC 1 reads wire 1, LC 2 reads wire 2, so the code
    must make wire 2 from LC 1 alone."""
    b = ProgramBuilder(num_inputs=1)
    b.lc({1: 1})
    b.lc({2: 1})
    b.muladd(2, 1, 1, 0)
    body = bytearray(b.build(num_wires=3, outputs=[0, 1, 2]).body)
    code_at = 48 + 32 + 4 * 3 + 8 * 2
    struct.pack_into("<I", body, 28, len(words))
    body = body[:code_at] + struct.pack(f"<{len(words)}I", *words) + body[code_at + 4 * 5:]
    for twin in (c_twin(), _bn254_py):
        with pytest.raises(MalformedInputError, match=message):
            twin.witness_validate(bytes(body))


def test_inputs_are_checked_before_the_run() -> None:
    cs = compile(_Mixed)
    prog = cs.program
    for twin in (c_twin(), _bn254_py):
        with pytest.raises(MalformedInputError, match=r"inputs: expected 4 values \(128 bytes\), found 96"):
            twin.witness_run(prog.body, bytes(96), prog.hint_fns)
        with pytest.raises(MalformedInputError, match="input 2: expected a value < r"):
            twin.witness_run(prog.body, bytes(64) + R.to_bytes(32, "big") + bytes(32), prog.hint_fns)
        with pytest.raises(MalformedInputError, match="expected 1 hint functions, found 0"):
            twin.witness_run(prog.body, bytes(128), [])
    with pytest.raises(ProgramCheckFailed):
        prog.run([5, 0, 0, 0])  # out, x, y, flag: picked + z = 1, not 5


# ------------------------------------------------------------ adversarial hints (review of issue 16)


class _ModLies(int):
    """An int whose ``%`` answers something else: a str, a value >= 2^256, a negative."""

    answer: Any = "abc"

    def __mod__(self, other: Any) -> Any:
        return type(self).answer

    def __int__(self) -> int:
        return 12345


class _LenLies(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        return 1


class _IterRaises(list):  # type: ignore[type-arg]
    def __iter__(self) -> Any:
        raise ValueError("the hint's own iteration error")


def _one_hint_program(fn: Any, n_out: int) -> tuple[WitnessProgram, bytes]:
    b = ProgramBuilder(num_inputs=1)
    b.hint(2, "h", fn, [b.lc({1: 1})], n_out)
    return b.build(num_wires=2 + n_out, outputs=list(range(2 + n_out))), (3).to_bytes(32, "big")


@pytest.mark.parametrize("answer", ["abc", 2**256 - 1, -1, 1.5, R])
def test_an_int_subclass_from_a_hint_counts_by_its_value_in_every_engine(answer: Any) -> None:
    """The C twin read what ``__mod__`` returned as if it were an int (a str's memory as
    digits, or a value >= r left unreduced in a wire); every engine now takes the int's own
    value, reduced modulo r, with no method of the subclass called."""
    _ModLies.answer = answer
    prog, inputs = _one_hint_program(lambda a: _ModLies(R + 5), 1)
    want = (-1, b"".join(v.to_bytes(32, "big") for v in (1, 3, 5)))
    for twin in (c_twin(), _bn254_py):
        assert twin.witness_run(prog.body, inputs, prog.hint_fns) == want, twin.__name__

    class H(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(api.hint(lambda a: _ModLies(R + a), self.x), self.x)

    cs = compile(H, optimize=False)  # the hint's wire stays in the witness
    assert cs.solve(H(x=7), debug=True).values() == cs.solve(H(x=7)).values() == [1, 7, 7]


def test_a_list_subclass_from_a_hint_is_read_once_by_iteration_in_both_twins() -> None:
    prog, inputs = _one_hint_program(lambda a: _LenLies([a, a + 1]), 2)
    want = (-1, b"".join(v.to_bytes(32, "big") for v in (1, 3, 3, 4)))
    for twin in (c_twin(), _bn254_py):
        assert twin.witness_run(prog.body, inputs, prog.hint_fns) == want, twin.__name__


def test_an_error_raised_while_reading_a_hint_result_reaches_the_caller_in_both_twins() -> None:
    prog, inputs = _one_hint_program(lambda a: _IterRaises([a]), 1)
    for twin in (c_twin(), _bn254_py):
        with pytest.raises(ValueError, match="the hint's own iteration error"):
            twin.witness_run(prog.body, inputs, prog.hint_fns)


def test_a_hint_that_rebinds_the_hint_list_changes_neither_twin_mid_run() -> None:
    """Both twins call the functions they were given when the run started."""
    b = ProgramBuilder(num_inputs=1)
    x = b.lc({1: 1})
    first, second = (lambda a: a + 1), (lambda a: a + 2)
    b.hint(2, "first", first, [x], 1)
    b.hint(3, "second", second, [x], 1)
    prog = b.build(num_wires=4, outputs=[0, 1, 2, 3])
    inputs = (10).to_bytes(32, "big")
    got = []
    for twin in (c_twin(), _bn254_py):
        fns: list[Any] = []

        def rebinding(a: int) -> int:
            fns[1] = lambda a: 999
            return a + 1

        fns.extend([rebinding, second])
        got.append(twin.witness_run(prog.body, inputs, fns))
    assert got[0] == got[1] == (-1, b"".join(v.to_bytes(32, "big") for v in (1, 10, 11, 12)))


# ------------------------------------------------------------ work bounded by the size of the program


def test_many_python_hints_with_one_name_compile_in_linear_time() -> None:
    """Each new hint function used to rebuild the set of names and count up from #2: 4000
    lambdas took 7.6 s to compile (quadratic). Counted, not timed: the names tried for 20000
    functions of one name stay linear in their number."""

    class Probes(set):  # type: ignore[type-arg]
        tried = 0

        def __contains__(self, item: object) -> bool:
            Probes.tried += 1
            return super().__contains__(item)

    b = ProgramBuilder(num_inputs=1)
    b._taken = Probes()
    x = b.lc({1: 1})
    b.hint(2, "f#3", lambda a: a, [x], 1)  # a name the suffixes must step over
    for i in range(20000):
        b.hint(3 + i, "f", lambda a: a, [x], 1)
    assert Probes.tried <= 2 * 20001 + 2
    prog = b.build(num_wires=20003, outputs=[])
    assert prog.hint_names[:5] == ("f#3", "f", "f#2", "f#4", "f#5")
    assert len(set(prog.hint_names)) == 20001


def _lc_read_again(reads: int, terms: int) -> bytes:
    """One LC of ``terms`` terms (over the inputs), named by ``reads`` checks, 3 times in each
    but the first: a body of 8 * terms + 16 * reads bytes whose run reads
    ``(3 * reads - 2) * terms + 2`` terms."""
    b = ProgramBuilder(num_inputs=terms)
    big = b.lc({w: w + 1 for w in range(terms)})
    b.check(big, b.lc({0: 1}), b.lc({0: 1}))
    for _ in range(reads - 1):
        b.check(big, big, big)
    return b.build(num_wires=terms + 1, outputs=[0]).body


def test_an_lc_read_again_and_again_is_refused_before_the_run() -> None:
    """A small body that names one long LC from every instruction ran for hours: measured
    before the bound, 80 ns a term in C, so 1 MB of terms and 1 MB of MULADDs reading them
    (2 * 10^10 terms) is half an hour, 24 MB three days. The compiler names each LC of two or
    more terms once, so a run reads at most terms + code words terms in all; both twins
    refuse more, with the same message, before computing anything."""
    for twin in (c_twin(), _bn254_py):
        twin.witness_validate(_lc_read_again(reads=1, terms=50))  # named once: fine
        with pytest.raises(MalformedInputError, match=r"expected the code to read at most 452 terms in all, found 14902 "):
            twin.witness_validate(_lc_read_again(reads=100, terms=50))
    data = _lc_read_again(reads=100, terms=50)
    stored = WitnessProgram(data, (), ()).to_bytes()
    with pytest.raises(FormatError, match="read at most"):
        WitnessProgram.from_bytes(stored, hints={})


# ------------------------------------------------------------ valid programs at the edges

_EDGES = [0, 1, 2, R - 1, R - 2, (R - 1) // 2, (R + 1) // 2, 2**253, 2**253 - 1, R - 2**128, 2**64]


def _edge_hint(*values: int) -> list[int]:
    s = sum(values)
    return [s - 3 * R, s + 2**300, -1, R, R + s][: 2]


def _random_program(rng: random.Random) -> WitnessProgram:
    """Every instruction over random LCs whose coefficients are edges too (1, -1, 2^-1...):
    DIV by LCs that are often 0, BITS of 1, 253 and 254 bits of values near r, hints whose
    results are negative, r, or far above it."""
    ni = rng.randrange(1, 4)
    b = ProgramBuilder(ni)
    made = ni + 1

    def lc() -> int:
        return b.lc({rng.randrange(made): rng.choice([1, R - 1, 2, pow(2, -1, R), 2**253 % R, rng.randrange(1, R)])
                     for _ in range(rng.randrange(4))})

    for _ in range(rng.randrange(1, 25)):
        op, w = rng.randrange(6), made
        if op == 0:
            b.muladd(w, lc(), lc(), lc())
        elif op == 1:
            b.div(w, lc(), lc())
        elif op == 2:
            b.is_zero(w, lc())
        elif op == 3:
            n = rng.choice([1, 2, 253, 254, rng.randrange(1, 255)])
            b.bits(w, lc(), n, rng.randrange(n))
            made += n - 2
        elif op == 4:
            b.hint(w, "edge", _edge_hint, [lc() for _ in range(rng.randrange(3))], 2)
            made += 1
        else:
            b.check(lc(), lc(), lc())
            made -= 1
        made += 1
    return b.build(made, list(range(made)))


def test_random_valid_programs_agree_in_both_twins_on_edge_values() -> None:
    rng = random.Random(16)
    ran = 0
    for _ in range(150):
        prog = _random_program(rng)
        for _ in range(2):
            inputs = b"".join(rng.choice(_EDGES).to_bytes(32, "big") for _ in range(prog.num_inputs))
            got = c_twin().witness_run(prog.body, inputs, prog.hint_fns)
            assert got == _bn254_py.witness_run(prog.body, inputs, prog.hint_fns)
            ran += got[0] < 0
    assert ran > 100  # most runs pass their checks, so every wire is compared


# ------------------------------------------------------------ rows satisfied by construction


def _without_checks(body: bytes) -> bytes:
    """The body with every CHECK removed (and the check count set to 0)."""
    head = list(struct.unpack_from("<4s11I", body, 0))
    nc, nl, nt, ncode = head[4:8]
    at = 48 + 32 * nc + 4 * nl + 8 * nt
    code, kept, pc = struct.unpack_from(f"<{ncode}I", body, at), [], 0
    while pc < ncode:
        op = code[pc]
        size = {1: 5, 2: 4, 3: 3, 4: 5, 6: 4}.get(op) or (
            5 + code[pc + 3] if op == 5 else 8 + sum(code[pc + 3:pc + (6 if op == 7 else 8)]))
        if op != 6:
            kept += code[pc:pc + size]
        pc += size
    head[7], head[10] = len(kept), 0
    return struct.pack("<4s11I", *head) + body[48:at] + struct.pack(f"<{len(kept)}I", *kept) + body[at + 4 * ncode:]


#: the catalog, and Keccak-256 (its one-row XOR3 and chi rows are unchecked too)
UNCHECKED_ROWS = CATALOG + [p.entry for p in BEYOND_CIRCOMLIB if p.entry.name.startswith("Keccak")]


@pytest.mark.parametrize("entry", UNCHECKED_ROWS, ids=[e.name for e in UNCHECKED_ROWS])
def test_rows_without_a_check_hold_whatever_the_inputs(entry: Any) -> None:
    """The compiler writes a CHECK only for rows its instructions do not satisfy by
    construction. With every CHECK removed, the program runs to the end on any inputs
    (values out of their types too), and every other row of the system define built holds,
    but those a gadget enforced with ``checked=False`` (SHA-256's one-row XOR3 and Maj,
    Keccak's XOR3 and chi): they hold once the checked rows do (inputs of their types:
    every row holds)."""
    from circuits.compiler import _allocate, input_values
    from circuits.engine import Compiler
    from zkp.r1cs import R1CSBuilder

    cls = circuit(entry)
    api = Compiler(R1CSBuilder(num_public=sum(s.size for _, s in cls.__zk_inputs__ if s.public)),
                   sum(s.size for _, s in cls.__zk_inputs__))
    obj, _ = _allocate(api, cls, None)
    obj.define(api)
    r1cs = api.builder.build()
    prog = api.program.build(r1cs.num_wires, range(r1cs.num_wires))
    body, checked, unchecked = _without_checks(prog.body), set(api.check_rows), set(api.unchecked_rows)
    rng = random.Random(entry.name)
    for run in range(4):
        if run < 3:
            inputs = [rng.choice([0, 1, R - 1, rng.randrange(R), rng.randrange(256)]) for _ in range(prog.num_inputs)]
        else:
            inputs = [int(v) for v in input_values(cls, _random_assignment(cls, rng))]
        k, data = c_twin().witness_run(body, b"".join(v.to_bytes(32, "big") for v in inputs), prog.hint_fns)
        assert k == -1
        a, b, c = r1cs.evaluate([int.from_bytes(data[i:i + 32], "big") for i in range(0, len(data), 32)])
        broken = {i for i, (x, y, z) in enumerate(zip(a, b, c)) if x * y % R != z}
        assert [r1cs.label(i) for i in sorted(broken - checked - unchecked)] == []
        if unchecked and run == 3:  # inputs of their types: the checks hold, so do the unchecked rows
            assert not broken & checked and [r1cs.label(i) for i in sorted(broken & unchecked)] == []


# ------------------------------------------------------------ every API method, both engines


class _EveryMethod(Circuit):
    x: Secret[Field]
    y: Secret[Field]
    u: Secret[UInt[8]]
    b: Secret[Bool]

    def define(self, api: Any) -> None:
        x, y, u, b = self.x, self.y, self.u, self.b
        api.mul(x, y), api.mul(3, x), api.lincomb([(x, 2), (y, R - 1)], 5), api.scale(x, R - 1)
        api.is_zero(x), api.is_zero(x - y), api.is_zero(0), x == y, x != 0
        bits = api.decompose_unchecked(x, 254, linear=253)
        api.decompose_unchecked(y, 254, linear=0), api.decompose_unchecked(x + 1, 254, linear=100)
        api.pack_unchecked(bits), api.from_bits(bits[:253]), api.from_bits([])
        api.to_bits(u, 8), api.as_uint(u, 9), api.to_bits(5, 3)
        api.less_than(u, 200), api.less_than(u, u), u < 7, u >= 3, u > u, u <= 0
        api.select(b, x, y), api.select(b, 3, 4), api.select(b, x, 4), api.select(b, x, x)
        api.select(b, x + 1, x), api.select(1, x, y)
        b & b, b | (u < 3), b ^ 1, ~b, b & 0, api.as_bool(b)
        api.hint(hints.div, x, y), api.hint(hints.muladd, x, y, x), api.hint(lambda: R + 5)
        api.hint(hints.bits(2, 1), x), api.hint(hints.bits(254, 3), x, outputs=253), api.hint(hints.bits(9, 0), u, outputs=8)
        outs = api.hint(lambda a, c: (a, c, -a), x, y, outputs=3)
        api.enforce(b, b, b), api.enforce(b, 1, b, checked=False)
        api.assert_bool(b), api.assert_true(b | ~b), api.assert_equal(outs[0], x)
        api.assert_not_equal(x, x + 1), api.result(x, "x")


@pytest.mark.parametrize("x", [0, 1, R - 1, 2**253])
def test_every_api_method_counts_and_computes_alike_in_both_engines(x: int) -> None:
    """The solver (debug mode) makes as many wires and rows as the compiler for each method
    (it raises otherwise), and its witness is the program's, in C and in Python."""
    cs = compile(_EveryMethod)
    for y, u, b in [(0, 0, 0), (R - 1, 255, 1), (x, 7, 1)]:
        k, _ = _three_ways(cs, _EveryMethod(x=x, y=y, u=u, b=b))
        assert k == -1


def test_bits_hint_and_unchecked_rows() -> None:
    """``hints.bits`` runs the program's BITS with no row (the XOR and majority of three
    Bools: bits 0 and 1 of their sum); a row enforced with ``checked=False`` is in the
    system but not checked by the program (a wrong hint is then seen by the R1CS, not by
    solve), and the debug solver still checks it."""

    def circuit(skip: int, checked: bool) -> type[Circuit]:
        class Bit(Circuit):
            s: Secret[UInt[2]]

            def define(self, api: Any) -> None:
                (m,) = api.hint(hints.bits(2, skip), self.s, outputs=1)  # skip 0: bit 1, the majority
                api.enforce(api.lincomb([(self.s, 2)], -3), api.lincomb([(m, 8), (self.s, -2)], -1), 3, "maj",
                            checked=checked)
        return Bit

    cs, checked = compile(circuit(0, False)), compile(circuit(0, True))
    assert cs.r1cs.num_constraints == checked.r1cs.num_constraints == 3  # with the input's 2-bit range check
    assert cs.program.num_checks == checked.program.num_checks - 1
    for s in range(4):
        w = cs.solve(cs.circuit(s=s))
        assert cs.r1cs.is_satisfied(w.values()) and (s >> 1) in w.values()[2:]
        _three_ways(cs, cs.circuit(s=s))

    wrong = compile(circuit(1, False))  # bit 0, not the majority
    w = wrong.solve(wrong.circuit(s=1))  # the program does not check the row
    assert not wrong.r1cs.is_satisfied(w.values())
    with pytest.raises(UnsatisfiedConstraintError, match="maj"):
        wrong.solve(wrong.circuit(s=1), debug=True)
    loud = compile(circuit(1, True))
    with pytest.raises(UnsatisfiedConstraintError, match="maj"):
        loud.solve(loud.circuit(s=1))
    for n, skip in [(1, 0), (255, 0), (3, 3), (3, -1), (True, 0)]:
        with pytest.raises(ValueError, match="bits hint"):
            hints.bits(n, skip)

    class Count(Circuit):
        s: Secret[UInt[2]]

        def define(self, api: Any) -> None:
            api.hint(hints.bits(3, 0), self.s)

    from circuits import CircuitTypeError
    with pytest.raises(CircuitTypeError, match="expected one input and 2 outputs, found 1 and 1"):
        compile(Count)


# ------------------------------------------------------------ the format's limits, at compile


def test_a_hint_beyond_the_program_limits_is_refused_at_compile() -> None:
    """1025 outputs or 65537 inputs compiled, solved in debug mode, and then every solve
    failed on the program ("hint slot 0 of 1, 1 inputs, 1025 outputs"); compile now says so.
    At the limits, all three engines agree."""
    from circuits import CircuitTypeError

    def wide(n_out: int, n_in: int) -> type:
        class Wide(Circuit):
            x: Secret[Field]

            def define(self, api: Any) -> None:
                outs = api.hint(lambda *a: [sum(a)] * n_out, *[self.x] * n_in, outputs=n_out)
                api.assert_equal(outs[-1], self.x * n_in)

        return Wide

    with pytest.raises(CircuitTypeError, match=r"hint: expected at most 1024 outputs .*found 1025"):
        compile(wide(1025, 1))
    with pytest.raises(CircuitTypeError, match=r"hint: expected at most 65536 inputs .*found 65537"):
        compile(wide(1, 65537))
    for n_out, n_in in ((1024, 1), (1, 65536)):
        cls = wide(n_out, n_in)
        assert _three_ways(compile(cls, optimize=False), cls(x=3))[0] == -1
    b = ProgramBuilder(num_inputs=1)
    with pytest.raises(ValueError, match="at most 1024 outputs"):
        b.hint(2, "h", lambda a: a, [b.lc({1: 1})], 1025)
    from zkp import _bn254_py_witness
    from zkp.program import MAX_HINT_INPUTS, MAX_HINT_OUTPUTS

    assert (MAX_HINT_INPUTS, MAX_HINT_OUTPUTS) == (_bn254_py_witness.MAX_HINT_INPUTS, _bn254_py_witness.MAX_HINT_OUTPUTS)
