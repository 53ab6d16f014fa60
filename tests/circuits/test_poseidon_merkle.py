"""Poseidon and Merkle gadgets against their native twins and circomlibjs."""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import merkle_root, poseidon
from circuits.native import MerkleTree
from circuits.native import poseidon as poseidon_native
from circuits.native.poseidon import MAX_INPUTS, constants
from zkp.field import R

from ..conftest import ROOT, assert_internal_wires_bound, circomlibjs

# sha256 over every constant, t = 2..17, as 32-byte big-endian words (round constants, then
# the MDS matrix row by row): pins the generated parameters
CONSTANTS_DIGEST = "5243c148ce09f35ab26d165cebb81c7effd00e89f3c0ae46df35177bebee4135"


def _digest() -> str:
    h = hashlib.sha256()
    for t in range(2, MAX_INPUTS + 2):
        rc, mds = constants(t)
        for v in [*rc, *(x for row in mds for x in row)]:
            h.update(v.to_bytes(32, "big"))
    return h.hexdigest()


@pytest.mark.interop
def test_constants_equal_circomlibjs_file() -> None:
    path = ROOT / "node_modules" / "circomlibjs" / "src" / "poseidon_constants.json"
    if not path.is_file():
        pytest.fail("circomlibjs not installed (run `make test`)")
    ref = json.loads(path.read_text())
    for t in range(2, MAX_INPUTS + 2):
        rc, mds = constants(t)
        assert list(rc) == [int(x, 16) for x in ref["C"][t - 2]], t
        assert [list(r) for r in mds] == [[int(x, 16) for x in row] for row in ref["M"][t - 2]], t


def test_constants_digest_is_pinned() -> None:
    assert _digest() == CONSTANTS_DIGEST


@pytest.mark.interop
def test_native_equals_circomlibjs_for_1_to_16_inputs() -> None:
    rng = random.Random(5)
    cases = [[rng.randrange(R) for _ in range(n)] for n in range(1, MAX_INPUTS + 1)]
    cases += [[0], [R - 1, 0], [1, 2], list(range(16))]
    out = circomlibjs(
        "const p = await lib.buildPoseidon();\n"
        "console.log(JSON.stringify(input.map(xs => p.F.toString(p(xs.map(BigInt))))));",
        [[str(x) for x in xs] for xs in cases])
    assert [poseidon_native(xs) for xs in cases] == [int(v) for v in out]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 16])
def test_gadget_equals_native_and_counts(n: int) -> None:
    class H(Circuit):
        digest: Public[Field]
        xs: Secret[Field, n]

        def define(self, api: Any) -> None:
            api.assert_equal(poseidon(api, list(self.xs)), self.digest)

    cs = compile(H)
    t = n + 1
    from circuits.native.poseidon import PARTIAL_ROUNDS
    assert cs.r1cs.num_constraints == 3 * (8 * t + PARTIAL_ROUNDS[t - 2]) - 3  # the equality is absorbed
    rng = random.Random(n)
    xs = [rng.randrange(R) for _ in range(n)]
    w = cs.solve(H(digest=poseidon_native(xs), xs=xs))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(H(digest=(poseidon_native(xs) + 1) % R, xs=xs))
    if n <= 2:
        assert assert_internal_wires_bound(cs, w) > 0


def test_poseidon_refuses_bad_arity_and_values() -> None:
    for bad in ([], list(range(17))):
        with pytest.raises(CircuitTypeError):
            poseidon_native(bad)
    for bad in ([R], [-1], [True], [1.0]):
        with pytest.raises(CircuitTypeError):
            poseidon_native(bad)  # type: ignore[list-item]


# ---------------------------------------------------------------- Merkle

