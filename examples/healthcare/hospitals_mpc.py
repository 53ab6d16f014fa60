"""Five hospitals compute mean and variance over TLS with Shamir shares, one going offline mid-way.

Five hospitals compute the mean and variance of their patients' cholesterol (mmol/L)
without pooling records and without any key holder: each hospital is a separate process
talking TLS to the others (``zkmpc party``), inputs are Shamir-shared with threshold 3,
and hospital 4 goes offline halfway through (right after sharing its input). The four
others still finish, with hospital 4's data included, and name it as missing.

    python -m examples.healthcare.hospitals_mpc

The same protocol in a notebook, without processes or certificates:

    >>> from decimal import Decimal
    >>> from mpc.encoding import FixedPoint
    >>> from mpc.protocols import run_in_process, secure_stats
    >>> data = {h: readings(h, seed=7) for h in range(1, 6)}
    >>> out = run_in_process(lambda ctx: secure_stats(ctx, data[ctx.party], ENCODING), parties=5, threshold=3,
    ...                      crash={4: "input"})
    >>> out[1].missing, out[1].count == sum(len(v) for v in data.values())
    ((4,), True)
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from mpc.encoding import FixedPoint
from mpc.net.config import free_local_ports, write_local_config
from zkmpc.usecases import options

HOSPITALS = 5
THRESHOLD = 3
OFFLINE = 4
ENCODING = FixedPoint(decimals=1, bound=Decimal(30))  # readings like "5.3", at most 30 mmol/L
ROOT = Path(__file__).resolve().parents[2]


def readings(hospital: int, *, seed: int) -> list[str]:
    rng = random.Random(seed * 100 + hospital)
    return [f"{max(2.0, rng.gauss(4.8 + 0.2 * hospital, 1.0)):.1f}" for _ in range(rng.randrange(40, 90))]


def _launch(config: Path, hospital: int, input_file: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "zkmpc", "party", "--config", str(config), "--id", str(hospital),
           "--protocol", "stats", "--input", str(input_file), "--decimals", "1", "--bound", "30"]
    if hospital == OFFLINE:
        cmd += ["--exit-after", "input"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def pooled(data: dict[int, list[str]]) -> tuple[int, Fraction, Fraction]:
    """What a trusted party holding every record would compute (to check the protocol)."""
    vals = [Fraction(v) for vs in data.values() for v in vs]
    mean = sum(vals) / len(vals)
    return len(vals), mean, sum((v - mean) ** 2 for v in vals) / len(vals)


def main(argv: Sequence[str] | None = None, out: Any = sys.stdout, *, seed: int = 7) -> dict[int, dict[str, Any]]:
    seed = options(argv, __doc__, seed=seed).seed
    data = {h: readings(h, seed=seed) for h in range(1, HOSPITALS + 1)}
    with tempfile.TemporaryDirectory() as tmp:
        config = write_local_config(tmp, n=HOSPITALS, threshold=THRESHOLD, ports=free_local_ports(HOSPITALS),
                                    round_timeout=10, connect_timeout=5)
        procs = {}
        for h, values in data.items():
            path = Path(tmp) / f"hospital{h}.txt"
            path.write_text("\n".join(values) + "\n")
            procs[h] = _launch(config, h, path)
        docs = {h: _result(p) for h, p in procs.items()}
    count, mean, var = pooled(data)
    print(f"{HOSPITALS} hospitals, threshold {THRESHOLD}; hospital {OFFLINE} went offline after sharing its input",
          file=out)
    for h, doc in docs.items():
        if "mean" in doc:
            print(f"  hospital {h}: n={doc['count']}  mean={Decimal(doc['mean']):.4f}  "
                  f"variance={Decimal(doc['variance']):.4f}  missing={doc['missing']}", file=out)
        else:
            print(f"  hospital {h}: {doc.get('status', doc)}", file=out)
    print(f"  pooled check: n={count}  mean={float(mean):.4f}  variance={float(var):.4f}", file=out)
    return docs


def _result(proc: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = proc.communicate(timeout=120)
    if proc.returncode == 75:
        return {"status": "offline (simulated crash)"}
    if not stdout.strip():
        raise RuntimeError(f"a party failed: {stderr[-1000:]}")
    return dict(json.loads(stdout))


if __name__ == "__main__":
    main(sys.argv[1:])
