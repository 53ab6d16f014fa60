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
import sqlite3
import time
from typing import Sequence

from ..errors import CredentialFormatError, UnknownClaimError
from .claim import NONCE_BITS, Claim, field_element, slot_tuple, uint
from .model import Credential, RevocationStatus, issuer_id
from .registry import StateRegistry
from .signer import Rng, SigningStore, random_bits

__all__ = ["Issuer", "Rng"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS claims (nonce TEXT PRIMARY KEY, hash TEXT NOT NULL, claim TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS revoked (seq INTEGER PRIMARY KEY AUTOINCREMENT, nonce TEXT NOT NULL UNIQUE,
                                    revoked_at INTEGER NOT NULL);
"""


def _time(at: int | None) -> int:
    if at is None:
        return int(time.time())
    if isinstance(at, bool) or not isinstance(at, int) or at < 0:
        raise CredentialFormatError(f"time: expected unix seconds (an int >= 0), found {at!r}")
    return at


class Issuer(SigningStore):
    """An issuer backed by the SQLite database at ``path`` (created with a fresh key from
    ``rng`` when new; reopened with its key, claims and revocations otherwise)."""

    KEY_TABLE = "meta"
    SCHEMA = _SCHEMA
    FORMAT_ERROR = CredentialFormatError

    def __repr__(self) -> str:
        (revoked,) = self._db.execute("SELECT count(*) FROM revoked").fetchone()
        return f"Issuer(id={self.id:#x}, revoked={revoked})"

    @property
    def id(self) -> int:
        """``Poseidon(key.x, key.y)``: how requests name a trusted issuer."""
        return issuer_id(self.public_key)

    @property
    def revocation_root(self) -> int:
        return self._tree.root

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
            nonce = random_bits(rng, NONCE_BITS)
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
        try:
            with self._transaction():
                self._db.execute("INSERT INTO revoked (nonce, revoked_at) VALUES (?, ?)", (str(nonce), when))
                root = self._tree.insert(nonce)
        except sqlite3.IntegrityError:
            raise UnknownClaimError(f"the claim of nonce {nonce} is revoked already") from None
        return root

    def is_revoked(self, nonce: int) -> bool:
        row = self._db.execute("SELECT 1 FROM revoked WHERE nonce = ?", (str(uint(nonce, NONCE_BITS, "nonce")),))
        return row.fetchone() is not None

    def revocation_status(self, nonce: int) -> RevocationStatus:
        """The current root and a (non-)membership proof of ``nonce``: what a holder needs
        to prove that a claim is not revoked (iden3's revocation status service)."""
        return self._status(uint(nonce, NONCE_BITS, "nonce"))

    def publish(self, registry: StateRegistry, *, at: int | None = None) -> int:
        """Publish the current state to ``registry`` (from time ``at``, default now);
        returns it."""
        state = self.state
        registry.publish(issuer=self.id, state=state, at=_time(at))
        return state
