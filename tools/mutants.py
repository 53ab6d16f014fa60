"""Planted bugs that the test suite must catch: ``make mutants`` (or ``python -m tools.mutants``).

Each mutant is a small edit that keeps the honest path working (the kind of bug that ships):
a constraint swapped for one of the same count, a batch tail dropped, a check removed. For
each, the tracked files are copied to a scratch directory, the edit is applied there (the
original text must occur exactly once), the C extension is rebuilt when the edit touches C
(otherwise the built one is copied), a regeneration step runs when a golden file is derived
from the edited source, and the tests that cover the code run. A mutant *survives* when they
pass: then a test is missing, and the list here is the place to keep it once it is added.

    python -m tools.mutants            # all; prints a table, exit status 1 if any survives
    python -m tools.mutants --list
    python -m tools.mutants --only is_zero_row,apply_key_batch_tail
    python -m tools.mutants --write benchmarks/MUTANTS.md

Grow the list whenever a bug escapes the tests. It is not run by CI (one C rebuild per C
mutant); its last result is kept in ``benchmarks/MUTANTS.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str
    regenerate: tuple[str, ...] = ()  # a command run in the scratch copy after the edit


KERNEL_TESTS = ("tests/zkp/test_kernels.py", "tests/zkp/test_backend.py", "tests/zkp/test_kernel_boundaries.py")

MUTANTS: tuple[Mutant, ...] = (
    Mutant("apply_key_batch_tail", "zkp/_bn254_src/curve_ops.h",
           "for (size_t i = j->lo; i < j->hi && j->ok; i += BATCH) {",
           "for (size_t i = j->lo; i < j->hi && i < j->lo + BATCH && j->ok; i += BATCH) {",
           KERNEL_TESTS, "each worker multiplies only its first 2,048-point batch (issue 23, bug 5)"),
    Mutant("fft_chunk_tail", "zkp/_bn254_src/curve_ops.h",
           "size_t cnt = j->hi - b0 < chunk ? j->hi - b0 : chunk, q = 0;",
           "size_t cnt = j->hi - b0 < chunk ? j->hi - b0 : chunk - 1, q = 0;",
           KERNEL_TESTS, "a full FFT chunk skips its last butterfly (only from 2,048 points)"),
    Mutant("lincomb_thread_range", "zkp/_bn254_src/curve_ops.h",
           "jobs[t] = (FN(comb_job)){pts, ptr, idx, ks, out, rows * t / nthreads, rows * (t + 1) / nthreads};",
           "jobs[t] = (FN(comb_job)){pts, ptr, idx, ks, out, rows * t / nthreads + (t > 0), rows * (t + 1) / nthreads};",
           KERNEL_TESTS, "every worker after the first skips its first row"),
    Mutant("g2_subgroup_thread_range", "zkp/_bn254_src/module.c",
           "jobs[t] = (g2v_job){pts, n * t / nt, n * (t + 1) / nt, -1, 0};",
           "jobs[t] = (g2v_job){pts, n * t / nt + (t > 0), n * (t + 1) / nt, -1, 0};",
           KERNEL_TESTS, "the threaded G2 subgroup check skips the first point of each later worker"),
    Mutant("lem_first_bad_point", "zkp/_bn254_src/ceremony.h",
           "for (int t = 0; t < nt; t++) {  /* the first bad point, as a sequential scan finds it */",
           "for (int t = nt - 1; t >= 0; t--) {  /* the first bad point, as a sequential scan finds it */",
           KERNEL_TESTS, "LEM conversion reports the last worker's bad point, not the first"),
    # circuits (the gadgets' planted bugs are read from tests/circuits/test_forgery.py, see below)
    Mutant("constants_reduced_mod_r", "circuits/api.py", "        if not -R < c < R:\n", "        if False:\n",
           ("tests/circuits/test_circuits.py",), "api.constant(r + 6) silently proves 6 (issue 15, item 2)"),
    Mutant("from_bits_254_without_alias_check", "circuits/gadgets/bits.py",
           "        assert_bits_le_constant(api, vs, R - 1)\n", "        pass\n",
           ("tests/circuits/test_gadgets.py",), "254 bits pack x and x + r to one value (issue 15, item 1)"),
    Mutant("lint_single_hints_only", "circuits/lint.py",
           "        for w in sorted(near - {h}):\n", "        for w in sorted(near - {h} - near):\n",
           ("tests/circuits/test_lint.py",), "lint moves hint wires alone, never in pairs (issue 15, item 3)"),
    # the witness program (issue 16): the C interpreter, its validation, what the compiler checks
    Mutant("witness_bits_shifted", "zkp/_bn254_src/witness.h",
           "                if (i == ins[4]) continue;", "                if (i == ins[4] + 1 || i == ins[4]) continue;",
           ("tests/circuits/test_witness_program.py",), "the C interpreter drops one more bit after the linear one"),
    Mutant("witness_check_ignored", "zkp/_bn254_src/witness.h",
           "            if (!fe_eq(&t, &c)) return checks;", "            if (0) return checks;",
           ("tests/circuits/test_witness_program.py",), "the C interpreter never stops at a failing CHECK"),
    Mutant("witness_reads_the_wire_it_makes", "zkp/_bn254_src/witness.h",
           "if (li_ >= p->nl || tops[li_] >= nxt)", "if (li_ >= p->nl || tops[li_] > nxt)",
           ("tests/circuits/test_witness_program.py",), "validation lets an instruction read the wire it is making"),
    Mutant("program_linear_bit_unchecked", "circuits/engine/compiler.py",
           'self._row(bl, bl, bl, "to_bits")', 'self._row(bl, bl, bl, "to_bits", by_construction=True)',
           ("tests/circuits/test_circuits.py", "tests/circuits/test_witness_program.py"),
           "solve no longer checks that a value fits its bits (the R1CS still does)"),
    # mpc
    Mutant("shamir_first_coefficient_is_secret", "mpc/sharing/shamir.py",
           "coeffs = [s] + [random_like(field, s, rng) for _ in range(t - 1)]",
           "coeffs = [s] + [s if i == 0 else random_like(field, s, rng) for i in range(t - 1)]",
           ("tests/mpc/test_sharing.py",), "threshold-1 shares reveal the secret (issue 23, bug 3)"),
    Mutant("serial_eval", "mpc/serial.py",
           'def loads(text: str | bytes, type_: str, fields: set[str], *, max_size: int = MAX_DOCUMENT) -> dict[str, Any]:',
           'def _planted(text: str) -> Any:\n    return eval(text)\n\n\n'
           'def loads(text: str | bytes, type_: str, fields: set[str], *, max_size: int = MAX_DOCUMENT) -> dict[str, Any]:',
           ("tests/project/test_layers.py",), "eval on data in a document reader (issue 23, bug 6)"),
    Mutant("paillier_no_wrap_bound", "mpc/paillier/keys.py",
           "if c.bound is not None and c.bound >= self.n - self.max_int:",
           "if c.bound is not None and c.bound >= self.n:",
           ("tests/mpc/test_paillier.py", "tests/mpc/test_threshold_paillier.py"),
           "a total that wrapped past the overflow band decrypts to a small number (issue 15, item 10)"),
    Mutant("paillier_trial_division_bound", "mpc/paillier/keys.py",
           "TRIAL_DIVISION_BOUND = 1 << 20", "TRIAL_DIVISION_BOUND = 10 ** 4",
           ("tests/mpc/test_paillier.py",), "moduli with a factor between 10^4 and 2^20 accepted (issue 15, item 11)"),
    Mutant("paillier_rn_unchecked", "mpc/paillier/ciphertext.py",
           "r = pk.random_rn(rng) if rn is None else pk.checked_rn(rn)",
           "r = pk.random_rn(rng) if rn is None else rn",
           ("tests/mpc/test_paillier.py",), "caller randomness 0 or 1 accepted (issue 15, item 9)"),
    # zkp
    Mutant("ic_points_may_cancel", "zkp/groth16/keys.py",
           "        i = seen.setdefault(p.x, j)\n", "        i = seen.setdefault((p.x, p.y), j)\n",
           ("tests/zkp/test_groth16.py",), "a verifying key with IC[j] = -IC[i] accepted (issue 15, item 4)"),
    Mutant("verifier_false_on_failed_precompile", "zkp/evm/templates/Groth16Verifier.sol.tmpl",
           "            if iszero(ok) { revert(0, 0) }\n            return(0x00, 0x20)",
           "            mstore(0x00, and(mload(0x00), ok))\n            return(0x00, 0x20)",
           ("tests/zkp/test_evm.py",), "out of gas in the pairing reads as an invalid proof (issue 15, item 8)",
           regenerate=("-m", "tests.test_evm")),
    Mutant("batch_verifier_no_ay_check", "zkp/evm/templates/Groth16Verifier.sol.tmpl",
           "                    ok := and(ok, lt(ay, Q))\n", "",
           ("tests/zkp/test_evm.py",), "verifyProofs accepts A.y + q in its first proof (issue 23, bug 4)",
           regenerate=("-m", "tests.test_evm")),
)


FORGERY_TESTS = "tests/circuits/test_forgery.py"


def forgery_mutants() -> tuple[Mutant, ...]:
    """The gadget bugs planted to see tests/circuits/test_forgery.py fail (its ``PLANTED_BUGS``, read
    without importing the tests). Each runs the one test the list says catches it (the whole file
    and its 10^5-row circuits for every mutant took the better part of an hour); a test that
    catches several is named ``_2``, ``_3``... after its first, so ``--only`` picks one. A
    catching test in another file is written ``tests/...py::test_name``."""
    import ast

    tree = ast.parse((ROOT / FORGERY_TESTS).read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "PLANTED_BUGS" and node.value:
            bugs = ast.literal_eval(node.value)
            seen: dict[str, int] = {}
            out = []
            for path, old, new, where in bugs:
                file, _, test = where.rpartition("::")  # a test of another file is named path::test
                seen[test] = seen.get(test, 0) + 1
                suffix = f"_{seen[test]}" if seen[test] > 1 else ""
                out.append(Mutant(f"forgery_{test.removeprefix('test_')}{suffix}", path, old, new,
                                  (f"{file or FORGERY_TESTS}::{test}",), f"caught by {test}"))
            return tuple(out)
    raise SystemExit(f"{FORGERY_TESTS}: no PLANTED_BUGS list")


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True).stdout
    return [p for p in out.decode().split("\0") if p]


def scratch_copy(dest: Path) -> None:
    for rel in tracked_files():
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    if (ROOT / "node_modules").exists():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")


def apply(m: Mutant, dest: Path) -> None:
    target = dest / m.path
    text = target.read_text()
    found = text.count(m.old)
    if found != 1:
        raise SystemExit(f"mutant {m.name}: expected the original text once in {m.path}, found it {found} times")
    target.write_text(text.replace(m.old, m.new))


def build_extension(dest: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"], cwd=dest, env=env,
                   check=True, capture_output=True)


def prepare(m: Mutant, dest: Path, env: dict[str, str]) -> None:
    scratch_copy(dest)
    apply(m, dest)
    if m.path.endswith((".c", ".h")):
        build_extension(dest, env)
    else:
        for so in (ROOT / "zkp").glob("_bn254*.so"):
            shutil.copy2(so, dest / "zkp" / so.name)
    if m.regenerate:
        subprocess.run([sys.executable, *m.regenerate], cwd=dest, env=env, check=True, capture_output=True)


def run(m: Mutant) -> tuple[str, float, str]:
    """("killed" | "SURVIVED" | "error", seconds, the first failing test or the error)."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{m.name}-") as tmp:
        dest = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(dest), "ZKP_REQUIRE_C": "1", "ZKMPC_ALLOW_MISSING_TOOLS": ""}
        env.pop("ZKP_PURE_PYTHON", None)
        prepare(m, dest, env)
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *m.tests],
                              cwd=dest, env=env, capture_output=True, text=True)
    failed = next((line for line in proc.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))), "")
    if proc.returncode == 0:
        return "SURVIVED", time.monotonic() - start, ""
    if proc.returncode not in (1,):
        return "error", time.monotonic() - start, proc.stdout[-500:] + proc.stderr[-500:]
    return "killed", time.monotonic() - start, failed


