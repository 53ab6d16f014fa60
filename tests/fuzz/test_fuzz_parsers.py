"""Structure-aware fuzzing of every parser (issue 15's CI fuzz targets, issue 23 item 8).

Each target (tests/fuzz/targets.py) starts from valid files and documents and mutates
sizes, counts, offsets, coordinates, lengths, nesting and number spellings. For every
target, every input either parses or raises the package's documented error (a subclass of
``ZkpError``/``MPCError`` that is a ``ValueError``/``TypeError``), never another exception
and never a hang (a watchdog stops an input after ``ZKMPC_FUZZ_HANG_SECONDS``, default 60,
far above the milliseconds an input takes: a hang guard, not a speed check), and most
inputs get past the first check (depth measured by executed lines, see harness.py).

Seeded: the same inputs every run. ``ZKMPC_FUZZ_ITERATIONS=N`` or ``ZKMPC_FUZZ_SECONDS=S``
runs longer; ``make fuzz`` runs the coverage-guided fuzzer (tools/fuzz_atheris.py).
"""

from __future__ import annotations

import base64
import functools
import json
import random
from typing import Callable

import pytest

from .harness import Report, Target, fuzz
from .targets import TARGETS, commitments_seeds

#: accepted inputs that are findings already reported, each guarded by a strict xfail with
#: its minimal reproducer below (remove the entry with the marker once fixed)
KNOWN_ACCEPTANCE: dict[str, Callable[[bytes, str], bool]] = {}


@functools.lru_cache(maxsize=None)
def report(name: str) -> Report:
    return fuzz(TARGETS[name])


def _show(items: list[tuple[bytes, str]]) -> str:
    return "\n".join(f"{why[:300]}\n  input: {data[:400]!r}" for data, why in items[:5])


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_input_parses_or_raises_the_documented_error(name: str) -> None:
    r = report(name)
    assert r.inputs >= 1
    assert not r.undocumented, f"{r.summary()}\n{_show(r.undocumented)}"
    assert r.accepted + r.refused == r.inputs


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_most_inputs_get_past_the_first_check(name: str) -> None:
    r = report(name)
    assert r.depth > 0.5, r.summary()


def _nothing_known(data: bytes, why: str) -> bool:
    return False


@pytest.mark.parametrize("name", sorted(n for n, t in TARGETS.items() if t.canonical))
def test_accepted_inputs_are_canonical(name: str) -> None:
    """What a reader accepts re-encodes to the same document or frame (no "-0", no second
    spelling of a value, no identity commitment slips through), findings already reported
    aside."""
    r = report(name)
    known = KNOWN_ACCEPTANCE.get(name, _nothing_known)
    new = [(data, why) for data, why in r.non_canonical if not known(data, why)]
    assert not new, f"{r.summary()}\n{_show(new)}"


def test_the_depth_measure_sees_uniform_bytes_stop_at_the_first_check() -> None:
    """The measure can fail: the old fuzzers' uniform bytes stay below the threshold."""
    base = TARGETS["r1cs"]
    uniform = Target("r1cs-uniform", base.seeds, lambda rng, seed, seeds: rng.randbytes(len(seed)),
                     base.parse, base.package, base.files, 60)
    r = fuzz(uniform, iterations=60)
    assert not r.undocumented
    assert r.depth < 0.1, r.summary()


def test_commitments_with_the_identity_point_are_refused() -> None:
    from mpc.errors import MPCError
    from mpc.sharing import load_commitments

    doc = json.loads(commitments_seeds()[0])
    raw = bytearray(base64.b64decode(doc["points"]))
    raw[64:128] = bytes(64)  # the second coefficient's commitment: the identity
    doc["points"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(MPCError):
        load_commitments(json.dumps(doc), threshold=3)


def test_share_value_minus_zero_is_refused() -> None:
    from mpc.errors import MPCError
    from mpc.sharing import load_share

    doc = ('{"type":"shamir-share","version":1,"field":"2305843009213693951","threshold":2,"index":"2",'
           '"value":"-0","values":null}')
    with pytest.raises(MPCError):
        load_share(doc)


@pytest.mark.parametrize("name, base", [("g1_batch_mul", (1).to_bytes(32, "big") + bytes(32)),
                                        ("g2_batch_mul", bytes(31) + b"\1" + bytes(96))], ids=["g1", "g2"])
def test_batch_mul_of_an_order_two_base_raises_the_documented_error(name: str, base: bytes) -> None:
    import importlib

    from zkp.errors import MalformedInputError

    K = importlib.import_module("zkp._bn254_py")
    try:
        getattr(K, name)(base, (2).to_bytes(32, "big"))
    except MalformedInputError:
        pass  # refusing an unvalidated base is as documented as computing with it


def test_mutators_are_reproducible() -> None:
    for t in TARGETS.values():
        seeds = t.seeds()
        a = [t.mutate(random.Random(1), s, seeds) for s in seeds]
        b = [t.mutate(random.Random(1), s, seeds) for s in seeds]
        assert a == b, t.name
