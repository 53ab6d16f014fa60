"""Secure aggregation with dropouts (Bonawitz et al., CCS 2017, "Practical Secure
Aggregation for Privacy-Preserving Machine Learning"), semi-honest version.

A server and ``n`` clients; the server learns the sum of the clients' vectors and nothing
else, and the sum is still right when clients drop out. Every message goes through the
server (a star: the clients need no links to each other). Four rounds:

0. **advertise**: client ``u`` sends two X25519 public keys, ``c_u`` (to encrypt what it
   sends to the others) and ``s_u`` (to agree on pairwise masks), and a hash commitment to
   its self-mask seed ``b_u``. The server forwards the list ``U1`` of those who did.
1. **share**: ``u`` Shamir-shares (threshold ``t``, over BN254's Fr, a 32-byte secret as
   two 128-bit elements) its ``s_u`` private key and ``b_u`` among ``U1``, and sends each
   ``v`` its two shares under AES-GCM keyed by X25519(``c_u``, ``c_v``), through the server.
   ``U2``: the clients whose shares arrived.
2. **masked**: ``u`` sends ``y_u = x_u + PRG(b_u) + sum_{v in U2, v != u} +-PRG(s_uv)``
   (``+`` when ``u < v``), ``s_uv`` the X25519 agreement of ``s_u`` and ``s_v``; the
   pairwise masks cancel in the sum. ``U3``: the clients whose masked input arrived.
3. **unmask**: each ``u`` in ``U3`` reveals its share of ``b_v`` for every ``v`` in ``U3``
   and of ``s_v``'s key for every ``v`` in ``U2 - U3`` (never both for one ``v``). With
   ``t`` answers the server rebuilds them, checks each against what its owner committed to
   in round 0 (the hash of ``b_v``; the public key ``s_v``), removes the self masks of
   ``U3`` and the pairwise masks that the dropped clients of ``U2 - U3`` left behind,
   and sends the total back to the clients of ``U3`` (a client thus knows the run finished).

The total is the sum of the inputs of ``U3``: a client that sent its masked input counts,
even when it vanishes before unmasking (as in the paper). Values are fixed-point or integer
encodings (:mod:`mpc.encoding`) summed in the ring ``Z_{2^64}``: every PRG output word is
a uniform mask there, so a masked input is uniformly distributed; the encoding's bound
times the number of clients must stay below ``2^63`` (checked before any message).
The PRG is ChaCha20 keyed by SHA-256 of the seed, the session and the pair.

What goes wrong is named, never summed: a client that vanishes before its masked input is
left out (named in :attr:`SecAggResult.dropped`); a malformed, wrongly sized or oversized
message leaves its sender out (:attr:`SecAggResult.bad`) while that is still possible, and
fewer than ``t`` clients in any round abort with :class:`~mpc.errors.SecAggAbort` naming the
missing ones; a client that receives a malformed message or a share that fails to decrypt
raises :class:`~mpc.errors.SecAggMessageError` naming its sender; shares that rebuild a
secret other than the committed one raise :class:`~mpc.errors.SecAggShareError`.

    >>> from decimal import Decimal
    >>> from mpc.encoding import FixedPoint
    >>> from mpc.protocols import run_in_process
    >>> enc = FixedPoint(decimals=2, bound=Decimal(1000))
    >>> inputs = {2: ["1.50", "-2"], 3: ["0.25", "4"], 4: ["10", "0.01"]}
    >>> job = lambda ctx: secure_aggregation(ctx, inputs.get(ctx.party), server=1, encoding=enc, size=2)
    >>> out = run_in_process(job, parties=4, threshold=2)
    >>> out[1].total, out[1].included
    ([Decimal('11.75'), Decimal('2.01')], (2, 3, 4))
    >>> out[2].total == out[1].total
    True

Security: semi-honest server and clients (the paper's honest-but-curious protocol; the
optional consistency-check round against an actively malicious server, which needs
signatures and a PKI, is not implemented). ``t`` must be more than half the clients, so
the server cannot gather both the ``b_v`` and the ``s_v`` shares of a client from two
disjoint groups. The X25519 keys are fresh per run; nothing is reused across sessions.
Arithmetic is not constant time.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any, Mapping, Sequence, Union

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .._intmath import Rng
from ..encoding import Encoding, check_capacity
from ..errors import EncodingError, MPCTypeError, SecAggAbort, SecAggMessageError, SecAggShareError
from ..net.errors import NetworkError
from ..sharing.shamir import Share
from .base import Context, pack_ids
from .secagg_parts import (_ADV, _BOX, _ID, _KEY, _NEXT, _SHARE, _UNMASK, RING_BITS, ROUNDS, _agree, _box_key,
                           _commit, _encode_input, _nonce, _pack_records, _pair_mask, _pub, _rebuild, _records,
                           _Run, _self_mask, _share_of, _split_secret, decode_total, prg_mask)

__all__ = ["SecAggResult", "SecAggReceipt", "secure_aggregation", "secagg_server", "secagg_client",
           "ROUNDS", "RING_BITS", "prg_mask", "decode_total"]


@dataclass(frozen=True)
class SecAggResult:
    """The server's result: the decoded ``total`` (``raw``: the ring sum as signed ints),
    the clients whose inputs it includes, those that ``dropped`` out (with the round they
    did not answer) and those caught sending malformed messages (left out of the round)
    or wrong unmasking shares (corrected by robust decoding): ``bad``."""

    total: list[Any]
    raw: Any
    included: tuple[int, ...]
    dropped: tuple[tuple[int, str], ...]
    bad: tuple[int, ...]


@dataclass(frozen=True)
class SecAggReceipt:
    """A client's view: the total the server sent back (decoded, and ``raw``) and the
    clients whose inputs it includes."""

    total: list[Any]
    raw: Any
    included: tuple[int, ...]



# --- client -----------------------------------------------------------------------------------

async def _from_server(run: _Run, rnd: str) -> bytes:
    """The server's message for ``rnd`` (after its kind byte), or its notice that it left
    this client out (kind 1: see :data:`_NEXT`)."""
    try:  # the server may wait a whole round timeout for the slowest client before it answers
        data = await run.ctx.net.recv(run.server, run.name(rnd), timeout=2 * run.ctx.timeout)
    except NetworkError as exc:
        raise SecAggAbort(f"secure aggregation: the server (party {run.server}) did not send {rnd!r}: {exc}",
                          parties=(run.server,), round=rnd) from None
    if data[:1] == b"\x01":
        me = run.ctx.party
        raise SecAggMessageError(f"the server (party {run.server}) left party {me} out for a malformed message: "
                                 f"{data[1:301].decode('ascii', 'replace')}", parties=(me,), round=rnd)
    if data[:1] != b"\x00":
        raise SecAggMessageError(f"{rnd} from the server (party {run.server}): expected a kind byte 0 or 1",
                                 parties=(run.server,), round=rnd)
    return data[1:]


async def _to_client(run: _Run, p: int, rnd: str, payload: bytes) -> None:
    await run.ctx.net.send(p, run.name(rnd), b"\x00" + payload)


def _need(run: _Run, got: Sequence[int] | frozenset[int], rnd: str, who: int) -> None:
    if len(got) < run.t:
        missing = tuple(p for p in run.clients if p not in got)
        raise SecAggAbort(f"secure aggregation: {len(got)} clients left in round {rnd!r}, {run.t} (the threshold) "
                          f"needed; missing: {list(missing)}", parties=missing, round=rnd)
    if who not in got and who != run.server:
        raise SecAggMessageError(f"round {rnd!r}: the server (party {run.server}) left this client out",
                                 parties=(run.server,), round=rnd)


def _check_keys(run: _Run, keys: Mapping[int, bytes], mine: bytes) -> None:
    me = run.ctx.party
    if keys.get(me) != mine:
        raise SecAggMessageError(f"advertise: the server (party {run.server}) relayed other keys for this client",
                                 parties=(run.server,), round="advertise")
    seen = [k[i:i + _KEY] for k in keys.values() for i in (0, _KEY)]
    if len(set(seen)) != len(seen):
        raise SecAggMessageError("advertise: two advertised keys are equal (expected distinct keys)",
                                 parties=(run.server,), round="advertise")


def _open_boxes(run: _Run, boxes: Mapping[int, bytes], keys: Mapping[int, bytes], c_priv: bytes) -> dict[int, bytes]:
    me, out = run.ctx.party, {}
    for v, box in boxes.items():
        try:
            plain = _box_key(run, c_priv, keys[v][:_KEY], v).decrypt(_nonce(v, me), box, run.ctx.net.session)
        except InvalidTag:
            plain = b""
        if plain[:4] != _ID.pack(v) + _ID.pack(me):
            raise SecAggMessageError(f"share: the shares from party {v} do not decrypt (or not for this pair)",
                                     parties=(v,), round="share")
        out[v] = plain[4:]
    return out


async def secagg_client(ctx: Context, values: object, *, server: int, encoding: Encoding, size: int | None = None,
                        tag: str = "secagg", rng: Rng | None = None) -> SecAggReceipt:
    """Client ``ctx.party``'s part: mask ``values`` (``size`` of them, each within
    ``encoding``; a numpy integer array is taken as already encoded) and help the server unmask the total. Returns the total the server sent
    back and which clients it includes. ``on_round`` of ``ctx`` runs after each of :data:`ROUNDS`.

    Raises:
        SecAggAbort: the server went silent, or fewer than ``threshold`` clients remain.
        SecAggMessageError: a malformed message, naming its sender (the server, or the
            client whose encrypted shares fail to decrypt).
    """
    size = len(values) if size is None else size  # type: ignore[arg-type]
    run = _Run(ctx, server, size, tag)
    _check_setup(run, encoding)
    x = _encode_input(values, encoding, size)
    me = ctx.party
    c_key, s_key, b = X25519PrivateKey.generate(), X25519PrivateKey.generate(), _random_seed(rng)
    c_priv, s_priv = c_key.private_bytes_raw(), s_key.private_bytes_raw()
    mine = _pub(c_key) + _pub(s_key) + _commit(run, b, me)
    await ctx.net.send(server, run.name("advertise"), mine)
    await ctx.done("advertise")
    keys = _records(await _from_server(run, "keys"), _ADV, run.clients, server, "key list", "advertise")
    _need(run, list(keys), "advertise", me)
    _check_keys(run, keys, mine)
    s_shares = _split_secret(s_priv, sorted(keys), run.t, rng)
    b_shares = _split_secret(b, sorted(keys), run.t, rng)
    boxes = {v: _box_key(run, c_priv, keys[v][:_KEY], v).encrypt(
        _nonce(me, v), _ID.pack(me) + _ID.pack(v) + s_shares[v] + b_shares[v], ctx.net.session)
        for v in keys if v != me}
    await ctx.net.send(server, run.name("share"), _pack_records(boxes))
    await ctx.done("share")
    held = _open_boxes(run, _records(await _from_server(run, "boxes"), _BOX, list(keys), server,
                                     "shares", "share"), keys, c_priv)
    held[me] = s_shares[me] + b_shares[me]
    u2 = frozenset(held)
    _need(run, list(u2), "share", me)
    y = x + _self_mask(run, b, me)
    for v in sorted(u2 - {me}):
        y += _pair_mask(run, s_priv, keys[v][_KEY:2 * _KEY], me, v)
    await ctx.net.send(server, run.name("masked"), y.astype("<u8").tobytes())
    await ctx.done("masked")
    u3 = _survivors(run, await _from_server(run, "survivors"), u2)
    reveal = {v: (b"\x01" + held[v][_SHARE:] if v in u3 else b"\x00" + held[v][:_SHARE]) for v in u2}
    await ctx.net.send(server, run.name("unmask"), _pack_records(reveal))
    await ctx.done("unmask")
    data = await _from_server(run, "result")
    raw = _parse_masked(run, server, data, "result").view(np.int64)
    return SecAggReceipt(_decode(encoding, raw, len(u3), server), raw, tuple(sorted(u3)))


def _decode(encoding: Encoding, raw: Any, terms: int, who: int) -> list[Any]:
    try:
        return decode_total(encoding, raw, terms)
    except EncodingError as exc:
        raise SecAggMessageError(f"result: {exc} (from party {who})", parties=(who,), round="result") from None


def _survivors(run: _Run, data: bytes, u2: frozenset[int]) -> frozenset[int]:
    ids = _records(data, 0, sorted(u2), run.server, "survivor list", "masked")
    u3 = frozenset(ids)
    _need(run, list(u3), "masked", run.ctx.party)
    return u3


def _random_seed(rng: Rng | None) -> bytes:
    return secrets.token_bytes(_KEY) if rng is None else rng.getrandbits(8 * _KEY).to_bytes(_KEY, "big")


def _check_setup(run: _Run, encoding: Encoding) -> None:
    n = len(run.clients)
    if run.server not in run.ctx.parties:
        raise SecAggMessageError(f"server: expected one of the parties {list(run.ctx.parties)}, found {run.server!r}")
    if isinstance(run.size, bool) or not isinstance(run.size, int) or not 1 <= run.size <= 1 << 24:
        raise MPCTypeError(f"size: expected an int in [1, 2^24], found {run.size!r}")
    if not n // 2 < run.t <= n:
        raise SecAggAbort(f"threshold: expected more than half of the {n} clients and at most {n}, found {run.t}")
    check_capacity(encoding, n, (1 << (RING_BITS - 1)) - 1)


# --- server -----------------------------------------------------------------------------------

class _Ledger:
    """Who dropped out (and when) and who misbehaved, as the server sees it."""

    def __init__(self) -> None:
        self.dropped: dict[int, str] = {}
        self.bad: set[int] = set()

    def collect(self, run: _Run, rnd: str, got: Mapping[int, bytes], expected: Sequence[int]) -> None:
        for p in expected:
            if p not in got and p not in self.bad:
                if run.ctx.net.violations.total(p):
                    self.bad.add(p)  # its frame was refused by the transport (oversized, malformed)
                else:
                    self.dropped[p] = rnd


async def _gather(run: _Run, ledger: _Ledger, rnd: str, expected: Sequence[int], parse: Any) -> dict[int, Any]:
    got = await run.ctx.net.gather(run.name(rnd), expected, timeout=run.ctx.timeout)
    ledger.collect(run, rnd, got, expected)
    out, refused = {}, {p: "a frame the transport refused" for p in expected if p in ledger.bad and p not in got}
    for p, data in got.items():
        try:
            out[p] = parse(p, data)
        except (SecAggMessageError, ValueError) as exc:
            ledger.bad.add(p)
            refused[p] = str(exc)
    for p, why in refused.items():  # tell the client, which would otherwise wait for the next round
        await run.ctx.net.send(p, run.name(_NEXT[rnd]), b"\x01" + why.encode("ascii", "replace")[:300])
    if len(out) < run.t:
        missing = tuple(p for p in expected if p not in out)
        raise SecAggAbort(f"secure aggregation: {len(out)} clients answered correctly in round {rnd!r}, {run.t} "
                          f"(the threshold) needed; missing or malformed: {list(missing)}", parties=missing, round=rnd)
    return out


def _parse_masked(run: _Run, p: int, data: bytes, rnd: str = "masked") -> Any:
    if len(data) != 8 * run.size:
        raise SecAggMessageError(f"{rnd} from party {p}: expected {8 * run.size} bytes, found {len(data)}",
                                 parties=(p,), round=rnd)
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


def _parse_unmask(run: _Run, p: int, data: bytes, u2: frozenset[int], u3: frozenset[int]) -> dict[int, Share]:
    recs = _records(data, _UNMASK - 2, sorted(u2), p, "unmasking shares", "unmask")
    if set(recs) != u2 or any(r[0] != (v in u3) for v, r in recs.items()):
        raise SecAggMessageError(f"unmasking shares from party {p}: expected one share for each of {sorted(u2)}, "
                                 f"of b for the survivors {sorted(u3)} and of s for the others", parties=(p,), round="unmask")
    return {v: _share_of(p, r[1:], run.t) for v, r in recs.items()}


async def _unmask(run: _Run, ledger: _Ledger, keys: Mapping[int, bytes], u2: frozenset[int],
                  u3: frozenset[int]) -> tuple[Any, frozenset[int]]:
    """The correction that removes the masks, and the clients whose answers were used."""
    answers = await _gather(run, ledger, "unmask", sorted(u3),
                            lambda p, d: _parse_unmask(run, p, d, u2, u3))
    correction = np.zeros(run.size, dtype=np.uint64)
    for v in sorted(u2):
        secret = _rebuild_checked(run, ledger, v, [a[v] for _, a in sorted(answers.items())], keys[v], v in u3)
        if v in u3:
            correction -= _self_mask(run, secret, v)
        else:
            for u in sorted(u3):  # u added +-PRG(s_uv); v's view of the pair has the opposite sign
                correction += _pair_mask(run, secret, keys[u][_KEY:2 * _KEY], v, u)
    return correction, frozenset(answers)


def _rebuild_checked(run: _Run, ledger: _Ledger, v: int, shares: list[Share], key: bytes, is_b: bool) -> bytes:
    secret, wrong = _rebuild(shares, run.t)
    ledger.bad.update(wrong)
    ok = secret is not None and (_commit(run, secret, v) == key[2 * _KEY:] if is_b else
                                 _pub(X25519PrivateKey.from_private_bytes(secret)) == key[_KEY:2 * _KEY])
    if not ok:
        what = "self-mask seed b" if is_b else "masking key s"
        raise SecAggShareError(f"unmask: the shares of party {v}'s {what} rebuild a value other than the one it "
                               f"committed to; wrong shares found from: {list(wrong)}", parties=(v, *wrong), round="unmask")
    return secret  # type: ignore[return-value]


async def secagg_server(ctx: Context, *, encoding: Encoding, size: int, tag: str = "secagg") -> SecAggResult:
    """The server's part (``ctx.party`` is the server): relay, collect, unmask. The other
    parties of ``ctx`` are the clients.

    Raises:
        SecAggAbort: fewer than ``threshold`` clients answered (correctly) in a round.
        SecAggShareError: the unmasking shares rebuild a secret other than the committed one.
    """
    run = _Run(ctx, ctx.party, size, tag)
    _check_setup(run, encoding)
    ledger = _Ledger()
    keys = await _gather(run, ledger, "advertise", run.clients, lambda p, d: _check_advert(_exact(d, _ADV, p, "advertise"), p))
    await asyncio.gather(*(_to_client(run, p, "keys", _pack_records(keys)) for p in sorted(keys)))
    await ctx.done("advertise")
    u1 = sorted(keys)
    boxes = await _gather(run, ledger, "share", u1,
                          lambda p, d: _expect_ids(_records(d, _BOX, u1, p, "shares", "share"), set(u1) - {p}, p))
    await _relay_boxes(run, boxes)
    await ctx.done("share")
    u2 = frozenset(boxes)
    masked = await _gather(run, ledger, "masked", sorted(u2), lambda p, d: _parse_masked(run, p, d))
    u3 = frozenset(masked)
    await asyncio.gather(*(_to_client(run, p, "survivors", pack_ids(u3)) for p in sorted(u3)))
    await ctx.done("masked")
    total = np.zeros(size, dtype=np.uint64)
    for p in sorted(u3):
        total += masked[p]
    correction, answered = await _unmask(run, ledger, keys, u2, u3)
    total += correction
    raw = total.view(np.int64)
    decoded = decode_total(encoding, raw, len(u3))
    await asyncio.gather(*(_to_client(run, p, "result", total.astype("<u8").tobytes()) for p in sorted(answered)))
    await ctx.done("unmask")
    dropped = tuple(sorted((p, r) for p, r in ledger.dropped.items() if p not in u3))
    return SecAggResult(decoded, raw, tuple(sorted(u3)), dropped, tuple(sorted(ledger.bad)))


async def _relay_boxes(run: _Run, boxes: Mapping[int, Mapping[int, bytes]]) -> None:
    for v in sorted(boxes):
        await _to_client(run, v, "boxes", _pack_records({u: boxes[u][v] for u in boxes if u != v}))


def _exact(data: bytes, width: int, p: int, rnd: str) -> bytes:
    if len(data) != width:
        raise SecAggMessageError(f"{rnd} from party {p}: expected {width} bytes, found {len(data)}",
                                 parties=(p,), round=rnd)
    return data


def _check_advert(data: bytes, p: int) -> bytes:
    """Refuse low-order X25519 keys (every agreement with them is all zeros), which would
    make every other client abort when it masks."""
    probe = X25519PrivateKey.generate()
    for i in (0, _KEY):
        _agree(probe.private_bytes_raw(), data[i:i + _KEY], p)
    return data


def _expect_ids(recs: dict[int, bytes], ids: set[int], p: int) -> dict[int, bytes]:
    if set(recs) != ids:
        raise SecAggMessageError(f"shares from party {p}: expected one for each of {sorted(ids)}, found {sorted(recs)}",
                                 parties=(p,), round="share")
    return recs


async def secure_aggregation(ctx: Context, values: object | None, *, server: int, encoding: Encoding, size: int,
                             tag: str = "secagg", rng: Rng | None = None) -> Union[SecAggResult, SecAggReceipt]:
    """Run the server's part when ``ctx.party == server`` (``values`` is then ``None``),
    else the client's: one function for :func:`~mpc.protocols.run_in_process`."""
    if ctx.party == server:
        return await secagg_server(ctx, encoding=encoding, size=size, tag=tag)
    return await secagg_client(ctx, values, server=server, encoding=encoding, size=size, tag=tag, rng=rng)
