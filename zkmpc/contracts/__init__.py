"""Contracts of the application layer: a group contract (membership roots in a window of
recent roots, open scopes, nullifiers, proofs validated through an exported Groth16
verifier) and its twin on a second chain, whose roots are relayed with a signed attestation.

- :func:`group_source`, :func:`compile_group`: the Solidity, from a template;
- :class:`GroupContract`: deploy, add roots, open scopes, validate and verify proofs;
- :class:`RelayedGroupContract`, :class:`RootAttestation`, :class:`Relayer`: chain A's roots
  on chain B;
- :class:`AppLayout`, :class:`AppContract`, :class:`RelayedAppContract`, :func:`app_source`:
  the same for any circuit (root sets, nullifier and scope at chosen public signals).
"""

from .abi import decode_revert, hash_signal
from .app import APP_CONTRACTS, AppContract, AppLayout, app_source, compile_app
from .group import GroupContract, GroupContractBase, proof_words
from .relay import RelayedAppContract, RelayedGroupContract, Relayer, RootAttestation, new_signing_key, signer_address
from .source import CONTRACTS, DEFAULT_ROOT_WINDOW, compile_group, group_source

__all__ = ["APP_CONTRACTS", "AppContract", "AppLayout", "RelayedAppContract", "app_source", "compile_app",
           "new_signing_key", "CONTRACTS", "DEFAULT_ROOT_WINDOW", "GroupContract", "GroupContractBase", "RelayedGroupContract",
           "Relayer", "RootAttestation", "compile_group", "decode_revert", "group_source", "hash_signal",
           "proof_words", "signer_address"]
