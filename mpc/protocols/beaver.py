"""Multiplication of shared values with Beaver triples, and a private dot product.

A trusted dealer (:func:`deal_triples`) hands every party Shamir shares of random ``a``,
``b`` and ``c = a * b``. To multiply shared ``x`` and ``y``, parties open
``d = x - a`` and ``e = y - b`` (uniformly random, so they reveal nothing) and set
``z = c + d b + e a + d e``, a sharing of ``x y`` of the same degree. Each triple is used
once: :class:`TripleShare` refuses a second use.

Fixed point: a product of values with scales ``s_x`` and ``s_y`` has scale ``s_x s_y``;
:func:`secure_dot` tracks this explicitly (:func:`product_encoding`) and refuses, before
any message, sizes whose worst-case sum could wrap around the field.

    >>> from decimal import Decimal
    >>> from mpc.encoding import FixedPoint
    >>> from mpc.protocols import run_in_process
    >>> triples = deal_triples(2, parties=[1, 2, 3], threshold=2)
    >>> ex = FixedPoint(2, Decimal(100)); ey = FixedPoint(1, Decimal(10))
    >>> mine = {1: ["1.50", "2.25"], 2: ["2.0", "4.0"], 3: None}
    >>> job = lambda ctx: secure_dot(ctx, 1, 2, mine[ctx.party], ex, ey, triples[ctx.party])
    >>> run_in_process(job, parties=3, threshold=2)[3]
    Decimal('12.000')
"""

from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from typing import Any, Sequence

import numpy as np

from .._intmath import Rng
from ..encoding import Encoding, FixedPoint, IntegerEncoding, check_capacity
from ..errors import EncodingError, MPCTypeError, SharingError
from ..field import FR, PrimeField, Vector
from ..net.errors import ProtocolAbort
from ..sharing.shamir import split
from .base import Context, open_vector
from .dealing import receive_dealt, share_vector

__all__ = ["TripleShare", "deal_triples", "multiply", "share_input", "secure_dot", "product_encoding"]


@dataclass(repr=False)
class TripleShare:
    """One party's shares of ``size`` triples (vectors ``a``, ``b``, ``c``)."""

    party: int
    a: Vector
    b: Vector
    c: Vector
    used: bool = dc_field(default=False)

    @property
    def size(self) -> int:
        return len(self.a)

    def __repr__(self) -> str:
        return f"TripleShare(party={self.party}, size={self.size}, used={self.used}, values=<hidden>)"

    def take(self, party: int, size: int) -> tuple[Vector, Vector, Vector]:
        if self.used:
            raise SharingError("this Beaver triple was already used: reusing it would reveal x and y")
        if party != self.party or size != self.size:
            raise SharingError(f"triple share for party {self.party} of size {self.size}, needed party {party} size {size}")
        self.used = True
        return self.a, self.b, self.c


def deal_triples(size: int, *, parties: Sequence[int], threshold: int, field: PrimeField = FR,
                 rng: Rng | None = None) -> dict[int, TripleShare]:
    """A dealer's ``size`` random triples, shared among ``parties``.

    Security:
        The dealer knows every triple and must not collude with any party (the standard
        trusted-dealer preprocessing model)."""
    a, b = field.random_vector(size, rng), field.random_vector(size, rng)
    c = field.mul(a, b)
    ids = list(parties)
    sh = [split(v, n=len(ids), threshold=threshold, field=field, indices=ids, rng=rng) for v in (a, b, c)]
    return {p: TripleShare(p, sh[0][i].vector, sh[1][i].vector, sh[2][i].vector) for i, p in enumerate(ids)}


async def share_input(ctx: Context, tag: str, owner: int, values: Vector | None, size: int) -> Vector:
    """Party ``owner`` shares ``values``; every party returns its share (vector of ``size``)."""
    if ctx.party == owner:
        if values is None or len(values) != size:
            raise MPCTypeError(f"the owner of {tag!r} must supply {size} values")
        await share_vector(ctx, tag, values)
    got = await ctx.net.gather(tag, [owner], timeout=ctx.timeout)
    shares = receive_dealt(ctx, tag, got, size)
    if owner not in shares:
        culprit = {"bad": (owner,)} if owner in ctx.bad else {"missing": (owner,)}
        raise ProtocolAbort(f"party {owner} did not share its input {tag!r} correctly in time", round=tag, **culprit)
    return shares[owner]


async def multiply(ctx: Context, tag: str, x: Vector, y: Vector, triple: TripleShare) -> Vector:
    """This party's share of ``x * y`` (element-wise) from its shares of ``x`` and ``y``."""
    f = ctx.field
    a, b, c = triple.take(ctx.party, len(x))
    de, _ = await open_vector(ctx, tag, np.concatenate([f.sub(x, a), f.sub(y, b)]))
    d, e = de[:len(x)], de[len(x):]
    z = f.add(f.add(c, f.mul(d, b)), f.add(f.mul(e, a), f.mul(d, e)))
    return z


def product_encoding(ex: Encoding, ey: Encoding) -> Encoding:
    """The encoding of products: scales and bounds multiply."""
    if isinstance(ex, FixedPoint) or isinstance(ey, FixedPoint):
        fx = ex if isinstance(ex, FixedPoint) else FixedPoint(0, Decimal(ex.bound))
        fy = ey if isinstance(ey, FixedPoint) else FixedPoint(0, Decimal(ey.bound))
        return FixedPoint(fx.decimals + fy.decimals, fx.bound * fy.bound)
    return IntegerEncoding(ex.bound * ey.bound)


async def secure_dot(ctx: Context, x_owner: int, y_owner: int, values: Sequence[object] | None,
                     ex: Encoding, ey: Encoding, triples: TripleShare, *, tag: str = "dot") -> Any:
    """``sum(x_i * y_i)`` for a vector ``x`` held by ``x_owner`` and ``y`` held by
    ``y_owner``; everyone learns only the result (decoded with :func:`product_encoding`)."""
    size = triples.size
    if x_owner == y_owner or not {x_owner, y_owner} <= set(ctx.parties):
        raise SharingError(f"x and y must belong to two different parties of the session, found {x_owner}, {y_owner}")
    enc = product_encoding(ex, ey)
    check_capacity(enc, size, ctx.field.max_signed)
    mine = None
    if ctx.party in (x_owner, y_owner):
        e = ex if ctx.party == x_owner else ey
        if values is None or len(values) != size:
            raise EncodingError(f"party {ctx.party} must supply {size} values")
        mine = ctx.field.vector([ctx.field.encode(e.encode(v)) for v in values])
    x = await share_input(ctx, f"{tag}/x", x_owner, mine if ctx.party == x_owner else None, size)
    y = await share_input(ctx, f"{tag}/y", y_owner, mine if ctx.party == y_owner else None, size)
    z = await multiply(ctx, f"{tag}/mul", x, y, triples)
    opened, _ = await open_vector(ctx, f"{tag}/open", ctx.field.vector([ctx.field.sum(z)]))
    return enc.decode(ctx.field.decode(int(opened[0])), terms=size)
