"""Diplomas from batch Merkle roots (zkmpc.education.diploma): the circuit against the
malicious-witness harness (a graduate cannot claim another degree, a later year, another
batch, another nullifier), the native checks equal the circuit, the named refusals."""

from __future__ import annotations

import random
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from circuits import CompiledCircuit, UnsatisfiedConstraintError
from zkmpc import errors as E
from zkmpc.education import (Diploma, DiplomaStatement, DiplomaVerifier, Student, University, compile_diploma_circuit,
                             degree_code, diploma_assignment, diploma_assignment_unchecked, diploma_refusal)

from .._helpers import ForgeryCase
from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail: (file, text, replacement, test that went red)
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("zkmpc/education/diploma.py", "        assert_ge(api, self.year, self.min_year)", "        pass",
     "test_the_year_threshold_cannot_be_raised, test_the_native_check_equals_the_circuit"),
    ("zkmpc/education/diploma.py", "        assert_member(api, self.root, leaf, list(self.path), list(self.siblings))",
     "        api.enforce(self.root, 1, self.root)",
     "test_the_degree_and_the_batch_cannot_be_changed, test_the_named_refusals"),
    ("zkmpc/education/diploma.py",
     "        api.assert_equal(nullifier(api, self.holder_secret, self.session), self.nullifier)",
     "        api.enforce(self.nullifier, 1, self.nullifier)",
     "test_the_nullifier_is_bound_to_the_secret_and_the_session"),
)

DEPTH = 4
BSC, MSC = degree_code("BSc Computer Science"), degree_code("MSc Physics")


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return compile_diploma_circuit(DEPTH)


class Case(ForgeryCase):
    """Two batches; the graduate holds serial 3 (BSc, 2022, honours 2) in the second."""

    def __init__(self) -> None:
        rng = random.Random(8)
        self.cs = circuit()
        self.ada, self.bob = Student.generate(rng=rng), Student.generate(rng=rng)
        self.uni = University("U", depth=DEPTH)
        self.old = self.uni.issue_batch([Diploma(self.bob.commitment, MSC, 2019, 0, 1)])
        self.batch = self.uni.issue_batch([Diploma(self.bob.commitment, BSC, 2022, 0, 2),
                                           Diploma(self.ada.commitment, BSC, 2022, 2, 3),
                                           Diploma(self.bob.commitment, MSC, 2024, 1, 4)])
        self.statement = DiplomaStatement(degree=BSC, min_year=2020, session=31337)
        a = diploma_assignment(self.ada, self.batch.diploma(3), self.batch.proof(3), self.statement)
        self.attack(self.cs, self.cs.solve(a))


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_an_honest_presentation_reveals_only_degree_year_session_and_nullifier(case: Case) -> None:
    assert case.witness.public == [case.batch.root, BSC, 2020, 31337, case.ada.nullifier(31337)]
    assert case.cs.r1cs.num_public == 5


def test_the_year_threshold_cannot_be_raised(case: Case) -> None:
    my = case.w("min_year")
    for y in (2023, 2030, 2**16 - 1):
        assert case.forge({my: y}) is None, y
    assert case.forge({my: 2022}) is not None  # true: completes
    assert case.forge({case.w("year"): 2030}) is None  # the secret year is bound by the leaf
    assert case.forge({my: 2023}, movable=("year",)) is None


def test_the_degree_and_the_batch_cannot_be_changed(case: Case) -> None:
    assert case.forge({case.w("degree"): MSC}) is None
    assert case.forge({case.w("degree"): MSC}, movable=("year", "honours", "serial")) is None
    assert case.forge({case.w("root"): case.old.root}) is None
    assert case.forge({case.w("root"): case.old.root}, movable=("path", "siblings")) is None
    assert case.forge({case.w("holder_secret"): case.bob.secret}) is None  # another graduate's diploma


def test_the_nullifier_is_bound_to_the_secret_and_the_session(case: Case) -> None:
    null, session = case.w("nullifier"), case.w("session")
    assert case.forge({null: case.witness.public[4] + 1}) is None
    assert case.forge({session: 31338}) is None
    assert case.forge({session: 31338, null: case.ada.nullifier(31338)}) is not None  # a new session: completes


