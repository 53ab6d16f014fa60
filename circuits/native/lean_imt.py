"""The lean incremental Merkle tree (LeanIMT) of Semaphore v4 and zk-kit (native twin of
:mod:`circuits.gadgets.lean_imt`).

A binary Poseidon tree whose depth is ``ceil(log2(size))``: it grows with its leaves, up to
:data:`MAX_DEPTH` (2^32 leaves). Its rules, which make its roots and proofs equal to
``@zk-kit/lean-imt``'s (and so ``@semaphore-protocol/group``'s):

- there are no zero hashes: a node without a right sibling is copied up unchanged;
- level ``L`` holds ``ceil(size / 2^L)`` nodes; the root is the one node of the top level
  (the leaf itself for one leaf; no root for none);
- a proof lists only the siblings that exist, leaf level first, and its ``index`` packs
  only their side bits (bit ``j`` for the ``j``-th listed sibling), so a proof can be
  shorter than the depth.

The nodes live in a :class:`Nodes` store: :class:`ListNodes` (lists, in memory) by
default, or any other (``zkmpc.identity`` keeps them in SQLite).

    >>> tree = LeanIMT([1, 2, 3])
    >>> tree.depth, tree.root == poseidon([poseidon([1, 2]), 3])
    (2, True)
    >>> p = tree.proof(2)
    >>> p.siblings == (poseidon([1, 2]),), p.index, p.verify()
    (True, 1, True)
    >>> tree.update(1, 0); tree.proof(0).siblings
    (0, 3)
"""

from __future__ import annotations

import json
from typing import Iterable, Protocol, Sequence

from zkp.field import from_words, to_words

from ..errors import CircuitTypeError
from ._check import field_element
from .merkle import MerkleProof
from .poseidon import poseidon

__all__ = ["LeanIMT", "Nodes", "ListNodes", "MAX_DEPTH", "depth_for", "level_size", "hash_pairs", "to_words",
           "from_words", "dump_nodes", "load_nodes"]

#: the deepest tree (Semaphore's limit): 2^32 leaves
MAX_DEPTH = 32


def depth_for(size: int) -> int:
    """``ceil(log2(size))``, 0 for 0 or 1 leaves."""
    return (size - 1).bit_length() if size > 1 else 0


def level_size(size: int, level: int) -> int:
    """How many nodes level ``level`` holds in a tree of ``size`` leaves."""
    return -(-size >> level)


class Nodes(Protocol):
    """Where a LeanIMT keeps its nodes, as 32-byte big-endian words. Level 0 holds the
    leaves; the tree reads nodes that exist (``index < level_size(size, level)``) and
    writes contiguous runs that start at or before a level's end."""

    def leaf_count(self) -> int:
        """How many leaves level 0 holds."""
        ...

    def read(self, level: int, start: int, stop: int) -> bytes:
        """Nodes ``start .. stop - 1`` of a level, 32 bytes each."""
        ...

    def write(self, level: int, start: int, data: bytes) -> None:
        """Write nodes (32 bytes each) from ``start``, extending the level past its end."""
        ...


class ListNodes:
    """A :class:`Nodes` store in memory: one ``bytearray`` per level."""

    def __init__(self) -> None:
        self.levels: list[bytearray] = [bytearray()]

    def leaf_count(self) -> int:
        return len(self.levels[0]) // 32

    def read(self, level: int, start: int, stop: int) -> bytes:
        return bytes(self.levels[level][32 * start:32 * stop])

    def write(self, level: int, start: int, data: bytes) -> None:
        while len(self.levels) <= level:
            self.levels.append(bytearray())
        self.levels[level][32 * start:32 * start + len(data)] = data


def hash_pairs(children: bytes) -> bytes:
    """The parents of a run of nodes that starts at an even index (32-byte words): each
    pair hashed (Poseidon, 2 inputs) in one kernel call on the packed states, a lone last
    node copied up. No Python integer is made on the way."""
    import numpy as np

    from zkp import kernels

    from .poseidon import FULL_ROUNDS, _encoded

    pairs = len(children) // 64
    out = b""
    if pairs:
        states = np.zeros((pairs, 96), dtype=np.uint8)
        states[:, 32:] = np.frombuffer(children, dtype=np.uint8, count=64 * pairs).reshape(pairs, 64)
        rc, mds = _encoded(3)
        permuted = kernels.poseidon_permute(rc, mds, FULL_ROUNDS, states.tobytes())
        out = np.frombuffer(permuted, dtype=np.uint8).reshape(pairs, 96)[:, :32].tobytes()
    return out + children[64 * pairs:]


