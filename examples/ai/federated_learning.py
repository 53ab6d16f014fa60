"""Ten hospitals train a cardiovascular risk model together; the server sees only sums, two drop out mid-round.

Ten institutions each hold their own patients (synthetic: 20 risk factors, a 10-year
cardiovascular event; 10,000 rows in all, 20 % of each held out) and train one logistic
regression with federated averaging (:mod:`zkmpc.ai.federated`). Each round the server
sends the model; each institution trains on its rows, clips its update, weights it by its
row count, encodes it in fixed point, and the server sums the updates by secure
aggregation (pairwise masks, Shamir-shared seeds: :mod:`mpc.protocols.secagg`), so it
learns the sums and nothing per institution. Institution 4 vanishes in round 2 after
sending its masked update (it still counts); institution 9 vanishes in round 3 before
sending it (left out); both rounds still complete. The final model's accuracy is compared
with the same regression trained on the pooled rows (tolerance: 1 percentage point plus 3
held-out rows, see ``tolerance``), and the model with the same updates summed in the clear.

Every party is its own process talking TLS on 127.0.0.1 (``--in-process``: one event
loop, the in-process network, as in the tests).

    python -m examples.ai.federated_learning [--institutions 10] [--rows 10000] [--rounds 5] [--in-process]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import numpy as np

from mpc.protocols import Context, Crashed, run_in_process
from zkmpc.ai.federated import (FEATURES, Cohort, FederatedResult, RoundRecord, TrafficMeter, Training, UpdateFormat,
                                accuracy, encode_update, fedavg_in_the_clear, federated_learning, pooled_model,
                                synthetic_cohorts)
from zkmpc.errors import UpdateLengthError, UpdateNotFiniteError, UpdateRangeError
from zkmpc.usecases import Report, UseCaseError

SERVER = 1
FORMAT = UpdateFormat(length=FEATURES + 1, clip=10.0, max_rows=100_000, decimals=6)
# institution -> the point where it vanishes: "round/secure-aggregation round after which it is gone"
DROPOUTS = {4: "2/masked", 9: "3/share"}
# The federated model is not the pooled optimum: FedAvg with 10 local steps on cohorts with
# different case mixes stops near it (client drift), and the two institutions that vanish
# are missing from the later rounds; the predictions differ on the 1-2 % of held-out rows
# nearest the decision boundary, some turning right, some wrong. Measured over seeds 7-14
# at full size (2,000 held-out rows): |accuracy difference| <= 0.45 points, >= 98 % of
# predictions identical. Tolerance: 1 point plus 3 held-out rows (at small sizes a few rows
# are a visible share). Fixed-point rounding (1e-6 per coordinate) moves the model by
# < 1e-6: checked against the same sums in the clear (TWIN_GAP).
TOLERANCE_POINTS, TOLERANCE_ROWS = 0.01, 3
TWIN_GAP = 1e-6


def tolerance(tested: int) -> float:
    """The largest accuracy difference accepted on ``tested`` held-out rows.

    >>> tolerance(2000)
    0.0115
    """
    return TOLERANCE_POINTS + TOLERANCE_ROWS / tested


ROOT = Path(__file__).resolve().parents[2]


def party_of(institution: int) -> int:
    return institution + 1


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--institutions", type=int, default=10)
    p.add_argument("--rows", type=int, default=10_000, help="patients in all (default 10,000)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--in-process", action="store_true", help="one event loop, the in-process network")
    p.add_argument("--party-config", help=argparse.SUPPRESS)
    p.add_argument("--party", type=int, help=argparse.SUPPRESS)
    a = p.parse_args(list(argv) if argv is not None else [])
    if a.institutions < 3 or a.rounds < 3 or a.rows < 50 * a.institutions:
        p.error(f"expected at least 3 institutions, 3 rounds (dropouts happen in rounds 2 and 3) and 50 rows per "
                f"institution, found {a.institutions}, {a.rounds} and {a.rows}")
    return a


def _threshold(institutions: int) -> int:
    return institutions // 2 + 1


def _crashes(institutions: int) -> dict[int, str]:
    return {party_of(i): when for i, when in DROPOUTS.items() if i <= institutions}


def _job(cohorts: dict[int, Cohort], plan: Training, meters: dict[int, TrafficMeter]) -> Callable[[Context], Any]:
    async def job(ctx: Context) -> Any:
        meters[ctx.party] = TrafficMeter(ctx.net)
        return await federated_learning(ctx, cohorts.get(ctx.party - 1), FORMAT, plan, server=SERVER)
    return job


def _in_process(cohorts: dict[int, Cohort], plan: Training) -> tuple[FederatedResult, dict[int, dict[str, int]]]:
    meters: dict[int, TrafficMeter] = {}
    out = run_in_process(_job(cohorts, plan, meters), parties=len(cohorts) + 1, threshold=_threshold(len(cohorts)),
                         timeout=60.0, crash=_crashes(len(cohorts)))
    result = out[SERVER]
    if not isinstance(result, FederatedResult):
        raise UseCaseError(f"the server did not finish: {result!r}")
    for p, r in out.items():
        if p != SERVER and isinstance(r, BaseException) and not isinstance(r, Crashed):
            raise UseCaseError(f"party {p} failed: {r!r}")
    return result, {p: dict(m.by_round) for p, m in meters.items()}


def party_main(a: argparse.Namespace) -> None:
    """One party as its own process over TLS: prints a JSON line (also when it vanishes)."""
    from mpc.net.config import load_config
    from mpc.protocols.party import run_party

    cohorts = synthetic_cohorts(a.institutions, a.rows, seed=a.seed)
    box: dict[str, TrafficMeter] = {}

    def on_round(name: str) -> None:
        if _crashes(a.institutions).get(a.party) == name:
            print(json.dumps({"party": a.party, "vanished": name, "sent": box["meter"].by_round}), flush=True)
            os._exit(0)

    async def job(ctx: Context) -> Any:
        await ctx.net.connect()  # type: ignore[attr-defined]
        await ctx.net.broadcast("ready", b"")  # a barrier: every party is up and connected
        await ctx.net.gather("ready", ctx.parties, timeout=300)
        box["meter"] = TrafficMeter(ctx.net)
        return await federated_learning(ctx, cohorts.get(ctx.party - 1), FORMAT, Training(rounds=a.rounds),
                                        server=SERVER)
    out = run_party(load_config(a.party_config), a.party, job, on_round=on_round)
    doc: dict[str, Any] = {"party": a.party, "sent": box["meter"].by_round if "meter" in box else {},
                           "error": str(out.error or "")}
    if isinstance(out.result, FederatedResult):
        doc["result"] = _result_doc(out.result)
    print(json.dumps(doc), flush=True)


def _result_doc(r: FederatedResult) -> dict[str, Any]:
    return {"model": r.model.tolist(), "correct": r.correct, "tested": r.tested, "evaluated": list(r.evaluated),
            "rounds": [{"round": x.round, "included": list(x.included), "dropped": [list(d) for d in x.dropped],
                        "update_sum": list(x.update_sum), "rows": x.rows, "correct": x.correct, "tested": x.tested,
                        "seconds": x.seconds} for x in r.rounds]}


def _from_doc(d: dict[str, Any]) -> FederatedResult:
    rounds = tuple(RoundRecord(x["round"], tuple(x["included"]), tuple((p, w) for p, w in x["dropped"]),
                               tuple(x["update_sum"]), x["rows"], x["correct"], x["tested"], x["seconds"])
                   for x in d["rounds"])
    return FederatedResult(np.array(d["model"]), rounds, d["correct"], d["tested"], tuple(d["evaluated"]))


def _over_tls(a: argparse.Namespace) -> tuple[FederatedResult, dict[int, dict[str, int]]]:
    from mpc.net.config import free_local_ports, write_local_config

    n = a.institutions + 1
    with tempfile.TemporaryDirectory() as d:
        cfg = write_local_config(d, n=n, threshold=_threshold(a.institutions), ports=free_local_ports(n),
                                 round_timeout=120, connect_timeout=60)
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        args = ["--institutions", str(a.institutions), "--rows", str(a.rows), "--rounds", str(a.rounds),
                "--seed", str(a.seed), "--party-config", str(cfg)]
        procs = [subprocess.Popen([sys.executable, "-m", "examples.ai.federated_learning", *args, "--party", str(p)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for p in range(1, n + 1)]
        outputs = [p.communicate(timeout=3600) for p in procs]
    docs = {}
    for (stdout, stderr), p in zip(outputs, range(1, n + 1)):
        lines = [x for x in stdout.splitlines() if x.startswith("{")]
        if not lines:
            raise UseCaseError(f"party {p} printed no result: {stderr[-1500:]}")
        docs[p] = json.loads(lines[-1])
    if "result" not in docs[SERVER]:
        raise UseCaseError(f"the server did not finish: {docs[SERVER].get('error')}")
    return _from_doc(docs[SERVER]["result"]), {p: dict(doc["sent"]) for p, doc in docs.items()}


def _stack(cohorts: dict[int, Cohort], test: bool) -> tuple[Any, Any]:
    xs = [c.x_test if test else c.x for c in cohorts.values()]
    ys = [c.y_test if test else c.y for c in cohorts.values()]
    return np.vstack(xs), np.concatenate(ys)


def _refusals(report: Report, cohort: Cohort) -> None:
    d = np.zeros(FORMAT.length)
    report.expect_refusal(f"an update of {FORMAT.length - 1} numbers (one short)",
                          lambda: encode_update(FORMAT, d[:-1], cohort.rows), UpdateLengthError)
    report.expect_refusal("an update with a NaN", lambda: encode_update(FORMAT, np.where(np.arange(FORMAT.length) == 3,
                                                                                          np.nan, d), cohort.rows),
                          UpdateNotFiniteError)
    report.expect_refusal(f"an update value of 1e12 (past the fixed-point bound {FORMAT.encoding.bound})",
                          lambda: encode_update(FORMAT, np.where(np.arange(FORMAT.length) == 0, 1e12, d), cohort.rows),
                          UpdateRangeError)
    report.expect_refusal(f"a row count of {FORMAT.max_rows + 1:,} (a weight past the fixed-point range)",
                          lambda: encode_update(FORMAT, d, FORMAT.max_rows + 1), UpdateRangeError)


def _round_line(x: RoundRecord, sent: dict[int, dict[str, int]]) -> dict[str, Any]:
    key = str(x.round)
    server = sent.get(SERVER, {}).get(key, 0)
    clients = [s.get(key, 0) for p, s in sent.items() if p != SERVER]
    return {"round": x.round, "included": x.included, "dropped": x.dropped, "seconds": x.seconds,
            "server_bytes": server, "client_bytes": sum(clients), "client_max": max(clients, default=0),
            "rows": x.rows, "accuracy": x.accuracy}


def _leak(result: FederatedResult) -> str:
    """What the sums give away beyond themselves: who each sum includes, and the row total
    of the institutions that differ between two rounds (row counts do not change)."""
    seen: dict[frozenset[int], int] = {}
    notes: list[str] = []
    for x in result.rounds:
        key = frozenset(x.included)
        if key in seen:
            continue
        for other, rows in seen.items():
            if key < other:
                gone = sorted(p - 1 for p in other - key)
                who = f"institution {gone[0]} holds" if len(gone) == 1 else f"institutions {gone} hold"
                notes.append(f"{who} {rows - x.rows:,} training rows (round {x.round}'s row total vs an earlier one)")
        seen[key] = x.rows
    return "who each sum includes" + ("; " + "; ".join(notes) if notes else "") + "; nothing else per institution"


def _compare(report: Report, cohorts: dict[int, Cohort], plan: Training, result: FederatedResult) -> dict[str, Any]:
    """The final model against pooled training and against the same sums in the clear."""
    x_test, y_test = _stack(cohorts, test=True)
    pooled = pooled_model(*_stack(cohorts, test=False), plan)
    included = {x.round: [p - 1 for p in x.included] for x in result.rounds}
    twin = fedavg_in_the_clear(cohorts, FORMAT, plan, lambda r: included[r])
    fed_acc, pooled_acc = accuracy(result.model, x_test, y_test), accuracy(pooled, x_test, y_test)
    same = float(np.mean(((x_test @ result.model[:-1] + result.model[-1]) > 0) ==
                         ((x_test @ pooled[:-1] + pooled[-1]) > 0)))
    report.fact("final accuracy (held-out rows)", f"federated {fed_acc:.4f} (the server's evaluation sum over "
                                                  f"{len(result.evaluated)} institutions: "
                                                  f"{result.correct}/{result.tested}), pooled {pooled_acc:.4f}, "
                                                  f"difference {abs(fed_acc - pooled_acc) * 100:.2f} points "
                                                  f"(tolerance {tolerance(len(y_test)) * 100:.2f}); same prediction on "
                                                  f"{same * 100:.1f} % of rows")
    gap = float(np.max(np.abs(result.model - twin)))
    report.fact("secure aggregation vs the same sums in the clear", f"max |model difference| {gap:.1e}")
    if abs(fed_acc - pooled_acc) > tolerance(len(y_test)) or gap > TWIN_GAP:
        raise UseCaseError(f"the federated model is off: accuracy {fed_acc:.4f} vs pooled {pooled_acc:.4f}, "
                           f"{gap:.1e} from the in-the-clear twin")
    return {"federated_accuracy": fed_acc, "pooled_accuracy": pooled_acc, "agreement": same, "twin_gap": gap,
            "tolerance": tolerance(len(y_test)), "evaluation": (result.correct, result.tested)}


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    a = _arguments(argv)
    if a.party_config:
        party_main(a)
        return {}
    plan = Training(rounds=a.rounds)
    cohorts = synthetic_cohorts(a.institutions, a.rows, seed=a.seed)
    network = "in-process network (one event loop)" if a.in_process else \
        f"{a.institutions + 1} processes over TLS on 127.0.0.1"
    report = Report(out, title=f"federated logistic regression, {a.institutions} institutions, secure aggregation")
    report.fact("institutions (training rows each)", ", ".join(f"{k}: {c.rows}" for k, c in cohorts.items()))
    report.fact("model", f"{FEATURES} risk factors + bias; {plan.rounds} rounds of FedAvg, {plan.local_steps} local "
                         f"gradient steps; updates clipped to L2 {FORMAT.clip:g}, weighted by rows, "
                         f"{FORMAT.decimals} decimals")
    report.fact("parties", f"server + {a.institutions} institutions, {network}; threshold "
                           f"{_threshold(a.institutions)}")
    result, sent = _in_process(cohorts, plan) if a.in_process else _over_tls(a)
    rounds = [_round_line(x, sent) for x in result.rounds]
    for x in rounds:
        gone = ", ".join(f"{p - 1} (sent no {w!r} message)" for p, w in x["dropped"]) or "none"
        report.fact(f"round {x['round']}", f"{len(x['included'])} updates summed, dropped: {gone}; "
                                           f"{x['seconds']:.2f} s; sent: server {x['server_bytes'] / 1024:.1f} KiB, "
                                           f"institutions {x['client_bytes'] / 1024:.1f} KiB "
                                           f"({x['client_max'] / 1024:.1f} at most each)")
        report.fact(f"  the server learns (round {x['round']})",
                    f"sum of {len(x['included'])} weighted updates ({FORMAT.length} numbers), their rows "
                    f"{x['rows']:,}, held-out accuracy of the round's model {x['accuracy']:.4f} (a sum of counts); "
                    f"included: institutions {[p - 1 for p in x['included']]}")
    eval_bytes = sum(s.get("eval", 0) for s in sent.values())
    report.fact("all rounds", f"{sum(x['seconds'] for x in rounds):.2f} s at the server, "
                              f"{sum(x['server_bytes'] + x['client_bytes'] for x in rounds) / 1024:.1f} KiB sent in "
                              f"all; then the final model and its evaluation (a secure sum of 2 counts): "
                              f"{eval_bytes / 1024:.1f} KiB")
    report.fact("the server also learns", _leak(result))
    for inst, when in DROPOUTS.items():
        if inst <= a.institutions:
            r, step = when.split("/")
            counted = party_of(inst) in result.rounds[int(r) - 1].included
            what = "after sending its masked update" if step == "masked" else \
                f"before its masked update (after {step!r})"
            report.fact(f"institution {inst}", f"vanished in round {r} {what}: "
                                               f"{'its update counts' if counted else 'left out'}, the round completed")
    _refusals(report, cohorts[1])
    report.figures.update(_compare(report, cohorts, plan, result), rounds=rounds, network=network,
                          eval_bytes=eval_bytes)
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
