"""Robust reconstruction: the secret despite wrong shares, and who sent them.

With ``m`` shares of threshold ``t``, up to ``(m - t) // 2`` wrong shares are corrected by
Berlekamp-Welch decoding (the shares are a Reed-Solomon codeword at the share indices,
which may be any distinct field elements; galois's decoder fixes the evaluation points,
so the decoder here is written for arbitrary ones).

    >>> from mpc.sharing import split, Share
    >>> shares = split(42, n=5, threshold=3)
    >>> shares[3] = Share(shares[3].index, 7, 3)          # party 4 lies
    >>> robust_combine(shares, threshold=3)
    Recovery(secret=42, bad=(4,))
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import gmpy2
import numpy as np

from ..errors import InconsistentSharesError
from ..field import PrimeField
from .shamir import Share, check_shares, combine, first_off_polynomial, interpolate_at, shares_off_polynomial

__all__ = ["Recovery", "robust_combine", "berlekamp_welch", "MAX_DECODE"]


class Recovery(NamedTuple):
    """The reconstructed secret and the indices of the shares that were wrong."""

    secret: Any
    bad: tuple[int, ...]


MAX_DECODE = 128
"""The most shares :func:`robust_combine` decodes at once (Berlekamp-Welch solves a linear
system of that many rows: its cost grows as the cube; 100 shares take about 0.5 s,
200 about 4 s)."""


def robust_combine(shares: Sequence[Share], *, threshold: int) -> Recovery:
    """The secret of ``shares`` with up to ``(len(shares) - threshold) // 2`` of them wrong
    (in any element, for vectors), and the indices of the wrong ones. ``threshold`` is the
    caller's (see :func:`~mpc.sharing.combine`); every share must carry it.

    Decoding runs on the first ``w = max(MAX_DECODE, threshold)`` shares (up to
    ``(w - threshold) // 2`` wrong ones among them are corrected); the shares after them
    are checked against the polynomial found there and named when wrong. The result is
    returned only when at most ``(len(shares) - threshold) // 2`` shares are wrong in all,
    so it is the unique polynomial within decoding reach (more wrong shares than that
    within the window raise, even when the whole set could have corrected them). At most
    :data:`~mpc.sharing.shamir.MAX_SHARES` shares, counted first.

    Raises:
        InconsistentSharesError: more wrong shares than can be corrected; ``bad`` then
            lists those identified so far.
    """
    field, t, _ = check_shares(shares, threshold=threshold)
    window = list(shares[:max(MAX_DECODE, t)])
    secret, bad = _decode(field, window, t)
    good = [s for s in window if s.index not in bad][:t]
    budget = (len(shares) - t) // 2
    for late in shares_off_polynomial(good, shares[len(window):]):
        bad.add(late.index)
        if len(bad) > budget:  # then the window's polynomial is not the unique one within reach
            raise InconsistentSharesError(f"at least {len(bad)} wrong shares among {len(shares)}: at most {budget} "
                                          f"can be corrected with threshold {t}", tuple(sorted(bad)))
    return Recovery(secret, tuple(sorted(bad)))


def _decode(field: PrimeField, shares: list[Share], t: int) -> tuple[Any, set[int]]:
    budget = (len(shares) - t) // 2
    bad: set[int] = set()
    while True:
        good = [s for s in shares if s.index not in bad]
        column = _first_inconsistent(good, t)
        if column is None:
            return combine(good[:t], threshold=t), bad
        if budget == 0:
            raise InconsistentSharesError(f"{len(shares)} shares of threshold {t} do not lie on one polynomial, and "
                                          f"leave no redundancy to correct any")
        ys = [int(np.atleast_1d(s.value)[column]) for s in shares]
        wrong = berlekamp_welch(field, [s.index for s in shares], ys, t)
        if not wrong - bad:
            raise InconsistentSharesError("shares are inconsistent beyond what decoding explains", tuple(sorted(bad)))
        bad |= wrong
        if len(bad) > budget:
            raise InconsistentSharesError(f"at least {len(bad)} wrong shares among {len(shares)}: at most {budget} "
                                          f"can be corrected with threshold {t}", tuple(sorted(bad)))


def _first_inconsistent(shares: Sequence[Share], t: int) -> int | None:
    """None if every share lies on the polynomial of the first ``t``; else a column (0 for
    scalars) where one does not."""
    base = list(shares[:t])
    s = first_off_polynomial(base, shares[t:])
    if s is None:
        return None
    diff = np.asarray(interpolate_at(base, s.index)) != np.asarray(s.value)
    return int(np.flatnonzero(np.atleast_1d(diff))[0])


def berlekamp_welch(field: PrimeField, xs: Sequence[int], ys: Sequence[int], t: int) -> set[int]:
    """The ``xs`` whose ``ys`` disagree with the unique polynomial of degree ``< t`` that
    fits all but at most ``(len(xs) - t) // 2`` points.

    Raises:
        InconsistentSharesError: no such polynomial (too many errors).
    """
    p, m = field.modulus, len(xs)
    e = (m - t) // 2
    rows = [[pow(x, j, p) for j in range(t + e)] + [-y * pow(x, j, p) % p for j in range(e)] + [y * pow(x, e, p) % p]
            for x, y in zip(xs, ys)]
    sol = _solve_mod(rows, p)
    if sol is None:
        raise InconsistentSharesError(f"more than {e} of {m} shares are wrong: they cannot be corrected")
    q, err = sol[:t + e], sol[t + e:] + [1]
    poly, rem = _divide(q, err, p)
    if any(rem) or len(poly) > t:
        raise InconsistentSharesError(f"more than {e} of {m} shares are wrong: they cannot be corrected")
    wrong = {x for x, y in zip(xs, ys) if _eval(poly, x, p) != y % p}
    if len(wrong) > e:
        raise InconsistentSharesError(f"{len(wrong)} of {m} shares are wrong, at most {e} can be corrected")
    return wrong


def _solve_mod(rows: list[list[int]], p: int) -> list[int] | None:
    """One solution of the augmented system ``rows`` mod p (free variables 0), or None."""
    rows = [r[:] for r in rows]
    ncols = len(rows[0]) - 1
    pivots: list[int] = []
    r = 0
    for c in range(ncols):
        pr = next((i for i in range(r, len(rows)) if rows[i][c] % p), None)
        if pr is None:
            continue
        rows[r], rows[pr] = rows[pr], rows[r]
        inv = int(gmpy2.invert(rows[r][c], p))
        rows[r] = [v * inv % p for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] % p:
                f = rows[i][c]
                rows[i] = [(a - f * b) % p for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    if any(row[-1] % p for row in rows[r:]):
        return None
    sol = [0] * ncols
    for i, c in enumerate(pivots):
        sol[c] = rows[i][-1]
    return sol


def _divide(num: list[int], den: list[int], p: int) -> tuple[list[int], list[int]]:
    """Quotient and remainder of polynomials (low-to-high coefficients, ``den`` monic)."""
    num = [v % p for v in num]
    dd = len(den) - 1
    quot = [0] * max(len(num) - dd, 1)
    for k in range(len(num) - 1, dd - 1, -1):
        c = num[k]
        if c:
            quot[k - dd] = c
            for j in range(dd + 1):
                num[k - dd + j] = (num[k - dd + j] - c * den[j]) % p
    while len(quot) > 1 and quot[-1] == 0:
        quot.pop()
    return quot, num[:dd]


def _eval(poly: list[int], x: int, p: int) -> int:
    acc = 0
    for c in reversed(poly):
        acc = (acc * x + c) % p
    return acc
