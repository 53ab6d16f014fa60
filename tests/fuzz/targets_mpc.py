"""Fuzz targets of mpc's readers: shares, VSS commitments, Paillier keys and ciphertexts,
network frames (seeds, mutators, parse calls, canonical-acceptance oracles)."""

from __future__ import annotations

import base64
import functools
import json
import random
import struct
from typing import Any, Callable

from .mutators import Field, mutate_fields, mutate_region


# --------------------------------------------------------------------------- mpc documents

def _b64_bytes(rng: random.Random, doc: Any) -> Any:
    """Mutate the bytes behind a base64 field (length, a coordinate >= p, off-curve, the
    identity), or its spelling (padding, whitespace, url-safe alphabet)."""
    if not isinstance(doc, dict):
        return doc
    keys = [k for k in ("values", "points") if isinstance(doc.get(k), str)]
    if not keys:
        return doc
    k = rng.choice(keys)
    try:
        raw = bytearray(base64.b64decode(doc[k], validate=True))
    except ValueError:  # already mutated into something else
        return doc
    c = rng.random()
    if c < 0.15:
        doc[k] = rng.choice([doc[k].rstrip("="), doc[k] + "=", " " + doc[k], doc[k].replace("+", "-").replace("/", "_"),
                             doc[k][:-1] + ("A" if doc[k][-1:] != "A" else "B"), doc[k] + "\n"])
        return doc
    if c < 0.3:
        raw = raw[:rng.randrange(len(raw) + 1)] if rng.random() < 0.5 else raw + bytes(rng.choice([1, 8, 32, 64]))
    elif c < 0.45 and len(raw) >= 64:
        at = 64 * rng.randrange(len(raw) // 64)
        raw[at:at + 64] = bytes(64)  # the identity point (or two zero values)
    elif raw:
        mutate_region(rng, raw, 0, len(raw), byteorder="big" if k == "points" else "little",
                      point=64 if k == "points" else 8)
    doc[k] = base64.b64encode(bytes(raw)).decode()
    return doc


@functools.lru_cache(maxsize=None)
def share_seeds() -> list[bytes]:
    from mpc.field import FR, P61
    from mpc.sharing import dump_share, split

    rnd = random.Random(11)
    docs = [dump_share(s) for s in split(42, n=3, threshold=2, rng=rnd)[:2]]
    docs += [dump_share(split([1, 2, 3, P61.modulus - 1], n=4, threshold=3, field=P61, rng=rnd)[1])]
    docs += [dump_share(split([5, FR.modulus - 1], n=2, threshold=2, field=FR, rng=rnd)[0])]
    return [d.encode() for d in docs]


def _load_share(data: bytes) -> Any:
    from mpc.sharing import load_share

    return load_share(data)


def _share_canonical(data: bytes, share: Any) -> str | None:
    from mpc.sharing import dump_share

    return None if json.loads(dump_share(share)) == json.loads(data) else "re-encodes differently"


@functools.lru_cache(maxsize=None)
def commitments_seeds() -> list[bytes]:
    from mpc.sharing import dump_commitments, feldman_deal, pedersen_deal

    rnd = random.Random(12)
    return [dump_commitments(feldman_deal(7, n=4, threshold=3, rng=rnd).commitments).encode(),
            dump_commitments(pedersen_deal(9, n=5, threshold=3, rng=rnd).commitments).encode()]


def _load_commitments(data: bytes) -> Any:
    from mpc.sharing import load_commitments

    return load_commitments(data, threshold=3)


def _commitments_canonical(data: bytes, c: Any) -> str | None:
    from mpc.sharing import dump_commitments

    if any(p.is_infinity() for p in c.points[1:]):  # C_0 = O commits to a secret of 0: honest
        return "accepted the identity point as a commitment past C_0 (the degree drops)"
    return None if json.loads(dump_commitments(c)) == json.loads(data) else "re-encodes differently"


@functools.lru_cache(maxsize=None)
def _paillier() -> tuple[Any, Any]:
    from mpc import paillier

    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(21))


def _paillier_docs(kind: str) -> Callable[[], list[bytes]]:
    @functools.lru_cache(maxsize=None)
    def seeds() -> list[bytes]:
        from mpc import paillier

        pk, sk = _paillier()
        cts = [pk.encrypt(v, rng=random.Random(v)) for v in (0, 1, 7)]
        docs = {"public": [paillier.dump_public_key(pk)], "private": [paillier.dump_private_key(sk)],
                "ciphertext": [paillier.dump_ciphertext(c, rerandomize=False) for c in cts[:2]],
                "ciphertexts": [paillier.dump_ciphertexts(cts, rerandomize=False)]}[kind]
        return [d.encode() for d in docs]
    return seeds


def _load_paillier(kind: str) -> Callable[[bytes], Any]:
    def parse(data: bytes) -> Any:
        from mpc import paillier

        pk = _paillier()[0]
        if kind == "public":
            return paillier.load_public_key(data, insecure=True)
        if kind == "private":
            return paillier.load_private_key(data, insecure=True)
        if kind == "ciphertext":
            return paillier.load_ciphertext(data, pk)
        return paillier.load_ciphertexts(data, pk)
    return parse


