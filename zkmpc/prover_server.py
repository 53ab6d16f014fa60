"""A long-lived Groth16 prover served over HTTP on a local socket, as rapidsnark's prover
server does: the ``.zkey`` is mapped and checked once, then each request is one proof.

    zkmpc prover serve CIRCUIT.zkey [--host 127.0.0.1] [--port 9080]
    zkmpc prover prove http://127.0.0.1:9080 WITNESS.wtns [PROOF_JSON PUBLIC_JSON]

Requests:

* ``POST /prove`` with a circom ``.wtns`` file as the body: ``200`` and
  ``{"proof": <snarkjs proof.json>, "publicSignals": [...]}``;
* ``GET /status``: ``{"wires", "public", "domain", "proofs"}``.

A bad request gets a ``4xx`` and ``{"error": "..."}`` (wrong length, a value >= r, a
witness that breaks the circuit, a body over the size bound), and the server keeps
serving. Bodies are bounded by the key's witness size before anything is read; one
request is served at a time (each proof uses every core), each with a read timeout.

Security: loopback by default. Whoever can reach the socket can have witnesses proved
(and learns nothing more than the proofs); a witness travels in clear, so never expose
the port beyond the machine without TLS in front of it.

Example:
    >>> import os, tempfile, warnings
    >>> from zkp import groth16
    >>> from zkp.formats.circom import write_wtns
    >>> from zkp.formats.zkey import write_zkey
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> path = os.path.join(tempfile.mkdtemp(), "k.zkey"); _ = write_zkey(pk, path)
    >>> with ProverServer(groth16.Prover(path)) as server:
    ...     proof, public = request_proof(server.url, write_wtns([1, 9, 3]))
    ...     try:
    ...         request_proof(server.url, write_wtns([1, 9, 4]))
    ...     except ProverRequestError as exc:
    ...         print(exc.status, exc)
    422 the witness does not satisfy the circuit (the proof does not verify against the key's verifying key); zkmpc prove --r1cs names the constraint it breaks
    >>> public, groth16.verify(vk, public, proof)
    ([9], True)
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from .errors import ProverRequestError

__all__ = ["ProverServer", "ProverRequestError", "request_proof", "serve"]

#: bytes a .wtns may carry beyond its values (magic, version, section table, header)
_WTNS_OVERHEAD = 4096
#: seconds a client has to send its request
_READ_TIMEOUT = 30.0


def _prove(prover: Any, body: bytes) -> tuple[int, dict[str, Any]]:
    """The status and document answering a ``.wtns`` body: 200 and the proof, 422 for a
    witness that breaks the circuit, 400 for a malformed one."""
    from zkp.errors import MalformedInputError, UnsatisfiedError, ZkpError
    from zkp.formats.circom import read_wtns_raw
    from zkp.formats.snarkjs_json import proof_to_json

    try:
        proof, public = prover.prove(read_wtns_raw(body, num_wires=prover.num_wires))
    except UnsatisfiedError as exc:
        return 422, {"error": str(exc)}
    except (MalformedInputError, ZkpError) as exc:
        return 400, {"error": f"bad witness: {exc}"}
    return 200, {"proof": json.loads(proof_to_json(proof)), "publicSignals": [str(v) for v in public]}


class _Handler(BaseHTTPRequestHandler):
    """The requests of one connection; :func:`_handler` binds the prover, its proof counter
    and the body bound."""

    timeout = _READ_TIMEOUT
    protocol_version = "HTTP/1.1"
    server_version = "zkmpc-prover"
    prover: Any
    counter: list[int]
    limit: int

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base's name)
        pass

    def _reply(self, status: int, doc: Any) -> None:
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path != "/status":
            return self._reply(404, {"error": f"no such resource {self.path!r} (GET /status)"})
        self._reply(200, {"wires": self.prover.num_wires, "public": self.prover.num_public,
                          "domain": self.prover.domain_size, "proofs": self.counter[0]})

    def do_POST(self) -> None:
        if self.path != "/prove":
            return self._reply(404, {"error": f"no such resource {self.path!r} (POST /prove)"})
        body = self._body()
        if body is None:
            return
        status, doc = _prove(self.prover, body)
        if status == 200:
            self.counter[0] += 1
        self._reply(status, doc)

    def _body(self) -> bytes | None:
        """The request's body, or None once a 4xx went out (no or a too large length, a
        short body)."""
        size = self._length()
        if size is None:
            return None
        body = self.rfile.read(size)
        if len(body) != size:
            self.close_connection = True
            self._reply(400, {"error": f"expected {size} bytes, received {len(body)}"})
            return None
        return body

    def _length(self) -> int | None:
        raw = self.headers.get("Content-Length")
        if raw is None or not raw.isdigit():
            self.close_connection = True
            self._reply(411, {"error": "expected a Content-Length header (the .wtns file's size)"})
            return None
        size = int(raw)
        if size > self.limit:
            self.close_connection = True  # the body is not read: drop the connection
            self._reply(413, {"error": f"request of {size} bytes, over the {self.limit}-byte bound "
                                       f"(a .wtns of {self.prover.num_wires} wires)"})
            return None
        return size


def _handler(prover: Any, counter: list[int]) -> type[BaseHTTPRequestHandler]:
    """A handler class serving ``prover``, counting its proofs in ``counter[0]``."""
    limit = 32 * prover.num_wires + _WTNS_OVERHEAD
    return type("Handler", (_Handler,), {"prover": prover, "counter": counter, "limit": limit})


class ProverServer:
    """An HTTP prover server for one :class:`zkp.groth16.Prover`, on ``host:port`` (port 0:
    any free port; see :attr:`url`). ``with ProverServer(p) as s:`` serves in a background
    thread; :meth:`serve_forever` serves in the caller's."""

    def __init__(self, prover: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.prover = prover
        self.proofs = [0]
        self._httpd = HTTPServer((host, port), _handler(prover, self.proofs))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name if ':' not in name else f'[{name}]'}:{port}"

    def serve_forever(self) -> None:
        self._httpd.serve_forever()

    def __enter__(self) -> ProverServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()


