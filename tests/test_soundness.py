"""Soundness sweep over the gadget catalog: for every gadget, on an honest witness, no wire
other than an input can change alone while the constraints still hold (the documented
exception: the inverse wire of ``is_zero`` on a zero input). Also malicious witnesses for
the gadgets whose failure modes are classic: bit decompositions, comparisons, ``is_zero``."""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest

from benchmarks.gadget_catalog import CATALOG, circuit
from circuits.native import babyjub as bj
from circuits.native.eddsa import PrivateKey
from circuits.native.smt import SparseMerkleTree
from zkp.field import R

from .conftest import unbound_wires

Sample = Callable[[random.Random], "tuple[dict[str, Any], int]"]  # (assignment, free wires expected)


def _field(*names: str, n: dict[str, int] | None = None) -> Sample:
    def sample(rng: random.Random) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        for name in names:
            k = (n or {}).get(name)
            out[name] = [rng.randrange(1, R) for _ in range(k)] if k else rng.randrange(1, R)
        return out, 0
    return sample


def _uints(bits: int, *names: str) -> Sample:
    return lambda rng: ({name: rng.randrange(1 << bits) for name in names}, 0)


def _bools(count: int | None, *names: str) -> Sample:
    def sample(rng: random.Random) -> tuple[dict[str, Any], int]:
        return {name: ([rng.randrange(2) for _ in range(count)] if count else rng.randrange(2)) for name in names}, 0
    return sample


def _point(rng: random.Random) -> list[int]:
    return list(bj.mul(bj.BASE8, rng.randrange(1, bj.SUBORDER)))


def _eddsa(with_enabled: bool) -> Sample:
    def sample(rng: random.Random) -> tuple[dict[str, Any], int]:
        key = PrivateKey(rng.randbytes(32))
        m = rng.randrange(R)
        sig = key.sign(m)
        out = {"a": list(key.public_key), "r8": list(sig.R8), "s": sig.S, "m": m}
        return ({"en": 1, **out} if with_enabled else out), 0
    return sample


def _smt(mode: str) -> Sample:
    def sample(rng: random.Random) -> tuple[dict[str, Any], int]:
        tree = SparseMerkleTree({rng.randrange(1 << 12): rng.randrange(R) for _ in range(12)})
        key = rng.choice(list(tree)) if mode == "member" else rng.randrange(1 << 12, 1 << 13)
        p = tree.prove(key).circuit_inputs(10)
        sibs = p["siblings"]
        free = sum(1 for s in sibs[:-1] if s == 0)  # is_zero(sibling) on 0: the inverse is free
        base = {"root": p["root"], "sibs": sibs, "k": key}
        if mode == "member":
            return {**base, "v": p["value"]}, free
        extra = {"ok": p["old_key"], "ov": p["old_value"], "is0": p["is_old0"]}
        free += int(p["old_key"] == key)
        if mode == "non-member":
            return {**base, **extra}, free
        return {**base, **extra, "en": 1, "v": p["value"], "fnc": p["fnc"]}, free
    return sample


SAMPLES: dict[str, Sample] = {
    "Num2Bits(16)": lambda rng: ({"x": rng.randrange(1 << 16)}, 0),
    "Num2Bits(64)": lambda rng: ({"x": rng.randrange(1 << 64)}, 0),
    "Num2Bits_strict()": _field("x"),
    "LessThan(8)": _uints(8, "a", "b"), "LessEqThan(8)": _uints(8, "a", "b"),
    "GreaterThan(8)": _uints(8, "a", "b"), "GreaterEqThan(8)": _uints(8, "a", "b"),
    "LessThan(64)": _uints(64, "a", "b"),
    "IsZero()": _field("a"), "IsEqual()": _field("a", "b"),
    "AND()": _bools(None, "a", "b"), "OR()": _bools(None, "a", "b"), "XOR()": _bools(None, "a", "b"),
    "NOT()": _bools(None, "a"), "MultiAND(8)": _bools(8, "xs"),
    **{f"Poseidon({n})": _field("xs", n={"xs": n}) for n in (1, 2, 3, 4, 5, 8, 16)},
    "MiMC7(91)": _field("a", "b"), "MultiMiMC7(2, 91)": _field("xs", "k", n={"xs": 2}),
    "MiMCSponge(2, 220, 1)": _field("xs", "k", n={"xs": 2}), "MiMCFeistel(220)": _field("l", "r", "k"),
    "BabyAdd()": lambda rng: ({"p": _point(rng), "q": _point(rng)}, 0),
    "BabyPbk()": lambda rng: ({"k": rng.randrange(1, 1 << 253)}, 0),
    "EscalarMulAny(254)": lambda rng: ({"e": [rng.randrange(2) for _ in range(254)], "p": _point(rng)}, 0),
    "Sha256(256)": _bools(256, "m"), "Sha256(512)": _bools(512, "m"),
    "EdDSAPoseidonVerifier()": _eddsa(False), "EdDSAPoseidonVerifier() enabled": _eddsa(True),
    "SMTVerifier(10)": _smt("generic"), "SMTVerifier(10) member": _smt("member"),
    "SMTVerifier(10) non-member": _smt("non-member"),
}


def test_every_catalog_gadget_has_a_sample() -> None:
    assert {e.name for e in CATALOG} == set(SAMPLES)


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_no_internal_wire_is_free(entry: Any) -> None:
    from circuits import compile

    cls = circuit(entry)
    cs = compile(cls)
    rng = random.Random(entry.name)
    for _ in range(2):
        assignment, free = SAMPLES[entry.name](rng)
        w = cs.solve(cls(**assignment))
        loose = unbound_wires(cs, w)
        assert len(loose) == free, f"{entry.name}: wires {loose[:8]} are free (expected {free})"
