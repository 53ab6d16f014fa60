"""Trusted-setup ceremonies compatible with snarkjs: phase 2 (circuit-specific keys from a
powers-of-tau file)."""

from .contribute import CeremonyError, beacon, contribute, contribution_hash, verify_zkey
from .phase2 import cs_hash, new_zkey

__all__ = ["new_zkey", "cs_hash", "contribute", "beacon", "verify_zkey", "contribution_hash",
           "CeremonyError"]
