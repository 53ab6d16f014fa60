"""Proving from a ``.zkey`` and a ``.wtns``: zkmpc's command line against rapidsnark's
``prover``, whole processes side by side in the same run, plus the long-lived prover.

    RAPIDSNARK=/path/to/prover python -m benchmarks.prove [--sizes 14,16,20,sha1k] [--repeat 3]
    python -m benchmarks.prove --quick          (a 2^10 chain: the test runs this)

Rows: multiplication chains filling 2^14, 2^16 and 2^20 domains, and circomlib's SHA-256
of 1 KB (``Sha256(8192)``, compiled by the pinned circom2), each proved by
``zkmpc prove KEY.zkey W.wtns P.json PUB.json`` and ``$RAPIDSNARK KEY.zkey W.wtns P.json
PUB.json`` (median wall time of ``--repeat`` runs, the two tools' runs alternated; their
median user + system CPU seconds and the peak RSS of each process from the OS, GNU time or
``wait4``), and the ratios zkmpc / rapidsnark (the goal: time <= 1.0, memory <= 1.2). On a
shared machine wall times follow the load (printed before and after the rows): the CPU
ratio is the steadier figure (rapidsnark's OpenMP threads also spin while they wait).
Without ``RAPIDSNARK`` its columns say "not measured". Last row: ``zkmpc prover serve``
on a 5,124-constraint chain, the median time of a proof requested over HTTP from this
process, against rapidsnark's whole process on the same files.

The circuits are made once and cached (``benchmarks/prove_fixtures.py``; ``$ZKMPC_CACHE``).
rapidsnark is not part of zkmpc: build it from its public source, outside this repository.

Before timing, the packages are byte-compiled (``python -m compileall -q zkp circuits mpc
zkmpc``), as pip does when it installs a wheel: a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every imported module in every timed
process (about 0.06 s), a cost no installed zkmpc pays. For the same reason the timed
``zkmpc`` runs in a bare virtual environment of the same interpreter with the source tree as
a plain path entry, as a wheel's site-packages is, and this environment's site-packages as plain path entries (for
the pure-Python twin's py_ecc): an editable install (``make``'s) loads setuptools' import
finder, and pathlib with it, before the first line of any command (about 15 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import prove_fixtures as fx

ROOT = Path(__file__).resolve().parent.parent
NOT_MEASURED = "not measured"


# A child's peak RSS counts what it inherited at fork (Linux keeps the high-water mark
# across exec), so each process is started from a small launcher: GNU time when present,
# else a bare ``python -S`` that forks, execs and reports ``wait4``'s figure.
_TIME = "/usr/bin/time"
_LAUNCH = ("import os, sys\npid = os.fork()\nif pid == 0:\n    os.execvp(sys.argv[1], sys.argv[1:])\n"
           "_, st, ru = os.wait4(pid, 0)\n"
           "sys.stderr.write('__RUN %d %.3f %.3f\\n' % (ru.ru_maxrss, ru.ru_utime, ru.ru_stime))\n"
           "sys.exit(os.waitstatus_to_exitcode(st))\n")

Run = tuple[float, float, float]  # wall seconds, peak RSS MB, user + system CPU seconds


def run(args: list[str], cwd: Path) -> Run:
    """(wall seconds, peak RSS in MB, user + system CPU seconds) of one process; raises on failure."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *_site_packages(), os.environ.get("PYTHONPATH", "")])}
    if os.access(_TIME, os.X_OK):
        wrapped = [_TIME, "-f", "__RUN %M %U %S", *args]
    else:
        wrapped = [sys.executable, "-S", "-c", _LAUNCH, *args]
    t0 = time.perf_counter()
    res = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    out = res.stdout + res.stderr
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({res.returncode}):\n{out[-2000:]}")
    peak = cpu = float("nan")
    for line in out.splitlines():
        if line.startswith("__RUN "):
            kb, user, system = line.split()[1:4]
            peak, cpu = int(kb) / 1024, float(user) + float(system)
    return elapsed, peak, cpu


def summary(runs: list[Run]) -> Run:
    """(median wall seconds, largest peak RSS, median CPU seconds) of some runs."""
    return (statistics.median(r[0] for r in runs), max(r[1] for r in runs),
            statistics.median(r[2] for r in runs))


def median_run(args: list[str], cwd: Path, repeat: int) -> Run:
    return summary([run(args, cwd) for _ in range(repeat)])


def paired_runs(ours: list[str], theirs: list[str] | None, cwd: Path,
                repeat: int) -> tuple[Run, Run | None]:
    """Both tools' summaries, their runs alternated (ours, theirs, ours, ...): on a shared
    machine a change of load then weighs on both columns alike, not on one tool's block."""
    mine: list[Run] = []
    other: list[Run] = []
    for _ in range(repeat):
        mine.append(run(ours, cwd))
        if theirs is not None:
            other.append(run(theirs, cwd))
    return summary(mine), (summary(other) if theirs is not None else None)


def _site_packages() -> list[str]:
    """This environment's site-packages as plain path entries (their .pth files, the editable
    finder's among them, are not run from there): the pure-Python twin's py_ecc and gmpy2."""
    import sysconfig

    paths = sysconfig.get_paths()
    return list(dict.fromkeys([paths["purelib"], paths["platlib"]]))


