"""GPA thresholds from signed transcripts (zkmpc.education.transcript): the fixed-point
statement is exact (3.49 is refused, 3.50 accepted), every value is range checked (no
packing or wrap-around forgery), the signature binds grades and credits, the native check
equals the circuit, and each refusal has its named error."""

from __future__ import annotations

import random
from fractions import Fraction
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from circuits import CompiledCircuit, UnsatisfiedConstraintError
from zkmpc import errors as E
from zkp.field import R
from zkmpc.education import (Course, Registrar, Student, Transcript, TranscriptStatement, TranscriptVerifier,
                             compile_transcript_circuit, transcript_assignment, transcript_assignment_unchecked,
                             transcript_refusal)

from .._helpers import ForgeryCase
from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail: (file, text, replacement, test that went red)
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("zkmpc/education/transcript.py", "    api.to_bits(gap, SUM_BITS)", "",
     "test_the_threshold_cannot_be_raised, test_3_49_is_refused_and_3_50_accepted, "
     "test_the_native_check_equals_the_circuit"),
    ("zkmpc/education/transcript.py", "    api.to_bits(total - 1, SUM_BITS)", "",
     "test_a_transcript_without_credits_proves_nothing"),
    ('zkmpc/education/transcript.py', '"credits": Secret[UInt[CREDIT_BITS], MAX_COURSES]',
     '"credits": Secret[Field, MAX_COURSES]', "test_grades_and_credits_cannot_be_repacked"),
    ("zkmpc/education/transcript.py", "        api.assert_equal(poseidon(api, list(self.registrar_key)), self.registrar)",
     "", "test_the_grades_and_the_registrar_are_bound"),
)

#: GPA exactly 3.49: 8 credits at 3.67 and 9 at 3.33 (5933 / 17 = 349)
GPA_349 = (Course(367, 4), Course(367, 4), Course(333, 3), Course(333, 3), Course(333, 3))
#: GPA 3.60 over 12 credits, with an empty slot (0 credits) in the middle
HONEST = (Course(400, 6), Course(0, 0), Course(300, 4), Course(360, 2))


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return compile_transcript_circuit()


class Case(ForgeryCase):
    def __init__(self) -> None:
        rng = random.Random(11)
        self.cs = circuit()
        self.registrar, self.other = Registrar(b"registrar"), Registrar(b"mallory")
        self.ada, self.bob = Student.generate(rng=rng), Student.generate(rng=rng)
        self.signed = self.registrar.sign(Transcript(self.ada.commitment, 7, HONEST))
        self.statement = TranscriptStatement(min_gpa=350, session=2026)
        self.attack(self.cs, self.cs.solve(transcript_assignment(self.ada, self.signed, self.statement)))


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_an_honest_presentation(case: Case) -> None:
    assert case.signed.transcript.gpa == Fraction(4320, 12) == 360
    assert case.witness.public == [case.registrar.id, 350, 2026, case.ada.nullifier(2026)]


def test_the_threshold_cannot_be_raised(case: Case) -> None:
    mg = case.w("min_gpa")
    for t in (361, 400, 511):
        assert case.forge({mg: t}) is None, t
    assert case.forge({mg: 360}) is not None  # exactly the GPA: completes


def test_3_49_is_refused_and_3_50_accepted(case: Case) -> None:
    low = case.registrar.sign(Transcript(case.ada.commitment, 8, GPA_349))
    assert low.transcript.gpa == 349
    with pytest.raises(E.GpaBelowThresholdError, match="3.4900"):
        transcript_assignment(case.ada, low, case.statement)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(transcript_assignment_unchecked(case.ada, low, case.statement))
    assert isinstance(transcript_refusal(info.value), E.GpaBelowThresholdError)
    case.cs.solve(transcript_assignment(case.ada, low, TranscriptStatement(349, 1)))
    exact = case.registrar.sign(Transcript(case.ada.commitment, 9, (Course(400, 1), Course(300, 1))))
    case.cs.solve(transcript_assignment(case.ada, exact, case.statement))


