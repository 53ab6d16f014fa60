"""Party configuration files (TOML) and local setups.

    session = "5f0c...32 hex digits"      # the same in every party's file
    threshold = 3
    field = "fr"                          # or "p61"
    round_timeout = 30.0                  # seconds per round
    connect_timeout = 10.0
    handshake_timeout = 10.0              # TLS handshake, then the first frame, of a connection
    read_timeout = 60.0                   # a link without a frame for this long is closed
    max_pending = 64                      # connections not yet proven; more are closed at once
                                          # (default: 64, or 2 x the number of parties if more)
    max_violations = 100                  # a party beyond this many is dropped and named
    max_frame = 67108864                  # bytes
    ca = "ca.pem"                         # paths are relative to this file

    [[party]]
    id = 1
    host = "127.0.0.1"
    port = 7101
    cert = "party1.pem"
    key = "party1.key"                    # only needed in the file of party 1 itself

:func:`write_local_config` writes such a file and the certificates for a run on one
machine: ``zkmpc party init DIR --n 5 --threshold 3``.
"""

from __future__ import annotations

import re
import secrets
import socket
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..field import FR, P61, PrimeField
from .errors import ConfigError
from .frames import DEFAULT_MAX_FRAME
from .network import MAX_VIOLATIONS
from .tcp import HANDSHAKE_TIMEOUT, READ_TIMEOUT
from .tls import client_context, generate_certificates, server_context

__all__ = ["PartyEntry", "PartyConfig", "load_config", "write_local_config", "free_local_ports", "FIELDS"]

FIELDS = {"fr": FR, "p61": P61}
_TOP = {"session", "threshold", "field", "round_timeout", "connect_timeout", "handshake_timeout", "read_timeout",
        "max_pending", "max_violations", "max_frame", "ca", "party"}
_ENTRY = {"id", "host", "port", "cert", "key"}
MAX_CONFIG = 1 << 20


@dataclass(frozen=True)
class PartyEntry:
    id: int
    host: str
    port: int
    cert: Path
    key: Path | None


@dataclass(frozen=True)
class PartyConfig:
    """A validated configuration: the session, its parameters, and every party's address."""

    session: bytes
    threshold: int
    field: PrimeField
    round_timeout: float
    connect_timeout: float
    max_frame: int
    ca: Path
    parties: dict[int, PartyEntry]
    handshake_timeout: float = HANDSHAKE_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    max_pending: int | None = None
    max_violations: int = MAX_VIOLATIONS

    def addresses(self) -> dict[int, tuple[str, int]]:
        return {p.id: (p.host, p.port) for p in self.parties.values()}

    def contexts(self, party: int) -> tuple[Any, Any]:
        """(server, client) TLS contexts for ``party`` (its key must be configured)."""
        entry = self.parties.get(party)
        if entry is None or entry.key is None:
            raise ConfigError(f"party {party}: no such party, or no private key in this configuration")
        return server_context(self.ca, entry.cert, entry.key), client_context(self.ca, entry.cert, entry.key)

    def limits(self) -> dict[str, Any]:
        """The keyword arguments of :class:`~mpc.net.tcp.TcpNetwork` this file sets."""
        return {"max_frame": self.max_frame, "connect_timeout": self.connect_timeout,
                "handshake_timeout": self.handshake_timeout, "read_timeout": self.read_timeout,
                "max_pending": self.max_pending, "max_violations": self.max_violations}


