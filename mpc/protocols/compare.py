"""Comparison, equality, truncation, division by a public value and argmax on
Shamir-shared integers, over the network layer.

Values are signed integers of ``bits`` bits, ``[-2^(bits-1), 2^(bits-1))``, shared with
the session's threshold (this party's shares are a field vector, one element per value:
every function works on whole vectors at once). Results are shares too (a comparison
gives a shared 0/1); open them with :func:`~mpc.protocols.base.open_vector`, or keep
computing. A public constant is shared as itself (:func:`constant`).

The protocols are those of Catrina and de Hoogh (2010) with dealt preprocessing
(:mod:`mpc.protocols.preprocessing`): to learn ``a mod 2^m`` for a shared ``a < 2^l``, the
parties open ``c = a + r' + 2^m r''`` (``r'``: ``m`` shared random bits, ``r''``: a mask
of ``mask_bits`` bits, so ``c`` hides ``a`` up to a statistical distance ``2^-kappa``,
``kappa = KAPPA = 40``), then ``a mod 2^m = (c mod 2^m) - r' + 2^m [c mod 2^m < r']``, the
last bit by a comparison of a public and a shared bit string: a tree combining the
less-than and equality bits of adjacent blocks.

The bitwise part runs in a small prime field, the pool's *bit field* (GF(2^61 - 1) under
BN254 Fr: 8-byte elements instead of 32): the dealer shares every random bit in both
fields, with the products of adjacent bits (so the tree's first level is local), and
Beaver triples of the bit field for the levels above. The root's single opening brings the
result back to the main field: with *bridges* (random integers below ``2^KAPPA`` shared in
both fields) the parties open ``x + a``, ``y + b`` and ``z + s`` in the bit field (no
wrap-around) and compute ``z + x y`` in the main field (:func:`_root`); each opened value
is within ``2^-KAPPA`` of its mask alone, so a comparison leaks at most ``3 * 2^-40`` per
value there, beside the ``2^-40`` of ``c``. Everything else follows:

| function | result | rounds (openings) | per value: bit triples, bridges, bridge triples | bits, masks per value |
|---|---|---|---|---|
| `less_than` | `[x < y]` | `1 + bitlt_rounds(bits)` | `bitlt_needs(1, bits)` | `bits`, 1 |
| `equal` | `[x == y]` | `ceil(log2 (bits + 1))` (2 for 1 bit) | `k - 2 - floor(k / 2)` (0 for `k = 2`), 0, 1 (`k = bits + 1`) | `bits + 1`, 1 |
| `truncate(exact=True)` | `floor(x / 2^s)` | `1 + bitlt_rounds(s)` | `bitlt_needs(1, s)` | `s`, 1 |
| `truncate` | `floor(x / 2^s)` or one more | 1 | none | `s`, 1 |
| `divide_public` | `floor(x / d)` | `1 + bitlt_rounds(w)` | `bitlt_needs(1, w)` | one residue mod `d` (`w` bits), 1 |
| `argmax` (n values) | index and maximum | `ceil(log2 n) (1 + lt_rounds)` | `argmax_needs` | `argmax_needs` |

``bitlt_rounds(m)`` is 0 for ``m = 1``, 1 for ``m = 2``, else ``ceil(log2 m) - 1``;
``bitlt_needs(1, m)`` is ``2 m - 4 - 2 floor(m / 2)`` bit triples (none for ``m = 2``), one
bridge and one bridge triple (nothing for ``m = 1``: one bit is a main-field product with a public bit).
``w = residue_bits(d) = ceil(log2 d)`` for a division: the parties open ``a + d u + v``
(``a = x + K d >= 0``, ``v`` a dealt residue modulo ``d`` given by its bits, ``u`` a mask)
and compare ``c mod d`` with ``v`` (:func:`divide_public`; nothing for ``d = 1``). Traffic per
round: each party broadcasts to the ``n - 1`` others one main-field element (32 bytes over
BN254 Fr) per value opened (``c``), two bit-field elements (8 bytes over GF(2^61 - 1)) per
bit triple, three (two for ``equal``) at the root; so a ``k``-bit ``less_than`` sends
``32 + 16 t + 24`` bytes per value and peer (``t`` its bit triples). ``argmax`` selects with
one main-field triple per pair and value. ``deal_preprocessing(..., bit_field=field)``
keeps everything in the main field (the same rounds, 32-byte elements).

The probabilistic truncation rounds up with probability ``(x mod 2^s) / 2^s`` (stochastic
rounding: unbiased, error below one unit); the exact one is a floor. ``divide_public``
with ``exact=False`` is within one above ``floor(x / d)``.

    >>> from mpc.protocols import run_in_process
    >>> from mpc.protocols.base import open_vector
    >>> x = {1: [5, -3, 7], 2: [5, 2, -8]}
    >>> pre = deal_preprocessing(lt_needs(3, bits=8), parties=[1, 2, 3], threshold=2)
    >>> async def job(ctx):
    ...     xs = await share_input(ctx, "x", 1, constant(ctx.field, x.get(ctx.party, [])) if ctx.party == 1 else None, 3)
    ...     ys = await share_input(ctx, "y", 2, constant(ctx.field, x.get(ctx.party, [])) if ctx.party == 2 else None, 3)
    ...     b = await less_than(ctx, xs, ys, bits=8, pre=pre[ctx.party])
    ...     return (await open_vector(ctx, "out", b))[0].tolist()
    >>> run_in_process(job, parties=3, threshold=2)[3]
    [0, 1, 0]

Security:
    Semi-honest parties with crash faults, as the rest of :mod:`mpc.protocols`: a wrong
    share in an opening is corrected and named when enough redundant shares arrive (else
    the run aborts), a party that vanishes is tolerated while ``threshold`` parties remain,
    and otherwise the run aborts with :class:`~mpc.net.errors.ProtocolAbort` naming it. Inputs
    outside their declared bit width give wrong results and weaken the statistical hiding:
    they must be guaranteed by whoever supplies them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np

from ..errors import EncodingError, MPCTypeError, SharingError
from ..field import PrimeField, Vector
from ..net.errors import ProtocolAbort
from .base import Context, open_vector
from .beaver import share_input
from .dealing import receive_dealt, share_vector
from .preprocessing import DEFAULT_MASK_BITS, KAPPA, Needs, Preprocessing, deal_preprocessing, residue_bits

__all__ = ["KAPPA", "constant", "shared_total", "multiply_shared", "less_than", "equal", "truncate", "divide_public", "argmax", "bitlt_cost",
           "bitlt_needs", "bitlt_rounds",
           "lt_needs", "eq_needs", "truncate_needs", "divide_needs", "argmax_needs", "divide_rounds",
           "lt_rounds", "eq_rounds", "deal_preprocessing", "Needs", "Preprocessing", "share_input",
           "DEFAULT_MASK_BITS", "residue_bits"]

# --- costs ------------------------------------------------------------------------------

def _log2ceil(m: int) -> int:
    return max(0, (m - 1).bit_length())


def bitlt_cost(m: int) -> int:
    """Products of comparing a public and a shared ``m``-bit string: ``m - 1`` block
    combinations of two products each, but one at the root (``2 m - 4`` bit triples and,
    at the root, one bridge triple and one bridge: :func:`bitlt_needs`)."""
    return max(0, 2 * m - 3)


def bitlt_needs(n: int, m: int) -> Needs:
    """Preprocessing of ``n`` comparisons of a public and a shared ``m``-bit string
    (beyond the ``m`` shared bits): none for ``m = 1`` (one bit: a main-field product
    with a public bit); one bridge and one bridge triple at the root, and a bit triple for
    each other product but the ``2 floor(m / 2)`` of the first level, local for ``m >= 3``
    (the pool's products of adjacent bits)."""
    if m <= 1:
        return Needs()
    return Needs(bit_triples=n * (2 * m - 4 - (2 * (m // 2) if m >= 3 else 0)), bridges=n, bridge_triples=n)


def bitlt_rounds(m: int) -> int:
    """Openings of comparing a public and a shared ``m``-bit string: 0 for ``m = 1``, 1 for
    ``m = 2`` (the root), else ``ceil(log2 m) - 1`` (the first level is local)."""
    return 0 if m <= 1 else 1 if m == 2 else _log2ceil(m) - 1


def _and_rounds(k: int) -> int:
    """Openings of the AND of ``k >= 2`` shared bits (the first level local for ``k >= 3``)."""
    return 1 if k == 2 else _log2ceil(k) - 1


def lt_needs(n: int, bits: int) -> Needs:
    """Preprocessing of :func:`less_than` on ``n`` pairs of ``bits``-bit values."""
    return Needs(bits=n * bits, masks=n) + bitlt_needs(n, bits)


def lt_rounds(bits: int) -> int:
    """Openings (network rounds) of :func:`less_than`: ``1 + bitlt_rounds(bits)``."""
    return 1 + bitlt_rounds(bits)


def eq_needs(n: int, bits: int) -> Needs:
    """Preprocessing of :func:`equal` on ``n`` pairs of ``bits``-bit values."""
    k = bits + 1                                          # leaves; the first level local for k >= 3
    return Needs(bits=n * k, masks=n, bit_triples=n * (k - 2 - (k // 2 if k >= 3 else 0)), bridge_triples=n)


def eq_rounds(bits: int) -> int:
    """Openings (network rounds) of :func:`equal`: ``ceil(log2 (bits + 1))``, 2 for ``bits = 1``."""
    return 1 + _and_rounds(bits + 1)


def truncate_needs(n: int, shift: int, *, exact: bool) -> Needs:
    """Preprocessing of :func:`truncate` of ``n`` values by ``shift`` bits."""
    return Needs(bits=n * shift, masks=n) + (bitlt_needs(n, shift) if exact else Needs())


def _div_params(d: int, bits: int) -> tuple[int, int]:
    """``(K, N)``: ``a = x + K d`` is in ``[0, 2^N)`` for every ``bits``-bit signed ``x``."""
    k = -(-(1 << (bits - 1)) // d)
    return k, ((1 << (bits - 1)) + k * d - 1).bit_length()


def divide_needs(n: int, d: int, bits: int, *, exact: bool = True) -> Needs:
    """Preprocessing of :func:`divide_public` of ``n`` ``bits``-bit values by ``d``: per
    value one mask ``u`` and one residue modulo ``d`` (``residue_bits(d)`` shared bits),
    and, exact, :func:`bitlt_needs` over those bits; nothing for ``d = 1``.

        >>> divide_needs(10, 7, 32)
        Needs(bits=0, masks=10, triples=0, bit_triples=0, bridges=10, bridge_triples=10, residues=((7, 10),))
        >>> divide_needs(10, 1, 32) == Needs(), divide_needs(10, 2, 32, exact=False).residues
        (True, ((2, 10),))
    """
    d, _ = _divisor(d), _bits(bits)
    if d == 1:
        return Needs()
    return Needs(masks=n, residues=((d, n),)) + (bitlt_needs(n, residue_bits(d)) if exact else Needs())


def divide_rounds(d: int, *, exact: bool = True) -> int:
    """Openings of :func:`divide_public` by ``d``: ``1 + bitlt_rounds(residue_bits(d))``
    exact, 1 probabilistic, 0 for ``d = 1``.

        >>> [divide_rounds(d) for d in (1, 2, 3, 7, 10, 2 ** 16, 2 ** 16 + 1)]
        [0, 1, 2, 2, 2, 4, 5]
    """
    if _divisor(d) == 1:
        return 0
    return 1 + bitlt_rounds(residue_bits(d)) if exact else 1


def argmax_needs(n: int, bits: int) -> Needs:
    """Preprocessing of :func:`argmax` over ``n`` values (a tournament: each level
    compares pairs, then selects values and indices with one multiplication each)."""
    total = Needs()
    while n > 1:
        pairs = n // 2
        total = total + lt_needs(pairs, bits) + Needs(triples=2 * pairs)
        n -= pairs
    return total


# --- helpers ------------------------------------------------------------------------------

def constant(field: PrimeField, values: Sequence[int]) -> Vector:
    """Public signed integers as a sharing every party holds (a constant polynomial)."""
    return field.vector([field.encode(int(v)) for v in values], "constant")


async def shared_total(ctx: Context, values: Vector, *, tag: str = "total") -> Vector:
    """Every party deals its vector; each returns its share of the element-wise total of
    *all* parties' vectors (one round, nothing opened). A party whose shares do not
    arrive aborts the run (:class:`~mpc.net.errors.ProtocolAbort` naming it): a total
    that silently left someone out would be computed on the wrong data.

        >>> from mpc.protocols import run_in_process
        >>> async def job(ctx):
        ...     total = await shared_total(ctx, constant(ctx.field, [ctx.party, 10]))
        ...     return (await open_vector(ctx, "out", total))[0].tolist()
        >>> run_in_process(job, parties=3, threshold=2)[1]
        [6, 30]
    """
    await share_vector(ctx, tag, values)
    got = await ctx.net.gather(tag, ctx.parties, timeout=ctx.timeout)
    shares = receive_dealt(ctx, tag, got, len(values))
    absent = tuple(p for p in ctx.parties if p not in shares)
    if absent:
        missing = tuple(p for p in absent if p not in ctx.bad)
        raise ProtocolAbort(f"{tag}: no valid shares from parties {list(absent)}; every party's input is needed "
                            f"(missing: {list(missing)}, misbehaving: {sorted(ctx.bad)})",
                            missing=missing, bad=tuple(sorted(ctx.bad)), round=tag)
    total = ctx.field.zeros(len(values))
    for p in ctx.parties:
        total = ctx.field.add(total, shares[p])
    return total


def _bits(bits: object) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 1:
        raise MPCTypeError(f"bits: expected an int >= 1, found {bits!r}")
    return bits


def _divisor(d: object) -> int:
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        raise MPCTypeError(f"divisor: expected a public int >= 1, found {d!r}")
    return d


def _same_length(x: Vector, y: Vector) -> None:
    if len(x) != len(y):
        raise MPCTypeError(f"shares of {len(x)} and {len(y)} values: expected equal lengths")


def _check_division_capacity(field: PrimeField, pre: Preprocessing, n: int, d: int) -> None:
    """``c = a + d u + v`` (``a < 2^n``, ``u < 2^mask_bits``, ``v < d``) must not wrap the
    field, and ``d u + v``, uniform in ``[0, d 2^mask_bits)``, must hide ``a``: within
    ``2^n / (d 2^mask_bits) <= 2^-KAPPA``."""
    if d << pre.mask_bits < 1 << (n + KAPPA):
        raise EncodingError(f"masks of {pre.mask_bits} bits times d = {d} hide {n}-bit values only for "
                            f"d 2^mask_bits >= 2^{n + KAPPA} (kappa = {KAPPA}): deal wider masks")
    if (1 << n) + (d << pre.mask_bits) > field.modulus:
        raise EncodingError(f"{n}-bit values masked by d = {d} times {pre.mask_bits}-bit masks overflow "
                            f"{field.name}: expected 2^{n} + d 2^mask_bits <= its modulus")


def _require(pre: Preprocessing, needs: Needs, what: str) -> None:
    """Refuse before any opening when the pool holds less than ``needs``."""
    left = pre.remaining()
    have = dict(left.residues)
    short = [f"{getattr(needs, k)} {k.replace('_', ' ')} needed, {getattr(left, k)} left"
             for k in ("bits", "masks", "triples", "bit_triples", "bridges", "bridge_triples")
             if getattr(needs, k) > getattr(left, k)]
    short += [f"{c} residues modulo {d} needed, {have.get(d, 0)} left" for d, c in needs.residues if c > have.get(d, 0)]
    if short:
        raise SharingError(f"preprocessing of party {pre.party}: {what}: {'; '.join(short)} "
                           f"(deal more: see divide_needs and the other *_needs functions of mpc.protocols.compare)")


def _check_capacity(field: PrimeField, pre: Preprocessing, l: int, m: int) -> None:
    """``c = a + r' + 2^m r''`` must not wrap the field, and ``r''`` must hide ``a``'s high part."""
    if pre.mask_bits < l - m + KAPPA:
        raise EncodingError(f"masks of {pre.mask_bits} bits hide {l}-bit values truncated by {m} bits only "
                            f"for mask_bits >= {l - m + KAPPA} (kappa = {KAPPA}): deal wider masks")
    if m + pre.mask_bits + 2 >= field.modulus.bit_length():
        raise EncodingError(f"{m}-bit shifts with {pre.mask_bits}-bit masks overflow {field.name}: "
                            f"expected m + mask_bits + 2 < {field.modulus.bit_length()}")


def _weighted_rows(field: PrimeField, flat: Vector, n: int, m: int) -> Vector:
    """``sum_j 2^j flat[i*m + j]`` for every row ``i``."""
    rows = flat.reshape(n, m)
    acc = field.zeros(n)
    for j in range(m):
        acc = field.add(acc, field.mul(np.ascontiguousarray(rows[:, j]), pow(2, j, field.modulus)))
    return acc


async def _mul(ctx: Context, tag: str, pre: Preprocessing, x: Vector, y: Vector, *, bit: bool = False) -> Vector:
    """Element-wise product of shared vectors with dealt Beaver triples (one opening):
    main-field triples, or those of the bit field (``bit``, ``ctx`` of that field)."""
    f = ctx.field
    if len(x) == 0:
        return x
    a, b, c = pre.take_bit_triples(len(x)) if bit else pre.take_triples(len(x))
    de, _ = await open_vector(ctx, tag, np.concatenate([f.sub(x, a), f.sub(y, b)]))
    d, e = de[:len(x)], de[len(x):]
    return f.add(f.add(c, f.mul(d, b)), f.add(f.mul(e, a), f.mul(d, e)))


async def multiply_shared(ctx: Context, x: Vector, y: Vector, *, pre: Preprocessing, tag: str = "mul") -> Vector:
    """Shares of ``x_i * y_i`` (one opening, ``len(x)`` triples of ``pre``)."""
    _same_length(x, y)
    return await _mul(ctx, tag, pre, x, y)


async def _open_ints(ctx: Context, tag: str, x: Vector) -> list[int]:
    value, _ = await open_vector(ctx, tag, x)
    return [int(v) for v in value]


def _tree_ctx(ctx: Context, pre: Preprocessing) -> Context:
    """The context of the bit field (the same network, threshold and culprits)."""
    return ctx if pre.tree_field == ctx.field else replace(ctx, field=pre.tree_field)


async def _root(ctx: Context, bctx: Context, tag: str, pre: Preprocessing, x: Vector, y: Vector,
                z: Vector | None) -> Vector:
    """Main-field shares of ``z + x y`` for bits ``x``, ``y``, ``z`` shared in the bit field,
    in one opening there: ``x + a``, ``y + b`` (and ``z + s``) with bridge integers
    ``a, b, s < 2^KAPPA`` (no wrap-around; each opened value within ``2^-KAPPA`` of its mask
    alone), then ``x y = (x + a)(y + b) - (x + a) b - (y + b) a + a b`` and ``z = (z + s) - s``
    in the main field."""
    f, bf, n = ctx.field, bctx.field, len(x)
    qa, qb, qc, qa_bit, qb_bit = pre.take_bridge_triples(n)
    parts = [bf.add(x, qa_bit), bf.add(y, qb_bit)]
    if z is not None:
        s, s_bit = pre.take_bridges(n)
        parts.append(bf.add(z, s_bit))
    opened, _ = await open_vector(bctx, tag, np.concatenate(parts))
    d, e = f.vector(opened[:n]), f.vector(opened[n:2 * n])
    out = f.add(f.sub(f.add(qc, f.mul(d, e)), f.mul(d, qb)), f.neg(f.mul(e, qa)))
    if z is not None:
        out = f.add(out, f.sub(f.vector(opened[2 * n:]), s))
    return out


# --- the building blocks on non-negative values ----------------------------------------------

def _affine_products(f: PrimeField, a1: Vector, b1: Vector, r1: Vector, a2: Vector, b2: Vector, r2: Vector,
                     r12: Vector) -> Vector:
    """``(a1 + b1 r1)(a2 + b2 r2)`` for public ``a``, ``b`` and shared bits with shared
    product ``r12 = r1 r2``: linear, no opening."""
    return f.add(f.add(f.mul(a1, a2), f.mul(f.mul(a1, b2), r2)), f.add(f.mul(f.mul(b1, a2), r1), f.mul(f.mul(b1, b2), r12)))


def _columns(v: Vector, n: int, m: int) -> list[Vector]:
    """Column ``j`` (bit ``j`` of every value) of an ``n`` by ``m`` row-major vector."""
    rows = v.reshape(n, m)
    return [np.ascontiguousarray(rows[:, j]) for j in range(m)]


async def _bit_lt(ctx: Context, tag: str, pre: Preprocessing, c: list[int], rbits: Vector, rbits_bit: Vector,
                  pairs: Vector, m: int) -> Vector:
    """Main-field shares of ``[c_i < r_i]`` for public ``c_i < 2^m`` and ``r_i`` given by
    shared bits (LSB first; ``rbits`` in the main field, ``rbits_bit`` the same bits in the
    bit field). Per bit, ``lt = (1 - c) r`` and ``eq = 1 - (c xor r)`` are linear; adjacent
    blocks (``hi`` above ``lo``) combine as ``lt = lt_hi + eq_hi lt_lo``, ``eq = eq_hi eq_lo``
    in a tree in the bit field, ``2 m - 3`` multiplications (the root needs ``lt`` only, and
    its opening brings it to the main field: :func:`_root`). The first level (adjacent bits)
    is local for ``m >= 3``: its products are linear in the bits and the dealt products of
    adjacent bits (``pairs``); :func:`bitlt_rounds` openings. ``m = 1`` is local:
    ``(1 - c) r`` in the main field."""
    if m == 1:
        return ctx.field.mul(rbits, ctx.field.vector([1 - ci for ci in c]))
    bctx = _tree_ctx(ctx, pre)
    f, n = bctx.field, len(c)
    cbits = [(ci >> j) & 1 for ci in c for j in range(m)]
    keep = f.vector([1 - b for b in cbits])
    lt = f.mul(rbits_bit, keep)
    eq = f.add(keep, f.mul(rbits_bit, f.vector([(2 * b - 1) % f.modulus for b in cbits])))
    lts, eqs = _columns(lt, n, m)[::-1], _columns(eq, n, m)[::-1]       # most significant first
    if m >= 3:                                                           # level 0, local
        r, rr, keeps = _columns(rbits_bit, n, m), _columns(pairs, n, m), _columns(keep, n, m)
        flips = [f.sub(_ones(f, n), f.add(k, k)) for k in keeps]         # 1 - 2 keep = 2c - 1
        new_lts, new_eqs = [], []
        for j in range(m - 2, -1, -2):                                   # (hi, lo) = (j + 1, j)
            ah, bh, al = keeps[j + 1], flips[j + 1], keeps[j]            # eq = keep + (2c - 1) r
            # lt = lt_hi + eq_hi lt_lo = ah r_hi + (ah + bh r_hi) al r_lo
            new_lts.append(f.add(f.mul(ah, r[j + 1]), f.add(f.mul(f.mul(ah, al), r[j]), f.mul(f.mul(bh, al), rr[j]))))
            new_eqs.append(_affine_products(f, ah, bh, r[j + 1], al, flips[j], r[j], rr[j]))
        lts, eqs = new_lts + lts[2 * (m // 2):], new_eqs + eqs[2 * (m // 2):]
    level = 1
    while len(lts) > 1:
        half = len(lts) // 2
        hi = range(0, 2 * half, 2)
        if len(lts) == 2:
            return await _root(ctx, bctx, f"{tag}/cmp{level}", pre, eqs[0], lts[1], lts[0])
        prod = await _mul(bctx, f"{tag}/cmp{level}", pre, np.concatenate([eqs[i] for i in (*hi, *hi)]),
                          np.concatenate([lts[i + 1] for i in hi] + [eqs[i + 1] for i in hi]), bit=True)
        parts = [prod[k * n:(k + 1) * n] for k in range(2 * half)]
        new_lts = [f.add(lts[i], parts[k]) for k, i in enumerate(hi)] + lts[2 * half:]
        eqs = parts[half:] + eqs[2 * half:]
        lts = new_lts
        level += 1
    raise AssertionError("unreachable: a tree of m >= 2 leaves ends at its root")


def _weighted_sum(field: PrimeField, flat: Vector, n: int, m: int) -> Vector:
    rows = flat.reshape(n, m)
    acc = field.zeros(n)
    for j in range(m):
        acc = field.add(acc, np.ascontiguousarray(rows[:, j]))
    return acc


async def _mask_open(ctx: Context, tag: str, pre: Preprocessing, a: Vector, l: int,
                     m: int) -> tuple[list[int], Vector, tuple[Vector, Vector, Vector]]:
    """Open ``a + r' + 2^m r''``; returns the low ``m`` bits of it, ``r'`` and its bits
    (shared in the main field and in the bit field, with the products of adjacent bits)."""
    f, n = ctx.field, len(a)
    _check_capacity(f, pre, l, m)
    rbits = pre.take_dual_bits(n * m)
    r1 = _weighted_rows(f, rbits[0], n, m)
    r2 = pre.take_masks(n)
    c = await _open_ints(ctx, f"{tag}/mask", f.add(f.add(a, r1), f.mul(r2, pow(2, m, f.modulus))))
    return [ci % (1 << m) for ci in c], r1, rbits


async def _mod2m(ctx: Context, tag: str, pre: Preprocessing, a: Vector, l: int, m: int) -> Vector:
    """Shares of ``a mod 2^m`` for shared ``a`` in ``[0, 2^l)``."""
    f = ctx.field
    low, r1, rbits = await _mask_open(ctx, tag, pre, a, l, m)
    u = await _bit_lt(ctx, f"{tag}/lt", pre, low, *rbits, m)
    return f.add(f.sub(f.vector(low), r1), f.mul(u, pow(2, m, f.modulus)))


async def _trunc(ctx: Context, tag: str, pre: Preprocessing, a: Vector, l: int, m: int, exact: bool) -> Vector:
    """``floor(a / 2^m)`` (exact), or that plus 1 with probability ``(a mod 2^m) / 2^m``."""
    f = ctx.field
    if exact:
        low = await _mod2m(ctx, tag, pre, a, l, m)
    else:
        c, r1, _ = await _mask_open(ctx, tag, pre, a, l, m)
        low = f.sub(f.vector(c), r1)
    return f.mul(f.sub(a, low), f.inv(pow(2, m, f.modulus)))


def _shift_up(field: PrimeField, x: Vector, offset: int) -> Vector:
    """``x + offset`` for a public (signed) ``offset``."""
    return field.add(x, field.vector([offset % field.modulus] * len(x)))


def _ones(field: PrimeField, n: int) -> Vector:
    return field.vector([1] * n)


# --- public functions -----------------------------------------------------------------------

async def less_than(ctx: Context, x: Vector, y: Vector, *, bits: int, pre: Preprocessing, tag: str = "lt") -> Vector:
    """Shares of ``[x_i < y_i]`` for shared ``bits``-bit signed ``x`` and ``y``
    (``1 + bitlt_rounds(bits)`` openings: :func:`lt_rounds`; needs :func:`lt_needs`).

    The difference ``d = x - y`` has ``bits + 1`` bits; ``a = d + 2^bits`` is
    non-negative and ``d < 0`` exactly when bit ``bits`` of ``a`` is 0, i.e. when
    ``floor(a / 2^bits)`` (an exact truncation) is 0."""
    k = _bits(bits) + 1
    _same_length(x, y)
    f = ctx.field
    a = _shift_up(f, f.sub(x, y), 1 << (k - 1))
    top = await _trunc(ctx, tag, pre, a, k, k - 1, exact=True)
    return f.sub(_ones(f, len(x)), top)


async def equal(ctx: Context, x: Vector, y: Vector, *, bits: int, pre: Preprocessing, tag: str = "eq") -> Vector:
    """Shares of ``[x_i == y_i]`` for shared ``bits``-bit signed values
    (:func:`eq_rounds` openings; needs :func:`eq_needs`).

    With ``a = x - y + 2^bits`` in ``[0, 2^(bits+1))`` and the low ``bits + 1`` bits of
    ``c = a + r' + 2^(bits+1) r''`` opened, ``x == y`` exactly when ``r'`` equals
    ``t = c - 2^bits mod 2^(bits+1)`` bit for bit: an AND of ``bits + 1`` shared bits
    (a product tree in the bit field, its first level local, its root bridged)."""
    k = _bits(bits) + 1
    _same_length(x, y)
    f, n = ctx.field, len(x)
    a = _shift_up(f, f.sub(x, y), 1 << (k - 1))
    low, _, (_, rbits, pairs) = await _mask_open(ctx, tag, pre, a, k, k)
    bctx = _tree_ctx(ctx, pre)
    bf = bctx.field
    t = [(ci - (1 << (k - 1))) % (1 << k) for ci in low]
    tb = [(ti >> j) & 1 for ti in t for j in range(k)]
    # same bit: 1 - (t xor r) = (1 - t) + r (2t - 1), in the bit field
    same = bf.add(bf.vector([1 - b for b in tb]), bf.mul(rbits, bf.vector([(2 * b - 1) % bf.modulus for b in tb])))
    cols = _columns(same, n, k)
    if k >= 3:                           # level 0, local: (a + b r_j)(a' + b' r_(j+1)), a = 1 - t, b = 2t - 1
        alpha = _columns(bf.vector([1 - b for b in tb]), n, k)
        beta = _columns(bf.vector([(2 * b - 1) % bf.modulus for b in tb]), n, k)
        r, rr = _columns(rbits, n, k), _columns(pairs, n, k)
        cols = [_affine_products(bf, alpha[j], beta[j], r[j], alpha[j + 1], beta[j + 1], r[j + 1], rr[j])
                for j in range(0, k - 1, 2)] + cols[2 * (k // 2):]
    level = 1
    while len(cols) > 2:
        half = len(cols) // 2
        prod = await _mul(bctx, f"{tag}/and{level}", pre, np.concatenate(cols[:half]),
                          np.concatenate(cols[half:2 * half]), bit=True)
        cols = [prod[i * n:(i + 1) * n] for i in range(half)] + cols[2 * half:]
        level += 1
    return await _root(ctx, bctx, f"{tag}/and{level}", pre, cols[0], cols[1], None)


async def truncate(ctx: Context, x: Vector, *, bits: int, shift: int, exact: bool = False, pre: Preprocessing,
                   tag: str = "trunc") -> Vector:
    """Fixed-point rescaling: shares of ``x / 2^shift`` rounded, for shared ``bits``-bit
    signed ``x`` (a product of two values of scale ``2^f`` has scale ``2^(2f)``: truncate by
    ``f``). ``exact=True``: the floor, ``1 + bitlt_rounds(shift)`` openings. ``exact=False``
    (probabilistic): one opening, the floor plus 1 with probability ``(x mod 2^shift) /
    2^shift`` (error below one unit, unbiased). Needs :func:`truncate_needs`."""
    bits = _bits(bits)
    shift = _bits(shift)
    f = ctx.field
    top = max(bits - 1, shift)                           # a = x + 2^top in [0, 2^(top+1))
    a = _shift_up(f, x, 1 << top)
    q = await _trunc(ctx, tag, pre, a, top + 1, shift, exact)
    return _shift_up(f, q, -(1 << (top - shift)))


async def divide_public(ctx: Context, x: Vector, d: int, *, bits: int, exact: bool = True, pre: Preprocessing,
                        tag: str = "div") -> Vector:
    """Shares of ``floor(x_i / d)`` for shared ``bits``-bit signed ``x`` and a public
    int ``d >= 1`` (``exact=False``: that, or one more with probability ``(x mod d) / d``).
    Needs :func:`divide_needs`; :func:`divide_rounds` openings (one probabilistic, none for
    ``d = 1``).

    With ``a = x + K d`` in ``[0, 2^N)`` and a dealt mask ``r = d u + v`` (``v`` a residue
    modulo ``d`` given by its shared bits, ``u`` a mask), the parties open ``c = a + r``:
    ``a mod d = (c mod d) - v + d [c mod d < v]``, the bracket a comparison of a public
    value and shared bits over ``residue_bits(d)`` bits, and ``floor(a / d) = (a - a mod d)
    d^-1`` exactly in the field. ``d = 1`` returns ``x``; a power of two takes its bits.

        >>> from mpc.protocols import run_in_process
        >>> pre = deal_preprocessing(divide_needs(4, 7, bits=16), parties=[1, 2, 3], threshold=2)
        >>> async def job(ctx):
        ...     x = await share_input(ctx, "x", 1, constant(ctx.field, [-15, -14, 13, 14]) if ctx.party == 1 else None, 4)
        ...     q = await divide_public(ctx, x, 7, bits=16, pre=pre[ctx.party])
        ...     return [ctx.field.decode(int(v)) for v in (await open_vector(ctx, "q", q))[0]]
        >>> run_in_process(job, parties=3, threshold=2)[2]
        [-3, -2, 1, 2]
    """
    bits, d = _bits(bits), _divisor(d)
    if d == 1:
        return x
    f, n = ctx.field, len(x)
    k, top = _div_params(d, bits)
    _check_division_capacity(f, pre, top, d)
    _require(pre, divide_needs(n, d, bits, exact=exact), f"dividing {n} values by {d}")
    width = residue_bits(d)
    vbits, vbits_bit, pairs = pre.take_residues(d, n)
    v = _weighted_rows(f, vbits, n, width)
    a = _shift_up(f, x, k * d)
    c = await _open_ints(ctx, f"{tag}/mask", f.add(f.add(a, v), f.mul(pre.take_masks(n), d % f.modulus)))
    low = [ci % d for ci in c]
    rem = f.sub(f.vector(low), v)                          # a mod d, or that minus d
    if exact:
        wrapped = await _bit_lt(ctx, f"{tag}/lt", pre, low, vbits, vbits_bit, pairs, width)
        rem = f.add(rem, f.mul(wrapped, d % f.modulus))
    q = f.mul(f.sub(a, rem), f.inv(d % f.modulus))
    return _shift_up(f, q, -k)


async def argmax(ctx: Context, x: Vector, *, bits: int, pre: Preprocessing, tag: str = "argmax") -> tuple[Vector, Vector]:
    """Shares of the index of the largest of the shared ``bits``-bit values ``x`` (the
    first one on ties, as ``numpy.argmax``) and of that value: a tournament of
    ``ceil(log2 n)`` levels, each one :func:`less_than` on the pairs and one
    multiplication selecting value and index. Needs :func:`argmax_needs`."""
    f = ctx.field
    if len(x) == 0:
        raise MPCTypeError("argmax of no values")
    values, index = x, constant(f, range(len(x)))
    level = 0
    while len(values) > 1:
        pairs = len(values) // 2
        v0, v1 = values[0:2 * pairs:2], values[1:2 * pairs:2]
        i0, i1 = index[0:2 * pairs:2], index[1:2 * pairs:2]
        b = await less_than(ctx, v0, v1, bits=bits, pre=pre, tag=f"{tag}/{level}/lt")
        sel = await _mul(ctx, f"{tag}/{level}/sel", pre, np.concatenate([b, b]),
                         np.concatenate([f.sub(v1, v0), f.sub(i1, i0)]))
        values = np.concatenate([f.add(v0, sel[:pairs]), values[2 * pairs:]])
        index = np.concatenate([f.add(i0, sel[pairs:]), index[2 * pairs:]])
        level += 1
    return index, values
