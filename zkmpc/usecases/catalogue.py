"""The catalogue of use cases: every script in ``examples/<sector>/`` with its one-line
description (the first line of its docstring), listed by sector and run by name.

    >>> from zkmpc.usecases.catalogue import catalogue, find
    >>> cases = catalogue()
    >>> sorted({c.sector for c in cases}) <= list(SECTORS)
    True
    >>> find("credential").module
    'examples.identity.credential'

From the shell: ``zkmpc usecases`` (the table), ``zkmpc usecases run NAME [ARGS...]``.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..errors import UseCaseError

__all__ = ["SECTORS", "UseCase", "catalogue", "find", "markdown_table", "run"]

SECTORS = ("identity", "healthcare", "education", "finance", "transportation", "ai")


@dataclass(frozen=True)
class UseCase:
    """One runnable use case: ``python -m {module}``."""

    name: str
    sector: str
    module: str
    summary: str

    def command(self) -> str:
        return f"python -m {self.module}"


def _examples_dir() -> Path:
    spec = importlib.util.find_spec("examples")
    if spec is None or not spec.submodule_search_locations:
        raise UseCaseError("use cases: the package 'examples' is not importable (run from a checkout of zkmpc, "
                           "or install it with its examples)")
    return Path(next(iter(spec.submodule_search_locations)))


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text("utf-8"), str(path))) or ""
    return doc.strip().split("\n")[0].strip()


def catalogue() -> list[UseCase]:
    """Every use case, by sector (in :data:`SECTORS` order) then name.

    Raises:
        UseCaseError: the ``examples`` package is not importable.
    """
    root, cases = _examples_dir(), []
    for rank, sector in enumerate(SECTORS):
        for path in sorted((root / sector).glob("*.py")):
            if not path.name.startswith("_"):
                cases.append(UseCase(path.stem, sector, f"examples.{sector}.{path.stem}", _summary(path)))
    return cases


def find(name: str) -> UseCase:
    """The use case called ``name`` (``sector/name`` when two sectors share a name).

    Raises:
        UseCaseError: no such use case, or an ambiguous name; the message lists them.
    """
    cases = catalogue()
    hits = [c for c in cases if name in (c.name, f"{c.sector}/{c.name}", c.module)]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(f"{c.sector}/{c.name}" for c in cases)
    what = "an ambiguous" if hits else "an unknown"
    raise UseCaseError(f"use case: expected one of {known}, found {what} name {name!r}")


def run(name: str, argv: Sequence[str] = (), out: TextIO | None = None) -> Any:
    """Run the use case ``name`` with its command-line arguments ``argv``; returns what its
    ``main`` returns (its figures)."""
    case = find(name)
    main = getattr(importlib.import_module(case.module), "main", None)
    if main is None or "argv" not in inspect.signature(main).parameters:
        raise UseCaseError(f"{case.module}: expected a main(argv, out) function")
    return main(list(argv), out) if out is not None else main(list(argv))


def markdown_table(cases: Sequence[UseCase] | None = None) -> str:
    """The catalogue as the README's table."""
    rows = ["| sector | use case | what it shows | run |", "|---|---|---|---|"]
    for c in catalogue() if cases is None else cases:
        rows.append(f"| {c.sector} | `{c.name}` | {c.summary} | `{c.command()}` |")
    return "\n".join(rows)
