"""Two ministries publish employment by degree field, joined on person ids neither ministry reveals.

The education ministry holds graduates (person id, degree field); the labour ministry holds
workers (person id, employed, salary band). They join the two tables with private
intersection-sums per category (``mpc.psi.psi_categories_party1``: commutative blinding in
BN254's G1, the labour ministry's indicators packed into one Paillier plaintext per person):
education learns how many of each field's graduates labour knows; labour learns, per field,
how many matched, how many are employed and in which salary band, and publishes that table
with small-cell suppression, then a copy with differential-privacy noise it adds once
(discrete Laplace, epsilon 1, sensitivity 3: a person counts in at most three cells). A field
with fewer matches than the agreed minimum is withheld entirely. Nobody learns who matched.

By default the ministries are two processes talking TLS (the labour ministry computes its
encryption randomness first, offline); ``--processes 0`` runs both in this process.

    python -m examples.education.ministries_join [--members 100000] [--threshold 10] [--processes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence, TextIO

from mpc import paillier
from mpc.net import InProcessHub
from zkmpc.statistics import CrossTable, DiscreteLaplace
from zkmpc.statistics.join import JoinSpec, join_categories, join_indicators
from zkmpc.usecases import Report, UseCaseError

ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("law", "medicine", "engineering", "teaching", "arts", "astronomy")
WEIGHTS = (0.22, 0.15, 0.30, 0.18, 0.1498, 0.0002)  # astronomy: a handful of graduates
EMPLOYMENT = (0.86, 0.95, 0.91, 0.88, 0.71, 0.8)
BANDS = ("band low", "band mid", "band high")
COLUMNS = ("employed", *BANDS)
SENSITIVITY = 3  # matched, employed, one band: the cells one person can be counted in
EPSILON = 1.0


def population(n: int, seed: int) -> tuple[dict[str, str], dict[str, list[int]]]:
    """The synthetic world: education's ``n`` graduates (id -> field) and labour's ``n``
    workers (id -> [employed, band low, band mid, band high]), 70% of them the same people.
    Each ministry keeps only its own table."""
    rng = random.Random(seed)
    shift = n * 3 // 10
    people = [f"P{i:09d}" for i in range(n + shift)]
    field = {p: rng.choices(range(len(FIELDS)), WEIGHTS)[0] for p in people}
    education = {p: FIELDS[field[p]] for p in people[:n]}
    labour: dict[str, list[int]] = {}
    for p in people[shift:]:
        f = field[p]
        if p in education and rng.random() < EMPLOYMENT[f]:
            band = min(2, max(0, int(rng.gauss(1 + 0.4 * (f in (1, 2)) - 0.5 * (f == 4), 0.7))))
            labour[p] = [1] + [int(b == band) for b in range(3)]
        elif p not in education and rng.random() < 0.8:
            labour[p] = [1, 1, 0, 0]
        else:
            labour[p] = [0, 0, 0, 0]
    return education, labour


def plain_table(education: dict[str, str], labour: dict[str, list[int]], spec: JoinSpec) -> CrossTable:
    """What a trusted party holding both tables would count (to check the protocol)."""
    rows = []
    for f in spec.rows:
        common = [p for p, g in education.items() if g == f and p in labour]
        rows.append((len(common), *(sum(labour[p][j] for p in common) for j in range(len(COLUMNS)))))
    return CrossTable(spec.rows, ("matched", *COLUMNS), tuple(rows))


def keys(bits: int) -> paillier.PrivateKey:
    return paillier.keygen(bits=bits, insecure=bits < 2048)[1]


def offline_pool(sk: paillier.PrivateKey, n: int) -> paillier.RandomnessPool:
    """Labour's encryption randomness, computed before the run (DJN short exponents)."""
    pool = paillier.RandomnessPool(sk.public_key, djn=paillier.DJNRandomness(sk.public_key))
    pool.fill(n)
    return pool


# --- in one process ------------------------------------------------------------------------

