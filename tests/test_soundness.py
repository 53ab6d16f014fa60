"""Soundness over the gadget catalog, on honest witnesses of every gadget:

- the one-wire sweep: no wire other than an input can change alone while the constraints
  still hold (the documented exception: the inverse wire of ``is_zero`` on a zero input);
- the malicious-witness harness (:mod:`circuits.testing`) on every entry: wires moved with
  the rest of the witness repaired, pairs moved together, bits set to non-boolean values
  (the whole gadget for small ones; bit wires and the last wires made for the big ones);
- false claims for the gadgets whose failure modes are classic: bit decompositions (a
  value past n bits, the alias ``x + r`` of a strict one), comparisons on operands past
  their width, ``is_zero`` with its output flipped; each beside a true claim the harness
  completes, so that finding nothing is not the harness giving up."""

from __future__ import annotations

import random
from typing import Any, Callable

import pytest

from benchmarks.gadget_catalog import CATALOG, circuit
from circuits.native import babyjub as bj
from circuits.native.eddsa import PrivateKey
from circuits.native.smt import SparseMerkleTree
from circuits.testing import ForgerySearch, bit_wires, input_wires, scope_wires
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


SMALL_GADGET_WIRES = 48  # up to this many wires, every wire is moved, and pairs of them


def _honest(entry: Any) -> tuple[Any, Any, set[int]]:
    from circuits import compile

    cls = circuit(entry)
    cs = compile(cls)
    assignment, free = SAMPLES[entry.name](random.Random(entry.name))
    w = cs.solve(cls(**assignment))
    loose = unbound_wires(cs, w)
    assert len(loose) == free
    return cs, w, set(loose)


@pytest.mark.parametrize("entry", CATALOG, ids=[e.name for e in CATALOG])
def test_no_forgery_moves_wires_together(entry: Any) -> None:
    cs, w, free = _honest(entry)
    search = ForgerySearch(cs, w, free=free)
    wires = search.internal
    if len(wires) <= SMALL_GADGET_WIRES:
        found = search.sweep() + search.pairs(max_pairs=60) + search.non_boolean()
    else:  # the structurally risky wires: bits, and the last ones made (the outputs)
        bits = bit_wires(cs)
        sample = random.Random(entry.name).sample(bits, min(24, len(bits)))
        found = search.non_boolean(sample) + search.sweep(wires[-4:])
    assert not found, "\n".join(str(f) for f in found[:5])


def _decomposition_claims(cs: Any, w: Any, n: int) -> tuple[list[dict[int, int]], list[dict[int, int]]]:
    x = input_wires(cs, "x")[0]
    return [{x: v} for v in (1 << n, (1 << n) + 1, R - 1)], [{x: (1 << n) - 1}, {x: 0}]


def _strict_claims(cs: Any, w: Any) -> tuple[list[dict[int, int]], list[dict[int, int]]]:
    x = input_wires(cs, "x")[0]
    bits = scope_wires(cs, "to_bits_strict")[:253]  # bits 1..253 (bit 0 is their linear remainder)
    small = 7
    alias = small + R
    false = [{x: small, **{b: (alias >> (i + 1)) & 1 for i, b in enumerate(bits)}}]
    return false, [{x: small}, {x: R - 1}]


def _cmp_claims(cs: Any, w: Any, n: int) -> tuple[list[dict[int, int]], list[dict[int, int]]]:
    a, b = input_wires(cs, "a")[0], input_wires(cs, "b")[0]
    top = (1 << n) - 1
    return ([{a: 1 << n}, {b: 1 << n}, {a: R - 1}, {a: 1 << n, b: 1 << n}],
            [{a: top}, {a: 0, b: top}, {a: top, b: top}])


def _is_zero_claims(cs: Any, w: Any) -> tuple[list[dict[int, int]], list[dict[int, int]]]:
    a = input_wires(cs, "a")[0]
    out = cs.r1cs.num_wires - 1  # the output is the last wire made
    return [{out: 1 - w[out]}, {a: 0, out: 0}], [{a: 0, out: 1}, {a: 5, out: 0}]


CLAIMS: dict[str, Callable[[Any, Any], "tuple[list[dict[int, int]], list[dict[int, int]]]"]] = {
    "Num2Bits(16)": lambda cs, w: _decomposition_claims(cs, w, 16),
    "Num2Bits(64)": lambda cs, w: _decomposition_claims(cs, w, 64),
    "Num2Bits_strict()": _strict_claims,
    "LessThan(8)": lambda cs, w: _cmp_claims(cs, w, 8), "LessEqThan(8)": lambda cs, w: _cmp_claims(cs, w, 8),
    "GreaterThan(8)": lambda cs, w: _cmp_claims(cs, w, 8),
    "GreaterEqThan(8)": lambda cs, w: _cmp_claims(cs, w, 8),
    "LessThan(64)": lambda cs, w: _cmp_claims(cs, w, 64),
    "IsZero()": _is_zero_claims,
}


@pytest.mark.parametrize("name", list(CLAIMS))
def test_false_claims_of_classic_gadgets_have_no_witness(name: str) -> None:
    entry = next(e for e in CATALOG if e.name == name)
    cs, w, free = _honest(entry)
    search = ForgerySearch(cs, w, free=free)
    false, true = CLAIMS[name](cs, w)
    found = search.forge_all(false)
    assert not found, "\n".join(str(f) for f in found)
    for claim in true:
        assert search.forge(claim) is not None, f"the true claim {claim} was not completed"
