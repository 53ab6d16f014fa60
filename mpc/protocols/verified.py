"""Verifiable secure sum: Feldman commitments in BN254 G1 travel with every dealing.

Over BN254 Fr, each dealer commits to every coefficient of its sharing polynomials
(``C[j][e] = a[j][e] G``: ``threshold x len(values)`` points) and sends them with each
share. Then:

* every party checks its share against the dealer's commitments (one multi-scalar
  multiplication per dealer, the vector folded with fresh random weights); a dealer whose
  share fails is **accused** in the announcement and left out, named as bad by everyone;
* the announcements carry a digest of the commitments each party received, so a dealer
  who sent different commitments to different parties is caught and named;
* every opened sum share is checked against the sum of the contributors' commitments, so
  a wrong opening is caught and its sender named even with exactly ``threshold`` shares.

    >>> from mpc.protocols import run_in_process
    >>> inputs = {1: [5, 6], 2: [7, 8], 3: [9, 10]}
    >>> out = run_in_process(lambda ctx: verified_sum(ctx, inputs[ctx.party]), parties=3, threshold=2)
    >>> out[3].total.tolist(), out[3].bad
    ([21, 24], ())

Security:
    Semi-honest echoes and complaints are assumed, as in :mod:`mpc.protocols.sum` (a lying
    accuser could exclude an honest dealer; full Feldman VSS answers accusations by
    publishing the disputed share). Commitments ``a[0][e] G`` reveal ``x G`` for each input:
    inputs from a small range can be found by trying them all (use Pedersen-style
    commitments, :mod:`mpc.sharing.vss`, where that matters). Each dealing costs
    ``threshold x len(values)`` fixed-base multiplications: meant for vectors of thousands,
    not millions.
"""

from __future__ import annotations

import asyncio
import hashlib
import struct
from dataclasses import dataclass
from typing import Callable

import numpy as np

from zkp.curve import G1Point, g1_batch_mul_packed, g1_msm_packed

from ..errors import MPCTypeError
from ..field import FR, Vector
from ..net.errors import FrameError, ProtocolAbort
from ..sharing.shamir import evaluate
from .base import Context, consistent_broadcast, digest_ids, open_vector, pack_ids, unpack_ids
from .sum import SumResult

__all__ = ["verified_sum"]


@dataclass(frozen=True)
class _Dealt:
    share: Vector
    commitments: bytes  # threshold x m packed G1 points, coefficient-major


def _weights(m: int) -> list[int]:
    return [int(w) for w in FR.random_vector(m)]


def _deal(ctx: Context, values: Vector) -> dict[int, bytes]:
    coeffs = [values] + [FR.random_vector(len(values)) for _ in range(ctx.threshold - 1)]
    flat = [int(v) for c in coeffs for v in c]
    commitments = g1_batch_mul_packed(G1Point.generator(), flat)
    return {p: commitments + FR.pack(evaluate(FR, coeffs, p)) for p in ctx.parties}  # type: ignore[arg-type]


def _check(commitments: bytes, reps: int, index: int, share: Vector, t: int) -> bool:
    """Share ``index`` against the sum of ``reps`` dealers' packed commitments:
    ``sum_e w_e s_e G == sum_{d,j,e} w_e index^j C_d[j][e]`` for fresh random weights."""
    w = _weights(len(share))
    lhs = sum(wi * int(si) for wi, si in zip(w, share)) % FR.modulus
    scalars = [pow(index, j, FR.modulus) * wi % FR.modulus for j in range(t) for wi in w] * reps
    try:
        return g1_msm_packed(commitments, scalars) == G1Point.generator() * lhs
    except ValueError:  # a point off the curve or out of range: as bad as a wrong share
        return False


def _receive(ctx: Context, got: dict[int, bytes], m: int) -> tuple[dict[int, _Dealt], set[int], set[int]]:
    """The dealings that check out, the dealers whose share is off their commitments, and
    those whose dealing is malformed (runs in a worker thread: it touches no state)."""
    size = 64 * ctx.threshold * m
    dealt, accused, malformed = {}, set(), set()
    for dealer, data in got.items():
        try:
            if len(data) != size + 32 * m:
                raise FrameError(f"dealing of {len(data)} bytes, expected {size + 32 * m}")
            commitments, share = data[:size], FR.unpack(data[size:], f"share from dealer {dealer}")
        except ValueError:
            malformed.add(dealer)
            continue
        if _check(commitments, 1, ctx.party, share, ctx.threshold):
            dealt[dealer] = _Dealt(share, commitments)
        else:
            accused.add(dealer)
    return dealt, accused, malformed


