"""compile(strict=True) and circuits.lint name under-constrained variables."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UnderconstrainedError, compile, lint
from circuits.gadgets import is_zero


def test_strict_names_unused_inputs_and_free_wires() -> None:
    class Loose(Circuit):
        out: Public[Field]
        spare: Public[Field]
        x: Secret[Field]
        unused: Secret[Field]

        def define(self, api: Any) -> None:
            api.assert_equal(self.x * self.x, self.out)
            api._wire(None)  # a hint wire nobody constrains

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(Loose)  # the default only warns about the public one
        with pytest.raises(UnderconstrainedError) as exc:
            compile(Loose, strict=True)
    found = exc.value.findings
    assert "public input spare is used by no constraint" in found
    assert "secret input unused is used by no constraint" in found
    assert any(f.startswith("wire ") and "test_lint.py:" in f for f in found)
    assert len(found) == 3


def test_strict_accepts_a_real_circuit() -> None:
    from benchmarks.groth16 import merkle_circuit

    cls, assignment = merkle_circuit(4)
    cs = compile(cls, strict=True)
    cs.solve(assignment)
    assert lint(cls) == []


def test_dynamic_lint_finds_free_variables() -> None:
    class Z(Circuit):
        x: Secret[Field]
        z: Public[Bool]

        def define(self, api: Any) -> None:
            api.assert_equal(is_zero(api, self.x), self.z)

    assert lint(Z, Z(x=5, z=0)) == []
    found = lint(Z, Z(x=0, z=1))  # the inverse is free at 0 (documented)
    assert len(found) == 1 and "not determined" in found[0] and "test_lint.py:" in found[0]
