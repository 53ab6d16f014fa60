"""Verifiable secret sharing over BN254 Fr with commitments in G1: Feldman and Pedersen.

The dealer publishes one commitment per coefficient of its polynomial; every party checks
its own share against them, so a dealer who hands out a share off its committed polynomial
is caught and named.

* **Feldman**: ``C_j = a_j G``. Binding and simple, but ``C_0 = s G`` reveals ``s G``
  (computationally hiding only if ``s`` has high entropy).
* **Pedersen**: ``C_j = a_j G + b_j H`` with a second polynomial ``b`` and ``H`` =
  :func:`zkp.curve.hash_to_g1` of a fixed domain (nobody knows ``log_G H``): perfectly
  hiding, computationally binding. Each party receives a share and a blinding share.

    >>> d = feldman_deal(7, n=5, threshold=3)
    >>> all(feldman_verify(s, d.commitments) for s in d.shares)
    True
    >>> from mpc.sharing import Share
    >>> feldman_verify(Share(1, (d.shares[0].value + 1) % d.shares[0].field.modulus, 3), d.commitments)
    False
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from zkp.curve import G1Point, g1_batch_mul, g1_msm, hash_to_g1

from .._intmath import Rng
from ..errors import DealerError, MPCTypeError
from ..field import FR
from .shamir import Share, check_index, check_shares, combine, split_with_coefficients

__all__ = ["Commitments", "Dealing", "PEDERSEN_H", "feldman_deal", "feldman_verify", "pedersen_deal", "combine_verified",
           "pedersen_verify", "check_dealing"]

PEDERSEN_H = hash_to_g1(b"zkmpc/vss/pedersen/H/v1")
"""Pedersen's second generator (a fixed, public, nothing-up-my-sleeve point)."""


