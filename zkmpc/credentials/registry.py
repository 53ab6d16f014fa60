"""Where issuers publish their states and verifiers look them up (SQLite).

An issuer state is ``Poseidon(key.x, key.y, revocation_root)``: publishing a new one after
each revocation tells verifiers that proofs against older states may use revoked claims.
The registry keeps every state with the time it was published and the time it was
replaced, so a verifier can accept the current state only, or states replaced less than a
window ago (proofs in flight). On chain this is a contract; here it is a table.

    >>> reg = StateRegistry()
    >>> reg.publish(issuer=11, state=101, at=1000)
    >>> reg.publish(issuer=11, state=102, at=2000)
    >>> reg.current(11), reg.lookup(101)
    (102, StateRecord(issuer=11, state=101, published_at=1000, replaced_at=2000))
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ..errors import CredentialFormatError, UnknownIssuerError
from .claim import field_element

__all__ = ["StateRegistry", "StateRecord"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS states (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer TEXT NOT NULL,
    state TEXT NOT NULL UNIQUE,
    published_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS states_by_issuer ON states (issuer, seq);
"""


@dataclass(frozen=True)
class StateRecord:
    """A published state: its issuer id, when it was published and (if it was) replaced."""

    issuer: int
    state: int
    published_at: int
    replaced_at: int | None


class StateRegistry:
    """Issuer states in a SQLite database (``":memory:"`` by default, or a file path)."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateRegistry:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def publish(self, *, issuer: int, state: int, at: int) -> None:
        """Record ``state`` as ``issuer``'s current state from time ``at`` (unix seconds, not
        before the current state's). Publishing the current state again does nothing; a
        state already published as another one's (or replaced) is refused."""
        field_element(issuer, "issuer id")
        field_element(state, "issuer state")
        if isinstance(at, bool) or not isinstance(at, int) or at < 0:
            raise CredentialFormatError(f"publish: expected a time >= 0, found {at!r}")
        now = self._latest(issuer)
        if now is not None and now[0] == state:
            return
        if now is not None and at < now[1]:
            raise CredentialFormatError(f"publish: expected a time >= {now[1]} (the current state's), found {at}")
        try:
            self._db.execute("INSERT INTO states (issuer, state, published_at) VALUES (?, ?, ?)",
                             (str(issuer), str(state), at))
        except sqlite3.IntegrityError:
            raise CredentialFormatError(f"publish: state {state} was published before") from None

    def _latest(self, issuer: int) -> tuple[int, int] | None:
        row = self._db.execute("SELECT state, published_at FROM states WHERE issuer = ? ORDER BY seq DESC LIMIT 1",
                               (str(issuer),)).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def current(self, issuer: int) -> int:
        """``issuer``'s current state (:class:`UnknownIssuerError` if it published none)."""
        latest = self._latest(field_element(issuer, "issuer id"))
        if latest is None:
            raise UnknownIssuerError(f"issuer {issuer} has published no state")
        return latest[0]

    def lookup(self, state: int) -> StateRecord:
        """The record of a published state (:class:`UnknownIssuerError` if unknown)."""
        row = self._db.execute("SELECT seq, issuer, published_at FROM states WHERE state = ?",
                               (str(field_element(state, "issuer state")),)).fetchone()
        if row is None:
            raise UnknownIssuerError(f"issuer state {state} was never published")
        nxt = self._db.execute("SELECT published_at FROM states WHERE issuer = ? AND seq > ? ORDER BY seq LIMIT 1",
                               (row[1], row[0])).fetchone()
        return StateRecord(int(row[1]), state, int(row[2]), None if nxt is None else int(nxt[0]))