def _get(doc: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    v = doc.get(key, default)
    if v is None or isinstance(v, bool) or not isinstance(v, kind):
        raise ConfigError(f"config: {key!r} must be {getattr(kind, '__name__', kind)}, found {v!r:.60}")
    return v


def _entry(doc: Any, base: Path) -> PartyEntry:
    if not isinstance(doc, dict) or set(doc) - _ENTRY:
        raise ConfigError(f"config: a [[party]] entry has unknown keys {sorted(set(doc) - _ENTRY) if isinstance(doc, dict) else doc}")
    pid, port = _get(doc, "id", int), _get(doc, "port", int)
    if not 1 <= pid <= 65535 or not 1 <= port <= 65535:
        raise ConfigError(f"config: party id and port must be in 1..65535, found {pid}, {port}")
    key = doc.get("key")
    return PartyEntry(pid, _get(doc, "host", str), port, base / _get(doc, "cert", str),
                      None if key is None else base / _get(doc, "key", str))


def load_config(path: str | Path) -> PartyConfig:
    """Read and validate a party configuration file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
        if len(raw) > MAX_CONFIG:
            raise ConfigError(f"config: {len(raw)} bytes, the limit is {MAX_CONFIG}")
        doc = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"config {p}: {exc}") from None
    if set(doc) - _TOP:
        raise ConfigError(f"config: unknown keys {sorted(set(doc) - _TOP)}")
    session = _get(doc, "session", str)
    if not re.fullmatch(r"[0-9a-f]{32}", session):
        raise ConfigError("config: session must be 32 lowercase hex digits (16 bytes)")
    entries = [_entry(e, p.parent) for e in _get(doc, "party", list)]
    parties = {e.id: e for e in entries}
    if len(parties) != len(entries) or len(parties) < 2:
        raise ConfigError("config: at least two parties, with distinct ids")
    threshold = _get(doc, "threshold", int)
    if not 1 <= threshold <= len(parties):
        raise ConfigError(f"config: threshold must be in 1..{len(parties)}, found {threshold}")
    field_name = _get(doc, "field", str, "fr")
    if field_name not in FIELDS:
        raise ConfigError(f"config: field must be one of {sorted(FIELDS)}, found {field_name!r}")
    timeouts = [float(_get(doc, k, (int, float), d)) for k, d in (("round_timeout", 30.0), ("connect_timeout", 10.0),
                                                                   ("handshake_timeout", HANDSHAKE_TIMEOUT),
                                                                   ("read_timeout", READ_TIMEOUT))]
    if not all(0 < t <= 3600 for t in timeouts):
        raise ConfigError("config: timeouts must be in (0, 3600] seconds")
    max_pending = None if "max_pending" not in doc else _get(doc, "max_pending", int)
    max_violations = _get(doc, "max_violations", int, MAX_VIOLATIONS)
    if (max_pending is not None and not 1 <= max_pending <= 1 << 16) or not 1 <= max_violations <= 1 << 20:
        raise ConfigError(f"config: max_pending must be in [1, 65536] and max_violations in [1, 2^20], "
                          f"found {max_pending}, {max_violations}")
    max_frame = _get(doc, "max_frame", int, DEFAULT_MAX_FRAME)
    if not 1024 <= max_frame <= 1 << 31:
        raise ConfigError(f"config: max_frame must be in [1024, 2^31], found {max_frame}")
    return PartyConfig(bytes.fromhex(session), threshold, FIELDS[field_name], timeouts[0], timeouts[1], max_frame,
                       p.parent / _get(doc, "ca", str), parties, handshake_timeout=timeouts[2],
                       read_timeout=timeouts[3], max_pending=max_pending, max_violations=max_violations)


def write_local_config(directory: str | Path, *, n: int, threshold: int, base_port: int = 7100,
                       ports: Sequence[int] | None = None, field: str = "fr", round_timeout: float = 30.0,
                       connect_timeout: float = 10.0, host: str = "127.0.0.1") -> Path:
    """Certificates and ``parties.toml`` for ``n`` parties on this machine (ports
    ``base_port + 1 ..``, or the ``ports`` given); returns the configuration's path."""
    if field not in FIELDS or not 2 <= n <= 1000 or not 1 <= threshold <= n:
        raise ConfigError(f"local config: expected 2 <= n <= 1000, 1 <= threshold <= n and a field in {sorted(FIELDS)}")
    ports = list(ports) if ports is not None else [base_port + i for i in range(1, n + 1)]
    if len(ports) != n:
        raise ConfigError(f"local config: {len(ports)} ports for {n} parties")
    d = Path(directory)
    generate_certificates(d, list(range(1, n + 1)))
    lines = [f'session = "{secrets.token_hex(16)}"', f"threshold = {threshold}", f'field = "{field}"',
             f"round_timeout = {float(round_timeout)}", f"connect_timeout = {float(connect_timeout)}", 'ca = "ca.pem"', ""]
    for i in range(1, n + 1):
        lines += ["[[party]]", f"id = {i}", f'host = "{host}"', f"port = {ports[i - 1]}",
                  f'cert = "party{i}.pem"', f'key = "party{i}.key"', ""]
    path = d / "parties.toml"
    path.write_text("\n".join(lines))
    return path


def free_local_ports(k: int) -> list[int]:
    """``k`` TCP ports free on 127.0.0.1 right now (for local runs and tests; another
    process could take one before it is used)."""
    socks = [socket.socket() for _ in range(k)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()
