"""Groth16 proofs on EVM chains: the Solidity verifier, calldata, deployment and gas.

- :func:`export_verifier`: Solidity source for a verifying key (snarkjs's ABI, plus a
  batch entry point);
- :func:`calldata`: a proof's arguments in EIP-197 order, and snarkjs's calldata string;
- :func:`compile_solidity`: solc (a binary, or the npm package via node);
- :class:`EmbeddedEVM` (in-process revm) and :class:`RpcChain` (any JSON-RPC node);
- :class:`OnchainVerifier`: deploy, verify, measure gas.
"""

from .calldata import SolidityCalldata, batch_calldata, calldata
from .chain import CallResult, EmbeddedEVM, RpcChain
from .keccak import keccak256, selector
from .onchain import OnchainVerifier
from .solc import CompiledContract, compile_solidity
from .verifier import export_verifier

__all__ = ["export_verifier", "calldata", "batch_calldata", "SolidityCalldata", "compile_solidity",
           "CompiledContract", "EmbeddedEVM", "RpcChain", "CallResult", "OnchainVerifier",
           "keccak256", "selector"]
