"""Groups: Semaphore v4's ``Group``, a LeanIMT of identity commitments.

The same sequence of adds, batch adds, updates and removals gives the same roots and
Merkle proofs as ``@semaphore-protocol/group`` 4.x (see :mod:`circuits.native.lean_imt`
for the tree's rules); :meth:`Group.dump` and :meth:`Group.load` read and write its export
(the tree's levels as JSON arrays of decimal strings). A removed member's leaf is 0.
The tree lives in a :class:`~zkmpc.identity.storage.GroupStorage`: memory by default,
SQLite to persist (every operation one transaction).

    >>> from zkmpc.identity import Identity
    >>> group = Group()
    >>> group.add_members([Identity(f"member {i}").commitment for i in range(3)])
    >>> proof = group.proof(1)
    >>> proof.root == group.root, proof.verify(), group.depth, len(proof.siblings)
    (True, True, 2, 2)
    >>> group.remove_member(1); group.member(1)
    0
    >>> Group.load(group.dump()).root == group.root
    True
"""

from __future__ import annotations

from typing import Iterable, Sequence

from circuits.errors import CircuitTypeError
from circuits.native.lean_imt import MAX_DEPTH, LeanIMT, dump_nodes, load_nodes
from circuits.native.merkle import MerkleProof
from zkp.display import html_table, short
from zkp.errors import FormatError
from zkp.field import R
from zkp.formats.strict_json import load_strict

from ..errors import GroupError
from .storage import GroupStorage, MemoryStorage

__all__ = ["Group", "MerkleProof", "MAX_MEMBERS", "BATCH_CHUNK", "MAX_EXPORT_BYTES"]

#: the most members a group holds (a LeanIMT of depth 32)
MAX_MEMBERS = 1 << MAX_DEPTH
#: the largest export :meth:`Group.load` reads (about 6 million members)
MAX_EXPORT_BYTES = 1 << 30
#: a batch add runs the tree's update in chunks of this many members (bounded memory)
BATCH_CHUNK = 1 << 16


def _member(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise GroupError(f"{what}: expected an int (an identity commitment), found {type(value).__name__}")
    if not 0 < value < R:
        raise GroupError(f"{what}: expected a non-zero field element (0 < x < r), found {value}")
    return value


class Group:
    """A Semaphore v4 group (see the module docstring).

    Args:
        members: commitments to add at once (one batch).
        storage: where the tree lives; a fresh :class:`MemoryStorage` by default. A
            :class:`~zkmpc.identity.storage.SQLiteStorage` reopens the group it holds.

    Raises:
        GroupError: a member that is 0 or not a field element, more than 2^32 members.
    """

    def __init__(self, members: Iterable[int] = (), *, storage: GroupStorage | None = None) -> None:
        self.storage: GroupStorage = storage if storage is not None else MemoryStorage()
        self._tree = LeanIMT(nodes=self.storage)
        batch = list(members)
        if batch:
            self.add_members(batch)

    def __repr__(self) -> str:
        return f"Group(size={self.size}, depth={self.depth}, root={short(self.root)})"

    def _repr_html_(self) -> str:
        return html_table("Group (LeanIMT, Semaphore v4)", [("members", f"{self.size:,}"), ("depth", self.depth),
                                                             ("root", short(self.root))])

    @property
    def size(self) -> int:
        """Members added so far (removed ones included: their leaves are 0)."""
        with self.storage.snapshot():
            return self._tree.size

    def __len__(self) -> int:
        return self.size

    @property
    def depth(self) -> int:
        with self.storage.snapshot():
            return self._tree.depth

    @property
    def root(self) -> int:
        """The tree's root; 0 for an empty group (as Semaphore)."""
        with self.storage.snapshot():
            root = self._tree.root
        return 0 if root is None else root

    def _index(self, index: object) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise GroupError(f"expected a member index in 0..{self.size - 1}, found {index!r:.40}")
        return index

    def member(self, index: int) -> int:
        """The commitment at ``index`` (0 when removed)."""
        with self.storage.snapshot():
            return self._tree.leaf(self._index(index))

    def members(self) -> list[int]:
        with self.storage.snapshot():
            return self._tree.leaves()

    def index_of(self, member: int) -> int | None:
        """The first index holding ``member``, or None (a scan of the leaves)."""
        word = _member(member, "index_of").to_bytes(32, "big")
        with self.storage.snapshot():
            size, step = self._tree.size, 1 << 16
            for start in range(0, size, step):
                chunk = self.storage.read(0, start, min(size, start + step))
                at = chunk.find(word)
                while at >= 0 and at % 32:
                    at = chunk.find(word, at + 1)
                if at >= 0:
                    return start + at // 32
        return None

    def add_member(self, member: int) -> None:
        self.add_members([member])

    def add_members(self, members: Sequence[int]) -> None:
        """Add a batch in one transaction (all or nothing); about one hash per member."""
        values = [_member(m, f"member {i}") for i, m in enumerate(members)]
        if self.size + len(values) > MAX_MEMBERS:
            raise GroupError(f"a group holds at most 2^{MAX_DEPTH} members; {self.size} + {len(values)} do not fit")
        with self.storage.transaction():
            for start in range(0, len(values), BATCH_CHUNK):
                self._tree.insert_many(values[start:start + BATCH_CHUNK])

    def update_member(self, index: int, member: int) -> None:
        """Replace the member at ``index`` (not a removed one: Semaphore refuses that too)."""
        value = _member(member, "update_member")
        with self.storage.transaction():
            if self._tree.leaf(self._index(index)) == 0:
                raise GroupError(f"update_member: member {index} was removed; expected a current member")
            self._tree.update(index, value)

    def remove_member(self, index: int) -> None:
        """Set the member's leaf to 0 (its index stays taken)."""
        with self.storage.transaction():
            if self._tree.leaf(self._index(index)) == 0:
                raise GroupError(f"remove_member: member {index} was already removed")
            self._tree.update(index, 0)

    def proof(self, index: int) -> MerkleProof:
        """Semaphore's Merkle proof of the member at ``index``: ``root``, ``leaf``, ``index``
        (the side bits of the listed siblings) and only the siblings that exist."""
        with self.storage.snapshot():
            return self._tree.proof(self._index(index))

    def dump(self) -> str:
        """Semaphore's ``group.export()``: the levels as JSON arrays of decimal strings."""
        with self.storage.snapshot():
            return dump_nodes(self._tree.export_levels())

    @classmethod
    def load(cls, exported: str, *, storage: GroupStorage | None = None) -> Group:
        """The group of a Semaphore export (checked: every node must be the hash of its
        children), into ``storage`` (memory by default; it must hold no members yet).

        Raises:
            GroupError: text that is not such an export, or a storage that is not empty.
        """
        try:
            levels = load_strict(exported, max_bytes=MAX_EXPORT_BYTES, what="group export")
            tree = load_nodes(levels)
        except (FormatError, CircuitTypeError) as exc:
            raise GroupError(f"Group.load: expected Semaphore's group export, {exc}") from None
        group = cls(storage=storage)
        if group.size:
            raise GroupError(f"Group.load: expected an empty storage, found {group.size} members")
        leaves = tree.leaves()
        with group.storage.transaction():
            for start in range(0, len(leaves), BATCH_CHUNK):
                group._tree.insert_many(leaves[start:start + BATCH_CHUNK])
        return group
