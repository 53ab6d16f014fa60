"""Kernel configuration is read in Python and passed to the C twin (DESIGN §4): the C code
reads no environment variable, ``ZKP_THREADS`` and ``ZKP_NO_MULX`` are parsed by :mod:`zkp._backend`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from zkp import _bn254_py as PY
from zkp._backend import set_mulx, set_threads
from zkp.errors import MalformedInputError

from .._helpers import c_twin
from ..conftest import ROOT


def test_the_c_sources_read_no_environment_variable() -> None:
    src = ROOT / "zkp" / "_bn254_src"
    reads = [(f.name, m) for f in sorted(src.iterdir()) if f.suffix in (".c", ".h")
             for m in re.findall(r"\b(?:secure_)?getenv\s*\(([^)]*)\)", f.read_text())]
    assert reads == [], reads


@pytest.mark.parametrize("twin", ["python", "c"])
def test_both_twins_take_the_thread_count_and_refuse_nonsense(twin: str) -> None:
    kernels = PY if twin == "python" else c_twin()
    try:
        for n in (0, 1, 3, 1000):  # 1000 is capped, not refused
            kernels.set_threads(n)
            assert kernels.g1_msm(bytes(64) * 5000, bytes(32) * 5000) == bytes(64)
        for bad in (-1, True, "2", 1.5):
            with pytest.raises(MalformedInputError, match="set_threads: expected an int >= 0"):
                kernels.set_threads(bad)
    finally:
        set_threads()


def test_zkp_threads_is_read_by_python_and_a_typo_is_named() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), ZKP_THREADS="two")
    res = subprocess.run([sys.executable, "-c", "import zkp"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode != 0 and "ZKP_THREADS: expected a whole number of threads" in res.stderr
    assert "'two'" in res.stderr
    env["ZKP_THREADS"] = "1"
    code = "import zkp, zkp._backend as b; print(b._threads_from_env())"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120).stdout.strip() == "1"


@pytest.mark.parametrize("twin", ["python", "c"])
def test_both_twins_take_the_mulx_switch_and_give_the_same_bytes(twin: str) -> None:
    kernels = PY if twin == "python" else c_twin()
    points = kernels.g1_batch_mul(bytes(31) + b"\x01" + bytes(31) + b"\x02",  # the generator times 7 and 11
                                  bytes(31) + b"\x07" + bytes(31) + b"\x0b")
    scalars = bytes(31) + b"\x05" + (2 ** 250 + 12345).to_bytes(32, "big")
    try:
        assert kernels.set_mulx(False) is False
        portable = kernels.g1_msm(points, scalars)
        assert kernels.set_mulx(True) in (True, False) and (twin == "c" or not kernels.set_mulx(True))
        assert kernels.g1_msm(points, scalars) == portable
        for bad in (1, None, "0"):
            with pytest.raises(MalformedInputError, match="set_mulx: expected a bool"):
                kernels.set_mulx(bad)
    finally:
        set_mulx()


def test_zkp_no_mulx_is_read_by_python() -> None:
    code = "import zkp, zkp._backend as b; print(b._mulx_from_env())"
    for value, expected in (("1", "False"), ("0", "True"), ("", "True")):
        env = dict(os.environ, PYTHONPATH=str(ROOT), ZKP_NO_MULX=value)
        assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              timeout=120).stdout.strip() == expected
