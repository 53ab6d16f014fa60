"""Groth16: completeness on several systems, soundness against every tampering, and the
input rules (MalformedInputError, never a silent reduction)."""

from __future__ import annotations

import random
import warnings
from typing import Any

import pytest

from zkp import groth16
from zkp.curve import G1Point, G2Point
from zkp.errors import InputTypeError, MalformedInputError, SetupError, UnsatisfiedError
from zkp.field import R
from zkp.groth16 import Proof, VerifyingKey
from zkp.r1cs import R1CSBuilder

from ..conftest import dev_setup

G1, G2 = G1Point.generator(), G2Point.generator()


def _system(num_public: int) -> Any:
    """sum of the public inputs times a secret s equals a secret t; plus s*s = u."""
    b = R1CSBuilder(num_public=num_public)
    pubs = [b.new_wire() for _ in range(num_public)]
    s, t, u = b.new_wire(), b.new_wire(), b.new_wire()
    b.add({p: 1 for p in pubs} or {0: 1}, {s: 1}, {t: 1}, "sum * s == t")
    b.add({s: 1}, {s: 1}, {u: 1}, "s * s == u")
    return b.build()


def _witness(xs: list[int], s: int) -> list[int]:
    total = (sum(xs) if xs else 1) % R
    return [1, *xs, s, total * s % R, s * s % R]


@pytest.mark.parametrize("xs", [[], [0], [1], [R - 1], [0, 1, R - 1], [5, 7, 11, 13]])
def test_completeness(xs: list[int]) -> None:
    cs = _system(len(xs))
    pk, vk = dev_setup(cs)
    w = _witness(xs, 12345)
    assert cs.is_satisfied(w)
    proof = groth16.prove(pk, w)
    assert groth16.verify(vk, xs, proof)
    assert groth16.verify(vk.prepare(), xs, proof)
    assert Proof.from_bytes(proof.to_bytes()) == proof


def test_wrong_public_input_and_other_circuit(square_system: Any) -> None:
    cs, pk, vk, w, proof = square_system
    assert not groth16.verify(vk, [10], proof)
    assert not groth16.verify(vk, [0], proof)
    _, vk_other = dev_setup(cs)  # same circuit, other keys
    assert not groth16.verify(vk_other, [9], proof)


def test_public_input_aliases_are_refused(square_system: Any) -> None:
    _, _, vk, _, proof = square_system
    for bad in (9 + R, R, -1, R - 1 + R):
        with pytest.raises(MalformedInputError):
            groth16.verify(vk, [bad], proof)
    for bad in (True, 9.0, "9", None):
        with pytest.raises(InputTypeError):
            groth16.verify(vk, [bad], proof)


def test_public_input_count_mismatch(square_system: Any) -> None:
    _, _, vk, _, proof = square_system
    with pytest.raises(MalformedInputError, match="expected 1, found 0"):
        groth16.verify(vk, [], proof)
    with pytest.raises(MalformedInputError, match="expected 1, found 2"):
        groth16.verify(vk, [9, 0], proof)
    with pytest.raises(InputTypeError):
        groth16.verify(vk, 9, proof)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["a", "b", "c"])
def test_each_tampered_element_is_rejected(square_system: Any, field: str) -> None:
    _, _, vk, _, proof = square_system
    parts = {"a": proof.a, "b": proof.b, "c": proof.c}
    gen = G2 if field == "b" else G1
    parts[field] = parts[field] + gen  # type: ignore[operator]
    assert not groth16.verify(vk, [9], Proof(**parts))
    swapped = Proof(proof.c, proof.b, proof.a)
    assert not groth16.verify(vk, [9], swapped)


def test_degenerate_proofs_are_malformed(square_system: Any) -> None:
    _, _, vk, _, proof = square_system
    for bad in (Proof(G1Point.infinity(), proof.b, proof.c),
                Proof(proof.a, G2Point.infinity(), proof.c),
                Proof(proof.a, proof.b, G1Point.infinity())):
        with pytest.raises(MalformedInputError, match="infinity"):
            groth16.verify(vk, [9], bad)
    with pytest.raises(InputTypeError):
        Proof(proof.b, proof.b, proof.c)  # type: ignore[arg-type]


