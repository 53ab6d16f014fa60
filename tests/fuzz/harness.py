"""The fuzz harness: structure-aware mutators, a line tracer that measures depth, and the
runner every fuzz target uses (tests/fuzz/test_fuzz_parsers.py, tools/fuzz_atheris.py).

Mutators start from valid files and documents and change them at the structure level:
sectioned binary files (circom .r1cs/.wtns, snarkjs .zkey/.ptau) are walked section by
section and get a changed count, section size or kind, a duplicated, dropped or reordered
section, a cut inside a section, trailing bytes, a u32 count or a 32-byte field element
rewritten in place (p, r, 2^256 - 1, ...), a point moved off its curve; fixed layouts
(zkmpc's proving key, network frames) get each of their fields rewritten; JSON documents
get number spellings (``"+1"``, ``"-0"``, ``"01"``, ``1e3``, 80 digits, p, r), types,
list lengths, nesting, duplicate or missing keys and off-curve coordinates.

Depth ("got past the first check") is measured without naming any parser function or
message, so it survives refactoring: a :class:`LineTracer` counts the distinct lines of
the target's own modules that one input executes. Before fuzzing, uniformly random inputs
of the seeds' lengths calibrate the target: the most lines any of them executes is what
the first check costs. A mutated input got past the first check when it executes more
lines than that.

Budget: ``ZKMPC_FUZZ_ITERATIONS`` (inputs per target, default the target's CI budget) or
``ZKMPC_FUZZ_SECONDS`` (keep going, still with the fixed seed, until that many seconds per
target have passed). ``ZKMPC_FUZZ_SEED`` changes the seed (default fixed).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import struct
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any, Callable, Iterator, Sequence

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

#: 32-byte values that sit on the checks' boundaries (field elements, coordinates)
BIG_VALUES = [0, 1, 2, P - 1, P, P + 1, R - 1, R, R + 1, 2**254, 2**255, 2**256 - 1]
#: u32 / u64 values that sit on the count and size checks' boundaries
SMALL_VALUES = [0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 127, 128, 255, 256, 2**16 - 1, 2**16,
                2**31 - 1, 2**31, 2**32 - 1]
U64_VALUES = SMALL_VALUES + [2**32, 2**40, 2**60, 2**63, 2**64 - 1]


#: an input "reached the section parsers" when it ran this share of the distinct lines
#: that parsing its (valid) seed runs
REACH = 0.5


def fuzz_seed() -> int:
    return int(os.environ.get("ZKMPC_FUZZ_SEED", "20261204"))


# --------------------------------------------------------------------------- binary files

@dataclass
class Section:
    """One section of a circom/snarkjs file: the header at ``at``, the body after it."""

    at: int
    kind: int
    size: int

    @property
    def body(self) -> int:
        return self.at + 12


def walk_sections(data: bytes) -> list[Section]:
    """The sections of a ``magic | version u32 | count u32 | (kind u32, size u64, body)*``
    file, as far as they can be walked."""
    out, pos = [], 12
    while pos + 12 <= len(data):
        kind, size = struct.unpack_from("<IQ", data, pos)
        if size > len(data) - pos - 12:
            break
        out.append(Section(pos, kind, size))
        pos += 12 + size
    return out


def _near(rng: random.Random, v: int, width: int) -> int:
    """A value near ``v`` or on a boundary, fitting ``width`` bytes."""
    choice = rng.random()
    if choice < 0.45:
        out = v + rng.choice([-2, -1, 1, 2, 32, -32, 64, -64, v])
    elif choice < 0.6:
        out = v * rng.choice([2, 3, 16, 2**16])
    else:
        out = rng.choice(U64_VALUES if width == 8 else SMALL_VALUES)
    return out % (1 << (8 * width))


def put_uint(data: bytearray, at: int, width: int, value: int) -> None:
    data[at:at + width] = (value % (1 << (8 * width))).to_bytes(width, "little")


def big_value(rng: random.Random, current: bytes, byteorder: str) -> bytes:
    """A 32-byte replacement for a field element or coordinate: a boundary value, the
    current one plus p or r (still small in the other representation), or one bit off."""
    v = int.from_bytes(current, byteorder)  # type: ignore[arg-type]
    c = rng.random()
    if c < 0.5:
        w = rng.choice(BIG_VALUES)
    elif c < 0.75:
        w = v + rng.choice([P, R, 1, -1])
    else:
        w = v ^ (1 << rng.randrange(256))
    return (w % 2**256).to_bytes(32, byteorder)  # type: ignore[arg-type]


def mutate_region(rng: random.Random, data: bytearray, lo: int, hi: int, *, byteorder: str = "little",
                   point: int = 64) -> None:
    """Rewrite one structure-aligned field inside ``data[lo:hi]``: a u32 count, a u64 size,
    a 32-byte element (a coordinate or coefficient) or a point's coordinate off the curve."""
    if hi - lo < 4:
        return
    c = rng.random()
    if c < 0.3:  # a count
        at = lo + 4 * rng.randrange((hi - lo) // 4)
        put_uint(data, at, 4, _near(rng, int.from_bytes(data[at:at + 4], "little"), 4))
    elif c < 0.4 and hi - lo >= 8:
        at = lo + 4 * rng.randrange((hi - lo - 4) // 4)
        put_uint(data, at, 8, _near(rng, int.from_bytes(data[at:at + 8], "little"), 8))
    elif hi - lo >= 32:
        step = 32 if c < 0.75 else point
        at = lo + step * rng.randrange(max(1, (hi - lo - 31) // step))
        if c < 0.75:
            data[at:at + 32] = big_value(rng, bytes(data[at:at + 32]), byteorder)
        else:  # the low byte of a coordinate: stays < p, leaves the curve
            low = at + (0 if byteorder == "little" else 31)
            data[low] ^= 1 << rng.randrange(8)
    else:
        data[rng.randrange(lo, hi)] ^= 1 << rng.randrange(8)


def mutate_sectioned(rng: random.Random, seed: bytes, donors: Sequence[bytes] = ()) -> bytes:
    """One to three structural mutations of a circom/snarkjs sectioned file."""
    data = bytearray(seed)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = bytearray(_mutate_sectioned_once(rng, bytes(data), donors))
    return bytes(data)


def _mutate_sectioned_once(rng: random.Random, seed: bytes, donors: Sequence[bytes]) -> bytes:
    secs = walk_sections(seed)
    data = bytearray(seed)
    if not secs:
        return _mutate_flat(rng, seed)
    s = rng.choice(secs)
    op = rng.randrange(24)  # ops 9-23: a field inside a section body
    if op == 0:  # the section count
        put_uint(data, 8, 4, _near(rng, len(secs), 4))
    elif op == 1:  # a section's size
        put_uint(data, s.at + 4, 8, _near(rng, s.size, 8))
    elif op == 2:  # a section's kind: another section's (duplicate) or unknown
        put_uint(data, s.at, 4, rng.choice([t.kind for t in secs] + [0, 11, 16, 99, 2**32 - 1]))
    elif op == 3:  # a section duplicated
        chunk = seed[s.at:s.body + s.size]
        data[s.at:s.at] = chunk
        put_uint(data, 8, 4, len(secs) + rng.choice([0, 1]))
    elif op == 4:  # a section dropped
        del data[s.at:s.body + s.size]
        put_uint(data, 8, 4, len(secs) - rng.choice([0, 1]))
    elif op == 5 and len(secs) > 1:  # two sections swapped
        a, b = sorted(rng.sample(secs, 2), key=lambda t: t.at)
        ca, cb = seed[a.at:a.body + a.size], seed[b.at:b.body + b.size]
        data = bytearray(seed[:a.at] + cb + seed[a.body + a.size:b.at] + ca + seed[b.body + b.size:])
    elif op == 6:  # cut inside a section (or at its start)
        data = data[:rng.randint(s.at, s.body + s.size)]
    elif op == 7:  # trailing bytes (or a trailing empty section)
        data += rng.choice([b"\0", b"\0" * 12, struct.pack("<IQ", 99, 0), bytes(rng.randrange(1, 80))])
    elif op == 8 and donors:  # a section from another valid file
        donor = rng.choice(donors)
        dsecs = walk_sections(donor)
        if dsecs:
            d = rng.choice(dsecs)
            data[s.at:s.body + s.size] = donor[d.at:d.body + d.size]
    else:  # a field inside a section body: count, size, element, coordinate
        head = s.body + min(s.size, 4096) if rng.random() < 0.5 else s.body + s.size
        mutate_region(rng, data, s.body, head)
    return bytes(data)


def _mutate_flat(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    if not data:
        return bytes(rng.randrange(1, 16))
    c = rng.random()
    if c < 0.3:
        return bytes(data[:rng.randrange(len(data))])
    if c < 0.4:
        return bytes(data) + bytes(rng.randrange(1, 40))
    mutate_region(rng, data, 0, len(data))
    return bytes(data)


@dataclass
class Field:
    """One field of a fixed binary layout: offset, width and kind (``uint`` little- or
    big-endian, ``point`` for 64/128-byte points, ``bytes`` for opaque data)."""

    at: int
    width: int
    kind: str
    order: str = "little"


def mutate_fields(rng: random.Random, seed: bytes, fields: Sequence[Field],
                  inner: Callable[[random.Random, bytes], bytes] | None = None) -> bytes:
    """Rewrite one field of a known layout, cut at (or inside) a field, or append bytes;
    ``inner`` mutates the bytes of a nested file (``kind="nested"``)."""
    data = bytearray(seed)
    f = rng.choice(list(fields))
    c = rng.random()
    if c < 0.12:
        return bytes(data[:f.at + rng.choice([0, 0, rng.randrange(max(1, f.width))])])
    if c < 0.2:
        return bytes(data) + rng.choice([b"\0", bytes(rng.randrange(1, 70))])
    if f.kind == "uint":
        value = int.from_bytes(data[f.at:f.at + f.width], f.order)  # type: ignore[arg-type]
        data[f.at:f.at + f.width] = _near(rng, value, f.width).to_bytes(f.width, f.order)  # type: ignore[arg-type]
    elif f.kind == "nested" and inner is not None:
        new = inner(rng, bytes(data[f.at:f.at + f.width]))
        data[f.at:f.at + f.width] = new
    elif f.kind == "point":
        mutate_region(rng, data, f.at, f.at + f.width, byteorder=f.order, point=f.width)
    else:
        if f.width:
            data[f.at + rng.randrange(f.width)] ^= 1 << rng.randrange(8)
        else:
            data[f.at:f.at] = bytes([rng.randrange(256)])
    return bytes(data)


# --------------------------------------------------------------------------- JSON documents

class Raw(str):
    """A JSON token written as is (``1e3``, ``-0``, ``NaN``, an 80-digit number)."""


class Pairs(list):  # type: ignore[type-arg]
    """A JSON object as a list of (key, value) pairs: keys may repeat."""


def dump_json(doc: Any) -> str:
    """Serialise ``doc`` (with :class:`Raw` tokens and :class:`Pairs` objects)."""
    if isinstance(doc, Raw):
        return str(doc)
    if isinstance(doc, (Pairs, dict)):
        items = doc if isinstance(doc, Pairs) else list(doc.items())
        return "{" + ",".join(json.dumps(k) + ":" + dump_json(v) for k, v in items) + "}"
    if isinstance(doc, list):
        return "[" + ",".join(dump_json(v) for v in doc) + "]"
    return json.dumps(doc)


def _paths(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, path + (i,))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def number_spelling(rng: random.Random, value: Any) -> Any:
    """Another spelling or value of a decimal string: signs, zeros, spaces, exponents,
    underscores, hex, 80 digits, the moduli, a JSON number, another type."""
    s = value if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,100}", value) else str(rng.choice([0, 1, 7]))
    n = int(s)
    options: list[Any] = [
        "+" + s, "-" + s, "0" + s, " " + s, s + " ", s + "\n", s[:1] + "_" + s[1:], "-0", "00",
        hex(n), s + ".0", s + "e0", "", "1" * 80, "9" * 78, "1" + "0" * 77, str(P), str(P - 1),
        str(R), str(R - 1), str(R + n), str(P + n), str(n + 1), str(max(n - 1, 0)), str(2**256 - 1),
        "\u0661\u0662", "１２", Raw(s), Raw("-0"), Raw("1e3"), Raw("1.5"), Raw("NaN"), Raw("-Infinity"),
        Raw("9" * 30), None, True, [s], {"v": s},
    ]
    return rng.choice(options)


def mutate_json(rng: random.Random, doc: Any, *, extra: Callable[[random.Random, Any], Any] | None = None) -> str:
    """One to three structural mutations of a parsed JSON document, serialised."""
    doc = json.loads(json.dumps(doc))
    dup: tuple[tuple[Any, ...], str] | None = None
    for _ in range(rng.choice([1, 1, 2, 3])):
        paths = list(_paths(doc))
        path = rng.choice(paths)
        node = _get(doc, path)
        op = rng.randrange(11)
        if extra is not None and op == 0:
            doc = extra(rng, doc)
        elif op <= 3 and isinstance(node, str):
            doc = _set(doc, path, number_spelling(rng, node))
        elif op == 4 and isinstance(node, list):  # a list length
            if node and rng.random() < 0.5:
                del node[rng.randrange(len(node))]
            else:
                node.append(node[-1] if node and rng.random() < 0.8 else "0")
        elif op == 5 and isinstance(node, dict) and node:  # a missing, extra or duplicate key
            k = rng.choice(sorted(node))
            c = rng.random()
            if c < 0.4:
                del node[k]
            elif c < 0.7:
                node[rng.choice(["extra", k.upper(), k + " ", "__proto__"])] = node[k]
            else:
                dup = (path, k)
        elif op == 6 and path:  # nesting: wrap or unwrap
            if isinstance(node, list) and len(node) == 1:
                doc = _set(doc, path, node[0])
            else:
                doc = _set(doc, path, [node] if rng.random() < 0.7 else {"v": node})
        elif op == 7:  # deep nesting at one place
            depth = rng.choice([3, 30, 31, 33, 40, 200])
            doc = _set(doc, path, json.loads("[" * depth + "1" + "]" * depth) if depth < 100 else Raw("[" * depth + "]" * depth))
        elif op == 8 and path:  # another type
            doc = _set(doc, path, rng.choice([None, True, False, 0, 1, -1, "", [], {}, Raw("1.0"), 2**70]))
        elif op == 9 and isinstance(node, list) and len(node) > 1:
            i, j = rng.sample(range(len(node)), 2)
            node[i], node[j] = node[j], node[i]
        elif isinstance(node, str):
            doc = _set(doc, path, number_spelling(rng, node))
    if dup is not None:
        try:
            obj = _get(doc, dup[0])
        except (KeyError, IndexError, TypeError):
            obj = None
        if isinstance(obj, dict) and dup[1] in obj:
            pairs = Pairs(obj.items())
            pairs.append((dup[1], obj[dup[1]]))
            doc = _set(doc, dup[0], pairs)
    return dump_json(doc)


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
        prefix = seed[:rng.choice([0, 0, 4, 8, 12, 16])] if i % 2 else b""
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
