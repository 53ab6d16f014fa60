"""Sparse Merkle trees keyed by field elements: circomlib's SMT (the native twin of
:mod:`circuits.gadgets.smt`).

A key-value map whose root commits to every pair; a proof shows that a key holds a value
(membership) or that a key is absent (non-membership). The shape is canonical, as in
circomlibjs's ``smt.js``: a leaf ``H(key, value, 1)`` sits at the shallowest depth where
its key's bits (least significant first, bit ``i`` choosing the branch at depth ``i``) are
unique; internal nodes are ``H(left, right)``, the empty tree is 0 (``H`` = circomlib's
Poseidon). Roots and proofs equal circomlibjs's after the same inserts, updates and
deletes, in any order.

    >>> tree = SparseMerkleTree({1: 10, 2: 20, 3: 30})
    >>> tree[2], 4 in tree, len(tree)
    (20, False, 3)
    >>> member = tree.prove(2)
    >>> member.found, member.value, member.verify()
    (True, 20, True)
    >>> absent = tree.prove(4)  # 4's path (bit 0 first) ends at the leaf of key 2
    >>> absent.found, absent.old_key, absent.verify()
    (False, 2, True)
    >>> tree.delete(2) == SparseMerkleTree({1: 10, 3: 30}).root   # the new root
    True
    >>> tree.prove(2).found, tree.prove(2).is_old0
    (False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

from ..errors import CircuitTypeError, TreeKeyError
from ._check import field_element
from .poseidon import poseidon

__all__ = ["SparseMerkleTree", "SMTProof", "leaf_hash", "node_hash"]


def leaf_hash(key: int, value: int) -> int:
    """A leaf: ``Poseidon(key, value, 1)`` (circomlib's ``SMTHash1``)."""
    return poseidon([key, value, 1])


def node_hash(left: int, right: int) -> int:
    """An internal node: ``Poseidon(left, right)`` (circomlib's ``SMTHash2``)."""
    return poseidon([left, right])


def _bit(key: int, depth: int) -> int:
    return (key >> depth) & 1


@dataclass(frozen=True)
class SMTProof:
    """A membership (``found``) or non-membership proof of ``key`` under ``root``.

    ``siblings`` run from the root down (circomlib's order). For a missing key, the path
    ends at an empty slot (``is_old0``) or at the leaf of another key, ``old_key`` /
    ``old_value``, which sits where ``key`` would.
    """

    root: int
    key: int
    value: int  # the key's value if found, else 0
    found: bool
    siblings: tuple[int, ...]
    old_key: int = 0
    old_value: int = 0
    is_old0: bool = False

    @property
    def depth(self) -> int:
        return len(self.siblings)

    def compute_root(self) -> int | None:
        """The root these elements hash to, as the circuit computes it (the leaf sits below
        the last non-zero sibling); None for a non-membership proof naming ``key`` itself."""
        sibs = list(self.siblings)
        while sibs and sibs[-1] == 0:
            sibs.pop()
        if self.found:
            node = leaf_hash(self.key, self.value)
        elif self.is_old0:
            node = 0
        elif self.old_key == self.key:
            return None
        else:
            node = leaf_hash(self.old_key, self.old_value)
        for depth in range(len(sibs) - 1, -1, -1):
            sib = sibs[depth]
            node = node_hash(sib, node) if _bit(self.key, depth) else node_hash(node, sib)
        return node

    def verify(self) -> bool:
        """True when the proof holds for ``root``: the twin of :func:`smt_verify` in circuit."""
        return self.compute_root() == self.root

    def circuit_inputs(self, levels: int) -> dict[str, object]:
        """Arguments for :func:`circuits.gadgets.smt_verify` in a tree of ``levels`` levels
        (siblings padded with zeros; the deepest one must stay 0, so ``depth < levels``)."""
        if isinstance(levels, bool) or not isinstance(levels, int) or levels < 1:
            raise CircuitTypeError(f"circuit_inputs: levels must be a positive int, found {levels!r}")
        if self.depth >= levels:
            raise CircuitTypeError(f"circuit_inputs: a proof of depth {self.depth} needs at least "
                                   f"{self.depth + 1} levels, found levels={levels}")
        return {"root": self.root, "siblings": list(self.siblings) + [0] * (levels - self.depth),
                "key": self.key, "value": self.value, "fnc": int(not self.found),
                "old_key": self.old_key, "old_value": self.old_value, "is_old0": int(self.is_old0)}


class SparseMerkleTree:
    """A sparse Merkle tree mapping field elements to field elements (circomlib's SMT).

    ``items`` (a mapping or ``(key, value)`` pairs) fills it; ``tree[key] = value`` inserts
    or updates, ``insert`` refuses a key already there, ``update`` and ``delete`` one that is
    missing (:class:`~circuits.errors.TreeKeyError`).
    """

    def __init__(self, items: Mapping[int, int] | Iterable[tuple[int, int]] = ()) -> None:
        self.root = 0
        self._internal: dict[int, tuple[int, int]] = {}  # hash -> (left, right)
        self._leaves: dict[int, tuple[int, int]] = {}  # hash -> (key, value)
        self._values: dict[int, int] = {}
        pairs = items.items() if isinstance(items, Mapping) else items
        for k, v in pairs:
            self.insert(k, v)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __getitem__(self, key: int) -> int:
        k = field_element(key, "key")
        if k not in self._values:
            raise TreeKeyError(f"key {k} is not in the tree")
        return self._values[k]

    def __setitem__(self, key: int, value: int) -> None:
        if key in self._values:
            self.update(key, value)
        else:
            self.insert(key, value)

    def __iter__(self) -> Iterator[int]:
        return iter(self._values)

    def items(self) -> Iterable[tuple[int, int]]:
        return self._values.items()

    def __repr__(self) -> str:
        return f"SparseMerkleTree(keys={len(self)}, root={self.root:#x})"

    # ------------------------------------------------------------ mutation

    def _new_leaf(self, key: int, value: int) -> int:
        h = leaf_hash(key, value)
        self._leaves[h] = (key, value)
        return h

    def _new_node(self, left: int, right: int) -> int:
        h = node_hash(left, right)
        self._internal[h] = (left, right)
        return h

    def _join(self, a: int, a_key: int, b: int, b_key: int, depth: int) -> int:
        """The subtree at ``depth`` holding the two leaves ``a`` and ``b``."""
        if _bit(a_key, depth) == _bit(b_key, depth):
            child = self._join(a, a_key, b, b_key, depth + 1)
            return self._new_node(0, child) if _bit(a_key, depth) else self._new_node(child, 0)
        return self._new_node(b, a) if _bit(a_key, depth) else self._new_node(a, b)

    def _insert(self, node: int, key: int, leaf: int, depth: int) -> int:
        if node == 0:
            return leaf
        if node in self._leaves:
            other = self._leaves[node][0]
            return self._join(node, other, leaf, key, depth)
        left, right = self._internal.pop(node)  # replaced below (stale nodes are dropped)
        if _bit(key, depth):
            return self._new_node(left, self._insert(right, key, leaf, depth + 1))
        return self._new_node(self._insert(left, key, leaf, depth + 1), right)

    def insert(self, key: int, value: int) -> int:
        """Add ``key`` (not yet present) with ``value``; returns the new root."""
        k, v = field_element(key, "key"), field_element(value, "value")
        if k in self._values:
            raise TreeKeyError(f"key {k} is already in the tree (use update)")
        self.root = self._insert(self.root, k, self._new_leaf(k, v), 0)
        self._values[k] = v
        return self.root

    def _replace(self, node: int, key: int, new: int, depth: int) -> int:
        """The subtree with ``key``'s leaf replaced by ``new`` (0 removes it, collapsing
        nodes left with a single leaf, so the shape stays canonical)."""
        if node in self._leaves:
            del self._leaves[node]
            return new
        left, right = self._internal.pop(node)
        if _bit(key, depth):
            right = self._replace(right, key, new, depth + 1)
        else:
            left = self._replace(left, key, new, depth + 1)
        if new == 0 and (left == 0 or right == 0) and (left or right) in self._leaves:
            return left or right  # a lone leaf moves up
        return self._new_node(left, right)

    def update(self, key: int, value: int) -> int:
        """Give ``key`` (present) a new value; returns the new root."""
        k, v = field_element(key, "key"), field_element(value, "value")
        if k not in self._values:
            raise TreeKeyError(f"key {k} is not in the tree (use insert)")
        if self._values[k] == v:
            return self.root
        leaf = leaf_hash(k, v)
        self.root = self._replace(self.root, k, leaf, 0)
        self._leaves[leaf] = (k, v)
        self._values[k] = v
        return self.root

    def delete(self, key: int) -> int:
        """Remove ``key`` (present); returns the new root."""
        k = field_element(key, "key")
        if k not in self._values:
            raise TreeKeyError(f"key {k} is not in the tree")
        self.root = self._replace(self.root, k, 0, 0)
        del self._values[k]
        return self.root

    # ------------------------------------------------------------ proofs

    def prove(self, key: int) -> SMTProof:
        """A membership proof if ``key`` is present, else a non-membership proof."""
        k = field_element(key, "key")
        siblings: list[int] = []
        node, depth = self.root, 0
        while node in self._internal:
            left, right = self._internal[node]
            node, sib = (right, left) if _bit(k, depth) else (left, right)
            siblings.append(sib)
            depth += 1
        sibs = tuple(siblings)
        if node == 0:
            return SMTProof(self.root, k, 0, False, sibs, old_key=k, old_value=0, is_old0=True)
        leaf_key, leaf_value = self._leaves[node]
        if leaf_key == k:
            return SMTProof(self.root, k, leaf_value, True, sibs)
        return SMTProof(self.root, k, 0, False, sibs, old_key=leaf_key, old_value=leaf_value)
