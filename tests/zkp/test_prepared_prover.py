"""Proving many times with one in-memory key (:class:`zkp.groth16.prover.PreparedProvingKey`)
and the one-shot :func:`groth16.prove`: the same proof for the same randomness, h equal to
the one from the R1CS's A.w, B.w, C.w, snarkjs verifies, and every refusal (a witness that
breaks a constraint is named, malformed witnesses, a rogue key, pickling)."""

from __future__ import annotations

import pickle
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from zkp import groth16
from zkp._backend import kernels
from zkp.errors import InputTypeError, MalformedInputError, UnsatisfiedError
from zkp.field import R
from zkp.formats.circom import read_r1cs, read_wtns
from zkp.formats.snarkjs_json import proof_to_json, public_to_json
from zkp.formats.zkey import read_zkey
from zkp.groth16.prover import PreparedProvingKey, _h_from_matrices, _le_words, prove
from zkp.qap import witness_evaluations
from zkp.r1cs import R1CS, R1CSBuilder
from zkp.witness import Witness

from ..conftest import VECTORS, dev_setup

Run = Callable[..., subprocess.CompletedProcess[str]]


def _random_system(rng: random.Random, n: int = 40, num_public: int = 3) -> tuple[R1CS, list[int]]:
    """A chain of products and sums over random values (wide linear combinations, constants,
    repeated wires), with its witness."""
    b = R1CSBuilder(num_public=num_public)
    values = [1] + [rng.randrange(R) for _ in range(num_public)]
    for _ in range(num_public):
        b.new_wire()
    for i in range(n):
        picks = [rng.randrange(len(values)) for _ in range(3)]
        ka, kb = rng.randrange(1, R), rng.choice([1, 2, R - 1, rng.randrange(R)])
        x = b.new_wire()
        lhs = {picks[0]: ka, picks[1]: 1} if picks[0] != picks[1] else {picks[0]: ka}
        a_val = sum(k * values[wire] for wire, k in lhs.items()) % R
        value = a_val * kb * values[picks[2]] % R
        values.append(value)
        b.add(lhs, {picks[2]: kb}, {x: 1}, f"row {i}")
    return b.build(), values


@pytest.fixture(scope="module")
def system() -> Any:
    cs, w = _random_system(random.Random(24))
    pk, vk = dev_setup(cs)
    return cs, pk, vk, w


@pytest.mark.parametrize("tables", [False, True])
def test_prepared_and_one_shot_give_the_same_proof(system: Any, tables: bool) -> None:
    cs, pk, vk, w = system
    prepared = PreparedProvingKey(pk, tables=tables)
    assert prepared.has_tables == tables
    for seed in range(3):
        one = prove(pk, w, rng=random.Random(seed))
        assert prove(prepared, w, rng=random.Random(seed)) == one == prepared.prove(w, rng=random.Random(seed))
        assert groth16.verify(vk, w[1:4], one)
    fresh = {prove(prepared, Witness.from_ints(w, 3)).to_bytes() for _ in range(2)}
    assert len(fresh) == 2  # fresh blinding


def test_h_from_the_sparse_mat_vec_equals_h_from_the_r1cs(system: Any) -> None:
    """The C mat-vec path (on the domain C = A * B) against A.w, B.w, C.w from the R1CS."""
    cs, pk, _, w = system
    a, b, c = witness_evaluations(cs, w)
    wit = Witness.from_ints(w, cs.num_public)
    assert _h_from_matrices(pk, _le_words(wit)) == bytes(kernels.qap_odd_coset(a, b, c))


def test_a_broken_constraint_is_named(system: Any) -> None:
    cs, pk, _, w = system
    prepared = PreparedProvingKey(pk, tables=False)
    bad = list(w)
    bad[-1] = (bad[-1] + 1) % R  # the last row's output
    for key in (pk, prepared):
        with pytest.raises(UnsatisfiedError, match=f"breaks constraint {cs.num_constraints - 1} \\(row 39\\)") as err:
            prove(key, bad)
        assert err.value.index == cs.num_constraints - 1 and err.value.__context__ is None
    assert prove(prepared, w)  # still proving after the refusal


def test_malformed_witnesses_and_keys_are_refused(system: Any) -> None:
    _, pk, _, w = system
    prepared = PreparedProvingKey(pk, tables=False)
    for key in (pk, prepared):
        with pytest.raises(MalformedInputError, match="expected 44 wires, found 43"):
            prove(key, w[:-1])
        with pytest.raises(MalformedInputError):
            prove(key, w[:-1] + [R])
        with pytest.raises(MalformedInputError, match="wire 0 must be 1"):
            prove(key, [2] + w[1:])
        with pytest.raises(InputTypeError, match="expected a Witness or a list of ints"):
            prove(key, "1, 2")  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="expected a ProvingKey"):
        PreparedProvingKey(pk.vk)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="does not travel"):
        pickle.dumps(prepared)
    assert not PreparedProvingKey(pk, table_bytes=1).has_tables  # no room: no tables, still proves
    assert "PreparedProvingKey(ProvingKey(constraints=40" in repr(prepared)


def test_a_rogue_b_g2_never_leaves_in_a_proof(square_system: Any) -> None:
    import dataclasses

    from .._helpers import twist_point_outside_subgroup

    _, pk, _, w, _ = square_system
    x, y = twist_point_outside_subgroup()
    rogue = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    bad = PreparedProvingKey(dataclasses.replace(pk, b_g2=pk.b_g2[:256] + rogue), tables=False)
    with pytest.raises(MalformedInputError, match="b_g2 holds points outside the G2 subgroup"):
        prove(bad, w)


def test_prepared_proofs_from_a_snarkjs_key_verify_with_snarkjs(snarkjs: Run, tmp_path: Path) -> None:
    mul = VECTORS / "snarkjs_mul"
    for name in ("mul.r1cs", "witness.wtns"):
        shutil.copy(mul / name, tmp_path / name)
    shutil.copy(VECTORS / "pot8_final.ptau", tmp_path / "pot.ptau")
    snarkjs("groth16", "setup", "mul.r1cs", "pot.ptau", "c0.zkey", cwd=tmp_path)
    snarkjs("zkey", "contribute", "c0.zkey", "k.zkey", "--name=a", "-e=prepared", cwd=tmp_path)
    snarkjs("zkey", "export", "verificationkey", "k.zkey", "vk.json", cwd=tmp_path)
    cs = read_r1cs((tmp_path / "mul.r1cs").read_bytes())
    w = read_wtns((tmp_path / "witness.wtns").read_bytes(), num_public=2).values()
    zk = read_zkey(tmp_path / "k.zkey")
    for pk in (zk.proving_key(cs), zk.proving_key()):
        proof = prove(PreparedProvingKey(pk), w)
        (tmp_path / "p.json").write_text(proof_to_json(proof))
        (tmp_path / "pub.json").write_text(public_to_json(w[1:3]))
        assert "OK!" in snarkjs("groth16", "verify", "vk.json", "pub.json", "p.json", cwd=tmp_path).stdout
    with pytest.raises(UnsatisfiedError, match="does not satisfy"):  # no R1CS: not named
        prove(PreparedProvingKey(zk.proving_key(), tables=False), w[:-1] + [w[-1] + 1])
