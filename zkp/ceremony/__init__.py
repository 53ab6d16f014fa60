"""Trusted-setup ceremonies compatible with snarkjs: phase 1 (powers of tau: new,
contribute, beacon, verify, prepare) and phase 2 (circuit-specific keys from a prepared
powers-of-tau file: new, contribute, beacon, verify)."""

from .contribute import CeremonyError, beacon, contribute, contribution_hash, verify_zkey
from .phase1 import ptau_beacon, ptau_contribute, ptau_new, ptau_prepare, ptau_verify
from .phase2 import cs_hash, new_zkey

__all__ = ["new_zkey", "cs_hash", "contribute", "beacon", "verify_zkey", "contribution_hash",
           "CeremonyError", "ptau_new", "ptau_contribute", "ptau_beacon", "ptau_verify", "ptau_prepare"]
