"""Verifiable private aggregation (zkmpc.aggregation): contributors' committed shares with a
Groth16 validity proof, aggregators' opening checks, the auditor's batch screening and
result check; every refusal names the contributor and the aggregate of the rest is right.
The contribution circuit is attacked with the malicious-witness harness."""

from __future__ import annotations

import random
import warnings
from functools import lru_cache
from typing import Any

import pytest

from circuits.native import babyjub as bj
from circuits.testing import input_wires, scope_wires
from zkmpc.aggregation import (ORDER, AggregationKeys, Aggregator, Auditor, Contribution, Contributor, Generators,
                               Shape, Share, Total, hash_to_curve)
from zkmpc.aggregation.generators import FixedBase, sum_points
from zkmpc.errors import (AggregateMismatchError, AggregationError, ContributionFormatError, ContributionRangeError,
                          DuplicateContributionError, InvalidContributionProofError, ShareOpeningError)
from zkp.field import R

from .._helpers import ForgeryCase

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail (file, text, replacement, test red)
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("zkmpc/aggregation/circuit.py", '"wraps": Secret[UInt[shape.wrap_bits], n]}', '"wraps": Secret[Field, n]}',
     "test_a_value_cannot_be_changed_behind_fixed_commitments"),
    ("zkmpc/aggregation/circuit.py", "                api.assert_equal(ones, 1)", "                pass",
     "test_a_histogram_contribution_must_be_one_hot"),
    ("zkmpc/aggregation/circuit.py", "else Secret[UInt[shape.bits], n]", "else Secret[Field, n]",
     "test_an_out_of_range_value_has_no_witness"),
    ("zkmpc/aggregation/circuit.py", "                api.assert_equal(acc[1], self.commitments[i][1])",
     "                pass", "test_the_commitments_are_bound_to_the_shares"),
    ("zkmpc/aggregation/aggregator.py", "        if self.keys.generators.commit(values, blinding) != contribution.commitments[self.index]:",
     "        if False:", "test_refusals_name_the_contributor_and_the_rest_adds_up"),
    ("zkmpc/aggregation/auditor.py", "            if self.keys.generators.commit(total.values, total.blinding) != expected:",
     "            if False:", "test_the_auditor_refuses_a_wrong_total"),
    ("zkmpc/aggregation/auditor.py", "        return self._bad_proofs(items[:half], rng) + self._bad_proofs(items[half:], rng)",
     "        return [items[0]]", "test_bisection_finds_every_bad_proof"),
)


@lru_cache(maxsize=None)
def keys(shape: Shape) -> AggregationKeys:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return AggregationKeys.setup(shape, rng=random.Random(repr(shape)))  # stable across runs, unlike hash()


SMALL = Shape(k=2, length=1, bits=8)
HIST = Shape(k=2, length=3, bits=1, kind="onehot")


def deliver(k: AggregationKeys, made: list[tuple[Contribution, tuple[Share, ...]]]) -> list[Aggregator]:
    aggregators = [Aggregator(k, i) for i in range(k.shape.k)]
    for con, shares in made:
        for agg, share in zip(aggregators, shares):
            agg.receive(con, share)
    return aggregators


# ------------------------------------------------------------------ the honest flow


def test_a_vector_shared_among_three_aggregators_adds_up() -> None:
    k = keys(Shape(k=3, length=2, bits=16))
    rng = random.Random(1)
    inputs = {10: [1, 65535], 11: [0, 7], 12: [40000, 3]}
    made = [Contributor(k).contribute(tag, v, rng=rng) for tag, v in inputs.items()]
    for con, shares in made:  # any two of three shares look random; all three add up
        assert [sum(s.values[j] for s in shares) % ORDER for j in range(2)] == inputs[con.tag]
    screening = Auditor(k).screen([c for c, _ in made], rng=rng)
    assert [c.tag for c in screening.accepted] == [10, 11, 12] and not screening.refused
    totals = [a.total([10, 11, 12]) for a in deliver(k, made)]
    result = Auditor(k).check(screening.accepted, totals)
    assert result.values == (40001, 65545) and result.tags == (10, 11, 12)


