"""Merkle membership in circuit, the twin of :class:`circuits.native.MerkleTree`.

``merkle_root`` costs, per level, one ``select`` (1 constraint) and one Poseidon of two
inputs (240): 241 per level, 4,820 at depth 20, plus 1 per path bit to make it a Bool if it
is not one already (declare the bits ``Secret[Bool, depth]``).

    >>> from circuits import Circuit, Public, Secret, Field, Bool, compile
    >>> from circuits.gadgets import merkle_root
    >>> from circuits.native import MerkleTree
    >>> class Member(Circuit):
    ...     root: Public[Field]
    ...     leaf: Secret[Field]
    ...     path: Secret[Bool, 4]
    ...     siblings: Secret[Field, 4]
    ...     def define(self, api):
    ...         api.assert_equal(merkle_root(api, self.leaf, self.path, self.siblings), self.root)
    >>> cs = compile(Member)
    >>> cs.r1cs.num_constraints
    968
    >>> tree = MerkleTree(depth=4, leaves=[5, 6, 7])
    >>> p = tree.proof(2)
    >>> w = cs.solve(Member(root=tree.root, leaf=7, path=list(p.path_bits), siblings=list(p.siblings)))
    >>> w.public == [tree.root], cs.r1cs.is_satisfied(w.values())
    (True, True)
    >>> cs.solve(Member(root=tree.root, leaf=8, path=list(p.path_bits), siblings=list(p.siblings)))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: assert_equal at ...
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..api import API
from ..errors import CircuitTypeError
from ..var import Operand, Var
from .poseidon import poseidon

__all__ = ["merkle_root", "assert_member"]

Hash2 = Callable[[API, Var, Var], Var]


def _poseidon2(api: API, left: Var, right: Var) -> Var:
    return poseidon(api, [left, right])


def merkle_root(api: API, leaf: Operand, path_bits: Sequence[Operand], siblings: Sequence[Operand],
                *, hash2: Hash2 = _poseidon2) -> Var:
    """The root reached from ``leaf`` by ``siblings`` (leaf level first); ``path_bits[j]``
    is 1 when the node at level j is a right child. Bits that are not typed Bool are
    constrained to 0/1 here."""
    if len(path_bits) != len(siblings) or not siblings:
        raise CircuitTypeError(f"merkle_root: {len(path_bits)} path bits for {len(siblings)} siblings")
    node = api.lift(leaf)
    with api.scope("merkle"):
        for bit, sib in zip(path_bits, siblings):
            b = api.lift(bit)
            if not b.is_bool:
                b = api.as_bool(b)
            s = api.lift(sib)
            left = api.select(b, s, node)
            right = node + s - left  # the other one, for free
            node = hash2(api, left, right)
    return node


def assert_member(api: API, root: Operand, leaf: Operand, path_bits: Sequence[Operand],
                  siblings: Sequence[Operand], *, hash2: Hash2 = _poseidon2) -> None:
    """Constrain ``leaf`` to be in the tree of ``root`` at the position ``path_bits``."""
    api.assert_equal(merkle_root(api, leaf, path_bits, siblings, hash2=hash2), root)
