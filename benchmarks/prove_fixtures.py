"""The circuits of ``benchmarks.prove``, made once and cached (``$ZKMPC_CACHE/prove``, else
``.cache/prove``): a ``.zkey`` (zkmpc's development setup) and a ``.wtns`` for each.

* ``chainK``: a multiplication chain filling the 2^K domain (``2^K - 2`` constraints);
* ``chain5k``: a 5,124-constraint chain (the long-lived prover's row);
* ``sha1k``: circomlib's ``Sha256(8192)`` (SHA-256 of 1 KB) compiled by the pinned circom2,
  its witness computed by the pinned snarkjs from circom's WebAssembly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SHA_SOURCE = 'pragma circom 2.0.0;\ninclude "sha256/sha256.circom";\ncomponent main = Sha256(8192);\n'


def cache_dir() -> Path:
    d = Path(os.environ.get("ZKMPC_CACHE", ROOT / ".cache")) / "prove"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _dev_zkey(r1cs: Path, zkey: Path) -> None:
    from zkp import groth16
    from zkp.formats.circom import read_r1cs
    from zkp.formats.zkey import write_zkey

    cs = read_r1cs(r1cs.read_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, _ = groth16.setup(cs)
    write_zkey(pk, zkey.with_suffix(".tmp"))
    zkey.with_suffix(".tmp").rename(zkey)


def chain(constraints: int, name: str) -> tuple[Path, Path]:
    """(zkey, wtns) of a multiplication chain of ``constraints`` constraints."""
    d = cache_dir()
    zkey, wtns, r1cs = d / f"{name}.zkey", d / f"{name}.wtns", d / f"{name}.r1cs"
    if zkey.exists() and wtns.exists():
        return zkey, wtns
    from circuits import compile as compile_circuit
    from zkp.field import R
    from zkp.formats.circom import write_r1cs, write_wtns

    from .groth16 import chain_circuit

    t0 = time.perf_counter()
    cls = chain_circuit(constraints)
    compiled = compile_circuit(cls)
    w = compiled.solve(cls(out=pow(3, constraints, R), x=3))
    r1cs.write_bytes(write_r1cs(compiled.r1cs))
    wtns.write_bytes(write_wtns(w))
    del compiled, w
    _dev_zkey(r1cs, zkey)
    print(f"  (made {name}: {constraints} constraints in {time.perf_counter() - t0:.0f} s, cached in {d})",
          flush=True)
    return zkey, wtns


def chain_log(log_n: int) -> tuple[Path, Path]:
    return chain((1 << log_n) - 2, f"chain{log_n}")


def sha1k() -> tuple[Path, Path]:
    """(zkey, wtns) of circomlib's SHA-256 of 1 KB."""
    d = cache_dir()
    zkey, wtns, r1cs = d / "sha1k.zkey", d / "sha1k.wtns", d / "sha1k.r1cs"
    if zkey.exists() and wtns.exists():
        return zkey, wtns
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "node_modules" / "circomlib" / "circuits", work / "lib")
        (work / "main.circom").write_text(_SHA_SOURCE)
        circom = ROOT / "node_modules" / ".bin" / "circom2"
        subprocess.run([str(circom), "main.circom", "--r1cs", "--wasm", "-l", "lib", "-o", "."],
                       cwd=work, check=True, capture_output=True)
        bits = [(i * 7 + 3) % 256 >> k & 1 for i in range(1024) for k in range(7, -1, -1)]
        (work / "input.json").write_text('{"in": [' + ",".join(map(str, bits)) + "]}")
        snarkjs = ROOT / "node_modules" / ".bin" / "snarkjs"
        subprocess.run([str(snarkjs), "wtns", "calculate", "main_js/main.wasm", "input.json", "w.wtns"],
                       cwd=work, check=True, capture_output=True)
        shutil.copy(work / "main.r1cs", r1cs)
        shutil.copy(work / "w.wtns", wtns)
    _dev_zkey(r1cs, zkey)
    print(f"  (made sha1k in {time.perf_counter() - t0:.0f} s, cached in {d})", flush=True)
    return zkey, wtns


if __name__ == "__main__":
    import sys

    for arg in sys.argv[1:]:
        if arg == "sha1k":
            print(sha1k())
        elif arg == "5k":
            print(chain(5124, "chain5k"))
        else:
            print(chain_log(int(arg)))
