"""Federated logistic regression across institutions, each round's updates summed by
secure aggregation (:mod:`mpc.protocols.secagg`: pairwise masks, Shamir-shared seeds,
robust to institutions dropping out).

A coordinating server holds the global model, never an institution's rows or update.
Each round (FedAvg, McMahan et al. 2017):

1. the server sends the current model (weights and bias) to every institution;
2. institution ``i`` counts how many of its held-out rows the model classifies right,
   runs ``local_steps`` of gradient descent on its own training rows from the model, and
   forms its update ``d_i`` = local model - global model, clipped to the L2 norm ``clip``;
3. it encodes ``[n_i * d_i, n_i, correct_i, tested_i]`` in fixed point
   (:class:`UpdateFormat`; ``n_i`` its training rows, the weight) and the server runs secure
   aggregation over these vectors;
4. the server learns only the sums: ``sum n_i d_i``, ``sum n_i``, ``sum correct_i``,
   ``sum tested_i`` and which institutions they include; the new model is the global model
   plus ``sum n_i d_i / sum n_i``, the row-weighted average of the updates.

After the last round a final secure aggregation of ``[correct_i, tested_i]`` gives the
final model's accuracy on all held-out rows, again as a sum only.

An institution that drops out after sending its masked input still counts in that round
(the protocol's semantics); one that drops out earlier is left out, and the round's
average is over the survivors' rows. Bad updates are refused by name before anything is
sent: a wrong length (:class:`~zkmpc.errors.UpdateLengthError`), NaN or infinity
(:class:`~zkmpc.errors.UpdateNotFiniteError`), a value or a row count past the
fixed-point range (:class:`~zkmpc.errors.UpdateRangeError`).

    >>> from mpc.protocols import run_in_process
    >>> cohorts = synthetic_cohorts(4, 400, seed=1)
    >>> fmt, plan = UpdateFormat(length=FEATURES + 1), Training(rounds=2)
    >>> job = lambda ctx: federated_learning(ctx, cohorts.get(ctx.party - 1), fmt, plan, server=1)
    >>> out = run_in_process(job, parties=5, threshold=3, crash={3: "2/masked"})
    >>> result = out[1]
    >>> [r.included for r in result.rounds], result.rounds[1].rows == sum(c.rows for c in cohorts.values())
    ([(2, 3, 4, 5), (2, 3, 4, 5)], True)
    >>> out[2].model.tolist() == result.model.tolist()
    True

Crash points for tests and demos: a party's ``on_round`` sees ``"r/name"`` for round ``r``
(1-based) and the secure aggregation round ``name`` (``advertise``, ``share``, ``masked``,
``unmask``), and ``"eval/name"`` in the final evaluation.

Leakage beyond the sums: the server learns which institutions each sum includes, so two
rounds with different survivor sets reveal the difference of their row totals (the rows of
the institutions that dropped out); the clipped, averaged model itself is public to the
institutions. Semi-honest security, as the secure aggregation protocol's; an institution
still checks that each model it receives is the previous one plus the average that the
secure sum it got back gives (:class:`~zkmpc.errors.ServerModelError` otherwise).
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence, Union

import numpy as np
from numpy.typing import NDArray

from mpc.encoding import FixedPoint
from mpc.errors import MissingExtraError
from mpc.net.frames import Message, encode
from mpc.net.network import Network
from mpc.protocols.base import Context
from mpc.protocols.secagg import secagg_client, secagg_server

from ..errors import ServerModelError, UpdateLengthError, UpdateNotFiniteError, UpdateRangeError

__all__ = ["FEATURES", "FEATURE_NAMES", "Cohort", "UpdateFormat", "Training", "RoundRecord", "FederatedResult",
           "ClientResult", "TrafficMeter", "encode_update", "local_update", "accuracy", "fedavg_in_the_clear",
           "pooled_model", "synthetic_cohorts", "federated_learning", "federated_server", "federated_client"]

Vector = NDArray[np.float64]

# (name, population mean, population sd, log-odds per sd of the 10-year cardiovascular event);
# binary features (_BINARY) have mean = prevalence. Every institution standardises with these
# public reference values (no pooled statistics needed).
_REFERENCE: tuple[tuple[str, float, float, float], ...] = (
    ("age (years)", 58.0, 11.0, 0.85), ("male", 0.48, 0.5, 0.25), ("BMI (kg/m2)", 27.5, 4.8, 0.15),
    ("systolic BP (mmHg)", 132.0, 17.0, 0.45), ("diastolic BP (mmHg)", 81.0, 10.0, 0.05),
    ("total cholesterol (mmol/L)", 5.3, 1.0, 0.2), ("HDL (mmol/L)", 1.35, 0.4, -0.35),
    ("LDL (mmol/L)", 3.2, 0.9, 0.25), ("triglycerides (mmol/L)", 1.6, 0.8, 0.05), ("HbA1c (%)", 5.8, 0.8, 0.3),
    ("fasting glucose (mmol/L)", 5.6, 1.1, 0.1), ("eGFR (mL/min/1.73m2)", 82.0, 18.0, -0.25),
    ("smoker", 0.2, 0.4, 0.4), ("diabetes", 0.11, 0.31, 0.3), ("family history", 0.25, 0.43, 0.2),
    ("prior MI", 0.06, 0.24, 0.35), ("atrial fibrillation", 0.05, 0.22, 0.2), ("statin use", 0.22, 0.41, -0.1),
    ("physical activity (h/week)", 3.0, 2.2, -0.2), ("CRP (mg/L)", 2.5, 2.0, 0.15),
)
_BINARY = frozenset({"male", "smoker", "diabetes", "family history", "prior MI", "atrial fibrillation", "statin use"})
FEATURE_NAMES: tuple[str, ...] = tuple(r[0] for r in _REFERENCE)
FEATURES = len(_REFERENCE)
_BASE_LOG_ODDS = -1.6


@dataclass(frozen=True)
class Cohort:
    """One institution's rows, standardised: ``x``/``y`` to train on, ``x_test``/``y_test``
    held out (labels 0/1)."""

    x: Vector
    y: Vector
    x_test: Vector
    y_test: Vector

    @property
    def rows(self) -> int:
        """The training rows (the institution's weight in the average)."""
        return int(len(self.y))


def synthetic_cohorts(institutions: int, rows: int, *, seed: int) -> dict[int, Cohort]:
    """``institutions`` synthetic clinical cohorts (keys 1, 2, ...) of ``rows`` patients in
    all, 20 risk factors each and a 10-year cardiovascular event drawn from a logistic
    model; institutions differ in size (up to 3 x), age mix and event rate; 20 % of each
    cohort is held out. Synthetic: no real patient is in it.

    >>> c = synthetic_cohorts(3, 300, seed=1)
    >>> sum(x.rows + len(x.y_test) for x in c.values()), c[1].x.shape[1]
    (300, 20)
    """
    if institutions < 1 or rows < 50 * institutions:
        raise ValueError(f"expected at least 1 institution and 50 rows each, found {institutions} and {rows}")
    rng = np.random.default_rng(seed)
    share = rng.uniform(1.0, 3.0, institutions)
    sizes = 50 + np.floor((rows - 50 * institutions) * share / share.sum()).astype(int)
    sizes[-1] = rows - int(sizes[:-1].sum())
    means = np.array([r[1] for r in _REFERENCE])
    sds = np.array([r[2] for r in _REFERENCE])
    beta = np.array([r[3] for r in _REFERENCE])
    binary = np.array([r[0] in _BINARY for r in _REFERENCE])
    out = {}
    for k, n in enumerate(sizes, start=1):
        shift = rng.normal(0.0, 0.25, FEATURES)  # case mix, in reference sds
        shift[0] = rng.normal(0.0, 0.5)  # age differs most between institutions
        z = rng.normal(shift, 1.0, (int(n), FEATURES))
        p = np.clip(means + shift * sds, 0.01, 0.99)
        measured = np.maximum(means + z * sds, 0.0)  # every measurement here is non-negative
        raw = np.where(binary, (rng.random((int(n), FEATURES)) < p).astype(float), measured)
        x = (raw - means) / sds
        logit = _BASE_LOG_ODDS + rng.normal(0.0, 0.2) + x @ beta
        y = (rng.random(int(n)) < 1.0 / (1.0 + np.exp(-logit))).astype(float)
        cut = int(round(0.8 * n))
        out[k] = Cohort(x[:cut], y[:cut], x[cut:], y[cut:])
    return out


@dataclass(frozen=True)
class UpdateFormat:
    """How an update travels: ``length`` parameters (features + bias), clipped to the L2
    norm ``clip``, weighted by at most ``max_rows`` training rows, in fixed point with
    ``decimals`` digits; the vector sent is ``[n * update, n, correct, tested]``.

    >>> UpdateFormat(length=21).size, UpdateFormat(length=21).encoding.bound
    (24, Decimal('1000000'))
    """

    length: int
    clip: float = 10.0
    max_rows: int = 100_000
    decimals: int = 6

    def __post_init__(self) -> None:
        if self.length < 1 or self.max_rows < 1 or not 0 < self.clip < 1e9 or not 0 <= self.decimals <= 9:
            raise ValueError(f"UpdateFormat: expected length >= 1, max_rows >= 1, 0 < clip < 1e9, decimals 0..9; "
                             f"found {self}")

    @property
    def size(self) -> int:
        """The length of the vector secure aggregation sums."""
        return self.length + 3

    @property
    def encoding(self) -> FixedPoint:
        """Every entry is at most ``clip * max_rows`` (a weighted update) or ``max_rows`` (a count)."""
        return FixedPoint(decimals=self.decimals, bound=Decimal(math.ceil(max(self.clip, 1.0) * self.max_rows)))


def encode_update(fmt: UpdateFormat, update: Sequence[float] | Vector, rows: int, *, correct: int = 0,
                  tested: int = 0) -> tuple[NDArray[np.int64], bool]:
    """The fixed-point vector ``[n * clip(update), n, correct, tested]`` (``n = rows``) and
    whether clipping changed the update; everything checked before anything is sent.

    >>> fmt = UpdateFormat(length=2, clip=1.0, decimals=3)
    >>> vec, clipped = encode_update(fmt, [3.0, 4.0], 10, correct=7, tested=9)
    >>> vec.tolist(), clipped
    ([6000, 8000, 10000, 7000, 9000], True)
    >>> encode_update(fmt, [float("nan"), 0.0], 10)
    Traceback (most recent call last):
    zkmpc.errors.UpdateNotFiniteError: update: expected finite numbers, found nan at index 0

    Raises:
        UpdateLengthError: ``update`` is not ``fmt.length`` numbers.
        UpdateNotFiniteError: NaN or infinity in it.
        UpdateRangeError: a value beyond the fixed-point bound, or counts outside
            ``[0, max_rows]`` (``rows`` at least 1, ``correct <= tested``).
    """
    vec = np.asarray(update, dtype=np.float64)
    if vec.ndim != 1 or vec.shape[0] != fmt.length:
        raise UpdateLengthError(f"update: expected {fmt.length} numbers (features + bias), found shape {vec.shape}")
    bad = np.flatnonzero(~np.isfinite(vec))
    if bad.size:
        raise UpdateNotFiniteError(f"update: expected finite numbers, found {vec[bad[0]]} at index {int(bad[0])}")
    bound = float(fmt.encoding.bound)
    past = np.flatnonzero(np.abs(vec) > bound)
    if past.size:
        i = int(past[0])
        raise UpdateRangeError(f"update: expected values within the fixed-point range [-{bound:g}, {bound:g}], "
                               f"found {vec[i]:g} at index {i}")
    for name, value, low in (("rows", rows, 1), ("tested", tested, 0), ("correct", correct, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= fmt.max_rows:
            raise UpdateRangeError(f"{name}: expected an int in [{low}, {fmt.max_rows}] (the fixed-point range of "
                                   f"a weight), found {value!r}")
    if correct > tested:
        raise UpdateRangeError(f"correct: expected at most tested = {tested}, found {correct}")
    norm = float(np.linalg.norm(vec))
    clipped = norm > fmt.clip
    if clipped:
        vec = vec * (fmt.clip / norm)
    scale = 10 ** fmt.decimals
    weighted = np.rint(vec * int(rows) * scale).astype(np.int64)
    counts = np.array([int(rows), int(correct), int(tested)], dtype=np.int64) * scale
    return np.concatenate([weighted, counts]), clipped


@dataclass(frozen=True)
class Training:
    """The training plan: ``rounds`` of FedAvg, each institution running ``local_steps`` of
    full-batch gradient descent (step ``learning_rate``) on its mean log-loss plus
    ``l2 / 2 * |w|^2`` (the bias not penalised)."""

    rounds: int = 5
    local_steps: int = 10
    learning_rate: float = 2.0
    l2: float = 1e-3


def _gradient(w: Vector, x: Vector, y: Vector, l2: float) -> Vector:
    z = x @ w[:-1] + w[-1]
    r = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0))) - y
    return np.concatenate([x.T @ r / len(y) + l2 * w[:-1], [r.mean()]])


