"""Gadgets: reusable pieces of circuit, each with a native twin in :mod:`circuits.native`."""

from .poseidon import poseidon, poseidon_permute
from .merkle import assert_member, merkle_root

__all__ = ["merkle_root", "assert_member", "poseidon", "poseidon_permute"]
