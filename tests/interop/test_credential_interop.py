"""Credentials with the real tools (pinned in package-lock.json; never skipped in CI):
snarkjs verifies a presentation's proof and refuses it for other signals; circomlibjs
computes the same claim hash, issuer id and state, and verifies the issuer's signature."""

from __future__ import annotations

import json
import random
import subprocess
import warnings
from pathlib import Path
from typing import Callable

import pytest

from zkmpc.credentials import (CredentialKeys, Holder, Issuer, Params, Presentation, Query, StateRegistry,
                               Verifier, dump_presentation, schema_hash)
from zkp.formats.snarkjs_json import public_to_json, vk_to_json

from ..conftest import circomlibjs

# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = [pytest.mark.interop, pytest.mark.app_layer]
Run = Callable[..., subprocess.CompletedProcess]
NOW = 1_800_000_000


@pytest.fixture(scope="module")
def presented() -> tuple[CredentialKeys, Presentation]:
    rng = random.Random(11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keys = CredentialKeys.setup(Params(levels=8), rng=rng)
    registry, issuer, holder = StateRegistry(), Issuer(rng=rng), Holder.generate(rng=rng)
    cred = issuer.issue(schema_hash("test/licence/v1"), holder.commitment, slots=[3, 19900101, 1],
                        expiration=NOW + 10**6, rng=rng)
    issuer.publish(registry, at=NOW)
    verifier = Verifier(keys.params, keys.verifying_key, registry)
    req = verifier.request(schema_hash("test/licence/v1"), Query(1, "le", (20080101,)), disclose=[0], now=NOW, rng=rng)
    pres = holder.prove(keys, cred, issuer.revocation_status(cred.claim.nonce), req, rng=rng)
    verifier.accept(pres, req)
    return keys, pres


def test_snarkjs_verifies_a_presentation(snarkjs: Run, tmp_path: Path,
                                         presented: tuple[CredentialKeys, Presentation]) -> None:
    keys, pres = presented
    doc = json.loads(dump_presentation(pres))  # the proof object is snarkjs's proof.json
    (tmp_path / "verification_key.json").write_text(vk_to_json(keys.verifying_key))
    (tmp_path / "proof.json").write_text(json.dumps(doc["proof"], indent=1))
    (tmp_path / "public.json").write_text(json.dumps(doc["public"], indent=1))
    res = snarkjs("groth16", "verify", "verification_key.json", "public.json", "proof.json", cwd=tmp_path)
    assert "OK!" in res.stdout
    for i in (0, 14, 16, len(pres.signals) - 8):  # issuer state, now, nullifier, disclosed slot 0
        signals = list(pres.signals)
        signals[i] += 1
        (tmp_path / "public.json").write_text(public_to_json(signals))
        res = snarkjs("groth16", "verify", "verification_key.json", "public.json", "proof.json", cwd=tmp_path,
                      check=False)
        assert "OK!" not in res.stdout and "Invalid proof" in res.stdout + res.stderr, i


def test_the_exported_solidity_verifier_checks_a_presentation(solc_ready: None,
                                                               presented: tuple[CredentialKeys, Presentation]) -> None:
    from zkp.evm import OnchainVerifier

    keys, pres = presented
    chain = OnchainVerifier.deploy(keys.verifying_key, allow_development=True)  # the embedded EVM
    assert chain.verify(pres.proof, list(pres.signals))
    assert 200_000 < chain.gas(pres.proof, list(pres.signals)) < 400_000
    for i in (0, 16, len(pres.signals) - 8):
        signals = list(pres.signals)
        signals[i] += 1
        assert not chain.verify(pres.proof, signals), i


def test_claim_hash_issuer_state_and_signature_equal_circomlibjs() -> None:
    rng = random.Random(12)
    issuer = Issuer(rng=rng)
    creds = [issuer.issue(schema_hash(f"test/{i}"), rng.getrandbits(250), slots=[rng.getrandbits(253) for _ in range(8)],
                          expiration=rng.getrandbits(64), rng=rng) for i in range(3)]
    issuer.revoke(creds[0].claim.nonce)
    out = circomlibjs(
        "const p = await lib.buildPoseidon(); const e = await lib.buildEddsa(); const F = p.F;\n"
        "const claims = input.claims.map(c => {\n"
        "  const h = p(c.fields.map(BigInt));\n"
        "  const ok = e.verifyPoseidon(e.babyJub.F.e(F.toString(h)), {R8: c.r8.map(x => e.babyJub.F.e(BigInt(x))),\n"
        "    S: BigInt(c.s)}, input.key.map(x => e.babyJub.F.e(BigInt(x))));\n"
        "  return [F.toString(h), ok];\n"
        "});\n"
        "const id = F.toString(p(input.key.map(BigInt)));\n"
        "const state = F.toString(p([...input.key, input.root].map(BigInt)));\n"
        "console.log(JSON.stringify({claims, id, state}));",
        {"key": [str(v) for v in issuer.public_key], "root": str(issuer.revocation_root),
         "claims": [{"fields": [str(v) for v in c.claim.fields()], "r8": [str(v) for v in c.signature.R8],
                     "s": str(c.signature.S)} for c in creds]})
    assert out["claims"] == [[str(c.claim.hash()), True] for c in creds]
    assert out["id"] == str(issuer.id) and out["state"] == str(issuer.state)
