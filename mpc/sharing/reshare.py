"""Proactive resharing: move a Shamir-shared secret to new parties or a new threshold
without ever reconstructing it.

Each of at least ``old threshold`` old parties shares its own share among the new parties
(:func:`reshare`); each new party combines what it received (:func:`combine_reshares`)
with the Lagrange coefficients of the old indices. Old and new shares lie on unrelated
polynomials, so shares stolen before and after a refresh do not combine.

    >>> from mpc.sharing import split, combine
    >>> old = split(2024, n=3, threshold=2)
    >>> dealt = {s.index: reshare(s, n=5, threshold=4) for s in old[:2]}     # old parties 1, 2
    >>> new = [combine_reshares({i: dealt[i][j] for i in dealt}, old_threshold=2) for j in range(5)]
    >>> combine(new[1:], threshold=4)
    2024

Security:
    Semi-honest: a resharing party that deals inconsistent sub-shares corrupts the new
    shares. Use :mod:`mpc.sharing.vss` commitments to make each dealing checkable.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from .._intmath import Rng, require_int
from ..errors import MPCTypeError, SharingError, TooFewSharesError
from ..field import lagrange_coefficients
from .shamir import MAX_SHARES, Share, check_index, split

__all__ = ["reshare", "combine_reshares"]


def reshare(share: Share, *, n: int, threshold: int, indices: Sequence[int] | None = None,
            rng: Rng | None = None) -> list[Share]:
    """Sub-shares of ``share`` for ``n`` new parties with the new ``threshold``."""
    if not isinstance(share, Share):
        raise MPCTypeError(f"share: expected a Share, found {type(share).__name__}")
    return split(share.value, n=n, threshold=threshold, field=share.field, indices=indices, rng=rng)


def combine_reshares(subshares: Mapping[int, Share], *, old_threshold: int) -> Share:
    """A new party's share from the sub-shares it received, keyed by old party index.

    Needs sub-shares from at least ``old_threshold`` old parties; all must be for the same
    new index, field, threshold and length."""
    if not isinstance(subshares, Mapping):
        raise MPCTypeError(f"subshares: expected a mapping old index -> Share, found {type(subshares).__name__}")
    t_old = require_int(old_threshold, "old_threshold")
    if len(subshares) > MAX_SHARES:
        raise SharingError(f"sub-shares from {len(subshares)} old parties, at most {MAX_SHARES} (MAX_SHARES) are accepted")
    if len(subshares) < t_old:
        raise TooFewSharesError(f"sub-shares from {len(subshares)} old parties, {t_old} (the old threshold) are needed")
    subs = list(subshares.values())
    if not all(isinstance(s, Share) for s in subs):
        raise MPCTypeError("subshares: expected Share values")
    for old in subshares:
        check_index(subs[0].field, old)
    kinds = {(s.index, s.field, s.threshold, s.size) for s in subs}
    if len(kinds) != 1:
        raise SharingError(f"sub-shares disagree on new index, field, threshold or length: {sorted(map(str, kinds))}")
    field = subs[0].field
    coeffs = lagrange_coefficients(field, list(subshares.keys()), 0)
    value = field.linear_combination(coeffs, [s.value for s in subs])
    return Share.unchecked(subs[0].index, value, subs[0].threshold, field)
