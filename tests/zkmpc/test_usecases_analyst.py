"""The analyst's use cases: the ministries' join (per-category PSI, packed indicators,
suppression, noise; in process and as two processes over TLS) and private road pricing."""

from __future__ import annotations

import asyncio
import io
from random import Random
from typing import Any, Callable, Mapping

import pytest

from mpc import paillier
from mpc.errors import PSIError, PSIMessageError
from mpc.net import InProcessHub
from mpc.psi import POINT_BYTES, PSIResult, psi_categories_party1, psi_categories_party2
from zkmpc.errors import AnalysisError
from zkmpc.statistics.join import JoinSpec, join_categories, join_indicators, pack_slots, unpack_slots

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

Tamper = Callable[[str, bytes], bytes]


@pytest.fixture(scope="module")
def sk() -> paillier.PrivateKey:
    return paillier.keygen(bits=1024, insecure=True, rng=Random(5))[1]


def _run(groups: Any, data2: Any, sk: paillier.PrivateKey | None, *, minimum: int = 1,
         tamper: Mapping[int, Tamper] | None = None, timeout: float = 2.0) -> dict[int, Any]:
    async def main() -> Any:
        hub = InProcessHub([1, 2], session=bytes(16))
        nets = {p: hub.network(p) for p in (1, 2)}
        for p, fn in (tamper or {}).items():
            send = nets[p].send

            async def tampered(to: int, tag: str, payload: bytes, send: Any = send, fn: Tamper = fn) -> None:
                await send(to, tag, fn(tag, payload))
            nets[p].send = tampered  # type: ignore[method-assign]

        async def one(p: int) -> Any:
            try:
                if p == 1:
                    return await psi_categories_party1(nets[1], groups, peer=2, min_intersection=minimum,
                                                       timeout=timeout, insecure=True, rng=Random(11))
                return await psi_categories_party2(nets[2], data2, peer=1, min_intersection=minimum,
                                                   private_key=sk, timeout=timeout, rng=Random(12))
            finally:
                hub.disconnect(p)
        return await asyncio.gather(one(1), one(2), return_exceptions=True)
    r1, r2 = asyncio.run(main())
    return {1: r1, 2: r2}


