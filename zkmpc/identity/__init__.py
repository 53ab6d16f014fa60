"""Identities and groups, compatible with Semaphore v4 (see docs/identity.md)."""

from .identity import Identity, commitment_of, derive_secret_scalar

__all__ = ["Identity", "commitment_of", "derive_secret_scalar"]
