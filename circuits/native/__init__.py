"""Native (off-circuit) twins of the gadgets: plain Python, the same results as in circuit."""

from . import babyjub
from .eddsa import PrivateKey, Signature
from .eddsa import verify as eddsa_verify
from .merkle import MerkleProof, MerkleTree
from .mimc import mimc7, mimc_feistel, mimc_sponge, multi_mimc7
from .nullifier import nullifier
from .poseidon import poseidon
from .smt import SMTProof, SparseMerkleTree

__all__ = ["babyjub", "PrivateKey", "Signature", "eddsa_verify", "poseidon", "mimc7", "multi_mimc7", "mimc_feistel", "mimc_sponge", "MerkleTree", "MerkleProof",
           "nullifier", "SparseMerkleTree", "SMTProof"]

from .lean_imt import LeanIMT, ListNodes, Nodes

__all__ += ["LeanIMT", "ListNodes", "Nodes"]
