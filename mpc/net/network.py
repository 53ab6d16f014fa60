"""A party's view of one session: send, receive by (sender, round tag), with timeouts.

Every incoming frame goes through :meth:`Network.deliver`, which rejects (and records as
a :class:`~mpc.net.errors.Violation`, without stopping) frames from another session, a
sender other than the authenticated peer, another receiver, an unknown party, a second
frame for the same round (replay) and floods beyond the buffer cap. Transports
(:class:`InProcessNetwork` here, :class:`mpc.net.tcp.TcpNetwork`) only move bytes.

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
from typing import Iterable, Sequence

from .errors import FrameError, NetworkError, Violation
from .frames import DEFAULT_MAX_FRAME, HEADER_SIZE, Message, decode_body, decode_header, encode

__all__ = ["Network", "InProcessHub", "InProcessNetwork", "PeerGone", "RecvTimeout"]

MAX_BUFFERED = 4096


class PeerGone(NetworkError):
    """The peer disconnected without sending what was awaited."""


class RecvTimeout(NetworkError):
    """Nothing arrived from the peer for this round within the timeout."""


class Network:
    """The transport-independent part: inbox, validation, waiting."""

    def __init__(self, party: int, parties: Sequence[int], session: bytes, *, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        if party not in parties or len(set(parties)) != len(parties):
            raise NetworkError(f"party {party} must be one of distinct parties {list(parties)}")
        if not isinstance(session, bytes) or len(session) != 16:
            raise NetworkError("session id: expected 16 bytes")
        self.party, self.parties, self.session, self.max_frame = party, tuple(parties), session, max_frame
        self.violations: list[Violation] = []
        self._inbox: dict[tuple[int, str], bytes] = {}
        self._waiters: dict[tuple[int, str], asyncio.Future[bytes]] = {}
        self._seen: set[tuple[int, str]] = set()
        self._gone: set[int] = set()
        self._buffered = 0

    @property
    def peers(self) -> tuple[int, ...]:
        return tuple(p for p in self.parties if p != self.party)

    def reject(self, peer: int, reason: str) -> None:
        self.violations.append(Violation(peer, reason))

    def deliver(self, m: Message, peer: int) -> bool:
        """Accept ``m`` from the authenticated ``peer`` into the inbox, or record why not."""
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
        try:
            length = decode_header(frame[:HEADER_SIZE], self.max_frame)
            if len(frame) != HEADER_SIZE + length:
                raise FrameError(f"frame of {len(frame)} bytes announces a body of {length}")
            return self.deliver(decode_body(frame[HEADER_SIZE:]), peer)
        except FrameError as exc:
            self.reject(peer, str(exc))
            return False

    def mark_gone(self, peer: int) -> None:
        """The peer's connection closed: whoever waits on it stops waiting."""
        self._gone.add(peer)
        for key in [k for k in self._waiters if k[0] == peer]:
            fut = self._waiters.pop(key)
            if not fut.done():
                fut.set_exception(PeerGone(f"party {peer} disconnected before sending {key[1]!r}"))

    def mark_back(self, peer: int) -> None:
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
        """
        key = (frm, tag)
        if key in self._inbox:
            payload = self._inbox.pop(key)
            self._buffered -= len(payload)
            return payload
        if frm in self._gone:
            raise PeerGone(f"party {frm} is disconnected")
        fut = self._waiters.setdefault(key, asyncio.get_running_loop().create_future())
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except asyncio.TimeoutError:
            self._waiters.pop(key, None)
            raise RecvTimeout(f"nothing from party {frm} for {tag!r} within {timeout:g} s") from None

    async def gather(self, tag: str, parties: Iterable[int], *, timeout: float) -> dict[int, bytes]:
        """What each of ``parties`` sent for ``tag`` by one common deadline; the parties that
        timed out or disconnected are simply absent from the result."""
        deadline = time.monotonic() + timeout
        parties = list(parties)

        async def one(p: int) -> bytes | None:
            try:
                return await self.recv(p, tag, timeout=max(0.0, deadline - time.monotonic()))
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
