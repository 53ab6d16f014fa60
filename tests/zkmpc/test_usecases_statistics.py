"""The statistics use cases (issue 18) run end to end at a small size: each prints what
every party learns, its result equals the plain computation, and every refusal it claims
happens with the named error; and zkmpc.statistics' small-cell suppression."""

from __future__ import annotations

import io

import pytest

from zkmpc.errors import ContributionFormatError
from zkmpc.statistics import one_hot, suppress_small_cells

pytestmark = pytest.mark.app_layer


def test_watchlist_overlap_reveals_count_and_sum_above_the_threshold_only() -> None:
    from examples.finance import watchlist_overlap

    out = io.StringIO()
    figures = watchlist_overlap.main(["--members", "200", "--shared", "30", "--threshold", "10", "--bits", "1024",
                                      "--processes", "0"], out=out)
    assert (figures["cardinality"], figures["sum"]) == figures["plain"]
    assert figures["cardinality"] == 30
    assert [cls for _, cls in figures["refused"]] == ["PSIThresholdError"]
    assert "30 shared, total exposure to them" in out.getvalue()


def test_exposure_stats_refuses_the_lying_bank_and_decrypts_the_rest() -> None:
    from examples.finance import exposure_stats

    out = io.StringIO()
    figures = exposure_stats.main(["--members", "5", "--bits", "512", "--processes", "0"], out=out)
    stats = figures["stats"]
    assert stats["banks"] == 3
    assert (stats["count"], stats["total"], tuple(stats["histogram"])) == figures["plain"]
    assert figures["refused"] == [
        ("bank 2's report with a total of 2^60 (the proof is for another ciphertext)", "RangeProofError"),
        ("bank 5's report cut short in transit", "MalformedDataError"),
        ("supervisor 1's partial decryption made with supervisor 2's share", "PartialDecryptionError")]


def test_app_telemetry_histogram_is_checked_and_bad_phones_are_named() -> None:
    from examples.healthcare import app_telemetry

    out = io.StringIO()
    figures = app_telemetry.main(["--members", "5", "--proven", "5"], out=out)
    assert figures["counts"] == figures["plain"] and sum(figures["counts"]) == 5
    assert figures["refused_tags"] == {6: "InvalidContributionProofError", 7: "ShareOpeningError"}
    assert figures["dropped"] == (8,)
    assert [cls for _, cls in figures["refused"]][0] == "ContributionRangeError"
    assert "simulated" not in out.getvalue()


def test_od_matrix_is_checked_and_small_cells_are_withheld() -> None:
    from examples.transportation import od_matrix

    out = io.StringIO()
    figures = od_matrix.main(["--members", "6", "--proven", "6", "--zones", "2", "--threshold", "2"], out=out)
    assert figures["counts"] == figures["plain"] and sum(figures["counts"]) == 6
    assert figures["published"] == tuple(None if 0 < c < 2 else c for c in figures["counts"])
    assert [cls for _, cls in figures["refused"]] == ["ShareOpeningError"]


def test_suppression_withholds_small_cells_only() -> None:
    p = suppress_small_cells([0, 1, 4, 5, 9], threshold=5)
    assert p.cells == (0, None, None, 5, 9) and p.withheld == 2 and p.published_total == 14
    assert suppress_small_cells([0, 5], threshold=5, suppress_zero=True).cells == (None, 5)
    assert suppress_small_cells([1], threshold=1).cells == (1,)


@pytest.mark.parametrize("counts, threshold", [([1, -1], 2), ([1, True], 2), ([1], 0), ([2.0], 2)])
def test_suppression_refuses_bad_input(counts: list, threshold: int) -> None:
    with pytest.raises(ContributionFormatError):
        suppress_small_cells(counts, threshold)


def test_one_hot_refuses_a_bucket_outside() -> None:
    assert one_hot(0, 3) == [1, 0, 0]
    with pytest.raises(ContributionFormatError):
        one_hot(3, 3)
