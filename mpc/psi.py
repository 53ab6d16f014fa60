"""Private set intersection: cardinality and intersection-sum, as Google's Private Join
and Compute does it (Ion et al., "On Deploying Secure Computing: Private
Intersection-Sum-with-Cardinality", EuroS&P 2020), with a minimum-intersection threshold.

Party 1 holds identifiers; party 2 holds identifiers, each with an integer value (or none:
cardinality only). Both pick a secret exponent (``k1``, ``k2``) in BN254's scalar field.

1. **p1**: party 1 sends ``H(v)^k1`` for its identifiers, shuffled.
2. **p2**: party 2 raises those to ``k2`` and sends them back shuffled (``Z``), then its own
   ``H(w)^k2`` with the Paillier encryption of ``w``'s value (public key first), shuffled.
3. **result**: party 1 raises party 2's points to ``k1``; those in ``Z`` are the common
   identifiers (``H^{k1 k2}`` commutes). If there are fewer than ``min_intersection`` it
   sends only "below the threshold"; else the count and the homomorphic sum of the matching
   ciphertexts, rerandomised. Party 2 decrypts the sum.

Party 1 learns the size of party 2's set and the cardinality; party 2 learns the size of
party 1's set, the cardinality and the sum, nothing about which identifiers matched. Below
the threshold both raise :class:`~mpc.errors.PSIThresholdError` and neither the sum nor the
count leaves party 1 (party 1's code compares the count: the protocol gives it that much).

The group is BN254's G1 (prime order, cofactor 1), through the ``zkp`` kernels
(:func:`blind`: one fixed scalar times a batch of points, both cores in C). Identifiers are
hashed to G1 by try-and-increment: ``x = SHA-512(domain, identifier, counter) mod p`` for
counter 0, 1, ... until ``x^3 + 3`` is a square, ``y`` its square root below ``p/2``
(about two tries on average; variable time in the identifier).

    >>> import asyncio
    >>> from mpc import paillier
    >>> from mpc.net import InProcessHub
    >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
    >>> async def demo():
    ...     hub = InProcessHub([1, 2], session=bytes(16))
    ...     return await asyncio.gather(
    ...         psi_party1(hub.network(1), ["ann", "bob", "eve"], peer=2, min_intersection=2, insecure=True),
    ...         psi_party2(hub.network(2), {"bob": 10, "eve": 32, "joe": 5}, peer=1, min_intersection=2, private_key=sk))
    >>> asyncio.run(demo())
    [PSIResult(cardinality=2, intersection_sum=None), PSIResult(cardinality=2, intersection_sum=42)]

Per category (:func:`psi_categories_party1`, :func:`psi_categories_party2`): party 1's
identifiers split into agreed categories, one run gives each category's cardinality and
intersection-sum (a category below the threshold withheld), party 2's set blinded and
encrypted once.

Security: semi-honest parties (as in the paper); DDH in G1 and SHA-512 as a random oracle.
A malicious party could send the same point twice or points of its choice; duplicates and
points off the curve are refused, nothing more is checked. Not constant time.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import struct
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar, Union

import gmpy2

from zkp import kernels
from zkp.field import P as _Q, R as _R

from ._intmath import Rng
from .errors import InvalidCiphertextError, InvalidKeyError, MPCTypeError, PSIError, PSIMessageError, PSIThresholdError
from .net.errors import NetworkError
from .net.network import Network
from .paillier import Ciphertext, PrivateKey, PublicKey, RandomnessPool, encrypt_many, sum_

__all__ = ["PSIResult", "psi_party1", "psi_party2", "hash_to_g1", "blind", "random_exponent", "POINT_BYTES",
           "MAX_ITEMS", "CHUNK_BYTES", "psi_categories_party1", "psi_categories_party2", "MAX_CATEGORIES"]

Identifier = Union[str, bytes, int]
POINT_BYTES = 64
MAX_ITEMS = 1 << 22       # the largest set a party accepts from its peer (refused before reading it)
CHUNK_BYTES = 8 << 20     # records per frame: at most this many bytes
_DOMAIN = b"zkmpc/psi/hash-to-G1/v1"
_SQRT_EXP = gmpy2.mpz((_Q + 1) // 4)  # p = 3 mod 4
_HALF = _Q // 2
_COUNT = struct.Struct(">II")


@dataclass(frozen=True)
class PSIResult:
    """What a party learns: the intersection's size and (party 2, when it has values)
    the sum of its values over the intersection."""

    cardinality: int
    intersection_sum: int | None


def _id_bytes(x: object) -> bytes:
    if isinstance(x, bytes):
        return b"b" + x
    if isinstance(x, str):
        return b"s" + x.encode("utf-8")
    if isinstance(x, int) and not isinstance(x, bool):
        return b"i" + str(x).encode()
    raise MPCTypeError(f"identifier: expected str, bytes or int, found {type(x).__name__}")


def _hash_one(ident: bytes) -> bytes:
    prefix = len(ident).to_bytes(4, "big") + ident
    for counter in range(256):
        digest = hashlib.sha512(_DOMAIN + prefix + bytes([counter])).digest()
        x = gmpy2.mpz(int.from_bytes(digest, "big")) % _Q
        rhs = (x * x * x + 3) % _Q
        if gmpy2.legendre(rhs, _Q) == 1:  # a nonzero square: one root below p/2 (the cheap test first)
            y = gmpy2.powmod(rhs, _SQRT_EXP, _Q)
            y = y if y <= _HALF else _Q - y
            return int(x).to_bytes(32, "big") + int(y).to_bytes(32, "big")
    raise PSIError("hash to G1: no square in 256 tries (probability 2^-256)")  # pragma: no cover


def hash_to_g1(identifiers: Iterable[Identifier]) -> bytes:
    """The G1 points (64 bytes each, ``x || y`` big-endian) of ``identifiers``, in order.

        >>> p = hash_to_g1(["alice"])
        >>> len(p), p == hash_to_g1(["alice"]), p == hash_to_g1([b"alice"])
        (64, True, False)
    """
    return b"".join(_hash_one(_id_bytes(x)) for x in identifiers)


def random_exponent(rng: Rng | None = None) -> int:
    """A uniform exponent in ``[1, r)`` (``secrets`` unless ``rng`` is given)."""
    if rng is None:
        import secrets
        return 1 + secrets.randbelow(_R - 1)
    return 1 + rng.getrandbits(320) % (_R - 1)


def blind(points: bytes, k: int) -> bytes:
    """Every point of ``points`` times the scalar ``k`` (the C kernel runs on both cores).

        >>> a, b = random_exponent(), random_exponent()
        >>> p = hash_to_g1([1, 2])
        >>> blind(blind(p, a), b) == blind(blind(p, b), a)
        True
    """
    if not points:
        return b""
    return kernels.g1_multiply(points, k)


def _shuffled(records: Sequence[bytes], rng: Rng | None) -> list[bytes]:
    out = list(records)
    (random.SystemRandom() if rng is None else rng).shuffle(out)  # type: ignore[attr-defined]
    return out


def _split(blob: bytes, width: int) -> list[bytes]:
    return [blob[i:i + width] for i in range(0, len(blob), width)]


def _distinct(ids: Iterable[Identifier], what: str) -> list[bytes]:
    raw = [_id_bytes(x) for x in ids]
    if len(set(raw)) != len(raw):
        raise PSIError(f"{what}: expected distinct identifiers, found {len(raw) - len(set(raw))} repeated")
    if len(raw) > MAX_ITEMS:
        raise PSIError(f"{what}: {len(raw)} identifiers, at most {MAX_ITEMS}")
    return raw


# --- heavy work off the event loop -----------------------------------------------------------

_T = TypeVar("_T")


async def _off_loop(fn: Callable[..., _T], *args: Any) -> _T:
    """``fn(*args)`` in a worker thread: hashing, blinding and encrypting 10^5 values take
    seconds, and meanwhile the event loop keeps serving the network (TLS handshakes, pings,
    frames), so the peer never takes this party for gone."""
    return await asyncio.to_thread(fn, *args)


def _hash_blind(ids: Sequence[bytes], k: int) -> list[bytes]:
    return _split(blind(b"".join(map(_hash_one, ids)), k), POINT_BYTES)


def _check_blind(points: Sequence[bytes], frm: int, what: str, k: int) -> list[bytes]:
    return _split(blind(_check_points(points, frm, what), k), POINT_BYTES)


def _ciphertexts(key: PublicKey, records: Sequence[bytes], peer: int) -> list[Ciphertext]:
    return [_ciphertext(key, r[POINT_BYTES:], peer) for r in records]


# --- transport: a record list in chunks ------------------------------------------------------

async def _send_records(net: Network, to: int, tag: str, records: Sequence[bytes], width: int) -> None:
    per = max(1, CHUNK_BYTES // width)
    chunks = [b"".join(records[i:i + per]) for i in range(0, len(records), per)]
    await net.send(to, f"{tag}/n", _COUNT.pack(len(records), width))
    for i, c in enumerate(chunks):
        await net.send(to, f"{tag}/{i}", c)


async def _recv(net: Network, frm: int, tag: str, timeout: float) -> bytes:
    try:
        return await net.recv(frm, tag, timeout=timeout)
    except NetworkError as exc:
        raise PSIError(f"party {frm} did not send {tag!r}: {exc}", party=frm) from None


async def _recv_records(net: Network, frm: int, tag: str, width: int, timeout: float) -> list[bytes]:
    head = await _recv(net, frm, f"{tag}/n", timeout)
    if len(head) != _COUNT.size:
        raise PSIMessageError(f"{tag}: party {frm} sent a {len(head)}-byte header, expected {_COUNT.size}", party=frm)
    count, w = _COUNT.unpack(head)
    if w != width or count > MAX_ITEMS:
        raise PSIMessageError(f"{tag}: party {frm} announced {count} records of {w} bytes, expected at most "
                              f"{MAX_ITEMS} of {width}", party=frm)
    per = max(1, CHUNK_BYTES // width)
    out: list[bytes] = []
    for i in range(-(-count // per)):
        chunk = await _recv(net, frm, f"{tag}/{i}", timeout)
        want = min(per, count - i * per) * width
        if len(chunk) != want:
            raise PSIMessageError(f"{tag}: chunk {i} from party {frm} has {len(chunk)} bytes, expected {want}", party=frm)
        out.extend(_split(chunk, width))
    return out


def _check_points(points: Sequence[bytes], frm: int, what: str) -> bytes:
    blob = b"".join(points)
    try:
        kernels.g1_validate(blob)
    except ValueError as exc:
        raise PSIMessageError(f"{what} from party {frm}: not G1 points ({exc})", party=frm) from None
    if bytes(POINT_BYTES) in points or len(set(points)) != len(points):
        raise PSIMessageError(f"{what} from party {frm}: expected distinct points other than infinity", party=frm)
    return blob


# --- the parties -----------------------------------------------------------------------------

async def psi_party1(net: Network, identifiers: Iterable[Identifier], *, peer: int, min_intersection: int = 1,
                     timeout: float = 600.0, insecure: bool = False, rng: Rng | None = None) -> PSIResult:
    """Party 1 (identifiers only): learns the cardinality, and makes party 2 learn the sum.
    ``insecure`` accepts a Paillier key below 2048 bits (tests).

    Raises:
        PSIThresholdError: fewer than ``min_intersection`` common identifiers.
        PSIMessageError: a malformed, oversized or inconsistent message from ``peer``.
        PSIError: repeated identifiers, or ``peer`` went silent.
    """
    _check_min(min_intersection)
    k1 = random_exponent(rng)
    mine = _distinct(identifiers, "party 1's identifiers")
    await _send_records(net, peer, "psi/u", _shuffled(await _off_loop(_hash_blind, mine, k1), rng), POINT_BYTES)
    z = set(_split(await _off_loop(_check_points, await _recv_records(net, peer, "psi/z", POINT_BYTES, timeout),
                                   peer, "doubly blinded identifiers"), POINT_BYTES))
    if len(z) != len(mine):
        raise PSIMessageError(f"party {peer} returned {len(z)} doubly blinded identifiers for {len(mine)}", party=peer)
    key = await _recv_key(net, peer, timeout, insecure)
    theirs, points = await _recv_blinded(net, peer, "psi/w", key, k1, timeout)
    cts = await _off_loop(_ciphertexts, key, theirs, peer) if key is not None else []
    hits = [i for i, p in enumerate(points) if p in z]
    if len(hits) < min_intersection:
        await net.send(peer, "psi/result", b"\x00")
        raise PSIThresholdError(f"the intersection is below the minimum of {min_intersection}: nothing revealed",
                                party=peer)
    total = b""
    if key is not None:
        total = int(sum_([cts[i] for i in hits]).rerandomize(rng=rng).value).to_bytes(_ct_bytes(key), "big")
    await net.send(peer, "psi/result", b"\x01" + len(hits).to_bytes(4, "big") + total)
    return PSIResult(len(hits), None)


async def psi_party2(net: Network, data: Mapping[Identifier, int] | Iterable[Identifier], *, peer: int,
                     min_intersection: int = 1, private_key: PrivateKey | None = None,
                     pool: RandomnessPool | None = None, timeout: float = 600.0, rng: Rng | None = None) -> PSIResult:
    """Party 2: ``data`` maps identifiers to integer values (with ``private_key``, whose
    public key encrypts them), or is a plain iterable of identifiers (cardinality only).
    ``pool``: encryption randomness computed ahead of time (:class:`~mpc.paillier.RandomnessPool`,
    filled before the set is known: that is most of party 2's work), else drawn here.

    Raises:
        PSIThresholdError: party 1 reported fewer than ``min_intersection`` common identifiers.
        PSIMessageError: a malformed message from ``peer``.
        PSIError: repeated identifiers, values that could overflow the key's plaintext space,
            values without a key, or ``peer`` went silent.
    """
    _check_min(min_intersection)
    values = isinstance(data, Mapping)
    if values != (private_key is not None):
        raise PSIError("party 2: values need a Paillier private_key, and a private_key needs values "
                       f"(found values: {values}, key: {private_key is not None})")
    ids = list(data)
    mine = _distinct(ids, "party 2's identifiers")
    cts = (await _off_loop(_encrypt, private_key, [data[x] for x in ids], pool, rng)  # type: ignore[index]
           if private_key is not None else [])
    k2 = random_exponent(rng)
    u = await _off_loop(_check_points, await _recv_records(net, peer, "psi/u", POINT_BYTES, timeout), peer,
                        "blinded identifiers")
    await _send_records(net, peer, "psi/z", _shuffled(_split(await _off_loop(blind, u, k2), POINT_BYTES), rng),
                        POINT_BYTES)
    await net.send(peer, "psi/key", b"" if private_key is None else _key_bytes(private_key.public_key))
    pts = await _off_loop(_hash_blind, mine, k2)
    await _send_records(net, peer, "psi/w", _shuffled([p + c for p, c in zip(pts, cts or [b""] * len(pts))], rng),
                        POINT_BYTES + len(cts[0] if cts else b""))
    most = min(len(mine), len(u) // POINT_BYTES)
    return _result(await _recv(net, peer, "psi/result", timeout), private_key, peer, min_intersection, most)


def _check_min(m: int) -> None:
    if isinstance(m, bool) or not isinstance(m, int) or m < 1:
        raise PSIError(f"min_intersection: expected an int >= 1, found {m!r}")


def _ct_bytes(key: PublicKey) -> int:
    return (2 * key.bits + 7) // 8


def _key_bytes(key: PublicKey) -> bytes:
    return int(key.n).to_bytes((key.bits + 7) // 8, "big")


async def _recv_key(net: Network, peer: int, timeout: float, insecure: bool) -> PublicKey | None:
    data = await _recv(net, peer, "psi/key", timeout)
    if not data:
        return None
    if len(data) > 2048 or data[0] == 0:
        raise PSIMessageError(f"Paillier key from party {peer}: expected at most 16384 bits without leading "
                              f"zeros, found {len(data)} bytes", party=peer)
    try:
        return PublicKey(int.from_bytes(data, "big"), insecure=insecure)
    except InvalidKeyError as exc:
        raise PSIMessageError(f"Paillier key from party {peer}: {exc}", party=peer) from None


def _ciphertext(key: PublicKey, data: bytes, peer: int) -> Ciphertext:
    try:
        return Ciphertext(key, int.from_bytes(data, "big"))
    except InvalidCiphertextError as exc:
        raise PSIMessageError(f"ciphertext from party {peer}: {exc}", party=peer) from None


def _encrypt(sk: PrivateKey, values: list[int], pool: RandomnessPool | None, rng: Rng | None) -> list[bytes]:
    pk = sk.public_key
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise MPCTypeError(f"party 2's values: expected ints, found {type(v).__name__}")
    worst = sum(abs(v) for v in values)
    if worst > pk.max_int:
        raise PSIError(f"party 2's values: their absolute sum {worst} could exceed the key's plaintext range "
                       f"({pk.max_int.bit_length()} bits)")
    width = _ct_bytes(pk)
    cts = encrypt_many(pk, values, rng=rng) if pool is None else encrypt_many(pk, values, pool=pool)
    return [int(c.value).to_bytes(width, "big") for c in cts]


def _result(data: bytes, sk: PrivateKey | None, peer: int, min_intersection: int, most: int) -> PSIResult:
    if data == b"\x00":
        raise PSIThresholdError(f"party {peer} reports an intersection below the minimum of {min_intersection}: "
                                "nothing revealed", party=peer)
    width = 5 + (_ct_bytes(sk.public_key) if sk else 0)
    if len(data) != width or data[0] != 1:
        raise PSIMessageError(f"result from party {peer}: expected {width} bytes starting 0x01, found {len(data)}",
                              party=peer)
    count = int.from_bytes(data[1:5], "big")
    if not min_intersection <= count <= most:
        raise PSIMessageError(f"result from party {peer}: a count of {count}, expected {min_intersection} (the "
                              f"agreed minimum) to {most} (the smaller set)", party=peer)
    if sk is None:
        return PSIResult(count, None)
    return PSIResult(count, sk.decrypt(_ciphertext(sk.public_key, data[5:], peer)))


# --- per-category intersection-sums ------------------------------------------------------------

MAX_CATEGORIES = 1024  # the most categories a party announces (refused above)


async def psi_categories_party1(net: Network, categories: Sequence[Iterable[Identifier]], *, peer: int,
                                min_intersection: int = 1, timeout: float = 600.0, insecure: bool = False,
                                rng: Rng | None = None) -> tuple[PSIResult | None, ...]:
    """Party 1 with its identifiers split into categories (an identifier in one category
    only; the categories' order and meaning are agreed beforehand): one run gives, for every
    category, the cardinality of its intersection with party 2's set (to both parties) and
    the sum of party 2's values over it (to party 2), as :func:`psi_party1` would per
    category, at the cost of one run (party 2's set is blinded and encrypted once).

    Leaks beyond the per-category outputs: each category's size to party 2 (as separate
    runs would). A category whose intersection is below ``min_intersection`` is withheld
    (``None`` for both parties: neither its count nor its sum leaves party 1).

        >>> import asyncio
        >>> from mpc import paillier
        >>> from mpc.net import InProcessHub
        >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
        >>> async def demo():
        ...     hub = InProcessHub([1, 2], session=bytes(16))
        ...     return await asyncio.gather(
        ...         psi_categories_party1(hub.network(1), [["ann", "bob"], ["eve", "joe", "kim"]], peer=2,
        ...                               min_intersection=2, insecure=True),
        ...         psi_categories_party2(hub.network(2), {"bob": 10, "eve": 30, "joe": 5, "zoe": 1}, peer=1,
        ...                               min_intersection=2, private_key=sk))
        >>> one, two = asyncio.run(demo())
        >>> one
        (None, PSIResult(cardinality=2, intersection_sum=None))
        >>> two
        (None, PSIResult(cardinality=2, intersection_sum=35))

    Raises:
        PSIMessageError: a malformed, oversized or inconsistent message from ``peer``.
        PSIError: an identifier repeated (within or across categories), too many categories,
            or ``peer`` went silent.
    """
    _check_min(min_intersection)
    groups = _category_groups(categories)
    k1 = random_exponent(rng)
    await _send_categories(net, peer, groups, k1, rng)
    zs = await _recv_category_answers(net, peer, [len(g) for g in groups], timeout)
    key = await _recv_key(net, peer, timeout, insecure)
    theirs, points = await _recv_blinded(net, peer, "psic/w", key, k1, timeout)
    where = {p: i for i, p in enumerate(points)}
    out: list[PSIResult | None] = []
    message = b""
    for zset in zs:
        result, part = await _category_answer([where[p] for p in zset if p in where], theirs, key, peer,
                                              min_intersection, rng)
        out.append(result)
        message += part
    await net.send(peer, "psic/result", message)
    return tuple(out)


def _category_groups(categories: Sequence[Iterable[Identifier]]) -> list[list[Identifier]]:
    groups = [list(c) for c in categories]
    if not 1 <= len(groups) <= MAX_CATEGORIES:
        raise PSIError(f"categories: expected 1 to {MAX_CATEGORIES}, found {len(groups)}")
    _distinct([x for g in groups for x in g], "party 1's identifiers (all categories)")
    return groups


async def _send_categories(net: Network, peer: int, groups: list[list[Identifier]], k1: int, rng: Rng | None) -> None:
    """The category count, then each category's identifiers hashed, blinded by ``k1``, shuffled."""
    await net.send(peer, "psic/n", len(groups).to_bytes(4, "big"))
    for c, g in enumerate(groups):
        blinded = await _off_loop(_hash_blind, [_id_bytes(x) for x in g], k1)
        await _send_records(net, peer, f"psic/u/{c}", _shuffled(blinded, rng), POINT_BYTES)


async def _recv_category_answers(net: Network, peer: int, sizes: list[int], timeout: float) -> list[set[bytes]]:
    """Each category's doubly blinded identifiers, as many as sent, distinct across categories."""
    answers: list[list[bytes]] = []
    for c, size in enumerate(sizes):
        z = await _recv_records(net, peer, f"psic/z/{c}", POINT_BYTES, timeout)
        if len(z) != size:
            raise PSIMessageError(f"category {c}: party {peer} returned {len(z)} doubly blinded identifiers for "
                                  f"{size}", party=peer)
        answers.append(z)
    await _off_loop(_check_points, [p for z in answers for p in z], peer, "doubly blinded identifiers")
    return [set(z) for z in answers]


async def _recv_blinded(net: Network, peer: int, tag: str, key: PublicKey | None, k1: int,
                        timeout: float) -> tuple[list[bytes], list[bytes]]:
    """Party 2's records (blinded point, then its ciphertext when ``key``) and their points
    blinded again by ``k1``."""
    width = POINT_BYTES + (_ct_bytes(key) if key else 0)
    theirs = await _recv_records(net, peer, tag, width, timeout)
    points = await _off_loop(_check_blind, [r[:POINT_BYTES] for r in theirs], peer, "blinded identifiers", k1)
    return theirs, points


async def _category_answer(hits: list[int], theirs: list[bytes], key: PublicKey | None, peer: int,
                           min_intersection: int, rng: Rng | None) -> tuple[PSIResult | None, bytes]:
    """One category's result and its part of the message: withheld (``0x00``) below the
    minimum, else ``0x01``, the count and the rerandomised sum of the hits' ciphertexts."""
    if len(hits) < min_intersection:
        return None, b"\x00"
    total = b""
    if key is not None:
        cts = await _off_loop(_ciphertexts, key, [theirs[i] for i in hits], peer)
        total = int(sum_(cts).rerandomize(rng=rng).value).to_bytes(_ct_bytes(key), "big")
    return PSIResult(len(hits), None), b"\x01" + len(hits).to_bytes(4, "big") + total


async def psi_categories_party2(net: Network, data: Mapping[Identifier, int] | Iterable[Identifier], *, peer: int,
                                min_intersection: int = 1, private_key: PrivateKey | None = None,
                                pool: RandomnessPool | None = None, timeout: float = 600.0,
                                rng: Rng | None = None) -> tuple[PSIResult | None, ...]:
    """Party 2 of :func:`psi_categories_party1` (``data`` as for :func:`psi_party2`): per
    category, the cardinality and the sum of its values over the intersection, or None
    where the category was below ``min_intersection``.

    Raises:
        PSIMessageError: a malformed message from ``peer`` (counts that do not add up included).
        PSIError: as :func:`psi_party2`.
    """
    _check_min(min_intersection)
    values = isinstance(data, Mapping)
    if values != (private_key is not None):
        raise PSIError("party 2: values need a Paillier private_key, and a private_key needs values "
                       f"(found values: {values}, key: {private_key is not None})")
    ids = list(data)
    mine = _distinct(ids, "party 2's identifiers")
    cts = (await _off_loop(_encrypt, private_key, [data[x] for x in ids], pool, rng)  # type: ignore[index]
           if private_key is not None else [])
    k2 = random_exponent(rng)
    head = await _recv(net, peer, "psic/n", timeout)
    count = int.from_bytes(head, "big") if len(head) == 4 else 0
    if not 1 <= count <= MAX_CATEGORIES:
        raise PSIMessageError(f"party {peer} announced {count if len(head) == 4 else 'a malformed count of'} "
                              f"categories, expected 1 to {MAX_CATEGORIES}", party=peer)
    sizes, seen = [], 0
    for c in range(count):
        u = await _recv_records(net, peer, f"psic/u/{c}", POINT_BYTES, timeout)
        seen += len(u)
        if seen > MAX_ITEMS:
            raise PSIMessageError(f"party {peer} sent more than {MAX_ITEMS} identifiers in all", party=peer)
        sizes.append(len(u))
        z = await _off_loop(_check_blind, u, peer, f"blinded identifiers of category {c}", k2)
        await _send_records(net, peer, f"psic/z/{c}", _shuffled(z, rng), POINT_BYTES)
    await net.send(peer, "psi/key", b"" if private_key is None else _key_bytes(private_key.public_key))
    pts = await _off_loop(_hash_blind, mine, k2)
    await _send_records(net, peer, "psic/w", _shuffled([p + c for p, c in zip(pts, cts or [b""] * len(pts))], rng),
                        POINT_BYTES + len(cts[0] if cts else b""))
    return _category_results(await _recv(net, peer, "psic/result", timeout), private_key, peer, min_intersection,
                             [min(s, len(mine)) for s in sizes])


def _category_results(data: bytes, sk: PrivateKey | None, peer: int, min_intersection: int,
                      most: list[int]) -> tuple[PSIResult | None, ...]:
    width = 5 + (_ct_bytes(sk.public_key) if sk else 0)
    out: list[PSIResult | None] = []
    at = 0
    for c, top in enumerate(most):
        if data[at:at + 1] == b"\x00":
            out.append(None)
            at += 1
            continue
        part = data[at:at + width]
        if len(part) != width or part[0] != 1:
            raise PSIMessageError(f"result from party {peer}: category {c} is not 0x00 or {width} bytes starting 0x01",
                                  party=peer)
        at += width
        try:
            out.append(_result(part, sk, peer, min_intersection, top))
        except PSIMessageError as exc:
            raise PSIMessageError(f"category {c}: {exc}", party=peer) from None
    if at != len(data):
        raise PSIMessageError(f"result from party {peer}: {len(data) - at} bytes after the {len(most)} categories",
                              party=peer)
    return tuple(out)