def installed_python() -> str:
    """A bare virtual environment of this interpreter (no site-packages of its own, made
    once in the fixtures' cache); :func:`run` puts the source tree on its ``PYTHONPATH``."""
    venv = fx.cache_dir() / "venv-path-entry"
    exe = venv / "bin" / "python"
    if not exe.exists():
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", "--without-pip", str(venv)], check=True)
    return str(exe)


def zkmpc_cmd(*args: str) -> list[str]:
    return [installed_python(), "-m", "zkmpc", *args]


def fixture(size: str) -> tuple[Path, Path, str]:
    if size == "sha1k":
        zkey, wtns = fx.sha1k()
        return zkey, wtns, "SHA-256 of 1 KB"
    zkey, wtns = fx.chain_log(int(size))
    return zkey, wtns, f"chain 2^{int(size)}"


def fmt(v: Run | None) -> str:
    return f"{NOT_MEASURED:>29}" if v is None else f"{v[0]:8.2f} s {v[2]:6.2f} s cpu {v[1]:5.0f} MB"


def ratio(ours: Run, theirs: Run | None) -> str:
    if theirs is None:
        return f"{'-':>8} {'-':>8} {'-':>8}"
    return f"{ours[0] / theirs[0]:7.2f}x {ours[2] / theirs[2]:7.2f}x {ours[1] / theirs[1]:7.2f}x"


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), or "unknown"."""
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def byte_compile() -> str:
    """Write the packages' ``.pyc`` files (as an installed wheel has them); says what it did."""
    packages = ["zkp", "circuits", "mpc", "zkmpc"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], cwd=ROOT, check=True)
    return f"byte-compiled {', '.join(packages)} first (python -m compileall, as pip installs them)"


def rapidsnark() -> str | None:
    exe = os.environ.get("RAPIDSNARK")
    if not exe:
        return None
    if not os.access(exe, os.X_OK):
        raise SystemExit(f"RAPIDSNARK={exe} is not an executable file")
    return exe


def cli_rows(sizes: list[str], repeat: int, rs: str | None, work: Path) -> None:
    print(f"{'circuit':<18} {'domain':>8}   {'zkmpc prove':>29}   {'rapidsnark':>29}   {'time':>8} {'cpu':>8} "
          f"{'memory':>8}")
    for size in sizes:
        zkey, wtns, label = fixture(size)
        ours, theirs = paired_runs(zkmpc_cmd("prove", str(zkey), str(wtns), "p.json", "pub.json"),
                                   [rs, str(zkey), str(wtns), "p2.json", "pub2.json"] if rs else None, work, repeat)
        print(f"{label:<18} {domain(zkey):>8}   {fmt(ours)}   {fmt(theirs)}   {ratio(ours, theirs)}", flush=True)


def domain(zkey: Path) -> str:
    import struct

    from zkp.formats.zkey import open_binary, snarkjs_sections

    sec = snarkjs_sections(open_binary(zkey, "zkey"), b"zkey", 10)
    n = struct.unpack_from("<I", sec[2], 80)[0]
    return f"2^{n.bit_length() - 1}"


def serve_row(constraints: int, repeat: int, rs: str | None, work: Path) -> None:
    from zkmpc.prover_server import request_proof

    zkey, wtns = fx.chain(constraints, f"chain{constraints}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *_site_packages()])}
    server = subprocess.Popen(zkmpc_cmd("prover", "serve", str(zkey), "--port", "0"), cwd=work, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if " at http://" not in line:
            raise SystemExit(f"zkmpc prover serve did not start: {line}{server.stdout.read()}")
        url = line.split(" at ")[1].split("/prove")[0]
        body = wtns.read_bytes()
        request_proof(url, body)  # warm: the first proof faults the key's pages in
        times = []
        for _ in range(max(repeat, 3)):
            t0 = time.perf_counter()
            request_proof(url, body)
            times.append(time.perf_counter() - t0)
    finally:
        server.terminate()
        server.wait(timeout=30)
    per_proof = statistics.median(times)
    theirs = median_run([rs, str(zkey), str(wtns), "p2.json", "pub2.json"], work, repeat) if rs else None
    vs = NOT_MEASURED if theirs is None else f"{theirs[0]:.3f} s: ratio {per_proof / theirs[0]:.2f}x"
    print(f"long-lived prover (zkmpc prover serve), {constraints:,} constraints: {per_proof:.3f} s a proof "
          f"over HTTP (median of {len(times)}) vs rapidsnark whole process {vs}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="14,16,20,sha1k", help="chain domains (log2) and/or sha1k")
    ap.add_argument("--repeat", type=int, default=3, help="runs per tool and size (the median is shown)")
    ap.add_argument("--serve", type=int, default=5124, help="constraints of the long-lived prover's chain (0: skip)")
    ap.add_argument("--quick", action="store_true", help="a 2^10 chain and a 300-constraint server row, once")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.serve = "10", 1, 300
    rs = rapidsnark()
    print(f"zkmpc prove from .zkey + .wtns vs rapidsnark ({rs or 'RAPIDSNARK not set'}); "
          f"{os.cpu_count()} cores, {load()}; ratios zkmpc / rapidsnark; {byte_compile()}", flush=True)
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        cli_rows([s for s in args.sizes.split(",") if s], args.repeat, rs, work)
        if args.serve:
            serve_row(args.serve, args.repeat, rs, work)
    print(f"({load()} at the end)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
