"""An MNIST-sized MLP (784-32-10, relu) with a private input: constraints by layer, compile,
solve, prove time and the prover's peak memory.

    python -m benchmarks.ai [--inputs 784] [--hidden 32] [--outputs 10] [--frac-bits 8] [--bits 16]
                            [--repeat 3] [--seed 1]

The weights are random (no download; a fixed seed), public constants of the circuit; the
input (784 pixels in [0, 1], 8 fractional bits hold a byte pixel exactly) is private and
range-checked; the 10 logits are public. Rows: the model circuit's constraints by layer,
compile time, solve (witness) time, the development setup's time (not a target), prove time
in this process (best of ``--repeat``), then ``zkmpc prove KEY.zkey W.wtns`` as a process of
its own: wall time (start-up and key loading included) and peak RSS from the OS (as
``benchmarks/prove.py``).

Target (issue 20): prove in at most 1 s and 180 MB. The issue gives it as EZKL's published
claim for MNIST-sized inference (Halo2); the figure is quoted from the issue, not measured
here nor traced to a primary EZKL page (EZKL's own framework comparison is
https://blog.ezkl.xyz/post/benchmarks/, whose models differ).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

TARGET_SECONDS, TARGET_MB = 1.0, 180


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall-clock time of ``repeat`` runs and the last result."""
    out, times = None, []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def mlp(inputs: int, hidden: int, outputs: int, frac_bits: int, bits: int, seed: int) -> Any:
    """A random relu MLP (He-scaled weights) in the given fixed-point format."""
    import numpy as np

    from zkmpc.ai import FixedPoint, FixedPointModel

    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, (2 / inputs) ** 0.5, (inputs, hidden))
    w2 = rng.normal(0, (2 / hidden) ** 0.5, (hidden, outputs))
    return FixedPointModel.from_arrays([w1, w2], [rng.normal(0, 0.1, hidden), rng.normal(0, 0.1, outputs)],
                                       ["relu", "none"], fmt=FixedPoint(frac_bits=frac_bits, bits=bits))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", type=int, default=784)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--outputs", type=int, default=10)
    ap.add_argument("--frac-bits", type=int, default=8)
    ap.add_argument("--bits", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    import numpy as np

    from benchmarks.prove import run, zkmpc_cmd
    from zkmpc.ai import assignment, constraints_by_layer, model_circuit
    from zkp import backend_info, groth16
    from zkp.formats.circom import write_wtns
    from zkp.formats.zkey import write_zkey

    model = mlp(args.inputs, args.hidden, args.outputs, args.frac_bits, args.bits, args.seed)
    print(f"AI: MLP {args.inputs}-{args.hidden}-{args.outputs} (relu), random weights (seed {args.seed}) as "
          f"constants, private input; fixed point {model.fmt.bits} bits, {model.fmt.frac_bits} fractional; "
          f"kernels: {backend_info()['backend']}, python {sys.version.split()[0]}")
    t0 = time.perf_counter()
    cs = model_circuit.__wrapped__(model)  # not the cached one: the compile is timed
    compile_s = time.perf_counter() - t0
    print(f"  constraints: {cs.r1cs.num_constraints:,} ({cs.r1cs.num_wires:,} wires, {cs.num_public} public)")
    for layer, count in constraints_by_layer(cs).items():
        print(f"    {layer:<10} {count:>8,}")
    pixels = np.random.default_rng(args.seed + 1).integers(0, 256, args.inputs) / 256
    x = model.quantize(pixels.tolist())
    a = assignment(cs, model, x)
    solve_s, w = best(lambda: cs.solve(a), args.repeat)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs.r1cs)
    setup_s = time.perf_counter() - t0
    prove_s, proof = best(lambda: groth16.prove(pk, w), args.repeat)
    assert groth16.verify(vk, w.public, proof)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        write_zkey(pk, d / "mlp.zkey")
        (d / "mlp.wtns").write_bytes(write_wtns(w))
        runs = [run(zkmpc_cmd("prove", "mlp.zkey", "mlp.wtns", "p.json", "pub.json"), d)
                for _ in range(args.repeat)]
    proc_s, peak = min(r[0] for r in runs), max(r[1] for r in runs)
    print(f"\n{'step':<48} {'value':>12}")
    for name, value in (("compile (s)", compile_s), ("solve: witness (s)", solve_s),
                        ("setup, development (s)", setup_s),
                        ("prove, in process (s)", prove_s), ("zkmpc prove, whole process (s)", proc_s),
                        ("zkmpc prove, peak RSS (MB)", peak)):
        print(f"{name:<48} {value:>12.3f}")
    verdict = "met" if prove_s <= TARGET_SECONDS and peak <= TARGET_MB else "not met"
    print(f"\ntarget <= {TARGET_SECONDS:.0f} s and {TARGET_MB} MB prove (issue 20: EZKL's published claim for "
          f"MNIST-sized inference, quoted, not measured here): {verdict} "
          f"(prove {prove_s:.3f} s in process, {proc_s:.3f} s as a process, {peak:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
