"""The fuzz target of stored witness programs (zkp.program): seeds are programs compiled from
circuits that use every instruction, MULADD to MODDIV (tests/fuzz/test_fuzz_program.py checks
it); the mutator rewrites a header count, an instruction word (opcode, wire, LC index, bit
count, limb count), an LC end or term, a coefficient, the outputs or the hint names, cuts or extends, and then recomputes the checksum (an edit that does not is
refused at the checksum, which proves nothing). Loading runs the structural checks; a
loaded program is then run by both twins on fixed inputs, with a hint that misbehaves in a
way its inputs pick (huge, negative, lying int and list subclasses, a bool), and the twins
must agree exactly."""

from __future__ import annotations

import functools
import hashlib
import random
import struct
from typing import Any

from .mutators import big_value, put_uint

__all__ = ["program_seeds", "mutate_program", "load_and_run_program"]

_HEADER = 48
_CHECKSUM = 32


def _hint_floor_div(a: int, b: int) -> int:
    return a // b if b else 0


class _ModLies(int):
    """An int whose methods lie: the twins must read its own value."""

    def __mod__(self, other: Any) -> Any:
        return "abc"

    def __int__(self) -> int:
        return 12345

    def __index__(self) -> int:
        return 54321


class _LenLies(list):  # type: ignore[type-arg]
    def __len__(self) -> int:
        return 7


def _misbehaving_hint(kind: int) -> Any:
    """What a loaded program runs instead of the seeds' hint, by ``kind``: a quotient, a
    negative, a value far above r, r itself, an int or list subclass whose methods lie, a
    tuple, a bool (refused alike by both twins)."""
    def hint(*args: int) -> Any:
        a = args[0] if args else 0
        return (a // 7, -a, a + 2**300, 21888242871839275222246405745257275088548364400416034343698204186575808495617,
                _ModLies(a), _LenLies([a]), (a,), a % 2 == 0)[kind]
    return hint


@functools.lru_cache(maxsize=None)
def program_seeds() -> list[bytes]:
    from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
    from circuits.engine import hints
    from circuits.gadgets import poseidon

    class Every(Circuit):
        x: Secret[Field]
        y: Secret[UInt[16]]
        b: Secret[Bool]
        out: Public[Field]

        def define(self, api: Any) -> None:
            inv = api.hint(hints.div, 1, self.x)
            api.enforce(inv, self.x, 1 - api.is_zero(self.x))
            q = api.hint(_hint_floor_div, self.y, 7)
            api.as_uint(q, 16)
            h = poseidon(api, [self.x, q])
            api.assert_equal(api.select(self.b, h, self.y * self.y) + self.x / (self.y + 1), self.out)

    class Small(Circuit):
        a: Public[UInt[8]]
        c: Secret[UInt[8]]

        def define(self, api: Any) -> None:
            api.assert_true(self.c < self.a)

    class Limbs(Circuit):  # DIVMOD and CARRIES (non-native integers)
        a: Secret[UInt[8], 2]
        m: Secret[Field, 2]

        def define(self, api: Any) -> None:
            from circuits.gadgets import bigint as bi

            a = bi.from_limbs(api, list(self.a), 8)
            m = bi.from_limbs(api, list(self.m), 8, bits=[8, 7], low=[0, 1])
            bi.assert_less_than(api, bi.mul_mod(api, a, a, m), m)

    class Slope(Circuit):  # MODDIV (division modulo a constant: a * a / f mod 251)
        a: Secret[UInt[8], 2]
        f: Secret[UInt[8], 2]

        def define(self, api: Any) -> None:
            from circuits.gadgets import bigint as bi

            a, f = bi.from_limbs(api, list(self.a), 8), bi.from_limbs(api, list(self.f), 8)
            bi.assert_less_than(api, bi.mod_div(api, 251, ab=(a, a), f=f), 256)

    return [compile(c).program.to_bytes() for c in (Every, Small, Limbs, Slope)]


