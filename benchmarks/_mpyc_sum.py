"""MPyC's side of the secure-sum benchmark (run by benchmarks.mpc as ``python
benchmarks/_mpyc_sum.py -M3 -B PORT --no-log``: MPyC starts the other parties itself).

Every party inputs a vector of ``ZKMPC_BENCH_N`` 32-bit secure integers; all learn the
element-wise totals. ``ZKMPC_BENCH_MODE`` = ``array`` (MPyC's numpy arrays, its fastest
path) or ``list`` (one secint object per value).
"""

import json
import os
import random
import sys
import time
from pathlib import Path

# Run as a file (by MPyC's own party launcher too), Python puts benchmarks/ first on sys.path,
# where benchmarks/mpc.py would shadow the package ``mpc``: drop that entry before any import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np
from mpyc.runtime import mpc

N = int(os.environ.get("ZKMPC_BENCH_N", "100000"))
MODE = os.environ.get("ZKMPC_BENCH_MODE", "array")
secint = mpc.SecInt(32)


async def main() -> None:
    await mpc.start()
    rng = random.Random(mpc.pid)
    values = [rng.randrange(1 << 20) for _ in range(N)]
    t = time.perf_counter()
    if MODE == "array":
        shared = mpc.input(secint.array(np.array(values, dtype=np.int64)))
        total = shared[0]
        for x in shared[1:]:
            total = total + x
        out = await mpc.output(total)
        first = int(out[0])
    else:
        shared = mpc.input([secint(v) for v in values])
        totals = [sum(col, secint(0)) for col in zip(*shared)]
        out = await mpc.output(totals)
        first = int(out[0])
    elapsed = time.perf_counter() - t
    await mpc.shutdown()
    if mpc.pid == 0:
        print(json.dumps({"seconds": elapsed, "first": first}))


if __name__ == "__main__":
    mpc.run(main())
