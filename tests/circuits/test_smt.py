"""Sparse Merkle trees: the native tree against circomlibjs's smt.js, the circuit against
the native proofs (membership, non-membership, forgeries), soundness of the witness."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest

from circuits import Circuit, Field, Secret, TreeKeyError, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import assert_smt_member, assert_smt_non_member, smt_verify
from circuits.native.smt import SMTProof, SparseMerkleTree
from zkp.field import R

from ..conftest import circomlibjs, unbound_wires

LEVELS = 12


class Verify(Circuit):
    """circomlib's SMTVerifier inputs, every one a signal."""

    enabled: Secret[Field]
    fnc: Secret[Field]
    root: Secret[Field]
    siblings: Secret[Field, LEVELS]
    old_key: Secret[Field]
    old_value: Secret[Field]
    is_old0: Secret[Field]
    key: Secret[Field]
    value: Secret[Field]

    def define(self, api: Any) -> None:
        smt_verify(api, self.root, list(self.siblings), self.key, self.value, fnc=self.fnc, old_key=self.old_key,
                   old_value=self.old_value, is_old0=self.is_old0, enabled=self.enabled)


class Member(Circuit):
    root: Secret[Field]
    siblings: Secret[Field, LEVELS]
    key: Secret[Field]
    value: Secret[Field]

    def define(self, api: Any) -> None:
        assert_smt_member(api, self.root, list(self.siblings), self.key, self.value)


class NonMember(Circuit):
    root: Secret[Field]
    siblings: Secret[Field, LEVELS]
    key: Secret[Field]
    old_key: Secret[Field]
    old_value: Secret[Field]
    is_old0: Secret[Field]

    def define(self, api: Any) -> None:
        assert_smt_non_member(api, self.root, list(self.siblings), self.key, self.old_key, self.old_value,
                              self.is_old0)


@pytest.fixture(scope="module")
def circuits_() -> dict[str, Any]:
    return {"verify": compile(Verify), "member": compile(Member), "non_member": compile(NonMember)}


def _random_ops(rng: random.Random, n: int) -> list[list[int | str]]:
    ops: list[list[int | str]] = []
    keys: list[int] = []
    while len(ops) < n:
        if keys and rng.random() < 0.3:
            k = rng.choice(keys)
            if rng.random() < 0.5:
                ops.append(["del", k])
                keys.remove(k)
            else:
                ops.append(["upd", k, rng.randrange(R)])
            continue
        # small keys share long prefixes of low bits; big ones spread out
        k = rng.choice([rng.randrange(64), rng.randrange(R), (rng.randrange(1 << 12) << 200) | 5])
        if k not in keys:
            keys.append(k)
            ops.append(["ins", k, rng.randrange(1000)])
    return ops


def _apply(tree: SparseMerkleTree, op: list[Any]) -> None:
    if op[0] == "ins":
        tree.insert(op[1], op[2])
    elif op[0] == "upd":
        tree.update(op[1], op[2])
    else:
        tree.delete(op[1])


_JS = r'''
const smt = await lib.newMemEmptyTrie(); const F = smt.F; const roots = [];
for (const op of input.ops) {
  if (op[0] == "ins") await smt.insert(BigInt(op[1]), BigInt(op[2]));
  else if (op[0] == "upd") await smt.update(BigInt(op[1]), BigInt(op[2]));
  else await smt.delete(BigInt(op[1]));
  roots.push(F.toObject(smt.root).toString());
}
const finds = [];
for (const q of input.queries) {
  const r = await smt.find(BigInt(q));
  finds.push({found: r.found, siblings: r.siblings.map(s => F.toObject(s).toString()), isOld0: r.isOld0,
    value: r.found ? F.toObject(r.foundValue).toString() : "0",
    oldKey: r.found ? "0" : F.toObject(r.notFoundKey).toString(),
    oldValue: r.found ? "0" : F.toObject(r.notFoundValue).toString()});
}
console.log(JSON.stringify({roots, finds}));
'''


