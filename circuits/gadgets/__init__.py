"""Gadgets: reusable pieces of circuit, each with a native twin in :mod:`circuits.native`."""

from .poseidon import poseidon, poseidon_permute
from .merkle import assert_member, merkle_root
from .mimc import mimc7, mimc_feistel, mimc_sponge, multi_mimc7

__all__ = ["mimc7", "multi_mimc7", "mimc_feistel", "mimc_sponge", "merkle_root", "assert_member", "poseidon", "poseidon_permute"]
