"""Secure sum, statistics and Beaver multiplication among in-process parties: dropouts
within the threshold are tolerated, beyond it every party aborts naming the missing ones;
wrong shares are corrected and their senders named; equivocation is caught."""

from __future__ import annotations

import asyncio
import random
import statistics
from decimal import Decimal
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mpc.encoding import FixedPoint, IntegerEncoding
from mpc.errors import EncodingError, SharingError
from mpc.field import FR, P61, PrimeField
from mpc.net import ProtocolAbort
from mpc.protocols import (Context, Crashed, deal_triples, multiply, run_in_process, secure_dot, secure_stats,
                           secure_sum, share_input)

INPUTS = {p: [p, 100 * p, 7] for p in range(1, 6)}


def _sum(field: PrimeField = FR, **kw: Any) -> dict[int, Any]:
    return run_in_process(lambda ctx: secure_sum(ctx, INPUTS[ctx.party]), parties=5, threshold=3, field=field,
                          timeout=2, **kw)


def _totals(contributors: tuple[int, ...]) -> list[int]:
    return [sum(INPUTS[p][i] for p in contributors) for i in range(3)]


@pytest.mark.parametrize("field", [FR, P61], ids=lambda f: f.name)
def test_all_parties_get_the_same_total(field: PrimeField) -> None:
    out = _sum(field)
    for r in out.values():
        assert r.total.tolist() == [15, 1500, 35] and r.contributors == (1, 2, 3, 4, 5) and not r.missing


@pytest.mark.parametrize("crash,contributors", [({2: "start"}, (1, 3, 4, 5)), ({2: "input"}, (1, 2, 3, 4, 5)),
                                                ({2: "announce"}, (1, 2, 3, 4, 5)),
                                                ({1: "start", 4: "input"}, (2, 3, 4, 5))])
def test_dropouts_within_the_threshold_are_tolerated(crash: dict[int, str], contributors: tuple[int, ...]) -> None:
    out = _sum(crash=crash)
    for p, r in out.items():
        if p in crash:
            assert isinstance(r, Crashed)
        else:
            assert r.total.tolist() == _totals(contributors) and r.contributors == contributors
            assert set(r.missing) == set(crash)


@pytest.mark.parametrize("when", ["start", "input", "announce"])
def test_dropouts_beyond_the_threshold_abort_naming_the_missing(when: str) -> None:
    out = _sum(crash={1: when, 2: when, 3: when})
    for p in (4, 5):
        err = out[p]
        assert isinstance(err, ProtocolAbort), err
        assert set(err.missing) == {1, 2, 3} and str(3) in str(err)


def _tamper(ctx: Context, tag: str, corrupt: Callable[[int, bytes], bytes]) -> None:
    send = ctx.net.send

    async def evil(to: int, t: str, payload: bytes) -> None:
        await send(to, t, corrupt(to, payload) if t == tag else payload)
    ctx.net.send = evil  # type: ignore[method-assign]


def test_a_wrong_opening_share_is_corrected_and_named() -> None:
    async def job(ctx: Context) -> Any:
        if ctx.party == 4:
            _tamper(ctx, "sum/open", lambda to, b: b[:-1] + bytes([b[-1] ^ 1]))
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=5, threshold=3)
    for p in (1, 2, 3, 5):
        assert out[p].total.tolist() == _totals((1, 2, 3, 4, 5)) and out[p].bad == (4,)


def test_equivocation_in_a_broadcast_is_caught() -> None:
    async def job(ctx: Context) -> Any:
        if ctx.party == 5:  # tells party 1 it received nobody's input, the others the truth
            _tamper(ctx, "sum/announce", lambda to, b: b"" if to == 1 else b)
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=5, threshold=3)
    for p in (1, 2, 3, 4):  # everyone names party 5 and leaves its input out, consistently
        assert out[p].total.tolist() == _totals((1, 2, 3, 4)) and out[p].bad == (5,), out[p]
        assert out[p].contributors == (1, 2, 3, 4)


def test_a_malformed_input_share_excludes_its_dealer() -> None:
    async def job(ctx: Context) -> Any:
        if ctx.party == 3:
            _tamper(ctx, "sum/input", lambda to, b: b[:-1])
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=5, threshold=3)
    for p in (1, 2, 4, 5):
        assert out[p].contributors == (1, 2, 4, 5) and 3 in out[p].bad


