"""``make mutants`` (tools/mutants.py) can pick each planted bug alone and runs, for the
gadgets' bugs, the very test tests/circuits/test_forgery.py says catches it (test_forgery.py
checks that every bug still finds its text)."""

from __future__ import annotations

import ast

from tools.mutants import MUTANTS, ROOT, forgery_mutants


def test_every_mutant_has_its_own_name() -> None:
    names = [m.name for m in (*MUTANTS, *forgery_mutants())]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_a_gadget_mutant_runs_the_test_that_catches_it() -> None:
    def tests_of(path: str) -> set[str]:
        tree = ast.parse((ROOT / path).read_text())
        return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}

    for m in forgery_mutants():
        (node,) = m.tests
        path, _, test = node.partition("::")
        assert path.startswith("tests/circuits/") and test in tests_of(path) and m.why == f"caught by {test}", m