def test_the_grades_and_the_registrar_are_bound(case: Case) -> None:
    g1 = case.w("grades", 2)
    assert case.forge({g1: 400}) is None
    assert case.forge({g1: 400}, movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("credits", 2): 30}, movable=("sig_r8", "sig_s")) is None
    key = case.other.public_key
    assert case.forge({case.w("registrar_key"): key[0], case.w("registrar_key", 1): key[1]},
                      movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("registrar"): case.other.id}) is None
    assert case.forge({case.w("student_secret"): case.bob.secret}) is None


def test_grades_and_credits_cannot_be_repacked(case: Case) -> None:
    g0, c0, c1 = case.w("grades", 0), case.w("credits", 0), case.w("credits", 1)
    # (g*2^6 + c) is the packed course: a credit past 6 bits borrows from the grade...
    assert case.forge({c0: 6 + 64, g0: 399}) is None
    # ...and a grade past 9 bits from the next course's credits (slot 1 is empty: 0 - 1)
    assert case.forge({g0: 400 + 512, c1: R - 1}) is None
    assert case.forge({g0: 400 + 512}, movable=("credits",)) is None


def test_a_transcript_without_credits_proves_nothing(case: Case) -> None:
    empty = case.registrar.sign(Transcript(case.ada.commitment, 10, (Course(0, 0),)))
    with pytest.raises(E.GpaBelowThresholdError):
        transcript_assignment(case.ada, empty, TranscriptStatement(0, 1))
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(transcript_assignment_unchecked(case.ada, empty, TranscriptStatement(0, 1)))
    assert isinstance(transcript_refusal(info.value), E.GpaBelowThresholdError)


def test_the_nullifier_is_bound(case: Case) -> None:
    assert case.forge({case.w("nullifier"): case.witness.public[3] + 1}) is None
    assert case.forge({case.w("session"): 2027}) is None


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(courses=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 63)), min_size=1, max_size=6),
       min_gpa=st.integers(0, 511))
def test_the_native_check_equals_the_circuit(case: Case, courses: list[tuple[int, int]], min_gpa: int) -> None:
    signed = case.registrar.sign(Transcript(case.ada.commitment, 1, tuple(Course(g, c) for g, c in courses)))
    statement = TranscriptStatement(min_gpa, 3)
    try:
        transcript_assignment(case.ada, signed, statement)
        native = True
    except E.GpaBelowThresholdError:
        native = False
    try:
        case.cs.solve(transcript_assignment_unchecked(case.ada, signed, statement))
        assert native
    except UnsatisfiedConstraintError as exc:
        assert not native and isinstance(transcript_refusal(exc), E.GpaBelowThresholdError)


def test_the_named_refusals(case: Case) -> None:
    forged = type(case.signed)(Transcript(case.ada.commitment, 7, (Course(400, 12),)), case.signed.registrar_key,
                               case.signed.signature)
    with pytest.raises(E.TranscriptSignatureError):
        transcript_assignment(case.ada, forged, case.statement)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(transcript_assignment_unchecked(case.ada, forged, case.statement))
    assert isinstance(transcript_refusal(info.value), E.TranscriptSignatureError)
    with pytest.raises(E.EducationFormatError):
        transcript_assignment(case.bob, case.signed, case.statement)  # not bob's
    for bad in ((401, 1), (-1, 1), (400, 64)):
        with pytest.raises(E.EducationFormatError):
            Course(*bad)
    with pytest.raises(E.EducationFormatError):
        Transcript(1, 1, tuple(Course(300, 1) for _ in range(65)))
    with pytest.raises(E.EducationFormatError):
        TranscriptStatement(512, 1)


def test_the_off_chain_verifier(case: Case) -> None:
    from zkp import groth16

    pk, vk = dev_setup(case.cs.r1cs)
    proof = groth16.prove(pk, case.witness, rng=random.Random(1))
    with pytest.raises(E.UnknownRegistrarError):
        TranscriptVerifier(vk, registrars=[case.other.id]).accept(proof, case.witness.public, case.statement)
    verifier = TranscriptVerifier(vk, registrars=[case.registrar.id])
    raised = list(case.witness.public)
    raised[1] = 360
    with pytest.raises(E.InvalidEducationProofError):
        verifier.accept(proof, raised, TranscriptStatement(360, 2026))
    assert verifier.accept(proof, case.witness.public, case.statement).min_gpa == 350
    with pytest.raises(E.PresentationReplayError):
        verifier.accept(proof, case.witness.public, case.statement)