async def _together(spec: JoinSpec, education: dict[str, str], labour: dict[str, list[int]], sk: Any,
                    pool: Any) -> tuple[dict[str, int | None], CrossTable]:
    hub = InProcessHub([1, 2], session=bytes(16), max_frame=64 << 20)
    got = await asyncio.gather(join_categories(hub.network(1), spec, education, peer=2, insecure=True),
                               join_indicators(hub.network(2), spec, labour, peer=1, private_key=sk, pool=pool),
                               return_exceptions=True)
    for r in got:
        if isinstance(r, BaseException):
            raise r
    return got[0], got[1]  # type: ignore[return-value]


# --- as two processes over TLS -------------------------------------------------------------

async def _party(config_path: str, party: int, spec: JoinSpec, members: int, seed: int, bits: int) -> dict[str, Any]:
    from mpc.net.config import load_config
    from mpc.net.tcp import TcpNetwork

    cfg = load_config(config_path)
    education, labour = population(members, seed)
    sk = pool = None
    if party == 2:  # offline: key and randomness, before the link opens
        sk = keys(bits)
        pool = offline_pool(sk, len(labour))
        print("ready", flush=True)
    else:
        del labour
    server, client = cfg.contexts(party)
    # the configuration's timeouts: mpc.psi does its heavy work (blinding 10^5 points, encrypting
    # 10^5 values) in worker threads, so the event loop keeps answering handshakes and pings
    async with TcpNetwork(party, cfg.addresses(), cfg.session, server_ssl=server, client_ssl=client,
                          **cfg.limits()) as net:
        started = time.perf_counter()
        if party == 1:
            matched = await join_categories(net, spec, education, peer=2, timeout=3600, insecure=bits < 2048)
            return {"matched": matched, "seconds": time.perf_counter() - started}
        assert sk is not None
        table = await join_indicators(net, spec, labour, peer=1, private_key=sk, pool=pool, timeout=3600)
        return {"cells": table.cells, "seconds": time.perf_counter() - started}


def _launch(config: Path, party: int, opts: argparse.Namespace) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "examples.education.ministries_join", "--party", str(party), "--config", str(config),
           "--members", str(opts.members), "--seed", str(opts.seed), "--bits", str(opts.bits),
           "--min-intersection", str(opts.min_intersection)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _finish(procs: dict[str, subprocess.Popen[str]]) -> list[dict[str, Any]]:
    """Every process's result document; a failure names each process that failed, with its error."""
    done: dict[str, tuple[str, str]] = {}
    for who, p in procs.items():
        done[who] = p.communicate(timeout=7200)
        if p.returncode != 0:  # the others would wait for it: stop them
            for other, q in procs.items():
                if other not in done:
                    q.kill()
                    done[other] = q.communicate()
            break
    failed = [f"the {who} process failed (exit {procs[who].returncode}): {err[-1200:]}"
              for who, (out, err) in done.items() if procs[who].returncode != 0 or not out.strip()]
    if failed:
        raise UseCaseError("\n".join(failed))
    return [dict(json.loads(out.strip().splitlines()[-1])) for out, _ in done.values()]


