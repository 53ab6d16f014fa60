"""A party's view of one session: send, receive by (sender, round tag), with timeouts.

Every incoming frame goes through :meth:`Network.deliver`, which rejects (and records as
a :class:`~mpc.net.errors.Violation`, without stopping) frames from another session, a
sender other than the authenticated peer, another receiver, an unknown party, a second
frame for the same round (replay) and floods beyond the buffer cap. Transports
(:class:`InProcessNetwork` here, :class:`mpc.net.tcp.TcpNetwork`) only move bytes.

Violations are kept in bounded memory (:class:`ViolationLog`: a count per peer and the
few most recent ones). A party of the session that commits more than ``max_violations``
(default :data:`MAX_VIOLATIONS`) is **dropped**: disconnected, its frames ignored from
then on, and named as misbehaving (``bad``) by the protocols running on this network.

    >>> import asyncio
    >>> async def demo():
    ...     hub = InProcessHub([1, 2], session=bytes(16))
    ...     a, b = hub.network(1), hub.network(2)
    ...     await a.send(2, "hello", b"hi")
    ...     return await b.recv(1, "hello", timeout=1)
    >>> asyncio.run(demo())
    b'hi'
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Iterable, Iterator, Sequence

from .errors import FrameError, FrameRefused, NetworkError, PeerGone, RecvTimeout, Violation
from .frames import DEFAULT_MAX_FRAME, HEADER_SIZE, Message, decode_body, decode_header, encode

__all__ = ["Network", "InProcessHub", "InProcessNetwork", "PeerGone", "RecvTimeout", "ViolationLog", "MAX_VIOLATIONS"]

MAX_BUFFERED = 4096
MAX_VIOLATIONS = 100  # a party of the session beyond this many violations is dropped
VIOLATION_SAMPLE = 8  # recent violations kept per peer
MAX_REASON = 200      # characters kept of a violation's reason
MAX_WATCHERS = 64     # sets told of dropped peers (one per protocol Context): the latest are kept


def _delivered(fut: asyncio.Future[bytes]) -> bool:
    """Whether a payload was handed to the waiter ``fut``."""
    return fut.done() and not fut.cancelled() and fut.exception() is None


class ViolationLog:
    """The violations a party saw, in bounded memory: a count per peer and the
    ``sample`` most recent violations of each (iteration and indexing give those, oldest
    first). Peers outside the session are counted under 0, with the unauthenticated ones.

        >>> log = ViolationLog([1, 2], sample=2)
        >>> for i in range(5):
        ...     _ = log.add(Violation(1, f"junk {i}"))
        >>> log.total(), log.total(1), [v.reason for v in log]
        (5, 5, ['junk 3', 'junk 4'])
    """

    def __init__(self, parties: Iterable[int], *, sample: int = VIOLATION_SAMPLE) -> None:
        self._parties = frozenset(parties)
        self._sample = sample
        self._counts: dict[int, int] = {}
        self._recent: dict[int, deque[tuple[int, Violation]]] = {}
        self._seq = 0

    def add(self, v: Violation) -> int:
        """Record ``v`` (its reason cut to :data:`MAX_REASON` characters); returns the
        peer's count so far."""
        key = v.peer if v.peer in self._parties else 0
        self._seq += 1
        self._counts[key] = self._counts.get(key, 0) + 1
        recent = self._recent.setdefault(key, deque(maxlen=self._sample))
        recent.append((self._seq, Violation(v.peer, v.reason[:MAX_REASON])))
        return self._counts[key]

    def total(self, peer: int | None = None) -> int:
        """How many violations were recorded (of ``peer``, when given)."""
        if peer is None:
            return self._seq
        return self._counts.get(peer if peer in self._parties else 0, 0)

    def counts(self) -> dict[int, int]:
        """The number of violations by peer (0: unauthenticated or outside the session)."""
        return dict(self._counts)

    def _samples(self) -> list[Violation]:
        return [v for _, v in sorted(item for q in self._recent.values() for item in q)]

    def __iter__(self) -> Iterator[Violation]:
        return iter(self._samples())

    def __len__(self) -> int:
        return sum(len(q) for q in self._recent.values())

    def __getitem__(self, i: int) -> Violation:
        return self._samples()[i]

    def __repr__(self) -> str:
        return f"ViolationLog(total={self._seq}, by peer={self._counts})"


