"""Witness generation: zkmpc's witness program beside circom's WASM witness calculator.

    python -m benchmarks.witness [--sha-bytes 1024] [--depth 20] [--chain-log 20] [--runs 3]
                                 [--no-circom] [--no-debug]

For each function, measured in the same run: zkmpc's compile (in process); its solve in
process (the witness program in the C kernel), and as a whole process (Python start-up,
loading the stored program, solving, writing the .wtns); the debug mode (``define`` run
again, which was the only solver before the witness program) once; and circom2's witness
calculator (circomlib's template compiled by the pinned circom2 at --O2 to WASM, cached in
``.cache/witness/``) run by ``snarkjs wtns calculate`` as a whole process. Times are
medians of ``--runs``; peak memory is each process's max RSS. The functions: SHA-256 of
``--sha-bytes`` bytes (circomlib ``Sha256(8 * bytes)``), the eligibility circuit (Poseidon
Merkle depth ``--depth`` + age), and a ``2^--chain-log`` multiplication chain (zkmpc only:
the solve's peak memory at a million constraints).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from benchmarks.ceremony import run
from benchmarks.groth16 import chain_circuit, merkle_circuit, snarkjs_bin

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "witness"


def _median(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def _clock(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_stored(program: str, inputs: str, out: str) -> None:
    """The whole-process runner: load a stored program, solve, write a circom .wtns."""
    from zkp.formats.circom import write_wtns
    from zkp.program import WitnessProgram
    from zkp.witness import Witness

    prog = WitnessProgram.from_bytes(Path(program).read_bytes(), hints={})
    data = prog.run_bytes(Path(inputs).read_bytes())
    Path(out).write_bytes(write_wtns(Witness(data, 0)))


def _sha_circuit(n: int) -> tuple[type, Any]:
    from circuits import Circuit, Secret, UInt
    from circuits.gadgets import sha256_bytes

    class Sha(Circuit):
        data: Secret[UInt[8], n]

        def define(self, api: Any) -> None:
            sha256_bytes(api, list(self.data))

    return Sha, Sha(data=[(7 * i + 3) % 256 for i in range(n)])


def _sha_circom(n: int) -> tuple[str, dict[str, Any]]:
    data = [(7 * i + 3) % 256 for i in range(n)]
    bits = [(b >> (7 - j)) & 1 for b in data for j in range(8)]
    src = f'pragma circom 2.0.0;\ninclude "sha256/sha256.circom";\ncomponent main = Sha256({8 * n});\n'
    return src, {"in": bits}


def _eligibility_circom(depth: int, assignment: Any) -> tuple[str, dict[str, Any]]:
    src = (ROOT / "benchmarks" / "circom" / "eligibility.circom").read_text()
    src = src.replace("Eligible(20)", f"Eligible({depth})")
    a = assignment
    return src, {"root": str(a.root), "min_age": a.min_age, "leaf": str(a.leaf), "age": a.age,
                 "path": list(a.path), "siblings": [str(s) for s in a.siblings]}


def _circom_wasm(name: str, src: str) -> Path:
    """circom2 --O2 --wasm of ``src``, cached by its text."""
    import hashlib

    key = hashlib.sha256(src.encode()).hexdigest()[:16]
    out = CACHE / f"{name}-{key}"
    wasm = out / "main_js" / "main.wasm"
    if wasm.exists():
        return wasm
    print(f"  (compiling {name} with circom2 --O2 --wasm, cached in {out.relative_to(ROOT)})", flush=True)
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        shutil.copytree(ROOT / "node_modules" / "circomlib" / "circuits", work / "lib")
        (work / "main.circom").write_text(src)
        exe = ROOT / "node_modules" / ".bin" / "circom2"
        res = subprocess.run([str(exe), "main.circom", "--wasm", "--O2", "-l", "lib", "-o", "."], cwd=work,
                             capture_output=True, text=True)
        if res.returncode != 0:
            raise SystemExit(f"circom2 failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
        out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(work / "main_js", out / "main_js", dirs_exist_ok=True)
    return wasm


def _row(label: str, secs: float, mb: float | None = None, ref: float | None = None) -> None:
    mem = "" if mb is None else f" {mb:7.0f} MB"
    ratio = ""
    if ref is not None:
        r = ref / secs
        ratio = f"   {r:5.2f}x faster than circom" if r >= 1 else f"   {1 / r:5.2f}x slower than circom"
    print(f"  {label:<42} {secs:8.3f} s{mem}{ratio}", flush=True)


def measure(name: str, cls: type, assignment: Any, circom: tuple[str, dict[str, Any]] | None,
            runs: int, debug: bool) -> None:
    from circuits import compile
    from circuits.compiler import input_values

    print(f"\n{name}", flush=True)
    t0 = time.perf_counter()
    cs = compile(cls)
    _row(f"zkmpc compile ({cs.r1cs.num_constraints:,} constraints)", time.perf_counter() - t0)
    prog = cs.program
    inputs = b"".join(v.to_bytes(32, "big") for v in input_values(cls, assignment))
    solve_in = _median(lambda: _clock(lambda: cs.solve(assignment)), runs)
    ref = None
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        (work / "p.zkwp").write_bytes(prog.to_bytes())
        (work / "in.bin").write_bytes(inputs)
        args = [sys.executable, "-m", "benchmarks.witness", "run", "p.zkwp", "in.bin", "w.wtns"]
        whole = [run(args, work) for _ in range(runs)]
        if circom is not None:
            wasm = _circom_wasm(name.split()[0].lower(), circom[0])
            (work / "input.json").write_text(json.dumps(circom[1]))
            cargs = [snarkjs_bin(), "wtns", "calculate", str(wasm), "input.json", "c.wtns"]
            theirs = [run(cargs, work) for _ in range(runs)]
            ref = statistics.median(t for t, _ in theirs)
    _row("zkmpc solve, in process (C kernel)", solve_in, None, ref)
    _row("zkmpc solve, whole process (load, solve, .wtns)", statistics.median(t for t, _ in whole),
         max(m for _, m in whole), ref)
    if ref is not None:
        _row("circom2 WASM: snarkjs wtns calculate", ref, max(m for _, m in theirs))
    print(f"  {'program':<42} {len(prog.body) / 2**20:8.1f} MB, {prog.num_checks:,} checks")
    if debug:
        _row("zkmpc debug solve (define again; the old solver)", _clock(lambda: cs.solve(assignment, debug=True)),
             None, ref)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["run"]:
        run_stored(*argv[1:4])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sha-bytes", type=int, default=1024)
    ap.add_argument("--depth", type=int, default=20)
    ap.add_argument("--chain-log", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-circom", action="store_true")
    ap.add_argument("--no-debug", action="store_true")
    args = ap.parse_args(argv)
    from zkp import backend_info

    print(f"witness generation, kernels: {backend_info()['backend']}")
    cls, a = _sha_circuit(args.sha_bytes)
    measure(f"SHA-256 of {args.sha_bytes} bytes", cls, a, None if args.no_circom else _sha_circom(args.sha_bytes),
            args.runs, not args.no_debug)
    cls, a = merkle_circuit(args.depth)
    measure(f"Eligibility (Poseidon Merkle depth {args.depth} + age)", cls, a,
            None if args.no_circom else _eligibility_circom(args.depth, a), args.runs, not args.no_debug)
    n = 1 << args.chain_log
    chain = chain_circuit(n)
    from zkp.field import R

    measure(f"Chain of 2^{args.chain_log} multiplications", chain, chain(out=pow(3, n, R), x=3), None,
            args.runs, False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
