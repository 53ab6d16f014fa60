"""Groups and the LeanIMT: the same roots and proofs as ``@semaphore-protocol/group`` over
random operation sequences, the export format both ways, SQLite storage (blocks, batches,
a process killed in the middle of a batch), refusals."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from circuits.native.lean_imt import LeanIMT, depth_for, level_size
from circuits.native.poseidon import poseidon
from zkmpc.errors import GroupError, GroupStorageError
from zkmpc.identity import Group, SQLiteStorage
from zkmpc.identity import storage as storage_mod

from ..conftest import ROOT
from .test_identity import semaphore_js

Op = dict[str, Any]

REPLAY_JS = """
const results = input.map((ops) => {
  const g = new Group();
  const trace = [];
  for (const op of ops) {
    if (op.op === 'add') g.addMember(BigInt(op.m));
    else if (op.op === 'addMany') g.addMembers(op.ms.map(BigInt));
    else if (op.op === 'update') g.updateMember(op.i, BigInt(op.m));
    else if (op.op === 'remove') g.removeMember(op.i);
    const proofs = op.proofs.map((i) => { const p = g.generateMerkleProof(i);
      return [p.root, p.leaf, p.index, p.siblings]; });
    trace.push([g.root, g.depth, g.size, proofs]);
  }
  return [trace, g.export()];
});
out(results);
"""


def _random_ops(r: random.Random, start: int) -> list[Op]:
    """A sequence that starts with ``start`` members (0, 1, 2 or more) and mixes adds,
    batch adds, updates and removals (of members not yet removed), with proofs of some
    indices after each step."""
    ops: list[Op] = []
    live: list[int] = []
    size = 0

    def member() -> str:
        return str(r.randrange(1, 1 << 253))

    if start:
        ops.append({"op": "addMany", "ms": [member() for _ in range(start)]})
        size, live = start, list(range(start))
    for _ in range(r.randrange(3, 14)):
        kind = r.choice(["add", "addMany", "update", "remove"] if live else ["add", "addMany"])
        if kind == "add":
            ops.append({"op": "add", "m": member()})
            live.append(size)
            size += 1
        elif kind == "addMany":
            k = r.choice([1, 2, 3, 5, 8, 17])
            ops.append({"op": "addMany", "ms": [member() for _ in range(k)]})
            live.extend(range(size, size + k))
            size += k
        elif kind == "update":
            ops.append({"op": "update", "i": r.choice(live), "m": member()})
        else:
            i = r.choice(live)
            live.remove(i)
            ops.append({"op": "remove", "i": i})
    for op in ops:
        op["proofs"] = []
    # proofs after each op: a few indices that exist at that point
    n = 0
    for op in ops:
        n += {"add": 1, "addMany": len(op.get("ms", []))}.get(op["op"], 0)
        op["proofs"] = sorted({r.randrange(n) for _ in range(3)} | {n - 1}) if n else []
    return ops


def _apply(group: Group, op: Op) -> None:
    if op["op"] == "add":
        group.add_member(int(op["m"]))
    elif op["op"] == "addMany":
        group.add_members([int(m) for m in op["ms"]])
    elif op["op"] == "update":
        group.update_member(op["i"], int(op["m"]))
    else:
        group.remove_member(op["i"])


def _ours(group: Group, op: Op) -> list[Any]:
    proofs = []
    for i in op["proofs"]:
        p = group.proof(i)
        proofs.append([str(p.root), str(p.leaf), p.index, [str(s) for s in p.siblings]])
    return [str(group.root), group.depth, group.size, proofs]


@pytest.fixture(scope="module")
def sequences() -> list[list[Op]]:
    r = random.Random(24)
    return [_random_ops(r, start) for start in [0, 1, 2, 3, 4, 7, 8, 9, 31, 33] * 10]


@pytest.mark.interop
def test_roots_and_proofs_equal_semaphore_over_random_sequences(sequences: list[list[Op]]) -> None:
    theirs = semaphore_js(REPLAY_JS, sequences)
    short = 0
    for ops, (trace, exported) in zip(sequences, theirs):
        group = Group()
        for op, want in zip(ops, trace):
            _apply(group, op)
            assert _ours(group, op) == want, op
            short += sum(len(p[3]) < group.depth for p in want[3])
        assert group.dump() == exported
        assert Group.load(exported).root == group.root
    assert short > 50  # proofs shorter than the depth were compared


@pytest.mark.interop
def test_semaphore_imports_our_exports(sequences: list[list[Op]]) -> None:
    exports, roots = [], []
    for ops in sequences[:30]:
        g = Group()
        for op in ops:
            _apply(g, op)
        exports.append(g.dump())
        roots.append(str(g.root))
    assert semaphore_js("out(input.map((e) => Group.import(e).root));", exports) == roots


def test_edge_sizes_follow_the_rules() -> None:
    assert Group().root == 0 and Group().depth == 0 and Group().dump() == "[[]]"
    one = Group([5])
    assert (one.root, one.depth, one.proof(0).siblings, one.proof(0).index) == (5, 0, (), 0)
    two = Group([5, 6])
    assert two.root == poseidon([5, 6]) and two.proof(1).siblings == (5,) and two.proof(1).index == 1
    three = Group([5, 6, 7])
    assert three.root == poseidon([poseidon([5, 6]), 7])  # the lone 7 is copied up
    assert three.proof(2).siblings == (poseidon([5, 6]),) and three.proof(2).index == 1
    three.remove_member(2)
    assert three.root == poseidon([poseidon([5, 6]), 0])


def test_tree_shape_and_batches_equal_single_adds() -> None:
    r = random.Random(7)
    values = [r.randrange(1, 1 << 250) for _ in range(300)]
    one_by_one = LeanIMT()
    for v in values:
        one_by_one.insert(v)
    for cut in (0, 1, 2, 127, 128, 129, 299):
        batched = LeanIMT(values[:cut])
        batched.insert_many(values[cut:])
        assert batched.export_levels() == one_by_one.export_levels()
    levels = one_by_one.export_levels()
    assert [len(row) for row in levels] == [level_size(300, k) for k in range(depth_for(300) + 1)]
    assert all(one_by_one.proof(i).verify() for i in range(0, 300, 13))


def test_refusals_name_what_was_expected() -> None:
    g = Group([1, 2, 3])
    for bad in (0, -1, 1 << 254, True, "5"):
        with pytest.raises(GroupError, match="expected"):
            g.add_member(bad)  # type: ignore[arg-type]
    with pytest.raises(GroupError):
        g.add_members([4, 0])
    assert g.size == 3  # the batch was refused before any write
    for bad_index in (-1, 3, True):
        with pytest.raises(GroupError, match="expected a member index"):
            g.proof(bad_index)
    g.remove_member(1)
    with pytest.raises(GroupError, match="already removed"):
        g.remove_member(1)
    with pytest.raises(GroupError, match="removed"):
        g.update_member(1, 9)
    with pytest.raises(GroupError):
        g.update_member(0, 0)


@pytest.mark.parametrize("text", ["", "[]", "{}", "[[1]]", '[["01"]]', '[["1","2"]]', '[["1","2"],["3"]]',
                                  '[["1"],["1"]]', '[["-1"]]', '[["1.5"]]', "[" * 100 + "]" * 100,
                                  '[["21888242871839275222246405745257275088548364400416034343698204186575808495617"]]'])
def test_malformed_or_inconsistent_exports_are_refused(text: str) -> None:
    with pytest.raises(GroupError, match="expected"):
        Group.load(text)


# ------------------------------------------------------------------ SQLite storage


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 4 nodes, flushed every 3 dirty blocks: every boundary is crossed."""
    monkeypatch.setattr(storage_mod, "BLOCK", 4)
    monkeypatch.setattr(storage_mod, "_FLUSH_BLOCKS", 3)


