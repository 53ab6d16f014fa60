"""Run one party of a protocol over TCP/TLS from a configuration file (what
``zkmpc party --config parties.toml`` does), and the result documents it prints.

    outcome = run_party(load_config("parties.toml"), 2, lambda ctx: secure_sum(ctx, [5, 7]))
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Awaitable, Callable, Sequence, TypeVar

from ..net.config import PartyConfig
from ..net.errors import ProtocolAbort, Violation
from ..net.tcp import TcpNetwork
from .base import Context
from .stats import StatsResult
from .sum import SumResult

__all__ = ["PartyOutcome", "run_party", "result_document"]

T = TypeVar("T")


@dataclass(frozen=True)
class PartyOutcome:
    """A party's result (or the abort that replaced it) and the frames it rejected."""

    result: Any
    error: ProtocolAbort | None
    violations: tuple[Violation, ...]


async def _run(config: PartyConfig, party: int, job: Callable[[Context], Awaitable[T]],
               on_round: Callable[[str], None] | None) -> PartyOutcome:
    server, client = config.contexts(party)
    async with TcpNetwork(party, config.addresses(), config.session, server_ssl=server, client_ssl=client,
                          **config.limits()) as net:
        ctx = Context(net, config.threshold, config.field, config.round_timeout, on_round)
        try:
            return PartyOutcome(await job(ctx), None, tuple(net.violations))
        except ProtocolAbort as exc:
            return PartyOutcome(None, exc, tuple(net.violations))


def run_party(config: PartyConfig, party: int, job: Callable[[Context], Awaitable[T]], *,
              on_round: Callable[[str], None] | None = None) -> PartyOutcome:
    """Run ``job(ctx)`` as ``party``: listen, connect to the peers, run, close.
    A :class:`ProtocolAbort` is returned in :attr:`PartyOutcome.error`, never half a result."""
    return asyncio.run(_run(config, party, job, on_round))


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def result_document(party: int, outcome: PartyOutcome, decode: Callable[[Any], Sequence[int]] | None = None) -> dict[str, Any]:
    """A JSON-ready summary: the result fields, or the error with the culprits named."""
    doc: dict[str, Any] = {"party": party, "violations": [[v.peer, v.reason] for v in outcome.violations]}
    if outcome.error is not None:
        e = outcome.error
        doc.update(error=str(e), round=e.round, missing=list(e.missing), bad=list(e.bad))
        return doc
    r = outcome.result
    if isinstance(r, StatsResult):
        doc.update(count=r.count, mean=str(r.mean), variance=str(r.variance))
    elif isinstance(r, SumResult):
        doc.update(total=_plain(decode(r.total) if decode else [int(x) for x in r.total]))
    doc.update(contributors=list(r.contributors), missing=list(r.missing), bad=list(r.bad))
    return doc
