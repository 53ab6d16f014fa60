"""Parties over TCP with mutually authenticated TLS.

Each party listens on its address and opens one connection to every peer it sends to.
An incoming connection is accepted only after a TLS handshake with a certificate from the
session's CA whose common name is a party of the session (``zkmpc-party-<id>``); the
frames on it must then claim that party as sender. A header that is not ours or a length
beyond the cap closes that connection (the stream cannot be trusted any more); a bad body
is dropped. Both are recorded in :attr:`Network.violations` and the party keeps serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from typing import Any, Mapping

from .errors import FrameError, NetworkError
from .frames import DEFAULT_MAX_FRAME, HEADER_SIZE, decode_body, decode_header
from .network import Network
from .tls import peer_id

__all__ = ["TcpNetwork"]

HANDSHAKE_TIMEOUT = 10.0
FLUSH_TIMEOUT = 10.0
READ_BUFFER = 4 << 20  # the reader pauses the socket beyond 2x this: at asyncio's 64 KiB, large frames crawl


class TcpNetwork(Network):
    """One party's TLS endpoint. Use ``async with TcpNetwork(...) as net:``."""

    def __init__(self, party: int, addresses: Mapping[int, tuple[str, int]], session: bytes, *,
                 server_ssl: ssl.SSLContext, client_ssl: ssl.SSLContext, max_frame: int = DEFAULT_MAX_FRAME,
                 connect_timeout: float = 10.0) -> None:
        super().__init__(party, sorted(addresses), session, max_frame=max_frame)
        self.addresses = dict(addresses)
        self._server_ssl, self._client_ssl = server_ssl, client_ssl
        self.connect_timeout = connect_timeout
        self._server: asyncio.Server | None = None
        self._out: dict[int, asyncio.StreamWriter] = {}
        self._outbox: dict[int, asyncio.Queue[bytes | None]] = {}
        self._senders: dict[int, asyncio.Task[None]] = {}
        self._incoming: dict[int, int] = {}
        self._in: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[Any]] = set()

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
        self._in.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            peer = await self._handshake(writer)
            if peer is not None:
                await self._serve(peer, reader)
        finally:
            writer.close()
            self._in.discard(writer)
            if task is not None:
                self._handlers.discard(task)

    async def _handshake(self, writer: asyncio.StreamWriter) -> int | None:
        try:
            # (not under asyncio.wait_for: on Python 3.11 that breaks the handshake)
            await writer.start_tls(self._server_ssl, ssl_handshake_timeout=HANDSHAKE_TIMEOUT)
        except (ssl.SSLError, OSError, asyncio.TimeoutError, ConnectionError) as exc:
            self.reject(0, f"TLS handshake refused: {type(exc).__name__}: {str(exc)[:120]}")
            return None
        peer = peer_id(writer.get_extra_info("ssl_object"))
        if peer is None or peer not in self.parties or peer == self.party:
            self.reject(0, f"certificate of an unknown party ({peer}) refused")
            return None
        return peer

    async def _serve(self, peer: int, reader: asyncio.StreamReader) -> None:
        self._incoming[peer] = self._incoming.get(peer, 0) + 1
        delivered = False
        try:
            while True:
                header = await reader.readexactly(HEADER_SIZE)
                try:
                    length = decode_header(header, self.max_frame)
                except FrameError as exc:
                    self.reject(peer, f"{exc}; connection closed")
                    return
                body = await reader.readexactly(length)
                try:
                    ok = self.deliver(decode_body(body), peer)
                except FrameError as exc:
                    self.reject(peer, str(exc))
                    continue
                if ok and not delivered:
                    delivered = True
                    self.mark_back(peer)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, ssl.SSLError):
            return
        finally:
            self._incoming[peer] -= 1
            if delivered and not self._incoming[peer]:
                self.mark_gone(peer)  # the peer took part and left; a link that never carried a valid frame proves nothing

    async def _connect(self, to: int) -> asyncio.StreamWriter:
        host, port = self.addresses[to]
        deadline = time.monotonic() + self.connect_timeout
        while True:
            try:
                _, w = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=self._client_ssl),
                                              max(0.1, deadline - time.monotonic()))
                break
            except (OSError, asyncio.TimeoutError) as exc:
                if time.monotonic() >= deadline:
                    raise NetworkError(f"party {to} unreachable at {host}:{port}: {exc}") from None
                await asyncio.sleep(0.05)
        if peer_id(w.get_extra_info("ssl_object")) != to:
            w.close()
            raise NetworkError(f"the server at {host}:{port} is not party {to}")
        return w

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
        until each is connected or found unreachable."""
        for p in self.peers:
            if p not in self._senders:
                self._start_sender(p)
        deadline = time.monotonic() + self.connect_timeout + 1
        while any(p not in self._out and p not in self._gone for p in self.peers) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    async def _sender(self, to: int, queue: asyncio.Queue[bytes | None]) -> None:
        w = None
        try:
            w = await self._connect(to)
            self._out[to] = w
            while (frame := await queue.get()) is not None:
                try:
                    w.write(frame)
                    await w.drain()
                finally:
                    queue.task_done()
            queue.task_done()  # the closing sentinel
        except (NetworkError, OSError, ConnectionError, ssl.SSLError):
            self.mark_gone(to)
        finally:
            if w is not None:
                w.close()
            while not queue.empty():  # never to be sent: release flush() at once
                queue.get_nowait()
                queue.task_done()

    async def flush(self, *, timeout: float) -> None:
        """Wait (at most ``timeout`` s) until every live peer's outbox is written out."""
        live = [self._outbox[p].join() for p, t in self._senders.items() if not t.done() and p in self._outbox]
        if live:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.gather(*live), timeout)

    async def close(self) -> None:
        """Flush the outboxes of connected peers (bounded), drop those still connecting,
        stop listening and end the connection handlers."""
        for queue in self._outbox.values():
            queue.put_nowait(None)
        connecting = [t for p, t in self._senders.items() if p not in self._out]
        for t in connecting:
            t.cancel()
        if self._senders:
            await asyncio.wait(list(self._senders.values()), timeout=FLUSH_TIMEOUT)
        for w in self._out.values():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(w.wait_closed(), 1.0)
        if self._server is not None:
            self._server.close()
            for w in list(self._in):
                w.close()  # ends the handlers' reads; let them return rather than be cancelled
            if self._handlers:
                await asyncio.wait(list(self._handlers), timeout=2.0)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
