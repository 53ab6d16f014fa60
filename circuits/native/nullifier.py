"""Nullifiers (native twin): ``poseidon([secret, scope])``.

A nullifier lets a verifier see that the same credential was used twice in one scope (an
election, an airdrop, a benefit claim) without learning who used it: the holder publishes
``nullifier(secret, scope)`` with a proof that it was made from the secret behind their
credential. Different scopes give unlinkable nullifiers.

    >>> nullifier(12345, scope=7) == nullifier(12345, scope=7) != nullifier(12345, scope=8)
    True
"""

from __future__ import annotations

from .poseidon import poseidon

__all__ = ["nullifier"]


def nullifier(secret: int, scope: int) -> int:
    return poseidon([secret, scope])