class Network:
    """The transport-independent part: inbox, validation, waiting, and the bounded
    record of violations (:attr:`violations`, :attr:`dropped`)."""

    def __init__(self, party: int, parties: Sequence[int], session: bytes, *, max_frame: int = DEFAULT_MAX_FRAME,
                 max_violations: int = MAX_VIOLATIONS) -> None:
        if party not in parties or len(set(parties)) != len(parties):
            raise NetworkError(f"party {party} must be one of distinct parties {list(parties)}")
        if not isinstance(session, bytes) or len(session) != 16:
            raise NetworkError("session id: expected 16 bytes")
        if isinstance(max_violations, bool) or not isinstance(max_violations, int) or max_violations < 1:
            raise NetworkError(f"max_violations: expected an int >= 1, found {max_violations!r}")
        self.party, self.parties, self.session, self.max_frame = party, tuple(parties), session, max_frame
        self.max_violations = max_violations
        self.violations = ViolationLog(self.parties)
        self.dropped: set[int] = set()
        self._drop_watchers: deque[set[int]] = deque(maxlen=MAX_WATCHERS)  # the contexts of the latest protocol runs
        self._inbox: dict[tuple[int, str], bytes] = {}
        self._waiters: dict[tuple[int, str], asyncio.Future[bytes]] = {}
        self._waiting: dict[tuple[int, str], list[int]] = {}  # per waiter: receivers, taken
        self._seen: set[tuple[int, str]] = set()
        self._gone: set[int] = set()
        self._buffered = 0

    @property
    def peers(self) -> tuple[int, ...]:
        return tuple(p for p in self.parties if p != self.party)

    def reject(self, peer: int, reason: str) -> None:
        """Record a violation of ``peer`` (0 when unauthenticated); a party of the session
        beyond ``max_violations`` of them is dropped (:meth:`drop`)."""
        count = self.violations.add(Violation(peer, reason))
        if count > self.max_violations and peer in self.peers and peer not in self.dropped:
            self.drop(peer, f"{count} violations, the limit is {self.max_violations}")

    def refuse_frame(self, peer: int, reason: str) -> None:
        """Record a refused (malformed or oversized) frame of ``peer`` and end every wait on
        that peer at once with :class:`~mpc.net.errors.FrameRefused` naming it: the round it
        was meant for cannot be told from a frame that does not parse."""
        self.reject(peer, reason)
        error = f"party {peer} sent a frame that was refused: {reason[:MAX_REASON]}"
        for key in [k for k in self._waiters if k[0] == peer]:
            fut = self._waiters.pop(key)
            if not fut.done():
                fut.set_exception(FrameRefused(error, peer=peer))

    def drop(self, peer: int, why: str) -> None:
        """Stop dealing with ``peer``: it is marked gone (whoever waits on it stops), its
        frames are ignored, its links closed, and every watching set (the ``bad`` set of
        the protocols' :class:`~mpc.protocols.base.Context`) names it."""
        self.dropped.add(peer)
        for watcher in self._drop_watchers:
            watcher.add(peer)
        self.violations.add(Violation(peer, f"party {peer} dropped: {why}"))
        self.mark_gone(peer)
        self._disconnect(peer)

    def watch_dropped(self, culprits: set[int]) -> None:
        """Add every dropped peer, now and later, to ``culprits`` (the latest
        :data:`MAX_WATCHERS` sets given are kept)."""
        culprits.update(self.dropped)
        self._drop_watchers.append(culprits)

    def _disconnect(self, peer: int) -> None:
        """Close the transport's links with ``peer`` (nothing to do in process)."""

    def deliver(self, m: Message, peer: int) -> bool:
        """Accept ``m`` from the authenticated ``peer`` into the inbox, or record why not
        (frames of a dropped peer are ignored)."""
        if peer in self.dropped:
            return False
        reason = self._check(m, peer)
        if reason:
            self.reject(peer, reason)
            return False
        key = (m.sender, m.tag)
        self._seen.add(key)
        waiter = self._waiters.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(m.payload)
        else:
            self._inbox[key] = m.payload
            self._buffered += len(m.payload)
        return True

    def _check(self, m: Message, peer: int) -> str:
        if m.session != self.session:
            return f"frame for another session {m.session.hex()[:8]}... (replayed or misrouted)"
        if m.sender != peer:
            return f"frame claims sender {m.sender} on party {peer}'s authenticated connection"
        if m.receiver != self.party:
            return f"frame addressed to party {m.receiver}"
        if m.sender not in self.parties:
            return f"frame from party {m.sender}, not in this session"
        if (m.sender, m.tag) in self._seen:
            return f"second frame for round {m.tag!r} (replay)"
        if len(self._inbox) >= MAX_BUFFERED:
            return "too many unread frames buffered"
        if self._buffered + len(m.payload) > max(len(self.parties), 4) * self.max_frame:
            return "too many unread bytes buffered"
        return ""

    def deliver_frame(self, frame: bytes, peer: int) -> bool:
        """Parse a whole frame (header included) and deliver it; malformed ones are recorded."""
        if peer in self.dropped:
            return False
        try:
            length = decode_header(frame[:HEADER_SIZE], self.max_frame)
            if len(frame) != HEADER_SIZE + length:
                raise FrameError(f"frame of {len(frame)} bytes announces a body of {length}")
            return self.deliver(decode_body(frame[HEADER_SIZE:]), peer)
        except FrameError as exc:
            self.refuse_frame(peer, str(exc))
            return False

    def mark_gone(self, peer: int) -> None:
        """The peer's connection closed: whoever waits on it stops waiting."""
        self._gone.add(peer)
        for key in [k for k in self._waiters if k[0] == peer]:
            fut = self._waiters.pop(key)
            if not fut.done():
                fut.set_exception(PeerGone(f"party {peer} disconnected before sending {key[1]!r}"))

    def mark_back(self, peer: int) -> None:
        if peer not in self.dropped:
            self._gone.discard(peer)

    async def send(self, to: int, tag: str, payload: bytes) -> None:
        """Send ``payload`` to party ``to`` for round ``tag``; to oneself it is delivered
        directly. A peer that cannot be reached is marked gone (the protocol then sees its
        messages missing), never an exception here."""
        m = Message(self.session, self.party, to, tag, bytes(payload))
        if to == self.party:
            self.deliver(m, self.party)
            return
        if to not in self.parties:
            raise NetworkError(f"party {to} is not in this session")
        if to in self.dropped:
            return
        frame = encode(m)
        if len(frame) - HEADER_SIZE > self.max_frame:
            raise NetworkError(f"a {len(frame)}-byte frame exceeds the cap of {self.max_frame} bytes")
        await self._send_frame(to, frame)

    async def broadcast(self, tag: str, payload: bytes) -> None:
        """The same payload to every party, oneself included."""
        await asyncio.gather(*(self.send(p, tag, payload) for p in self.parties))

    async def _send_frame(self, to: int, frame: bytes) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def recv(self, frm: int, tag: str, *, timeout: float) -> bytes:
        """The payload party ``frm`` sent for round ``tag``.

        Raises:
            RecvTimeout: nothing within ``timeout`` seconds.
            PeerGone: ``frm`` disconnected first.
            FrameRefused: a frame of ``frm`` was refused while waiting (malformed or
                oversized): the error names the party and why.
        """
        key = (frm, tag)
        if key in self._inbox:
            return self._take(key)
        if frm in self._gone:
            raise PeerGone(f"party {frm} is disconnected")
        fut = self._waiters.get(key)
        if fut is None:
            fut = self._waiters[key] = asyncio.get_running_loop().create_future()
        share = self._waiting.setdefault(key, [0, 0])  # receivers sharing the waiter, whether one took it
        share[0] += 1
        try:
            async with asyncio.timeout(timeout):
                await asyncio.shield(fut)
        except TimeoutError:
            if not _delivered(fut):  # (what arrived as the time ran out is returned below)
                self._unwait(key, fut)
                raise RecvTimeout(f"nothing from party {frm} for {tag!r} within {timeout:g} s") from None
        except BaseException:
            self._unwait(key, fut)  # cancelled (or the peer gone): a payload delivered meanwhile is kept
            raise
        share[1] = 1
        self._unwait(key, fut)
        return fut.result()

    def _take(self, key: tuple[int, str]) -> bytes:
        payload = self._inbox.pop(key)
        self._buffered -= len(payload)
        return payload

    def _unwait(self, key: tuple[int, str], fut: asyncio.Future[bytes]) -> None:
        """One receiver of ``key`` stops waiting. The last one takes the waiter away, so
        that a later frame goes to the inbox; a payload delivered to the waiter that no
        receiver returned (each was cancelled after it arrived) goes back to the inbox for
        the next :meth:`recv`: nothing delivered is lost."""
        share = self._waiting[key]
        share[0] -= 1
        if share[0]:
            return
        del self._waiting[key]
        if self._waiters.get(key) is fut:
            del self._waiters[key]
        if _delivered(fut) and not share[1] and key not in self._inbox:
            self._inbox[key] = fut.result()
            self._buffered += len(fut.result())

    async def gather(self, tag: str, parties: Iterable[int], *, timeout: float) -> dict[int, bytes]:
        """What each of ``parties`` sent for ``tag`` by one common deadline; the parties that
        timed out or disconnected are simply absent from the result. A refused frame
        (:class:`~mpc.net.errors.FrameRefused`) is not the round's message: its sender may
        still send that by the deadline (a party beyond ``max_violations`` is dropped)."""
        deadline = time.monotonic() + timeout
        parties = list(parties)

        async def one(p: int) -> bytes | None:
            while True:
                try:
                    return await self.recv(p, tag, timeout=max(0.0, deadline - time.monotonic()))
                except FrameRefused:
                    continue
                except (RecvTimeout, PeerGone):
                    return None

        got = await asyncio.gather(*(one(p) for p in parties))
        return {p: v for p, v in zip(parties, got) if v is not None}

    async def flush(self, *, timeout: float) -> None:
        """Wait until what was sent is handed to the operating system (in process: at once)."""

    async def close(self) -> None:
        """Release the transport (nothing to do in process)."""


