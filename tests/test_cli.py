"""The command line end to end (compile, setup, prove, verify, info) and `zkmpc demo`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "age.py"


def zkmpc(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-m", "zkmpc", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=600)
    if check and res.returncode != 0:
        raise AssertionError(f"zkmpc {' '.join(args)} -> {res.returncode}\n{res.stdout}\n{res.stderr}")
    return res


def test_cli_end_to_end(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess]) -> None:
    ref = f"{EXAMPLE}:AgeAtLeast"
    out = zkmpc("compile", ref, "-o", "build", cwd=tmp_path).stdout
    assert "constraints:" in out and "AgeAtLeast.r1cs" in out
    res = zkmpc("setup", "build/AgeAtLeast.r1cs", "build/pk.bin", "build/verification_key.json",
                cwd=tmp_path)
    assert "DEVELOPMENT" in res.stderr
    (tmp_path / "input.json").write_text(json.dumps({"min_age": 18, "year": "2026", "birth_year": 1990}))
    zkmpc("prove", ref, "input.json", "build/pk.bin", "proof.json", "public.json", cwd=tmp_path)
    assert json.loads((tmp_path / "public.json").read_text()) == ["18", "2026"]
    assert zkmpc("verify", "build/verification_key.json", "public.json", "proof.json",
                 cwd=tmp_path).stdout.strip() == "OK!"
    res = snarkjs("groth16", "verify", "build/verification_key.json", "public.json", "proof.json",
                  cwd=tmp_path)
    assert "OK!" in res.stdout
    (tmp_path / "public.json").write_text('["21", "2026"]')
    res = zkmpc("verify", "build/verification_key.json", "public.json", "proof.json", cwd=tmp_path,
                check=False)
    assert res.returncode == 1 and "Invalid proof" in res.stdout
    assert "constraints:" in zkmpc("info", "build/AgeAtLeast.r1cs", cwd=tmp_path).stdout
    assert "AgeAtLeast" in zkmpc("info", ref, cwd=tmp_path).stdout


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    ref = f"{EXAMPLE}:AgeAtLeast"
    zkmpc("compile", ref, "-o", "b", cwd=tmp_path)
    zkmpc("setup", "b/AgeAtLeast.r1cs", "b/pk.bin", "b/vk.json", cwd=tmp_path)
    (tmp_path / "young.json").write_text('{"min_age": 18, "year": 2026, "birth_year": 2015}')
    res = zkmpc("prove", ref, "young.json", "b/pk.bin", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "age.py:" in res.stderr and "not satisfied" in res.stderr
    (tmp_path / "bad.json").write_text('{"min_age": 18, "year": 2026}')
    res = zkmpc("prove", ref, "bad.json", "b/pk.bin", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "missing inputs ['birth_year']" in res.stderr
    (tmp_path / "p.json").write_text('["1_8"]')
    res = zkmpc("verify", "b/vk.json", "p.json", "p.json", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "canonical decimal" in res.stderr
    res = zkmpc("compile", "nofile.py", cwd=tmp_path, check=False)
    assert res.returncode != 0 and "FILE.py:Class" in res.stderr


@pytest.mark.interop
def test_demo(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess]) -> None:
    res = zkmpc("demo", "--out", "demo", cwd=tmp_path)
    assert "verifies: True" in res.stdout and "min_age=21 verifies: False" in res.stdout
    assert "17-year-old cannot make a witness" in res.stdout and "prove" in res.stdout
    assert "EmbeddedEVM(pyrevm): verifyProof(min_age=18) = True" in res.stdout
    assert "min_age=21 = False" in res.stdout
    assert "OK!" in snarkjs("groth16", "verify", "verification_key.json", "public.json",
                            "proof.json", cwd=tmp_path / "demo").stdout


@pytest.mark.interop
def test_evm_verbs(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess], anvil_url: str,
                   solc_ready: None) -> None:
    d = ROOT / "tests" / "vectors" / "snarkjs_mul"
    vk, public, proof = (str(d / n) for n in ("verification_key.json", "public.json", "proof.json"))
    out = zkmpc("export-verifier", vk, "V.sol", "--contract-name", "MulVerifier", cwd=tmp_path).stdout
    assert "wrote V.sol" in out and "contract MulVerifier" in (tmp_path / "V.sol").read_text()
    ours = zkmpc("calldata", public, proof, cwd=tmp_path).stdout
    theirs = snarkjs("zkey", "export", "soliditycalldata", public, proof).stdout
    assert ours == theirs
    res = zkmpc("verify-onchain", vk, public, proof, "--rpc", anvil_url, cwd=tmp_path)
    assert "deployed the verifier at 0x" in res.stdout and "OK! verifyProof returned true" in res.stdout
    address = res.stdout.split("deployed the verifier at ")[1].split()[0]
    (tmp_path / "wrong.json").write_text('["33", "37"]')
    res = zkmpc("verify-onchain", vk, "wrong.json", proof, "--rpc", anvil_url, "--address", address,
                cwd=tmp_path, check=False)
    assert res.returncode == 1 and "Invalid proof" in res.stdout
    assert "OK!" in zkmpc("verify-onchain", vk, public, proof, cwd=tmp_path).stdout  # embedded EVM
    (tmp_path / "big.json").write_text(f'["{2**254}", "36"]')
    res = zkmpc("calldata", "big.json", proof, cwd=tmp_path, check=False)
    assert res.returncode == 2 and "error:" in res.stderr
    res = zkmpc("verify-onchain", vk, public, proof, "--rpc", "http://127.0.0.1:9", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "cannot reach" in res.stderr
