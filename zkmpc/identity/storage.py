"""Where a group keeps its tree: the :class:`GroupStorage` interface, in memory
(:class:`MemoryStorage`) or in SQLite (:class:`SQLiteStorage`, standard library
``sqlite3``), the embedded default for groups that persist.

A storage is a :class:`circuits.native.lean_imt.Nodes` store with transactions: a group
runs each operation (one add, one batch add, one update) in one transaction, so a batch
is all or nothing. SQLite keeps the nodes in blocks of :data:`BLOCK` nodes (32 bytes each,
big-endian), one row per block, in write-ahead-log mode with ``synchronous=FULL``: a
process killed at any point (in the middle of a batch included) leaves the database at its
last commit, whose root is intact.

    >>> from zkmpc.identity import Group
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "city.db")
    >>> with SQLiteStorage(path, "residents") as store:
    ...     g = Group([11, 22, 33], storage=store)
    ...     root = g.root
    >>> with SQLiteStorage(path, "residents") as store:
    ...     Group(storage=store).root == root
    True

One writer per group at a time (a second writer waits for SQLite's lock, then goes on
from the first one's commit); any number of readers, in this process or others: each read
of a group (a proof, its root, its members) runs in a snapshot of the last commit.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any, Iterator, Protocol

from circuits.native.lean_imt import ListNodes, Nodes

from ..errors import GroupStorageError

__all__ = ["GroupStorage", "MemoryStorage", "SQLiteStorage", "BLOCK", "SCHEMA_VERSION"]

#: nodes per stored block in new databases (4 KiB of node data per row; a database keeps
#: the size it was created with)
BLOCK = 128
#: the database layout this module reads and writes
SCHEMA_VERSION = "1"
#: dirty blocks kept in memory before they are written into the open transaction
_FLUSH_BLOCKS = 4096
_MAGIC = "zkmpc-group"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS groups (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, "
    "size INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS blocks (key INTEGER PRIMARY KEY, data BLOB NOT NULL)",
)


class GroupStorage(Nodes, Protocol):
    """A :class:`~circuits.native.lean_imt.Nodes` store with transactions."""

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """A context in which writes happen; they last only if it exits without an error.
        Nested contexts join the outer one."""
        ...

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """A context in which reads see one committed state (the latest at its start),
        whatever other writers commit meanwhile. Inside a transaction it joins it."""
        ...


class MemoryStorage(ListNodes):
    """Nodes in memory (a ``bytearray`` per level). Its transactions only mark where an operation runs: group
    operations check every input before their first write, so none stops half-way on bad
    input (nothing outlives the process anyway)."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        yield

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        return self.transaction()


def _key(group: int, level: int, block: int) -> int:
    """One row's key: 26 bits of block (2^32 leaves in blocks of 128 need 25), 6 of level."""
    return (group << 32) | (level << 26) | block