def _world(seed: int = 3) -> tuple[list[list[str]], dict[str, int]]:
    rnd = Random(seed)
    groups = [[f"a{i}" for i in range(20)], [f"b{i}" for i in range(15)], [f"c{i}" for i in range(4)]]
    data = {x: rnd.randrange(1, 1000) for g in groups for x in g[: len(g) * 2 // 3]}
    data.update({f"z{i}": 5 for i in range(10)})
    return groups, data


def test_per_category_cardinality_and_sums(sk: paillier.PrivateKey) -> None:
    groups, data = _world()
    out = _run(groups, data, sk, minimum=3)
    for c, g in enumerate(groups):
        common = [x for x in g if x in data]
        want = (len(common), sum(data[x] for x in common)) if len(common) >= 3 else None
        got = out[2][c]
        assert (None if got is None else (got.cardinality, got.intersection_sum)) == want
        assert (None if want is None else PSIResult(want[0], None)) == out[1][c]
    assert out[2][2] is None  # 2 matches of category c, below the minimum: withheld for both


def test_cardinality_only(sk: paillier.PrivateKey) -> None:
    groups, data = _world()
    out = _run(groups, list(data), None)
    assert [r.cardinality for r in out[2]] == [13, 10, 2]


def test_repeated_identifiers_across_categories_are_refused(sk: paillier.PrivateKey) -> None:
    out = _run([["a", "b"], ["b"]], {"a": 1}, sk, timeout=0.3)
    assert isinstance(out[1], PSIError) and "repeated" in str(out[1])
    out = _run([], {"a": 1}, sk, timeout=0.3)
    assert isinstance(out[1], PSIError) and "categories" in str(out[1])


def _zero_categories(tag: str, d: bytes) -> bytes:
    return bytes(4) if tag == "psic/n" else d


def _trailing_result(tag: str, d: bytes) -> bytes:
    return d + b"\x00" if tag == "psic/result" else d


def _bad_flag(tag: str, d: bytes) -> bytes:
    return b"\x07" + d[1:] if tag == "psic/result" else d


def _bump_count(tag: str, d: bytes) -> bytes:
    return d[:1] + (10 ** 6).to_bytes(4, "big") + d[5:] if tag == "psic/result" else d


def _off_curve(tag: str, d: bytes) -> bytes:
    return bytes([d[0] ^ 1]) + d[1:] if tag == "psic/u/1/0" else d


@pytest.mark.parametrize("tamper, words", [(_zero_categories, "announced 0 categories"),
                                           (_trailing_result, "bytes after the 3 categories"),
                                           (_bad_flag, "category 0 is not 0x00"), (_bump_count, "a count of"),
                                           (_off_curve, "category 1")])
def test_malformed_messages_of_party_1_are_refused(sk: paillier.PrivateKey, tamper: Tamper, words: str) -> None:
    groups, data = _world()
    out = _run(groups, data, sk, tamper={1: tamper}, timeout=0.5)
    assert isinstance(out[2], PSIMessageError) and out[2].party == 1 and words in str(out[2]), out[2]


def _dup_z(tag: str, d: bytes) -> bytes:
    return d[:POINT_BYTES] * 2 + d[2 * POINT_BYTES:] if tag == "psic/z/0/0" else d


def _fewer_z(tag: str, d: bytes) -> bytes:
    if tag == "psic/z/1/n":
        return (int.from_bytes(d[:4], "big") - 1).to_bytes(4, "big") + d[4:]
    return d[:-POINT_BYTES] if tag == "psic/z/1/0" else d




@pytest.mark.parametrize("tamper, words", [(_dup_z, "distinct points"), (_fewer_z, "category 1: party 2 returned")])
def test_malformed_messages_of_party_2_are_refused(sk: paillier.PrivateKey, tamper: Tamper, words: str) -> None:
    groups, data = _world()
    out = _run(groups, data, sk, tamper={2: tamper}, timeout=0.5)
    assert isinstance(out[1], PSIMessageError) and out[1].party == 2 and words in str(out[1]), out[1]
    assert not isinstance(out[2], tuple)


# --- the join's library --------------------------------------------------------------------

def test_slots_pack_and_add() -> None:
    vals = [[1, 0, 1], [1, 1, 0], [0, 0, 1]]
    assert unpack_slots(sum(pack_slots(v) for v in vals), 3) == (2, 1, 2)
    with pytest.raises(AnalysisError, match="slot 1"):
        pack_slots([0, 1 << 32])
    with pytest.raises(AnalysisError, match="packed value"):
        unpack_slots(1 << 64, 2)


def test_join_refuses_bad_records(sk: paillier.PrivateKey) -> None:
    spec = JoinSpec(("law",), ("employed", "band"), min_intersection=1)

    async def go(edu: Any, work: Any) -> Any:
        hub = InProcessHub([1, 2], session=bytes(16))
        return await asyncio.gather(join_categories(hub.network(1), spec, edu, peer=2, insecure=True, timeout=0.3),
                                    join_indicators(hub.network(2), spec, work, peer=1, private_key=sk, timeout=0.3),
                                    return_exceptions=True)
    a, b = asyncio.run(go({"p": "physics"}, {"p": [1, 0]}))
    assert isinstance(a, AnalysisError) and "'physics' is not one of ['law']" in str(a)
    a, b = asyncio.run(go({"p": "law"}, {"p": [1, 2]}))
    assert isinstance(b, AnalysisError) and "2 indicators of 0 or 1" in str(b)
    with pytest.raises(AnalysisError, match="matched"):
        JoinSpec(("law",), ("matched",))
    with pytest.raises(AnalysisError, match="distinct"):
        JoinSpec(("law", "law"), ("x",))


# --- the examples --------------------------------------------------------------------------

def _check_join(figures: dict[str, Any]) -> None:
    facts = figures["facts"]
    assert facts["equals the plain join (never computed in reality)"] is True
    assert figures["matched"]["astronomy"] is None  # below the minimum: withheld for both
    assert figures["published"][-1] == (None,) * 5 and figures["withheld_cells"] >= 5
    assert all(c is None or c >= 10 or c == 0 for r in figures["published"] for c in r)
    assert 0.5 < figures["employment"]["engineering"] <= 1


def test_ministries_join_in_process() -> None:
    from examples.education.ministries_join import main
    out = io.StringIO()
    figures = main(["--members", "300", "--processes", "0", "--bits", "1024"], out)
    _check_join(figures)
    assert "withheld" in out.getvalue() and "epsilon = 1" in out.getvalue()


def test_ministries_join_two_processes_over_tls() -> None:
    from examples.education.ministries_join import main
    figures = main(["--members", "200", "--bits", "1024"], io.StringIO())
    _check_join(figures)
    assert figures["facts"]["run"].startswith("two processes over TLS")


# --- road pricing: natives, spot checks, the circuit against a malicious prover ---------------

from circuits import CompiledCircuit  # noqa: E402
from circuits.testing import scope_wires  # noqa: E402

from .._helpers import ForgeryCase  # noqa: E402
from zkmpc.errors import (RoadPricingError, SpotCheckMismatchError, SpotCheckOpeningError,  # noqa: E402
                          TripRecordError)
from zkmpc.transport.road_pricing import (PUBLIC_SIGNALS, Observation, Opening, Tariff, TripRecord,  # noqa: E402
                                          Vehicle, road_pricing_circuit, spot_check)

PERIOD = 202612


class Road(ForgeryCase):
    """An honest declaration over 2 slots: (zone 2, band 1, 4.5 km), (zone 0, band 2, 12 km)."""

    def __init__(self) -> None:
        rng = Random(8)
        self.cs: CompiledCircuit = road_pricing_circuit(2)
        self.tariff = Tariff.flat(3)
        self.car = Vehicle.generate(rng=rng)
        self.trip = self.car.trip([TripRecord(2, 1, 45), TripRecord(0, 2, 120)], slots=2, rng=rng)
        # is_equal's inverse wire is free where the difference is 0 (one per segment: its own cell)
        self.attack(self.cs, self.cs.solve(self.car.assignment(self.cs, self.trip, self.tariff, period=PERIOD)))


@pytest.fixture(scope="module")
def road() -> Road:
    return Road()


def test_natives_equal_the_circuit(road: Road) -> None:
    assert road.witness.public == road.car.signals(road.trip, road.tariff, period=PERIOD)
    fee = road.witness.public[PUBLIC_SIGNALS.index("fee")]
    assert fee == 3 * 3 * 2 * 45 + 3 * 1 * 3 * 120 == road.trip.fee(road.tariff)
    for i in range(2):
        assert road.trip.opening(i).root() == road.trip.root


def test_the_fee_cannot_be_lowered(road: Road) -> None:
    fee = road.w("fee")
    honest = road.witness.values()[fee]
    for f in (honest - 1, honest + 1, 0):
        assert road.forge({fee: f}) is None, f
    assert road.forge({road.w("prices"): road.tariff.prices[0] - 1}, movable=("fee",)) is None  # a cheaper tariff
    # control: another tariff's hash
    assert road.forge({road.w("prices", 7): 0}, movable=("fee", "tariff_hash")) is not None


def test_committed_segments_cannot_change(road: Road) -> None:
    z0, t0, b0 = road.w("zone"), road.w("tenths"), road.w("band")
    assert road.forge({z0: 0}, movable=("fee",)) is None  # a cheaper zone under the same trip root
    assert road.forge({t0: 1}, movable=("fee",)) is None
    assert road.forge({road.w("salt", 1): 5}) is None
    assert road.forge({z0: 0}, movable=("fee", "trip_root")) is not None  # control: another trip commits to it


def test_zone_and_band_stay_in_range(road: Road) -> None:
    z0, b0 = road.w("zone"), road.w("band")
    # zone 1 band 0 is cell 3; so is zone 0 "band 3": refused by the band's range check
    assert road.forge({z0: 0, b0: 3}, movable=("fee", "trip_root")) is None
    assert road.forge({z0: 4, b0: 0}, movable=("fee", "trip_root")) is None
    assert road.forge({z0: 1, b0: 0}, movable=("fee", "trip_root")) is not None  # control: a real cell


def test_vehicle_and_period_are_bound(road: Road) -> None:
    assert road.forge({road.w("secret"): 77}) is None
    assert road.forge({road.w("vehicle"): road.car.vehicle + 1}, movable=("nullifier",)) is None
    assert road.forge({road.w("period"): PERIOD + 1}) is None  # the same nullifier another month
    assert road.forge({road.w("nullifier"): 1}) is None
    assert road.forge({road.w("period"): PERIOD + 1}, movable=("nullifier",)) is not None  # control


def test_segment_scope_holds_against_single_wire_changes(road: Road) -> None:
    assert len(road.free) == 2 and all("is_zero" in road.cs.r1cs.label(road.search.touches[w][0]) for w in road.free)
    wires = scope_wires(road.cs, "segment")
    assert wires and not road.search.sweep(wires)


def test_spot_checks(road: Road) -> None:
    spot_check(road.trip.root, Observation(0, 2, 1), road.trip.opening(0))
    with pytest.raises(SpotCheckMismatchError, match="saw zone 3 band 1"):
        spot_check(road.trip.root, Observation(0, 3, 1), road.trip.opening(0))
    with pytest.raises(SpotCheckMismatchError, match="saw zone 2 band 2"):  # the right zone at rush hour
        spot_check(road.trip.root, Observation(0, 2, 2), road.trip.opening(0))
    with pytest.raises(SpotCheckOpeningError, match="opened slot 1"):
        spot_check(road.trip.root, Observation(0, 2, 1), road.trip.opening(1))
    idle = Vehicle(5).trip([TripRecord(2, 1, 0)], slots=2, rng=Random(1))  # a slot driven, recorded as 0 km
    with pytest.raises(SpotCheckMismatchError, match="0 km"):
        spot_check(idle.root, Observation(0, 2, 1), idle.opening(0))
    real = road.trip.opening(0)
    for fake in (Opening(0, TripRecord(3, 1, 45), real.salt, real.siblings),
                 Opening(0, real.record, real.salt + 1, real.siblings),
                 Opening(0, real.record, real.salt, (real.siblings[0] + 1,))):
        with pytest.raises(SpotCheckOpeningError, match="does not reach"):
            spot_check(road.trip.root, Observation(0, 3, 1), fake)


@pytest.mark.parametrize("make, words", [(lambda: TripRecord(4, 0, 1), "zone < 4"),
                                         (lambda: TripRecord(0, 3, 1), "band < 3"),
                                         (lambda: TripRecord(0, 0, 1 << 16), "tenths"),
                                         (lambda: Tariff((1,) * 11), "12 prices"),
                                         (lambda: road_pricing_circuit(6), "power of two"),
                                         (lambda: Vehicle(0), "non-zero"),
                                         (lambda: Vehicle(1).trip([TripRecord(0, 0, 1)] * 3, slots=2), "power of two")])
def test_bad_records_are_refused(make: Callable[[], Any], words: str) -> None:
    with pytest.raises(RoadPricingError, match=words) as err:
        make()
    assert isinstance(err.value, (TripRecordError, RoadPricingError))


def test_road_pricing_example() -> None:
    from examples.transportation.road_pricing import main
    out = io.StringIO()
    figures = main(["--members", "4"], out)
    refused = dict(figures["refused"])
    kinds = sorted(set(refused.values()))
    assert kinds == ["InvalidProofError", "NullifierUsedError", "RoadPricingError", "ScopeNotOpenError",
                     "SpotCheckMismatchError", "SpotCheckOpeningError"]
    assert figures["caught"] == 1 and figures["saved"] > 0
    assert len(figures["proofs"]) == 2 and all(p["gas"] > 0 for p in figures["proofs"])
    assert f"slot {figures['cheat_slot']}" in out.getvalue()


def test_a_failing_ministry_process_is_named() -> None:
    from examples.education.ministries_join import main
    from zkmpc.errors import UseCaseError
    with pytest.raises(UseCaseError, match="the education ministry process failed") as err:
        main(["--members", "50", "--bits", "1024", "--min-intersection", "0"], io.StringIO())
    assert "min_intersection: expected an int >= 1" in str(err.value)