@pytest.mark.usefixtures("small_blocks")
def test_sqlite_groups_equal_memory_groups_and_reopen(tmp_path: Path, sequences: list[list[Op]]) -> None:
    path = tmp_path / "groups.db"
    for k, ops in enumerate(sequences[:40]):
        mem = Group()
        with SQLiteStorage(path, f"g{k}") as store:
            disk = Group(storage=store)
            for op in ops:
                _apply(mem, op)
                _apply(disk, op)
                assert _ours(disk, op) == _ours(mem, op)
        with SQLiteStorage(path, f"g{k}") as store:
            again = Group(storage=store)
            assert again.dump() == mem.dump()
            live = [m for m in mem.members() if m]
            if live:
                assert mem.members()[again.index_of(live[-1]) or 0] == live[-1]


@pytest.mark.usefixtures("small_blocks")
def test_load_into_sqlite_and_refuse_a_non_empty_store(tmp_path: Path) -> None:
    g = Group(range(1, 40))
    with SQLiteStorage(tmp_path / "x.db", "copy") as store:
        assert Group.load(g.dump(), storage=store).root == g.root
        with pytest.raises(GroupError, match="empty storage"):
            Group.load(g.dump(), storage=store)


def test_other_files_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(GroupStorageError, match="expected a zkmpc group database"):
        SQLiteStorage(junk)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'zkmpc-group'), ('version', '99')")
    with pytest.raises(GroupStorageError, match="version '99'"):
        SQLiteStorage(other)
    with pytest.raises(GroupStorageError, match="group name"):
        SQLiteStorage(tmp_path / "ok.db", "")
    with SQLiteStorage(tmp_path / "ok.db") as store, pytest.raises(GroupStorageError, match="inside transaction"):
        store.write(0, 0, bytes(32))


