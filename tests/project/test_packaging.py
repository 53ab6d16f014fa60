"""Every Python package in the source tree is declared in pyproject.toml (a missing one
works in an editable install and is silently absent from the wheel)."""

from __future__ import annotations

import ast
import re

from ..conftest import ROOT


def test_every_package_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    declared = set(ast.literal_eval(re.search(r"^packages = (\[.*?\])", text, re.M | re.S).group(1)))  # type: ignore[union-attr]
    found = set()
    for top in ("zkp", "circuits", "mpc", "zkmpc", "examples"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    assert found == declared