def local_update(weights: Vector, x: Vector, y: Vector, plan: Training) -> Vector:
    """The change ``plan.local_steps`` gradient steps make to ``weights`` on ``(x, y)``.

    >>> w = local_update(np.zeros(2), np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]), Training())
    >>> bool(w[0] > 0), abs(float(w[1])) < 1e-12
    (True, True)
    """
    w = np.array(weights, dtype=np.float64)
    for _ in range(plan.local_steps):
        w -= plan.learning_rate * _gradient(w, x, y, plan.l2)
    return w - weights


def _correct(weights: Vector, x: Vector, y: Vector) -> int:
    return int(np.sum(((x @ weights[:-1] + weights[-1]) > 0) == (y > 0.5)))


def accuracy(weights: Vector, x: Vector, y: Vector) -> float:
    """The share of rows ``weights`` classifies right (threshold 0.5).

    >>> accuracy(np.array([1.0, 0.0]), np.array([[1.0], [-1.0]]), np.array([1.0, 1.0]))
    0.5
    """
    return _correct(weights, x, y) / len(y)


def fedavg_in_the_clear(cohorts: Mapping[int, Cohort], fmt: UpdateFormat, plan: Training,
                        participants: Callable[[int], Sequence[int]] | None = None) -> Vector:
    """The same training with the updates summed in the clear (floats, no secure
    aggregation): the twin the federated model is checked against. ``participants(r)``:
    the institutions whose update counts in round ``r`` (default: all).

    >>> c = synthetic_cohorts(2, 200, seed=1)
    >>> fedavg_in_the_clear(c, UpdateFormat(length=FEATURES + 1), Training(rounds=1)).shape
    (21,)
    """
    w = np.zeros(fmt.length)
    for r in range(1, plan.rounds + 1):
        ids = list(cohorts) if participants is None else list(participants(r))
        total, rows = np.zeros(fmt.length), 0
        for k in ids:
            d = local_update(w, cohorts[k].x, cohorts[k].y, plan)
            norm = float(np.linalg.norm(d))
            total += cohorts[k].rows * (d * fmt.clip / norm if norm > fmt.clip else d)
            rows += cohorts[k].rows
        w = w + total / rows
    return w


