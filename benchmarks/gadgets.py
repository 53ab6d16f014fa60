"""Constraint counts: every zkmpc gadget beside the circomlib template for the same function.

    python -m benchmarks.gadgets [--write-golden]

circomlib (pinned in package.json) is compiled with circom2 at --O2 and --O1 in the same
run; zkmpc's count is the gadget's own (input typing excluded on both sides: circom's
templates take field signals). Ends with the eligibility circuit (Poseidon Merkle depth
20 + age >= 18) in both languages. ``--write-golden`` rewrites
``tests/vectors/gadget_counts.csv`` with zkmpc's column.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.gadget_catalog import BEYOND_CIRCOMLIB, CATALOG, circom_source, cost
from zkp.formats.circom import read_r1cs

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "vectors" / "gadget_counts.csv"


def circom_count(source: str, work: Path, opt: str) -> int:
    """Constraints of a circom main component compiled by the pinned circom2 at ``opt``."""
    (work / "main.circom").write_text(source)
    exe = ROOT / "node_modules" / ".bin" / "circom2"
    res = subprocess.run([str(exe), "main.circom", "--r1cs", opt, "-l", "lib", "-o", "."], cwd=work,
                         capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise SystemExit(f"circom2 failed on:\n{source}\n{res.stdout}\n{res.stderr}")
    return read_r1cs((work / "main.r1cs").read_bytes()).num_constraints


def circom_workdir(tmp: Path) -> Path:
    """circom2 (WASI) reads only below its working directory, and not through symlinks."""
    shutil.copytree(ROOT / "node_modules" / "circomlib" / "circuits", tmp / "lib")
    return tmp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-golden", action="store_true")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        work = circom_workdir(Path(d))
        print(f"{'gadget':<32} {'zkmpc':>8} {'circom --O2':>12} {'circom --O1':>12}")
        for e in CATALOG:
            ours = cost(e)
            o2 = circom_count(circom_source(e), work, "--O2")
            o1 = circom_count(circom_source(e), work, "--O1")
            flag = "" if ours <= o2 else "   <-- above circom --O2"
            print(f"{e.name:<32} {ours:>8} {o2:>12} {o1:>12}{flag}", flush=True)
            rows.append((e.name, ours))
        from benchmarks.groth16 import merkle_circuit
        from circuits import compile

        cls, _ = merkle_circuit(20)
        ours = compile(cls).r1cs.num_constraints
        src = (ROOT / "benchmarks" / "circom" / "eligibility.circom").read_text()
        o2, o1 = circom_count(src, work, "--O2"), circom_count(src, work, "--O1")
        print(f"{'eligibility (whole)':<32} {ours:>8} {o2:>12} {o1:>12}   Merkle depth 20 + age >= 18, inputs typed")
        print(f"\n{'beyond circomlib':<56} {'zkmpc':>8} {'published':>10}  reference")
        for p in BEYOND_CIRCOMLIB:
            ours = cost(p.entry)
            theirs = "-" if p.published is None else f"{p.published:,}"
            print(f"{p.entry.name:<56} {ours:>8,} {theirs:>10}  {p.reference}", flush=True)
            rows.append((p.entry.name, ours))
    if args.write_golden:
        GOLDEN.write_text("gadget,constraints\n" + "".join(f'"{n}",{c}\n' for n, c in rows))
        print(f"wrote {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