@dataclass(frozen=True)
class Commitments:
    """A dealer's commitment vector: one G1 point per polynomial coefficient (``threshold``
    of them). Serialises to ``64 * threshold`` bytes (EIP-196 points).

    Only ``C_0`` may be the identity (the Feldman commitment to a sharing of 0, as zero
    sharings for proactive refreshes use): an identity at ``C_j``, ``j >= 1``, would
    commit to a zero coefficient, and at the top one to a polynomial of lower degree,
    which any fewer than ``threshold`` shares determine. So no such vector is constructed
    or decoded (an all-zero encoding of two or more points included), and none verifies
    a share."""

    points: tuple[G1Point, ...]

    def __post_init__(self) -> None:
        pts = tuple(self.points)
        if not pts or not all(isinstance(p, G1Point) for p in pts):
            raise DealerError("commitments: expected a non-empty sequence of G1 points")
        _refuse_identity(pts)
        object.__setattr__(self, "points", pts)

    @property
    def threshold(self) -> int:
        return len(self.points)

    def to_bytes(self) -> bytes:
        return b"".join(p.to_bytes() for p in self.points)

    @classmethod
    def from_bytes(cls, data: bytes, threshold: int) -> Commitments:
        """Decode, validating the length (``64 * threshold``) and every point."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 64 * threshold:
            found = len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__
            raise DealerError(f"commitments: expected {64 * threshold} bytes for threshold {threshold}, found {found}")
        try:
            points = tuple(G1Point.from_bytes(bytes(data[i:i + 64])) for i in range(0, len(data), 64))
        except ValueError as exc:
            raise DealerError(f"commitments: {exc}") from None
        return cls(points)

    def __add__(self, other: Commitments) -> Commitments:
        """The commitments of the sum of two sharings (same threshold)."""
        if not isinstance(other, Commitments) or other.threshold != self.threshold:
            raise DealerError("commitments to add must have the same threshold")
        return Commitments(tuple(a + b for a, b in zip(self.points, other.points)))

    def evaluate(self, index: int) -> G1Point:
        """``sum(index^j C_j)``: the commitment to share ``index``."""
        x = check_index(FR, index)
        return g1_msm(self.points, [pow(x, j, FR.modulus) for j in range(self.threshold)])


def _refuse_identity(points: tuple[G1Point, ...]) -> None:
    for j, p in enumerate(points[1:], 1):
        if p.is_infinity():
            raise DealerError(f"commitments: expected points other than the identity at positions 1..{len(points) - 1} "
                              f"(an identity commits to a zero coefficient: a lower degree, so a lower threshold), "
                              f"found the identity at position {j}")


@dataclass(frozen=True)
class Dealing:
    """What a dealer produces: one share per party (plus one blinding share for Pedersen)
    and the public commitments."""

    shares: tuple[Share, ...]
    commitments: Commitments
    blindings: tuple[Share, ...] = ()


_DRAWS = 8


def _coefficient_shares(secret: int, n: int, threshold: int, indices: Sequence[int] | None,
                        rng: Rng | None) -> tuple[list[Share], list[int]]:
    """Scalar shares of ``secret`` over Fr and the coefficients to commit to, drawn again
    while a random coefficient is 0 (probability ``(t - 1) / r`` from ``secrets``; seeded
    test streams hit it), at most ``_DRAWS`` times."""
    if not isinstance(secret, (int, np.integer)):
        raise DealerError("verifiable sharing is over BN254 Fr, for scalar secrets")
    for _ in range(_DRAWS):
        shares, coeffs = split_with_coefficients(secret, n=n, threshold=threshold, field=FR, indices=indices, rng=rng)
        if all(coeffs[1:]):
            return shares, [int(c) for c in coeffs]
    raise DealerError(f"dealing: a random coefficient was 0 in {_DRAWS} draws in a row: the rng is broken "
                      f"(an identity commitment would lower the threshold)")


def feldman_deal(secret: int, *, n: int, threshold: int, indices: Sequence[int] | None = None,
                 rng: Rng | None = None) -> Dealing:
    """Shamir shares of ``secret`` (in Fr) with Feldman commitments ``a_j G``."""
    shares, coeffs = _coefficient_shares(secret, n, threshold, indices, rng)
    return Dealing(tuple(shares), Commitments(tuple(g1_batch_mul(G1Point.generator(), coeffs))))


def pedersen_deal(secret: int, *, n: int, threshold: int, indices: Sequence[int] | None = None,
                  rng: Rng | None = None) -> Dealing:
    """Shamir shares of ``secret`` with Pedersen commitments ``a_j G + b_j H``."""
    shares, coeffs = _coefficient_shares(secret, n, threshold, indices, rng)
    blindings, bcoeffs = _coefficient_shares(FR.random(rng), n, threshold, indices, rng)
    g_part = g1_batch_mul(G1Point.generator(), coeffs)
    h_part = g1_batch_mul(PEDERSEN_H, bcoeffs)
    return Dealing(tuple(shares), Commitments(tuple(a + b for a, b in zip(g_part, h_part))), tuple(blindings))


def _check_pair(share: Share, commitments: Commitments) -> None:
    if not isinstance(share, Share) or not isinstance(commitments, Commitments):
        raise MPCTypeError("expected a Share and a Commitments")
    if share.field != FR or share.size is not None:
        raise DealerError("verifiable sharing is over BN254 Fr, for scalar secrets")
    if commitments.threshold != share.threshold:
        raise DealerError(f"commitment vector of length {commitments.threshold} for a share of threshold {share.threshold}")
    _refuse_identity(commitments.points)  # also for a vector built around __post_init__


def feldman_verify(share: Share, commitments: Commitments) -> bool:
    """True if ``share`` lies on the committed polynomial: ``s_i G == sum(i^j C_j)``."""
    _check_pair(share, commitments)
    return g1_msm([G1Point.generator()], [int(share.value)]) == commitments.evaluate(share.index)


def pedersen_verify(share: Share, blinding: Share, commitments: Commitments) -> bool:
    """True if ``s_i G + t_i H == sum(i^j C_j)``."""
    _check_pair(share, commitments)
    _check_pair(blinding, commitments)
    if blinding.index != share.index:
        raise DealerError(f"blinding share {blinding.index} does not belong to share {share.index}")
    lhs = g1_msm([G1Point.generator(), PEDERSEN_H], [int(share.value), int(blinding.value)])
    return lhs == commitments.evaluate(share.index)


def check_dealing(dealing: Dealing, *, dealer: object = None) -> None:
    """Check every share of a dealing; :class:`DealerError` names the dealer and the parties
    whose shares do not match (what each party would complain about)."""
    if dealing.blindings:
        if len(dealing.blindings) != len(dealing.shares):
            raise DealerError(f"{len(dealing.blindings)} blinding shares for {len(dealing.shares)} shares", dealer)
        ok = [pedersen_verify(s, b, dealing.commitments) for s, b in zip(dealing.shares, dealing.blindings)]
    else:
        ok = [feldman_verify(s, dealing.commitments) for s in dealing.shares]
    bad = tuple(s.index for s, good in zip(dealing.shares, ok) if not good)
    if bad:
        raise DealerError(f"dealer {dealer!r}: shares of parties {list(bad)} do not match the commitments", dealer, bad)


def combine_verified(shares: Sequence[Share], commitments: Commitments, *, blindings: Sequence[Share] = (),
                     dealer: object = None) -> int:
    """The secret of ``shares``, each first checked against the dealer's ``commitments``
    (Pedersen when ``blindings`` are given, Feldman otherwise). The threshold is the
    commitments' length, never a share's claim; counts, claims and indices are checked
    before any group operation.

        >>> d = pedersen_deal(7, n=5, threshold=3)
        >>> combine_verified(d.shares[2:], d.commitments, blindings=d.blindings[2:])
        7

    Raises:
        TooFewSharesError: fewer shares than the committed threshold.
        DealerError: shares that do not match the commitments (``parties`` names them).
    """
    if not isinstance(commitments, Commitments):
        raise MPCTypeError(f"commitments: expected Commitments, found {type(commitments).__name__}")
    check_shares(shares, threshold=commitments.threshold)
    check_dealing(Dealing(tuple(shares), commitments, tuple(blindings)), dealer=dealer)
    return int(combine(shares, threshold=commitments.threshold))
