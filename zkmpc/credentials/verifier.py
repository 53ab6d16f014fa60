"""The verifier: makes requests, checks presentations against them, and remembers the
session nullifiers it accepted (SQLite), so a presentation is accepted once per session.

Every refusal is a named error (:mod:`zkmpc.errors`), checked in this order: malformed
signals (:class:`CredentialFormatError`), another schema (:class:`SchemaMismatchError`),
another slot, operator, values, now, session or disclosure (:class:`RequestMismatchError`),
an unpublished or untrusted issuer state (:class:`UnknownIssuerError`), a state replaced
longer ago than ``state_window`` seconds (:class:`StaleIssuerStateError`: a revocation may
have happened since), a proof that does not verify (:class:`InvalidPresentationError`:
what an expired, revoked, forged or false claim comes to once the holder's own checks
are skipped), and a session nullifier seen before (:class:`NullifierReplayError`).
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Iterable

from zkp import groth16
from zkp.field import R
from zkp.groth16 import VerifyingKey

from ..errors import (CredentialFormatError, InvalidPresentationError, NullifierReplayError, RequestMismatchError,
                      SchemaMismatchError, StaleIssuerStateError, UnknownIssuerError)
from .circuit import Params, PublicSignals
from .issuer import Rng
from .model import Presentation, Request
from .query import Query
from .registry import StateRegistry

__all__ = ["Verifier", "Accepted"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS nullifiers (session TEXT NOT NULL, nullifier TEXT NOT NULL, accepted_at INTEGER NOT NULL,
                                       PRIMARY KEY (session, nullifier));
"""


@dataclass(frozen=True)
class Accepted:
    """What a verifier learns from an accepted presentation."""

    issuer: int
    issuer_state: int
    session: int
    nullifier: int
    disclosed: dict[int, int]


class Verifier:
    """A verifier for circuits of shape ``params`` with ``verifying_key``, reading issuer
    states from ``registry``; nullifiers persist in the SQLite database at ``path``."""

    def __init__(self, params: Params, verifying_key: VerifyingKey, registry: StateRegistry, *,
                 path: str | Path = ":memory:", state_window: int = 0) -> None:
        if isinstance(state_window, bool) or not isinstance(state_window, int) or state_window < 0:
            raise CredentialFormatError(f"state_window: expected seconds >= 0, found {state_window!r}")
        if verifying_key.num_public != params.num_public:
            raise CredentialFormatError(f"verifying key: expected {params.num_public} public inputs for {params}, "
                                        f"found {verifying_key.num_public}")
        self.params = params
        self._vk = groth16.PreparedVerifyingKey(verifying_key)
        self.registry = registry
        self.state_window = state_window
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Verifier:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def request(self, schema: int, query: Query, *, disclose: Iterable[int] = (), issuers: Iterable[int] = (),
                now: int | None = None, session: int | None = None, rng: Rng | None = None) -> Request:
        """A request (``now``: the verifier's clock by default; ``session``: a fresh random
        field element by default, or the session a nullifier is counted in)."""
        if session is None:
            session = secrets.randbelow(R) if rng is None else rng.getrandbits(253)
        if self.params.operator is not None and query.op is not self.params.operator:
            raise CredentialFormatError(f"this verifier's circuit answers {self.params.operator.name.lower()} "
                                        f"queries, found {query.op.name.lower()}")
        return Request(schema=schema, query=query, now=int(time.time()) if now is None else now, session=session,
                       disclose=tuple(disclose), issuers=tuple(issuers))

    def check(self, presentation: Presentation, request: Request) -> Accepted:
        """Every check of :meth:`accept` but recording the nullifier (a view)."""
        s = self._signals(presentation)
        self._match(s, request)
        record = self.registry.lookup(s.issuer_state)
        if request.issuers and record.issuer not in request.issuers:
            raise UnknownIssuerError(f"the presentation's issuer {record.issuer:#x} is not among the request's "
                                     f"{[hex(i) for i in request.issuers]}")
        if record.replaced_at is not None and request.now - record.replaced_at >= self.state_window:
            raise StaleIssuerStateError(
                f"issuer state {s.issuer_state:#x} was replaced at {record.replaced_at}; the request's now is "
                f"{request.now} and states are accepted for {self.state_window} s after their replacement")
        if not groth16.verify(self._vk, list(presentation.signals), presentation.proof):
            raise InvalidPresentationError("the proof does not verify against the presentation's public signals")
        if self._seen(s.session, s.nullifier):
            raise NullifierReplayError(f"nullifier {s.nullifier:#x} was already accepted in session {s.session:#x}")
        disclosed = {i: v for i, (d, v) in enumerate(zip(s.disclose, s.disclosed)) if d}
        return Accepted(record.issuer, s.issuer_state, s.session, s.nullifier, disclosed)

    def accept(self, presentation: Presentation, request: Request, *, at: int | None = None) -> Accepted:
        """Check ``presentation`` against ``request`` (see the module docstring for the
        refusals) and record its nullifier: a second presentation with the same nullifier
        in the session is refused."""
        ok = self.check(presentation, request)
        try:
            self._db.execute("INSERT INTO nullifiers (session, nullifier, accepted_at) VALUES (?, ?, ?)",
                             (str(ok.session), str(ok.nullifier), int(time.time()) if at is None else at))
        except sqlite3.IntegrityError:
            raise NullifierReplayError(f"nullifier {ok.nullifier:#x} was already accepted in session "
                                       f"{ok.session:#x}") from None
        return ok

    def _seen(self, session: int, null: int) -> bool:
        return self._db.execute("SELECT 1 FROM nullifiers WHERE session = ? AND nullifier = ?",
                                (str(session), str(null))).fetchone() is not None

    def _signals(self, presentation: Presentation) -> PublicSignals:
        if not isinstance(presentation, Presentation):
            raise CredentialFormatError(f"expected a Presentation, found {type(presentation).__name__}")
        return PublicSignals.from_list(self.params, presentation.signals)

    def _match(self, s: PublicSignals, request: Request) -> None:
        if s.schema != request.schema:
            raise SchemaMismatchError(f"the request asks for schema {request.schema:#x}, the presentation is of "
                                      f"{s.schema:#x}")
        q = request.query
        want = {"slot": q.slot, "operator": int(q.op), "values": q.padded()[:self.params.num_values],
                "now": request.now, "session": request.session, "disclose": request.disclose_mask()}
        for name, value in want.items():
            found = getattr(s, name)
            if found != value:
                raise RequestMismatchError(f"{name}: the request has {value}, the presentation {found}")
