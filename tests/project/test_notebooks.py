"""The notebooks in notebooks/ run from top to bottom (nbclient, a fresh kernel each), and
are stored without outputs (git keeps the source, not a run's results)."""

from __future__ import annotations

from pathlib import Path

import pytest

import nbformat
from nbclient import NotebookClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.app_layer

# what each notebook must print: its story's claims, checked as a reader would see them
CLAIMS = {
    "tour": ["verifies: True", "UnsatisfiedConstraintError", "on chain: True", "total: 192000", "123456789 123456789"],
    "identity": ["verifies: True", "validated, gas:", "second signal refused", "the same proof for 'no': False"],
    "education": ["verifies: True", "on chain: accepted, gas:", "GpaBelowThresholdError", "UnsatisfiedConstraintError",
                  "NullifierUsedError", "TranscriptSignatureError", "InvalidProofError", "UnknownRootError",
                  "Ada in the new session: accepted", "diploma on chain, gas:", "YearBelowThresholdError",
                  "DegreeMismatchError"],
    "finance": ["verifies: True", "on chain: accepted, gas:", "ScoreTooLowError", "IncomeTooLowError",
                "DebtRatioTooHighError", "AttestationExpiredError", "AttestationSignatureError", "NullifierUsedError",
                "ScopeNotOpenError", "UnknownRootError", "InvalidProofError", "DoubleWithdrawalError",
                "UnapprovedDepositError", "withdrawn to 0x"],
    "transportation": ["verifies: True", "ride 3 of 3: on chain, gas", "RateLimitExceededError", "NullifierUsedError",
                       "ScopeNotOpenError", "MembershipProofError", "Carl's first ride: on chain",
                       "Dana's licence on chain, gas:", "LicenceClassError", "UnderAgeError", "LicenceExpiredError",
                       "LicenceSuspendedError", "LicenceSignatureError"],
    "ai": ["constraints by layer: {'input': ", "verifies: True", "ScoreBelowThresholdError", "on chain: True",
           "the same proof with a softer threshold: False", "within the documented bound: True",
           "circuit output == forward_fixed: True", "dropped: hospital 3", "plotted accuracy for 8 rounds",
           "every hospital ends with the server's model: True"],
    "healthcare": ["every hospital learns the same table: True", "equals the table of the pooled patient rows: True",
                   "log-rank: ", "plotted the Kaplan-Meier curves of 2 arms", "hospital 4: Crashed",
                   "hospital 1: table with hospital 4's patients: True, missing: [4]",
                   "rs0003: genome-wide significant: yes", "rs0001: genome-wide significant: no",
                   "the MPC's answers equal the pooled test: True"],
    "statistics": ["TooFewReportsError", "a second report from 'hospital 1'", "equals the pooled data: True",
                   "histogram: {'<90': ", "Histogram(edges 90..180, 5 bins, underflow ",
                   "falls in the underflow cell", "low high", "plotted 5 bins with matplotlib",
                   "mechanism: discrete Laplace, epsilon = 1", "'(-inf, 90): withheld'", "withheld, noised)",
                   "NoiseAlreadyAddedError", "exact: True", "ContributionRangeError",
                   "accepted: [1, 2, 3, 4, 5]",
                   "refused: submission 99 -> InvalidContributionProofError", "on chain, one batch: True",
                   "NullifierUsedError", "AggregateMismatchError", "hospitals counted: [1, 2, 3, 5]",
                   "equals the plain sum: True"],
}


def test_every_notebook_with_claims_exists() -> None:
    assert {p.stem for p in NOTEBOOKS} >= set(CLAIMS) >= {"tour", "identity"}


def test_the_tour_names_every_notebook() -> None:
    """The tour's "Where next" is the way into the other notebooks: it names each one there is."""
    nb = nbformat.read(ROOT / "notebooks" / "tour.ipynb", as_version=4)  # type: ignore[no-untyped-call]
    where_next = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Where next")]
    assert len(where_next) == 1, "the tour ends with one '## Where next' cell"
    missing = [p.name for p in NOTEBOOKS if p.stem != "tour" and f"notebooks/{p.name}" not in where_next[0]]
    assert not missing, f"the tour's 'Where next' should name every notebook; missing: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]  # nbformat is untyped
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(path: Path, solc_ready: None) -> None:
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]  # nbformat is untyped
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Traceback" not in text
    for claim in CLAIMS.get(path.stem, []):
        assert claim in text, f"{path.name}: expected {claim!r} in its outputs"
