"""The fixed-point model gadgets (circuits/gadgets/ml.py) equal their native twins
(circuits/native/ml.py) exactly, including at the format's edges, and the malicious-witness
harness finds no witness for a rescale off by one, a ReLU or sign flipped, a sigmoid moved
or the argmax of a non-maximum (each beside a true claim the harness does complete)."""

from __future__ import annotations

import random
from functools import lru_cache
from typing import Any

import pytest

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.errors import UnsatisfiedConstraintError
from circuits.gadgets import ml
from circuits.native import ml as native
from circuits.native.ml import FixedPoint, FixedPointOverflowError, from_field, to_field
from circuits.testing import ForgerySearch

from .._helpers import ForgeryCase

FMT = FixedPoint(frac_bits=4, bits=10)  # small: every edge is reachable
N = 4


class Gadgets(Circuit):
    """Every gadget on N private values: their outputs public."""

    rescaled: Public[Field, N]
    relus: Public[Field, N]
    signs: Public[Field, N]
    sigmoids: Public[Field, N]
    label: Public[Field]
    x: Secret[Field, N]
    y: Secret[Field, N]

    def define(self, api: Any) -> None:
        for i in range(N):
            with api.scope("rescale"):
                api.assert_equal(ml.rescale(api, self.y[i], FMT), self.rescaled[i])
            with api.scope("relu"):
                api.assert_equal(ml.relu(api, self.x[i], FMT), self.relus[i])
            with api.scope("sign"):
                api.assert_equal(ml.sign(api, self.x[i], FMT), self.signs[i])
            with api.scope("sigmoid"):
                api.assert_equal(ml.sigmoid(api, self.x[i], FMT), self.sigmoids[i])
        with api.scope("argmax"):
            api.assert_equal(ml.argmax(api, self.x, FMT), self.label)


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return compile(Gadgets)


def expected(x: list[int], y: list[int]) -> dict[str, Any]:
    return {"rescaled": [native.rescale(v, FMT) for v in y], "relus": [native.relu(v, FMT) for v in x],
            "signs": [native.sign(v, FMT) for v in x], "sigmoids": [native.sigmoid(v, FMT) for v in x],
            "label": native.argmax(x, FMT)}


def assignment(x: list[int], y: list[int], **override: Any) -> Gadgets:
    values = {**expected(x, y), **override}
    enc = {k: ([to_field(v) for v in val] if isinstance(val, list) else to_field(val)) for k, val in values.items()}
    return Gadgets(**enc, x=[to_field(v) for v in x], y=[to_field(v) for v in y])


