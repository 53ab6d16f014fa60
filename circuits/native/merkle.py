"""Binary Merkle trees of fixed depth (the native twin of :mod:`circuits.gadgets.merkle`).

Empty leaves are 0; a node is ``H(left, right)`` with Poseidon (circomlib's, 2 inputs) by
default. Leaf ``i``'s path bits are the bits of ``i``, least significant first: bit ``j``
is 1 when the node at level ``j`` is a right child.

    >>> tree = MerkleTree(depth=4)
    >>> [tree.append(v) for v in (11, 22, 33)]
    [0, 1, 2]
    >>> proof = tree.proof(1)
    >>> proof.leaf, proof.path_bits, proof.verify()
    (22, (1, 0, 0, 0), True)
    >>> tree.update(1, 23); tree.proof(1).root == tree.root != proof.root
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from zkp.display import html_table, short
from zkp.field import R

from ..errors import CircuitTypeError
from ._check import field_element
from .poseidon import poseidon, poseidon_many

__all__ = ["MerkleTree", "MerkleProof", "poseidon2", "MAX_DEPTH"]

MAX_DEPTH = 32
Hash2 = Callable[[int, int], int]


def poseidon2(left: int, right: int) -> int:
    return poseidon([left, right])


@dataclass(frozen=True, repr=False)
class MerkleProof:
    """A membership proof: the leaf, its index, the siblings from the leaf up, the root."""

    def __repr__(self) -> str:
        return (f"MerkleProof(leaf={short(self.leaf)}, index={self.index}, {len(self.siblings)} siblings, "
                f"root={short(self.root)})")

    def _repr_html_(self) -> str:
        return html_table("Merkle proof", [("leaf", short(self.leaf)), ("index", self.index),
                                           ("siblings", len(self.siblings)), ("root", short(self.root))])

    leaf: int
    index: int
    siblings: tuple[int, ...]
    root: int

    @property
    def depth(self) -> int:
        return len(self.siblings)

    @property
    def path_bits(self) -> tuple[int, ...]:
        return tuple((self.index >> j) & 1 for j in range(self.depth))

    def compute_root(self, hash2: Hash2 = poseidon2) -> int:
        node = self.leaf
        for bit, sib in zip(self.path_bits, self.siblings):
            node = hash2(sib, node) if bit else hash2(node, sib)
        return node

    def verify(self, hash2: Hash2 = poseidon2) -> bool:
        return self.compute_root(hash2) == self.root


class MerkleTree:
    """A fixed-depth binary Merkle tree filled from the left (depth 1..32).

    ``hash2`` is the node hash (Poseidon by default); ``leaves`` builds the tree in one
    pass (about ``len(leaves)`` hashes).
    """

    def __init__(self, depth: int = 20, leaves: Iterable[int] = (), *, hash2: Hash2 = poseidon2) -> None:
        if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
            raise CircuitTypeError(f"MerkleTree: depth must be 1..{MAX_DEPTH}, found {depth!r}")
        self.depth = depth
        self._hash = hash2
        self.zeros = [0]
        for _ in range(depth):
            self.zeros.append(hash2(self.zeros[-1], self.zeros[-1]))
        vals = [field_element(v, f"leaf {i}") for i, v in enumerate(leaves)]
        if len(vals) > 1 << depth:
            raise CircuitTypeError(f"MerkleTree: {len(vals)} leaves do not fit in depth {depth}")
        self._levels: list[list[int]] = [vals]
        for level in range(depth):
            below = self._levels[level]
            if len(below) % 2:
                below = below + [self.zeros[level]]
            if hash2 is poseidon2:  # one batched kernel call per level
                self._levels.append(poseidon_many([below[i:i + 2] for i in range(0, len(below), 2)]))
            else:
                self._levels.append([hash2(below[i], below[i + 1]) for i in range(0, len(below), 2)])

    def __len__(self) -> int:
        return len(self._levels[0])

    def __repr__(self) -> str:
        return f"MerkleTree(depth={self.depth}, leaves={len(self)}, root={self.root:#x})"

    def _node(self, level: int, i: int) -> int:
        row = self._levels[level]
        return row[i] if i < len(row) else self.zeros[level]

    @property
    def root(self) -> int:
        return self._node(self.depth, 0)

    def leaf(self, index: int) -> int:
        return self._levels[0][self._index(index)]

    def _index(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self):
            raise CircuitTypeError(f"leaf index {index!r} out of range (0..{len(self) - 1})")
        return index

    def _refresh(self, index: int) -> None:
        i = index
        for level in range(self.depth):
            pair = i ^ 1
            left, right = (self._node(level, pair), self._node(level, i)) if i & 1 else \
                (self._node(level, i), self._node(level, pair))
            i >>= 1
            row = self._levels[level + 1]
            value = self._hash(left, right)
            if i < len(row):
                row[i] = value
            else:
                row.append(value)

    def append(self, leaf: int) -> int:
        """Add a leaf at the next free index and return the index."""
        if len(self) >= 1 << self.depth:
            raise CircuitTypeError(f"MerkleTree: full ({1 << self.depth} leaves)")
        self._levels[0].append(field_element(leaf, "leaf"))
        self._refresh(len(self) - 1)
        return len(self) - 1

    def update(self, index: int, leaf: int) -> None:
        self._levels[0][self._index(index)] = field_element(leaf, "leaf")
        self._refresh(index)

    def proof(self, index: int) -> MerkleProof:
        i = self._index(index)
        sibs = []
        for level in range(self.depth):
            sibs.append(self._node(level, i ^ 1))
            i >>= 1
        return MerkleProof(self._levels[0][index], index, tuple(sibs), self.root)

    def siblings(self, index: int) -> Sequence[int]:
        return self.proof(index).siblings
