"""The season pass (examples/transportation/season_pass.py) at a small size: N rides a
day validated on chain, the N+1th ride, a replayed ride, a reused counter, tomorrow's ride
and a rider without a pass refused, on the embedded EVM (the same app contract on anvil,
two nodes: tests/zkmpc/test_usecases_ai.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from examples.transportation import season_pass

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

REFUSALS = [
    ("ride 4 today (no counter >= N has a proof)", "RateLimitExceededError"),
    ("a replayed ride (the same proof again)", "NullifierUsedError"),
    ("an extra ride reusing counter 0 at another gate", "NullifierUsedError"),
    ("tomorrow's ride today (its epoch is not open)", "ScopeNotOpenError"),
    ("a rider without a pass", "MembershipProofError"),
]


def check(figures: dict[str, Any], members: int) -> None:
    assert season_pass.RIDES_PER_DAY == 3
    assert [tuple(r) for r in figures["refused"]] == REFUSALS
    proofs = figures["proofs"]
    assert len(proofs) == season_pass.RIDES_PER_DAY + 1 == figures["facts"]["rides validated on chain"]
    for p in proofs:
        assert p["constraints"] == 6393  # depth 20, limit 3
        assert 200_000 < p["gas"] < 289_000 and p["prove_s"] > 0
    assert figures["facts"]["pass holders"].startswith(f"{members:,} ")


def test_season_pass_on_the_embedded_evm() -> None:
    out = io.StringIO()
    check(season_pass.main(["--members", "64"], out), 64)
    assert "refused: ride 4 today" in out.getvalue()
