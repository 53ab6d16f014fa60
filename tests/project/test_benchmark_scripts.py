"""The scripts of benchmarks/ that run as files (MPyC's side: MPyC starts its parties by
running the file again) import the package ``mpc``, never benchmarks/mpc.py, although Python
puts their directory first on sys.path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("_mpyc_*.py"))


def test_the_scripts_are_found() -> None:
    assert {s.name for s in SCRIPTS} >= {"_mpyc_sum.py", "_mpyc_ops.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_a_script_run_as_a_file_imports_the_mpc_package(script: Path, tmp_path: Path) -> None:
    # what `python benchmarks/<script>` does: its directory first on sys.path, then the file
    # (as another module name: its parties start only under __main__)
    code = ("import os, runpy, sys\n"
            "script = os.environ['BENCH_SCRIPT']\n"
            "sys.path.insert(0, os.path.dirname(script))\n"
            "runpy.run_path(script, run_name='benchmark_script')\n"
            "import mpc\n"
            "print(mpc.__file__)\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), BENCH_SCRIPT=str(script))
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert Path(res.stdout.strip()) == ROOT / "mpc" / "__init__.py"
