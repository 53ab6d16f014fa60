"""``zkmpc demo``: prove ``age >= 18`` without revealing the age, end to end, timed."""

from __future__ import annotations

import os
import time
import warnings
from typing import Any, Callable, TextIO

from circuits import Circuit, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from zkp import backend_info, groth16
from zkp.formats.snarkjs_json import proof_to_json, public_to_json, vk_to_json

__all__ = ["AgeCheck", "run"]


class AgeCheck(Circuit):
    """The holder's age (secret) is at least ``min_age`` (public)."""

    min_age: Public[UInt[8]]
    age: Secret[UInt[8]]

    def define(self, api: Any) -> None:
        api.assert_true(self.age >= self.min_age)


def _timed(out: TextIO, label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    value = fn()
    out.write(f"  {label:<28} {(time.perf_counter() - t0) * 1e3:9.1f} ms\n")
    return value


def _onchain(out: TextIO, vk: Any, proof: Any, rpc: str | None) -> bool:
    """Deploy the exported verifier (embedded EVM, or the node at ``rpc``) and call it."""
    from zkp.errors import ToolError
    from zkp.evm import EmbeddedEVM, OnchainVerifier, RpcChain

    out.write("  deploying with allow_development=True: this demo's key comes from a single-party "
              "setup, so whoever ran it could forge proofs; a production verifier needs a key from "
              "a phase-2 ceremony (zkmpc zkey new / contribute / beacon)\n")
    try:
        chain: Any = RpcChain(rpc) if rpc else EmbeddedEVM()
        verifier = _timed(out, "compile + deploy verifier",
                          lambda: OnchainVerifier.deploy(vk, chain, allow_development=True))
    except ToolError as exc:
        out.write(f"  on-chain step skipped: {exc}\n")
        return False
    ok = _timed(out, "verify on chain", lambda: verifier.verify(proof, [18]))
    wrong = verifier.verify(proof, [21])
    gas = verifier.gas(proof, [18])
    out.write(f"  {chain!r}: verifyProof(min_age=18) = {ok} ({gas:,} gas), "
              f"min_age=21 = {wrong}\n")
    return bool(ok and not wrong)


def run(out: TextIO, out_dir: str | None = None, age: int = 29, *, rpc: str | None = None,
        onchain: bool = True) -> bool:
    """Run the demo, writing a report to ``out`` and snarkjs JSON files to ``out_dir``; the
    proof is then verified by the exported Solidity verifier on an in-process EVM (or on the
    node at ``rpc``)."""
    out.write(f"zkmpc demo: prove age >= 18 without revealing it "
              f"(kernels: {backend_info()['backend']})\n")
    cs = _timed(out, "compile", lambda: compile(AgeCheck))
    out.write(f"    {cs}\n")
    for label, count in cs.stats().items():
        out.write(f"    {count:6d}  {label}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = _timed(out, "setup (development keys)", lambda: groth16.setup(cs))
    w = _timed(out, "solve (witness)", lambda: cs.solve(AgeCheck(min_age=18, age=age)))
    proof = _timed(out, "prove", lambda: groth16.prove(pk, w))
    ok = _timed(out, "verify", lambda: groth16.verify(vk, [18], proof))
    out.write(f"  proof for min_age=18 verifies: {ok}\n")
    wrong = groth16.verify(vk, [21], proof)
    out.write(f"  same proof against min_age=21 verifies: {wrong}\n")
    try:
        cs.solve(AgeCheck(min_age=18, age=17))
        refused = False
    except UnsatisfiedConstraintError as exc:
        refused = True
        out.write(f"  a 17-year-old cannot make a witness: {exc}\n")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        for name, text in (("verification_key.json", vk_to_json(vk)),
                           ("proof.json", proof_to_json(proof)),
                           ("public.json", public_to_json(w.public))):
            with open(os.path.join(out_dir, name), "w") as f:
                f.write(text)
        out.write(f"  snarkjs files written to {out_dir}/ "
                  "(check: npx snarkjs groth16 verify verification_key.json public.json proof.json)\n")
    chain_ok = _onchain(out, vk, proof, rpc) if onchain else True
    return ok and not wrong and refused and chain_ok
