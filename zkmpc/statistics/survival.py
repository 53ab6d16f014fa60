"""Kaplan-Meier curves and a log-rank test across hospitals from securely summed counts.

Each hospital turns its patient rows (follow-up time in whole months, event or censored,
treatment arm 0 or 1) into a table of counts: for every month ``t = 1 .. horizon`` and arm,
the patients still at risk at the start of month ``t`` and the events during it
(:func:`count_table`). The hospitals add these tables with
:func:`~mpc.protocols.sum.secure_sum` (Shamir shares; a hospital that goes offline after
sharing still counts, one that never shares is left out and named), so what is revealed
is exactly the pooled table: the "number at risk" and events per month and arm that a
published Kaplan-Meier figure shows. No patient row and no hospital's own counts are
revealed (beyond what the pooled table and a hospital's own table imply together).
The curves (:func:`kaplan_meier`) and the log-rank test (:func:`log_rank`) are then
computed by everyone from the pooled table, exactly as from pooled rows.

    >>> rows = [Patient(3, True, 0), Patient(5, False, 0), Patient(2, True, 1), Patient(4, True, 1)]
    >>> pooled = PooledCounts.from_vector(count_table(rows, 5), 5)
    >>> pooled.at_risk[0], pooled.events[1]
    ((2, 2, 2, 1, 1), (0, 1, 0, 1, 0))
    >>> kaplan_meier(pooled.at_risk[1], pooled.events[1])
    [1.0, 0.5, 0.5, 0.0, 0.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from mpc.protocols.base import Context
from mpc.protocols.sum import SumResult, secure_sum

from ..errors import PartyFailedError

__all__ = ["Patient", "count_table", "PooledCounts", "kaplan_meier", "median_survival", "LogRank", "log_rank",
           "pooled_counts", "check_documents"]


@dataclass(frozen=True)
class Patient:
    """One patient row: follow-up ``time`` in whole months (>= 1), ``event`` (True) or
    censored (False) at that time, treatment ``arm`` 0 or 1."""

    time: int
    event: bool
    arm: int


def count_table(patients: Sequence[Patient], horizon: int) -> list[int]:
    """``[at_risk_0, events_0, at_risk_1, events_1]`` for each month ``1 .. horizon``,
    flattened (follow-up beyond the horizon is censored at it).

    Raises:
        ValueError: a row with a time below 1 or an arm other than 0 and 1.
    """
    table = [0] * (4 * horizon)
    for p in patients:
        if isinstance(p.time, bool) or not isinstance(p.time, int) or p.time < 1 or p.arm not in (0, 1):
            raise ValueError(f"patient row: expected time >= 1 and arm 0 or 1, found {p}")
        last = min(p.time, horizon)
        for t in range(last):
            table[4 * t + 2 * p.arm] += 1
        if p.event and p.time <= horizon:
            table[4 * (p.time - 1) + 2 * p.arm + 1] += 1
    return table


@dataclass(frozen=True)
class PooledCounts:
    """At-risk and event counts per arm and month (index ``t - 1``)."""

    at_risk: tuple[tuple[int, ...], tuple[int, ...]]
    events: tuple[tuple[int, ...], tuple[int, ...]]

    @classmethod
    def from_vector(cls, values: Sequence[int], horizon: int) -> PooledCounts:
        v = [int(x) for x in values]
        if len(v) != 4 * horizon:
            raise ValueError(f"counts: expected {4 * horizon} values for {horizon} months, found {len(v)}")
        return cls((tuple(v[0::4]), tuple(v[2::4])), (tuple(v[1::4]), tuple(v[3::4])))


def kaplan_meier(at_risk: Sequence[int], events: Sequence[int]) -> list[float]:
    """Survival at the end of each month: the product of ``1 - d_t / n_t``."""
    s, out = 1.0, []
    for n, d in zip(at_risk, events):
        if n:
            s *= 1 - d / n
        out.append(s)
    return out


def median_survival(curve: Sequence[float]) -> int | None:
    """The first month at whose end survival is at most 0.5 (None if never)."""
    return next((t + 1 for t, s in enumerate(curve) if s <= 0.5), None)


@dataclass(frozen=True)
class LogRank:
    """Observed and expected events in arm 1, the variance, the statistic (1 df) and p."""

    observed: int
    expected: float
    variance: float
    chi2: float
    p: float


def log_rank(counts: PooledCounts) -> LogRank:
    """The Mantel-Haenszel log-rank test of arm 1 against arm 0."""
    observed, expected, variance = 0, 0.0, 0.0
    for n0, n1, d0, d1 in zip(*counts.at_risk, *counts.events):
        n, d = n0 + n1, d0 + d1
        if n == 0:
            continue
        observed += d1
        expected += d * n1 / n
        if n > 1:
            variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1)
    chi2 = (observed - expected) ** 2 / variance if variance else 0.0
    return LogRank(observed, expected, variance, chi2, math.erfc(math.sqrt(chi2 / 2)))


async def pooled_counts(ctx: Context, patients: Sequence[Patient], horizon: int, *,
                        tag: str = "survival") -> tuple[PooledCounts, SumResult]:
    """This hospital's part: share its count table, learn the pooled one (and who
    contributed, who went missing)."""
    res = await secure_sum(ctx, count_table(patients, horizon), tag=tag)
    return PooledCounts.from_vector([int(v) for v in res.total], horizon), res


def check_documents(docs: Mapping[int, Mapping[str, object]]) -> None:
    """Every hospital process must have printed the same pooled table.

    Raises:
        PartyFailedError: a hospital that aborted or disagrees."""
    tables = {p: d.get("counts") for p, d in docs.items()}
    if any(t is None for t in tables.values()) or len({str(t) for t in tables.values()}) != 1:
        raise PartyFailedError(f"the hospitals did not all finish with one pooled table: {docs}")
