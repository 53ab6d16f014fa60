"""Federated learning over secure aggregation (zkmpc.ai.federated and
examples/ai/federated_learning.py) at a small size: the rounds complete through two
dropouts, the secure sums equal the plain ones, the model matches pooled training, and bad
updates are refused by name before anything is sent."""

from __future__ import annotations

import asyncio
import io
import json
import math
from typing import Any

import numpy as np
import pytest

from examples.ai import federated_learning as example
from mpc.net import InProcessHub
from mpc.protocols import Context, run_in_process
from zkmpc.ai.federated import (FEATURES, ClientResult, Cohort, FederatedResult, TrafficMeter, Training, UpdateFormat,
                                encode_update, fedavg_in_the_clear, federated_client, federated_learning,
                                local_update, synthetic_cohorts)
from zkmpc.errors import (FederatedError, ServerModelError, UpdateLengthError, UpdateNotFiniteError,
                          UpdateRangeError)

pytestmark = pytest.mark.app_layer

FMT = UpdateFormat(length=FEATURES + 1)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    return example.main(["--in-process", "--rows", "1500", "--rounds", "3", "--seed", "3"], io.StringIO())


def test_rounds_complete_through_both_dropouts(figures: dict[str, Any]) -> None:
    rounds = figures["rounds"]
    assert [r["round"] for r in rounds] == [1, 2, 3]
    everyone = tuple(range(2, 12))
    assert rounds[0]["included"] == everyone and rounds[0]["dropped"] == ()
    assert rounds[1]["included"] == everyone  # institution 4 vanished after its masked update: it counts
    assert rounds[2]["included"] == tuple(p for p in everyone if p not in (5, 10))
    assert dict(rounds[2]["dropped"]) == {5: "advertise", 10: "masked"}  # 4 gone since round 2; 9 before masking
    for r in rounds:
        assert r["server_bytes"] > 0 and r["client_bytes"] > 0 and r["seconds"] > 0
    assert rounds[2]["client_bytes"] < rounds[0]["client_bytes"]  # fewer institutions sent


def test_model_matches_pooled_training_and_the_clear_sums(figures: dict[str, Any]) -> None:
    assert abs(figures["federated_accuracy"] - figures["pooled_accuracy"]) <= figures["tolerance"] < 0.03
    assert figures["agreement"] >= 0.9  # 95 % with this seed at this size; 98-99 % at full size
    assert figures["twin_gap"] < 1e-6  # fixed point moves the model by rounding only
    correct, tested = figures["evaluation"]
    assert 0 < correct <= tested


def test_bad_updates_refused_by_name(figures: dict[str, Any]) -> None:
    assert [name for _, name in figures["refused"]] == ["UpdateLengthError", "UpdateNotFiniteError",
                                                         "UpdateRangeError", "UpdateRangeError"]


def test_the_server_learns_only_sums(figures: dict[str, Any]) -> None:
    learned = [v for k, v in figures["facts"].items() if k.strip().startswith("the server learns")]
    assert len(learned) == 3 and all("sum of" in v for v in learned)
    assert "institutions [4, 9] hold" in figures["facts"]["the server also learns"]  # the row-total leak, said


@pytest.mark.parametrize("update, rows, kwargs, error", [
    ([0.0] * FEATURES, 10, {}, UpdateLengthError),
    ([[0.0] * (FEATURES + 1)], 10, {}, UpdateLengthError),
    ([math.nan] + [0.0] * FEATURES, 10, {}, UpdateNotFiniteError),
    ([0.0] * FEATURES + [math.inf], 10, {}, UpdateNotFiniteError),
    ([0.0] * FEATURES + [-1e6 - 1], 10, {}, UpdateRangeError),
    ([0.0] * (FEATURES + 1), 0, {}, UpdateRangeError),
    ([0.0] * (FEATURES + 1), 100_001, {}, UpdateRangeError),
    ([0.0] * (FEATURES + 1), True, {}, UpdateRangeError),
    ([0.0] * (FEATURES + 1), 10, {"correct": 5, "tested": 4}, UpdateRangeError),
    ([0.0] * (FEATURES + 1), 10, {"correct": -1, "tested": 4}, UpdateRangeError),
])
def test_encode_update_refusals(update: Any, rows: Any, kwargs: dict[str, int], error: type) -> None:
    with pytest.raises(error) as info:
        encode_update(FMT, update, rows, **kwargs)
    assert isinstance(info.value, FederatedError) and "expected" in str(info.value)


def test_encode_update_clips_weights_and_rounds() -> None:
    fmt = UpdateFormat(length=3, clip=1.0, decimals=4)
    vec, clipped = encode_update(fmt, [0.1, -0.2, 0.00004], 7, correct=2, tested=3)
    assert not clipped and vec.tolist() == [7000, -14000, 3, 70000, 20000, 30000]
    vec, clipped = encode_update(fmt, [30.0, 40.0, 0.0], 2)
    assert clipped and vec[:3].tolist() == [12000, 16000, 0]  # norm 50 -> 1, times 2 rows


def _cohorts() -> dict[int, Cohort]:
    return synthetic_cohorts(3, 600, seed=5)


def test_secure_sum_equals_the_weighted_plain_sum() -> None:
    cohorts, plan = _cohorts(), Training(rounds=1)
    out = run_in_process(lambda ctx: federated_learning(ctx, cohorts.get(ctx.party - 1), FMT, plan, server=1),
                         parties=4, threshold=2)
    result = out[1]
    assert isinstance(result, FederatedResult)
    plain = sum(c.rows * local_update(np.zeros(FMT.length), c.x, c.y, plan) for c in cohorts.values())
    record = result.rounds[0]
    assert np.max(np.abs(np.array(record.update_sum) - plain)) < 3 * 0.5e-6 * len(cohorts)
    assert record.rows == sum(c.rows for c in cohorts.values())
    assert record.tested == sum(len(c.y_test) for c in cohorts.values())
    twin = fedavg_in_the_clear(cohorts, FMT, plan)
    assert np.max(np.abs(result.model - twin)) < 1e-7
    for p in (2, 3, 4):
        got = out[p]
        assert isinstance(got, ClientResult) and got.model.tolist() == result.model.tolist()


