"""Coverage-guided fuzzing of every parser with atheris (libFuzzer), outside CI.

The targets are the ones the seeded CI tests run (tests/fuzz/targets.py): same parsers,
same documented-error rule (a ZkpError/MPCError that is a ValueError/TypeError, anything
else crashes the run and libFuzzer writes the input to ``crash-*``), same seeds and the
same structure-aware mutator, which atheris calls as its custom mutator (one time in four
it lets libFuzzer's own byte-level mutator run instead). The corpus of each target lives
in ``fuzz-corpus/<target>/`` (not in git), seeded with the valid files; what a run finds
goes to ``fuzz-corpus/<target>-findings/``. ``ZKMPC_FUZZ_SKIP_KNOWN=1`` lets a run go on
past the findings already reported (``KNOWN``).

The address space is capped (``ZKMPC_FUZZ_MEMORY_MB``, default 3072), so an input that makes
a parser allocate gigabytes raises MemoryError and is saved like any other finding.

Usage (atheris is not a dependency of zkmpc: install it where you like)::

    pip install atheris
    python tools/fuzz_atheris.py --list
    python tools/fuzz_atheris.py zkey -max_total_time=300
    python tools/fuzz_atheris.py all --seconds 180      # each target in turn, in a subprocess

``make fuzz`` runs every target for ``FUZZ_SECONDS`` (default 120) each.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "fuzz-corpus"


def _setup_corpus(name: str) -> Path:
    from tests.fuzz.targets import TARGETS

    path = CORPUS / name
    path.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(TARGETS[name].seeds()):
        (path / f"seed-{i}").write_bytes(seed)
    return path


def _limit_memory(mb: int) -> None:
    """Cap the address space, so an allocation driven by a length prefix raises MemoryError
    inside the target (an undocumented error: libFuzzer saves the input) instead of ending
    the run with an out-of-memory report that cannot name its input."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))


#: findings already reported (exception type, innermost function): with
#: ZKMPC_FUZZ_SKIP_KNOWN=1 the run goes on past them to look for others
KNOWN = {("TypeError", "_fixed_base")}  # Python twin's batch_mul on an order-2 base


def _known(exc: BaseException) -> bool:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and (type(exc).__name__, frames[-1].name) in KNOWN


def run_target(name: str, libfuzzer_args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["zkp", "mpc"]):
        from tests.fuzz import targets as T
        from tests.fuzz.harness import is_documented

        import zkp.formats.binary, zkp.formats.circom, zkp.formats.ptau  # noqa: F401,E401
        import zkp.formats.snarkjs_json, zkp.formats.zkey  # noqa: F401,E401
        import mpc.net.frames, mpc.net.network, mpc.paillier, mpc.serial, mpc.sharing  # noqa: F401,E401

    target = T.TARGETS[name]
    seeds = target.seeds()

    skip_known = os.environ.get("ZKMPC_FUZZ_SKIP_KNOWN") == "1"

    def test_one_input(data: bytes) -> None:
        try:
            target.parse(data)
        except Exception as exc:
            if not is_documented(exc, target.package) and not (skip_known and _known(exc)):
                raise

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if rng.random() < 0.25 or not data:
            return bytes(atheris.Mutate(data, max_size))
        try:
            out = target.mutate(rng, data, seeds)
        except Exception:  # noqa: BLE001 - the structure mutator expects a seed-like input
            out = bytes(atheris.Mutate(data, max_size))
        return out[:max_size]

    corpus = _setup_corpus(name)
    _limit_memory(int(os.environ.get("ZKMPC_FUZZ_MEMORY_MB", "3072")))
    max_len = max(len(s) for s in seeds) * 2 + 1024
    argv = [sys.argv[0], *libfuzzer_args, f"-max_len={max_len}", str(corpus)]
    atheris.Setup(argv, test_one_input, custom_mutator=mutator)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", nargs="?", help="a target name, or 'all'")
    ap.add_argument("--list", action="store_true", help="list the targets")
    ap.add_argument("--seconds", type=int, default=120, help="with 'all': seconds per target")
    args, rest = ap.parse_known_args()
    from tests.fuzz.targets import TARGETS

    if args.list or not args.target:
        print("\n".join(sorted(TARGETS)))
        return
    if args.target == "all":
        failed = []
        for name in sorted(TARGETS):
            print(f"== {name}", flush=True)
            findings = CORPUS / f"{name}-findings"
            findings.mkdir(parents=True, exist_ok=True)
            res = subprocess.run([sys.executable, __file__, name, f"-max_total_time={args.seconds}",
                                  "-print_final_stats=1", f"-artifact_prefix={findings}/", *rest],
                                 cwd=ROOT, env=os.environ.copy())
            if res.returncode:
                failed.append(name)
        print("targets with findings:", ", ".join(failed) or "none")
        sys.exit(1 if failed else 0)
    if args.target not in TARGETS:
        sys.exit(f"unknown target {args.target!r}; --list shows them")
    run_target(args.target, rest)


if __name__ == "__main__":
    main()
