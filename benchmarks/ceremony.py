"""Trusted-setup ceremonies, zkmpc vs snarkjs (pinned in package-lock.json), side by side in
one run, every step as a command-line process (``zkmpc ...`` and ``snarkjs ...``) so both
pay their start-up and file I/O; wall time and peak memory (max RSS) per process.

    python -m benchmarks.ceremony [--powers 10,12] [--our-powers 14,16]
                                  [--constraints 12,14,16] [--load 16] [--load-dev 20]

Phase 1 (powers of tau of 2^p): new + one contribution, prepare phase 2, verify.
Phase 2 (a multiplication chain with a 2^k domain, on one prepared ptau made by zkmpc):
setup from the ptau, one contribution, verify (from the .r1cs and ptau, as snarkjs does).
Loading and proving: a .zkey of 2^k constraints loaded (sections read / converted) and
proved by both tools.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zkp.field import R

from .groth16 import ROOT, chain_circuit, snarkjs_bin

# what each prover does before computing: snarkjs reads every section into buffers; zkmpc
# maps the file and converts each section to its encoding (checking every point on its curve)
_NODE_LOAD = r"""
const {readBinFile, readSection} = require(process.argv[1] + "/@iden3/binfileutils");
(async () => {
  const t0 = process.hrtime.bigint();
  const {fd, sections} = await readBinFile(process.argv[2], "zkey", 2, 1 << 25, 1 << 23);
  let total = 0;
  for (const s of [2, 3, 4, 5, 6, 7, 8, 9]) total += (await readSection(fd, sections, s)).byteLength;
  await fd.close();
  console.log("load", Number(process.hrtime.bigint() - t0) / 1e9);
})();
"""

_PY_LOAD = ("import sys, time; from zkp.formats.zkey import read_zkey; t0 = time.perf_counter(); "
            "pk = read_zkey(sys.argv[1]).proving_key(); print('load', time.perf_counter() - t0)")


_TIME = "/usr/bin/time"


def run(args: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak MB) of one process; raises on failure. A process that prints a line
    ``load SECONDS`` reports that time (in-process, without the runtime's start-up). Peak
    memory comes from GNU time when present: a child forked from this (large) process
    would inherit its high-water mark."""
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    wrapped = [_TIME, "-f", "__MAXRSS_KB %M", *args] if os.path.exists(_TIME) else args
    res = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    out = res.stdout + res.stderr
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{out[-2000:]}")
    peak = float("nan")
    for line in out.splitlines():
        if line.startswith("load "):
            elapsed = float(line.split()[1])
        if line.startswith("__MAXRSS_KB "):
            peak = int(line.split()[1]) / 1024
    return elapsed, peak


def zkmpc(*args: str) -> list[str]:
    return [sys.executable, "-m", "zkmpc", *args]


def row(label: str, ours: tuple[float, float], theirs: tuple[float, float] | None) -> None:
    t = f"{ours[0]:9.2f} s {ours[1]:7.0f} MB"
    if theirs is None:
        print(f"  {label:<30} {t}")
        return
    ratio = theirs[0] / ours[0]
    verdict = f"{ratio:6.1f}x faster" if ratio >= 1 else f"{1 / ratio:6.1f}x slower"
    print(f"  {label:<30} {t}   snarkjs {theirs[0]:9.2f} s {theirs[1]:7.0f} MB   {verdict}")


def phase1(d: Path, powers: list[int], ours_only: list[int]) -> None:
    sj = snarkjs_bin()
    print("phase 1: powers of tau (one contribution, prepare phase 2, verify)")
    for p in sorted(set(powers) | set(ours_only)):
        vs = p in powers
        a = run(zkmpc("ptau", "new", str(p), f"o{p}_0.ptau"), d)
        b = run(zkmpc("ptau", "contribute", f"o{p}_0.ptau", f"o{p}_1.ptau", "-e", "bench"), d)
        c = run(zkmpc("ptau", "prepare", f"o{p}_1.ptau", f"o{p}.ptau"), d)
        v = run(zkmpc("ptau", "verify", f"o{p}.ptau"), d)
        s: list[tuple[float, float] | None] = [None] * 4
        if vs:
            s = [run([sj, "powersoftau", "new", "bn128", str(p), f"s{p}_0.ptau"], d),
                 run([sj, "powersoftau", "contribute", f"s{p}_0.ptau", f"s{p}_1.ptau", "-e=bench"], d),
                 run([sj, "powersoftau", "prepare", "phase2", f"s{p}_1.ptau", f"s{p}.ptau"], d),
                 run([sj, "powersoftau", "verify", f"s{p}.ptau"], d)]
        print(f" 2^{p}:")
        row("new", a, s[0])
        row("contribute", b, s[1])
        row("prepare phase 2", c, s[2])
        row("verify (prepared file)", v, s[3])
        sys.stdout.flush()


def circuit_files(d: Path, log_n: int) -> str:
    from circuits import compile as compile_circuit
    from zkp.formats.circom import write_r1cs, write_wtns

    name = f"chain{log_n}"
    n = (1 << log_n) - 2  # constraints + public inputs + 1 fill the 2^k domain
    cls = chain_circuit(n)
    compiled = compile_circuit(cls)
    w = compiled.solve(cls(out=pow(3, n, R), x=3))
    (d / f"{name}.r1cs").write_bytes(write_r1cs(compiled.r1cs))
    (d / f"{name}.wtns").write_bytes(write_wtns(w))
    return name


