"""Parties over TCP with mutually authenticated TLS.

Each party listens on its address and opens one connection to every peer it sends to.
An incoming connection is accepted only after a TLS handshake with a certificate from the
session's CA whose common name is a party of the session (``zkmpc-party-<id>``); the
frames on it must then claim that party as sender. A header that is not ours or a length
beyond the cap closes that connection (the stream cannot be trusted any more); a bad body
is dropped. Both are recorded in :attr:`Network.violations` and the party keeps serving.

Limits (keyword arguments of :class:`TcpNetwork`, and keys of the configuration file):

- ``max_pending`` (default :data:`MAX_PENDING` = 64, or twice the number of parties when
  that is more: every peer may connect at once): connections accepted but not yet proven,
  that is without a finished TLS handshake and a first frame. Beyond it a new connection
  is closed at once (counted in :attr:`TcpNetwork.refused`; a party's sender retries until
  its ``connect_timeout``).
- ``connect_timeout``: how long a sender retries to reach a peer (TCP). Once the peer's
  kernel accepted the connection the peer is there: its TLS handshake is bounded by
  ``handshake_timeout`` instead (it waits while the peer's event loop is busy).
- ``handshake_timeout`` (default :data:`HANDSHAKE_TIMEOUT` = 10 s): the TLS handshake must
  finish within it, and then the first frame must arrive within it (a sender opens with a
  ping), or the connection is closed.
- ``read_timeout`` (default :data:`READ_TIMEOUT` = 60 s): on a proven link, each frame
  must be complete within this time of the previous one, or the link is closed (a silent or
  slow peer). Senders ping every ``read_timeout / 4`` when they have nothing to send, so a
  live link never expires; ``read_timeout`` must exceed the time one ``max_frame`` frame
  takes on the wire. Parties of a session should use the same values.
- :data:`MAX_LINKS` (4) proven links per peer at once; more are closed.
- ``max_violations``: see :class:`~mpc.net.network.Network` (a party beyond it is dropped).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from typing import Any, Callable, Mapping

from .errors import ConfigError, FrameError, NetworkError
from .frames import DEFAULT_MAX_FRAME, HEADER_SIZE, KIND_PING, PING, decode_body, read_header
from .network import MAX_VIOLATIONS, Network
from .tls import peer_id

__all__ = ["TcpNetwork", "HANDSHAKE_TIMEOUT", "READ_TIMEOUT", "MAX_PENDING", "MAX_LINKS"]

HANDSHAKE_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
MAX_PENDING = 64
MAX_LINKS = 4
FLUSH_TIMEOUT = 10.0
READ_BUFFER = 4 << 20  # the reader pauses the socket beyond 2x this: at asyncio's 64 KiB, large frames crawl


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
        raise ConfigError(f"{name}: expected seconds in (0, 3600], found {value!r}")
    return float(value)


class TcpNetwork(Network):
    """One party's TLS endpoint. Use ``async with TcpNetwork(...) as net:``."""

    def __init__(self, party: int, addresses: Mapping[int, tuple[str, int]], session: bytes, *,
                 server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext, max_frame: int = DEFAULT_MAX_FRAME,
                 connect_timeout: float = 10.0, handshake_timeout: float = HANDSHAKE_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT, max_pending: int | None = None,
                 max_violations: int = MAX_VIOLATIONS) -> None:
        super().__init__(party, sorted(addresses), session, max_frame=max_frame, max_violations=max_violations)
        self.connect_timeout = _seconds("connect_timeout", connect_timeout)
        self.handshake_timeout = _seconds("handshake_timeout", handshake_timeout)
        self.read_timeout = _seconds("read_timeout", read_timeout)
        if max_pending is None:
            max_pending = max(MAX_PENDING, 2 * len(self.parties))
        if isinstance(max_pending, bool) or not isinstance(max_pending, int) or not 1 <= max_pending <= 1 << 16:
            raise ConfigError(f"max_pending: expected an int in [1, 65536], found {max_pending!r}")
        self.max_pending = max_pending
        self.addresses = dict(addresses)
        self._server_ssl, self._client_ssl = server_ssl, client_ssl
        self._server: asyncio.Server | None = None
        self._out: dict[int, asyncio.StreamWriter] = {}
        self._outbox: dict[int, asyncio.Queue[bytes | None]] = {}
        self._undelivered: dict[int, tuple[int, list[str], str]] = {}  # while closing: frames, rounds, why
        self._senders: dict[int, asyncio.Task[None]] = {}
        self._links: dict[int, set[asyncio.StreamWriter]] = {}
        self._in: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[Any]] = set()
        self._handshaking: set[asyncio.Task[Any]] = set()
        self._pending = 0
        self._closing = False
        self.refused = 0
        """Connections closed at once because ``max_pending`` were already pending."""

    @property
    def pending(self) -> int:
        """Incoming connections not yet proven (TLS handshake and first frame)."""
        return self._pending

    @property
    def open_connections(self) -> int:
        """Incoming connections open now, pending or proven."""
        return len(self._in)

    async def __aenter__(self) -> TcpNetwork:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        host, port = self.addresses[self.party]
        try:
            self._server = await asyncio.start_server(self._accept, host, port, limit=READ_BUFFER)
        except OSError as exc:
            raise NetworkError(f"party {self.party} cannot listen on {host}:{port}: {exc}") from None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._pending >= self.max_pending or self._closing:
            writer.transport.abort()  # before any TLS: nothing to unwind
            self.refused += 1
            self.reject(0, f"connection refused: {self.max_pending} connections already pending (the cap)")
            return
        self._pending += 1
        proven = False

        def prove() -> None:
            nonlocal proven
            if not proven:
                proven = True
                self._pending -= 1

        task = asyncio.current_task()
        tasks = {task} if task is not None else set()  # the stream server runs this callback as a task
        self._handlers |= tasks
        self._in.add(writer)
        try:
            self._handshaking |= tasks
            try:
                peer = await self._handshake(writer)
            finally:
                self._handshaking -= tasks
            if peer is not None:
                await self._serve(peer, reader, writer, prove)
        except asyncio.CancelledError:
            # close() ends handshakes by cancelling them (closing their transport would break
            # start_tls); on Python 3.11 a handler task must not end cancelled: the stream
            # server's done-callback would log a traceback for each connection
            pass
        finally:
            prove()
            writer.close()
            self._in.discard(writer)
            self._handlers -= tasks

    async def _handshake(self, writer: asyncio.StreamWriter) -> int | None:
        try:
            # (not under asyncio.wait_for: on Python 3.11 that breaks the handshake; and never
            # close the transport during it: asyncio's start_tls then fails with AttributeError)
            await writer.start_tls(self._server_ssl, ssl_handshake_timeout=self.handshake_timeout)
        except (ssl.SSLError, OSError, asyncio.TimeoutError, ConnectionError) as exc:
            self.reject(0, f"TLS handshake refused: {type(exc).__name__}: {str(exc)[:120]}")
            return None
        peer = peer_id(writer.get_extra_info("ssl_object"))
        if peer is None or peer not in self.parties or peer == self.party:
            self.reject(0, f"certificate of an unknown party ({peer}) refused")
            return None
        return peer

    async def _read_frame(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        kind, length = read_header(await reader.readexactly(HEADER_SIZE), self.max_frame)
        return kind, (await reader.readexactly(length) if length else b"")

    async def _serve(self, peer: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     prove: Callable[[], None]) -> None:
        links = self._links.setdefault(peer, set())
        if peer in self.dropped:
            return
        if len(links) >= MAX_LINKS:
            self.reject(peer, f"more than {MAX_LINKS} links at once; connection closed")
            return
        links.add(writer)
        delivered = False
        timeout, waiting_for = self.handshake_timeout, "of the TLS handshake"
        try:
            while True:
                try:
                    async with asyncio.timeout(timeout):
                        kind, body = await self._read_frame(reader)
                except TimeoutError:
                    self.reject(peer, f"no complete frame within {timeout:g} s {waiting_for}; connection closed")
                    return
                except FrameError as exc:
                    self.refuse_frame(peer, f"{exc}; connection closed")
                    return
                prove()
                timeout, waiting_for = self.read_timeout, "of the previous one"
                if kind == KIND_PING:
                    continue
                try:
                    ok = self.deliver(decode_body(body), peer)
                except FrameError as exc:
                    self.refuse_frame(peer, str(exc))
                    continue
                if peer in self.dropped:
                    return
                if ok and not delivered:
                    delivered = True
                    self.mark_back(peer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, ssl.SSLError):
            return
        finally:
            links.discard(writer)
            if delivered and not links:
                self.mark_gone(peer)  # the peer took part and left; a link that never carried a valid frame proves nothing

    def _disconnect(self, peer: int) -> None:
        for w in list(self._links.get(peer, ())):
            w.close()
        sender = self._senders.get(peer)
        if sender is not None:
            sender.cancel()

    async def _connect(self, to: int) -> asyncio.StreamWriter:
        """Reach the peer (TCP, retrying until ``connect_timeout``), then the TLS handshake
        (bounded by ``handshake_timeout``): a peer whose kernel accepted the connection is
        there, and its handshake may wait while its event loop is busy; that is not gone."""
        host, port = self.addresses[to]
        w = await self._reach(to, host, port)
        try:
            await w.start_tls(self._client_ssl, server_hostname=host, ssl_handshake_timeout=self.handshake_timeout)
        except (ssl.SSLError, OSError, asyncio.TimeoutError, ConnectionError) as exc:
            w.transport.abort()
            raise NetworkError(f"party {to} at {host}:{port}: no TLS handshake within {self.handshake_timeout:g} s "
                               f"of connecting: {type(exc).__name__}: {exc}") from None
        if peer_id(w.get_extra_info("ssl_object")) != to:
            w.close()
            raise NetworkError(f"the server at {host}:{port} is not party {to}")
        return w

    async def _reach(self, to: int, host: str, port: int) -> asyncio.StreamWriter:
        deadline = time.monotonic() + self.connect_timeout
        while True:
            try:
                _, w = await asyncio.wait_for(asyncio.open_connection(host, port, limit=READ_BUFFER),
                                              max(0.1, deadline - time.monotonic()))
                return w
            except (OSError, asyncio.TimeoutError) as exc:
                if time.monotonic() >= deadline:
                    raise NetworkError(f"party {to} unreachable at {host}:{port}: {exc}") from None
                await asyncio.sleep(0.05)

    async def _send_frame(self, to: int, frame: bytes) -> None:
        """Queue the frame on the peer's outbox; a sender task per peer connects (retrying
        until ``connect_timeout``) and writes in order, so one unreachable peer never delays
        the messages to the others."""
        task = self._senders.get(to)
        if task is None or task.done():
            if to in self._gone:
                return  # it left the session (closed its link, or was never reachable)
            self._start_sender(to)
        self._outbox[to].put_nowait(frame)
        await asyncio.sleep(0)

    def _start_sender(self, to: int) -> None:
        self._outbox[to] = asyncio.Queue()
        self._senders[to] = asyncio.create_task(self._sender(to, self._outbox[to]))

    async def connect(self) -> None:
        """Open the links to every peer now (instead of on the first message) and wait
        until each is connected or found unreachable (``connect_timeout`` to reach it, then
        ``handshake_timeout`` for its TLS handshake)."""
        for p in self.peers:
            if p not in self._senders:
                self._start_sender(p)
        deadline = time.monotonic() + self.connect_timeout + self.handshake_timeout + 1
        while any(p not in self._out and p not in self._gone for p in self.peers) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    async def _sender(self, to: int, queue: asyncio.Queue[bytes | None]) -> None:
        w, frame, why = None, None, "its link was not up within the close timeout"
        try:
            w = await self._connect(to)
            self._out[to] = w
            w.write(PING)  # the first frame, due within the peer's handshake timeout
            await w.drain()
            why = "not written out within the close timeout"
            while True:
                try:
                    async with asyncio.timeout(self.read_timeout / 4):
                        frame = await queue.get()
                except TimeoutError:
                    w.write(PING)  # quiet for a while: keep the link from expiring at the peer
                    await w.drain()
                    continue
                if frame is None:
                    break
                try:
                    w.write(frame)
                    await w.drain()
                    frame = None
                finally:
                    queue.task_done()
            queue.task_done()  # the closing sentinel
        except (NetworkError, OSError, ConnectionError, ssl.SSLError) as exc:
            why = str(exc)[:200]
            self.mark_gone(to)
        finally:
            if w is not None:
                w.close()
            lost = [frame] if frame is not None else []
            while not queue.empty():  # never to be sent: release flush() at once
                item = queue.get_nowait()
                queue.task_done()
                if item is not None:
                    lost.append(item)
            if lost and self._closing:
                self._record_undelivered(to, lost, why)

    def _record_undelivered(self, to: int, frames: list[bytes], why: str) -> None:
        """Remember, for :meth:`close` to report, frames to ``to`` that close could not deliver."""
        rounds = []
        for frame in frames[:3]:
            with contextlib.suppress(FrameError):
                rounds.append(decode_body(frame[HEADER_SIZE:]).tag)
        count, before, _ = self._undelivered.get(to, (0, [], ""))
        self._undelivered[to] = (count + len(frames), (before + rounds)[:3], why)

    async def flush(self, *, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until every live peer's outbox is written out."""
        live = [self._outbox[p].join() for p, t in self._senders.items() if not t.done() and p in self._outbox]
        if live:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*live), timeout)

    async def close(self, *, timeout: float = FLUSH_TIMEOUT) -> None:
        """Deliver what was sent, then stop listening and end the connection handlers.

        Each peer's outbox is written out, links still connecting included (a party that
        sends and closes at once), all within ``timeout`` seconds (and each link within its
        ``connect_timeout`` and ``handshake_timeout``).

        Raises:
            NetworkError: some frames could not be delivered (their peer unreachable, or
                not within ``timeout``): the error names each such peer, how many frames
                and which rounds. The network is released all the same.
        """
        self._closing = True
        for queue in self._outbox.values():
            queue.put_nowait(None)
        senders = [t for t in self._senders.values() if not t.done()]
        if senders:
            _, late = await asyncio.wait(senders, timeout=timeout)
            for t in late:
                t.cancel()  # its unsent frames are recorded as undelivered
            if late:
                await asyncio.wait(late)
        for w in self._out.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(w.wait_closed(), 1.0)
        if self._server is not None:
            self._server.close()
            for t in list(self._handshaking):
                t.cancel()  # closing a transport mid-handshake would break asyncio's start_tls
            for ws in self._links.values():
                for w in list(ws):
                    w.close()  # ends the handlers' reads; let them return rather than be cancelled
            if self._handlers:
                await asyncio.wait(list(self._handlers), timeout=2.0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
        if self._undelivered:
            raise NetworkError("closing party {}: {}".format(self.party, "; ".join(
                f"{count} frame(s) for rounds {', '.join(map(repr, rounds))} not delivered to party {peer} ({why})"
                for peer, (count, rounds, why) in sorted(self._undelivered.items()))))
