"""Groth16 on a multiplication chain of N constraints, optionally against snarkjs.

    python -m benchmarks.groth16 --constraints 4096 [--vs-snarkjs] [--stages compile,solve]

Prints compile, solve, setup, prove and verify seconds and peak memory (max RSS). With
``--vs-snarkjs`` the same R1CS and witness, written as circom ``.r1cs``/``.wtns``, are
proved by snarkjs (pinned in package-lock.json) in the same run; snarkjs's proof is
checked by zkmpc's verifier, and the ratio of prove times is printed. Powers-of-tau
files are generated once with snarkjs and cached in ``.cache/``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent


def chain_circuit(n: int) -> type:
    """out = x^(n) through n - 1 multiplications, plus one equality: n constraints."""
    from circuits import Circuit, Field, Public, Secret

    class MulChain(Circuit):
        out: Public[Field]
        x: Secret[Field]

        def define(self, api: Any) -> None:
            v = self.x
            for _ in range(n - 1):
                v = v * self.x
            api.assert_equal(v, self.out)

    return MulChain


def merkle_circuit(depth: int = 20) -> tuple[type, Any]:
    """Eligibility: a Poseidon Merkle membership of depth ``depth`` plus an 8-bit
    ``age >= 18``; returns the class and a satisfying assignment."""
    from circuits import Bool, Circuit, Field, Public, Secret, UInt
    from circuits.gadgets import merkle_root
    from circuits.native import MerkleTree

    class Eligible(Circuit):
        root: Public[Field]
        min_age: Public[UInt[8]]
        leaf: Secret[Field]
        age: Secret[UInt[8]]
        path: Secret[Bool, depth]
        siblings: Secret[Field, depth]

        def define(self, api: Any) -> None:
            api.assert_equal(merkle_root(api, self.leaf, self.path, self.siblings), self.root)
            api.assert_true(self.age >= self.min_age)

    tree = MerkleTree(depth, leaves=[1000 + i for i in range(5)])
    p = tree.proof(3)
    assignment = Eligible(root=tree.root, min_age=18, leaf=p.leaf, age=29,
                          path=list(p.path_bits), siblings=list(p.siblings))
    return Eligible, assignment


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def timed(label: str, fn: Callable[[], Any], rows: list[tuple[str, float]]) -> Any:
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    rows.append((label, dt))
    print(f"  {label:<22} {dt:10.3f} s   (peak RSS {_rss_mb():8.1f} MB)", flush=True)
    return out


def compile_solve_prove(cls: type, assignment: Any, prove: bool) -> int:
    """Compile, solve twice and (with ``prove``) set up, prove and verify one circuit, each
    step timed with its peak RSS (the RSA and ECDSA benchmarks); 0 when the proof verifies."""
    import warnings

    from circuits import compile as compile_circuit
    from zkp import groth16

    rows: list[tuple[str, float]] = []
    cs = timed("compile", lambda: compile_circuit(cls), rows)
    print(f"  {cs.r1cs.num_constraints} constraints, {cs.r1cs.num_wires} wires")
    w = timed("solve", lambda: cs.solve(assignment), rows)
    timed("solve (2nd run)", lambda: cs.solve(assignment), rows)
    if not prove:
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = timed("setup", lambda: groth16.setup(cs.r1cs), rows)
    proof = timed("prove", lambda: groth16.prove(pk, w), rows)
    ok = timed("verify", lambda: groth16.verify(vk, w.public, proof), rows)
    print(f"  proof verifies: {ok}")
    return 0 if ok else 1


def snarkjs_bin() -> str:
    path = ROOT / "node_modules" / ".bin" / "snarkjs"
    if path.exists():
        return str(path)
    found = shutil.which("snarkjs")
    if not found:
        raise SystemExit("snarkjs not found: run `make tools` (npm ci) first")
    return found


def _run(args: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,)) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if res.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
    return time.perf_counter() - t0


def ptau_file(power: int) -> Path:
    """A phase-2-prepared powers-of-tau file of 2^power (made once, cached)."""
    cache = Path(os.environ.get("ZKMPC_CACHE", ROOT / ".cache"))
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / f"pot{power}_final.ptau"
    if final.exists():
        return final
    s = snarkjs_bin()
    print(f"  (making a 2^{power} powers-of-tau file with snarkjs, cached in {cache})", flush=True)
    _run([s, "powersoftau", "new", "bn128", str(power), f"pot{power}_0.ptau"], cache)
    _run([s, "powersoftau", "contribute", f"pot{power}_0.ptau", f"pot{power}_1.ptau",
          "--name=bench", "-e=zkmpc benchmark entropy"], cache)
    _run([s, "powersoftau", "prepare", "phase2", f"pot{power}_1.ptau", final.name], cache)
    for tmp in (f"pot{power}_0.ptau", f"pot{power}_1.ptau"):
        (cache / tmp).unlink()
    return final


def vs_snarkjs(cs: Any, witness: Any, ours: float) -> None:
    from zkp import groth16
    from zkp.formats.circom import write_r1cs, write_wtns
    from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json
    from zkp.qap import domain_size

    s = snarkjs_bin()
    _, log_n = domain_size(cs)
    ptau = ptau_file(log_n)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "c.r1cs").write_bytes(write_r1cs(cs))
        (tmp / "c.wtns").write_bytes(write_wtns(witness))
        t_setup = _run([s, "groth16", "setup", "c.r1cs", str(ptau), "c0.zkey"], tmp)
        _run([s, "zkey", "contribute", "c0.zkey", "c.zkey", "--name=b", "-e=bench"], tmp)
        _run([s, "zkey", "export", "verificationkey", "c.zkey", "vk.json"], tmp)
        t_prove = min(_run([s, "groth16", "prove", "c.zkey", "c.wtns", "proof.json", "public.json"], tmp)
                      for _ in range(2))
        t_verify = _run([s, "groth16", "verify", "vk.json", "public.json", "proof.json"], tmp)
        t_start = min(_run([s, "--help"], tmp, ok_codes=(0, 99)) for _ in range(3))
        ok = groth16.verify(vk_from_json((tmp / "vk.json").read_text()),
                            public_from_json((tmp / "public.json").read_text()),
                            proof_from_json((tmp / "proof.json").read_text()))
    print(f"  snarkjs setup          {t_setup:10.3f} s   (groth16 setup from a cached ptau)")
    print(f"  snarkjs prove          {t_prove:10.3f} s   (best of 2, wall clock incl. node start)")
    print(f"  snarkjs verify         {t_verify:10.3f} s")
    print(f"  snarkjs peak RSS       {_rss_mb(resource.RUSAGE_CHILDREN):10.1f} MB")
    print(f"  zkmpc verifies snarkjs's proof: {ok}")
    print(f"  snarkjs start-up       {t_start:10.3f} s   (snarkjs --help: node + module load)")
    net = max(t_prove - t_start, 1e-9)
    print(f"  prove ratio zkmpc/snarkjs: {ours / t_prove:.2f}x wall clock, "
          f"{ours / net:.2f}x without snarkjs start-up "
          f"({'zkmpc faster' if ours < net else 'snarkjs faster'})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--constraints", "-n", type=int, default=1024)
    ap.add_argument("--vs-snarkjs", action="store_true")
    ap.add_argument("--stages", default="compile,solve,setup,prove,verify")
    ap.add_argument("--circuit", choices=["chain", "merkle20"], default="chain",
                    help="chain: N multiplications; merkle20: Poseidon Merkle depth 20 + age >= 18")
    args = ap.parse_args(argv)
    from circuits import compile as compile_circuit
    from zkp import backend_info, groth16
    from zkp.field import R

    n, stages = args.constraints, set(args.stages.split(","))
    rows: list[tuple[str, float]] = []
    if args.circuit == "chain":
        print(f"Groth16 multiplication chain, N = {n} constraints, kernels: "
              f"{backend_info()['backend']}, python {sys.version.split()[0]}")
        cls = chain_circuit(n)
        assignment = cls(out=pow(3, n, R), x=3)
    else:
        cls, assignment = merkle_circuit(20)
        print(f"Groth16 on a Poseidon Merkle membership (depth 20) + age >= 18, kernels: "
              f"{backend_info()['backend']}, python {sys.version.split()[0]}")
    cs = timed("compile", lambda: compile_circuit(cls), rows)
    if args.circuit != "chain":
        print(f"  {cs.r1cs.num_constraints} constraints, {cs.r1cs.num_wires} wires")
    w = timed("solve", lambda: cs.solve(assignment), rows)
    if "setup" not in stages:
        return 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = timed("setup", lambda: groth16.setup(cs.r1cs), rows)
    groth16.prove(pk, w)  # warm-up: snarkjs's figure is the best of 2 as well
    proof = timed("prove (2nd run)", lambda: groth16.prove(pk, w), rows)
    ok = timed("verify", lambda: groth16.verify(vk, w.public, proof), rows)
    print(f"  proof verifies: {ok}")
    if args.vs_snarkjs:
        vs_snarkjs(cs.r1cs, w, dict(rows)["prove (2nd run)"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
