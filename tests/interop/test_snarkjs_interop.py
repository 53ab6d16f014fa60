"""Interop with the real tools (pinned in package-lock.json): snarkjs verifies what zkmpc
writes, zkmpc verifies what snarkjs wrote, circom's .r1cs/.wtns load. Never skipped in CI."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from circuits import Circuit, Public, Secret, UInt, compile
from zkp import groth16
from zkp.formats.circom import read_r1cs, read_wtns, write_r1cs, write_wtns
from zkp.formats.snarkjs_json import (proof_from_json, proof_to_json, public_from_json,
                                      public_to_json, vk_from_json, vk_to_json)

from ..conftest import VECTORS, dev_setup

pytestmark = pytest.mark.interop
FIXTURE = VECTORS / "snarkjs_mul"
Run = Callable[..., subprocess.CompletedProcess]


def test_we_verify_snarkjs_proof() -> None:
    vk = vk_from_json((FIXTURE / "verification_key.json").read_text())
    proof = proof_from_json((FIXTURE / "proof.json").read_text())
    public = public_from_json((FIXTURE / "public.json").read_text())
    assert public == [33, 36]
    assert groth16.verify(vk, public, proof)
    assert not groth16.verify(vk, [33, 37], proof)


def test_json_written_byte_for_byte_as_snarkjs() -> None:
    for name, read, write in (("verification_key.json", vk_from_json, vk_to_json),
                              ("proof.json", proof_from_json, proof_to_json),
                              ("public.json", public_from_json, public_to_json)):
        text = (FIXTURE / name).read_text()
        assert write(read(text)) == text, name  # type: ignore[operator]


def test_circom_r1cs_and_wtns_load() -> None:
    cs = read_r1cs((FIXTURE / "mul.r1cs").read_bytes())
    w = read_wtns((FIXTURE / "witness.wtns").read_bytes(), num_public=cs.num_public)
    assert (cs.num_constraints, cs.num_wires, cs.num_public) == (2, 5, 2)
    assert w.values() == [1, 33, 36, 3, 11] and cs.is_satisfied(w.values())
    again = read_r1cs(write_r1cs(cs))  # circom orders sections differently: compare content
    assert [again.row(i) for i in range(2)] == [cs.row(i) for i in range(2)]
    assert write_wtns(w) == (FIXTURE / "witness.wtns").read_bytes()
    pk, vk = dev_setup(cs)  # our keys on circom's constraint system
    assert groth16.verify(vk, w.public, groth16.prove(pk, w))


class Adult(Circuit):
    min_age: Public[UInt[8]]
    year: Public[UInt[16]]
    age: Secret[UInt[8]]

    def define(self, api: Any) -> None:
        api.assert_true(self.age >= self.min_age)
        api.assert_true(self.year > 2000)


def _write(d: Path, vk: Any, public: list[int], proof: Any) -> None:
    (d / "verification_key.json").write_text(vk_to_json(vk))
    (d / "public.json").write_text(public_to_json(public))
    (d / "proof.json").write_text(proof_to_json(proof))


def test_snarkjs_verifies_our_proof(snarkjs: Run, tmp_path: Path) -> None:
    cs = compile(Adult)
    pk, vk = dev_setup(cs)
    w = cs.solve(Adult(min_age=18, year=2026, age=29))
    _write(tmp_path, vk, w.public, groth16.prove(pk, w))
    res = snarkjs("groth16", "verify", "verification_key.json", "public.json", "proof.json",
                  cwd=tmp_path)
    assert "OK!" in res.stdout
    (tmp_path / "public.json").write_text(public_to_json([19, 2026]))
    res = snarkjs("groth16", "verify", "verification_key.json", "public.json", "proof.json",
                  cwd=tmp_path, check=False)
    assert "OK!" not in res.stdout and "Invalid proof" in res.stdout + res.stderr


def test_snarkjs_proves_our_r1cs_and_we_verify(snarkjs: Run, tmp_path: Path) -> None:
    cs = compile(Adult)
    w = cs.solve(Adult(min_age=18, year=2026, age=29))
    (tmp_path / "c.r1cs").write_bytes(write_r1cs(cs.r1cs))
    (tmp_path / "c.wtns").write_bytes(write_wtns(w))
    shutil.copy(VECTORS / "pot8_final.ptau", tmp_path / "pot.ptau")
    snarkjs("groth16", "setup", "c.r1cs", "pot.ptau", "c0.zkey", cwd=tmp_path)
    snarkjs("zkey", "contribute", "c0.zkey", "c.zkey", "--name=test", "-e=interop test entropy",
            cwd=tmp_path)
    snarkjs("zkey", "export", "verificationkey", "c.zkey", "vk.json", cwd=tmp_path)
    snarkjs("groth16", "prove", "c.zkey", "c.wtns", "proof.json", "public.json", cwd=tmp_path)
    vk = vk_from_json((tmp_path / "vk.json").read_text())
    proof = proof_from_json((tmp_path / "proof.json").read_text())
    public = public_from_json((tmp_path / "public.json").read_text())
    assert public == w.public == [18, 2026]
    assert groth16.verify(vk, public, proof)
    assert not groth16.verify(vk, [18, 2027], proof)


def test_circom_compiles_and_matches_fixture(circom: str, tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "mul.circom", tmp_path / "mul.circom")
    subprocess.run([circom, "mul.circom", "--r1cs", "-o", "."], cwd=tmp_path, check=True,
                   capture_output=True, timeout=300)
    ours = read_r1cs((tmp_path / "mul.r1cs").read_bytes())
    fixture = read_r1cs((FIXTURE / "mul.r1cs").read_bytes())
    assert [ours.row(i) for i in range(2)] == [fixture.row(i) for i in range(2)]
    assert json.loads((FIXTURE / "public.json").read_text()) == ["33", "36"]


def _write_case(root: Path, name: str, vk: str, proof: str, public: str) -> None:
    d = root / "cases" / name
    d.mkdir(parents=True)
    for file, text in (("verification_key.json", vk), ("proof.json", proof), ("public.json", public)):
        (d / file).write_text(text)


def test_realworld_script_tables_a_synthetic_corpus(square_system: Any, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/realworld.py on a corpus of our own keys and proofs, with verdicts as snarkjs
    gives them: an honest case, one without "curve" fields, an uncontributed key (gamma ==
    delta), a case without public-input mutations, and a planted wrong verdict it must report."""
    from benchmarks import realworld

    _, _, vk, _, proof = square_system
    vk_text, proof_text, public_text = vk_to_json(vk), proof_to_json(proof), public_to_json([9])
    no_curve = json.dumps({k: v for k, v in json.loads(proof_text).items() if k != "curve"}, indent=1)
    vk_doc = json.loads(vk_text)
    uncontributed = json.dumps({**vk_doc, "vk_delta_2": vk_doc["vk_gamma_2"]}, indent=1)
    honest = {"orig": "accept", "pub0_plus1": "reject", "pub0_plus_r": "reject", "pia_negy": "reject"}
    cases = {"honest": (vk_text, proof_text, honest),
             "no_curve": (vk_text, no_curve, honest),
             "uncontributed": (uncontributed, proof_text, honest),
             "orig_only": (vk_text, proof_text, {"orig": "accept", "pia_negy": "reject"}),
             "planted": (vk_text, proof_text, {**honest, "orig": "reject"})}
    verdicts = {}
    for name, (v, p, expect) in cases.items():
        _write_case(tmp_path, name, v, p, public_text)
        verdicts[name] = {m: {"snarkjs": {"verdict": x}} for m, x in expect.items()}
    (tmp_path / "verdicts.json").write_text(json.dumps(verdicts))

    assert realworld.main(["--corpus", str(tmp_path)]) == 1  # the planted disagreement
    out = capsys.readouterr().out
    rows = {line[:37].strip(): line[37:].split() for line in out.splitlines() if line[:1].isalpha()}
    # columns: orig, pub0_plus1, pub0_plus_r, pia_negy, total
    assert rows["agree: accept"] == ["3", "0", "0", "0", "3"]  # honest, no_curve, orig_only
    assert rows["agree: reject"] == ["0", "3", "0", "4", "7"]
    assert rows["DISAGREE"] == ["1", "0", "0", "0", "1"]
    assert rows["refused: uncontributed key"] == ["1", "1", "1", "1", "4"]
    assert rows["refused: snarkjs refuses too"] == ["0", "0", "3", "0", "3"]  # public[0] + r
    assert rows["runs"] == ["5", "4", "4", "5", "18"]
    assert "5 cases, 18 runs; zkmpc reached 11 verdicts, 10 agree with snarkjs, 1 disagree" in out
    assert "planted [orig]: zkmpc accept, snarkjs reject" in out

    del verdicts["planted"]
    (tmp_path / "verdicts.json").write_text(json.dumps(verdicts))
    assert realworld.main(["--corpus", str(tmp_path)]) == 0
    assert realworld.main(["--corpus", str(tmp_path / "absent")]) == 0
    assert "no corpus at" in capsys.readouterr().out
