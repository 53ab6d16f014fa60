"""What every protocol round needs: the party's network, the threshold, the field, the
round timeout, and helpers to share, exchange and open values.

Model: semi-honest parties with crash faults, like MPyC's default. Wrong shares are
corrected and named when enough redundant shares arrive (robust reconstruction); a party
that stops answering is named and tolerated while at least ``threshold`` parties remain.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, Iterable, Mapping, TypeVar

from ..errors import InconsistentSharesError, MPCTypeError, SharingError
from ..field import FR, PrimeField, Vector
from ..net.errors import FrameError, ProtocolAbort
from ..net.network import Network
from ..sharing.robust import robust_combine
from ..sharing.shamir import Share, combine

T = TypeVar("T")

__all__ = ["Context", "open_vector", "echo_check", "consistent_broadcast", "pack_ids", "unpack_ids", "digest_ids",
           "decode_shares"]


@dataclass
class Context:
    """One party's protocol context. ``on_round(name)`` runs after each round this party
    completes (progress display, or simulating a crash in demos and tests); ``seeded``
    selects seeded dealing (:mod:`mpc.protocols.dealing`); ``bad`` collects the parties
    caught sending malformed or wrong data."""

    net: Network
    threshold: int
    field: PrimeField = FR
    timeout: float = 30.0
    on_round: Callable[[str], None] | None = None
    seeded: bool = False
    bad: set[int] = dc_field(default_factory=set)

    def __post_init__(self) -> None:
        if not isinstance(self.net, Network):
            raise MPCTypeError(f"net: expected a Network, found {type(self.net).__name__}")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) \
                or not 1 <= self.threshold <= len(self.net.parties):
            raise SharingError(f"threshold: expected 1..{len(self.net.parties)} (the number of parties), "
                               f"found {self.threshold!r}")
        self.net.watch_dropped(self.bad)  # a peer the network drops for its violations is named as bad

    @property
    def party(self) -> int:
        return self.net.party

    @property
    def parties(self) -> tuple[int, ...]:
        return self.net.parties

    async def done(self, round_name: str) -> None:
        """End of a round: this party's messages are handed to the transport (flushed),
        then ``on_round`` runs (so a simulated crash after "input" means "after sending it")."""
        await self.net.flush(timeout=self.timeout)
        if self.on_round is not None:
            self.on_round(round_name)

    def require(self, responders: Iterable[int], round_name: str, what: str) -> None:
        """Abort unless at least ``threshold`` parties (this one included) answered."""
        got = set(responders) | {self.party}
        if len(got) < self.threshold:
            missing = tuple(p for p in self.parties if p not in got and p not in self.bad)
            raise ProtocolAbort(f"{what}: {len(got)} of {len(self.parties)} parties answered correctly in round "
                                f"{round_name!r}, {self.threshold} needed; missing: {list(missing)}, "
                                f"misbehaving: {sorted(self.bad)}",
                                missing=missing, bad=tuple(sorted(self.bad)), round=round_name)


def decode_shares(ctx: Context, payloads: Mapping[int, bytes], size: int, what: str) -> dict[int, Vector]:
    """Unpack vectors of ``size`` elements; senders of malformed payloads join ``ctx.bad``."""
    out = {}
    for p, data in payloads.items():
        try:
            vec = ctx.field.unpack(data, f"{what} from party {p}")
        except ValueError:
            ctx.bad.add(p)
            continue
        if len(vec) != size:
            ctx.bad.add(p)
            continue
        out[p] = vec
    return out


async def open_vector(ctx: Context, tag: str, share: Vector, *, context: bytes = b"",
                      check: Callable[[int, Vector], bool] | None = None) -> tuple[Vector, frozenset[int]]:
    """Broadcast this party's share of a vector, prefixed by a context digest every honest
    party computes identically; collect the others' and reconstruct, correcting and naming
    wrong shares when more than ``threshold`` arrive (``check(party, share)``, when given,
    must accept a share first: verifiable protocols check openings against commitments).
    Returns the value and the parties whose shares were used."""
    await ctx.net.broadcast(tag, context + ctx.field.pack(share))
    got = await ctx.net.gather(tag, ctx.parties, timeout=ctx.timeout)
    matching = {}
    for p, data in got.items():
        if data[:len(context)] != context:
            ctx.bad.add(p)
        else:
            matching[p] = data[len(context):]
    vectors = decode_shares(ctx, matching, len(share), tag)
    if check is not None:
        ctx.bad.update(p for p, v in vectors.items() if not check(p, v))
        vectors = {p: v for p, v in vectors.items() if p not in ctx.bad}
    ctx.require(vectors, tag, "opening")
    shares = [Share.unchecked(p, v, ctx.threshold, ctx.field) for p, v in sorted(vectors.items())]
    return _reconstruct(ctx, shares, tag), frozenset(vectors)


def _reconstruct(ctx: Context, shares: list[Share], tag: str) -> Vector:
    if len(shares) == ctx.threshold:
        return combine(shares, threshold=ctx.threshold)  # type: ignore[no-any-return]
    try:
        secret, wrong = robust_combine(shares, threshold=ctx.threshold)
    except InconsistentSharesError as exc:
        ctx.bad.update(exc.bad)
        raise ProtocolAbort(f"opening {tag!r}: {exc}", bad=tuple(sorted(ctx.bad)), round=tag) from None
    ctx.bad.update(wrong)
    return secret  # type: ignore[no-any-return]


async def echo_check(ctx: Context, tag: str, received: Mapping[int, bytes]) -> dict[int, bytes]:
    """Make a broadcast round consistent: every party echoes a digest of what each sender
    broadcast to it. A sender with two different digests sent different messages to
    different parties: it joins ``ctx.bad``. A sender whose message not every echoer got
    (it crashed mid-broadcast) is dropped like a missing one. The broadcasts returned are
    then the same at every party that received the same echoes.

    (Semi-honest echoers are assumed: a lying echoer could frame a sender.)"""
    table = b"".join(struct.pack(">H", p) + hashlib.sha256(received[p]).digest() for p in sorted(received))
    await ctx.net.broadcast(tag, table)
    echoes = await ctx.net.gather(tag, ctx.parties, timeout=ctx.timeout)
    seen: dict[int, list[bytes]] = {}
    echoers = 0
    for echoer, data in echoes.items():
        if len(data) % 34 or len(data) > 34 * len(ctx.parties):
            ctx.bad.add(echoer)
        if echoer in ctx.bad:
            continue
        echoers += 1
        for i in range(0, len(data), 34):
            seen.setdefault(struct.unpack(">H", data[i:i + 2])[0], []).append(data[i + 2:i + 34])
    ctx.bad.update(p for p, digests in seen.items() if len(set(digests)) > 1 and p in ctx.parties)
    return {p: v for p, v in received.items() if p not in ctx.bad and len(seen.get(p, ())) == echoers}


async def consistent_broadcast(ctx: Context, tag: str, payload: bytes, parse: Callable[[bytes], T]) -> dict[int, T]:
    """Broadcast ``payload``, gather everyone's, drop equivocated or half-sent ones
    (:func:`echo_check`), parse the rest (senders of malformed ones join ``ctx.bad``), and
    abort unless ``threshold`` parties remain."""
    await ctx.net.broadcast(tag, payload)
    got = await ctx.net.gather(tag, ctx.parties, timeout=ctx.timeout)
    got = await echo_check(ctx, f"{tag}/echo", got)
    views = {}
    for p, data in got.items():
        try:
            views[p] = parse(data)
        except FrameError:
            ctx.bad.add(p)
    ctx.require(views, tag, "broadcast")
    return views


def pack_ids(ids: Iterable[int]) -> bytes:
    ids = sorted(set(ids))
    return struct.pack(f">{len(ids)}H", *ids)


def unpack_ids(data: bytes, parties: tuple[int, ...]) -> frozenset[int]:
    """A party set sent as sorted big-endian u16s; :class:`FrameError` if malformed."""
    if len(data) % 2 or len(data) > 2 * len(parties):
        raise FrameError("party list: bad length")
    ids = struct.unpack(f">{len(data) // 2}H", data)
    if any(i not in parties for i in ids) or list(ids) != sorted(set(ids)):
        raise FrameError("party list: unknown, unsorted or repeated ids")
    return frozenset(ids)


def digest_ids(ids: Iterable[int], *extra: Any) -> bytes:
    """A 32-byte digest of a party set and round context (length-prefixed fields)."""
    h = hashlib.sha256()
    for part in (pack_ids(ids), *(str(e).encode() for e in extra)):
        h.update(len(part).to_bytes(4, "big") + part)
    return h.digest()
