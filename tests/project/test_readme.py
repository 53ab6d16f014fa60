"""The README runs as written: its Python examples (checked in detail below), and every
python and sh block in order in a scratch directory, starting the node and creating the
files they need themselves (item 6 of issue 19)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from ..conftest import ROOT


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_notebook_example_runs() -> None:
    ns: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(_blocks()[0], ns)  # noqa: S102 - our own README
    assert ns["groth16"].verify(ns["vk"], ns["w"].public, ns["proof"])


def test_eligibility_example_solves() -> None:
    block = next(b for b in _blocks() if "class Eligible" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    from circuits import compile
    from circuits.native import MerkleTree, nullifier, poseidon

    cs = compile(ns["Eligible"])
    tree = MerkleTree(20, leaves=[11, poseidon([12345]), 13])
    p = tree.proof(1)
    w = cs.solve(ns["Eligible"](root=tree.root, scope=7, null=nullifier(12345, 7), secret=12345, age=30,
                                path=list(p.path_bits), siblings=list(p.siblings)))
    assert cs.r1cs.is_satisfied(w.values())


def test_paillier_example_runs() -> None:
    block = next(b for b in _blocks() if "paillier.keygen" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert ns["total"] == 375 and len(ns["cts"]) == 1000
    s = ns["summary"]
    assert (s.reports, s.count, str(s.total)) == (3, 4, "192000.75")


def test_sharing_example_runs() -> None:
    block = next(b for b in _blocks() if "shamir.split" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert ns["secret"] == 123456789 and ns["recovered"].secret == 123456789 and ns["recovered"].bad == ()
    st = ns["stats"][1]
    assert (st.count, str(st.mean), st.missing) == (8, "5.475", (4,))


def test_ceremony_example_runs(tmp_path: Any, monkeypatch: Any) -> None:
    block = next(b for b in _blocks() if "new_zkey" in b)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests" / "vectors").mkdir(parents=True)
    (tmp_path / "tests" / "vectors" / "pot8_final.ptau").write_bytes(
        (ROOT / "tests" / "vectors" / "pot8_final.ptau").read_bytes())
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert [name for name, _ in ns["report"]] == ["bank A", "bank B", "final beacon"]
    assert (tmp_path / "adult.zkey").stat().st_size > 0 and not ns["zk"].development


# --- every block as written, in order, in a scratch directory -----------------------------------

# Blocks the tests check but do not run, each with why: `make demo` and `make test` build the
# environment this suite runs in (and `make test` is this suite); the benchmarks take minutes each
# (their small sizes run in their own tests). Their targets must exist and their flags parse.
NOT_RUN = ("make demo", ".venv/bin/python -m benchmarks.")


def _fenced() -> list[tuple[str, str]]:
    """``(language, text)`` of every fenced block of the README, in order."""
    return re.findall(r"```(\w+)\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def _runnable(lang: str, text: str) -> bool:
    return lang in ("python", "sh") and not any(marker in text for marker in NOT_RUN)


def test_every_fenced_block_is_python_or_sh() -> None:
    assert {lang for lang, _ in _fenced()} <= {"python", "sh"}
    assert sum(_runnable(*b) for b in _fenced()) >= 12


def test_the_commands_not_run_are_checked() -> None:
    """`make` targets exist; each benchmark line names a module whose parser takes its flags."""
    makefile = (ROOT / "Makefile").read_text()
    lines = [line.split("#")[0].strip() for lang, text in _fenced() if not _runnable(lang, text)
             for line in text.splitlines() if line.split("#")[0].strip()]
    assert len(lines) >= 9
    for line in lines:
        if line.startswith("make "):
            assert re.search(rf"^{line.split()[1]}:", makefile, re.M), line
            continue
        module = re.search(r"-m (benchmarks\.\w+)", line)
        assert module, line
        usage = subprocess.run([sys.executable, "-m", module.group(1), "--help"], cwd=ROOT, capture_output=True,
                               text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert usage.returncode == 0, usage.stderr
        for flag in re.findall(r"(--[a-z-]+)", line):
            assert flag in usage.stdout, (line, flag)


def _scratch(tmp_path: Path) -> dict[str, str]:
    """A scratch checkout: the read-only inputs the README names linked in, a ``zkmpc`` command
    (this tree's) and the pinned npm tools on PATH. Returns the shell's environment."""
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    bin_dir = tmp_path.parent / f"{tmp_path.name}-bin"
    bin_dir.mkdir()
    (bin_dir / "zkmpc").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m zkmpc "$@"\n')
    (bin_dir / "zkmpc").chmod(0o755)
    path = os.pathsep.join([str(bin_dir), str(ROOT / "node_modules" / ".bin"), os.environ.get("PATH", "")])
    return dict(os.environ, PATH=path, PYTHONPATH=str(ROOT), npm_config_offline="true",
                ZKMPC_NODE_MODULES=str(ROOT / "node_modules"))


def _sh(text: str, cwd: Path, env: dict[str, str]) -> str:
    res = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=900)
    assert res.returncode == 0, f"{text}\n-> {res.returncode}\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res.stdout


def _ignored(paths: list[str]) -> set[str]:
    """The paths (relative to a checkout) that the project's .gitignore covers."""
    res = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=ROOT, input="\n".join(paths),
                         capture_output=True, text=True, timeout=60)
    return set(res.stdout.split())


@pytest.mark.interop
@pytest.mark.app_layer  # the zkmpc command line throughout (and minutes on the pure-Python twin)
def test_every_block_runs_as_written_and_writes_only_ignored_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, solc_ready: None) -> None:
    """Every python and sh block of the README, in the README's order, exactly as written, in
    one scratch directory (Python blocks share one namespace, as in a notebook); then every
    file they wrote is one that .gitignore covers in a checkout."""
    env = _scratch(tmp_path)
    monkeypatch.chdir(tmp_path)
    ns: dict[str, Any] = {}
    out = []
    for lang, text in _fenced():
        if not _runnable(lang, text):
            continue
        if lang == "sh":
            out.append(_sh(text, tmp_path, env))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(text, ns)  # noqa: S102 - our own README
    printed = "".join(out)
    assert "OK!" in printed and "Powers of Tau Ok!" in printed and "ZKey Ok!" in printed
    assert json.loads((tmp_path / "result1.json").read_text())["count"] == 5
    assert "total:     192000.75" in printed and "count:     4" in printed
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")
                     if p.is_file() and not any(part in ("examples", "tests") for part in p.relative_to(tmp_path).parts))
    assert len(written) > 20
    assert [p for p in written if p not in _ignored(written)] == []