def request_proof(url: str, wtns: bytes, *, timeout: float = 600.0) -> tuple[Any, list[int]]:
    """Send a ``.wtns`` file's bytes to a prover server: ``(Proof, public inputs)``, the
    proof read back strictly. Raises :class:`ProverRequestError` when the server refuses."""
    from zkp.formats.snarkjs_json import proof_from_json, public_from_json

    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ProverRequestError(0, f"expected a URL http://HOST:PORT, found {url!r}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        try:
            conn.request("POST", "/prove", body=wtns, headers={"Content-Type": "application/octet-stream"})
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused the body before reading it (too large): read its answer
        resp = conn.getresponse()
        raw = resp.read(1 << 26)
    except (OSError, http.client.HTTPException) as exc:
        raise ProverRequestError(0, f"prover server at {url}: {exc}") from None
    finally:
        conn.close()
    try:
        doc = json.loads(raw)
    except ValueError:
        raise ProverRequestError(resp.status, f"prover server at {url}: not a JSON answer") from None
    if resp.status != 200:
        raise ProverRequestError(resp.status, str(doc.get("error", doc)) if isinstance(doc, dict) else str(doc))
    return (proof_from_json(json.dumps(doc["proof"])),
            public_from_json(json.dumps(doc["publicSignals"])))


def serve(zkey: str, host: str = "127.0.0.1", port: int = 9080) -> None:
    """Load ``zkey`` (points checked once, tables of shifted bases built when they fit in
    512 MiB) and serve proofs until interrupted."""
    from zkp.groth16.zkey_prover import Prover

    prover = Prover(zkey, tables=True)  # shifted-base tables when they fit: faster proofs
    server = ProverServer(prover, host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}, not loopback: witnesses travel in clear", file=sys.stderr)
    print(f"serving proofs for {zkey} ({prover.num_wires} wires) at {server.url}/prove", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
