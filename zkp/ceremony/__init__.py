"""Trusted-setup ceremonies compatible with snarkjs: phase 2 (circuit-specific keys from a
powers-of-tau file)."""

from .phase2 import cs_hash, new_zkey

__all__ = ["new_zkey", "cs_hash"]