@pytest.mark.interop
def test_roots_and_proofs_equal_circomlibjs(circuits_: dict[str, Any]) -> None:
    rng = random.Random(5)
    ops = _random_ops(rng, 80)
    tree = SparseMerkleTree()
    for op in ops:
        _apply(tree, op)
    queries = list(tree)[:6] + [rng.randrange(64) for _ in range(10)]
    out = circomlibjs(_JS, {"ops": [[str(x) for x in op] for op in ops], "queries": [str(q) for q in queries]})
    replay = SparseMerkleTree()
    for op, root in zip(ops, out["roots"]):
        _apply(replay, op)
        assert replay.root == int(root), op
    kinds = set()
    for q, f in zip(queries, out["finds"]):
        p = tree.prove(q)
        assert (p.found, p.siblings) == (f["found"], tuple(int(s) for s in f["siblings"]))
        assert (p.value, p.old_key if not p.found else 0, p.old_value) == \
            (int(f["value"]), int(f["oldKey"]), int(f["oldValue"]))
        if not p.found:
            assert p.is_old0 == f["isOld0"]
        kinds.add((p.found, p.is_old0))
        # circomlibjs's find, as its users pass it to SMTVerifier, verifies in our circuit
        js = SMTProof(tree.root, q, int(f["value"]), f["found"], tuple(int(s) for s in f["siblings"]),
                      int(f["oldKey"]) if not f["found"] else 0, int(f["oldValue"]), bool(f["isOld0"]))
        if js.depth < LEVELS:
            circuits_["verify"].solve(Verify(enabled=1, **js.circuit_inputs(LEVELS)))
    assert kinds == {(True, False), (False, True), (False, False)}


def _tree(seed: int, n: int = 20) -> SparseMerkleTree:
    rng = random.Random(seed)
    return SparseMerkleTree({rng.randrange(1 << 16): rng.randrange(R) for _ in range(n)})


def _solve(cs: Any, cls: type, **kw: Any) -> bool:
    try:
        cs.solve(cls(**kw))
        return True
    except UnsatisfiedConstraintError:
        return False


def _generic(p: SMTProof, enabled: int = 1) -> dict[str, Any]:
    return dict(enabled=enabled, **p.circuit_inputs(LEVELS))


def test_member_and_non_member_proofs_hold_in_circuit(circuits_: dict[str, Any]) -> None:
    tree = _tree(1)
    for key in list(tree)[:4]:
        p = tree.prove(key)
        inp = p.circuit_inputs(LEVELS)
        assert p.verify()
        assert _solve(circuits_["verify"], Verify, **_generic(p))
        assert _solve(circuits_["member"], Member, root=inp["root"], siblings=inp["siblings"], key=key,
                      value=p.value)
        # a wrong value, or claiming the key absent by showing its own leaf, fails
        assert not _solve(circuits_["member"], Member, root=inp["root"], siblings=inp["siblings"], key=key,
                          value=(p.value + 1) % R)
        assert not _solve(circuits_["non_member"], NonMember, root=inp["root"], siblings=inp["siblings"], key=key,
                          old_key=key, old_value=p.value, is_old0=0)
        assert not _solve(circuits_["verify"], Verify, **{**_generic(p), "fnc": 1, "old_key": key,
                                                          "old_value": p.value})
    seen = set()
    for key in range(1 << 16, (1 << 16) + 16):
        p = tree.prove(key)
        assert not p.found and p.verify()
        seen.add(p.is_old0)
        inp = p.circuit_inputs(LEVELS)
        assert _solve(circuits_["verify"], Verify, **_generic(p))
        assert _solve(circuits_["non_member"], NonMember, root=inp["root"], siblings=inp["siblings"], key=key,
                      old_key=p.old_key, old_value=p.old_value, is_old0=int(p.is_old0))
        # the same path claimed as membership fails
        assert not _solve(circuits_["member"], Member, root=inp["root"], siblings=inp["siblings"], key=key, value=0)
    assert seen == {True, False}


def test_empty_and_single_leaf_trees(circuits_: dict[str, Any]) -> None:
    empty = SparseMerkleTree()
    p = empty.prove(7)
    assert (empty.root, p.is_old0, p.siblings) == (0, True, ())
    assert _solve(circuits_["verify"], Verify, **_generic(p))
    one = SparseMerkleTree({7: 70})
    for p in (one.prove(7), one.prove(8)):
        assert p.depth == 0 and p.verify()
        assert _solve(circuits_["verify"], Verify, **_generic(p))