def pooled_model(x: Vector, y: Vector, plan: Training) -> Vector:
    """The reference a trusted party holding every row would train: scikit-learn's
    ``LogisticRegression`` on the same objective (``C = 1 / (l2 * rows)``), as
    ``[weights..., bias]``.

    Raises:
        MissingExtraError: scikit-learn is not installed (the ``ai`` extra).
    """
    try:
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    except ImportError:
        raise MissingExtraError("pooled_model needs scikit-learn: pip install 'zkmpc[ai]'") from None
    model = LogisticRegression(C=1.0 / (plan.l2 * len(y)), max_iter=2000, tol=1e-8).fit(x, y)
    return np.concatenate([model.coef_[0], model.intercept_]).astype(np.float64)


# --- the protocol ---------------------------------------------------------------------------


class TrafficMeter:
    """Counts the bytes a party's network sends to the others (whole frames, as handed to
    the transport: TLS record overhead not included), per round of a run tagged ``tag``:
    ``by_round["1"]``, ``["2"]``... and ``["eval"]`` (the final model and its evaluation).
    Installed on ``net`` until :meth:`close`.

    >>> from mpc.net import InProcessHub
    >>> net = InProcessHub([1, 2], session=bytes(16)).network(1)
    >>> meter = TrafficMeter(net)
    >>> asyncio.run(net.send(2, "fl/1/model", bytes(168)))
    >>> meter.by_round["1"] > 168, meter.total == meter.by_round["1"]
    (True, True)
    >>> meter.close()
    """

    def __init__(self, net: Network, tag: str = "fl") -> None:
        self.net, self.tag, self._send = net, tag, net.send
        self.by_round: dict[str, int] = {}

        async def send(to: int, name: str, payload: bytes) -> None:
            if to != net.party:
                parts = name.split("/")
                key = parts[1] if len(parts) > 1 and parts[0] == tag else "other"
                key = "eval" if key == "final" else key
                size = len(encode(Message(net.session, net.party, to, name, bytes(payload))))
                self.by_round[key] = self.by_round.get(key, 0) + size
            await self._send(to, name, payload)
        setattr(net, "send", send)

    @property
    def total(self) -> int:
        """Every byte counted."""
        return sum(self.by_round.values())

    def close(self) -> None:
        """Put the network's own ``send`` back."""
        setattr(self.net, "send", self._send)


