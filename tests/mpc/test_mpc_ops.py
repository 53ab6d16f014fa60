"""Comparison, equality, truncation, division and argmax on shared values
(mpc.protocols.compare): boundaries, exact use of the dealt preprocessing, a corrupted
share and a vanished party."""

from __future__ import annotations

import itertools
import random
from typing import Any, Awaitable, Callable

import pytest

from mpc.errors import EncodingError, SharingError
from mpc.net.errors import ProtocolAbort
from mpc.protocols import Crashed, run_in_process
from mpc.protocols.base import Context, open_vector
from mpc.protocols.compare import (Needs, argmax, argmax_needs, constant, deal_preprocessing, divide_needs,
                                   divide_public, eq_needs, equal, less_than, lt_needs, share_input, truncate,
                                   truncate_needs)

BITS = 8
EDGES = [-128, -127, -1, 0, 1, 126, 127]
PAIRS = list(itertools.product(EDGES, EDGES))


def _run(needs: Needs, xs: list[int], ys: list[int] | None,
         op: Callable[[Context, Any, Any, Any], Awaitable[Any]], *, parties: int = 3, threshold: int = 2,
         hook: Callable[[Context], None] | None = None) -> dict[int, Any]:
    pre = deal_preprocessing(needs, parties=range(1, parties + 1), threshold=threshold, rng=random.Random(5))

    async def job(ctx: Context) -> Any:
        x = await share_input(ctx, "x", 1, constant(ctx.field, xs) if ctx.party == 1 else None, len(xs))
        y = None
        if ys is not None:
            y = await share_input(ctx, "y", 2, constant(ctx.field, ys) if ctx.party == 2 else None, len(ys))
        if hook is not None:
            hook(ctx)
        out = await op(ctx, x, y, pre[ctx.party])
        opened = []
        for i, share in enumerate(out if isinstance(out, tuple) else (out,)):
            value, _ = await open_vector(ctx, f"result{i}", share)
            opened.append([ctx.field.decode(int(v)) for v in value])
        return opened, pre[ctx.party].remaining(), sorted(ctx.bad)

    return run_in_process(job, parties=parties, threshold=threshold)


def _one(results: dict[int, Any]) -> list[list[int]]:
    outs = {str(r[0]) for r in results.values()}
    assert len(outs) == 1, results
    assert all(r[1] == Needs() for r in results.values())   # the documented needs are exact
    return results[1][0]  # type: ignore[no-any-return]


def test_less_than_at_the_boundaries() -> None:
    xs, ys = [a for a, _ in PAIRS], [b for _, b in PAIRS]
    got = _one(_run(lt_needs(len(xs), BITS), xs, ys, lambda c, x, y, p: less_than(c, x, y, bits=BITS, pre=p)))
    assert got[0] == [int(a < b) for a, b in PAIRS]


def test_equal_at_the_boundaries() -> None:
    xs, ys = [a for a, _ in PAIRS], [b for _, b in PAIRS]
    got = _one(_run(eq_needs(len(xs), BITS), xs, ys, lambda c, x, y, p: equal(c, x, y, bits=BITS, pre=p)))
    assert got[0] == [int(a == b) for a, b in PAIRS]


@pytest.mark.parametrize("shift", [1, 3, 7, 12])
def test_exact_truncation_is_the_floor(shift: int) -> None:
    got = _one(_run(truncate_needs(len(EDGES), shift, exact=True), EDGES, None,
                    lambda c, x, y, p: truncate(c, x, bits=BITS, shift=shift, exact=True, pre=p)))
    assert got[0] == [v >> shift for v in EDGES]


def test_probabilistic_truncation_is_within_one_above_the_floor() -> None:
    values = EDGES * 4
    got = _one(_run(truncate_needs(len(values), 4, exact=False), values, None,
                    lambda c, x, y, p: truncate(c, x, bits=BITS, shift=4, exact=False, pre=p)))
    assert all(q - (v >> 4) in (0, 1) for q, v in zip(got[0], values))
    assert all(q == v >> 4 for q, v in zip(got[0], values) if v % 16 == 0)  # nothing to round