class InProcessHub:
    """Connects :class:`InProcessNetwork` instances of one event loop (for notebooks and
    tests). Frames still go through encoding, the size cap and every check."""

    def __init__(self, parties: Sequence[int], *, session: bytes, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self.parties, self.session, self.max_frame = tuple(parties), session, max_frame
        self._nets: dict[int, InProcessNetwork] = {}
        self._down: set[int] = set()

    def network(self, party: int) -> InProcessNetwork:
        if party not in self._nets:
            self._nets[party] = InProcessNetwork(self, party)
        return self._nets[party]

    def disconnect(self, party: int) -> None:
        """Simulate ``party`` crashing: it can no longer send, and everyone sees it gone."""
        self._down.add(party)
        for p, net in self._nets.items():
            if p != party:
                net.mark_gone(party)

    def route(self, sender: int, to: int, frame: bytes) -> None:
        if sender in self._down or to in self._down:
            return
        self.network(to).deliver_frame(frame, sender)


class InProcessNetwork(Network):
    """One party's endpoint on an :class:`InProcessHub`."""

    def __init__(self, hub: InProcessHub, party: int) -> None:
        super().__init__(party, hub.parties, hub.session, max_frame=hub.max_frame)
        self.hub = hub

    async def _send_frame(self, to: int, frame: bytes) -> None:
        self.hub.route(self.party, to, frame)
        await asyncio.sleep(0)
