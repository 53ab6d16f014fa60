"""The fuzz harness: a line tracer that measures depth, and the runner every fuzz target
uses (tests/fuzz/test_fuzz_parsers.py, tools/fuzz_atheris.py); the mutators are in
mutators.py.

Mutators start from valid files and documents and change them at the structure level:
sectioned binary files (circom .r1cs/.wtns, snarkjs .zkey/.ptau) are walked section by
section and get a changed count, section size or kind, a duplicated, dropped or reordered
section, a cut inside a section, trailing bytes, a u32 count or a 32-byte field element
rewritten in place (p, r, 2^256 - 1, ...), a point moved off its curve; fixed layouts
(zkmpc's proving key, network frames) get each of their fields rewritten; JSON documents
get number spellings (``"+1"``, ``"-0"``, ``"01"``, ``1e3``, 80 digits, p, r), types,
list lengths, nesting, duplicate or missing keys and off-curve coordinates.

Depth is measured without naming any parser function or message, so it survives
refactoring: a :class:`LineTracer` counts the distinct lines of the target's own modules
that one input executes. Before fuzzing, random inputs calibrate the target: uniform bytes
of the seeds' lengths, half of them behind a seed's first 4 to 16 bytes (magic, version,
first counts). The most lines any of them executes is what the first check costs; a
mutated input "got past the first check" when it executes more (the tests assert a
majority does). Reported beside it: the share of inputs that "reached the section
parsers", i.e. ran at least ``REACH`` (half) of the distinct lines that parsing their
valid seed runs.

Hangs: each input runs under a watchdog (SIGALRM after ``ZKMPC_FUZZ_HANG_SECONDS``,
default 60; inputs take milliseconds), which turns a hang into a reported finding.

Budget: ``ZKMPC_FUZZ_ITERATIONS`` (inputs per target, default the target's CI budget) or
``ZKMPC_FUZZ_SECONDS`` (keep going, still with the fixed seed, until that many seconds per
target have passed). ``ZKMPC_FUZZ_SEED`` changes the seed (default fixed).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any, Callable, Sequence

#: an input "reached the section parsers" when it ran this share of the distinct lines
#: that parsing its (valid) seed runs
REACH = 0.5


def fuzz_seed() -> int:
    return int(os.environ.get("ZKMPC_FUZZ_SEED", "20261204"))


# --------------------------------------------------------------------------- depth

class LineTracer:
    """Counts the distinct lines (and all line events) that run in ``files``."""

    def __init__(self, files: Sequence[str]) -> None:
        self.files = {os.path.realpath(f) for f in files}
        self._codes: dict[CodeType, bool] = {}
        self.lines: set[tuple[str, int]] = set()
        self.events = 0

    def _wanted(self, code: CodeType) -> bool:
        hit = self._codes.get(code)
        if hit is None:
            hit = self._codes[code] = os.path.realpath(code.co_filename) in self.files
        return hit

    def _global(self, frame: FrameType, event: str, arg: Any) -> Any:
        return self._local if self._wanted(frame.f_code) else None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines.add((frame.f_code.co_filename, frame.f_lineno))
            self.events += 1
        return self._local

    def run(self, fn: Callable[[], Any]) -> Any:
        self.lines, self.events = set(), 0
        old = sys.gettrace()
        sys.settrace(self._global)
        try:
            return fn()
        finally:
            sys.settrace(old)


# --------------------------------------------------------------------------- runner

class Hang(BaseException):
    """Raised by the watchdog: one input ran longer than the hang limit."""


@dataclass
class Target:
    """A parser under fuzz. ``parse`` takes bytes and raises only ``documented`` errors;
    ``mutate`` turns one seed into a mutated input; ``files`` are the modules whose lines
    measure depth."""

    name: str
    seeds: Callable[[], list[bytes]]
    mutate: Callable[[random.Random, bytes, list[bytes]], bytes]
    parse: Callable[[bytes], Any]
    #: "zkp" or "mpc": the package whose error hierarchy documents the refusals
    package: str
    files: Callable[[], list[str]]
    iterations: int = 200
    #: accepted inputs must re-encode to themselves (or an equivalent): returns a reason
    canonical: Callable[[bytes, Any], str | None] | None = None
    #: calibrate with random bytes behind a seed's first bytes too (False for a parser so
    #: small that a valid prefix already runs all of it)
    prefixed_calibration: bool = True


@dataclass
class Report:
    target: str
    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    deep: int = 0
    reached: int = 0
    baseline_lines: int = 0
    max_events: int = 0
    stages: Counter[str] = field(default_factory=Counter)
    undocumented: list[tuple[bytes, str]] = field(default_factory=list)
    non_canonical: list[tuple[bytes, str]] = field(default_factory=list)

    @property
    def depth(self) -> float:
        """The share of inputs past the first check."""
        return self.deep / self.inputs if self.inputs else 0.0

    @property
    def reach(self) -> float:
        """The share of inputs that ran at least REACH of the lines a valid seed runs."""
        return self.reached / self.inputs if self.inputs else 0.0

    def summary(self) -> str:
        top = ", ".join(f"{k} x{v}" for k, v in self.stages.most_common(6))
        return (f"{self.target}: {self.inputs} inputs, {self.accepted} accepted, {self.refused} refused, "
                f"{self.deep} ({100 * self.depth:.0f}%) past the first check (> {self.baseline_lines} lines), "
                f"{self.reached} ({100 * self.reach:.0f}%) ran {100 * REACH:.0f}% of a valid parse's lines; "
                f"undocumented {len(self.undocumented)}, non-canonical accepted {len(self.non_canonical)}; "
                f"top refusals: {top}")


def _stage(exc: BaseException) -> str:
    """The refusal's message with numbers blanked: a label for the statistics."""
    text = "".join("#" if ch.isdigit() else ch for ch in str(exc))
    while "##" in text:
        text = text.replace("##", "#")
    return f"{type(exc).__name__}: {text[:60]}"


