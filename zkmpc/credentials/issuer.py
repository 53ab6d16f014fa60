"""The issuer: a Baby Jubjub EdDSA-Poseidon key, the claims it signed, the nonces it
revoked, all persisted in one SQLite database.

    >>> issuer = Issuer()                                  # ":memory:"; a file path persists
    >>> from zkmpc.credentials import schema_hash, StateRegistry
    >>> cred = issuer.issue(schema_hash("example/age/v1"), subject=12345, slots=[34], expiration=2**40)
    >>> cred.signature_valid(), issuer.revocation_status(cred.claim.nonce).revoked
    (True, False)
    >>> registry = StateRegistry()
    >>> old = issuer.publish(registry, at=1000)
    >>> new_root = issuer.revoke(cred.claim.nonce, at=1001)
    >>> issuer.revocation_status(cred.claim.nonce).revoked, issuer.publish(registry, at=1001) != old
    (True, True)

The revocation tree's nodes are rows of the same database (:mod:`.revocation`): opening
an issuer reads its root, a revocation writes one path in the same transaction as the
revoked nonce, so a crash leaves both as they were.

Security: the database holds the issuer's private key in the clear (the file is created
with mode 0600); keep it where the issuer's secrets live. Revocation takes effect for
verifiers when the new state is published (:meth:`Issuer.publish`).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
from pathlib import Path
from types import TracebackType
from typing import Protocol, Sequence

from circuits.native.eddsa import PrivateKey

from ..errors import CredentialFormatError, UnknownClaimError
from .claim import NONCE_BITS, Claim, field_element, slot_tuple, uint
from .model import Credential, Point, RevocationStatus, issuer_id, issuer_state
from .registry import StateRegistry
from .revocation import RevocationTree

__all__ = ["Issuer", "Rng"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS claims (nonce TEXT PRIMARY KEY, hash TEXT NOT NULL, claim TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS revoked (seq INTEGER PRIMARY KEY AUTOINCREMENT, nonce TEXT NOT NULL UNIQUE,
                                    revoked_at INTEGER NOT NULL);
"""


class Rng(Protocol):
    """What a randomised function of this package needs: ``secrets.SystemRandom()`` (the
    default), or a seeded ``random.Random`` in tests."""

    def getrandbits(self, k: int, /) -> int: ...


def _bits(rng: Rng | None, k: int) -> int:
    v = secrets.randbits(k) if rng is None else rng.getrandbits(k)
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**k:
        raise CredentialFormatError(f"rng: expected getrandbits({k}) to give an int in [0, 2**{k}), found {v!r:.40}")
    return v


def _time(at: int | None) -> int:
    if at is None:
        return int(time.time())
    if isinstance(at, bool) or not isinstance(at, int) or at < 0:
        raise CredentialFormatError(f"time: expected unix seconds (an int >= 0), found {at!r}")
    return at


class Issuer:
    """An issuer backed by the SQLite database at ``path`` (created with a fresh key from
    ``rng`` when new; reopened with its key, claims and revocations otherwise)."""

    def __init__(self, path: str | Path = ":memory:", *, rng: Rng | None = None) -> None:
        path = str(path)
        if path != ":memory:" and not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(_SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE name = 'key'").fetchone()
        if row is None:
            key = _bits(rng, 256).to_bytes(32, "little")
            self._db.execute("INSERT INTO meta (name, value) VALUES ('key', ?)", (key,))
        else:
            key = bytes(row[0])
        self._key = PrivateKey(key)
        self._tree = RevocationTree(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Issuer:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        (revoked,) = self._db.execute("SELECT count(*) FROM revoked").fetchone()
        return f"Issuer(id={self.id:#x}, revoked={revoked})"

    @property
    def public_key(self) -> Point:
        return self._key.public_key

    @property
    def id(self) -> int:
        """``Poseidon(key.x, key.y)``: how requests name a trusted issuer."""
        return issuer_id(self.public_key)

    @property
    def revocation_root(self) -> int:
        return self._tree.root

    @property
    def state(self) -> int:
        """``Poseidon(key.x, key.y, revocation_root)``: what :meth:`publish` publishes."""
        return issuer_state(self.public_key, self._tree.root)

    def issue(self, schema: int, subject: int, slots: Sequence[int], expiration: int, *,
              rng: Rng | None = None) -> Credential:
        """Sign a claim of ``schema`` about ``subject`` (a holder's commitment) with up to
        8 ``slots`` (padded with 0) valid while ``now < expiration``; its revocation nonce
        is drawn at random among those not used by this issuer."""
        field_element(schema, "schema")
        field_element(subject, "subject")
        uint(expiration, 64, "expiration")
        padded = slot_tuple(slots)
        for _ in range(64):
            nonce = _bits(rng, NONCE_BITS)
            claim = Claim(schema=schema, subject=subject, nonce=nonce, expiration=expiration, slots=padded)
            try:
                self._db.execute("INSERT INTO claims (nonce, hash, claim) VALUES (?, ?, ?)",
                                 (str(nonce), str(claim.hash()), json.dumps(claim.to_dict())))
            except sqlite3.IntegrityError:
                continue
            return Credential(claim, self.public_key, self._key.sign(claim.hash()))
        raise CredentialFormatError("issue: 64 nonces in a row were taken; expected a uniform rng")

    def claim(self, nonce: int) -> Claim:
        """The claim issued with ``nonce`` (:class:`UnknownClaimError` if none)."""
        row = self._db.execute("SELECT claim FROM claims WHERE nonce = ?", (str(uint(nonce, NONCE_BITS, "nonce")),)
                               ).fetchone()
        if row is None:
            raise UnknownClaimError(f"no claim was issued with nonce {nonce}")
        return Claim.from_dict(json.loads(row[0]))

    def revoke(self, nonce: int, *, at: int | None = None) -> int:
        """Revoke the claim of ``nonce`` (issued here, not yet revoked); returns the new
        revocation root. Verifiers see it once the new state is published."""
        self.claim(nonce)
        when = _time(at)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("INSERT INTO revoked (nonce, revoked_at) VALUES (?, ?)", (str(nonce), when))
            root = self._tree.insert(nonce)
            self._db.execute("COMMIT")
        except BaseException as exc:
            self._db.execute("ROLLBACK")
            self._tree = RevocationTree(self._db)  # the committed root again
            if isinstance(exc, sqlite3.IntegrityError):
                raise UnknownClaimError(f"the claim of nonce {nonce} is revoked already") from None
            raise
        return root

    def is_revoked(self, nonce: int) -> bool:
        row = self._db.execute("SELECT 1 FROM revoked WHERE nonce = ?", (str(uint(nonce, NONCE_BITS, "nonce")),))
        return row.fetchone() is not None

    def revocation_status(self, nonce: int) -> RevocationStatus:
        """The current root and a (non-)membership proof of ``nonce``: what a holder needs
        to prove that a claim is not revoked (iden3's revocation status service)."""
        return RevocationStatus(self.public_key, self._tree.root, self._tree.prove(uint(nonce, NONCE_BITS, "nonce")))

    def publish(self, registry: StateRegistry, *, at: int | None = None) -> int:
        """Publish the current state to ``registry`` (from time ``at``, default now);
        returns it."""
        state = self.state
        registry.publish(issuer=self.id, state=state, at=_time(at))
        return state
