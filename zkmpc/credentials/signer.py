"""What an issuer (:class:`~zkmpc.credentials.Issuer`) and a licensing authority
(:class:`~zkmpc.transport.Authority`) share: a Baby Jubjub EdDSA-Poseidon key and a
revocation tree (:mod:`.revocation`) in one SQLite database, and the state
``Poseidon(key.x, key.y, root)`` they publish.

A subclass names the table that holds its key, the rest of its schema and the error a
bad ``rng`` raises; opening the database creates it (mode 0600) with a fresh key when
new, and reads the key and the tree's root otherwise.

    >>> import random
    >>> from zkmpc.credentials import issuer_state
    >>> class Notary(SigningStore):
    ...     KEY_TABLE = "notary"
    >>> with Notary(rng=random.Random(1)) as notary:
    ...     notary.state == issuer_state(notary.public_key, 0)      # the empty tree's root is 0
    True

Security: the database holds the private key in the clear; keep it where the signer's
secrets live.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Iterator, Protocol, Self

from circuits.native.eddsa import PrivateKey

from ..errors import CredentialFormatError
from .model import Point, RevocationStatus, issuer_state
from .revocation import RevocationTree

__all__ = ["Rng", "SigningStore", "random_bits"]


class Rng(Protocol):
    """What a randomised function of this package needs: ``secrets.SystemRandom()`` (the
    default), or a seeded ``random.Random`` in tests."""

    def getrandbits(self, k: int, /) -> int: ...


def random_bits(rng: Rng | None, k: int, error: type[ValueError] = CredentialFormatError) -> int:
    """``k`` random bits from ``rng`` (default :mod:`secrets`), checked: ``error`` if the
    rng gives anything but an int in ``[0, 2**k)``.

    >>> random_bits(None, 8) < 256
    True
    """
    v = secrets.randbits(k) if rng is None else rng.getrandbits(k)
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**k:
        raise error(f"rng: expected getrandbits({k}) to give an int in [0, 2**{k}), found {v!r:.40}")
    return v


class SigningStore:
    """A signing key and a revocation tree in the SQLite database at ``path`` (created with
    a fresh key from ``rng`` when new; reopened with its key and tree otherwise).

    Subclasses set ``KEY_TABLE`` (the table of the key), ``SCHEMA`` (their other tables)
    and ``FORMAT_ERROR`` (raised for a bad ``rng``)."""

    KEY_TABLE: ClassVar[str] = "meta"
    SCHEMA: ClassVar[str] = ""
    FORMAT_ERROR: ClassVar[type[ValueError]] = CredentialFormatError

    def __init__(self, path: str | Path = ":memory:", *, rng: Rng | None = None) -> None:
        path = str(path)
        if path != ":memory:" and not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.executescript(f"CREATE TABLE IF NOT EXISTS {self.KEY_TABLE} "
                               f"(name TEXT PRIMARY KEY, value BLOB NOT NULL);\n{self.SCHEMA}")
        row = self._db.execute(f"SELECT value FROM {self.KEY_TABLE} WHERE name = 'key'").fetchone()
        if row is None:
            key = random_bits(rng, 256, self.FORMAT_ERROR).to_bytes(32, "little")
            self._db.execute(f"INSERT INTO {self.KEY_TABLE} (name, value) VALUES ('key', ?)", (key,))
        else:
            key = bytes(row[0])
        self._key = PrivateKey(key)
        self._tree = RevocationTree(self._db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @property
    def public_key(self) -> Point:
        return self._key.public_key

    @property
    def state(self) -> int:
        """``Poseidon(key.x, key.y, root)``: what the signer publishes."""
        return issuer_state(self.public_key, self._tree.root)

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction around changes of the tree (and of the signer's own tables): all
        are committed, or none (then the tree is read back at its committed root)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            self._tree = RevocationTree(self._db)
            raise

    def _status(self, key: int) -> RevocationStatus:
        """The tree's root and a (non-)membership proof of ``key`` (checked by the caller)."""
        return RevocationStatus(self.public_key, self._tree.root, self._tree.prove(key))
