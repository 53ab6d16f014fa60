"""Constraint counts: pinned in a golden CSV, and never above circomlib's at circom --O2."""

from __future__ import annotations

import csv
import random
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from benchmarks.gadget_catalog import BEYOND_CIRCOMLIB, CATALOG, circom_source, cost
from benchmarks.gadgets import circom_count, circom_workdir
from circuits import Circuit, Field, Public, Secret, compile
from circuits.errors import CircuitDefinitionError
from zkp.field import R

from ..conftest import VECTORS, assert_internal_wires_bound

GOLDEN = VECTORS / "gadget_counts.csv"


def golden() -> dict[str, int]:
    with GOLDEN.open() as f:
        return {row["gadget"]: int(row["constraints"]) for row in csv.DictReader(f)}


@pytest.mark.twin_independent  # compiles only (RSA, ECDSA: 10^5 rows): the C pass runs it
def test_counts_match_the_golden_file() -> None:
    pinned = golden()
    entries = [*CATALOG, *(p.entry for p in BEYOND_CIRCOMLIB)]
    assert set(pinned) == {e.name for e in entries}
    measured = {e.name: cost(e) for e in entries}
    assert measured == pinned, "counts changed: review, then `python -m benchmarks.gadgets --write-golden`"


def test_gadgets_beyond_circomlib_cost_no_more_than_the_best_published() -> None:
    pinned = golden()
    over = {p.entry.name: (pinned[p.entry.name], p.published) for p in BEYOND_CIRCOMLIB
            if p.published is not None and pinned[p.entry.name] > p.published}
    assert not over, over


@pytest.mark.interop
@pytest.mark.twin_independent  # constraint counts: the C pass runs it, the pure-Python pass skips it
def test_no_gadget_costs_more_than_circomlib_at_O2(circom: str) -> None:
    pinned = golden()
    halves = [CATALOG[0::2], CATALOG[1::2]]  # two circom2 processes at once: the suite runs serially

    def counts(entries: Any, d: str) -> dict[str, int]:
        work = circom_workdir(Path(d))
        return {e.name: circom_count(circom_source(e), work, "--O2") for e in entries}

    with tempfile.TemporaryDirectory() as d0, tempfile.TemporaryDirectory() as d1, \
            ThreadPoolExecutor(max_workers=2) as pool:
        theirs = {k: v for part in pool.map(counts, halves, [d0, d1]) for k, v in part.items()}
    assert set(theirs) == {e.name for e in CATALOG}
    over = {name: (pinned[name], n) for name, n in theirs.items() if pinned[name] > n}
    assert not over, f"zkmpc above circom --O2 (ours, theirs): {over}"


@pytest.mark.interop
def test_eligibility_circuit_costs_no_more_than_circom(circom: str) -> None:
    from benchmarks.groth16 import merkle_circuit

    cls, assignment = merkle_circuit(20)
    cs = compile(cls)
    with tempfile.TemporaryDirectory() as d:
        work = circom_workdir(Path(d))
        src = (Path(__file__).resolve().parents[2] / "benchmarks" / "circom" / "eligibility.circom").read_text()
        assert cs.r1cs.num_constraints <= circom_count(src, work, "--O2")
    w = cs.solve(assignment)
    assert cs.r1cs.is_satisfied(w.values())


# ---------------------------------------------------------------- linear elimination

def test_elimination_keeps_the_solution_set() -> None:
    """Random chains of linear and product steps with redundant equalities: the optimised
    system is smaller, satisfied by the compacted witness, and every remaining non-input
    wire is still determined; a wrong public output is refused."""
    rng = random.Random(11)
    for _ in range(20):
        ops = [(rng.choice("+*=c"), rng.randrange(1, 50)) for _ in range(12)]

        class T(Circuit):
            out: Public[Field]
            x: Secret[Field]
            y: Secret[Field]

            def define(self, api: Any) -> None:
                v, u = self.x, self.y
                for op, k in ops:
                    if op == "+":
                        v = v + u * k
                    elif op == "*":
                        v, u = v * u, v
                    elif op == "=":
                        fresh = api.mul(u, u)
                        api.assert_equal(fresh, u * u)  # a redundant equality
                        v = v + fresh
                    else:
                        u = u + k
                api.assert_equal(v, self.out)

        v, u = 3, 5
        for op, k in ops:
            if op == "+":
                v = (v + u * k) % R
            elif op == "*":
                v, u = v * u % R, v
            elif op == "=":
                v = (v + u * u) % R
            else:
                u = (u + k) % R
        full, opt = compile(T, optimize=False), compile(T)
        assert opt.r1cs.num_constraints < full.r1cs.num_constraints
        w = opt.solve(T(out=v, x=3, y=5))
        assert opt.r1cs.is_satisfied(w.values()) and len(w.values()) == opt.r1cs.num_wires
        assert full.r1cs.is_satisfied(full.solve(T(out=v, x=3, y=5)).values())
        assert_internal_wires_bound(opt, w)
        bad = list(w.values())
        bad[1] = (bad[1] + 1) % R
        assert not opt.r1cs.is_satisfied(bad)


def test_contradictory_linear_constraints_are_reported_at_compile() -> None:
    class C(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            y = api.mul(self.x, self.x)
            api.assert_equal(y, 1)
            api.assert_equal(y, 2)

    with pytest.raises(CircuitDefinitionError, match="no witness"):
        compile(C)
