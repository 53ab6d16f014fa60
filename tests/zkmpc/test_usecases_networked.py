"""The networked statistics use cases (issue 18) with their parties as processes over TLS,
at a small size: the watchlist overlap's two banks, the exposure statistics' banks and
supervisors; and the process plumbing they share (zkmpc.statistics.networked)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import pytest

from mpc.errors import PSIThresholdError
from mpc.net import InProcessHub
from mpc.net.errors import ProtocolAbort
from mpc.paillier.threshold import threshold_keygen
from mpc.protocols.base import Context
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
    docs: dict[int, dict[str, Any]] = {1: {"party": 1, "cardinality": 3},
                                       2: {"party": 2, "error": "9 < 10", "refused": "PSIThresholdError"}}
    with pytest.raises(PSIThresholdError, match="^bank B: 9 < 10$"):
        raise_refusal(docs, [PSIThresholdError], names={1: "bank A", 2: "bank B"}.__getitem__)
    with pytest.raises(PartyFailedError, match="party 3: nothing from party 1"):
        raise_refusal({3: {"party": 3, "error": "nothing from party 1", "missing": [1]}}, [PSIThresholdError])


def test_exposure_stats_with_banks_and_supervisors_as_processes_over_tls() -> None:
    from examples.finance import exposure_stats

    out = io.StringIO()
    figures = exposure_stats.main(["--members", "5", "--bits", "512"], out=out)
    stats = figures["stats"]
    assert stats["banks"] == 3 and (stats["count"], stats["total"], tuple(stats["histogram"])) == figures["plain"]
    assert [cls for _, cls in figures["refused"]] == ["RangeProofError", "MalformedDataError",
                                                      "PartialDecryptionError"]
    assert figures["missing"] == [2, 4]  # the supervisors that vanished, named by those that decrypted
    assert "supervisors 2, 4 vanished after checking the reports: named missing" in out.getvalue()


def test_supervisors_below_the_quorum_abort_naming_those_that_vanished() -> None:
    from examples.finance import exposure_stats as ex

    tpk, shares = threshold_keygen(512, ex.SUPERVISORS, ex.QUORUM, insecure=True)
    banks = 5
    hub = InProcessHub(list(range(1, banks + ex.SUPERVISORS + 1)), session=bytes(16))

    async def vanishing(ctx: Context, job: Any) -> Any:
        try:
            return await job(ctx)
        finally:
            hub.disconnect(ctx.party)

    async def run() -> list[Any]:
        for b in range(1, banks + 1):
            payload = ex.sent_report(tpk, b, banks, 5)
            for s in range(banks + 1, banks + ex.SUPERVISORS + 1):
                await hub.network(b).send(s, "report", payload)
        jobs = []
        for share in shares:  # supervisors 3, 4, 5 vanish: 1 and 2 are too few to decrypt
            ctx = Context(hub.network(banks + share.index), 1)
            job = ex.supervisor_job(share, banks, vanish=share.index > 2)
            jobs.append(vanishing(ctx, job) if share.index > 2 else job(ctx))
        return list(await asyncio.gather(*jobs, return_exceptions=True))

    out = asyncio.run(run())
    for abort in out[:2]:
        assert isinstance(abort, ProtocolAbort) and abort.round == "partial"
        assert abort.missing == (3, 4, 5) and abort.bad == ()
    assert all(doc["vanished"] and [r[:2] for r in doc["refused"]] == [["bank 2", "RangeProofError"],
                                                                         ["bank 5", "MalformedDataError"]]
               for doc in out[2:])
