"""The issuer's revocation tree in SQLite equals circuits.native.SparseMerkleTree (roots and
proofs after the same insertions), survives reopening, and a failed revocation leaves the
committed tree and table as they were."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from circuits.native import SparseMerkleTree
from zkmpc.credentials import NEVER, Issuer
from zkmpc.credentials.revocation import RevocationTree
from zkmpc.errors import UnknownClaimError


def _db(path: Path | str = ":memory:") -> sqlite3.Connection:
    return sqlite3.connect(str(path), isolation_level=None)


def test_roots_and_proofs_equal_the_native_tree(rng: random.Random) -> None:
    base = rng.getrandbits(40)
    keys = [rng.getrandbits(64) for _ in range(60)]
    keys += [base, base + 2**40, base + 2**63, base + 2**40 + 2**63, 0, 1, 2**64 - 1]  # long shared prefixes
    tree, native = RevocationTree(_db()), SparseMerkleTree()
    for k in keys:
        assert tree.insert(k) == native.insert(k, 1)
    probes = keys[::5] + [rng.getrandbits(64) for _ in range(20)] + [base + 2**41, 2, 2**64 - 2]
    for k in probes:
        mine, theirs = tree.prove(k), native.prove(k)
        assert mine == theirs, k
        assert mine.verify()
    with pytest.raises(UnknownClaimError):
        tree.insert(keys[3])


def test_the_tree_reopens_without_rebuilding(tmp_path: Path, rng: random.Random) -> None:
    path = tmp_path / "rev.db"
    tree = RevocationTree(_db(path))
    keys = [rng.getrandbits(64) for _ in range(30)]
    for k in keys:
        tree.insert(k)
    again = RevocationTree(_db(path))
    assert again.root == tree.root == SparseMerkleTree({k: 1 for k in keys}).root
    assert again.prove(keys[7]).found and not again.prove(keys[7] ^ 1).found


def test_a_failed_revocation_changes_nothing(tmp_path: Path, rng: random.Random,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "issuer.db"
    issuer = Issuer(path, rng=rng)
    a, b = (issuer.issue(1, 2, slots=[3], expiration=NEVER, rng=rng) for _ in range(2))
    issuer.revoke(a.claim.nonce)
    root, state = issuer.revocation_root, issuer.state

    def boom(self: RevocationTree, left: int, right: int) -> int:
        raise RuntimeError("killed in the middle of the path")

    monkeypatch.setattr(RevocationTree, "_node", boom)
    with pytest.raises(RuntimeError):
        issuer.revoke(b.claim.nonce)
    monkeypatch.undo()
    assert (issuer.revocation_root, issuer.state) == (root, state)
    assert not issuer.is_revoked(b.claim.nonce) and issuer.is_revoked(a.claim.nonce)
    reopened = Issuer(path)
    assert reopened.revocation_root == root and not reopened.is_revoked(b.claim.nonce)
    reopened.revoke(b.claim.nonce)
    assert reopened.revocation_root == SparseMerkleTree({a.claim.nonce: 1, b.claim.nonce: 1}).root


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