def test_proof_bytes_off_curve_or_outside_subgroup(square_system: Any) -> None:
    from .._helpers import twist_point_outside_subgroup

    _, _, _, _, proof = square_system
    raw = bytearray(proof.to_bytes())
    raw[63] ^= 1  # A off the curve
    with pytest.raises(MalformedInputError):
        Proof.from_bytes(bytes(raw))
    x, y = twist_point_outside_subgroup(11)
    b = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    with pytest.raises(MalformedInputError, match="subgroup"):
        Proof.from_bytes(proof.to_bytes()[:64] + b + proof.to_bytes()[192:])
    with pytest.raises(MalformedInputError):
        Proof.from_bytes(proof.to_bytes()[:-1])


def test_fresh_blinding_every_proof(square_system: Any) -> None:
    _, pk, vk, w, proof = square_system
    again = groth16.prove(pk, w)
    assert again != proof and again.a != proof.a and again.c != proof.c
    assert groth16.verify(vk, [9], again)


def test_prove_refuses_bad_witness(square_system: Any) -> None:
    _, pk, _, _, _ = square_system
    with pytest.raises(UnsatisfiedError, match=r"y\*y == x"):
        groth16.prove(pk, [1, 9, 4])
    with pytest.raises(MalformedInputError):
        groth16.prove(pk, [1, 9])
    with pytest.raises(MalformedInputError):
        groth16.prove(pk, [1, 9, 3 + R])


def test_unused_public_input_is_still_bound() -> None:
    b = R1CSBuilder(num_public=2)
    x, unused, y = b.new_wire(), b.new_wire(), b.new_wire()
    b.add({y: 1}, {y: 1}, {x: 1})
    pk, vk = dev_setup(b.build())
    proof = groth16.prove(pk, [1, 9, 42, 3])
    assert groth16.verify(vk, [9, 42], proof)
    assert not groth16.verify(vk, [9, 43], proof)
    assert unused == 2


def test_setup_marks_development_keys(square_system: Any) -> None:
    cs = square_system[0]
    with pytest.warns(groth16.DevelopmentKeyWarning):
        pk, vk = groth16.setup(cs)
    assert vk.development and pk.development and "development=True" in repr(vk)
    with pytest.raises(SetupError):
        groth16.setup(R1CSBuilder(num_public=0).build())