def test_a_histogram_of_one_hot_reports() -> None:
    k = keys(HIST)
    rng = random.Random(2)
    buckets = [0, 2, 2, 1, 2]
    made = [Contributor(k).contribute(t, [int(b == j) for j in range(3)], rng=rng) for t, b in enumerate(buckets)]
    screening = Auditor(k).screen([c for c, _ in made], rng=rng)
    tags = [c.tag for c in screening.accepted]
    totals = [a.total(tags) for a in deliver(k, made)]
    assert Auditor(k).check(screening.accepted, totals).values == (1, 1, 3)
    for bad in ([1, 1, 0], [0, 0, 0], [2, 0, 0], [1, 0]):
        with pytest.raises((ContributionRangeError, ContributionFormatError)) as info:
            Contributor(k).contribute(9, bad, rng=rng)
        assert info.value.contributor == 9


# ------------------------------------------------------------------ refusals


def test_the_contributor_refuses_values_it_cannot_prove() -> None:
    c = Contributor(keys(SMALL))
    for bad in (256, -1, 2**64, R, R + 5, True, "3", 1.0):
        with pytest.raises(ContributionRangeError, match="expected an int in"):
            c.split(3, bad)  # type: ignore[arg-type]
    with pytest.raises(ContributionFormatError, match="expected 1 values, found 2"):
        c.split(3, [1, 2])
    for tag in (-1, R, None):
        with pytest.raises(ContributionFormatError, match="tag"):
            c.split(tag, 1)  # type: ignore[arg-type]


def test_refusals_name_the_contributor_and_the_rest_adds_up() -> None:
    k = keys(SMALL)
    rng = random.Random(3)
    values = {1: 10, 2: 20, 3: 30, 4: 40, 5: 50, 6: 60, 7: 70, 8: 80}
    made = {t: Contributor(k).contribute(t, v, rng=rng) for t, v in values.items()}
    c2, c3 = made[2][0], made[3][0]
    published: list[object] = [made[1][0], c2,
                               Contribution(3, c3.commitments, c2.proof),          # another's proof
                               Contribution(4, made[4][0].commitments[:1], made[4][0].proof),  # one commitment
                               Contribution(5, ((R, 1), made[5][0].commitments[1]), made[5][0].proof),  # x >= r
                               Contribution(6, ((1, 1), made[6][0].commitments[1]), made[6][0].proof),  # off curve
                               made[7][0], made[8][0], made[1][0]]                 # 1 replayed
    screening = Auditor(k).screen(published, batch=4, rng=rng)
    assert screening.refused_tags() == {3: InvalidContributionProofError, 4: ContributionFormatError,
                                        5: ContributionFormatError, 6: ContributionFormatError,
                                        1: DuplicateContributionError}
    assert len(screening.refused) == 5
    assert [c.tag for c in screening.accepted] == [1, 2, 7, 8]  # the first tag-1 copy stays
    aggs = [Aggregator(k, i) for i in range(2)]
    con7, shares7 = made[7]
    bad_shares = {
        7: Share(7, 0, ((shares7[0].values[0] + 1) % ORDER,), shares7[0].blinding),  # does not open
        8: Share(8, 0, (made[8][1][0].values[0] + ORDER,), made[8][1][0].blinding),  # >= l (same mod l)
    }
    refused: dict[int, AggregationError] = {}
    for con in screening.accepted:
        for agg, share in zip(aggs, made[con.tag][1]):
            try:
                agg.receive(con, bad_shares.get(con.tag, share) if agg.index == 0 else share)
            except AggregationError as exc:
                refused[exc.contributor] = exc  # type: ignore[index]
    assert {t: type(e) for t, e in refused.items()} == {7: ShareOpeningError, 8: ContributionFormatError}
    tags = [c.tag for c in screening.accepted if c.tag not in refused]
    accepted = [c for c in screening.accepted if c.tag in tags]
    result = Auditor(k).check(accepted, [a.total(tags) for a in aggs])
    assert result.values == (30,) and result.tags == (1, 2)


