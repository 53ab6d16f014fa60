"""Groups and membership proofs: zkmpc's registry (LeanIMT in SQLite) and Semaphore v4
circuit beside ``@semaphore-protocol/group`` (pinned in package-lock.json), in one run.

    python -m benchmarks.groups [--members 1000000] [--big 0] [--reads 1000]
                                [--js-members 100000] [--prove-runs 20] [--one-shot-runs 3]
                                [--dask-proofs 32] [--dask-chunk 4] [--no-js] [--no-dask]
                                [--only-proofs]

Each measurement runs in its own process (peak memory is that process's high-water mark,
``VmHWM``, or node's ``maxRSS``):

- registry: ``--members`` random commitments added to a SQLite group in one batch (one
  transaction) and persisted; the same batch into the in-memory tree; Semaphore's
  ``Group.addMembers`` in node (in memory; it has no storage) with ``--js-members``;
- reads: the group reopened, ``--reads`` Merkle proofs of random members (median, p99),
  beside Semaphore's ``generateMerkleProof`` on its group;
- ``--big`` (e.g. 10,000,000; 0 skips it): a group built in batches of 10^6 (one
  transaction each), reopened, proofs read; time, disk, peak memory;
- the membership proof at depth 20: constraints (Semaphore v4: 6,431 with circom --O2),
  prove time in process with a ``semaphore.Prover`` (key prepared once, tables on; median
  of ``--prove-runs`` after one warm-up, wall and CPU, a new member, message and scope each
  time), the one-shot ``generate_proof`` with the plain key, verify time, the one-time
  compile and preparation, peak memory; Semaphore's own path as the issue measured it on
  this machine (snarkjs fullprove 1.53 s as a command, 0.87 s in a warm node process) is
  quoted, not re-run (its artifacts are downloaded);
- ``--dask-proofs`` proofs in one process (a Prover, the kernels on 2 threads) and on a
  Dask ``LocalCluster`` of 2 workers with one kernel thread each (2 cores either way):
  throughput and ratio. Excluded from both, and printed: the warm-up (compile, key
  preparation and one proof in the process; cluster start, the key sent once and prepared
  on each worker with two proofs for Dask).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
SEMAPHORE_CONSTRAINTS = 6431
SEMAPHORE_FULLPROVE_COMMAND_S = 1.53
SEMAPHORE_FULLPROVE_WARM_S = 0.87
TARGETS = {"add_1e6_s": 60.0, "proof_read_ms": 1.0, "big_peak_mb": 1024.0, "prove_ms": 150.0}

_JS = r"""
const { createRequire } = require('module');
const req = createRequire(process.argv[1] + '/package.json');
const { Group } = req('@semaphore-protocol/group');
const crypto = require('crypto');
const n = Number(process.argv[2]), reads = Number(process.argv[3]);
const members = Array.from({length: n}, () => BigInt('0x' + crypto.randomBytes(31).toString('hex')) + 1n);
let t0 = process.hrtime.bigint();
const g = new Group();
g.addMembers(members);
const add = Number(process.hrtime.bigint() - t0) / 1e9;
const times = [];
for (let k = 0; k < reads; k++) {
  const i = Math.floor(Math.random() * n);
  t0 = process.hrtime.bigint();
  g.generateMerkleProof(i);
  times.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({add_s: add, read_median_ms: times[times.length >> 1],
  read_p99_ms: times[Math.floor(times.length * 0.99)], peak_mb: process.resourceUsage().maxRSS / 1024}));
