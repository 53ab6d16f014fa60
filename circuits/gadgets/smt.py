"""Sparse Merkle tree membership and non-membership in circuit (circomlib's
``SMTVerifier``), the twin of :class:`circuits.native.smt.SparseMerkleTree`.

``smt_verify`` takes circomlib's inputs: ``fnc`` = 0 proves that ``key`` holds ``value``,
``fnc`` = 1 that ``key`` is absent (its path ends at an empty slot, ``is_old0``, or at the
leaf of ``old_key`` != ``key``); ``enabled`` = 0 turns the check off (any inputs
satisfy it). The depth of the leaf is where the last non-zero sibling is, so the deepest
sibling must be 0: a tree of ``levels`` levels holds proofs of depth ``< levels``.

Constraints for ``levels`` = n with every input a signal: 250 n + 1,029 (n = 10: 3,529;
circomlib's ``SMTVerifier(10)`` at circom --O2: 4,063); ``assert_smt_member`` (``fnc``,
``enabled`` constant): 3,231 at n = 10, 5,701 at n = 20; ``assert_smt_non_member``: 3,245
at n = 10. The key's bits are a strict 254-bit decomposition: an aliased path would let a
prover show an empty slot for a key that is present. Every proof circomlib's verifier
accepts is accepted here (and an inclusion proof with ``is_old0`` = 1 too, which
circomlib refuses: ``is_old0`` does not matter for inclusion).

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import assert_smt_non_member
    >>> from circuits.native.smt import SparseMerkleTree
    >>> class NotRevoked(Circuit):
    ...     root: Public[Field]
    ...     key: Secret[Field]
    ...     siblings: Secret[Field, 8]
    ...     old_key: Secret[Field]
    ...     old_value: Secret[Field]
    ...     is_old0: Secret[Field]
    ...     def define(self, api):
    ...         assert_smt_non_member(api, self.root, list(self.siblings), self.key,
    ...                               self.old_key, self.old_value, self.is_old0)
    >>> revoked = SparseMerkleTree({101: 1, 205: 1, 317: 1})
    >>> p = revoked.prove(150).circuit_inputs(8)
    >>> cs = compile(NotRevoked)
    >>> w = cs.solve(NotRevoked(root=p["root"], key=150, siblings=p["siblings"],
    ...     old_key=p["old_key"], old_value=p["old_value"], is_old0=p["is_old0"]))
    >>> w.public == [revoked.root], cs.r1cs.is_satisfied(w.values())
    (True, True)
    >>> q = revoked.prove(205).circuit_inputs(8)   # 205 is revoked: no non-membership proof
    >>> cs.solve(NotRevoked(root=q["root"], key=205, siblings=q["siblings"],
    ...     old_key=q["old_key"], old_value=q["old_value"], is_old0=q["is_old0"]))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: smt/smt/root at ...
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..errors import CircuitTypeError
from ..var import Operand, Var
from .bits import to_bits_strict
from .poseidon import poseidon

__all__ = ["smt_verify", "assert_smt_member", "assert_smt_non_member"]


def _bool(api: API, x: Operand) -> Var:
    v = api.lift(x)
    return v if v.is_bool else api.as_bool(v)


def _insertion_levels(api: API, siblings: list[Var], enabled: Var) -> list[Var]:
    """One-hot: ``lev[i]`` = 1 at the depth of the leaf (below the last non-zero sibling).
    circomlib's ``SMTLevIns``; the deepest sibling must be 0 when enabled."""
    n = len(siblings)
    api.enforce(siblings[-1], enabled, 0, "smt/last_sibling_zero")
    if n == 1:
        return [api.constant(1)]
    nonzero = [1 - api.is_zero(s) for s in siblings[:-1]]
    lev: list[Var] = [api.constant(0)] * n
    lev[n - 1] = nonzero[n - 2]
    done = lev[n - 1]  # the leaf is deeper than the level being looked at
    for i in range(n - 2, 0, -1):
        lev[i] = api.mul(1 - done, nonzero[i - 1])
        done = done + lev[i]
    lev[0] = 1 - done
    return lev


def smt_verify(api: API, root: Operand, siblings: Sequence[Operand], key: Operand, value: Operand, *,
               fnc: Operand = 0, old_key: Operand = 0, old_value: Operand = 0, is_old0: Operand = 0,
               enabled: Operand = 1) -> None:
    """Constrain a (non-)membership proof of ``key`` in the sparse Merkle tree of ``root``
    (``siblings`` from the root down, zero-padded to the circuit's number of levels)."""
    if not siblings:
        raise CircuitTypeError("smt_verify: needs at least one sibling (level)")
    sibs = [api.lift(s) for s in siblings]
    en, f, is0 = _bool(api, enabled), _bool(api, fnc), _bool(api, is_old0)
    key_v, old_key_v = api.lift(key), api.lift(old_key)
    with api.scope("smt"):
        new_leaf = api.constant(0) if f.is_constant() and f.constant_value() == 1 else \
            poseidon(api, [key_v, value, 1])
        old_leaf = api.constant(0) if f.is_constant() and f.constant_value() == 0 else \
            poseidon(api, [old_key_v, old_value, 1])
        bits = to_bits_strict(api, key_v)
        lev = _insertion_levels(api, sibs, en)
        # the state machine of circomlib's SMTVerifierSM, top-down: above the leaf (top), at
        # it (inew: the key's leaf, iold: another key's leaf, i0: an empty slot), below (na)
        top: Var = en
        st_top, st_inew, st_iold = [], [], []
        for i in range(len(sibs)):
            here = api.mul(top, lev[i])
            here_excl = api.mul(here, f)
            iold = api.mul(here_excl, 1 - is0)
            st_top.append(top - here)
            st_inew.append(here - here_excl)
            st_iold.append(iold)
            top = top - here
        node: Var = api.constant(0)
        for i in range(len(sibs) - 1, -1, -1):
            left = api.select(bits[i], sibs[i], node)
            h = poseidon(api, [left, node + sibs[i] - left])
            node = api.mul(h, st_top[i]) + api.mul(old_leaf, st_iold[i]) + api.mul(new_leaf, st_inew[i])
        # excluding a key by showing its own leaf is no proof
        if not (f.is_constant() and f.constant_value() == 0):
            same = api.is_zero(key_v - old_key_v)
            api.enforce(api.mul(api.mul(f, 1 - is0), en), same, 0, "smt/old_key_differs")
        api.enforce(node - root, en, 0, "smt/root")


def assert_smt_member(api: API, root: Operand, siblings: Sequence[Operand], key: Operand, value: Operand, *,
                      enabled: Operand = 1) -> None:
    """``key`` holds ``value`` in the tree of ``root``."""
    smt_verify(api, root, siblings, key, value, fnc=0, enabled=enabled)


def assert_smt_non_member(api: API, root: Operand, siblings: Sequence[Operand], key: Operand, old_key: Operand,
                          old_value: Operand, is_old0: Operand, *, enabled: Operand = 1) -> None:
    """``key`` is not in the tree of ``root``; ``old_key``/``old_value``/``is_old0`` are from
    :meth:`SparseMerkleTree.prove` (``circuit_inputs``)."""
    smt_verify(api, root, siblings, key, 0, fnc=1, old_key=old_key, old_value=old_value, is_old0=is_old0,
               enabled=enabled)