def test_setup_is_reproducible_only_with_an_explicit_rng(square_system: Any) -> None:
    import random

    cs = square_system[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, vk1 = groth16.setup(cs, rng=random.Random(1))
        _, vk2 = groth16.setup(cs, rng=random.Random(1))
        _, vk3 = groth16.setup(cs)
    assert vk1 == vk2 and vk1 != vk3


def test_degenerate_verifying_keys_are_refused(square_system: Any) -> None:
    vk: VerifyingKey = square_system[2]
    fields = dict(alpha_g1=vk.alpha_g1, beta_g2=vk.beta_g2, gamma_g2=vk.gamma_g2,
                  delta_g2=vk.delta_g2, ic=vk.ic)
    cases = [dict(ic=(vk.ic[0], G1Point.infinity())), dict(ic=(vk.ic[0], vk.ic[0])),
             dict(delta_g2=vk.gamma_g2), dict(delta_g2=G2), dict(alpha_g1=G1Point.infinity()),
             dict(ic=())]
    for change in cases:
        with pytest.raises(MalformedInputError):
            VerifyingKey(**{**fields, **change})  # type: ignore[arg-type]


def test_verifying_key_of_another_circuit_rejects(square_system: Any) -> None:
    _, _, _, _, proof = square_system
    b = R1CSBuilder(num_public=1)  # x = y * y * y: another circuit, same public count
    x, y, y2 = b.new_wire(), b.new_wire(), b.new_wire()
    b.add({y: 1}, {y: 1}, {y2: 1})
    b.add({y2: 1}, {y: 1}, {x: 1})
    _, vk_cube = dev_setup(b.build())
    assert not groth16.verify(vk_cube, [9], proof)


@pytest.mark.parametrize("make", [
    lambda ic: (ic[0], ic[1], -ic[1]),  # IC2 = -IC1: (x1 + t, x2 + t) all share a commitment
    lambda ic: (ic[0], ic[1], ic[1]),  # IC2 = IC1: (x1 + t, x2 - t)
    lambda ic: (ic[0], -ic[0], ic[2]),  # IC1 = -IC0
    lambda ic: (ic[0], ic[1], ic[0]),  # IC2 = IC0
    lambda ic: (ic[0], G1Point.infinity(), ic[2])])
def test_verifying_keys_with_cancelling_ic_points_are_refused(make: Any) -> None:
    _, vk = dev_setup(_system(2))
    fields = dict(alpha_g1=vk.alpha_g1, beta_g2=vk.beta_g2, gamma_g2=vk.gamma_g2,
                  delta_g2=vk.delta_g2)
    with pytest.raises(MalformedInputError, match="infinity|one proof would fit many"):
        VerifyingKey(**fields, ic=make(vk.ic))


def test_public_input_count_is_checked_before_the_values(square_system: Any) -> None:
    _, _, vk, _, proof = square_system
    many = [-1] * 10**6  # every value invalid: the count must be the error reported
    with pytest.raises(MalformedInputError, match="expected 1, found 1000000"):
        groth16.verify(vk, many, proof)
    with pytest.raises(MalformedInputError, match=r"items\[1\]: public inputs: expected 1, found 1000000"):
        groth16.verify_batch(vk, [([9], proof), (many, proof)])
    with pytest.raises(InputTypeError):
        groth16.verify(vk, (x for x in [9]), proof)  # type: ignore[arg-type]


class _ConstantSource:
    """A randomness source that always returns ``value``; it fails the test (instead of
    hanging it) when asked more than ``limit`` times."""

    def __init__(self, value: int, limit: int = 10_000) -> None:
        self.value, self.limit, self.calls = value, limit, 0

    def randbelow(self, n: int) -> int:
        self.calls += 1
        if self.calls > self.limit:
            raise AssertionError(f"still drawing after {self.limit} draws: an unbounded retry")
        return self.value


def test_prove_and_setup_refuse_a_constant_randomness_source(square_system: Any) -> None:
    cs, pk, _, w, _ = square_system
    with pytest.raises(MalformedInputError, match="draws in a row"):
        groth16.prove(pk, w, rng=_ConstantSource(0))
    for value in (0, 1):  # only zeros; tau = 1 is a root of unity, again and again
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(MalformedInputError, match="draws in a row"):
                groth16.setup(cs, rng=_ConstantSource(value))


def test_randomness_sources_are_checked(square_system: Any) -> None:
    cs, pk, vk, w, proof = square_system
    for value in (-1, R, 1 << 300):
        with pytest.raises(MalformedInputError, match=r"rng: expected an int in \[0, "):
            groth16.prove(pk, w, rng=_ConstantSource(value))
    with pytest.raises(MalformedInputError, match="rng"):
        groth16.verify_batch(vk, [([9], proof)], rng=_ConstantSource(1 << 128))
    with pytest.raises(InputTypeError, match="randbelow"):
        groth16.prove(pk, w, rng=object())


def test_prove_refuses_a_key_whose_b_g2_leaves_the_subgroup(square_system: Any) -> None:
    import dataclasses

    from .._helpers import twist_point_outside_subgroup

    _, pk, _, w, _ = square_system
    x, y = twist_point_outside_subgroup()
    rogue = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    bad = dataclasses.replace(pk, b_g2=pk.b_g2[:256] + rogue)  # wire 2 (y = 3)
    with pytest.raises(MalformedInputError, match="b_g2 holds points outside the G2 subgroup"):
        groth16.prove(bad, w)


def test_keys_and_proofs_are_immutable_records_without_dataclasses() -> None:
    """VerifyingKey and Proof keep what they had as frozen dataclasses (equality without the
    development flag, hashing, immutability, replace) without importing dataclasses (the
    one-shot prover's start-up)."""

    from zkp.r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=1)
    x, y = b.new_wire(), b.new_wire()
    _ = b.add({y: 1}, {y: 1}, {x: 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, vk = groth16.setup(b.build(), rng=random.Random(1))
    proof = groth16.prove(pk, [1, 9, 3], rng=random.Random(2))
    production = vk.replace(development=False)
    assert vk.development and not production.development
    assert production == vk and hash(production) == hash(vk)  # the flag takes no part in equality
    assert proof.replace(c=proof.a) != proof and {proof, proof.replace()} == {proof}
    with pytest.raises(AttributeError):
        vk.ic = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del proof.a
    with pytest.raises(TypeError, match="no field"):
        proof.replace(d=1)
    with pytest.raises(InputTypeError):
        proof.replace(a=1)