def is_documented(exc: BaseException, package: str) -> bool:
    """A subclass of the package's base error that is also a ValueError or TypeError."""
    if package == "zkp":
        from zkp.errors import ZkpError as base
    else:
        from mpc.errors import MPCError as base  # type: ignore[assignment]
    return isinstance(exc, base) and isinstance(exc, (ValueError, TypeError))


def hang_limit() -> float:
    return float(os.environ.get("ZKMPC_FUZZ_HANG_SECONDS", "60"))


def _alarm(signum: int, frame: Any) -> None:
    raise Hang("input ran past the hang limit")


def run_one(target: Target, data: bytes, tracer: LineTracer | None = None) -> tuple[str, Any]:
    """Parse one input under the hang watchdog: ``("ok", value)``, ``("refused", exc)`` or
    ``("undocumented", exc)``."""
    use_alarm = hasattr(signal, "setitimer") and hang_limit() > 0
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, hang_limit())
    try:
        value = tracer.run(lambda: target.parse(data)) if tracer else target.parse(data)
        return "ok", value
    except Hang as exc:
        return "undocumented", exc
    except Exception as exc:  # noqa: BLE001 - classified below
        return ("refused" if is_documented(exc, target.package) else "undocumented"), exc
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def budget(default: int) -> tuple[int, float]:
    """(iterations, seconds) for one target from the environment."""
    seconds = float(os.environ.get("ZKMPC_FUZZ_SECONDS", "0"))
    iterations = int(os.environ.get("ZKMPC_FUZZ_ITERATIONS", str(default)))
    return iterations, seconds


def calibrate(target: Target, seeds: list[bytes], tracer: LineTracer, rng: random.Random, samples: int = 24) -> int:
    """The most lines executed by uniformly random inputs of a seed's length, half of them
    behind the seed's first 4 to 16 bytes (its magic, version, first counts)."""
    most = 0
    for i in range(samples):
        seed = seeds[i % len(seeds)]
        n = rng.choice([len(seed), rng.randrange(len(seed) + 1), min(len(seed), 600)])
        prefix = seed[:rng.choice([0, 0, 4, 8, 12, 16])] if i % 2 and target.prefixed_calibration else b""
        run_one(target, prefix + rng.randbytes(max(0, n - len(prefix))), tracer)
        most = max(most, len(tracer.lines))
    return most


def fuzz(target: Target, *, iterations: int | None = None, seed: int | None = None) -> Report:
    """Run ``target`` over mutated seeds (fixed seed): the statistics and every input
    that raised an undocumented error or was accepted non-canonically."""
    n, seconds = budget(target.iterations if iterations is None else iterations)
    rng = random.Random(f"{target.name}/{fuzz_seed() if seed is None else seed}")
    seeds = target.seeds()
    tracer = LineTracer(target.files())
    for s in seeds:  # warm up: imports and caches run their lines here, not in a measure
        run_one(target, s)
    report = Report(target.name, baseline_lines=calibrate(target, seeds, tracer, rng))
    seed_lines = []
    for s in seeds:  # seeds themselves must parse
        status, value = run_one(target, s, tracer)
        if status != "ok":
            report.undocumented.append((s, f"seed refused: {value!r}"))
        report.max_events = max(report.max_events, tracer.events)
        seed_lines.append(len(tracer.lines))
    start = time.monotonic()
    i = 0
    while i < n or (seconds and time.monotonic() - start < seconds):
        i += 1
        k = rng.randrange(len(seeds))
        data = target.mutate(rng, seeds[k], seeds)
        status, value = run_one(target, data, tracer)
        report.inputs += 1
        report.deep += len(tracer.lines) > report.baseline_lines
        report.reached += len(tracer.lines) >= REACH * seed_lines[k]
        if status == "ok":
            report.accepted += 1
            reason = target.canonical(data, value) if target.canonical else None
            if reason:
                report.non_canonical.append((data, reason))
        elif status == "refused":
            report.refused += 1
            report.stages[_stage(value)] += 1
        else:
            report.undocumented.append((data, f"{type(value).__name__}: {value}"))
    return report
