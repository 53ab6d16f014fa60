"""The networked statistics use cases (issue 18) with their parties as processes over TLS,
at a small size: the watchlist overlap's two banks, the exposure statistics' banks and
supervisors; and the process plumbing they share (zkmpc.statistics.networked)."""

from __future__ import annotations

import io

import pytest

from mpc.errors import PSIThresholdError
from zkmpc.errors import PartyFailedError
from zkmpc.statistics.networked import raise_refusal

pytestmark = pytest.mark.app_layer


def test_watchlist_overlap_between_two_bank_processes_over_tls() -> None:
    from examples.finance import watchlist_overlap

    out = io.StringIO()
    figures = watchlist_overlap.main(["--members", "200", "--shared", "30", "--threshold", "10", "--bits", "1024"],
                                     out=out)
    assert (figures["cardinality"], figures["sum"]) == figures["plain"]
    assert figures["cardinality"] == 30 and figures["offline"] > 0
    assert [cls for _, cls in figures["refused"]] == ["PSIThresholdError"]
    assert "two processes over TLS" in out.getvalue()


def test_a_refusal_comes_back_with_its_class_and_the_party_named() -> None:
    docs = {1: {"party": 1, "cardinality": 3}, 2: {"party": 2, "error": "9 < 10", "refused": "PSIThresholdError"}}
    with pytest.raises(PSIThresholdError, match="^bank B: 9 < 10$"):
        raise_refusal(docs, [PSIThresholdError], names={1: "bank A", 2: "bank B"}.__getitem__)
    with pytest.raises(PartyFailedError, match="party 3: nothing from party 1"):
        raise_refusal({3: {"party": 3, "error": "nothing from party 1", "missing": [1]}}, [PSIThresholdError])