def test_shares_of_the_wrong_shape_are_refused() -> None:
    k = keys(SMALL)
    con, shares = Contributor(k).contribute(1, 5, rng=random.Random(4))
    agg = Aggregator(k, 1)
    s = shares[1]
    cases = [(Share(1, 1, (), s.blinding), "expected 1 share values"),
             (Share(1, 1, (s.values[0], 0), s.blinding), "expected 1 share values"),
             (Share(1, 1, s.values, -1), "blinding factor"), (Share(1, 1, (R,), s.blinding), "share value 0"),
             (Share(2, 1, s.values, s.blinding), "expected its share"), (shares[0], "sent to aggregator 1")]
    for share, text in cases:
        with pytest.raises(ContributionFormatError, match=text) as info:
            agg.receive(con, share)
        assert info.value.contributor == 1
    agg.receive(con, s)
    with pytest.raises(DuplicateContributionError):
        agg.receive(con, s)
    with pytest.raises(AggregateMismatchError, match="no accepted share of contribution 2"):
        agg.total([1, 2])
    for index in (-1, 2, True):
        with pytest.raises(ContributionFormatError):
            Aggregator(k, index)


def test_the_auditor_refuses_a_wrong_total() -> None:
    k = keys(SMALL)
    rng = random.Random(5)
    made = [Contributor(k).contribute(t, 100 + t, rng=rng) for t in range(3)]
    accepted = [c for c, _ in made]
    good = [a.total([0, 1, 2]) for a in deliver(k, made)]
    assert Auditor(k).check(accepted, good).values == (303,)
    t0 = good[0]
    wrong = [Total(0, t0.tags, ((t0.values[0] + 1) % ORDER,), t0.blinding),  # one more
             Total(0, t0.tags, t0.values, (t0.blinding + 1) % ORDER),
             Total(0, t0.tags[:2], t0.values, t0.blinding),
             Total(0, t0.tags, t0.values + (0,), t0.blinding),
             Total(0, t0.tags, ("1",), t0.blinding), Total(0, t0.tags, t0.values, ORDER)]  # type: ignore[arg-type]
    for t in wrong:
        with pytest.raises(AggregateMismatchError, match="aggregator 0"):
            Auditor(k).check(accepted, [t, good[1]])
    for totals in ([good[0]], [good[0], good[0]], [good[0], good[1], good[1]]):
        with pytest.raises(AggregateMismatchError, match="one total from each"):
            Auditor(k).check(accepted, totals)
    with pytest.raises(AggregateMismatchError):  # the totals over all three, one contribution dropped
        Auditor(k).check(accepted[:2], good)
    with pytest.raises(AggregateMismatchError, match="distinct tags"):
        Auditor(k).check(accepted + accepted[:1], good)
    with pytest.raises(AggregateMismatchError, match="distinct tags"):
        deliver(k, made)[0].total([0, 1, 1])


def test_bisection_finds_every_bad_proof() -> None:
    k = keys(SMALL)
    rng = random.Random(6)
    made = [Contributor(k).contribute(t, t, rng=rng)[0] for t in range(9)]
    bad = {2, 3, 8}
    other = made[0].proof
    published = [Contribution(c.tag, c.commitments, other) if c.tag in bad else c for c in made]
    for batch in (1, 2, 4, 64):
        screening = Auditor(k).screen(published, batch=batch, rng=rng)
        assert set(screening.refused_tags()) == bad and len(screening.refused) == 3, batch
        assert [c.tag for c in screening.accepted] == [0, 1, 4, 5, 6, 7]
    with pytest.raises(ContributionFormatError, match="expected a Contribution"):
        Auditor(k).screen(["not a contribution"])
    for batch in (0, -1, True):
        with pytest.raises(ContributionFormatError, match="batch"):
            Auditor(k).screen(published, batch=batch)


def test_shapes_are_validated() -> None:
    for kwargs in ({"k": 1}, {"k": 7}, {"bits": 0}, {"bits": 129}, {"length": 0}, {"kind": "sum"},
                   {"kind": "onehot", "length": 1, "bits": 1}, {"kind": "onehot", "length": 3, "bits": 2}):
        with pytest.raises(ContributionFormatError):
            Shape(**kwargs)  # type: ignore[arg-type]
    assert [Shape(k=k).wrap_bits for k in range(2, 7)] == [2, 2, 3, 3, 3]


