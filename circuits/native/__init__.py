"""Native (off-circuit) twins of the gadgets: plain Python, same results as in circuit."""

from .poseidon import poseidon
from .merkle import MerkleProof, MerkleTree

__all__ = ["MerkleTree", "MerkleProof", "poseidon"]