def phase2(d: Path, logs: list[int], load: list[int]) -> None:
    sj = snarkjs_bin()
    top = max(logs + load) + 1  # a domain below the ptau's power: snarkjs's circuit hash is well defined
    ptau = d / f"o{top}.ptau"
    if not ptau.exists():
        print(f"(making a prepared 2^{top} ptau with zkmpc for phase 2)")
        for args in (("ptau", "new", str(top), "t0.ptau"), ("ptau", "contribute", "t0.ptau", "t1.ptau"),
                     ("ptau", "prepare", "t1.ptau", ptau.name)):
            run(zkmpc(*args), d)
    print(f"phase 2 on a 2^{top} ptau: setup from the ptau, one contribution, verify (from .r1cs + ptau)")
    for k in sorted(set(logs) | set(load)):
        c = circuit_files(d, k)
        if k in logs:
            ours = [run(zkmpc("zkey", "new", f"{c}.r1cs", ptau.name, f"{c}_o0.zkey"), d),
                    run(zkmpc("zkey", "contribute", f"{c}_o0.zkey", f"{c}_o1.zkey", "-e", "bench"), d),
                    run(zkmpc("zkey", "verify", f"{c}.r1cs", ptau.name, f"{c}_o1.zkey"), d)]
            theirs = [run([sj, "groth16", "setup", f"{c}.r1cs", ptau.name, f"{c}_s0.zkey"], d),
                      run([sj, "zkey", "contribute", f"{c}_s0.zkey", f"{c}_s1.zkey", "-e=bench"], d),
                      run([sj, "zkey", "verify", f"{c}.r1cs", ptau.name, f"{c}_s1.zkey"], d)]
            same = (d / f"{c}_o0.zkey").read_bytes() == (d / f"{c}_s0.zkey").read_bytes()
            print(f" 2^{k} domain ({(1 << k) - 2} constraints), initial keys byte-identical: {same}")
            for label, a, b in zip(("setup from ptau", "contribute", "verify"), ours, theirs):
                row(label, a, b)
        if k in load:
            key = d / f"{c}_o1.zkey"
            if not key.exists():
                run(zkmpc("zkey", "new", f"{c}.r1cs", ptau.name, f"{c}_o0.zkey"), d)
                run(zkmpc("zkey", "contribute", f"{c}_o0.zkey", key.name), d)
            size = key.stat().st_size / 2**20
            print(f" load and prove, 2^{k} domain, {size:.0f} MB .zkey:")
            row("load (in process)", run([sys.executable, "-c", _PY_LOAD, key.name], d),
                run(["node", "-e", _NODE_LOAD, "--", str(ROOT / "node_modules"), key.name], d))
            row("prove (CLI, from .zkey)", run(zkmpc("prove", key.name, f"{c}.wtns", "p.json", "pub.json"), d),
                run([sj, "groth16", "prove", key.name, f"{c}.wtns", "p2.json", "pub2.json"], d))
        sys.stdout.flush()


def load_dev(d: Path, log_n: int) -> None:
    """A 2^log_n .zkey from zkmpc's development setup (no ptau of that size needed): load
    and prove with both tools."""
    import warnings

    from zkp import groth16
    from zkp.formats.zkey import write_zkey

    sj = snarkjs_bin()
    c = circuit_files(d, log_n)
    from zkp.formats.circom import read_r1cs

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, _ = groth16.setup(read_r1cs((d / f"{c}.r1cs").read_bytes()))
    write_zkey(pk, d / f"{c}_dev.zkey")
    size = (d / f"{c}_dev.zkey").stat().st_size / 2**20
    print(f" load and prove, 2^{log_n} domain, {size:.0f} MB .zkey (development key, made in "
          f"{time.perf_counter() - t0:.0f} s):")
    del pk
    row("load (in process)", run([sys.executable, "-c", _PY_LOAD, f"{c}_dev.zkey"], d),
        run(["node", "-e", _NODE_LOAD, "--", str(ROOT / "node_modules"), f"{c}_dev.zkey"], d))
    row("prove (CLI, from .zkey)", run(zkmpc("prove", f"{c}_dev.zkey", f"{c}.wtns", "p.json", "pub.json"), d),
        run([sj, "groth16", "prove", f"{c}_dev.zkey", f"{c}.wtns", "p2.json", "pub2.json"], d))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--powers", default="10,12", help="phase-1 powers run by both tools")
    ap.add_argument("--our-powers", default="14,16,17", help="phase-1 powers run by zkmpc only")
    ap.add_argument("--constraints", default="12,14,16", help="phase-2 domain sizes (log2)")
    ap.add_argument("--load", default="16", help="domain sizes (log2) for the load/prove rows")
    ap.add_argument("--load-dev", default="", help="domain sizes (log2) for load/prove rows on "
                    "a development key (e.g. 20: no ptau of that size needed)")
    ap.add_argument("--keep", default=None, help="work in this directory and keep the files")
    args = ap.parse_args(argv)

    def ints(s: str) -> list[int]:
        return [int(x) for x in s.split(",") if x]

    from zkp._backend import backend_info

    print(f"kernels: {backend_info()['backend']}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(args.keep or tmp)
        d.mkdir(parents=True, exist_ok=True)
        if args.powers or args.our_powers:
            phase1(d, ints(args.powers), ints(args.our_powers))
        if args.constraints or args.load:
            phase2(d, ints(args.constraints), ints(args.load))
        for k in ints(args.load_dev):
            load_dev(d, k)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