"""


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _members(n: int, seed: int) -> list[int]:
    r = random.Random(seed)
    return [r.getrandbits(248) + 1 for _ in range(n)]


def _disk(path: str) -> int:
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


# ------------------------------------------------------------------ child processes


def child_build(path: str, n: int, batch: int) -> dict[str, Any]:
    from zkmpc.identity import Group, SQLiteStorage

    total = cpu = 0.0
    with SQLiteStorage(path, "bench") as store:
        group = Group(storage=store)
        for start in range(0, n, batch):
            members = _members(min(batch, n - start), start)
            t0, c0 = time.perf_counter(), time.process_time()
            group.add_members(members)
            total += time.perf_counter() - t0
            cpu += time.process_time() - c0
        root = group.root
    return {"add_s": total, "cpu_s": cpu, "disk_bytes": _disk(path), "peak_mb": peak_mb(), "root": str(root)}


def child_memory(n: int) -> dict[str, Any]:
    from zkmpc.identity import Group

    members = _members(n, 0)
    t0 = time.perf_counter()
    group = Group(members)
    return {"add_s": time.perf_counter() - t0, "peak_mb": peak_mb(), "root": str(group.root)}


def child_reads(path: str, reads: int) -> dict[str, Any]:
    from zkmpc.identity import Group, SQLiteStorage

    t0 = time.perf_counter()
    store = SQLiteStorage(path, "bench")
    group = Group(storage=store)
    size, root = group.size, group.root
    reopen = time.perf_counter() - t0
    r = random.Random(1)
    times = []
    for _ in range(reads):
        i = r.randrange(size)
        t0 = time.perf_counter()
        proof = group.proof(i)
        times.append((time.perf_counter() - t0) * 1e3)
        assert proof.root == root
    assert proof.verify()
    times.sort()
    depth = group.depth
    store.close()
    return {"reopen_s": reopen, "size": size, "depth": depth, "read_median_ms": statistics.median(times),
            "read_p99_ms": times[int(len(times) * 0.99)], "peak_mb": peak_mb()}


def _dev_keys(cs: Any) -> Any:
    from zkp import groth16

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        return groth16.setup(cs.r1cs)


def _timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds (CPU of every thread of this process) of ``runs`` calls."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), out


def child_prove(runs: int, one_shot_runs: int) -> dict[str, Any]:
    from zkmpc.identity import Group, Identity
    from zkmpc.identity import semaphore as sem

    t0 = time.perf_counter()
    cs = sem.semaphore_circuit(20)
    compile_s = time.perf_counter() - t0
    pk, vk = _dev_keys(cs)
    people = [Identity(f"resident {i}") for i in range(runs + 1)]
    group = Group([p.commitment for p in people] + _members(5000, 3))  # depth 13: a shorter proof
    t0 = time.perf_counter()
    prover = sem.Prover(cs, pk)  # the key laid out for the kernels, tables built: once
    prepare_s = time.perf_counter() - t0
    count = iter(range(1 << 30))

    def prove_next() -> Any:  # a new member, message and scope each time: nothing is reused but the key
        k = next(count) % len(people)
        return prover.prove(people[k], group, message=k, scope=2026 + k)

    prove_next()  # warm-up (first-touch of the tables), excluded
    wall, cpu, proof = _timed(prove_next, runs)
    ok = sem.verify_proof(proof, vk)
    t0 = time.perf_counter()
    sem.verify_proof(proof, vk)
    verify_ms = (time.perf_counter() - t0) * 1e3
    one_wall, one_cpu, _ = _timed(lambda: sem.generate_proof(people[0], group, message=1, scope=1, circuit=cs,
                                                             proving_key=pk), one_shot_runs)
    return {"constraints": cs.r1cs.num_constraints, "compile_s": compile_s, "prepare_s": prepare_s,
            "prove_ms": wall * 1e3, "prove_cpu_ms": cpu * 1e3, "one_shot_ms": one_wall * 1e3,
            "one_shot_cpu_ms": one_cpu * 1e3, "verify_ms": verify_ms, "verified": ok, "peak_mb": peak_mb(),
            "load": os.getloadavg()[0]}


def child_dask(count: int, chunk: int) -> dict[str, Any]:
    from mpc.scale import cluster_client
    from zkmpc.identity import Group, Identity
    from zkmpc.identity import semaphore as sem

    cs = sem.semaphore_circuit(20)
    pk, vk = _dev_keys(cs)
    people = [Identity(f"member {i}") for i in range(count)]
    group = Group([p.commitment for p in people])
    jobs = [(p, group.proof(i), i, 7) for i, p in enumerate(people)]
    prover = sem.Prover(cs, pk)
    sem.generate_proofs(jobs[:1], max_depth=20, proving_key=prover)  # warm-up, excluded
    t0 = time.perf_counter()
    local = sem.generate_proofs(jobs, max_depth=20, proving_key=prover)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    with cluster_client(2, env={"ZKP_THREADS": "1"}) as client:  # 2 workers x 1 kernel thread = 2 cores
        start_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        sem.generate_proofs(jobs[:2], max_depth=20, proving_key=prover, client=client, chunk_size=1)
        warm_s = time.perf_counter() - t0  # the key sent once, each worker compiles and prepares
        t0 = time.perf_counter()
        remote = sem.generate_proofs(jobs, max_depth=20, proving_key=prover, client=client, chunk_size=chunk)
        two = time.perf_counter() - t0
    assert all(sem.verify_proof(p, vk) for p in remote) and len(local) == len(remote)
    return {"proofs": count, "chunk": chunk, "one_process_s": one, "dask_s": two, "one_per_s": count / one,
            "dask_per_s": count / two, "start_s": start_s, "warm_s": warm_s, "load": os.getloadavg()[0]}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {"build": child_build, "memory": child_memory, "reads": child_reads, "prove": child_prove,
            "dask": child_dask}


# ------------------------------------------------------------------ the parent


def _child(name: str, *args: Any) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run([sys.executable, "-m", "benchmarks.groups", "--child", name, *map(str, args)],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"child {name} failed:\n{res.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def _js(n: int, reads: int) -> dict[str, Any] | None:
    if not (ROOT / "node_modules" / "@semaphore-protocol" / "group").exists():
        print("  (Semaphore's group package is not installed: run npm ci)")
        return None
    res = subprocess.run(["node", "-e", _JS, str(ROOT), str(n), str(reads)], capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise SystemExit(f"node failed:\n{res.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def _ratio(ours: float, theirs: float) -> str:
    r = theirs / ours
    return f"{r:.1f}x faster" if r >= 1 else f"{1 / r:.1f}x slower"


def _mark(value: float, target: float) -> str:
    return "meets" if value <= target else "MISSES"


def registry(args: argparse.Namespace, work: str) -> None:
    n = args.members
    path = os.path.join(work, "members.db")
    disk = _child("build", path, n, n)
    mem = _child("memory", n)
    assert disk["root"] == mem["root"]
    reads = _child("reads", path, args.reads)
    print(f"registry: {n:,} members, one batch, one transaction")
    print(f"  SQLite (persisted)   {disk['add_s']:8.2f} s ({disk['cpu_s']:.2f} s CPU, the hashing on 2 threads)   disk {disk['disk_bytes'] / 1e6:8.1f} MB   "
          f"peak {disk['peak_mb']:7.0f} MB   ({_mark(disk['add_s'] * 1e6 / n, TARGETS['add_1e6_s'])} "
          f"<= {TARGETS['add_1e6_s']:.0f} s per 10^6)")
    print(f"  in memory            {mem['add_s']:8.2f} s                      peak {mem['peak_mb']:7.0f} MB")
    print(f"  reopen               {reads['reopen_s'] * 1e3:8.2f} ms   proof read median {reads['read_median_ms']:.3f} ms, "
          f"p99 {reads['read_p99_ms']:.3f} ms (depth {reads['depth']}; {_mark(reads['read_median_ms'], 1.0)} <= 1 ms)")
    if args.no_js:
        return
    js = _js(min(args.js_members, n), args.reads)
    if js is None:
        return
    scale = (min(args.js_members, n)) / n
    print(f"  Semaphore (node, in memory, {min(args.js_members, n):,} members): add {js['add_s']:.2f} s, peak "
          f"{js['peak_mb']:.0f} MB, proof median {js['read_median_ms']:.3f} ms")
    print(f"  ratio: SQLite add {_ratio(disk['add_s'] * scale, js['add_s'])}, in-memory add "
          f"{_ratio(mem['add_s'] * scale, js['add_s'])}, proof read {_ratio(reads['read_median_ms'], js['read_median_ms'])}"
          f" (ours from disk, theirs from memory)")


def big_group(args: argparse.Namespace, work: str) -> None:
    n = args.big
    path = os.path.join(work, "big.db")
    built = _child("build", path, n, 1_000_000)
    print(f"big group: {n:,} members in batches of 10^6 (a transaction each)")
    print(f"  build {built['add_s']:.1f} s ({built['cpu_s']:.1f} s CPU), disk {built['disk_bytes'] / 1e9:.2f} GB "
          f"({built['disk_bytes'] / n:.0f} bytes per member), peak {built['peak_mb']:.0f} MB "
          f"({_mark(built['peak_mb'], TARGETS['big_peak_mb'])} <= 1 GB)", flush=True)
    reads = _child("reads", path, args.reads)
    print(f"  reopen {reads['reopen_s'] * 1e3:.1f} ms, proof read median {reads['read_median_ms']:.3f} ms, "
          f"p99 {reads['read_p99_ms']:.3f} ms, depth {reads['depth']}, peak {reads['peak_mb']:.0f} MB")


def proving(args: argparse.Namespace) -> None:
    p = _child("prove", args.prove_runs, args.one_shot_runs)
    print("membership proof, depth 20")
    print(f"  constraints {p['constraints']:,} (Semaphore v4: {SEMAPHORE_CONSTRAINTS:,}; "
          f"{_mark(p['constraints'], SEMAPHORE_CONSTRAINTS)})")
    print(f"  prove (semaphore.Prover: key prepared, tables) {p['prove_ms']:.0f} ms wall, {p['prove_cpu_ms']:.0f} ms "
          f"CPU on 2 threads (median of {args.prove_runs} after one warm-up, a new member each; "
          f"{_mark(p['prove_ms'], TARGETS['prove_ms'])} <= 150 ms; load average {p['load']:.1f})")
    print(f"  one-shot generate_proof with the plain key {p['one_shot_ms']:.0f} ms wall, {p['one_shot_cpu_ms']:.0f} ms CPU "
          f"(median of {args.one_shot_runs}); verify {p['verify_ms']:.1f} ms")
    print(f"  once: compile {p['compile_s']:.2f} s, prepare the key {p['prepare_s']:.2f} s; peak {p['peak_mb']:.0f} MB")
    print(f"  Semaphore's snarkjs fullprove (the issue's figures on this machine, not re-run): "
          f"{SEMAPHORE_FULLPROVE_COMMAND_S} s as a command ({_ratio(p['prove_ms'] / 1e3, SEMAPHORE_FULLPROVE_COMMAND_S)}), "
          f"{SEMAPHORE_FULLPROVE_WARM_S} s warm ({_ratio(p['prove_ms'] / 1e3, SEMAPHORE_FULLPROVE_WARM_S)})")


def dask(args: argparse.Namespace) -> None:
    d = _child("dask", args.dask_proofs, args.dask_chunk)
    print(f"many proofs ({d['proofs']}, depth 20; load average {d['load']:.1f})")
    print(f"  one process (Prover, 2 kernel threads)        {d['one_per_s']:.2f} proofs/s ({d['one_process_s']:.1f} s)")
    print(f"  Dask LocalCluster, 2 workers x 1 thread       {d['dask_per_s']:.2f} proofs/s ({d['dask_s']:.1f} s, "
          f"tasks of {d['chunk']}): {d['dask_per_s'] / d['one_per_s']:.2f}x one process")
    print(f"  excluded warm-up: cluster start {d['start_s']:.1f} s; key sent once and each worker compiles and "
          f"prepares it {d['warm_s']:.1f} s (with 2 proofs); one process: compile, prepare, one proof")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--big", type=int, default=0)
    ap.add_argument("--reads", type=int, default=1000)
    ap.add_argument("--js-members", type=int, default=100_000,
                    help="members for Semaphore's group (its pure-JS Poseidon is slow; ratios scale linearly)")
    ap.add_argument("--prove-runs", type=int, default=20)
    ap.add_argument("--one-shot-runs", type=int, default=3)
    ap.add_argument("--dask-proofs", type=int, default=32)
    ap.add_argument("--dask-chunk", type=int, default=4)
    ap.add_argument("--only-proofs", action="store_true", help="skip the registry (membership proofs only)")
    ap.add_argument("--no-js", action="store_true")
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        name, *rest = args.child
        print(json.dumps(CHILDREN[name](*[r if not r.isdigit() else int(r) for r in rest])))
        return 0
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="zkmpc-groups-") as work:
        if not args.only_proofs:
            registry(args, work)
        if args.big:
            big_group(args, work)
    proving(args)
    if not args.no_dask:
        dask(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