def _announcement(dealt: dict[int, _Dealt], accused: set[int]) -> bytes:
    """``n | dealers | their commitment digests | k | accused`` (u16 counts and ids)."""
    ids = sorted(dealt)
    digests = b"".join(hashlib.sha256(dealt[d].commitments).digest() for d in ids)
    return struct.pack(">H", len(ids)) + pack_ids(ids) + digests + struct.pack(">H", len(accused)) + pack_ids(accused)


def _parse(data: bytes, parties: tuple[int, ...]) -> tuple[dict[int, bytes], frozenset[int]]:
    """An announcement: the dealers received (with their commitment digests), the accused."""
    if len(data) < 4:
        raise FrameError("announcement: too short")
    n = struct.unpack(">H", data[:2])[0]
    end = 2 + 34 * n
    if n > len(parties) or len(data) < end + 2:
        raise FrameError("announcement: malformed")
    ids = sorted(unpack_ids(data[2:2 + 2 * n], parties))
    digests = {d: data[2 + 2 * n + 32 * i: 2 + 2 * n + 32 * (i + 1)] for i, d in enumerate(ids)}
    k = struct.unpack(">H", data[end:end + 2])[0]
    if len(data) != end + 2 + 2 * k:
        raise FrameError("announcement: malformed accusations")
    return digests, unpack_ids(data[end + 2:], parties)


def _contributors(ctx: Context, views: dict[int, tuple[dict[int, bytes], frozenset[int]]]) -> frozenset[int]:
    for _, accused in views.values():
        ctx.bad.update(accused)
    seen: dict[int, set[bytes]] = {}
    for digests, _ in views.values():
        for d, h in digests.items():
            seen.setdefault(d, set()).add(h)
    ctx.bad.update(d for d, hs in seen.items() if len(hs) > 1)  # equivocated commitments
    return frozenset.intersection(*(frozenset(dg) for dg, _ in views.values())) - ctx.bad


async def _announce(ctx: Context, tag: str, dealt: dict[int, _Dealt], accused: set[int]) -> frozenset[int]:
    views = await consistent_broadcast(ctx, f"{tag}/announce", _announcement(dealt, accused),
                                       lambda data: _parse(data, ctx.parties))
    return _contributors(ctx, views)


def _opening_check(ctx: Context, dealt: dict[int, _Dealt], contributors: frozenset[int]) -> Callable[[int, Vector], bool]:
    packed = b"".join(dealt[d].commitments for d in sorted(contributors))
    return lambda party, share: _check(packed, len(contributors), party, share, ctx.threshold)


async def verified_sum(ctx: Context, values: object, *, min_contributors: int | None = None,
                       tag: str = "vsum") -> SumResult:
    """A secure sum over BN254 Fr in which every dealing and every opening is checked
    against Feldman commitments; culprits end up in :attr:`SumResult.bad`."""
    if ctx.field != FR:
        raise MPCTypeError("verified_sum works over BN254 Fr (the commitments live in BN254 G1)")
    vec = FR.vector(values, "input")
    await ctx.done("start")
    # committing and checking are batches of curve arithmetic: in a worker thread, so the
    # event loop keeps serving the network meanwhile
    for p, payload in (await asyncio.to_thread(_deal, ctx, vec)).items():
        await ctx.net.send(p, f"{tag}/input", payload)
    got = await ctx.net.gather(f"{tag}/input", ctx.parties, timeout=ctx.timeout)
    dealt, accused, malformed = await asyncio.to_thread(_receive, ctx, got, len(vec))
    ctx.bad.update(malformed)
    await ctx.done("input")
    contributors = await _announce(ctx, tag, dealt, accused)
    await ctx.done("announce")
    need = ctx.threshold if min_contributors is None else min_contributors
    if len(contributors) < need:
        missing = tuple(p for p in ctx.parties if p not in contributors and p not in ctx.bad)
        raise ProtocolAbort(f"verified sum: {len(contributors)} contributors, at least {need} required",
                            missing=missing, bad=tuple(sorted(ctx.bad)), round=f"{tag}/announce")
    share = FR.zeros(len(vec))
    for d in sorted(contributors):
        share = FR.add(share, dealt[d].share)
    total, openers = await open_vector(ctx, f"{tag}/open", share, context=digest_ids(contributors, tag, len(vec)),
                                      check=_opening_check(ctx, dealt, contributors))
    await ctx.done("open")
    missing = tuple(p for p in ctx.parties if p not in openers and p not in ctx.bad)
    return SumResult(np.asarray(total), tuple(sorted(contributors)), missing, tuple(sorted(ctx.bad)))