@dataclass(frozen=True)
class RoundRecord:
    """One round as the server saw it: who the sum includes, who dropped out (and in which
    secure aggregation round), the sums it learned (``update_sum`` = sum of ``n_i d_i``,
    ``rows``, ``correct``, ``tested``: nothing per institution) and the round's wall time
    at the server (from sending the model to the new model)."""

    round: int
    included: tuple[int, ...]
    dropped: tuple[tuple[int, str], ...]
    update_sum: tuple[float, ...]
    rows: int
    correct: int
    tested: int
    seconds: float

    @property
    def accuracy(self) -> float:
        """The held-out accuracy of the model the round started from (from the sums)."""
        return self.correct / self.tested if self.tested else float("nan")


@dataclass(frozen=True)
class FederatedResult:
    """The server's result: the final ``model``, one record per round, the final model's
    held-out accuracy from the evaluation sums (``correct`` of ``tested``), and which
    institutions that evaluation includes."""

    model: Vector
    rounds: tuple[RoundRecord, ...]
    correct: int
    tested: int
    evaluated: tuple[int, ...]


@dataclass(frozen=True)
class ClientResult:
    """An institution's result: the final model and whether clipping changed its update,
    per round."""

    model: Vector
    clipped: tuple[bool, ...]


def _child(ctx: Context, prefix: str) -> Context:
    hook = ctx.on_round
    return dataclasses.replace(ctx, on_round=None if hook is None else (lambda name: hook(f"{prefix}/{name}")))


