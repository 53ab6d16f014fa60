"""An issuer's revocation tree with its nodes in SQLite.

circomlib's sparse Merkle tree (:mod:`circuits.native.smt`: leaves ``Poseidon(key, 1, 1)``
at the shallowest depth where the key's bits, least significant first, are unique;
nodes ``Poseidon(left, right)``; the empty tree 0) whose keys are the revoked nonces.
Every node is a row, so opening the tree reads one row (no rebuild), a revocation hashes
and writes one path (about the depth, ``2 log2(n)`` at worst for ``n`` random nonces),
and a proof reads one path. Roots and proofs equal :class:`SparseMerkleTree`'s after the
same insertions (a test compares them). Nodes of earlier roots stay (they are keyed by
hash), so a proof against an earlier root is still possible.

    >>> import sqlite3
    >>> from circuits.native import SparseMerkleTree
    >>> tree = RevocationTree(sqlite3.connect(":memory:", isolation_level=None))
    >>> for nonce in (5, 21, 37):
    ...     _ = tree.insert(nonce)
    >>> tree.root == SparseMerkleTree({5: 1, 21: 1, 37: 1}).root
    True
    >>> tree.prove(21).found, tree.prove(6).found, tree.prove(6).verify()
    (True, False, True)
"""

from __future__ import annotations

import sqlite3

from circuits.native import SMTProof
from circuits.native.smt import leaf_hash, node_hash

from ..errors import UnknownClaimError

__all__ = ["RevocationTree"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS smt_nodes (hash TEXT PRIMARY KEY, left TEXT NOT NULL, right TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS smt_leaves (hash TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS smt_root (id INTEGER PRIMARY KEY CHECK (id = 0), root TEXT NOT NULL);
"""


def _bit(key: int, depth: int) -> int:
    return (key >> depth) & 1


class RevocationTree:
    """The tree in the database ``db`` (tables ``smt_*``; created if missing). Writes
    happen inside the caller's transaction: :meth:`insert` does not commit."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._db.executescript(_SCHEMA)
        row = db.execute("SELECT root FROM smt_root WHERE id = 0").fetchone()
        self.root = 0 if row is None else int(row[0])

    def _children(self, node: int) -> tuple[int, int] | None:
        row = self._db.execute("SELECT left, right FROM smt_nodes WHERE hash = ?", (str(node),)).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def _leaf_key(self, node: int) -> int | None:
        row = self._db.execute("SELECT key FROM smt_leaves WHERE hash = ?", (str(node),)).fetchone()
        return None if row is None else int(row[0])

    def _node(self, left: int, right: int) -> int:
        h = node_hash(left, right)
        self._db.execute("INSERT OR IGNORE INTO smt_nodes (hash, left, right) VALUES (?, ?, ?)",
                         (str(h), str(left), str(right)))
        return h

    def _join(self, a: int, a_key: int, b: int, b_key: int, depth: int) -> int:
        if _bit(a_key, depth) == _bit(b_key, depth):
            child = self._join(a, a_key, b, b_key, depth + 1)
            return self._node(0, child) if _bit(a_key, depth) else self._node(child, 0)
        return self._node(b, a) if _bit(a_key, depth) else self._node(a, b)

    def _insert(self, node: int, key: int, leaf: int, depth: int) -> int:
        if node == 0:
            return leaf
        children = self._children(node)
        if children is None:
            other = self._leaf_key(node)
            if other is None:
                raise UnknownClaimError(f"revocation tree: node {node:#x} is missing from the database")
            if other == key:
                raise UnknownClaimError(f"nonce {key} is in the revocation tree already")
            return self._join(node, other, leaf, key, depth)
        left, right = children
        if _bit(key, depth):
            return self._node(left, self._insert(right, key, leaf, depth + 1))
        return self._node(self._insert(left, key, leaf, depth + 1), right)

    def insert(self, key: int) -> int:
        """Add ``key`` (absent) with value 1; returns the new root."""
        leaf = leaf_hash(key, 1)
        self._db.execute("INSERT OR IGNORE INTO smt_leaves (hash, key) VALUES (?, ?)", (str(leaf), str(key)))
        root = self._insert(self.root, key, leaf, 0)
        self._db.execute("INSERT OR REPLACE INTO smt_root (id, root) VALUES (0, ?)", (str(root),))
        self.root = root
        return root

    def prove(self, key: int) -> SMTProof:
        """A membership proof of ``key`` if it is revoked, else a non-membership proof."""
        siblings: list[int] = []
        node, depth = self.root, 0
        while node and (children := self._children(node)) is not None:
            left, right = children
            node, sib = (right, left) if _bit(key, depth) else (left, right)
            siblings.append(sib)
            depth += 1
        sibs = tuple(siblings)
        if node == 0:
            return SMTProof(self.root, key, 0, False, sibs, old_key=key, old_value=0, is_old0=True)
        leaf_key = self._leaf_key(node)
        if leaf_key is None:
            raise UnknownClaimError(f"revocation tree: node {node:#x} is missing from the database")
        if leaf_key == key:
            return SMTProof(self.root, key, 1, True, sibs)
        return SMTProof(self.root, key, 0, False, sibs, old_key=leaf_key, old_value=1)
