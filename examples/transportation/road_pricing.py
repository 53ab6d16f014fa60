"""Private road pricing: a car proves its monthly fee from committed trip segments; spot checks catch a false zone.

Each car's on-board unit records its trip segment by segment (road zone, time band, tenths of
a km) and commits to every segment with Poseidon and a fresh salt; the trip's commitment is
the Merkle root of the segments. At the end of the month the car declares its fee with a
Groth16 proof (``zkmpc.transport.road_pricing``): the fee is the sum over its committed
segments of the public tariff's price times the distance, the tariff being the one the
operator opened on chain, the car being who it says, once a month. The operator's contract
(an AppContract) verifies the proof and records the month's nullifier.

The operator's roadside cameras saw each car in a few slots; it asks for those segments
and the car opens them (record, salt, Merkle path): a car that declared a cheaper zone for
a slot a camera saw is caught, and cannot answer with another record than the one it
committed. Private: where and when the car drove, except the spot-checked segments.

    python -m examples.transportation.road_pricing [--members 32] [--rpc URL --dev-keys]

(``--members``: segment slots in a month, a power of two.)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits import UnsatisfiedConstraintError
from zkmpc.contracts import AppLayout
from zkmpc.errors import (InvalidProofError, NullifierUsedError, RoadPricingError, ScopeNotOpenError,
                          SpotCheckMismatchError, SpotCheckOpeningError)
from zkmpc.transport.road_pricing import (BANDS, PUBLIC_SIGNALS, ZONES, Observation, Opening, Tariff, Trip,
                                          TripRecord, Vehicle, refusal, road_pricing_circuit, spot_check)
from zkmpc.usecases import OnChain, Proved, Report, UseCaseError, open_chain, parse_args

LAYOUT = AppLayout(num_public=len(PUBLIC_SIGNALS), roots=(), nullifier=PUBLIC_SIGNALS.index("nullifier"),
                   scope=PUBLIC_SIGNALS.index("tariff_hash"))
PERIOD = 202612  # December 2026
CHECKS = 3  # camera sightings per car


def driving(slots: int, seed: int) -> list[TripRecord]:
    """A month of driving: most slots used, in every zone and band."""
    rng = random.Random(seed)
    return [TripRecord(rng.randrange(ZONES), rng.randrange(BANDS), rng.randrange(20, 600))
            for _ in range(slots - slots // 8)]


def cameras(trip: list[TripRecord], seed: int, must: int | None = None) -> list[Observation]:
    """The slots a camera saw (``must`` among them), with the true zone and band."""
    rng = random.Random(seed)
    seen = sorted(set(rng.sample(range(len(trip)), min(CHECKS, len(trip))) + ([must] if must is not None else [])))
    return [Observation(i, trip[i].zone, trip[i].band) for i in seen]


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=32)
    slots = args.members
    report = Report(out, title=f"private road pricing, {slots} segment slots a month")
    tariff = Tariff.flat(2)
    cs = road_pricing_circuit(slots)
    onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
    onchain.app.set_scope(tariff.hash, True)
    report.fact("tariff (cents per tenth of a km, zone x band)", " ".join(map(str, tariff.prices)))
    honest, rng = Vehicle.generate(), random.Random(args.members)
    trip, proved = honest_car(report, onchain, honest, tariff, slots)
    k, caught, saved = cheating_car(report, onchain, tariff, slots, rng)
    refused_declarations(report, onchain, honest, trip, proved, tariff)
    report.figures.update(slots=slots, constraints=cs.r1cs.num_constraints, fee=trip.fee(tariff), cheat_slot=k,
                          caught=caught, saved=saved)
    return report.figures


def honest_car(report: Report, onchain: OnChain, car: Vehicle, tariff: Tariff, slots: int) -> tuple[Trip, Proved]:
    """An honest car declares, the operator verifies on chain (a lowered fee is refused
    there), the spot checks pass."""
    drive = driving(slots, 1)
    trip = car.trip(drive, slots=slots)
    proved = onchain.prove(car.assignment(onchain.circuit, trip, tariff, period=PERIOD))
    tampered = list(proved.public)
    tampered[PUBLIC_SIGNALS.index("fee")] -= 100
    report.expect_refusal("car 1's proof sent with its fee lowered by 1 EUR, on chain",
                          lambda: onchain.app.validate(proved.proof, tampered), InvalidProofError)
    report.proof(proved, onchain.validate(proved), onchain=onchain,
                 what=f"car 1's fee, {trip.fee(tariff) / 100:.2f} EUR, is the tariff over its committed segments")
    seen = cameras(drive, 2)
    for obs in seen:
        spot_check(trip.root, obs, trip.opening(obs.index))
    report.fact("car 1's spot checks (slots seen by cameras, opened, all match)", ", ".join(str(o.index) for o in seen))
    return trip, proved


def cheating_car(report: Report, onchain: OnChain, tariff: Tariff, slots: int,
                 rng: random.Random) -> tuple[int, int, int]:
    """A car records the city centre at rush hour (its dearest slot ``k``) as motorway at
    night: its proof verifies, a camera's spot check of slot ``k`` catches it, and it cannot
    answer with the true record instead. Returns ``k``, the checks failed, the cents saved."""
    cheat = Vehicle.generate()
    truth = driving(slots, 3)
    k = max(range(len(truth)), key=lambda i: tariff.price(truth[i].zone, truth[i].band) * truth[i].tenths)
    lie = list(truth)
    lie[k] = TripRecord(0, 0, truth[k].tenths)
    false_trip = cheat.trip(lie, slots=slots, rng=rng)
    saved = sum(tariff.price(r.zone, r.band) * r.tenths for r in truth) - false_trip.fee(tariff)
    cheated = onchain.prove(cheat.assignment(onchain.circuit, false_trip, tariff, period=PERIOD))
    report.proof(cheated, onchain.validate(cheated), onchain=onchain,
                 what=f"car 2's fee over its committed segments (slot {k} falsely recorded, {saved / 100:.2f} EUR less)")
    caught = failed_spot_checks(report, false_trip, cameras(truth, 4, must=k))
    if caught != 1:
        raise UseCaseError(f"the false slot {k} was seen by a camera but {caught} spot checks failed")
    forged = Opening(k, truth[k], rng.randrange(1 << 250), false_trip.opening(k).siblings)
    report.expect_refusal(f"car 2 answers the check of slot {k} with the true record instead of the committed one",
                          lambda: spot_check(false_trip.root, Observation(k, truth[k].zone, truth[k].band), forged),
                          SpotCheckOpeningError)
    return k, caught, saved


def failed_spot_checks(report: Report, trip: Trip, sightings: list[Observation]) -> int:
    """How many of the cameras' sightings the car's openings contradict (each reported)."""
    caught = 0
    for obs in sightings:
        try:
            spot_check(trip.root, obs, trip.opening(obs.index))
        except SpotCheckMismatchError as exc:
            caught += 1
            report.refused(f"car 2's spot check of slot {obs.index}: {exc}", exc)
    return caught


def refused_declarations(report: Report, onchain: OnChain, car: Vehicle, trip: Trip, proved: Proved,
                         tariff: Tariff) -> None:
    """Refusals of the declaration itself: a fee below the segments', a month declared twice,
    a tariff the operator never opened."""
    cs = onchain.circuit

    def lower_fee() -> None:
        try:
            onchain.prove(car.assignment(cs, trip, tariff, period=PERIOD, fee=trip.fee(tariff) - 1))
        except UnsatisfiedConstraintError as exc:
            raise refusal(exc) from None
    report.expect_refusal("a declared fee one cent below the segments' (no witness)", lower_fee, RoadPricingError)
    report.expect_refusal("car 1 declaring December a second time", lambda: onchain.validate(proved),
                          NullifierUsedError)
    old = Tariff(tuple(max(1, p - 1) for p in tariff.prices))
    report.expect_refusal("a declaration against a tariff the operator never opened",
                          lambda: onchain.validate(onchain.prove(car.assignment(cs, trip, old, period=PERIOD + 1))),
                          ScopeNotOpenError)


if __name__ == "__main__":
    main(sys.argv[1:])