def _sections(data: bytes) -> list[tuple[int, int, int]]:
    """(start, end, width) of coefficients, LC ends, terms, code, outputs."""
    nw, ni, nc, nl, nt, ncode, nout = struct.unpack_from("<7I", data, 8)
    out, at = [], _HEADER
    for size, width in ((32 * nc, 32), (4 * nl, 4), (8 * nt, 4), (4 * ncode, 4), (4 * nout, 4)):
        out.append((at, at + size, width))
        at += size
    return out


def _reseal(body: bytes) -> bytes:
    return body + hashlib.blake2b(body, digest_size=_CHECKSUM).digest()


def mutate_program(rng: random.Random, seed: bytes, donors: list[bytes]) -> bytes:
    data = bytearray(seed[:-_CHECKSUM])
    for _ in range(rng.choice([1, 1, 2])):
        c = rng.random()
        secs = _sections(bytes(data)) if len(data) >= _HEADER else []
        if c < 0.2 or not secs:  # a header word
            at = 4 * rng.randrange(1, 12)
            if at + 4 <= len(data):
                put_uint(data, at, 4, rng.choice([0, 1, 2, 255, 2**16, 2**32 - 1,
                                                  int.from_bytes(data[at:at + 4], "little") + rng.choice([-1, 1])]) % 2**32)
        elif c < 0.85:  # a word inside a section: code most often
            lo, hi, width = secs[3] if rng.random() < 0.5 else rng.choice(secs)
            if hi - lo < width:
                continue
            at = lo + width * rng.randrange((hi - lo) // width)
            if width == 32:
                data[at:at + 32] = big_value(rng, bytes(data[at:at + 32]), "big")
            else:
                old = int.from_bytes(data[at:at + 4], "little")
                put_uint(data, at, 4, rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 253, 254, 255, 256, 257, 2**32 - 1,
                                                  (old + rng.choice([-1, 1])) % 2**32]))
        elif c < 0.95:  # cut or extend
            if rng.random() < 0.5 and len(data) > 1:
                del data[rng.randrange(len(data)):]
            else:
                data += bytes(rng.choice([1, 4, 32]))
        else:  # the hint-name table
            if len(data) > 6:
                data[rng.randrange(len(data) - 6, len(data))] = rng.randrange(256)
    return _reseal(bytes(data))


def load_and_run_program(data: bytes) -> Any:
    """Load (every check before a run), then run in both twins, which must agree."""
    import importlib
    import os

    from zkp.errors import MalformedInputError
    from zkp.program import WitnessProgram

    hint = _misbehaving_hint(data[-1] % 8 if data else 0)  # the checksum's last byte picks how
    prog = WitnessProgram.from_bytes(data, hints={name: hint for name in _names(data)})
    twins = [importlib.import_module("zkp._bn254_py")]
    try:
        twins.append(importlib.import_module("zkp._bn254"))
    except ImportError:
        if os.environ.get("ZKP_REQUIRE_C") == "1":
            raise
    # 1, 0, 1, 0...: the seeds' inputs fit their types (Bool, UInt), so runs reach the hint
    inputs = b"".join(((i + 1) % 2).to_bytes(32, "big") for i in range(prog.num_inputs))
    outcomes = []
    for K in twins:
        try:
            outcomes.append(K.witness_run(prog.body, inputs, prog.hint_fns))
        except MalformedInputError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
    if len(outcomes) == 2 and outcomes[0] != outcomes[1]:
        raise AssertionError(f"the twins disagree on a loaded program: {outcomes[0]!r:.120} / {outcomes[1]!r:.120}")
    return prog


def _names(data: bytes) -> list[str]:
    """The hint names a (possibly edited) file declares, best effort (the loader checks)."""
    try:
        body_end = _sections(data)[-1][1]
        (count,), at, names = struct.unpack_from("<I", data, body_end), body_end + 4, []
        for _ in range(min(count, 64)):
            (n,) = struct.unpack_from("<H", data, at)
            names.append(data[at + 2:at + 2 + n].decode())
            at += 2 + n
        return names
    except (struct.error, UnicodeDecodeError):
        return []
