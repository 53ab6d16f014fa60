"""Identities and groups, compatible with Semaphore v4 (see docs/identity.md).

An :class:`Identity` is a Baby Jubjub EdDSA-Poseidon key whose commitment joins a
:class:`Group` (a lean incremental Merkle tree, in memory or in SQLite); a member proves
membership with a nullifier and a message (:mod:`zkmpc.identity.semaphore`).

    >>> from zkmpc.identity import Identity, Group
    >>> alice, bob = Identity("alice's key"), Identity("bob's key")
    >>> group = Group([alice.commitment, bob.commitment])
    >>> group.proof(0).leaf == alice.commitment
    True
"""

from .group import Group, MerkleProof
from .identity import Identity, commitment_of, derive_secret_scalar
from .semaphore import Prover, SemaphoreProof, generate_proof, hash_value, nullifier_of, semaphore_circuit, verify_proof
from .storage import GroupStorage, MemoryStorage, SQLiteStorage

__all__ = ["Identity", "commitment_of", "derive_secret_scalar", "Group", "MerkleProof", "GroupStorage",
           "MemoryStorage", "SQLiteStorage", "Prover", "SemaphoreProof", "generate_proof", "verify_proof", "hash_value",
           "nullifier_of", "semaphore_circuit"]