def random_case(rng: random.Random) -> tuple[list[int], list[int]]:
    edges = [FMT.lo, FMT.hi, 0, -1, 1, FMT.one, -FMT.one, 5 * FMT.one, -5 * FMT.one, 19 * FMT.one // 8]
    x = [rng.choice(edges) if rng.random() < 0.3 else rng.randint(FMT.lo, FMT.hi) for _ in range(N)]
    if rng.random() < 0.3:
        x[rng.randrange(N)] = max(x)  # ties: the first largest wins
    ylo, yhi = FMT.lo * FMT.one - FMT.one // 2, FMT.hi * FMT.one + FMT.one // 2 - 1  # rescales into range
    y = [rng.choice([ylo, yhi, 0, FMT.one // 2, -FMT.one // 2, -FMT.one // 2 - 1]) if rng.random() < 0.3
         else rng.randint(ylo, yhi) for _ in range(N)]
    return x, y


def test_every_gadget_equals_its_native_twin() -> None:
    cs, rng = circuit(), random.Random(1)
    for _ in range(300):
        x, y = random_case(rng)
        want = expected(x, y)
        public = [from_field(v) for v in cs.solve(assignment(x, y)).public]
        flat = [*want["rescaled"], *want["relus"], *want["signs"], *want["sigmoids"], want["label"]]
        assert public == flat, (x, y)


def test_the_sigmoid_is_within_its_documented_error() -> None:
    import math

    fmt = FixedPoint(frac_bits=12, bits=20)
    for q in range(-10 * fmt.one, 10 * fmt.one, 37):
        exact = 1 / (1 + math.exp(-q / fmt.one))
        assert abs(fmt.decode(native.sigmoid(q, fmt)) - exact) <= native.SIGMOID_MAX_ERROR + 2 / fmt.one


def test_values_out_of_range_have_no_witness() -> None:
    cs = circuit()
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(Gadgets(**{k: [0] * N for k in ("rescaled", "relus", "signs", "sigmoids")}, label=0,
                         x=[to_field(FMT.hi + 1), 0, 0, 0], y=[0] * N))
    ytop = FMT.hi * FMT.one + FMT.one // 2  # rescales to hi + 1
    with pytest.raises(FixedPointOverflowError):
        native.rescale(ytop, FMT)
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(assignment([0] * N, [0] * N, rescaled=[FMT.hi + 1, 0, 0, 0]).__class__(
            **{**{k: [0] * N for k in ("relus", "sigmoids")}, "signs": [1] * N, "label": 0,
               "rescaled": [to_field(FMT.hi + 1), 0, 0, 0], "x": [0] * N, "y": [ytop, 0, 0, 0]}))
    with pytest.raises(FixedPointOverflowError):
        FMT.encode(float("inf"))


class Case(ForgeryCase):
    def __init__(self) -> None:
        cs = circuit()
        # x: one negative, one positive, a max at index 2 and a near-max at 3; y rounds up at a half
        self.x, self.y = [-3 * FMT.one, 2 * FMT.one + 3, 6 * FMT.one, 6 * FMT.one - 1], [40, -8, 7, -9]
        self.attack(cs, cs.solve(assignment(self.x, self.y)))


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_the_constraints_determine_every_result(case: Case) -> None:
    assert case.free == []


def test_a_rescale_off_by_one_has_no_witness(case: Case) -> None:
    for i, r in enumerate(native.rescale(v, FMT) for v in case.y):
        for wrong in (r + 1, r - 1):
            assert case.forge({case.w("rescaled", i): to_field(wrong)}) is None, (i, wrong)
    # control: the same output moved with its input (y + 16 rescales to r + 1) is found
    assert case.forge({case.w("rescaled", 0): 4, case.w("y", 0): 56}) is not None


def test_a_flipped_relu_or_sign_has_no_witness(case: Case) -> None:
    assert case.forge({case.w("relus", 0): to_field(case.x[0])}) is None  # relu(-3) = -3
    assert case.forge({case.w("relus", 1): 0}) is None  # relu(2.2) = 0
    assert case.forge({case.w("signs", 0): 1}) is None
    assert case.forge({case.w("signs", 1): 0}) is None
    assert case.forge({case.w("sigmoids", 0): native.sigmoid(case.x[0], FMT) + 1}) is None
    # control (a circuit of one relu: the harness repairs one gadget at a time): relu follows its input
    relu_cs = compile(OneRelu)
    w = relu_cs.solve(OneRelu(out=5, x=5))
    assert ForgerySearch(relu_cs, w).forge({1: 6, 2: 6}) is not None
    assert ForgerySearch(relu_cs, w).forge({1: 0}) is None


class OneRelu(Circuit):
    out: Public[Field]
    x: Secret[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(ml.relu(api, self.x, FMT), self.out)


def test_the_argmax_of_a_non_maximum_has_no_witness(case: Case) -> None:
    for wrong in (0, 1, 3, 4, to_field(-1)):
        assert case.forge({case.w("label"): wrong}) is None, wrong


@pytest.mark.parametrize("pick", ["last of a tie", "a non-maximum"])
def test_a_hint_that_picks_another_index_has_no_witness(monkeypatch: pytest.MonkeyPatch, pick: str) -> None:
    """A prover running its own argmax hint (the last of two equal maxima, or a smaller
    value) cannot satisfy the comparisons: the first largest is the only answer."""
    x, label = ([5, 9, 9, 1], 2) if pick == "last of a tie" else ([5, 9, 8, 1], 2)

    def chosen(*values: int) -> list[int]:
        return [int(i == label) for i in range(len(values))]

    monkeypatch.setattr(ml, "one_hot_argmax", chosen)
    cs = compile(Gadgets)
    with pytest.raises(UnsatisfiedConstraintError, match="argmax"):
        cs.solve(assignment(x, [0] * N, label=label))
    monkeypatch.undo()
    assert circuit().solve(assignment(x, [0] * N)).public[-1] == 1


def test_single_wire_moves_find_nothing(case: Case) -> None:
    search = ForgerySearch(case.cs, case.witness, free=case.free)
    assert search.sweep() == []
    assert search.non_boolean() == []