class LeanIMT:
    """A LeanIMT over a :class:`Nodes` store (see the module docstring).

    Args:
        leaves: leaves to insert at once (one batch).
        nodes: the store; a fresh :class:`ListNodes` by default.

    Leaves are field elements (ints in ``[0, r)``); 0 marks a removed leaf. Operations
    that name an index outside the tree or pass a value that is not a field element raise
    :class:`~circuits.errors.CircuitTypeError`.
    """

    def __init__(self, leaves: Iterable[int] = (), *, nodes: Nodes | None = None) -> None:
        self.nodes: Nodes = nodes if nodes is not None else ListNodes()
        batch = list(leaves)
        if batch:
            self.insert_many(batch)

    @property
    def size(self) -> int:
        return self.nodes.leaf_count()

    def __len__(self) -> int:
        return self.size

    @property
    def depth(self) -> int:
        return depth_for(self.size)

    @property
    def root(self) -> int | None:
        """The root, or None for an empty tree."""
        size = self.size
        return self._get(depth_for(size), 0) if size else None

    def __repr__(self) -> str:
        return f"LeanIMT(size={self.size}, depth={self.depth})"

    def _get(self, level: int, index: int) -> int:
        return int.from_bytes(self.nodes.read(level, index, index + 1), "big")

    def leaf(self, index: int) -> int:
        return self._get(0, self._index(index))

    def leaves(self) -> list[int]:
        return from_words(self.nodes.read(0, 0, self.size))

    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise CircuitTypeError(f"LeanIMT: expected a leaf index in 0..{self.size - 1}, found {index!r}")
        return index

    def insert(self, leaf: int) -> None:
        """Append one leaf (a batch of one: the same nodes as zk-kit's ``insert``)."""
        self.insert_many([leaf])

    def insert_many(self, leaves: Sequence[int]) -> None:
        """Append leaves and update each level once: about one hash per new leaf."""
        values = [field_element(v, f"leaf {i}") for i, v in enumerate(leaves)]
        old = self.size
        new = old + len(values)
        if not values:
            return
        if depth_for(new) > MAX_DEPTH:
            raise CircuitTypeError(f"LeanIMT: {new} leaves exceed depth {MAX_DEPTH} (at most 2^{MAX_DEPTH})")
        self.nodes.write(0, old, to_words(values))
        start = old >> 1  # the first parent that changes, at each level
        for level in range(depth_for(new)):
            children = self.nodes.read(level, 2 * start, level_size(new, level))
            self.nodes.write(level + 1, start, hash_pairs(children))
            start >>= 1

    def update(self, index: int, leaf: int) -> None:
        """Replace leaf ``index`` (0 removes it) and the nodes above it."""
        i = self._index(index)
        node = field_element(leaf, "leaf")
        size = self.size
        for level in range(depth_for(size)):
            self.nodes.write(level, i, node.to_bytes(32, "big"))
            if i & 1:
                node = poseidon([self._get(level, i - 1), node])
            elif i + 1 < level_size(size, level):
                node = poseidon([node, self._get(level, i + 1)])
            i >>= 1
        self.nodes.write(depth_for(size), 0, node.to_bytes(32, "big"))

    def proof(self, index: int) -> MerkleProof:
        """The membership proof of leaf ``index``: only existing siblings, packed side bits."""
        i = self._index(index)
        size = self.size
        siblings: list[int] = []
        packed = 0
        for level in range(depth_for(size)):
            sib = i ^ 1
            if sib < level_size(size, level):
                packed |= (i & 1) << len(siblings)
                siblings.append(self._get(level, sib))
            i >>= 1
        root = self.root
        assert root is not None  # size > 0 here
        return MerkleProof(self._get(0, index), packed, tuple(siblings), root)

    def export_levels(self) -> list[list[int]]:
        """Every level, leaves first (the structure Semaphore exports)."""
        size = self.size
        return [from_words(self.nodes.read(level, 0, level_size(size, level))) for level in range(depth_for(size) + 1)]


def dump_nodes(levels: Sequence[Sequence[int]]) -> str:
    """zk-kit's export: the levels as JSON arrays of decimal strings (compact)."""
    return json.dumps([[str(v) for v in row] for row in levels], separators=(",", ":"))


def load_nodes(levels: object) -> LeanIMT:
    """A tree from parsed export levels (lists of canonical decimal strings), checked: the
    level sizes must be LeanIMT's and every node the hash of its children.

    Raises:
        CircuitTypeError: a malformed or inconsistent structure (what was expected is said).
    """
    if not isinstance(levels, list) or not levels or not all(isinstance(row, list) for row in levels):
        raise CircuitTypeError("LeanIMT export: expected a non-empty list of levels (lists)")
    leaves = [_decimal(v, f"leaf {i}") for i, v in enumerate(levels[0])]
    if depth_for(len(leaves)) > MAX_DEPTH:
        raise CircuitTypeError(f"LeanIMT export: {len(leaves)} leaves exceed depth {MAX_DEPTH}")
    tree = LeanIMT(leaves)
    expected = tree.export_levels()
    if [len(row) for row in levels] != [len(row) for row in expected]:
        raise CircuitTypeError(f"LeanIMT export: expected level sizes {[len(r) for r in expected]}, "
                               f"found {[len(r) for r in levels]}")
    for level, (row, want) in enumerate(zip(levels, expected)):
        for i, (v, w) in enumerate(zip(row, want)):
            if _decimal(v, f"node {level}/{i}") != w:
                raise CircuitTypeError(f"LeanIMT export: node {i} of level {level} is not the hash of its children")
    return tree


def _decimal(v: object, what: str) -> int:
    if not isinstance(v, str) or not v.isascii() or not v.isdigit() or (v != "0" and v.startswith("0")) or len(v) > 78:
        raise CircuitTypeError(f"LeanIMT export: {what}: expected a canonical decimal string, found {v!r:.40}")
    return field_element(int(v), f"LeanIMT export: {what}")
