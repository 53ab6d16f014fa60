"""``zkmpc export-verifier``, ``zkmpc calldata`` and ``zkmpc verify-onchain``: the Solidity
verifier of a key, snarkjs's calldata line, and a verification by a contract.

```text
zkmpc export-verifier VK_JSON [VERIFIER_SOL] [--contract-name N] [--pragma P]
                      [--allow-development-key]  (a development key is refused without it)
zkmpc calldata PUBLIC_JSON PROOF_JSON         -> snarkjs's soliditycalldata line
zkmpc verify-onchain VK_JSON PUBLIC_JSON PROOF_JSON [--rpc URL] [--address A]
                      [--allow-development-key]  (the embedded EVM without --rpc)
```
"""

from __future__ import annotations

import argparse
from typing import Any

from .common import add_development_flag, read_file, write_file
from .groth16 import load_vk_public_proof

__all__ = ["add_export_verifier", "add_calldata", "add_verify_onchain"]


def cmd_export_verifier(args: argparse.Namespace) -> int:
    from zkp.evm import export_verifier
    from zkp.formats.snarkjs_json import vk_from_json

    vk = vk_from_json(read_file(args.vk, limit=1 << 26))
    src = export_verifier(vk, contract_name=args.contract_name, pragma=args.pragma,
                          allow_development=args.allow_development_key)
    write_file(args.output, src)
    dev = ", a DEVELOPMENT key: whoever made it can forge proofs" if vk.development else ""
    print(f"wrote {args.output} (contract {args.contract_name}, {vk.num_public} public inputs{dev})")
    return 0


def cmd_calldata(args: argparse.Namespace) -> int:
    from zkp.evm import calldata

    _, public, proof = load_vk_public_proof(args, with_vk=False)
    print(calldata(proof, public))
    return 0


def cmd_verify_onchain(args: argparse.Namespace) -> int:
    from zkp.evm import EmbeddedEVM, OnchainVerifier, RpcChain

    vk, public, proof = load_vk_public_proof(args)
    chain: Any = RpcChain(args.rpc) if args.rpc else EmbeddedEVM()
    if args.address:
        verifier = OnchainVerifier(chain, args.address, vk)
    else:
        verifier = OnchainVerifier.deploy(vk, chain, allow_development=args.allow_development_key)
        print(f"deployed the verifier at {verifier.address} on {chain!r}")
    ok = verifier.verify(proof, public)
    gas = verifier.gas(proof, public) if ok else None
    print(("OK! verifyProof returned true" + (f" ({gas:,} gas as a transaction)" if gas else ""))
          if ok else "Invalid proof: verifyProof returned false")
    return 0 if ok else 1


def add_export_verifier(sub: Any) -> None:
    """Register ``zkmpc export-verifier``."""
    ev = sub.add_parser("export-verifier", help="Solidity verifier for a verification key")
    ev.add_argument("vk", help="verification_key.json")
    ev.add_argument("output", nargs="?", default="Groth16Verifier.sol",
                    help="the Solidity file to write (default Groth16Verifier.sol)")
    ev.add_argument("--contract-name", default="Groth16Verifier")
    ev.add_argument("--pragma", default=">=0.8.4 <0.9.0")
    add_development_flag(ev)
    ev.set_defaults(fn=cmd_export_verifier)


def add_calldata(sub: Any) -> None:
    """Register ``zkmpc calldata``."""
    cd = sub.add_parser("calldata", help="print the verifyProof arguments (snarkjs's format)")
    cd.add_argument("public", help="public.json")
    cd.add_argument("proof", help="proof.json")
    cd.set_defaults(fn=cmd_calldata)


def add_verify_onchain(sub: Any) -> None:
    """Register ``zkmpc verify-onchain``."""
    vo = sub.add_parser("verify-onchain", help="deploy the verifier and call it (embedded EVM by default)")
    vo.add_argument("vk", help="verification_key.json")
    vo.add_argument("public", help="public.json")
    vo.add_argument("proof", help="proof.json")
    vo.add_argument("--rpc", default=None, help="JSON-RPC URL of a node (an unlocked account deploys)")
    vo.add_argument("--address", default=None, help="call a verifier already deployed there")
    add_development_flag(vo)
    vo.set_defaults(fn=cmd_verify_onchain)