_CHILD = """
import sys
import zkmpc.identity.storage as st
from zkmpc.identity import Group, SQLiteStorage
st._FLUSH_BLOCKS = 64   # dirty blocks go into the open transaction often: the log grows all along
store = SQLiteStorage(sys.argv[1], "city")
group = Group(storage=store)
group.add_members(range(1, 1001))
print(group.root, flush=True)
group.add_members(range(1001, 1001 + int(sys.argv[2])))   # killed in here
print("finished", flush=True)
"""


def test_a_process_killed_in_a_batch_leaves_the_last_committed_root(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(db), "1000000"], stdout=subprocess.PIPE,
                             text=True, env=env)
    assert child.stdout is not None
    committed = int(child.stdout.readline())
    wal = Path(str(db) + "-wal")
    deadline = time.monotonic() + 120
    while (not wal.exists() or wal.stat().st_size < 2_000_000) and time.monotonic() < deadline:
        time.sleep(0.02)  # the batch is being written into the log
    assert child.poll() is None, "the batch finished before it could be killed: make it larger"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    with SQLiteStorage(db, "city") as store:
        group = Group(storage=store)
        assert (group.root, group.size) == (committed, 1000)
        assert group.root == Group(range(1, 1001)).root
        group.add_members([5000, 5001])  # and it goes on from there
        assert group.root == Group([*range(1, 1001), 5000, 5001]).root
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.interop
def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import groups

    assert groups.main(["--members", "3000", "--big", "2500", "--reads", "50", "--js-members", "500",
                        "--prove-runs", "1", "--no-dask"]) == 0
    out = capsys.readouterr().out
    for figure in ("SQLite (persisted)", "proof read median", "Semaphore (node", "big group", "constraints 6,369",
                   "prove"):
        assert figure in out, figure


def test_a_reader_sees_each_commit_of_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    with SQLiteStorage(path, "g") as w_store, SQLiteStorage(path, "g") as r_store:
        writer, reader = Group(storage=w_store), Group(storage=r_store)
        assert reader.root == 0
        writer.add_members([1, 2, 3])
        assert (reader.size, reader.root, reader.proof(2)) == (3, writer.root, writer.proof(2))
        writer.remove_member(0)
        assert reader.members() == [0, 2, 3] and reader.index_of(3) == 2
        assert Group.load(reader.dump()).root == writer.root


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