@pytest.mark.slow
def test_the_diploma_scopes_hold_against_single_wire_changes(case: Case) -> None:
    from circuits.testing import scope_wires

    wires = [w for scope in ("year", "session") for w in scope_wires(case.cs, scope)]
    assert wires and not case.search.sweep(wires)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(year=st.integers(0, 2**16 - 1), min_year=st.integers(0, 2**16 - 1))
def test_the_native_check_equals_the_circuit(case: Case, year: int, min_year: int) -> None:
    uni = University("P", depth=DEPTH)
    batch = uni.issue_batch([Diploma(case.ada.commitment, BSC, year, 0, 9)])
    st_ = DiplomaStatement(degree=BSC, min_year=min_year, session=1)
    try:
        diploma_assignment(case.ada, batch.diploma(9), batch.proof(9), st_)
        native = True
    except E.YearBelowThresholdError:
        native = False
    a = diploma_assignment_unchecked(case.ada, batch.diploma(9), batch.proof(9), st_)
    try:
        case.cs.solve(a)
        assert native
    except UnsatisfiedConstraintError as exc:
        assert not native and isinstance(diploma_refusal(exc), E.YearBelowThresholdError)


def test_the_named_refusals(case: Case) -> None:
    d, p = case.batch.diploma(3), case.batch.proof(3)
    with pytest.raises(E.DegreeMismatchError):
        diploma_assignment(case.ada, d, p, DiplomaStatement(MSC, 2020, 1))
    with pytest.raises(E.YearBelowThresholdError):
        diploma_assignment(case.ada, d, p, DiplomaStatement(BSC, 2023, 1))
    with pytest.raises(E.DiplomaNotIssuedError):
        diploma_assignment(case.bob, d, p, case.statement)  # not the holder
    with pytest.raises(E.DiplomaNotIssuedError):
        diploma_assignment(case.ada, d, case.batch.proof(2), case.statement)  # another leaf's path
    with pytest.raises(E.DiplomaNotIssuedError):
        case.batch.diploma(99)
    forged = Diploma(case.ada.commitment, MSC, 2022, 2, 3)  # never issued: the circuit refuses it too
    a = diploma_assignment_unchecked(case.ada, forged, p, DiplomaStatement(MSC, 2020, 1))
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(a)
    assert isinstance(diploma_refusal(info.value), E.DiplomaNotIssuedError)
    for bad in (dict(min_year=-1), dict(min_year=2**16), dict(session=-1)):
        with pytest.raises(E.EducationFormatError):
            DiplomaStatement(**{"degree": BSC, "min_year": 2020, "session": 1, **bad})
    with pytest.raises(E.EducationFormatError):
        Diploma(case.ada.commitment, BSC, 70000, 0, 1)
    with pytest.raises(E.EducationFormatError):
        University("U", depth=DEPTH).issue_batch([Diploma(1, BSC, 2020, 0, 1), Diploma(2, BSC, 2020, 0, 1)])


def test_the_off_chain_verifier(case: Case) -> None:
    from zkp import groth16

    pk, vk = dev_setup(case.cs.r1cs)
    proof = groth16.prove(pk, case.witness, rng=random.Random(1))
    stranger = DiplomaVerifier(vk, roots=[case.old.root])
    with pytest.raises(E.UnknownBatchRootError):
        stranger.accept(proof, case.witness.public, case.statement)
    verifier = DiplomaVerifier(vk, roots=case.uni.roots)
    with pytest.raises(E.EducationFormatError):
        verifier.accept(proof, case.witness.public, DiplomaStatement(BSC, 2021, 31337))
    tampered = list(case.witness.public)
    tampered[2] = 2021
    with pytest.raises(E.InvalidEducationProofError):
        verifier.accept(proof, tampered, DiplomaStatement(BSC, 2021, 31337))
    assert verifier.accept(proof, case.witness.public, case.statement).degree == BSC
    with pytest.raises(E.PresentationReplayError):
        verifier.accept(proof, case.witness.public, case.statement)