def test_a_silent_party_times_out_and_is_named() -> None:
    async def job(ctx: Context) -> Any:
        if ctx.party == 2:
            await asyncio.sleep(0.6)  # too slow for every round
            raise Crashed("slow")
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=3, threshold=2, timeout=0.2)
    assert out[1].contributors == (1, 3) and out[1].missing == (2,)


def test_secure_stats_matches_the_plaintext_statistics() -> None:
    rnd = random.Random(11)
    data = {p: [f"{rnd.uniform(-50, 150):.2f}" for _ in range(rnd.randint(1, 30))] for p in range(1, 6)}
    enc = FixedPoint(2, Decimal(1000))
    out = run_in_process(lambda ctx: secure_stats(ctx, data[ctx.party], enc), parties=5, threshold=3,
                         crash={5: "announce"})
    values = [Fraction(v) for p in range(1, 6) for v in data[p]]
    mean = sum(values) / len(values)
    var = sum((v - mean) ** 2 for v in values) / len(values)
    r = out[1]
    assert r.count == len(values) and r.missing == (5,)
    assert abs(Fraction(r.mean) - mean) < Fraction(1, 10 ** 40) and abs(Fraction(r.variance) - var) < Fraction(1, 10 ** 40)
    assert float(r.variance) == pytest.approx(statistics.pvariance([float(v) for v in values]))


def test_fixed_point_overflow_is_refused_before_any_message() -> None:
    enc = FixedPoint(6, Decimal(10) ** 9)  # squares reach 10^30 x count: beyond 2^61
    out = run_in_process(lambda ctx: secure_stats(ctx, ["1"], enc), parties=3, threshold=2, field=P61)
    assert all(isinstance(r, EncodingError) for r in out.values())
    # more decimals than the encoding: refused, never rounded
    out = run_in_process(lambda ctx: secure_stats(ctx, ["1.001"], FixedPoint(2, Decimal(10))), parties=2, threshold=2)
    assert all(isinstance(r, EncodingError) for r in out.values())


@pytest.mark.parametrize("field", [FR, P61], ids=lambda f: f.name)
def test_beaver_multiplication(field: PrimeField) -> None:
    x, y = field.random_vector(50), field.random_vector(50)
    triples = deal_triples(50, parties=[1, 2, 3, 4], threshold=2, field=field)
    assert "hidden" in repr(triples[1]) and str(int(triples[1].a[0])) not in repr(triples[1])

    async def job(ctx: Context) -> Any:
        xs = await share_input(ctx, "x", 1, x if ctx.party == 1 else None, 50)
        ys = await share_input(ctx, "y", 2, y if ctx.party == 2 else None, 50)
        z = await multiply(ctx, "mul", xs, ys, triples[ctx.party])
        with pytest.raises(SharingError, match="already used"):
            await multiply(ctx, "mul2", xs, ys, triples[ctx.party])
        from mpc.protocols import open_vector
        return (await open_vector(ctx, "open", z))[0]

    out = run_in_process(job, parties=4, threshold=2, field=field, crash={4: "never"})
    for p in (1, 2, 3, 4):
        assert np.array_equal(out[p], field.mul(x, y))


def test_secure_dot_product_with_fixed_point_scales() -> None:
    xs = [Decimal(v) for v in ("1.25", "-2.50", "3.75", "0.01")]
    ys = [Decimal(v) for v in ("10.0", "0.5", "-1.2", "99.9")]
    ex, ey = FixedPoint(2, Decimal(100)), FixedPoint(1, Decimal(100))
    triples = deal_triples(4, parties=[1, 2, 3], threshold=2)
    mine = {1: xs, 2: ys, 3: None}
    out = run_in_process(lambda ctx: secure_dot(ctx, 1, 2, mine[ctx.party], ex, ey, triples[ctx.party]),
                         parties=3, threshold=2)
    assert out[3] == sum(a * b for a, b in zip(xs, ys)) == Decimal("7.749")
    big = IntegerEncoding(2 ** 40)
    out = run_in_process(lambda ctx: secure_dot(ctx, 1, 2, [1], big, big, deal_triples(1, parties=[1, 2], threshold=2,
                                                                                          field=P61)[ctx.party]),
                         parties=2, threshold=2, field=P61)
    assert all(isinstance(r, EncodingError) for r in out.values())  # 2^80 does not fit in 2^61


