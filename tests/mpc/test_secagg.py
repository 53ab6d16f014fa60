"""Secure aggregation with dropouts (mpc.protocols.secagg): the total is the plain sum of
the inputs that were sent masked, whoever drops out when; every refusal is named."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any, Callable, Mapping

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from mpc.encoding import FixedPoint, IntegerEncoding
from mpc.errors import EncodingError, MPCTypeError, SecAggAbort, SecAggError, SecAggMessageError, SecAggShareError
from mpc.net import InProcessHub
from mpc.net.config import free_local_ports, write_local_config
from mpc.net.frames import Message, encode
from mpc.protocols import Context, Crashed, run_in_process
from mpc.protocols.secagg import SecAggReceipt, SecAggResult, decode_total, prg_mask, secure_aggregation

from ..conftest import ROOT

pytestmark = pytest.mark.twin_independent

ENC = FixedPoint(decimals=3, bound=Decimal(10 ** 6))
SERVER = 1
Tamper = Callable[[str, int, bytes], bytes]


def _inputs(clients: list[int], size: int, seed: int = 7) -> dict[int, list[Decimal]]:
    rnd = Random(seed)
    return {p: [Decimal(rnd.randrange(-10 ** 9, 10 ** 9)) / 1000 for _ in range(size)] for p in clients}


def _plain(inputs: Mapping[int, list[Decimal]], parties: tuple[int, ...]) -> list[Decimal]:
    return [sum((inputs[p][i] for p in parties), Decimal(0)) for i in range(len(next(iter(inputs.values()))))]


def _run(n: int, t: int, size: int, *, crash: Mapping[int, str] | None = None,
         tamper: Mapping[int, Tamper] | None = None, max_frame: int = 1 << 26,
         silent: tuple[int, ...] = (), timeout: float = 5.0) -> tuple[dict[int, Any], dict[int, list[Decimal]]]:
    """Server 1 and clients 2..n+1; ``crash`` disconnects a party after a round,
    ``tamper[p](tag, to, payload)`` rewrites what ``p`` sends, ``silent`` never start."""
    ids = list(range(1, n + 2))
    inputs = _inputs(ids[1:], size)

    async def main() -> dict[int, Any]:
        hub = InProcessHub(ids, session=bytes(range(16)), max_frame=max_frame)

        def hook(p: int) -> Callable[[str], None] | None:
            if p not in (crash or {}):
                return None

            def on_round(name: str) -> None:
                if name == crash[p]:  # type: ignore[index]
                    hub.disconnect(p)
                    raise Crashed(f"party {p} after {name}")
            return on_round

        async def one(p: int) -> Any:
            ctx = Context(hub.network(p), t, timeout=timeout, on_round=hook(p))
            if p in (tamper or {}):
                _wrap_send(ctx, tamper[p])  # type: ignore[index]
            try:
                if p in silent:
                    hub.disconnect(p)
                    return None
                return await secure_aggregation(ctx, inputs.get(p), server=SERVER, encoding=ENC, size=size)
            finally:
                hub.disconnect(p)

        out = await asyncio.gather(*(one(p) for p in ids), return_exceptions=True)
        return dict(zip(ids, out))

    return asyncio.run(main()), inputs


def _wrap_send(ctx: Context, fn: Tamper) -> None:
    send = ctx.net.send

    async def tampered(to: int, tag: str, payload: bytes) -> None:
        data = fn(tag, to, payload)
        if len(data) > ctx.net.max_frame:  # past the sender's own cap check, straight onto the wire
            ctx.net.hub.route(ctx.party, to, encode(Message(ctx.net.session, ctx.party, to, tag, data)))  # type: ignore[attr-defined]
            return
        await send(to, tag, data)
    ctx.net.send = tampered  # type: ignore[method-assign]


def _server(out: Mapping[int, Any]) -> SecAggResult:
    r = out[SERVER]
    assert isinstance(r, SecAggResult), r
    return r


def _told_it_was_left_out(err: Any, party: int) -> None:
    """A client the server left out for a malformed message hears so at once (it is not
    left waiting for a round that will not come, then blaming the server)."""
    assert isinstance(err, SecAggMessageError) and err.parties == (party,) and "left party" in str(err), err


def test_ten_clients_two_dropping_after_their_masked_input() -> None:
    out, inputs = _run(10, 6, 2000, crash={4: "masked", 9: "masked"})
    r = _server(out)
    everyone = tuple(range(2, 12))
    assert r.included == everyone and r.total == _plain(inputs, everyone)  # their masked inputs count
    assert r.dropped == () and r.bad == ()
    for p in everyone:
        if p not in (4, 9):
            assert isinstance(out[p], SecAggReceipt) and out[p].total == r.total and out[p].included == everyone
    assert isinstance(out[4], Crashed) and isinstance(out[9], Crashed)


@pytest.mark.parametrize("when,left_out_at", [("advertise", "share"), ("share", "masked")])
def test_clients_vanishing_before_their_masked_input_are_left_out_and_named(when: str, left_out_at: str) -> None:
    out, inputs = _run(6, 4, 300, crash={3: when, 6: when})
    r = _server(out)
    assert r.included == (2, 4, 5, 7) and r.total == _plain(inputs, (2, 4, 5, 7))
    assert r.dropped == ((3, left_out_at), (6, left_out_at))


def test_a_client_silent_from_the_start_is_left_out() -> None:
    out, inputs = _run(5, 3, 50, silent=(4,))
    r = _server(out)
    assert r.included == (2, 3, 5, 6) and r.total == _plain(inputs, (2, 3, 5, 6))
    assert r.dropped == ((4, "advertise"),)


@pytest.mark.parametrize("crash,round_name", [({p: "masked" for p in (2, 3, 4, 5)}, "unmask"),
                                              ({p: "advertise" for p in (2, 3, 4, 5)}, "share"),
                                              ({p: "share" for p in (2, 3, 4)}, "masked")])
def test_too_few_survivors_abort_naming_the_missing(crash: dict[int, str], round_name: str) -> None:
    out, _ = _run(6, 4, 20, crash=crash)
    err = out[SERVER]
    assert isinstance(err, SecAggAbort) and err.round == round_name
    assert set(err.parties) == set(crash)
    for p in range(2, 8):
        if p not in crash:
            assert isinstance(out[p], SecAggError), out[p]  # never a result without the server's total


def test_a_wrongly_sized_masked_input_leaves_its_sender_out() -> None:
    out, inputs = _run(5, 3, 40, tamper={3: lambda tag, to, d: d + bytes(8) if tag.endswith("/masked") else d})
    r = _server(out)
    assert r.bad == (3,) and r.included == (2, 4, 5, 6) and r.total == _plain(inputs, (2, 4, 5, 6))
    assert r.dropped == ()
    _told_it_was_left_out(out[3], 3)


def test_an_oversized_frame_is_refused_by_the_transport_and_its_sender_named() -> None:
    def oversized(tag: str, to: int, d: bytes) -> bytes:
        return d * 40 if tag.endswith("/masked") else d
    out, inputs = _run(5, 3, 40, tamper={5: oversized}, max_frame=4096, timeout=0.5)  # 5 stays connected
    r = _server(out)
    assert r.bad == (5,) and r.included == (2, 3, 4, 6) and r.total == _plain(inputs, (2, 3, 4, 6))
    _told_it_was_left_out(out[5], 5)


def test_an_oversized_frame_announced_in_a_header_is_refused_before_reading_it() -> None:
    hub = InProcessHub([1, 2], session=bytes(16), max_frame=4096)
    net = hub.network(1)
    frame = encode(Message(bytes(16), 2, 1, "secagg/masked", bytes(8000)))
    assert not net.deliver_frame(frame, 2)
    assert "exceeds the cap" in net.violations[0].reason


@pytest.mark.parametrize("round_name,cut", [("advertise", 1), ("share", 5), ("unmask", 3)])
def test_malformed_client_messages_leave_the_sender_out(round_name: str, cut: int) -> None:
    def truncate(tag: str, to: int, d: bytes) -> bytes:
        return d[:-cut] if tag.endswith("/" + round_name) else d
    out, inputs = _run(5, 3, 30, tamper={4: truncate})
    r = _server(out)
    assert 4 in r.bad
    included = (2, 3, 4, 5, 6) if round_name == "unmask" else (2, 3, 5, 6)  # its masked input was sent
    assert r.included == included and r.total == _plain(inputs, included)
    _told_it_was_left_out(out[4], 4)


def test_a_client_revealing_the_wrong_kind_of_share_is_left_out_of_the_unmasking() -> None:
    def flip_kind(tag: str, to: int, d: bytes) -> bytes:
        if not tag.endswith("/unmask"):
            return d
        b = bytearray(d)
        b[2] ^= 1  # the first record's kind: reveals s for a survivor (or b for a dropped one)
        return bytes(b)
    out, inputs = _run(5, 3, 30, tamper={2: flip_kind}, crash={6: "share"})
    r = _server(out)
    assert r.bad == (2,) and r.included == (2, 3, 4, 5) and r.total == _plain(inputs, (2, 3, 4, 5))
    _told_it_was_left_out(out[2], 2)


def _bump_share(tag: str, to: int, d: bytes) -> bytes:
    if not tag.endswith("/unmask"):
        return d
    b = bytearray(d)
    b[-1] ^= 1  # the last record's share value, off the polynomial
    return bytes(b)


def test_a_wrong_unmasking_share_is_corrected_and_named_when_shares_are_redundant() -> None:
    out, inputs = _run(7, 4, 30, tamper={3: _bump_share})
    r = _server(out)
    assert r.bad == (3,) and r.total == _plain(inputs, tuple(range(2, 9)))
    assert isinstance(out[3], SecAggReceipt) and out[3].total == r.total  # its input and its answer were used


def test_a_wrong_unmasking_share_at_the_threshold_is_caught_by_the_commitment() -> None:
    out, _ = _run(5, 3, 30, tamper={3: _bump_share}, crash={5: "masked", 6: "masked"})
    err = out[SERVER]
    assert isinstance(err, SecAggShareError) and err.parties[0] == 6 and err.round == "unmask"


def test_a_server_relaying_a_malformed_key_list_is_named_by_the_clients() -> None:
    out, _ = _run(4, 3, 10, tamper={SERVER: lambda tag, to, d: d[:-1] if tag.endswith("/keys") else d})
    for p in range(2, 6):
        assert isinstance(out[p], SecAggMessageError) and out[p].parties == (SERVER,)
    assert isinstance(out[SERVER], SecAggAbort)


def test_a_server_message_of_an_unknown_kind_is_refused() -> None:
    out, _ = _run(4, 3, 10, tamper={SERVER: lambda tag, to, d: b"\x07" + d[1:] if tag.endswith("/boxes") else d})
    for p in range(2, 6):
        assert isinstance(out[p], SecAggMessageError) and out[p].parties == (SERVER,) and "kind byte" in str(out[p])


def test_a_server_relaying_other_keys_for_a_client_is_named() -> None:
    def swap(tag: str, to: int, d: bytes) -> bytes:
        return d[:5] + bytes([d[5] ^ 1]) + d[6:] if tag.endswith("/keys") and to == 2 else d
    out, _ = _run(4, 3, 10, tamper={SERVER: swap})
    assert isinstance(out[2], SecAggMessageError) and out[2].parties == (SERVER,) and out[2].round == "advertise"


def test_a_share_box_that_fails_to_decrypt_names_its_sender_and_the_total_stays_right() -> None:
    def corrupt(tag: str, to: int, d: bytes) -> bytes:
        if not tag.endswith("/share"):
            return d
        b = bytearray(d)
        b[-1] ^= 1  # the last box (for party 6): its GCM tag fails
        return bytes(b)
    out, inputs = _run(5, 3, 30, tamper={3: corrupt})
    err = out[6]
    assert isinstance(err, SecAggMessageError) and err.parties == (3,) and err.round == "share"
    r = _server(out)
    assert r.included == (2, 3, 4, 5) and r.total == _plain(inputs, (2, 3, 4, 5)) and r.dropped == ((6, "masked"),)


def test_a_server_announcing_a_survivor_that_sent_no_shares_is_refused() -> None:
    def add_stranger(tag: str, to: int, d: bytes) -> bytes:
        return (d + (6).to_bytes(2, "big")) if tag.endswith("/survivors") else d
    out, _ = _run(5, 3, 10, tamper={SERVER: add_stranger}, crash={6: "advertise"})
    for p in (2, 3, 4, 5):
        assert isinstance(out[p], SecAggMessageError) and out[p].parties == (SERVER,) and out[p].round == "masked"


def test_a_vanished_server_is_named() -> None:
    out, _ = _run(3, 2, 10, crash={SERVER: "advertise"})
    for p in (2, 3, 4):
        assert isinstance(out[p], SecAggAbort) and out[p].parties == (SERVER,)


@pytest.mark.parametrize("kwargs,error", [
    (dict(threshold=2), SecAggAbort),  # not more than half of the 4 clients
    (dict(encoding=IntegerEncoding(2 ** 62)), EncodingError),  # 4 x 2^62 overflows the ring
    (dict(values=["1"] * 3), SecAggMessageError),
    (dict(values="12"), MPCTypeError),
    (dict(server=9), SecAggMessageError),
    (dict(size=0), MPCTypeError),
])
def test_bad_arguments_are_refused_before_any_message(kwargs: dict[str, Any], error: type[Exception]) -> None:
    args: dict[str, Any] = dict(threshold=3, encoding=ENC, values=["1", "2"], server=1, size=2)
    args.update(kwargs)

    async def job(ctx: Context) -> Any:
        if ctx.party != 2:
            return None
        return await secure_aggregation(ctx, args["values"], server=args["server"], encoding=args["encoding"],
                                        size=args["size"])
    out = run_in_process(job, parties=5, threshold=args["threshold"], timeout=1.0)
    assert isinstance(out[2], error), out[2]


def test_the_prg_is_a_deterministic_stream_of_words() -> None:
    a, b = prg_mask(b"\x01" * 32, 1000), prg_mask(b"\x01" * 32, 1000)
    assert a.dtype == np.uint64 and (a == b).all() and not (a == prg_mask(b"\x02" * 32, 1000)).all()
    assert (prg_mask(b"\x01" * 32, 10) == a[:10]).all()


_PARTY = """
import json, os, sys
from decimal import Decimal
from mpc.encoding import FixedPoint
from mpc.net.config import load_config
from mpc.protocols.party import run_party
from mpc.protocols.secagg import SecAggResult, secure_aggregation
cfg, me = load_config(sys.argv[1]), int(sys.argv[2])
values = [Decimal(me) / 4, Decimal(-me)] if me != 1 else None
def on_round(name):
    if me == 4 and name == "masked":
        os._exit(0)  # vanish after sending the masked input
