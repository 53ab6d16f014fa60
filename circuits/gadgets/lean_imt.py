"""LeanIMT membership in circuit, with a proof of variable length (the twin of
:class:`circuits.native.lean_imt.LeanIMT` and its proofs).

A LeanIMT proof lists only the siblings that exist, so its length varies from 0 (a
one-leaf tree) to the tree's depth. The circuit takes ``max_depth`` siblings (the unused
ones are any values, 0 by convention), the ``length`` and the side bits; it hashes up all
``max_depth`` levels and picks the node at level ``length`` as the root, with a one-hot
selector ``e_0 .. e_max`` (``e_i`` = 1 iff ``length == i``).

Costs at ``max_depth = D``: per level one ``select`` (1) and one Poseidon of two inputs
(240); the selector's booleanity (``D + 1``) and the picking products (``D + 1``); its two
linear checks (the ``e_i`` sum to 1, ``sum i e_i = length``) cost nothing (the compiler
substitutes linear equalities); plus 1 per path bit that is not already a Bool:
243 D + 2, so 4,862 at depth 20.

    >>> from circuits import Circuit, Public, Secret, Field, Bool, compile
    >>> from circuits.gadgets import lean_imt_root
    >>> from circuits.native import LeanIMT
    >>> class Member(Circuit):
    ...     root: Public[Field]
    ...     leaf: Secret[Field]
    ...     length: Secret[Field]
    ...     path: Secret[Bool, 4]
    ...     siblings: Secret[Field, 4]
    ...     def define(self, api):
    ...         root = lean_imt_root(api, self.leaf, self.length, self.path, self.siblings)
    ...         api.assert_equal(root, self.root)
    >>> cs = compile(Member)
    >>> cs.r1cs.num_constraints
    978
    >>> tree = LeanIMT([5, 6, 7])
    >>> p = tree.proof(2)                 # 1 sibling in a tree of depth 2
    >>> length, bits, sibs = padded_proof(p, 4)
    >>> w = cs.solve(Member(root=tree.root, leaf=7, length=length, path=bits, siblings=sibs))
    >>> w.public == [tree.root], cs.r1cs.is_satisfied(w.values())
    (True, True)
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..engine import hints
from ..errors import CircuitTypeError
from ..native.merkle import MerkleProof
from ..var import Operand, Var
from .poseidon import poseidon

__all__ = ["lean_imt_root", "assert_lean_imt_member", "padded_proof"]


def padded_proof(proof: MerkleProof, max_depth: int) -> tuple[int, list[int], list[int]]:
    """``(length, path_bits, siblings)`` of a LeanIMT proof padded with zeros to
    ``max_depth`` entries (the circuit's inputs).

    Raises:
        CircuitTypeError: a proof longer than ``max_depth``.
    """
    if len(proof.siblings) > max_depth:
        raise CircuitTypeError(f"padded_proof: expected at most {max_depth} siblings, found {len(proof.siblings)}")
    pad = max_depth - len(proof.siblings)
    return len(proof.siblings), [*proof.path_bits, *[0] * pad], [*proof.siblings, *[0] * pad]


def _one_hot(api: API, length: Var, size: int) -> list[Var]:
    """``e_0 .. e_{size-1}``, e_i = 1 iff ``length == i``: booleanity of each and two linear
    checks make the selector unique (``size`` constraints)."""
    sel = []
    for i in range(size):
        nonzero = api.hint(hints.div, length - i, length - i)  # 1 unless length == i
        sel.append(api.as_bool(1 - nonzero))
    api.assert_equal(api.lincomb([(e, 1) for e in sel]), 1)
    api.assert_equal(api.lincomb([(e, i) for i, e in enumerate(sel)]), length)
    return sel


def lean_imt_root(api: API, leaf: Operand, length: Operand, path_bits: Sequence[Operand],
                  siblings: Sequence[Operand]) -> Var:
    """The root reached from ``leaf`` by the first ``length`` siblings (leaf level first);
    ``path_bits[j]`` is 1 when the node at level j is a right child. ``length`` above
    ``len(siblings)`` has no satisfying witness."""
    if len(path_bits) != len(siblings) or not siblings:
        raise CircuitTypeError(f"lean_imt_root: {len(path_bits)} path bits for {len(siblings)} siblings")
    node = api.lift(leaf)
    nodes = [node]
    with api.scope("lean_imt"):
        for bit, sib in zip(path_bits, siblings):
            b = api.lift(bit)
            if not b.is_bool:
                b = api.as_bool(b)
            s = api.lift(sib)
            left = api.select(b, s, node)
            node = poseidon(api, [left, node + s - left])
            nodes.append(node)
        sel = _one_hot(api, api.lift(length), len(nodes))
        return api.lincomb([(api.mul(e, n), 1) for e, n in zip(sel, nodes)])


def assert_lean_imt_member(api: API, root: Operand, leaf: Operand, length: Operand,
                           path_bits: Sequence[Operand], siblings: Sequence[Operand]) -> None:
    """Constrain ``leaf`` to be in the LeanIMT of ``root`` (1 constraint more)."""
    api.assert_equal(lean_imt_root(api, leaf, length, path_bits, siblings), root)