def test_generators_have_no_known_relation_and_fixed_base_agrees() -> None:
    g = Generators.make(3)
    points = [*g.g, g.h]
    assert len(set(points)) == 4 and all(bj.in_subgroup(p) and p != bj.IDENTITY for p in points)
    assert Generators.make(1).g == g.g[:1] and hash_to_curve(b"x") == hash_to_curve(b"x")
    fb = FixedBase.of(g.h)
    for s in (0, 1, 2, 255, 256, ORDER - 1, ORDER, 2**251 - 1, 2**256 - 1):
        assert fb.mul(s) == bj.mul(g.h, s), s
    assert sum_points([]) == bj.IDENTITY
    assert g.commit([1, 2, 3], 4) == sum_points([bj.mul(g.g[0], 1), bj.mul(g.g[1], 2), bj.mul(g.g[2], 3),
                                                 bj.mul(g.h, 4)])


# ------------------------------------------------------------------ the circuit under attack


class Case(ForgeryCase):
    """An honest witness of the SMALL circuit (value 200) or of HIST (bucket 1)."""

    def __init__(self, shape: Shape, value: Any) -> None:
        self.keys = keys(shape)
        self.cs = self.keys.circuit
        rng = random.Random(7)
        self.shares = Contributor(self.keys).split(5, value, rng=rng)
        gens = self.keys.generators
        self.commitments = [gens.commit(s.values, s.blinding) for s in self.shares]
        vals = [value] if isinstance(value, int) else list(value)
        wraps = [sum(s.values[j] for s in self.shares) // ORDER for j in range(shape.length)]
        a = self.cs.circuit(tag=5, commitments=[list(c) for c in self.commitments],
                            shares=[list(s.values) for s in self.shares], blindings=[s.blinding for s in self.shares],
                            values=vals, wraps=wraps)
        self.attack(self.cs, self.cs.solve(a))


@pytest.fixture(scope="module")
def small() -> Case:
    return Case(SMALL, 200)


@pytest.fixture(scope="module")
def hist() -> Case:
    return Case(HIST, [0, 1, 0])


def test_an_out_of_range_value_has_no_witness(small: Case) -> None:
    v = small.w("values")
    for value in (256, 2**8 + 200, R - 1, 200 + ORDER):
        assert small.forge({v: value}, movable=("shares", "wraps", "blindings", "commitments")) is None, value
    # the control: an in-range value completes once the commitments may move (new shares)
    assert small.forge({v: 201}, movable=("shares", "wraps", "blindings", "commitments")) is not None


def test_a_value_cannot_be_changed_behind_fixed_commitments(small: Case) -> None:
    v, w = small.w("values"), small.w("wraps")
    for value in (0, 199, 201, 255):
        assert small.forge({v: value}, movable=("wraps",)) is None, value
    h = small.witness.values()[w]
    for wrap in (h + 1, (h - 1) % R, 3):
        assert small.forge({w: wrap}, movable=("values",)) is None, wrap
    s0 = small.w("shares")
    assert small.forge({s0: (small.shares[0].values[0] + 1) % ORDER}, movable=("wraps", "values")) is None
    # the control: the same share change completes when its commitment may move
    assert small.forge({s0: (small.shares[0].values[0] + 1) % ORDER},
                       movable=("wraps", "values", "commitments")) is not None


def test_the_commitments_are_bound_to_the_shares(small: Case) -> None:
    gens = small.keys.generators
    moved = gens.commit([(small.shares[0].values[0] + 1) % ORDER], small.shares[0].blinding)
    cx, cy = small.w("commitments", 0), small.w("commitments", 1)
    assert small.forge({cx: moved[0], cy: moved[1]}, movable=("values", "wraps")) is None  # shares fixed
    assert small.forge({cy: (small.commitments[0][1] + 1) % R}, movable=("shares", "blindings")) is None
    assert small.forge({cx: small.commitments[1][0], cy: small.commitments[1][1]},
                       movable=("shares", "blindings", "values", "wraps")) is None


def test_a_histogram_contribution_must_be_one_hot(hist: Case) -> None:
    v0, v1, v2 = (hist.w("values", j) for j in range(3))
    fixed = ("wraps", "shares", "blindings")  # the commitments fixed: no value moves at all
    for claim in ({v0: 1}, {v1: 0}, {v0: 1, v1: 0}):
        assert hist.forge(claim, movable=fixed) is None, claim
    free = fixed + ("commitments",)  # new commitments: only the one-hot rule stands
    for claim in ({v0: 1}, {v1: 0}, {v1: 2}, {v0: 1, v2: 1}, {v1: 0, v2: 0}, {v0: 1, v1: 1, v2: R - 1}):
        assert hist.forge(claim, movable=free) is None, claim
    # (with the one-hot constraint removed, the harness completes {v0: 1}: PLANTED_BUGS[1])


def test_the_tag_is_a_free_public_input(small: Case) -> None:
    """The tag constrains nothing but itself (Groth16 binds it): the harness completes it."""
    assert small.forge({small.w("tag"): 6}) is not None


def test_single_wire_and_non_boolean_changes_find_nothing(small: Case, hist: Case) -> None:
    for case in (small, hist):
        search = case.search
        wires = [w for scope in ("sum", "onehot", "tag") for w in scope_wires(case.cs, scope)]
        wires += input_wires(case.cs, "values") + input_wires(case.cs, "wraps")
        assert not search.sweep(wires)
        internal = [w for w in search.internal if w not in case.free]
        sample = internal[:: max(1, len(internal) // 16)]  # spread over the scalar multiplications
        assert not search.sweep(sample)
        assert not search.non_boolean(internal[:200])
        assert not search.pairs(input_wires(case.cs, "values") + input_wires(case.cs, "wraps"), max_pairs=50)


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import aggregation as bench

    assert bench.main(["--contributions", "12", "--pool", "3", "--repeat", "1", "--bits", "8",
                       "--paillier-bits", "1024"]) == 0
    out = capsys.readouterr().out
    for row in ("contributor: share + proof", "auditor: batch verification", "aggregator: one opening check",
                "verify the range proof", "peak RSS"):
        assert row in out, row


def test_the_diagnosis_statistics_example() -> None:
    import io

    from examples.healthcare.diagnosis_stats import main as diagnosis_stats

    out = io.StringIO()
    figures = diagnosis_stats(["--seed", "3"], out)
    assert len(figures["gas"]) == 5 and all(g > 200_000 for g in figures["gas"])
    assert figures["totals"] == figures["plain"]
    assert [kind for _, kind in figures["refused"]] == ["InvalidContributionProofError", "UseCaseError",
                                                        "NullifierUsedError", "InvalidProofError",
                                                        "AggregateMismatchError"]
    assert "hospitals 1, 2, 3, 5" in out.getvalue()


def test_messages_round_trip_and_malformed_bytes_are_refused() -> None:
    k = keys(SMALL)
    con, shares = Contributor(k).contribute(11, 9, rng=random.Random(8))
    data = con.to_bytes()
    assert len(data) == 32 + 64 * 2 + 256 and Contribution.from_bytes(data, 2) == con
    assert all(Share.from_bytes(s.to_bytes(), 1) == s for s in shares)
    for bad in (data[:-1], data + b"\0", b"", "text"):
        with pytest.raises(ContributionFormatError, match="expected 416 bytes"):
            Contribution.from_bytes(bad, 2)  # type: ignore[arg-type]
    big = R.to_bytes(32, "big")
    with pytest.raises(ContributionFormatError, match=">= r") as info:
        Contribution.from_bytes(data[:32] + big + data[64:], 2)
    assert info.value.contributor == 11
    with pytest.raises(ContributionFormatError) as info:
        Contribution.from_bytes(data[:-64] + b"\x05" * 64, 2)  # proof C off the curve
    assert info.value.contributor == 11
    with pytest.raises(ContributionFormatError, match="expected 128 bytes"):
        Share.from_bytes(shares[0].to_bytes() + b"\0" * 32, 1)
    garbled = Share.from_bytes(shares[0].to_bytes()[:64] + big + shares[0].to_bytes()[96:], 1)
    with pytest.raises(ContributionFormatError, match="blinding factor"):
        Aggregator(k, 0).receive(con, garbled)
