"""DESIGN §1: zkp imports neither circuits nor mpc; circuits and mpc not each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"zkp": {"circuits", "mpc", "zkmpc"}, "circuits": {"mpc", "zkmpc"},
             "mpc": {"circuits", "zkmpc"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_no_layer_reaches_upward() -> None:
    bad = []
    for pkg, forbidden in FORBIDDEN.items():
        for path in (ROOT / pkg).rglob("*.py"):
            hit = _imports(path) & forbidden
            if hit:
                bad.append(f"{path.relative_to(ROOT)} imports {sorted(hit)}")
    assert not bad, bad


def test_no_pickle_or_eval_on_data() -> None:
    for pkg in ("zkp", "circuits", "mpc", "zkmpc"):
        for path in (ROOT / pkg).rglob("*.py"):
            assert "pickle" not in _imports(path), path
