"""Secure count, mean and variance of values spread over N parties.

Each party encodes its values with an explicit :class:`~mpc.encoding.FixedPoint` (or
:class:`~mpc.encoding.IntegerEncoding`) and contributes the vector ``[count, sum,
sum of squares]`` to one :func:`~mpc.protocols.sum.secure_sum`; only these three totals
are opened (the usual release for aggregate statistics), from which everyone computes the
exact mean and population variance as Decimals.

Overflow is ruled out before any message is sent: ``max_count`` values of the encoding's
bound (and their squares) must fit in the field's signed range, and the opened totals are
bound-checked again when decoded.

    >>> from decimal import Decimal
    >>> from mpc.encoding import FixedPoint
    >>> from mpc.protocols import run_in_process
    >>> data = {1: ["36.6", "37.0"], 2: ["38.2"], 3: ["36.9", "37.1", "36.8"]}
    >>> enc = FixedPoint(1, Decimal(50))
    >>> out = run_in_process(lambda ctx: secure_stats(ctx, data[ctx.party], enc), parties=3, threshold=2)
    >>> out[2].count, out[2].mean, out[2].variance
    (6, Decimal('37.1'), Decimal('0.26666666666666666666666666666666666666666666666667'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Sequence

from ..encoding import Encoding, check_capacity
from ..errors import EncodingError, MPCTypeError
from .base import Context
from .sum import secure_sum
from .verified import verified_sum

__all__ = ["StatsResult", "secure_stats", "DEFAULT_MAX_COUNT"]

DEFAULT_MAX_COUNT = 10 ** 9
PRECISION = 50  # significant digits of the mean and variance


@dataclass(frozen=True)
class StatsResult:
    """Exact totals (count) and Decimal mean / population variance over all contributors."""

    count: int
    mean: Decimal
    variance: Decimal
    contributors: tuple[int, ...]
    missing: tuple[int, ...]
    bad: tuple[int, ...]


def _local_vector(ctx: Context, values: Sequence[object], encoding: Encoding, max_count: int) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise MPCTypeError(f"values: expected a sequence, found {type(values).__name__}")
    if len(values) > max_count:
        raise EncodingError(f"{len(values)} values exceed max_count = {max_count}")
    check_capacity(encoding, max_count, ctx.field.max_signed)
    check_capacity(encoding.squared(), max_count, ctx.field.max_signed)
    enc = [encoding.encode(v) for v in values]
    return [ctx.field.encode(t) for t in (len(enc), sum(enc), sum(e * e for e in enc))]


async def secure_stats(ctx: Context, values: Sequence[object], encoding: Encoding, *,
                       max_count: int = DEFAULT_MAX_COUNT, verified: bool = False, tag: str = "stats") -> StatsResult:
    """This party's part of computing count, mean and variance of everyone's ``values``
    (``verified=True``: over :func:`~mpc.protocols.verified.verified_sum`, BN254 Fr only)."""
    local = _local_vector(ctx, values, encoding, max_count)
    res = await (verified_sum if verified else secure_sum)(ctx, local, tag=tag)
    count, total, squares = (ctx.field.decode(int(v)) for v in res.total)
    if not 0 < count <= max_count * len(ctx.parties):
        raise EncodingError(f"secure stats: total count {count} out of range (no values, or a bad contribution)")
    encoding.decode(total, terms=count)                 # bound checks: overflow or a bad contribution
    encoding.squared().decode(squares, terms=count)
    scale = encoding.scale
    with localcontext() as dc:
        dc.prec = PRECISION
        mean = Decimal(total) / (count * scale)
        variance = Decimal(count * squares - total * total) / (count * count * scale * scale)  # exact numerator
    return StatsResult(count, mean, variance, res.contributors, res.missing, res.bad)