@pytest.mark.parametrize("d", [1, 3, 10, 127, 128, 1000])
def test_division_by_a_public_value(d: int) -> None:
    got = _one(_run(divide_needs(len(EDGES), d, BITS), EDGES, None,
                    lambda c, x, y, p: divide_public(c, x, d, bits=BITS, pre=p)))
    assert got[0] == [v // d for v in EDGES]


def test_probabilistic_division() -> None:
    got = _one(_run(divide_needs(len(EDGES), 7, BITS, exact=False), EDGES, None,
                    lambda c, x, y, p: divide_public(c, x, 7, bits=BITS, exact=False, pre=p)))
    assert all(q - v // 7 in (0, 1) for q, v in zip(got[0], EDGES))
    assert all(q == v // 7 for q, v in zip(got[0], EDGES) if v % 7 == 0)     # nothing to round


DIV_BITS = 24
DIVISORS = [1, 2, 3, 7, 10, 2 ** 16, 2 ** 16 + 1, 2 ** (DIV_BITS - 1) - 3]


def _division_values(d: int, bits: int, seed: int) -> list[int]:
    """The extremes of ``bits``, 0, +-1, multiples of ``d`` and their neighbours, random values."""
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    rng = random.Random(seed)
    near = [m * d + e for m in (lo // d, lo // d + 1, -1, 0, 1, hi // d - 1, hi // d) for e in (-1, 0, 1)]
    values = [lo, lo + 1, -1, 0, 1, hi - 1, hi, *near, *(rng.randint(lo, hi) for _ in range(12))]
    return sorted({v for v in values if lo <= v <= hi})


@pytest.mark.parametrize("d", DIVISORS)
def test_exact_division_is_the_floor_at_the_extremes(d: int) -> None:
    """Masks ``d u + v`` with ``v`` a dealt residue mod ``d``: the floor for signed values at
    the edges of 24 bits and around multiples of ``d``; the pool is used up exactly."""
    values = _division_values(d, DIV_BITS, seed=d)
    got = _one(_run(divide_needs(len(values), d, DIV_BITS), values, None,
                    lambda c, x, y, p: divide_public(c, x, d, bits=DIV_BITS, pre=p)))
    assert got[0] == [v // d for v in values]


@pytest.mark.parametrize("d", [3, 2 ** 16 + 1])
def test_division_with_the_trees_in_the_main_field(d: int) -> None:
    """The same floors with the residues' bit-field shares being the main-field ones."""
    from mpc.field import FR

    values = _division_values(d, DIV_BITS, seed=d + 1)
    got, left, _ = _both(divide_needs(len(values), d, DIV_BITS), lambda c, x, y, p: divide_public(
        c, x, d, bits=DIV_BITS, pre=p), values, values, bit_field=FR, rng=_MaxBridges(d))
    assert got[0] == [v // d for v in values] and left == Needs()


def test_division_consumes_exactly_its_needs_and_leaves_other_moduli() -> None:
    values = [-5, 0, 6, 13]
    needs = divide_needs(len(values), 7, 8) + divide_needs(2, 10, 8)
    assert needs.residues == ((7, 4), (10, 2))
    res = _run(needs, values, None, lambda c, x, y, p: divide_public(c, x, 7, bits=8, pre=p))
    assert all(r[0] == [[-1, 0, 0, 1]] for r in res.values()), res
    assert all(r[1] == divide_needs(2, 10, 8) for r in res.values())
    assert divide_needs(5, 1, 8) == Needs()


@pytest.mark.parametrize("short", ["residues", "other modulus", "bridges"])
def test_insufficient_division_pool_is_refused(short: str) -> None:
    """Refused before the first opening (checked against divide_needs), naming what is short."""
    values = [1, 2, 3]
    needs = {"residues": divide_needs(2, 7, 8) + Needs(masks=1, bridges=1, bridge_triples=1),
             "other modulus": divide_needs(3, 10, 8) + Needs(residues=((7, 2),)),
             "bridges": Needs(masks=3, bridge_triples=3, residues=((7, 3),))}[short]
    opened: list[str] = []

    def watch(ctx: Context) -> None:
        send = ctx.net.broadcast

        async def counting(tag: str, payload: bytes) -> None:
            opened.append(tag)
            await send(tag, payload)
        ctx.net.broadcast = counting  # type: ignore[method-assign]

    res = _run(needs, values, None, lambda c, x, y, p: divide_public(c, x, 7, bits=8, pre=p), hook=watch)
    want = "3 bridges needed, 0 left" if short == "bridges" else "3 residues modulo 7 needed, 2 left"
    assert all(isinstance(r, SharingError) and want in str(r) for r in res.values()), res
    assert opened == []


def test_division_masks_too_narrow_or_too_wide_are_refused() -> None:
    from mpc.field import FR, P61

    def attempt(bits: int, d: int, mask_bits: int, field: Any) -> dict[int, Any]:
        pre = deal_preprocessing(divide_needs(1, d, bits), parties=[1, 2, 3], threshold=2, mask_bits=mask_bits,
                                 field=field)

        async def job(ctx: Context) -> Any:
            return await divide_public(ctx, constant(ctx.field, [1]), d, bits=bits, pre=pre[ctx.party])
        return run_in_process(job, parties=3, threshold=2, field=field)

    narrow = attempt(64, 3, 60, FR)                  # x + K d < 2^65 needs 3 * 2^mask_bits >= 2^105
    assert all(isinstance(r, EncodingError) and "2^105" in str(r) for r in narrow.values()), narrow
    wide = attempt(8, 1000, 52, P61)                                  # 1000 * 2^52 > 2^61 - 1
    assert all(isinstance(r, EncodingError) and "overflow" in str(r) for r in wide.values()), wide


def test_a_bad_share_in_a_division_is_corrected_or_aborts_naming_the_party() -> None:
    values = [-9, 8, 20]
    op = lambda c, x, y, p: divide_public(c, x, 7, bits=8, pre=p)  # noqa: E731
    res = _run(divide_needs(3, 7, 8), values, None, op, parties=4, threshold=2, hook=_corrupt(4, "/lt"))
    for party in (1, 2, 3):
        assert res[party][0][0] == [-2, 1, 2] and res[party][2] == [4]
    res = _run(divide_needs(3, 7, 8), values, None, op, parties=3, threshold=2, hook=_corrupt(3, "div/mask"))
    for party in (1, 2):
        assert isinstance(res[party], ProtocolAbort) and "div/mask" in res[party].round, res


def test_the_residue_pools_round_trip() -> None:
    from mpc.protocols.compare import Preprocessing

    pool = deal_preprocessing(divide_needs(3, 7, 8) + divide_needs(2, 2 ** 16 + 1, 24), parties=[1, 2, 3],
                              threshold=2, rng=random.Random(4))
    first = pool[1].take_residues(7, 1)
    back = Preprocessing.from_bytes(pool[1].to_bytes())
    assert back.remaining() == pool[1].remaining()
    assert back.remaining().residues == ((7, 2), (2 ** 16 + 1, 2))
    assert [v.tolist() for v in back.take_residues(7, 2)] == [v.tolist() for v in pool[1].take_residues(7, 2)]
    assert len(first[0]) == 3 and len(back.take_residues(2 ** 16 + 1, 2)[2]) == 34
    with pytest.raises(SharingError, match="bytes, expected"):
        Preprocessing.from_bytes(pool[1].to_bytes()[:-1])
    over = bytearray(pool[1].to_bytes())
    over[-8:] = b"\xff" * 8  # the last bit-field element of the last residue pool, >= 2^61 - 1
    with pytest.raises(SharingError, match="preprocessing: "):
        Preprocessing.from_bytes(bytes(over))
    with pytest.raises(SharingError, match="moduli d >= 2"):
        Needs(residues=((1, 3),))
    with pytest.raises(SharingError, match=r"residues modulo 7: expected an int count, found 2.5"):
        Needs(residues=((7, 2.5),))  # type: ignore[arg-type]


def test_the_dealt_residues_are_below_their_modulus() -> None:
    """Opened, every dealt residue modulo 10 is in [0, 10) and all ten occur."""
    from mpc.field import FR
    from mpc.sharing.shamir import interpolate_points

    pool = deal_preprocessing(Needs(residues=((10, 400),)), parties=[1, 2, 3], threshold=2, rng=random.Random(6))
    shares = [pool[p].take_residues(10, 400)[0] for p in (1, 2)]
    rows = [int(b) for b in FR.vector(interpolate_points(FR, [1, 2], shares, 0))]
    values = [sum(rows[4 * i + j] << j for j in range(4)) for i in range(400)]
    assert set(values) == set(range(10))


@pytest.mark.parametrize("values", [[3, 9, 9, -5, 0], [5], [-128, -128, -128], [-128, 127, -1, 127, 0, 126, 127]])
def test_argmax_first_maximum(values: list[int]) -> None:
    got = _one(_run(argmax_needs(len(values), BITS), values, None,
                    lambda c, x, y, p: argmax(c, x, bits=BITS, pre=p)))
    assert got == [[values.index(max(values))], [max(values)]]


def _corrupt(party: int, round_part: str) -> Callable[[Context], None]:
    def hook(ctx: Context) -> None:
        if ctx.party != party:
            return
        send = ctx.net.broadcast

        async def lying(tag: str, payload: bytes) -> None:
            if round_part in tag:
                payload = payload[:-1] + bytes([payload[-1] ^ 1])  # the last share, off by one
            await send(tag, payload)
        ctx.net.broadcast = lying  # type: ignore[method-assign]
    return hook


def test_a_corrupted_share_is_corrected_and_named() -> None:
    xs, ys = [5, -3, 0], [5, 2, -8]
    res = _run(lt_needs(3, BITS), xs, ys, lambda c, x, y, p: less_than(c, x, y, bits=BITS, pre=p),
               parties=4, threshold=2, hook=_corrupt(4, "/cmp"))
    for party in (1, 2, 3):
        assert res[party][0][0] == [0, 1, 0]
        assert res[party][2] == [4]


def test_a_corrupted_share_without_redundancy_aborts() -> None:
    res = _run(lt_needs(1, BITS), [1], [2], lambda c, x, y, p: less_than(c, x, y, bits=BITS, pre=p),
               parties=3, threshold=2, hook=_corrupt(3, "/mask"))
    for party in (1, 2):
        assert isinstance(res[party], ProtocolAbort) and "mask" in res[party].round


def _vanish(party: int) -> Callable[[Context], None]:
    def hook(ctx: Context) -> None:
        if ctx.party == party:
            raise Crashed(f"party {party} vanished after the inputs")
    return hook


def test_a_vanished_party_is_named() -> None:
    res = _run(eq_needs(2, BITS), [1, 2], [1, 3], lambda c, x, y, p: equal(c, x, y, bits=BITS, pre=p),
               parties=3, threshold=3, hook=_vanish(3))
    for party in (1, 2):
        assert isinstance(res[party], ProtocolAbort)
        assert res[party].missing == (3,)


def test_a_vanished_party_is_tolerated_above_the_threshold() -> None:
    res = _run(eq_needs(2, BITS), [1, 2], [1, 3], lambda c, x, y, p: equal(c, x, y, bits=BITS, pre=p),
               parties=3, threshold=2, hook=_vanish(3))
    assert res[1][0] == res[2][0] == [[1, 0]]


def test_exhausted_preprocessing_is_refused() -> None:
    res = _run(lt_needs(1, BITS), [1, 2], [3, 4], lambda c, x, y, p: less_than(c, x, y, bits=BITS, pre=p))
    assert all(isinstance(r, SharingError) and "16 bits needed, 8 left" in str(r) for r in res.values()), res


def test_masks_too_narrow_are_refused() -> None:
    pre = deal_preprocessing(lt_needs(1, 64), parties=[1, 2, 3], threshold=2, mask_bits=30)

    async def job(ctx: Context) -> Any:
        x = constant(ctx.field, [1])
        return await less_than(ctx, x, x, bits=64, pre=pre[ctx.party])
    res = run_in_process(job, parties=3, threshold=2)
    assert all(isinstance(r, EncodingError) and "mask_bits >= 41" in str(r) for r in res.values()), res


def test_benchmark_small_size() -> None:
    from benchmarks.mpc_ops import compare
    from mpc.protocols.compare import lt_rounds

    rows = compare(values=4, argmax_n=3, bits=8, repeat=1, ops=("lt", "argmax", "div"))
    by_op = {r["op"]: r for r in rows}
    assert by_op["lt"]["rounds"] == lt_rounds(8) == 3                # mask, one tree level, the root
    assert by_op["div"]["rounds"] == 2                               # mask, the root over 3 bits (d = 7)
    assert by_op["argmax"]["rounds"] == 2 * (lt_rounds(8) + 1)   # 3 values: two levels
    assert all(r["bytes"] > 0 and r["mpyc_bytes"] > 0 for r in rows)


def test_over_gf_2_61_minus_1() -> None:
    from mpc.field import P61

    xs, ys = [a for a, _ in PAIRS[:12]], [b for _, b in PAIRS[:12]]
    needs = lt_needs(12, BITS) + eq_needs(12, BITS) + argmax_needs(12, BITS)
    pre = deal_preprocessing(needs, parties=[1, 2, 3], threshold=2, field=P61, mask_bits=44)

    async def job(ctx: Context) -> Any:
        x = await share_input(ctx, "x", 1, constant(ctx.field, xs) if ctx.party == 1 else None, 12)
        y = await share_input(ctx, "y", 2, constant(ctx.field, ys) if ctx.party == 2 else None, 12)
        outs = [await less_than(ctx, x, y, bits=BITS, pre=pre[ctx.party]),
                await equal(ctx, x, y, bits=BITS, pre=pre[ctx.party]),
                *await argmax(ctx, x, bits=BITS, pre=pre[ctx.party])]
        opened = [(await open_vector(ctx, f"o{i}", v))[0] for i, v in enumerate(outs)]
        return [[ctx.field.decode(int(v)) for v in o] for o in opened], pre[ctx.party].remaining()

    res = run_in_process(job, parties=3, threshold=2, field=P61)
    outcome = res[1]
    assert not isinstance(outcome, BaseException), outcome
    got, left = outcome
    assert got == [[int(a < b) for a, b in zip(xs, ys)], [int(a == b) for a, b in zip(xs, ys)],
                   [xs.index(max(xs))], [max(xs)]]
    assert left == Needs()


@pytest.mark.parametrize("exact", [True, False])
def test_fixed_point_product_rescaled(exact: bool) -> None:
    from mpc.protocols.compare import multiply_shared

    f = 8                                                    # 8 fractional bits
    xs, ys = [1.5, -2.25, 0.0, -0.00390625, 127.99609375], [-2.25, -2.25, 3.0, 1.0, 127.99609375]
    ex, ey = [round(v * 2 ** f) for v in xs], [round(v * 2 ** f) for v in ys]
    needs = Needs(triples=len(xs)) + truncate_needs(len(xs), f, exact=exact)

    async def op(ctx: Context, x: Any, y: Any, pre: Any) -> Any:
        prod = await multiply_shared(ctx, x, y, pre=pre)                  # scale 2^16
        return await truncate(ctx, prod, bits=2 * 16 + 1, shift=f, exact=exact, pre=pre)

    got = _one(_run(needs, ex, ey, op))[0]
    for g, a, b in zip(got, ex, ey):
        floor = (a * b) >> f
        assert g == floor if exact else g - floor in (0, 1)
    assert got[0] in (-864, -863) and got[1] in (1296, 1297)


@pytest.mark.parametrize("bits", [1, 2, 3, 5, 7, 13])
def test_less_than_and_exact_truncation_at_every_width(bits: int) -> None:
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    rng = random.Random(bits)
    pairs = [(lo, hi), (hi, lo), (lo, lo), (hi, hi), (0, 0), (-1, 0), (0, -1)]
    pairs += [(rng.randint(lo, hi), rng.randint(lo, hi)) for _ in range(9)]
    xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
    got = _one(_run(lt_needs(len(xs), bits), xs, ys, lambda c, x, y, p: less_than(c, x, y, bits=bits, pre=p)))
    assert got[0] == [int(a < b) for a, b in pairs]
    shift = max(1, bits - 1)
    got = _one(_run(truncate_needs(len(xs), shift, exact=True), xs, None,
                    lambda c, x, y, p: truncate(c, x, bits=bits, shift=shift, exact=True, pre=p)))
    assert got[0] == [a >> shift for a in xs]


# --- the bitwise part in GF(2^61 - 1) (the default under BN254 Fr) --------------------------

class _MaxBridges(random.Random):
    """Seeded randomness whose bridges (the only ``KAPPA``-bit draws) are all at their
    largest, ``2^KAPPA - 1``: the opened ``x + s`` reaches ``2^KAPPA`` and must not wrap."""

    def getrandbits(self, k: int) -> int:
        from mpc.protocols.preprocessing import KAPPA

        return (1 << KAPPA) - 1 if k == KAPPA else super().getrandbits(k)


def _both(needs: Needs, op: Callable[[Context, Any, Any, Any], Awaitable[Any]], xs: list[int], ys: list[int], *,
          bit_field: Any, rng: random.Random) -> tuple[list[list[int]], Needs, int]:
    """Results, what is left of the pool and the bytes party 1 sent, counted on a hub."""
    import asyncio
    import secrets

    from benchmarks._net import CountingHub
    from mpc.field import FR
    from mpc.sharing import split

    ids = [1, 2, 3]
    pre = deal_preprocessing(needs, parties=ids, threshold=2, bit_field=bit_field, rng=rng)
    xsh, ysh = split(constant(FR, xs), n=3, threshold=2, indices=ids), split(constant(FR, ys), n=3, threshold=2, indices=ids)
    hub = CountingHub(ids, session=secrets.token_bytes(16))

    async def one(i: int) -> list[int]:
        ctx = Context(hub.network(ids[i]), 2)
        out = await op(ctx, xsh[i].vector, ysh[i].vector, pre[ids[i]])
        opened = (await open_vector(ctx, "result", out))[0]
        return [ctx.field.decode(int(v)) for v in opened]

    async def everyone() -> list[list[int]]:
        return list(await asyncio.gather(*(one(i) for i in range(3))))

    got = asyncio.run(everyone())
    assert all(g == got[0] for g in got)
    return got, pre[1].remaining(), hub.sent[1]


@pytest.mark.parametrize("bits", [1, 2, 3, 8])
def test_small_field_at_the_boundaries_with_extreme_bridges(bits: int) -> None:
    """Less-than, equality and exact truncation with the trees in GF(2^61 - 1), the largest
    bridges, at the edges of every width; the pool ends empty; the same results with the
    trees kept in BN254 Fr (``bit_field=FR``)."""
    from mpc.field import FR, P61

    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    pairs = list(itertools.product(sorted({lo, lo + 1, -1, 0, hi - 1, hi} & set(range(lo, hi + 1))), repeat=2))
    xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
    n, shift = len(xs), max(1, bits - 1)
    cases = [(lt_needs(n, bits), lambda c, x, y, p: less_than(c, x, y, bits=bits, pre=p), [int(a < b) for a, b in pairs]),
             (eq_needs(n, bits), lambda c, x, y, p: equal(c, x, y, bits=bits, pre=p), [int(a == b) for a, b in pairs]),
             (truncate_needs(n, shift, exact=True), lambda c, x, y, p: truncate(c, x, bits=bits, shift=shift, exact=True, pre=p),
              [a >> shift for a in xs])]
    for needs, op, want in cases:
        for field in (P61, FR):
            got, left, _ = _both(needs, op, xs, ys, bit_field=field, rng=_MaxBridges(bits))
            assert got[0] == want, (field, needs)
            assert left == Needs()


def test_small_field_sends_a_quarter_of_the_bytes_in_as_many_rounds() -> None:
    """Per value and peer, a ``k``-bit less-than sends ``32 + 16 t + 24`` bytes with 8-byte
    elements in the tree (``t = 2k - 4 - 2 floor(k / 2)`` bit triples), against
    ``32 + 64 t + 96`` with 32-byte ones (the same frames: the overheads are equal)."""
    from mpc.field import FR, P61

    k, n = 12, 40
    rng = random.Random(3)
    xs, ys = [rng.randrange(-2048, 2048) for _ in range(n)], [rng.randrange(-2048, 2048) for _ in range(n)]
    op = lambda c, x, y, p: less_than(c, x, y, bits=k, pre=p)  # noqa: E731
    small, _, small_bytes = _both(lt_needs(n, k), op, xs, ys, bit_field=P61, rng=random.Random(1))
    wide, _, wide_bytes = _both(lt_needs(n, k), op, xs, ys, bit_field=FR, rng=random.Random(1))
    assert small[0] == wide[0] == [int(a < b) for a, b in zip(xs, ys)]
    t = 2 * k - 4 - 2 * (k // 2)
    assert lt_needs(1, k).bit_triples == t == 8
    payload_small, payload_wide = 2 * n * (32 + 16 * t + 24), 2 * n * (32 + 64 * t + 96)
    overhead = wide_bytes - payload_wide                       # frame headers and the result's opening
    assert 0 < overhead < 2 * n * 32 + 2000
    assert small_bytes - payload_small == overhead


def test_preprocessing_round_trips_with_both_fields() -> None:
    from mpc.field import P61
    from mpc.protocols.compare import Preprocessing

    pool = deal_preprocessing(lt_needs(2, 5) + Needs(triples=1), parties=[1, 2, 3], threshold=2, rng=random.Random(2))
    _ = pool[1].take_dual_bits(3), pool[1].take_bit_triples(1)
    back = Preprocessing.from_bytes(pool[1].to_bytes())
    assert back.remaining() == pool[1].remaining() == Needs(bits=7, masks=2, triples=1, bit_triples=3, bridges=2,
                                                             bridge_triples=2)
    assert back.tree_field == P61 and back.take_bridge_triples(2)[3].tolist() == pool[1].take_bridge_triples(2)[3].tolist()
    with pytest.raises(SharingError, match="bytes, expected"):
        Preprocessing.from_bytes(pool[1].to_bytes()[:-1])


def test_a_bit_field_too_small_for_the_bridges_is_refused() -> None:
    from mpc.field import PrimeField

    with pytest.raises(SharingError, match=r"above 2\^41 \+ 1"):
        deal_preprocessing(lt_needs(1, 8), parties=[1, 2, 3], threshold=2, bit_field=PrimeField(2 ** 31 - 1))


def _divider(d: int, bits: int, exact: bool) -> Callable[[Context, Any, Any], Awaitable[Any]]:
    return lambda c, x, p: divide_public(c, x, d, bits=bits, exact=exact, pre=p)


@pytest.mark.parametrize("bits", [1, 2, 3, 4, 5, 8, 9])
def test_documented_rounds_are_the_openings(bits: int) -> None:
    """``lt_rounds``, ``eq_rounds`` and ``1 + bitlt_rounds(s)`` (exact truncation) count the
    openings one party makes (two frames each on a hub of three parties)."""
    import asyncio
    import secrets

    from benchmarks.mpc_ops import FrameHub
    from mpc.protocols.compare import bitlt_rounds, divide_rounds, eq_rounds, lt_rounds

    ids, n = [1, 2, 3], 3
    ops: list[tuple[Needs, Callable[[Context, Any, Any], Awaitable[Any]], int]] = [
        (lt_needs(n, bits), lambda c, x, p: less_than(c, x, x, bits=bits, pre=p), lt_rounds(bits)),
        (eq_needs(n, bits), lambda c, x, p: equal(c, x, x, bits=bits, pre=p), eq_rounds(bits)),
        (truncate_needs(n, bits, exact=True), lambda c, x, p: truncate(c, x, bits=bits, shift=bits, exact=True, pre=p),
         1 + bitlt_rounds(bits))]
    for d in (2 ** (bits - 1), 2 ** (bits - 1) + 1, 2 ** bits - 1):      # residues of bits - 1 and bits bits
        for exact in (True, False):
            ops.append((divide_needs(n, d, bits + 2, exact=exact), _divider(d, bits + 2, exact), divide_rounds(d, exact=exact)))
    for needs, op, rounds in ops:
        pre = deal_preprocessing(needs, parties=ids, threshold=2, rng=random.Random(bits))
        hub = FrameHub(ids, session=secrets.token_bytes(16))

        async def one(i: int) -> None:
            ctx = Context(hub.network(i), 2)
            await op(ctx, constant(ctx.field, [0] * n), pre[i])

        async def everyone() -> None:
            await asyncio.gather(*(one(i) for i in ids))

        asyncio.run(everyone())
        assert hub.frames.get(1, 0) == 2 * rounds, (bits, rounds)


def test_a_pool_missing_its_bit_field_shares_is_refused() -> None:
    from mpc.field import FR, P61
    from mpc.protocols.compare import Preprocessing

    empty = FR.zeros(0)
    with pytest.raises(SharingError, match="bits vectors differ in length"):
        Preprocessing(1, 64, bits=FR.vector([0, 1]), masks=empty, a=empty, b=empty, c=empty, bit_field=P61)