def table(rows: list[tuple[Mutant, str, float, str]]) -> str:
    lines = ["| mutant | file | what it breaks | result | caught by |", "|---|---|---|---|---|"]
    for m, verdict, seconds, detail in rows:
        lines.append(f"| `{m.name}` | `{m.path}` | {m.why} | {verdict} ({seconds:.0f} s) | {detail.replace('|', '/')} |")
    survived = sum(1 for _, v, _, _ in rows if v != "killed")
    lines.append(f"\n{len(rows) - survived} of {len(rows)} mutants killed.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--only", default="", help="comma-separated mutant names")
    ap.add_argument("--write", metavar="FILE", help="also write the table (Markdown) to FILE")
    args = ap.parse_args(argv)
    everything = MUTANTS + forgery_mutants()
    chosen = [m for m in everything if not args.only or m.name in args.only.split(",")]
    if args.list:
        width = max((len(m.name) for m in chosen), default=0)
        for m in chosen:
            print(f"{m.name:{width}} {m.path}: {m.why}")
        return 0
    unknown = set(filter(None, args.only.split(","))) - {m.name for m in everything}
    if unknown:
        ap.error(f"unknown mutants: {', '.join(sorted(unknown))}")
    rows = []
    for m in chosen:
        verdict, seconds, detail = run(m)
        print(f"{verdict:9} {seconds:6.1f} s  {m.name}: {detail}", flush=True)
        rows.append((m, verdict, seconds, detail))
    report = table(rows)
    print("\n" + report)
    if args.write:
        Path(args.write).write_text("# Planted bugs and the tests that catch them\n\n"
                                    "Written by `make mutants` (`python -m tools.mutants --write ...`).\n\n" + report + "\n")
    return 0 if all(v == "killed" for _, v, _, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
