"""Gas of the group contract's validateProof (zkmpc.contracts) on the embedded EVM and on
anvil, beside the bare verifiers measured in the same run and Semaphore v4's figure.

    python -m benchmarks.contracts_gas [--proofs 20] [--rpc URL]

One verifying key for a circuit with Semaphore v4's four public signals (root, nullifier,
message hash, scope hash; a small stand-in circuit: the gas depends on the number of
public inputs, not on the circuit). ``--proofs`` proofs with random members, messages and
scopes are validated, each in its own transaction (receipt gasUsed), on each chain; printed
beside: a verifyProof transaction of zkmpc's exported verifier and of snarkjs's (its own
template, rendered by its own ejs for the same key, same solc), the floor (21,000 +
calldata + ecPairing of 4 pairs + 4 x (ecMul + ecAdd)), Semaphore v4's average
validateProof (288,798, its published gas report: not measured here), eth_estimateGas at
which the transaction succeeds, and the gas of addRoot and of a relayed root.
"""

from __future__ import annotations

import argparse
import random
import resource
import secrets
import statistics
import time
import warnings
from typing import Any

from zkp import groth16
from zkp.evm import EmbeddedEVM, RpcChain, calldata, compile_solidity, export_verifier
from zkp.evm.anvil import Anvil
from zkp.field import R
from zkp.r1cs import R1CSBuilder
from zkmpc.contracts import GroupContract, RelayedGroupContract, Relayer, compile_group, hash_signal
from zkmpc.contracts.relay import new_signing_key, signer_address

from .evm_gas import calldata_gas, snarkjs_source

SEMAPHORE_V4_VALIDATE = 288_798


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Circuit4:
    """root = s^2, nullifier = s * scope hash, message hash bound: four public signals."""

    def __init__(self) -> None:
        b = R1CSBuilder(num_public=4)
        root, nul, msg, scope = (b.new_wire() for _ in range(4))
        s, m2 = b.new_wire(), b.new_wire()
        b.add({s: 1}, {s: 1}, {root: 1}, "s*s == root")
        b.add({s: 1}, {scope: 1}, {nul: 1}, "s*scope == nullifier")
        b.add({msg: 1}, {msg: 1}, {m2: 1}, "message*message == m2")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.pk, self.vk = groth16.setup(b.build())

    def signal(self) -> tuple[Any, dict[str, int]]:
        secret, message, scope = (secrets.randbelow(R - 1) + 1, secrets.randbits(256), secrets.randbits(256))
        mh, sh = hash_signal(message), hash_signal(scope)
        root, nul = secret * secret % R, secret * sh % R
        proof = groth16.prove(self.pk, [1, root, nul, mh, sh, secret, mh * mh % R])
        return proof, {"root": root, "nullifier": nul, "message": message, "scope": scope}


def measure(chain: Any, circuit: Circuit4, codes: dict[str, Any], n: int) -> dict[str, float]:
    """Average gas per transaction on ``chain``."""
    verifier = chain.deploy(codes["ours"])
    theirs = chain.deploy(codes["snarkjs"])
    group = GroupContract.deploy(chain, verifier, compiled=codes["group"])
    out: dict[str, list[int]] = {k: [] for k in ("validate", "ours", "snarkjs", "floor", "add_root", "estimate")}
    for _ in range(n):
        proof, args = circuit.signal()
        out["add_root"].append(group.add_root(args["root"]).gas_used)
        group.set_scope(args["scope"])
        public = [args["root"], args["nullifier"], hash_signal(args["message"]), hash_signal(args["scope"])]
        data = calldata(proof, public).to_bytes()
        out["ours"].append(chain.transaction_gas(verifier, data))
        out["snarkjs"].append(chain.transaction_gas(theirs, data))
        out["floor"].append(21_000 + calldata_gas(data) + 181_000 + 4 * 6_150)
        if isinstance(chain, RpcChain):
            out["estimate"].append(chain.estimate_gas(group.address, group.proof_calldata("validateProof", proof,
                                                                                         **args)))
        receipt = group.validate(proof, **args, gas=out["estimate"][-1] if out["estimate"] else None)
        out["validate"].append(receipt.gas_used)
    return {k: statistics.fmean(v) if v else 0.0 for k, v in out.items()} | {"max_validate": max(out["validate"])}


def relay_gas(chain: Any, codes: dict[str, Any]) -> float:
    verifier = chain.deploy(codes["ours"])
    group = GroupContract.deploy(chain, verifier, compiled=codes["group"])
    signer = new_signing_key(rng=random.Random(1))
    target = RelayedGroupContract.deploy(chain, verifier, source_chain_id=chain.chain_id, source_group=group.address,
                                         max_age=3600, compiled=codes["relayed"])
    target.set_signer(signer_address(signer))
    relayer, gas = Relayer(group, target, signer), []
    for k in range(3):
        group.add_root(1000 + k)
        gas.append(relayer.relay().gas_used)
    return statistics.fmean(gas)


def report(name: str, m: dict[str, float], relay: float) -> None:
    v = m["validate"]
    print(f"{name}:")
    print(f"  validateProof      {v:>10,.0f} gas (max {m['max_validate']:,.0f})   "
          f"x{v / SEMAPHORE_V4_VALIDATE:.3f} of Semaphore v4's {SEMAPHORE_V4_VALIDATE:,} (published)")
    print(f"  verifyProof zkmpc  {m['ours']:>10,.0f} gas   group overhead {v - m['ours']:>+8,.0f}")
    print(f"  verifyProof snarkjs{m['snarkjs']:>10,.0f} gas   zkmpc/snarkjs x{m['ours'] / m['snarkjs']:.3f}")
    print(f"  floor              {m['floor']:>10,.0f} gas   validateProof/floor x{v / m['floor']:.3f}")
    if m["estimate"]:
        print(f"  eth_estimateGas    {m['estimate']:>10,.0f} gas   (the transactions above were sent with it)")
    print(f"  addRoot            {m['add_root']:>10,.0f} gas   relayRoot {relay:,.0f} gas")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--proofs", type=int, default=20)
    ap.add_argument("--rpc", default=None, help="an anvil node's URL (default: start one)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    circuit = Circuit4()
    codes = {"ours": compile_solidity(export_verifier(circuit.vk, allow_development=True), "Groth16Verifier").bytecode,
             "snarkjs": compile_solidity(snarkjs_source(circuit.vk), "Groth16Verifier").bytecode,
             "group": compile_group("ZkGroup"), "relayed": compile_group("ZkRelayedGroup")}
    print(f"validateProof gas, {args.proofs} proofs with random members, messages and scopes; "
          f"4 public inputs; solc {codes['group'].compiler}")
    evm = EmbeddedEVM()
    report("embedded EVM (revm)", measure(evm, circuit, codes, args.proofs), relay_gas(evm, codes))
    if args.rpc:
        chain = RpcChain(args.rpc)
        report(f"anvil at {args.rpc}", measure(chain, circuit, codes, args.proofs), relay_gas(chain, codes))
    else:
        with Anvil() as node:
            chain = RpcChain(node.url)
            report("anvil", measure(chain, circuit, codes, args.proofs), relay_gas(chain, codes))
    print(f"time {time.perf_counter() - t0:.1f} s, peak memory {peak_mib():.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
