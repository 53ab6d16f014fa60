"""Secure sum of vectors held by N parties (Shamir shares, three rounds).

1. **input**: every party deals its vector as Shamir shares (seeded for ``threshold - 1``
   recipients: :mod:`mpc.protocols.dealing`).
2. **announce**: every party broadcasts which parties' shares it received in time, then
   echoes a digest of every announcement it got (:func:`~mpc.protocols.base.echo_check`):
   a party that announced different sets to different parties is named and ignored.
   The contributors are the parties every announcer received from, minus those caught
   misbehaving: the same set at every honest party.
3. **open**: every party broadcasts the sum of its shares from the contributors, tagged
   with a digest of that set; shares with another digest are refused and their senders
   named. ``threshold`` matching shares reconstruct the total; more are checked and wrong
   ones corrected (Berlekamp-Welch) and named.

Four message rounds in all. A party that drops out before (1) is left out of the total;
after (1) its input still counts. Fewer than ``threshold`` live parties, or fewer than
``min_contributors`` contributors, abort with :class:`~mpc.net.errors.ProtocolAbort` naming the missing parties:
no partial result is output.

    >>> import numpy as np
    >>> from mpc.protocols import run_in_process
    >>> inputs = {1: [1, 2], 2: [10, 20], 3: [100, 200]}
    >>> out = run_in_process(lambda ctx: secure_sum(ctx, inputs[ctx.party]), parties=3, threshold=2)
    >>> out[1].total.tolist(), out[1].contributors
    ([111, 222], (1, 2, 3))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..field import Vector
from ..net.errors import ProtocolAbort
from .base import Context, consistent_broadcast, digest_ids, open_vector, pack_ids, unpack_ids
from .dealing import receive_dealt, share_vector

__all__ = ["SumResult", "secure_sum"]


@dataclass(frozen=True)
class SumResult:
    """The total, whose inputs it includes, and who was missing or caught misbehaving."""

    total: Any
    contributors: tuple[int, ...]
    missing: tuple[int, ...]
    bad: tuple[int, ...]


async def _input_round(ctx: Context, tag: str, vec: Vector) -> dict[int, Vector]:
    await share_vector(ctx, f"{tag}/input", vec)
    got = await ctx.net.gather(f"{tag}/input", ctx.parties, timeout=ctx.timeout)
    received = receive_dealt(ctx, f"{tag}/input", got, len(vec))
    await ctx.done("input")
    return received


async def _announce_round(ctx: Context, tag: str, received: dict[int, Vector]) -> frozenset[int]:
    views = await consistent_broadcast(ctx, f"{tag}/announce", pack_ids(received),
                                       lambda data: unpack_ids(data, ctx.parties))
    contributors = frozenset.intersection(*views.values()) - ctx.bad
    await ctx.done("announce")
    return contributors


async def secure_sum(ctx: Context, values: object, *, min_contributors: int | None = None,
                     tag: str = "sum") -> SumResult:
    """This party's part of a secure sum of equal-length vectors (or single ints) of
    canonical field elements; every surviving party gets the same :class:`SumResult`.

    ``min_contributors`` (default: the threshold) refuses totals over fewer inputs, which
    would say too much about them."""
    scalar = isinstance(values, (int, np.integer))
    vec = ctx.field.vector([values] if scalar else values, "input")
    await ctx.done("start")
    received = await _input_round(ctx, tag, vec)
    contributors = await _announce_round(ctx, tag, received)
    need = ctx.threshold if min_contributors is None else min_contributors
    if len(contributors) < need:
        missing = tuple(p for p in ctx.parties if p not in contributors)
        raise ProtocolAbort(f"secure sum: {len(contributors)} contributors, at least {need} required; "
                            f"missing: {list(missing)}", missing=missing, bad=tuple(sorted(ctx.bad)), round=f"{tag}/announce")
    share = ctx.field.zeros(len(vec))
    for p in sorted(contributors):
        share = ctx.field.add(share, received[p])
    total, openers = await open_vector(ctx, f"{tag}/open", share, context=digest_ids(contributors, tag, len(vec)))
    await ctx.done("open")
    missing = tuple(p for p in ctx.parties if p not in openers and p not in ctx.bad)
    return SumResult(int(total[0]) if scalar else total, tuple(sorted(contributors)), missing, tuple(sorted(ctx.bad)))