def test_a_broadcast_that_only_some_parties_got_is_dropped_everywhere() -> None:
    async def job(ctx: Context) -> Any:
        if ctx.party == 5:  # its announcement reaches party 1 only, then it stops
            send = ctx.net.send

            async def partial(to: int, t: str, payload: bytes) -> None:
                if t != "sum/announce" or to == 1:
                    await send(to, t, payload)
            ctx.net.send = partial  # type: ignore[method-assign]
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=5, threshold=3, timeout=1)
    results = {p: (r.total.tolist(), r.contributors) for p, r in out.items()}
    assert len(set(map(str, results.values()))) == 1, results  # everyone agrees
    assert out[2].bad == () and out[2].total.tolist() == _totals(out[2].contributors)


@pytest.mark.parametrize("field", [FR, P61], ids=lambda f: f.name)
@pytest.mark.parametrize("n,t", [(3, 1), (3, 2), (5, 3), (7, 4)])
def test_seeded_dealing_gives_one_consistent_polynomial(field: PrimeField, n: int, t: int) -> None:
    from mpc.net import InProcessHub
    from mpc.protocols.dealing import FULL, SEEDED, deal, receive_dealt, seeded_recipients
    from mpc.sharing import Share, combine

    hub = InProcessHub(list(range(1, n + 1)), session=b"\x05" * 16)
    ctxs = {p: Context(hub.network(p), t, field, seeded=True) for p in range(1, n + 1)}
    secret = field.random_vector(64)
    payloads = deal(ctxs[2], "in", secret)
    seeded = seeded_recipients(tuple(range(1, n + 1)), 2, t)
    assert len(seeded) == t - 1 and 2 not in seeded
    assert all(payloads[p][:1] == (SEEDED if p in seeded else FULL) for p in payloads)
    shares = [Share(p, receive_dealt(ctxs[p], "in", {2: payloads[p]}, 64)[2], t, field) for p in range(1, n + 1)]
    assert np.array_equal(combine(shares, threshold=t), secret)  # all n on one polynomial of degree t - 1
    plain = Context(hub.network(1), t, field)
    assert all(v[:1] == FULL for v in deal(plain, "in", secret).values())
    assert receive_dealt(ctxs[1], "in", {3: SEEDED + b"short", 4: b"\x07junk"}, 64) == {}
    assert ctxs[1].bad == {3, 4}
    other = receive_dealt(ctxs[1], "other-round", {2: SEEDED + bytes(32)}, 64)[2]
    same = receive_dealt(ctxs[1], "in", {2: SEEDED + bytes(32)}, 64)[2]
    assert not np.array_equal(other, same)  # a seed's stream is bound to the round (and session, parties)


def test_secure_sum_with_seeded_dealing_and_dropouts() -> None:
    async def job(ctx: Context) -> Any:
        ctx.seeded = True
        return await secure_sum(ctx, INPUTS[ctx.party])

    out = run_in_process(job, parties=5, threshold=3, crash={2: "input"})
    assert out[1].total.tolist() == _totals((1, 2, 3, 4, 5)) and out[1].missing == (2,)


# --- verified sum (Feldman commitments in the protocol) ------------------------------------

VINPUTS = {p: [p, 1000 + p, 7 * p] for p in range(1, 6)}


def _vsum(job_for: Callable[[Context], Any] | None = None, **kw: Any) -> dict[int, Any]:
    from mpc.protocols import verified_sum

    async def job(ctx: Context) -> Any:
        if job_for is not None:
            job_for(ctx)
        return await verified_sum(ctx, VINPUTS[ctx.party])

    return run_in_process(job, parties=5, threshold=3, timeout=2, **kw)


def _vtotals(contributors: tuple[int, ...]) -> list[int]:
    return [sum(VINPUTS[p][i] for p in contributors) for i in range(3)]


def test_verified_sum_honest_and_with_a_dropout() -> None:
    for crash, contributors in (({}, (1, 2, 3, 4, 5)), ({2: "input"}, (1, 2, 3, 4, 5)), ({2: "start"}, (1, 3, 4, 5))):
        out = _vsum(crash=crash)
        for p, r in out.items():
            if p not in crash:
                assert r.total.tolist() == _vtotals(contributors) and r.bad == () and r.contributors == contributors


def _flip_last(b: bytes) -> bytes:
    return b[:-1] + bytes([b[-1] ^ 1])


def test_a_dealer_sending_a_share_off_its_commitments_is_named_by_all() -> None:
    out = _vsum(lambda ctx: _tamper(ctx, "vsum/input", lambda to, b: _flip_last(b) if to == 1 else b)
                if ctx.party == 4 else None)
    for p in (1, 2, 3, 5):
        assert out[p].bad == (4,) and out[p].contributors == (1, 2, 3, 5)
        assert out[p].total.tolist() == _vtotals((1, 2, 3, 5))


