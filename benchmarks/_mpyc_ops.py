"""MPyC's side of benchmarks.mpc_ops (run as ``python benchmarks/_mpyc_ops.py -M3 -B PORT
--no-log``: MPyC starts the other parties itself).

``ZKMPC_BENCH_OP`` is lt, eq, div, trunc or argmax on ``ZKMPC_BENCH_N`` values of
``SecInt(ZKMPC_BENCH_BITS + 1)`` (party 0 inputs x, party 1 inputs y, read from the JSON
file ``ZKMPC_BENCH_INPUTS``: the values of zkmpc's parties 1 and 2); the time runs from "inputs shared" to "result opened". Party 0
prints the seconds, its bytes sent and the result.
"""

import json
import os
import sys
import time
from pathlib import Path

# Run as a file (by MPyC's own party launcher too), Python puts benchmarks/ first on sys.path,
# where benchmarks/mpc.py would shadow the package ``mpc``: drop that entry before any import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from mpyc.runtime import mpc

N = int(os.environ.get("ZKMPC_BENCH_N", "1000"))
OP = os.environ.get("ZKMPC_BENCH_OP", "lt")
BITS = int(os.environ.get("ZKMPC_BENCH_BITS", "32"))
SHIFT = int(os.environ.get("ZKMPC_BENCH_SHIFT", "16"))
DIVISOR = int(os.environ.get("ZKMPC_BENCH_DIVISOR", "7"))
secint = mpc.SecInt(BITS + 1)


def operation(x, y):
    if OP == "lt":
        return [a < b for a, b in zip(x, y)]
    if OP == "eq":
        return [a == b for a, b in zip(x, y)]
    if OP == "div":
        return [a // DIVISOR for a in x]
    if OP == "trunc":
        return mpc.trunc(x, f=SHIFT, l=BITS + 1)
    return [mpc.argmax(x)[0]]


async def main() -> None:
    await mpc.start()
    with open(os.environ["ZKMPC_BENCH_INPUTS"]) as f:
        xs, ys = json.load(f)
    x = mpc.input([secint(v) for v in xs], senders=0)
    y = mpc.input([secint(v) for v in ys], senders=min(1, len(mpc.parties) - 1))
    await mpc.barrier()
    sent = sum(p.protocol.nbytes_sent for p in mpc.parties if p.pid != mpc.pid)
    t = time.perf_counter()
    result = await mpc.output(operation(x, y))
    elapsed = time.perf_counter() - t
    sent = sum(p.protocol.nbytes_sent for p in mpc.parties if p.pid != mpc.pid) - sent
    await mpc.shutdown()
    if mpc.pid == 0:
        print(json.dumps({"seconds": elapsed, "bytes": sent, "result": [int(r) for r in result]}))


if __name__ == "__main__":
    mpc.run(main())