def _paillier_canonical(kind: str) -> Callable[[bytes, Any], str | None]:
    def check(data: bytes, value: Any) -> str | None:
        from mpc import paillier

        dumps: dict[str, Callable[[Any], str]] = {
            "public": paillier.dump_public_key, "private": paillier.dump_private_key,
            "ciphertext": lambda c: paillier.dump_ciphertext(c, rerandomize=False),
            "ciphertexts": lambda cs: paillier.dump_ciphertexts(cs, rerandomize=False)}
        return None if json.loads(dumps[kind](value)) == json.loads(data) else "re-encodes differently"
    return check


# --------------------------------------------------------------------------- network frames

MAX_FRAME = 1 << 12


@functools.lru_cache(maxsize=None)
def frame_seeds() -> list[bytes]:
    from mpc.net.frames import Message, encode

    s = bytes(range(16))
    return [encode(Message(s, 1, 2, "sum/input", b"payload")), encode(Message(s, 1, 2, "t", b"")),
            encode(Message(s, 1, 2, "a" * 64, bytes(range(256)))), encode(Message(s, 3, 2, "x:y-z_1.2", b"\0" * 40))]


def frame_layout(data: bytes) -> list[Field]:
    tag_len = data[30] if len(data) > 30 else 0
    return [Field(0, 4, "bytes"), Field(4, 1, "uint", "big"), Field(5, 1, "uint", "big"), Field(6, 4, "uint", "big"),
            Field(10, 16, "bytes"), Field(26, 2, "uint", "big"), Field(28, 2, "uint", "big"),
            Field(30, 1, "uint", "big"), Field(31, tag_len, "bytes"), Field(31 + tag_len, len(data) - 31 - tag_len, "bytes")]


def _mutate_frame(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    fields = frame_layout(seed)
    data = bytearray(mutate_fields(rng, seed, fields + fields[4:] * 2))  # the body's fields mostly
    c = rng.random()
    if c < 0.25 and len(data) > 31:  # a tag character outside the alphabet, or not ASCII
        at = 31 + rng.randrange(max(1, min(data[30], len(data) - 31)))
        if at < len(data):
            data[at] = rng.choice([0, 32, 0x7F, 0x80, 0xFF, ord("%"), ord("\n")])
    if len(data) >= 10 and rng.random() < 0.6:  # keep the announced length in step
        data[6:10] = struct.pack(">I", len(data) - 10)
    return bytes(data)


def _decode_frame(data: bytes) -> Any:
    """Deliver the frame to a party (which must never raise: it records violations), then
    decode it directly (which raises only FrameError)."""
    from mpc.net.frames import HEADER_SIZE, decode_body, decode_header
    from mpc.net.errors import FrameError
    from mpc.net.network import InProcessHub

    net = InProcessHub([1, 2, 3], session=bytes(range(16)), max_frame=MAX_FRAME).network(2)
    try:
        net.deliver_frame(data, peer=1)
    except BaseException as exc:  # noqa: BLE001 - deliver_frame documents that it never raises
        raise RuntimeError(f"deliver_frame raised {type(exc).__name__}: {exc}") from exc
    length = decode_header(data[:HEADER_SIZE], MAX_FRAME)
    if len(data) != HEADER_SIZE + length:
        raise FrameError("length mismatch")
    return decode_body(data[HEADER_SIZE:])


def _frame_canonical(data: bytes, m: Any) -> str | None:
    from mpc.net.frames import encode

    return None if encode(m) == data else "re-encodes differently"


# --------------------------------------------------------------------------- protocol announcements

PARTIES = (1, 2, 3, 4, 5)


@functools.lru_cache(maxsize=None)
def announcement_seeds() -> list[bytes]:
    """``n | dealers | their commitment digests | k | accused`` (mpc/protocols/verified.py)."""
    def doc(dealers: list[int], accused: list[int]) -> bytes:
        return (struct.pack(">H", len(dealers)) + struct.pack(f">{len(dealers)}H", *dealers)
                + b"".join(bytes([d]) * 32 for d in dealers) + struct.pack(">H", len(accused))
                + struct.pack(f">{len(accused)}H", *accused))
    return [doc([1, 2, 3], []), doc([1, 3, 4, 5], [2]), doc([2], [1, 4])]


def announcement_layout(data: bytes) -> list[Field]:
    n = struct.unpack_from(">H", data)[0] if len(data) >= 2 else 0
    out = [Field(0, 2, "uint", "big")] + [Field(2 + 2 * i, 2, "uint", "big") for i in range(min(n, 8))]
    end = 2 + 34 * n
    out += [Field(2 + 2 * n + 32 * i, 32, "bytes") for i in range(min(n, 8))]
    if end + 2 <= len(data):
        k = struct.unpack_from(">H", data, end)[0]
        out += [Field(end, 2, "uint", "big")] + [Field(end + 2 + 2 * i, 2, "uint", "big") for i in range(min(k, 8))]
    return [f for f in out if f.at + f.width <= len(data)] or [Field(0, len(data), "bytes")]


def _mutate_announcement(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    return mutate_fields(rng, seed, announcement_layout(seed))


def _parse_announcement(data: bytes) -> Any:
    from mpc.protocols.verified import _parse

    return _parse(data, PARTIES)