def test_a_dealer_equivocating_commitments_is_named() -> None:
    from mpc.protocols.verified import _deal

    def setup(ctx: Context) -> None:
        if ctx.party == 3:  # party 1 gets a consistent dealing of other values: commitments differ
            other = _deal(ctx, FR.vector([1, 2, 3]))
            _tamper(ctx, "vsum/input", lambda to, b: other[1] if to == 1 else b)

    out = _vsum(setup)
    for p in (1, 2, 4, 5):
        assert out[p].bad == (3,) and 3 not in out[p].contributors, out[p]


def test_a_wrong_opening_is_caught_even_at_the_threshold() -> None:
    out = _vsum(lambda ctx: _tamper(ctx, "vsum/open", lambda to, b: _flip_last(b)) if ctx.party == 5 else None,
                crash={1: "announce", 2: "announce"})  # only 3, 4, 5 open: exactly the threshold
    for p in (3, 4):
        r = out[p]
        assert isinstance(r, ProtocolAbort) and r.bad == (5,), r  # named, and no result from 2 good shares
    out = _vsum(lambda ctx: _tamper(ctx, "vsum/open", lambda to, b: _flip_last(b)) if ctx.party == 5 else None)
    for p in (1, 2, 3, 4):
        assert out[p].bad == (5,) and out[p].total.tolist() == _vtotals((1, 2, 3, 4, 5))


def test_verified_sum_refuses_other_fields() -> None:
    from mpc.errors import MPCTypeError
    from mpc.protocols import verified_sum

    out = run_in_process(lambda ctx: verified_sum(ctx, [1]), parties=2, threshold=2, field=P61)
    assert all(isinstance(r, MPCTypeError) for r in out.values())


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))),
       st.lists(st.sampled_from(["start", "input", "announce"]), max_size=6), st.randoms(use_true_random=False))
def test_secure_sum_is_the_plain_sum_or_a_named_abort(nt: tuple[int, int], rounds: list[str], rnd: random.Random) -> None:
    n, t = nt
    inputs = {p: [rnd.randrange(1000), rnd.randrange(1000)] for p in range(1, n + 1)}
    crash = {p: r for p, r in zip(rnd.sample(range(1, n + 1), min(len(rounds), n)), rounds)}
    out = run_in_process(lambda ctx: secure_sum(ctx, inputs[ctx.party], min_contributors=1), parties=n, threshold=t,
                         field=P61, timeout=0.3, crash=crash)
    live = [p for p in out if p not in crash]
    for p in live:
        r = out[p]
        if isinstance(r, ProtocolAbort):
            assert r.missing and set(r.missing) <= set(crash), r  # only crashed parties are blamed
        else:
            assert r.total.tolist() == [sum(inputs[q][i] for q in r.contributors) for i in range(2)]
            assert set(r.contributors) >= set(live) and not r.bad
    results = {str((out[p].total.tolist(), out[p].contributors)) for p in live if not isinstance(out[p], Exception)}
    assert len(results) <= 1  # the parties that finish agree


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=120))
def test_malformed_announcements_raise_only_frame_errors(data: bytes) -> None:
    from mpc.net import FrameError
    from mpc.protocols.base import unpack_ids
    from mpc.protocols.verified import _parse

    for parse in (lambda d: unpack_ids(d, (1, 2, 3)), lambda d: _parse(d, (1, 2, 3))):
        try:
            parse(data)
        except FrameError:
            pass  # the documented refusal; anything else fails the test


def test_verified_sum_commits_and_checks_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dealing (a batch of G1 multiplications) and checking the dealings (MSMs) run in
    worker threads: on the event loop, at 10^5 values, they would stall the network."""
    import threading

    from mpc.protocols import verified

    seen: dict[str, set[int]] = {}

    def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            seen.setdefault(name, set()).add(threading.get_ident())
            return fn(*args, **kwargs)
        return wrapped

    monkeypatch.setattr(verified, "_deal", spy("_deal", verified._deal))
    monkeypatch.setattr(verified, "_receive", spy("_receive", verified._receive))
    out = _vsum()
    assert all(r.total.tolist() == _vtotals((1, 2, 3, 4, 5)) for r in out.values())
    assert set(seen) == {"_deal", "_receive"}
    assert all(threading.get_ident() not in threads for threads in seen.values()), seen