def _eval_format(fmt: UpdateFormat) -> FixedPoint:
    return FixedPoint(decimals=0, bound=Decimal(fmt.max_rows))


async def federated_server(ctx: Context, fmt: UpdateFormat, plan: Training, *, tag: str = "fl") -> FederatedResult:
    """The coordinating server's part (``ctx.party``); every other party is an institution.

    Raises:
        SecAggAbort: fewer than ``threshold`` institutions remain in a round.
    """
    w, records = np.zeros(fmt.length), []
    for r in range(1, plan.rounds + 1):
        t0 = time.perf_counter()
        await _send_model(ctx, f"{tag}/{r}/model", w)
        res = await secagg_server(_child(ctx, str(r)), encoding=fmt.encoding, size=fmt.size, tag=f"{tag}/{r}")
        sums = res.raw.astype(np.float64) / 10 ** fmt.decimals
        counts = [int(v) // 10 ** fmt.decimals for v in res.raw[fmt.length:]]
        w = _next_model(fmt, w, res.raw)
        records.append(RoundRecord(r, res.included, res.dropped, tuple(float(v) for v in sums[:fmt.length]),
                                   counts[0], counts[1], counts[2], time.perf_counter() - t0))
    await _send_model(ctx, f"{tag}/final", w)
    final = await secagg_server(_child(ctx, "eval"), encoding=_eval_format(fmt), size=2, tag=f"{tag}/eval")
    return FederatedResult(w, tuple(records), int(final.raw[0]), int(final.raw[1]), final.included)


async def _send_model(ctx: Context, tag: str, w: Vector) -> None:
    data = w.astype("<f8").tobytes()
    await asyncio.gather(*(ctx.net.send(p, tag, data) for p in ctx.parties if p != ctx.party))


async def _model(ctx: Context, server: int, tag: str, length: int, expected: Vector | None) -> Vector:
    data = await ctx.net.recv(server, tag, timeout=2 * ctx.timeout)
    w = np.frombuffer(data, dtype="<f8").astype(np.float64)
    if w.shape != (length,) or not np.all(np.isfinite(w)):
        raise ServerModelError(f"{tag} from the server (party {server}): expected {length} finite float64 values, "
                               f"found {len(data)} bytes")
    if expected is not None and not np.array_equal(w, expected):
        raise ServerModelError(f"{tag} from the server (party {server}): expected the previous model plus the "
                               f"average of the round's secure sum, found a model "
                               f"{float(np.max(np.abs(w - expected))):.3g} away from it")
    return w


def _next_model(fmt: UpdateFormat, w: Vector, raw: Any) -> Vector:
    """The model after a round: ``w`` plus the row-weighted average the secure sum ``raw`` gives."""
    step = np.asarray(raw[:fmt.length], dtype=np.float64) / 10 ** fmt.decimals
    out: Vector = w + step / (int(raw[fmt.length]) // 10 ** fmt.decimals)
    return out


async def federated_client(ctx: Context, cohort: Cohort, fmt: UpdateFormat, plan: Training, *, server: int,
                           tag: str = "fl", rng: Any = None) -> ClientResult:
    """Institution ``ctx.party``'s part: train on ``cohort`` each round and send its update
    through secure aggregation; check each model the server sends against the secure sum
    the server sent back for the round before.

    Raises:
        UpdateLengthError, UpdateNotFiniteError, UpdateRangeError: an update that cannot be
            sent (checked before sending).
        ServerModelError: a malformed model from the server, or one the round's sum does not give.
        SecAggAbort, SecAggMessageError: as :func:`mpc.protocols.secagg.secagg_client`.
    """
    clipped: list[bool] = []
    expected: Vector = np.zeros(fmt.length)
    for r in range(1, plan.rounds + 1):
        w = await _model(ctx, server, f"{tag}/{r}/model", fmt.length, expected)
        d = local_update(w, cohort.x, cohort.y, plan)
        vec, cut = encode_update(fmt, d, cohort.rows, correct=_correct(w, cohort.x_test, cohort.y_test),
                                 tested=len(cohort.y_test))
        receipt = await secagg_client(_child(ctx, str(r)), vec, server=server, encoding=fmt.encoding,
                                      size=fmt.size, tag=f"{tag}/{r}", rng=rng)
        expected = _next_model(fmt, w, receipt.raw)
        clipped.append(cut)
    w = await _model(ctx, server, f"{tag}/final", fmt.length, expected)
    mine = np.array([_correct(w, cohort.x_test, cohort.y_test), len(cohort.y_test)], dtype=np.int64)
    await secagg_client(_child(ctx, "eval"), mine, server=server, encoding=_eval_format(fmt), size=2,
                        tag=f"{tag}/eval", rng=rng)
    return ClientResult(w, tuple(clipped))


async def federated_learning(ctx: Context, cohort: Cohort | None, fmt: UpdateFormat, plan: Training, *,
                             server: int, tag: str = "fl",
                             rng: Any = None) -> Union[FederatedResult, ClientResult]:
    """The server's part when ``ctx.party == server`` (``cohort`` is then None), else the
    institution's: one function for :func:`~mpc.protocols.run_in_process` and
    :func:`~mpc.protocols.party.run_party`."""
    if ctx.party == server:
        return await federated_server(ctx, fmt, plan, tag=tag)
    if cohort is None:
        raise ValueError(f"party {ctx.party}: an institution needs its cohort, found None")
    return await federated_client(ctx, cohort, fmt, plan, server=server, tag=tag, rng=rng)
