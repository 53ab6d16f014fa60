"""An eligibility credential (age, country) from a hidden issuer in a registry, proven and checked on chain.

An eligibility credential, end to end: issue, prove, verify in Python and on chain.

An issuer (a ministry, a bank) signs a credential ``(holder commitment, age, country,
income band)`` with EdDSA-Poseidon. Issuers' public keys sit in a registry Merkle tree
whose root everybody knows. The holder proves, without revealing anything else:

- the credential was signed by some issuer in the registry (which one stays hidden);
- ``age >= 18`` and ``country`` is in the allowlist;
- they own it (they know the secret behind the commitment);
- a nullifier for this scope (one claim per holder per scope).

    python -m examples.identity.credential        # or: python examples/identity/credential.py
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits.gadgets import eddsa_poseidon_verify, is_in, merkle_root, nullifier, poseidon
from circuits.native import MerkleTree, PrivateKey
from circuits.native import nullifier as native_nullifier
from circuits.native import poseidon as H
from zkp import groth16
from zkmpc.usecases import options

REGISTRY_DEPTH = 8
ALLOWLIST = 3  # countries in the allowlist (ISO 3166 numeric codes, public)


class EligibleHolder(Circuit):
    registry_root: Public[Field]
    scope: Public[Field]
    nullifier: Public[Field]
    min_age: Public[UInt[8]]
    allowed: Public[Field, ALLOWLIST]

    holder_secret: Secret[Field]
    age: Secret[UInt[8]]
    country: Secret[Field]
    income_band: Secret[UInt[4]]
    issuer: Secret[Field, 2]
    sig_r8: Secret[Field, 2]
    sig_s: Secret[Field]
    path: Secret[Bool, REGISTRY_DEPTH]
    siblings: Secret[Field, REGISTRY_DEPTH]

    def define(self, api: Any) -> None:
        commitment = poseidon(api, [self.holder_secret])
        credential = poseidon(api, [commitment, self.age, self.country, self.income_band])
        eddsa_poseidon_verify(api, tuple(self.issuer), tuple(self.sig_r8), self.sig_s, credential)
        issuer_leaf = poseidon(api, list(self.issuer))
        api.assert_equal(merkle_root(api, issuer_leaf, self.path, self.siblings), self.registry_root)
        api.assert_equal(nullifier(api, self.holder_secret, self.scope), self.nullifier)
        api.assert_true(self.age >= self.min_age)
        api.assert_true(is_in(api, self.country, list(self.allowed)))


def issue(issuer: PrivateKey, holder_commitment: int, age: int, country: int, band: int) -> dict[str, Any]:
    """What the issuer hands the holder: the attributes and a signature on their hash."""
    msg = H([holder_commitment, age, country, band])
    sig = issuer.sign(msg)
    return {"age": age, "country": country, "income_band": band, "issuer": list(issuer.public_key),
            "sig_r8": list(sig.R8), "sig_s": sig.S}


def main(argv: Sequence[str] | None = None, out: Any = sys.stdout, *, onchain: bool = True) -> bool:
    options(argv, __doc__)
    t0 = time.perf_counter()
    issuers = [PrivateKey(f"issuer {i}".encode()) for i in range(5)]
    registry = MerkleTree(REGISTRY_DEPTH, [H(list(k.public_key)) for k in issuers])
    holder_secret = 0x5EC12E7
    credential = issue(issuers[3], H([holder_secret]), age=34, country=250, band=2)
    scope = H([2026, 11])  # e.g. the benefit programme and round
    allowed = [250, 276, 380]

    cs = compile(EligibleHolder)
    out.write(f"circuit: {cs}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs)
    proof_path = registry.proof(3)
    assignment = EligibleHolder(
        registry_root=registry.root, scope=scope, nullifier=native_nullifier(holder_secret, scope), min_age=18,
        allowed=allowed, holder_secret=holder_secret, path=list(proof_path.path_bits),
        siblings=list(proof_path.siblings), **credential)
    w = cs.solve(assignment)
    proof = groth16.prove(pk, w)
    ok = groth16.verify(vk, w.public, proof)
    out.write(f"public inputs: root, scope, nullifier, min_age=18, allowlist {allowed}\n")
    out.write(f"proof verifies in Python: {ok}\n")
    replay = list(w.public)
    replay[1] = H([2026, 12])  # another scope: the nullifier no longer matches
    wrong_scope = groth16.verify(vk, replay, proof)
    out.write(f"same proof for another scope: {wrong_scope}\n")
    chain_ok = True
    if onchain:
        from zkp.evm import OnchainVerifier

        verifier = OnchainVerifier.deploy(vk, allow_development=True)  # a single-party setup's key
        chain_ok = verifier.verify(proof, w.public)
        out.write(f"verifyProof on chain (embedded EVM): {chain_ok}, {verifier.gas(proof, w.public):,} gas\n")
    out.write(f"done in {time.perf_counter() - t0:.1f} s\n")
    return bool(ok and not wrong_scope and chain_ok)


if __name__ == "__main__":
    raise SystemExit(0 if main(sys.argv[1:]) else 1)