def over_tls(opts: argparse.Namespace, spec: JoinSpec) -> tuple[dict[str, int | None], CrossTable, dict[str, float]]:
    """Both ministries as processes over TLS; labour starts first (offline phase), education
    when labour is ready."""
    from mpc.net.config import free_local_ports, write_local_config

    with tempfile.TemporaryDirectory() as tmp:
        config = write_local_config(tmp, n=2, threshold=1, ports=free_local_ports(2), round_timeout=600,
                                    connect_timeout=30)
        started = time.perf_counter()
        labour = _launch(config, 2, opts)
        assert labour.stdout is not None
        line = labour.stdout.readline()
        if line.strip() != "ready":
            labour.kill()
            raise UseCaseError(f"the labour process did not get ready: {line!r} {labour.communicate()[1][-1500:]}")
        offline = time.perf_counter() - started
        education = _launch(config, 1, opts)
        edu, lab = _finish({"education ministry": education, "labour ministry": labour})
    cells = tuple(tuple(r) for r in lab["cells"])
    table = CrossTable(spec.rows, ("matched", *COLUMNS), cells, title="matched people by category")
    return edu["matched"], table, {"offline": offline, "online_labour": lab["seconds"],
                                   "online_education": edu["seconds"]}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").strip().splitlines()[0])
    p.add_argument("--members", type=int, default=100_000, help="rows in each ministry's table (default 100,000)")
    p.add_argument("--threshold", type=int, default=10, help="small-cell suppression threshold (default 10)")
    p.add_argument("--min-intersection", type=int, default=10,
                   help="the least matched people a field needs to be revealed at all (default 10)")
    p.add_argument("--processes", type=int, choices=(0, 1), default=1,
                   help="1: the ministries as two processes over TLS (default); 0: in this process")
    p.add_argument("--bits", type=int, default=2048, help="labour's Paillier key size (default 2048)")
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--party", type=int, choices=(1, 2), help=argparse.SUPPRESS)
    p.add_argument("--config", help=argparse.SUPPRESS)
    return p.parse_args(list(argv) if argv is not None else [])


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    opts = parse(argv)
    spec = JoinSpec(FIELDS, COLUMNS, min_intersection=opts.min_intersection)
    if opts.party is not None:  # a ministry's own process (launched by over_tls)
        got = asyncio.run(_party(opts.config, opts.party, spec, opts.members, opts.seed, opts.bits))
        print(json.dumps(got), file=out, flush=True)
        return got
    report = Report(out, title=f"study versus employment, {opts.members:,} graduates x {opts.members:,} workers")
    started = time.perf_counter()
    if opts.processes:
        matched, table, times = over_tls(opts, spec)
        report.fact("run", f"two processes over TLS: labour offline {times['offline']:.1f} s (key, randomness), "
                           f"online {times['online_labour']:.1f} s")
    else:
        education, labour = population(opts.members, opts.seed)
        sk = keys(opts.bits)
        matched, table = asyncio.run(_together(spec, education, labour, sk, offline_pool(sk, len(labour))))
        report.fact("run", f"in one process, {time.perf_counter() - started:.1f} s")
    report.figures["seconds"] = time.perf_counter() - started
    education, labour = population(opts.members, opts.seed)
    plain = plain_table(education, labour, spec)
    expected = tuple(r if (r[0] or 0) >= spec.min_intersection else (None,) * len(r) for r in plain.cells)
    if table.cells != expected or any(matched[f] != r[0] for f, r in zip(FIELDS, expected)):
        raise UseCaseError(f"the joined table {table.cells} differs from the plain join {plain.cells}")
    report.fact("equals the plain join (never computed in reality)", True)
    report.fact("education ministry learns", ", ".join(f"{f} {'withheld' if m is None else m}"
                                                         for f, m in matched.items()))
    withheld = [f for f, m in matched.items() if m is None]
    if withheld:
        report.fact("fields below the minimum of matches (withheld for both)", ", ".join(withheld))
    published = table.suppressed(opts.threshold)
    print(f"   labour ministry publishes (cells below {opts.threshold} withheld):", file=out)
    print("\n".join("      " + line for line in published.text().splitlines()), file=out)
    noised = table.noised(DiscreteLaplace(epsilon=EPSILON, sensitivity=SENSITIVITY)).suppressed(opts.threshold)
    print(f"   or instead (one release, not both), with noise the labour ministry adds once: {noised.noise}",
          file=out)
    print("\n".join("      " + line for line in noised.text().splitlines()), file=out)
    for f, row in zip(FIELDS, published.cells):
        if row[0] and row[1] is not None:
            report.figures.setdefault("employment", {})[f] = row[1] / row[0]
    report.figures.update(matched=matched, cells=table.cells, published=published.cells, noised=noised.cells,
                          withheld_cells=sum(c is None for r in published.cells for c in r))
    return report.figures


if __name__ == "__main__":
    main(sys.argv[1:])