def test_native_verify_agrees_with_circuit_on_mutated_proofs(circuits_: dict[str, Any]) -> None:
    tree = _tree(2)
    rng = random.Random(9)
    agree = accepted = 0
    fields = ["root", "key", "value", "old_key", "old_value", "is_old0", "found", "siblings"]
    for i in range(60):
        p = tree.prove(rng.choice([rng.choice(list(tree)), rng.randrange(1 << 16)]))
        assert p.depth < LEVELS - 1
        name = rng.choice(fields)
        if name in ("is_old0", "found"):
            q = dataclasses.replace(p, **{name: not getattr(p, name)})
        elif name == "siblings":
            sibs = list(p.siblings) + [0] * (p.depth < LEVELS - 1)
            j = rng.randrange(len(sibs))
            sibs[j] = rng.choice([0, 1, sibs[j] + 1])
            q = dataclasses.replace(p, siblings=tuple(sibs))
        else:
            q = dataclasses.replace(p, **{name: rng.choice([0, getattr(p, name) + 1, p.key])})
        native = q.verify()
        circuit = _solve(circuits_["verify"], Verify, **_generic(q))
        assert native == circuit, (i, name, p, q)
        agree += 1
        accepted += native
    assert agree == 60 and 0 < accepted < 60  # some mutations are harmless (e.g. is_old0 on a member)


def test_disabled_check_accepts_anything(circuits_: dict[str, Any]) -> None:
    rng = random.Random(3)
    for _ in range(5):
        junk = dict(enabled=0, fnc=rng.randrange(2), root=rng.randrange(R),
                    siblings=[rng.randrange(R) for _ in range(LEVELS)], old_key=3, old_value=rng.randrange(R),
                    is_old0=rng.randrange(2), key=3, value=rng.randrange(R))
        assert _solve(circuits_["verify"], Verify, **junk)
        assert not _solve(circuits_["verify"], Verify, **{**junk, "enabled": 1})
    p = _tree(4).prove(5)
    for name in ("enabled", "fnc", "is_old0"):  # flags are 0/1, not any field element
        assert not _solve(circuits_["verify"], Verify, **{**_generic(p), name: 2})


def test_deepest_sibling_must_be_zero(circuits_: dict[str, Any]) -> None:
    tree = _tree(6)
    key = next(iter(tree))
    inp = tree.prove(key).circuit_inputs(LEVELS)
    inp["siblings"][-1] = 1
    assert not _solve(circuits_["verify"], Verify, enabled=1, **inp)
    deep = SparseMerkleTree({0: 1, 1 << 13: 2})  # keys share 13 low bits: depth 14
    with pytest.raises(CircuitTypeError, match="depth 14 needs at least 15 levels"):
        deep.prove(0).circuit_inputs(LEVELS)


def test_every_internal_wire_is_bound(circuits_: dict[str, Any]) -> None:
    """Only the inverse wire of ``is_zero`` on a zero input is free (documented): one per
    zero sibling above the deepest, plus key - old_key when they are equal (is_old0)."""
    tree = _tree(7)
    cs = circuits_["verify"]
    for key in (next(iter(tree)), 1 << 17, 1 << 18):
        p = tree.prove(key)
        inp = p.circuit_inputs(LEVELS)
        w = cs.solve(Verify(enabled=1, **inp))
        expected = sum(1 for s in inp["siblings"][:-1] if s == 0) + int(inp["key"] == inp["old_key"])
        assert len(unbound_wires(cs, w)) == expected, p


def test_native_tree_errors_and_bookkeeping() -> None:
    tree = SparseMerkleTree({1: 10})
    with pytest.raises(TreeKeyError, match="already"):
        tree.insert(1, 11)
    with pytest.raises(TreeKeyError, match="not in the tree"):
        tree.update(2, 1)
    with pytest.raises(TreeKeyError, match="not in the tree"):
        tree.delete(2)
    with pytest.raises(TreeKeyError):
        tree[2]
    for bad in (R, -1, True, 1.0, "1"):
        with pytest.raises(CircuitTypeError):
            tree.insert(bad, 1)  # type: ignore[arg-type]
        with pytest.raises(CircuitTypeError):
            tree.prove(bad)  # type: ignore[arg-type]
    assert isinstance(TreeKeyError("x"), ValueError)
    root1 = tree.root
    tree[2] = 20
    tree[2] = 21
    assert tree.update(2, 21) == tree.root  # same value: unchanged
    tree.delete(2)
    assert tree.root == root1 and len(tree) == 1 and dict(tree.items()) == {1: 10}
    assert "keys=1" in repr(tree)
    # nodes replaced by updates and deletes are dropped: the store stays proportional
    big = SparseMerkleTree({k: k for k in range(200)})
    for k in range(0, 200, 2):
        big.delete(k)
    for k in range(1, 200, 2):
        big.update(k, k + 1)
    assert len(big._internal) < 2 * len(big) and len(big._leaves) == len(big)
    assert big.root == SparseMerkleTree({k: k + 1 for k in range(1, 200, 2)}).root
