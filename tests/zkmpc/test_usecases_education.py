"""The education use cases (examples/education/*.py) run end to end at a small size on the
embedded EVM: each proof is validated on chain, and each refusal it demonstrates happens
with its named error."""

from __future__ import annotations

import io

import pytest

from examples.education import course_evaluation, diploma, transcript

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


def _refused(figures: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return dict(figures["refused"])


def _check_proof(figures: dict, constraints: int) -> None:  # type: ignore[type-arg]
    (first,) = figures["proofs"]
    assert first["constraints"] == constraints
    assert 200_000 < first["gas"] < 300_000 and first["prove_s"] > 0


def test_diploma(solc_ready: None) -> None:
    out = io.StringIO()
    figures = diploma.main(["--members", "64"], out)
    _check_proof(figures, 5_662)
    facts = figures["facts"]
    assert facts["batches (roots)"] == facts["roots recorded on chain"] == 3 and facts["tree depth"] == 20
    assert facts["accepted off chain too"] is True
    assert _refused(figures) == {
        "the same presentation replayed (on chain)": "NullifierUsedError",
        "the same presentation replayed (off chain)": "PresentationReplayError",
        "year >= 2024 with a 2023 diploma": "YearBelowThresholdError",
        "year >= 2024, the checks skipped (the circuit)": "YearBelowThresholdError",
        "another degree (MSc Physics)": "DegreeMismatchError",
        "a valid proof with its threshold raised to 2023": "InvalidProofError",
        "a diploma from a batch the university never published (on chain)": "UnknownRootError",
        "the same (off chain)": "UnknownBatchRootError",
        "a presentation in a session the employer did not open": "ScopeNotOpenError"}
    assert "year >= 2022" in out.getvalue() and "validateProof" in out.getvalue()


def test_transcript(solc_ready: None) -> None:
    figures = transcript.main(["--members", "64"], io.StringIO())
    _check_proof(figures, 6_838)
    assert figures["facts"]["students on record"] == 64
    assert figures["facts"]["Ada's GPA (private, not in the proof)"] == "3.6010"
    assert _refused(figures) == {
        "Bob's GPA of 3.49 (his own checks)": "GpaBelowThresholdError",
        "GPA 3.49, the checks skipped (the circuit)": "GpaBelowThresholdError",
        "the same presentation replayed (on chain)": "NullifierUsedError",
        "the same presentation replayed (off chain)": "PresentationReplayError",
        "Bob's transcript with a grade raised": "TranscriptSignatureError",
        "a valid proof with its threshold raised to 3.61": "InvalidProofError",
        "a transcript from an untrusted registrar (on chain)": "UnknownRootError",
        "the same (off chain)": "UnknownRegistrarError"}


def test_course_evaluation(solc_ready: None) -> None:
    figures = course_evaluation.main(["--members", "64", "--voters", "3"], io.StringIO())
    _check_proof(figures, 6_369)
    facts = figures["facts"]
    assert facts["students enrolled (group members)"] == 64
    assert facts["votes validated on chain"] == 3
    assert facts["tally (rating: votes)"] == "1: 0, 2: 0, 3: 1, 4: 1, 5: 1"
    assert facts["on-chain tally equals the off-chain ballot box"] is True
    assert facts["a late enrolment's vote (new root) validated"] is True
    assert _refused(figures) == {
        "a second vote by the same student (on chain)": "NullifierUsedError",
        "the same (off chain)": "NotEnrolledError",
        "a student not enrolled (no Merkle proof)": "MembershipProofError",
        "a student not enrolled, with a group of their own (on chain)": "UnknownRootError",
        "a rating of 7": "InvalidRatingError",
        "a valid vote with its rating changed from 4 to 1": "InvalidProofError",
        "a vote in an evaluation that is not open": "ScopeNotOpenError"}
    assert ("the same (off chain)", "DuplicateVoteError") in figures["refused"]


def test_diploma_on_a_node(anvil_url: str, solc_ready: None) -> None:
    figures = diploma.main(["--members", "64", "--rpc", anvil_url, "--dev-keys"], io.StringIO())
    _check_proof(figures, 5_662)
    assert len(figures["refused"]) == 9  # every on-chain refusal is a revert on anvil too
