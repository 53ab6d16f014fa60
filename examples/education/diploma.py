"""A diploma from a university's batch-issued Merkle root, proven as "degree X, year >= Y" only.

A university issues each year's diplomas as one batch: a Poseidon Merkle tree (depth 20)
of diploma leaves ``Poseidon(holder commitment, degree, year, honours, serial)``, whose root
its admin key records on chain (several batches over the years: several roots of one root
set). A graduate proves to an employer, in the employer's session:

- proven: "I hold a diploma of degree X from one of this university's batches, of year
  >= Y"; the public signals are the batch root, X, Y, the session and a nullifier
  ``Poseidon(secret, session)`` (one presentation per session, not replayable);
- private: who the graduate is, which batch, the exact year, the honours, the serial.

Refusals shown: a replayed presentation, a year threshold above the diploma's, another
degree, a diploma from a batch the university never published (a diploma mill), a raised
threshold on a valid proof, a session the employer did not open.

    python -m examples.education.diploma [--members 10000] [--rpc URL --dev-keys]
"""

from __future__ import annotations

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
from zkmpc.education import (Diploma, DiplomaSignals, DiplomaStatement, DiplomaVerifier, Student, University,
                             compile_diploma_circuit, degree_code, diploma_assignment, diploma_assignment_unchecked,
                             diploma_refusal)
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

DEPTH = 20
YEARS = (2022, 2023, 2024)
DEGREES = ("BSc Computer Science", "BSc Mathematics", "MSc Physics", "MA History")
#: root set 0 = the university's batch roots; the session is the scope; the nullifier is recorded
LAYOUT = AppLayout(num_public=5, roots=(0,), nullifier=4, scope=3)


def issue(uni: University, graduates: int, ada: Student) -> tuple[Diploma, int]:
    """One batch per year; Ada's BSc Computer Science diploma is in the 2023 batch."""
    codes = [degree_code(d) for d in DEGREES]
    serial, mine = 0, None
    for k, year in enumerate(YEARS):
        per_year = max((graduates * (k + 1)) // len(YEARS) - (graduates * k) // len(YEARS), 1)
        diplomas = []
        for i in range(per_year):
            serial += 1
            holder = ada.commitment if (year, i) == (2023, per_year // 2) else Student.generate().commitment
            diplomas.append(Diploma(holder, codes[i % len(codes)] if holder != ada.commitment else codes[0], year,
                                    secrets.randbelow(3), serial))
            if holder == ada.commitment:
                mine = (diplomas[-1], serial)
        uni.issue_batch(diplomas, f"class of {year}")
    assert mine is not None
    return mine


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="education/diploma: a degree from a batch-issued root")
    t0 = time.perf_counter()
    uni, ada = University("Example University", depth=DEPTH), Student.generate()
    diploma, serial = issue(uni, args.members, ada)
    batch = next(b for b in uni.batches if b.label == "class of 2023")
    report.fact("graduates issued", sum(len(b) for b in uni.batches))
    report.fact("batches (roots)", len(uni.batches))
    report.fact("tree depth", DEPTH)
    report.fact("batches built in", f"{time.perf_counter() - t0:.1f} s")

    onchain = OnChain.deploy(open_chain(args), compile_diploma_circuit(DEPTH), LAYOUT)
    app = onchain.app
    for b in uni.batches:
        app.add_root(b.root, 0)  # set 0: the university's admin key publishes each batch
    session = secrets.randbelow(2**248)
    app.set_scope(session)  # the employer's session is open
    report.fact("roots recorded on chain", app.root_count())

    statement = DiplomaStatement(degree=degree_code("BSc Computer Science"), min_year=2022, session=session)
    proved = onchain.prove(diploma_assignment(ada, diploma, batch.proof(serial), statement))
    receipt = app.validate(proved.proof, proved.public)
    report.proof(proved, receipt, what="a BSc Computer Science diploma of year >= 2022 from a published batch",
                 onchain=onchain)
    signals = DiplomaSignals.from_list(proved.public)
    report.fact("revealed", f"degree {signals.degree:#x} (BSc Computer Science), year >= {signals.min_year}, "
                            f"session, nullifier {signals.nullifier:#x}")
    verifier = DiplomaVerifier(onchain.keys[1], uni.roots)
    verifier.accept(proved.proof, proved.public, statement)
    report.fact("accepted off chain too", True)
    refusals(report, onchain, uni, ada, diploma, serial, statement, proved, verifier)
    return report.figures


def refusals(report: Report, onchain: OnChain, uni: University, ada: Student, diploma: Diploma, serial: int,
             statement: DiplomaStatement, proved: Any, verifier: DiplomaVerifier) -> None:
    app, batch = onchain.app, uni.batches[1]
    path = batch.proof(serial)
    report.expect_refusal("the same presentation replayed (on chain)",
                          lambda: app.validate(proved.proof, proved.public), E.NullifierUsedError)
    report.expect_refusal("the same presentation replayed (off chain)",
                          lambda: verifier.accept(proved.proof, proved.public, statement), E.PresentationReplayError)
    later = DiplomaStatement(statement.degree, 2024, statement.session)
    report.expect_refusal("year >= 2024 with a 2023 diploma", lambda: diploma_assignment(ada, diploma, path, later),
                          E.YearBelowThresholdError)

    def circuit_refuses() -> None:
        try:
            onchain.circuit.solve(diploma_assignment_unchecked(ada, diploma, path, later))
        except UnsatisfiedConstraintError as exc:
            raise diploma_refusal(exc) from exc
    report.expect_refusal("year >= 2024, the checks skipped (the circuit)", circuit_refuses, E.YearBelowThresholdError)
    msc = DiplomaStatement(degree_code("MSc Physics"), 2022, statement.session)
    report.expect_refusal("another degree (MSc Physics)", lambda: diploma_assignment(ada, diploma, path, msc),
                          E.DegreeMismatchError)
    session2 = secrets.randbelow(2**248)
    app.set_scope(session2)
    fresh = onchain.prove(diploma_assignment(ada, diploma, path, DiplomaStatement(statement.degree, 2022, session2)))
    raised = list(fresh.public)
    raised[2] = 2023  # her diploma is of 2023, but this proof says >= 2022
    report.expect_refusal("a valid proof with its threshold raised to 2023",
                          lambda: app.validate(fresh.proof, raised), E.InvalidProofError)
    mill = University("Diploma Mill", depth=DEPTH).issue_batch([Diploma(ada.commitment, statement.degree, 2024, 2, 1)])
    fake = onchain.prove(diploma_assignment(ada, mill.diploma(1), mill.proof(1),
                                            DiplomaStatement(statement.degree, 2022, session2)))
    report.expect_refusal("a diploma from a batch the university never published (on chain)",
                          lambda: app.validate(fake.proof, fake.public), E.UnknownRootError)
    report.expect_refusal("the same (off chain)", lambda: verifier.accept(
        fake.proof, fake.public, DiplomaStatement(statement.degree, 2022, session2)), E.UnknownBatchRootError)
    closed = secrets.randbelow(2**248)
    other = onchain.prove(diploma_assignment(ada, diploma, path, DiplomaStatement(statement.degree, 2022, closed)))
    report.expect_refusal("a presentation in a session the employer did not open",
                          lambda: app.validate(other.proof, other.public), E.ScopeNotOpenError)


if __name__ == "__main__":
    main(sys.argv[1:])