def test_clipped_updates_bound_the_step() -> None:
    cohorts = _cohorts()
    fmt, plan = UpdateFormat(length=FEATURES + 1, clip=0.05), Training(rounds=1)
    out = run_in_process(lambda ctx: federated_learning(ctx, cohorts.get(ctx.party - 1), fmt, plan, server=1),
                         parties=4, threshold=2)
    result, client = out[1], out[2]
    assert isinstance(result, FederatedResult) and isinstance(client, ClientResult)
    assert client.clipped == (True,)
    assert np.linalg.norm(result.model) <= 0.05 + 1e-6  # a weighted average of vectors of norm <= clip


def test_a_malformed_model_from_the_server_is_refused() -> None:
    async def run() -> None:
        hub = InProcessHub([1, 2, 3], session=bytes(16))
        server = hub.network(1)
        await server.send(2, "fl/1/model", b"\x00" * 8 * (FMT.length - 1))
        with pytest.raises(ServerModelError, match="expected 21 finite float64 values"):
            await federated_client(Context(hub.network(2), 2, timeout=1.0), _cohorts()[1], FMT, Training(), server=1)
    asyncio.run(run())


def test_traffic_meter_counts_per_round_and_restores() -> None:
    async def run() -> tuple[dict[str, int], bool]:
        net = InProcessHub([1, 2], session=bytes(16)).network(1)
        own = net.send
        meter = TrafficMeter(net)
        for tag in ("fl/1/model", "fl/2/advertise", "fl/final", "fl/eval/masked", "other/x"):
            await net.send(2, tag, b"x")
        await net.send(1, "fl/1/self", b"x")  # to oneself: not traffic
        meter.close()
        return meter.by_round, net.send == own
    counts, restored = asyncio.run(run())
    assert set(counts) == {"1", "2", "eval", "other"} and counts["eval"] > counts["1"] > 1 and restored


def test_the_server_document_of_a_process_round_trips() -> None:
    cohorts = _cohorts()
    out = run_in_process(lambda ctx: federated_learning(ctx, cohorts.get(ctx.party - 1), FMT, Training(rounds=1),
                                                        server=1), parties=4, threshold=2)
    result = out[1]
    assert isinstance(result, FederatedResult)
    back = example._from_doc(json.loads(json.dumps(example._result_doc(result))))
    assert back.rounds == result.rounds and back.model.tolist() == result.model.tolist()
    assert (back.correct, back.tested, back.evaluated) == (result.correct, result.tested, result.evaluated)


class _Tap(InProcessHub):
    """An in-process hub that keeps every frame sent to the server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to_server: list[bytes] = []

    def route(self, sender: int, to: int, frame: bytes) -> None:
        if to == 1:
            self.to_server.append(frame)
        super().route(sender, to, frame)


def test_no_update_reaches_the_server_in_the_clear() -> None:
    cohorts, plan = _cohorts(), Training(rounds=1)
    hub = _Tap([1, 2, 3, 4], session=bytes(16))

    async def run() -> list[Any]:
        async def one(p: int) -> Any:
            try:
                return await federated_learning(Context(hub.network(p), 2, timeout=10.0), cohorts.get(p - 1), FMT,
                                                plan, server=1)
            finally:
                hub.disconnect(p)
        return list(await asyncio.gather(*(one(p) for p in (1, 2, 3, 4))))
    result = asyncio.run(run())[0]
    assert isinstance(result, FederatedResult) and len(hub.to_server) > 3
    seen = b"".join(hub.to_server)
    for c in cohorts.values():  # round 1 starts from the zero model: each institution's vector is known here
        d = local_update(np.zeros(FMT.length), c.x, c.y, plan)
        vec, _ = encode_update(FMT, d, c.rows, correct=int(np.sum(c.y_test < 0.5)), tested=len(c.y_test))
        words = vec.astype("<u8").tobytes()
        assert all(words[i:i + 8] not in seen for i in range(0, 8 * FMT.length, 8))  # no weighted update word
    plain = sum(c.rows * local_update(np.zeros(FMT.length), c.x, c.y, plan) for c in cohorts.values())
    assert np.allclose(result.rounds[0].update_sum, plain, atol=1e-5)  # yet the sum is right


def test_a_model_other_than_the_secure_sum_gives_is_refused() -> None:
    """A server that sends round 2 a model other than round 1's sum gives (here: shifted)."""
    cohorts, plan = _cohorts(), Training(rounds=2)

    async def tampering_server(ctx: Context) -> Any:
        real = ctx.net.send

        async def send(to: int, tag: str, payload: bytes) -> None:
            if tag == "fl/2/model":
                payload = (np.frombuffer(payload, dtype="<f8") + 1e-9).astype("<f8").tobytes()
            await real(to, tag, payload)
        setattr(ctx.net, "send", send)
        return await federated_learning(ctx, None, FMT, plan, server=1)
    with pytest.raises(ServerModelError, match="plus the average of the round's secure sum, found a model 1e-09"):
        run_in_process(lambda ctx: tampering_server(ctx) if ctx.party == 1 else
                       federated_learning(ctx, cohorts[ctx.party - 1], FMT, plan, server=1),
                       parties=4, threshold=2, timeout=2.0)  # an institution's refusal, raised (not an MPCError)