enc = FixedPoint(decimals=2, bound=Decimal(100))
out = run_party(cfg, me, lambda ctx: secure_aggregation(ctx, values, server=1, encoding=enc, size=2), on_round=on_round)
r = out.result
doc = {"error": str(out.error)} if out.error else {"total": [str(x) for x in r.total], "included": list(r.included),
                                                   "server": isinstance(r, SecAggResult)}
print(json.dumps(doc))
"""


def test_parties_as_processes_over_tls_with_a_client_vanishing_after_its_masked_input(tmp_path: Path) -> None:
    cfg = write_local_config(tmp_path, n=5, threshold=3, ports=free_local_ports(5), round_timeout=10, connect_timeout=5)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = {p: subprocess.Popen([sys.executable, "-c", _PARTY, str(cfg), str(p)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env) for p in range(1, 6)}
    out = {p: proc.communicate(timeout=60) for p, proc in procs.items()}
    docs = {p: json.loads(o) for p, (o, e) in out.items() if o.strip()}
    assert 4 not in docs
    total = ["3.50", "-14.00"]  # (2 + 3 + 4 + 5) / 4 and -(2 + 3 + 4 + 5): party 4's input counts
    assert docs[1] == {"total": total, "included": [2, 3, 4, 5], "server": True}, out[1]
    assert all(docs[p] == {"total": total, "included": [2, 3, 4, 5], "server": False} for p in (2, 3, 5)), out


def test_a_client_the_server_leaves_out_of_the_survivors_refuses_to_unmask() -> None:
    def drop_two(tag: str, to: int, d: bytes) -> bytes:
        return d[:1] + d[3:] if tag.endswith("/survivors") and to == 2 else d  # the list without party 2
    out, _ = _run(4, 3, 10, tamper={SERVER: drop_two})
    err = out[2]
    assert isinstance(err, SecAggMessageError) and err.parties == (SERVER,) and err.round == "masked"
    assert "left this client out" in str(err)


@pytest.mark.parametrize("encoding", [ENC, FixedPoint(decimals=0, bound=Decimal(10 ** 12)), IntegerEncoding(10 ** 15)])
def test_decoding_a_total_agrees_with_the_encoding(encoding: Any) -> None:
    rnd = Random(3)
    limit = 3 * encoding.max_encoded
    raw = np.array([0, 1, -1, limit, -limit] + [rnd.randrange(-limit, limit + 1) for _ in range(200)], dtype=np.int64)
    got = decode_total(encoding, raw, 3)
    want = [encoding.decode(int(m), terms=3) for m in raw]
    assert got == want and [str(g) for g in got] == [str(w) for w in want]
    for bad in (limit + 1, -limit - 1):
        with pytest.raises(EncodingError):
            decode_total(encoding, np.array([0, bad], dtype=np.int64), 3)


def test_pre_encoded_arrays_are_summed_and_checked_against_the_bound() -> None:
    enc = IntegerEncoding(1000)
    arrays = {2: np.array([5, -7, 1000]), 3: np.array([-1000, 2, 3], dtype=np.int32), 4: np.array([1, 1, 1], dtype=np.uint8)}
    out = run_in_process(lambda ctx: secure_aggregation(ctx, arrays.get(ctx.party), server=1, encoding=enc, size=3),
                         parties=4, threshold=2)
    assert out[1].total == [-994, -4, 1004]  # type: ignore[union-attr]
    arrays[3] = np.array([1001, 0, 0])
    out = run_in_process(lambda ctx: secure_aggregation(ctx, arrays.get(ctx.party), server=1, encoding=enc, size=3),
                         parties=4, threshold=2)
    assert isinstance(out[3], EncodingError)
    arrays[3] = np.array([2 ** 64 - 1, 0, 0], dtype=np.uint64)  # not -1: an unsigned word beyond int64
    out = run_in_process(lambda ctx: secure_aggregation(ctx, arrays.get(ctx.party), server=1, encoding=enc, size=3),
                         parties=4, threshold=2)
    assert isinstance(out[3], EncodingError)


@settings(max_examples=12, deadline=None)
@example(5, ["share", "advertise", "unmask"], Random(1))  # always one vanishing between its shares and its input
@given(st.integers(3, 7), st.lists(st.sampled_from(["advertise", "share", "masked", "unmask"]), max_size=7),
       st.randoms(use_true_random=False))
def test_the_total_is_the_plain_sum_of_the_included_or_a_named_abort(n: int, rounds: list[str], rnd: Random) -> None:
    t = n // 2 + 1
    k = min(len(rounds), n - t + rnd.randrange(2))  # mostly within what the threshold tolerates, sometimes one more
    crash = {p: r for p, r in zip(rnd.sample(range(2, n + 2), k), rounds)}
    out, inputs = _run(n, t, 5, crash=crash, timeout=0.5)
    r = out[SERVER]
    if isinstance(r, SecAggAbort):
        assert r.parties and set(r.parties) <= set(crash), r  # only vanished clients are blamed
        return
    assert isinstance(r, SecAggResult), r
    assert r.total == _plain(inputs, r.included) and not r.bad
    sent_masked = {p for p in range(2, n + 2) if crash.get(p) not in ("advertise", "share")}
    assert set(r.included) == sent_masked  # exactly the clients that sent their masked input
    assert {p for p, _ in r.dropped} == set(range(2, n + 2)) - sent_masked


def test_a_low_order_public_key_is_refused_by_the_server() -> None:
    def zero_key(tag: str, to: int, d: bytes) -> bytes:
        return d[:32] + bytes(32) + d[64:] if tag.endswith("/advertise") else d  # s_u: the all-zero point
    out, inputs = _run(4, 3, 10, tamper={3: zero_key})
    r = _server(out)
    assert r.bad == (3,) and r.included == (2, 4, 5) and r.total == _plain(inputs, (2, 4, 5))
    _told_it_was_left_out(out[3], 3)


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.secagg import main

    assert main(["--clients", "4", "--values", "200", "--dropouts", "1"]) == 0
    assert "total == plain sum of the 4 masked inputs: True" in capsys.readouterr().out
