"""A GPA >= 3.50 from a registrar-signed transcript, in exact fixed point, revealing nothing else.

A registrar keeps the grades of its students and, on request, signs a student's transcript
(EdDSA-Poseidon over the student's commitment, a transcript id and up to 64 courses'
grade points and credits). The student proves to a scholarship board, in its session:

- proven: the credit-weighted GPA is at least 3.50, exactly: ``sum(grade * credits) >=
  350 * sum(credits)`` with grade points at scale 100 (4.00 = 400) and every grade, credit
  and the threshold range checked in the circuit; the transcript is signed by a registrar
  the board trusts (its id ``Poseidon(key)`` is in the contract's root set); a session
  nullifier ``Poseidon(secret, session)``;
- private: the student, the courses, the grades, the credits, the GPA itself.

Refusals shown: a GPA of exactly 3.49, a replayed presentation, an altered grade (the
signature fails), a transcript from a registrar the board does not trust, a raised
threshold on a valid proof.

    python -m examples.education.transcript [--members 10000] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits import UnsatisfiedConstraintError
from zkmpc import errors as E
from zkmpc.contracts import AppLayout
from zkmpc.education import (Course, Registrar, SignedTranscript, Student, Transcript, TranscriptSignals,
                             TranscriptStatement, TranscriptVerifier, compile_transcript_circuit,
                             transcript_assignment, transcript_assignment_unchecked, transcript_refusal)
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

#: root set 0 = trusted registrars' ids; the session is the scope; the nullifier is recorded
LAYOUT = AppLayout(num_public=4, roots=(0,), nullifier=3, scope=2)
GRADES = (400, 367, 333, 300, 267, 233, 200, 167)  # A, A-, B+, B, B-, C+, C, C-
#: GPA exactly 3.49: 8 credits at 3.67 and 9 at 3.33 (5933 / 17 = 349)
GPA_349 = (Course(367, 4), Course(367, 4), Course(333, 3), Course(333, 3), Course(333, 3))
#: GPA 3.6010 over 40 credits (14404 / 40 = 360.1)
GPA_360 = tuple(Course(g, c) for g, c in ((400, 6), (367, 6), (333, 6), (400, 4), (300, 6), (367, 6), (367, 6)))


def records(students: int) -> list[tuple[Student, tuple[Course, ...]]]:
    """The registrar's records: each student's 30 to 40 courses, graded within four
    steps of the scale from the student's own level."""
    rng = random.Random(secrets.randbits(64))
    out = []
    for _ in range(students):
        level = rng.randint(0, len(GRADES) - 4)
        courses = tuple(Course(rng.choice(GRADES[level:level + 4]), rng.choice((3, 4, 5, 6)))
                        for _ in range(rng.randint(30, 40)))
        out.append((Student.generate(), courses))
    return out


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="education/transcript: GPA >= 3.50 from a signed transcript")
    t0 = time.perf_counter()
    registrar, mill = Registrar(), Registrar()
    ada, bob = Student.generate(), Student.generate()
    on_record = records(args.members - 2) + [(ada, GPA_360), (bob, GPA_349)]
    gpas = [Transcript(s.commitment, i, cs).gpa for i, (s, cs) in enumerate(on_record)]
    report.fact("students on record", len(on_record))
    report.fact("share with GPA >= 3.50", f"{sum(g >= 350 for g in gpas) / len(gpas):.1%}")
    report.fact("records built in", f"{time.perf_counter() - t0:.1f} s")
    t1 = time.perf_counter()
    signed = registrar.sign(Transcript(ada.commitment, len(on_record) - 2, GPA_360))  # on Ada's request
    low = registrar.sign(Transcript(bob.commitment, len(on_record) - 1, GPA_349))
    report.fact("transcripts signed on request", f"2 ({(time.perf_counter() - t1) / 2 * 1e3:.0f} ms each)")
    report.fact("scale", "grade points x100 (4.00 = 400), exact: sum(g*c) >= 350 * sum(c)")

    onchain = OnChain.deploy(open_chain(args), compile_transcript_circuit(), LAYOUT)
    app = onchain.app
    app.add_root(registrar.id, 0)  # set 0: the registrars the board trusts
    session = secrets.randbelow(2**248)
    app.set_scope(session)
    statement = TranscriptStatement(min_gpa=350, session=session)
    proved = onchain.prove(transcript_assignment(ada, signed, statement))
    receipt = app.validate(proved.proof, proved.public)
    report.proof(proved, receipt, what="GPA >= 3.50 on a transcript signed by a trusted registrar", onchain=onchain)
    s = TranscriptSignals.from_list(proved.public)
    report.fact("revealed", f"registrar {s.registrar:#x}, threshold {s.min_gpa / 100:.2f}, session, nullifier")
    report.fact("Ada's GPA (private, not in the proof)", f"{float(signed.transcript.gpa) / 100:.4f}")
    verifier = TranscriptVerifier(onchain.keys[1], [registrar.id])
    verifier.accept(proved.proof, proved.public, statement)
    report.fact("accepted off chain too", True)
    refusals(report, onchain, verifier, statement, proved, ada, bob, signed, low, mill)
    return report.figures


def refusals(report: Report, onchain: OnChain, verifier: TranscriptVerifier, statement: TranscriptStatement,
             proved: Any, ada: Student, bob: Student, signed: SignedTranscript, low: SignedTranscript,
             mill: Registrar) -> None:
    app = onchain.app
    report.expect_refusal("Bob's GPA of 3.49 (his own checks)", lambda: transcript_assignment(bob, low, statement),
                          E.GpaBelowThresholdError)

    def circuit_refuses() -> None:
        try:
            onchain.circuit.solve(transcript_assignment_unchecked(bob, low, statement))
        except UnsatisfiedConstraintError as exc:
            raise transcript_refusal(exc) from exc
    report.expect_refusal("GPA 3.49, the checks skipped (the circuit)", circuit_refuses, E.GpaBelowThresholdError)
    report.expect_refusal("the same presentation replayed (on chain)",
                          lambda: app.validate(proved.proof, proved.public), E.NullifierUsedError)
    report.expect_refusal("the same presentation replayed (off chain)",
                          lambda: verifier.accept(proved.proof, proved.public, statement), E.PresentationReplayError)
    t = low.transcript
    altered = SignedTranscript(Transcript(t.student, t.transcript_id, (Course(400, 4),) + t.courses[1:]),
                               low.registrar_key, low.signature)
    report.expect_refusal("Bob's transcript with a grade raised", lambda: transcript_assignment(bob, altered, statement),
                          E.TranscriptSignatureError)
    session2 = secrets.randbelow(2**248)
    app.set_scope(session2)
    st2 = TranscriptStatement(350, session2)
    fresh = onchain.prove(transcript_assignment(ada, signed, st2))
    raised = list(fresh.public)
    raised[1] = 361  # her GPA is 3.601
    report.expect_refusal("a valid proof with its threshold raised to 3.61",
                          lambda: app.validate(fresh.proof, raised), E.InvalidProofError)
    forged = mill.sign(Transcript(bob.commitment, 1, (Course(400, 30),)))
    fake = onchain.prove(transcript_assignment(bob, forged, st2))
    report.expect_refusal("a transcript from an untrusted registrar (on chain)",
                          lambda: app.validate(fake.proof, fake.public), E.UnknownRootError)
    report.expect_refusal("the same (off chain)", lambda: verifier.accept(fake.proof, fake.public, st2),
                          E.UnknownRegistrarError)


if __name__ == "__main__":
    main(sys.argv[1:])