def test_native_tree_incremental_equals_bulk_and_proofs_verify() -> None:
    rng = random.Random(9)
    leaves = [rng.randrange(R) for _ in range(13)]
    bulk = MerkleTree(5, leaves)
    inc = MerkleTree(5)
    for v in leaves:
        inc.append(v)
    assert bulk.root == inc.root and len(bulk) == 13
    for i in range(13):
        p = bulk.proof(i)
        assert p.verify() and p.leaf == leaves[i]
    bulk.update(4, 7)
    inc.update(4, 7)
    assert bulk.root == inc.root and not MerkleTree(5, leaves).proof(4).root == bulk.root
    empty = MerkleTree(3)
    assert empty.root == empty.zeros[3]


def test_native_tree_errors() -> None:
    for depth in (0, 33, True, 2.0):
        with pytest.raises(CircuitTypeError):
            MerkleTree(depth)  # type: ignore[arg-type]
    t = MerkleTree(2, [1, 2, 3, 4])
    with pytest.raises(CircuitTypeError, match="full"):
        t.append(5)
    for i in (-1, 4, True):
        with pytest.raises(CircuitTypeError):
            t.proof(i)  # type: ignore[arg-type]
    with pytest.raises(CircuitTypeError):
        MerkleTree(2, [R])
    with pytest.raises(CircuitTypeError):
        MerkleTree(1, [1, 2, 3])


@pytest.mark.interop
def test_tree_root_equals_circomlibjs_poseidon_chain() -> None:
    """The same tree hashed level by level with circomlibjs's Poseidon."""
    leaves = [3, 1, 4, 1, 5]
    out = circomlibjs(
        "const p = await lib.buildPoseidon();\n"
        "let level = input.leaves.map(BigInt), zero = 0n;\n"
        "for (let d = 0; d < input.depth; d++) {\n"
        "  if (level.length % 2) level.push(zero);\n"
        "  const next = [];\n"
        "  for (let i = 0; i < level.length; i += 2) next.push(p.F.toObject(p([level[i], level[i + 1]])));\n"
        "  level = next; zero = p.F.toObject(p([zero, zero]));\n"
        "}\n"
        "console.log(JSON.stringify(level[0].toString()));",
        {"leaves": leaves, "depth": 6})
    assert MerkleTree(6, leaves).root == int(out)


def _member(depth: int) -> type:
    class Member(Circuit):
        root: Public[Field]
        leaf: Secret[Field]
        path: Secret[Bool, depth]
        siblings: Secret[Field, depth]

        def define(self, api: Any) -> None:
            api.assert_equal(merkle_root(api, self.leaf, self.path, self.siblings), self.root)

    return Member


def test_membership_gadget_sound_and_complete() -> None:
    depth = 3
    Member = _member(depth)
    cs = compile(Member)
    assert cs.r1cs.num_constraints == depth * (240 + 1 + 1)  # Poseidon, select, path bit
    tree = MerkleTree(depth, [10, 20, 30, 40, 50])
    for i in range(5):
        p = tree.proof(i)
        w = cs.solve(Member(root=tree.root, leaf=p.leaf, path=list(p.path_bits), siblings=list(p.siblings)))
    assert assert_internal_wires_bound(cs, w) > 0
    p = tree.proof(2)
    bad = [
        dict(leaf=31), dict(path=[1, 0, 0]), dict(siblings=[p.siblings[0] + 1, *p.siblings[1:]]),
        dict(root=tree.root + 1),
    ]
    for change in bad:
        args = dict(root=tree.root, leaf=p.leaf, path=list(p.path_bits), siblings=list(p.siblings))
        args.update(change)  # type: ignore[arg-type]
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(Member(**args))


def test_membership_with_untyped_bits_constrains_them() -> None:
    class M(Circuit):
        root: Public[Field]
        leaf: Secret[Field]
        path: Secret[Field, 2]
        siblings: Secret[Field, 2]

        def define(self, api: Any) -> None:
            api.assert_equal(merkle_root(api, self.leaf, list(self.path), list(self.siblings)), self.root)

    cs = compile(M)
    tree = MerkleTree(2, [1, 2, 3])
    p = tree.proof(1)
    cs.solve(M(root=tree.root, leaf=2, path=list(p.path_bits), siblings=list(p.siblings)))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(M(root=tree.root, leaf=2, path=[2, 0], siblings=list(p.siblings)))
