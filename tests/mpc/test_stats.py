"""Statistics across holders: exact against plain Python, and no decryption below the minimum."""

from __future__ import annotations

import random
import statistics
from decimal import Decimal, localcontext
from typing import Any, Callable

import pytest

from mpc import paillier
from mpc.encoding import FixedPoint, IntegerEncoding
from mpc.errors import EncodingError, KeyMismatchError, MPCTypeError
from mpc.stats import Aggregator, StatsSpec, TooFewReportsError, make_report

# no zkp kernel runs here (checked by replacing both twins with ones that raise): the
# pure-Python pass of `make test` skips this module, the C pass runs it
pytestmark = pytest.mark.twin_independent


Keys = tuple[paillier.PublicKey, paillier.PrivateKey]


@pytest.fixture(scope="module")
def keys() -> Keys:
    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(11))


def test_mean_variance_histogram_weighted_mean_are_exact(keys: Keys) -> None:
    pk, sk = keys
    rng = random.Random(1)
    spec = StatsSpec(FixedPoint(2, Decimal(10**6)), min_reports=3, bins=(Decimal(30000), Decimal(60000)))
    banks = {f"bank {c}": [Decimal(rng.randrange(1_000_000, 9_000_000)).scaleb(-2) for _ in range(rng.randrange(3, 9))]
             for c in "ABC"}
    weights = {h: [Decimal(rng.randrange(1, 500)) for _ in v] for h, v in banks.items()}
    agg = Aggregator(sk, spec)
    pool = paillier.RandomnessPool(pk)
    pool.fill(20, processes=1)
    for h, vals in banks.items():
        agg.add(make_report(pk, h, vals, spec, weights=weights[h], pool=pool))
    s = agg.result()
    xs = [x for v in banks.values() for x in v]
    ws = [w for h in banks for w in weights[h]]
    assert (s.reports, s.count, s.total) == (3, len(xs), sum(xs))
    with localcontext() as ctx:
        ctx.prec = 60
        assert abs(s.mean - sum(xs, Decimal(0)) / len(xs)) < Decimal("1e-20")
        assert abs(s.variance - statistics.pvariance(xs)) < Decimal("1e-15")
        assert abs(s.std - statistics.pvariance(xs).sqrt()) < Decimal("1e-15")
        wmean = sum((w * x for w, x in zip(ws, xs)), Decimal(0)) / sum(ws, Decimal(0))
        assert s.weighted_mean is not None and abs(s.weighted_mean - wmean) < Decimal("1e-20")
    assert s.histogram == (sum(x < 30000 for x in xs), sum(30000 <= x < 60000 for x in xs), sum(x >= 60000 for x in xs))


def test_integer_encoding_and_no_weights(keys: Keys) -> None:
    pk, sk = keys
    spec = StatsSpec(IntegerEncoding(1000), min_reports=2)
    agg = Aggregator(sk, spec)
    agg.add(make_report(pk, "a", [1, 2, 3], spec))
    agg.add(make_report(pk, "b", [-4], spec))
    s = agg.result()
    assert (s.count, s.total, s.mean, s.histogram, s.weighted_mean) == (4, 2, Decimal("0.5"), (4,), None)
    assert s.variance == statistics.pvariance([Decimal(v) for v in (1, 2, 3, -4)])


def test_refusals(keys: Keys) -> None:
    pk, sk = keys
    spec = StatsSpec(FixedPoint(1, Decimal(100)), min_reports=3, max_values_per_report=5, bins=(Decimal(10),))
    agg = Aggregator(sk, spec)
    agg.add(make_report(pk, "a", ["1.5"], spec))
    agg.add(make_report(pk, "b", ["2.5"], spec))
    with pytest.raises(TooFewReportsError):  # no decryption of fewer than min_reports
        agg.result()
    assert isinstance(TooFewReportsError("x"), ValueError)
    with pytest.raises(EncodingError, match="second report"):
        agg.add(make_report(pk, "a", ["1.0"], spec))
    with pytest.raises(EncodingError):
        make_report(pk, "c", ["1"] * 6, spec)
    with pytest.raises(EncodingError):
        make_report(pk, "c", ["100.1"], spec)
    with pytest.raises(MPCTypeError):
        make_report(pk, "c", [1.5], spec)
    with pytest.raises(MPCTypeError):
        make_report(pk, "", ["1"], spec)
    other = StatsSpec(FixedPoint(1, Decimal(100)), min_reports=3, bins=())
    with pytest.raises(EncodingError, match="bins"):
        agg.add(make_report(pk, "c", ["1"], other))
    pk2, _ = paillier.keygen(bits=1024, insecure=True, rng=random.Random(12))
    with pytest.raises(KeyMismatchError):
        agg.add(make_report(pk2, "c", ["1"], spec))
    with pytest.raises(EncodingError):
        StatsSpec(IntegerEncoding(10), bins=(Decimal(2), Decimal(1)))
    with pytest.raises(EncodingError):  # squares of 1024-bit-key-sized bounds cannot fit
        make_report(pk, "c", [1], StatsSpec(IntegerEncoding(int(pk.max_int) // 2)))
    agg.add(make_report(pk, "c", ["12.0"], spec))
    s = agg.result()
    assert (s.count, s.total, s.histogram) == (3, Decimal("16.0"), (2, 1))


def test_reports_travel_as_json(keys: Keys) -> None:
    import json

    from mpc.serial import MalformedDataError
    from mpc.stats import Report

    pk, sk = keys
    spec = StatsSpec(IntegerEncoding(100), min_reports=1, bins=(Decimal(10),))
    rep = make_report(pk, "clinic", [5, 50], spec, weights=[1, 3])
    text = rep.to_json()
    back = Report.from_json(text, pk, spec)
    assert back.holder == "clinic" and all(a.value != b.value for a, b in zip(rep.ciphertexts(), back.ciphertexts()))
    agg = Aggregator(sk, spec)
    agg.add(back)
    s = agg.result()
    assert (s.count, s.total, s.histogram, s.weighted_mean) == (2, 55, (1, 1), Decimal("38.75"))
    doc = json.loads(text)
    mutations: tuple[Callable[[dict[str, Any]], object], ...] = (
        lambda d: d["c"].pop(), lambda d: d.update(weighted="yes"), lambda d: d.update(holder=""),
        lambda d: d.update(extra="1"), lambda d: d["c"].__setitem__(0, "0" + d["c"][0]))
    for mutate in mutations:
        d = json.loads(text)
        mutate(d)
        with pytest.raises(MalformedDataError):
            Report.from_json(json.dumps(d), pk, spec)
    with pytest.raises(MalformedDataError):  # a spec with other bins expects other lengths
        Report.from_json(text, pk, StatsSpec(IntegerEncoding(100), min_reports=1))
    pk2 = paillier.keygen(bits=1024, insecure=True, rng=random.Random(13))[0]
    with pytest.raises(KeyMismatchError):
        Report.from_json(text, pk2, spec)
    assert doc["type"] == "paillier-stats-report"