class SQLiteStorage:
    """A group's nodes in a SQLite file (created when missing); several groups, each under
    its own ``name``, can share one file.

    Raises:
        GroupStorageError: the file is not a zkmpc group database, has another schema
            version, or cannot be opened.
    """

    def __init__(self, path: str | os.PathLike[str], name: str = "default") -> None:
        if not isinstance(name, str) or not name or len(name) > 256:
            raise GroupStorageError(f"SQLiteStorage: expected a group name of 1 to 256 characters, found {name!r:.60}")
        self.path = os.fspath(path)
        self.name = name
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._open()
        except sqlite3.DatabaseError as exc:
            raise GroupStorageError(f"SQLiteStorage: expected a zkmpc group database at {self.path}, "
                                    f"found an unreadable file ({exc})") from None
        self._depth = 0
        self._reading = False
        self._cache: dict[int, bytearray] = {}
        self._dirty: set[int] = set()

    def _open(self) -> None:
        db = self._db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _SCHEMA:
                db.execute(stmt)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if not meta:
                meta = {"format": _MAGIC, "version": SCHEMA_VERSION, "block": str(BLOCK)}
                db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            elif meta.get("format") != _MAGIC or meta.get("version") != SCHEMA_VERSION:
                raise GroupStorageError(f"SQLiteStorage: expected a {_MAGIC} database, version {SCHEMA_VERSION}, "
                                        f"found format {meta.get('format')!r}, version {meta.get('version')!r}")
            block = meta.get("block", "")
            if not block.isdigit() or not 1 <= int(block) <= 1 << 16:
                raise GroupStorageError(f"SQLiteStorage: expected a block size of 1 to 65536 nodes, found {block!r:.20}")
            self._block_nodes = int(block)
            db.execute("INSERT OR IGNORE INTO groups (name, size) VALUES (?, 0)", (self.name,))
            self._group, self._size = db.execute("SELECT id, size FROM groups WHERE name = ?", (self.name,)).fetchone()
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()
            raise

    # ------------------------------------------------------------ life cycle

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStorage:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStorage({self.path!r}, {self.name!r}, size={self._size})"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            (self._size,) = self._db.execute("SELECT size FROM groups WHERE id = ?", (self._group,)).fetchone()
            yield
            self._flush()
            self._db.execute("UPDATE groups SET size = ? WHERE id = ?", (self._size, self._group))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            (self._size,) = self._db.execute("SELECT size FROM groups WHERE id = ?", (self._group,)).fetchone()
            raise
        finally:
            self._depth = 0
            self._cache.clear()
            self._dirty.clear()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        if self._depth or self._reading:
            yield
            return
        self._db.execute("BEGIN")
        self._reading = True
        try:
            (self._size,) = self._db.execute("SELECT size FROM groups WHERE id = ?", (self._group,)).fetchone()
            yield
        finally:
            self._reading = False
            self._db.execute("COMMIT")

    def disk_bytes(self) -> int:
        """The database's size on disk (main file and write-ahead log)."""
        return sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))

    # ------------------------------------------------------------ the Nodes protocol

    def leaf_count(self) -> int:
        return int(self._size)

    def _block(self, level: int, block: int) -> bytearray:
        key = _key(self._group, level, block)
        got = self._cache.get(key)
        if got is None:
            row = self._db.execute("SELECT data FROM blocks WHERE key = ?", (key,)).fetchone()
            got = bytearray(row[0]) if row else bytearray()
            if self._depth:
                self._cache[key] = got
        return got

    def read(self, level: int, start: int, stop: int) -> bytes:
        block_nodes = self._block_nodes
        parts: list[bytes] = []
        i = start
        while i < stop:
            b, off = divmod(i, block_nodes)
            n = min(block_nodes - off, stop - i)
            data = self._block(level, b)[32 * off:32 * (off + n)]
            if len(data) != 32 * n:
                raise GroupStorageError(f"SQLiteStorage: nodes {i}..{i + n - 1} of level {level} are missing "
                                        f"from {self.path}")
            parts.append(bytes(data))
            i += n
        return b"".join(parts)

    def write(self, level: int, start: int, data: bytes) -> None:
        if not self._depth:
            raise GroupStorageError("SQLiteStorage: writes happen inside transaction()")
        count, block_nodes = len(data) // 32, self._block_nodes
        i = 0
        while i < count:
            b, off = divmod(start + i, block_nodes)
            n = min(block_nodes - off, count - i)
            blk = self._block(level, b)
            if len(blk) < 32 * off:
                raise GroupStorageError(f"SQLiteStorage: a write at node {start + i} of level {level} leaves a gap")
            blk[32 * off:32 * (off + n)] = data[32 * i:32 * (i + n)]
            self._dirty.add(_key(self._group, level, b))
            i += n
        if level == 0:
            self._size = max(self._size, start + count)
        if len(self._dirty) >= _FLUSH_BLOCKS:
            self._flush()

    def _flush(self) -> None:
        """Write the dirty blocks into the open transaction and forget the cache."""
        self._db.executemany("INSERT OR REPLACE INTO blocks (key, data) VALUES (?, ?)",
                             ((k, bytes(self._cache[k])) for k in self._dirty))
        self._dirty.clear()
        self._cache.clear()
