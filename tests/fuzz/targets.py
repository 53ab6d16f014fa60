"""One fuzz target per parser: its valid seeds, its structure-aware mutator, the call that
parses, the errors it documents and the modules whose lines measure depth.

Every target takes bytes, so the same table drives the seeded CI tests
(tests/fuzz/test_fuzz_parsers.py) and the coverage-guided run (tools/fuzz_atheris.py).
"""

from __future__ import annotations

import base64
import functools
import importlib
import json
import os
import random
import struct
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from .harness import (Field, Target, mutate_fields, mutate_json, mutate_region, mutate_sectioned, number_spelling,
                      walk_sections)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


def _files(*names: str) -> Callable[[], list[str]]:
    """Module files (relative to the repository) that measure a target's depth."""
    return lambda: [str(ROOT / n) for n in names]


# --------------------------------------------------------------------------- keys and circuits

def _circuit(num_public: int, rows: int) -> Any:
    """A small R1CS: a chain of ``rows`` products from a private x, and ``num_public``
    public wires bound to its end (public k = end + k x)."""
    from zkp.r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=num_public)
    pubs = [b.new_wire() for _ in range(num_public)]
    x = prev = b.new_wire()
    for i in range(rows):
        y = b.new_wire()
        b.add({prev: 1}, {prev: 1 + i}, {y: 1})
        prev = y
    for k, pub in enumerate(pubs):
        b.add({pub: 1}, {0: 1}, {prev: 1, x: k} if k else {prev: 1})
    return b.build()


def _witness(num_public: int, rows: int, x: int) -> list[int]:
    from zkp.field import R

    chain = [x]
    for i in range(rows):
        chain.append(chain[-1] * chain[-1] * (1 + i) % R)
    return [1] + [(chain[-1] + k * x) % R for k in range(num_public)] + chain


@functools.lru_cache(maxsize=None)
def _proving_keys() -> tuple[Any, ...]:
    from zkp import groth16

    keys = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for npub, rows in ((1, 2), (2, 3)):
            keys.append(groth16.setup(_circuit(npub, rows), rng=random.Random(npub))[0])
    return tuple(keys)


# --------------------------------------------------------------------------- circom r1cs / wtns

@functools.lru_cache(maxsize=None)
def r1cs_seeds() -> list[bytes]:
    from zkp.formats.circom import write_r1cs

    return [(VECTORS / "snarkjs_mul" / "mul.r1cs").read_bytes(),
            write_r1cs(_circuit(2, 4), num_private_inputs=1)]


def _read_r1cs(data: bytes) -> Any:
    from zkp.formats.circom import read_r1cs

    return read_r1cs(data)


@functools.lru_cache(maxsize=None)
def wtns_seeds() -> list[bytes]:
    from zkp.formats.circom import write_wtns

    rnd = random.Random(3)
    from zkp.field import R

    return [(VECTORS / "snarkjs_mul" / "witness.wtns").read_bytes(),
            write_wtns([1] + [rnd.randrange(R) for _ in range(6)])]


def _read_wtns(data: bytes) -> Any:
    from zkp.formats.circom import read_wtns

    return read_wtns(data, num_public=1)


# --------------------------------------------------------------------------- snarkjs zkey / ptau

@functools.lru_cache(maxsize=None)
def zkey_seeds() -> list[bytes]:
    from zkp.ceremony import beacon, contribute
    from zkp.formats.zkey import ZKey, write_zkey

    pk1, pk2 = _proving_keys()
    zk = ZKey.from_proving_key(pk2)
    once = contribute(zk, name="fuzz", rng=random.Random(5))
    return [write_zkey(pk1), write_zkey(once), write_zkey(beacon(once, "0102" * 16, 10, name="b"))]


def _read_zkey(data: bytes) -> Any:
    from zkp.formats.zkey import read_zkey

    zk = read_zkey(data)
    zk.verifying_key()
    return zk


@functools.lru_cache(maxsize=None)
def ptau_seeds() -> list[bytes]:
    from zkp.ceremony import ptau_beacon, ptau_contribute, ptau_new, ptau_prepare

    one = ptau_contribute(ptau_new(1), name="fuzz", rng=random.Random(7))
    two = ptau_beacon(ptau_contribute(ptau_new(2), rng=random.Random(8)), "0a" * 32, 10, name="b")
    return [ptau_prepare(one).to_bytes(), two.to_bytes(), ptau_prepare(two).to_bytes()]


def _read_ptau(data: bytes) -> Any:
    """Open, then convert every vector (the accessors are where points are decoded)."""
    from zkp.formats.ptau import read_ptau

    pt = read_ptau(data)
    n = 1 << pt.power
    pt.tau_g1(2 * n - 1), pt.tau_g2(n), pt.alpha_tau_g1(n), pt.beta_tau_g1(n), pt.beta_g2()
    if pt.prepared:
        for k in range(pt.power + 1):
            pt.lagrange_g1(k), pt.lagrange_g2(k), pt.lagrange_alpha_g1(k), pt.lagrange_beta_g1(k)
        pt.lagrange_g1(pt.power + 1)
    return pt


# --------------------------------------------------------------------------- zkmpc binary proving key

@functools.lru_cache(maxsize=None)
def pk_seeds() -> list[bytes]:
    from zkp.formats.binary import dump_proving_key

    return [dump_proving_key(pk) for pk in _proving_keys()]


def pk_layout(data: bytes) -> list[Field]:
    """The fields of a proving key written by ``dump_proving_key`` (see zkp/formats/binary.py),
    as far as ``data`` holds them (a mutated key yields its first fields)."""
    out = [Field(0, 7, "bytes"), Field(7, 1, "uint"), Field(8, 1, "uint"), Field(9, 4, "uint"), Field(13, 8, "uint")]

    def fits(f: Field) -> bool:
        if f.at + f.width > len(data):
            return False
        out.append(f)
        return True

    if len(data) < 21:
        return [f for f in out if f.at + f.width <= len(data)] or [Field(0, len(data), "bytes")]
    pos = 21 + struct.unpack_from("<Q", data, 13)[0]
    if not fits(Field(21, pos - 21, "nested")):
        return out
    for width in (64, 64, 64, 128, 128, 128):
        if not fits(Field(pos, width, "point", "big")):
            return out
        pos += width
    if not fits(Field(pos, 4, "uint")):
        return out
    n_ic = struct.unpack_from("<I", data, pos)[0]
    pos += 4
    for _ in range(min(n_ic, 64)):
        if not fits(Field(pos, 64, "point", "big")):
            return out
        pos += 64
    for _ in range(5):  # a_g1 b_g1 b_g2 l_g1 h_g1
        if not fits(Field(pos, 8, "uint")):
            return out
        n = struct.unpack_from("<Q", data, pos)[0]
        if not fits(Field(pos + 8, n, "point", "big") if n else Field(pos + 8, 0, "bytes")):
            return out
        pos += 8 + n
    return out


def _mutate_pk(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    fields = pk_layout(seed)
    nested = [f for f in fields if f.kind == "nested"]
    if nested and rng.random() < 0.25:  # the embedded r1cs, its length prefix kept in step (mostly)
        n = nested[0].width
        inner = mutate_sectioned(rng, seed[21:21 + n], r1cs_seeds())
        length = len(inner) if rng.random() < 0.8 else n
        return seed[:13] + struct.pack("<Q", length) + inner + seed[21 + n:]
    return mutate_fields(rng, seed, fields)


def _load_pk(data: bytes) -> Any:
    from zkp.formats.binary import load_proving_key

    return load_proving_key(data)


# --------------------------------------------------------------------------- snarkjs JSON

def _json_seeds(*names: str, extra: Callable[[], list[str]] = list) -> Callable[[], list[bytes]]:
    @functools.lru_cache(maxsize=None)
    def seeds() -> list[bytes]:
        own = [(VECTORS / "snarkjs_mul" / n).read_bytes() for n in names]
        return own + [s.encode() for s in extra()]
    return seeds


def _own_vk() -> list[str]:
    from zkp.formats.snarkjs_json import vk_to_json

    return [vk_to_json(_proving_keys()[1].vk)]


def _own_proof() -> list[str]:
    from zkp import groth16
    from zkp.formats.snarkjs_json import proof_to_json

    pk = _proving_keys()[0]
    return [proof_to_json(groth16.prove(pk, _witness(1, 2, 3), rng=random.Random(4)))]


def _own_public() -> list[str]:
    from zkp.formats.snarkjs_json import public_to_json

    return [public_to_json([0, 1, 2**253, 12345678901234567890])]


def _text_mutator(extra: Callable[[random.Random, Any], Any] | None = None) -> Callable[[random.Random, bytes, list[bytes]], bytes]:
    def mutate(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
        if rng.random() < 0.06:  # the text itself: cut, trailing garbage, whitespace, BOM
            text = seed.decode()
            return rng.choice([text[:rng.randrange(len(text))], text + rng.choice(["x", "}", " 1", "\0"]),
                               "\ufeff" + text, text.replace(" ", "\t")]).encode("utf-8", "surrogatepass")
        return mutate_json(rng, json.loads(seed), extra=extra).encode("utf-8", "surrogatepass")
    return mutate


def _point_coords(rng: random.Random, doc: Any) -> Any:
    """Move one coordinate of a snarkjs point: + 1 (off the curve), to infinity's encoding,
    z to 0 or 2, x and y swapped, G2 components swapped."""
    points = [k for k, v in doc.items() if isinstance(v, list) and v and isinstance(v[0], (list, str))] \
        if isinstance(doc, dict) else []
    if not points:
        return doc
    k = rng.choice(points)
    pt = doc[k]
    if k == "IC" and pt and isinstance(pt[0], list):
        pt = pt[rng.randrange(len(pt))]
    c = rng.random()
    if len(pt) == 3 and all(isinstance(v, str) for v in pt):  # G1
        if c < 0.3:
            pt[0] = str(int(pt[0]) + 1) if pt[0].isdigit() else pt[0]
        elif c < 0.5:
            pt[:] = rng.choice([["0", "1", "0"], ["0", "0", "0"], ["0", "0", "1"], [pt[0], pt[1], "0"], [pt[1], pt[0], "1"]])
        else:
            pt[2] = rng.choice(["0", "2", str(int(pt[2]) + 1) if pt[2].isdigit() else "1"])
    elif len(pt) == 3 and all(isinstance(v, list) and len(v) == 2 for v in pt):  # G2
        if c < 0.4:
            pt[0] = pt[0][::-1]
        elif c < 0.6:
            pt[:] = [["0", "0"], ["1", "0"], ["0", "0"]]
        elif c < 0.8:
            pt[2] = rng.choice([["0", "0"], ["1", "1"], ["0", "1"]])
        elif pt[1][0].isdigit():
            pt[1][0] = str(int(pt[1][0]) + 1)
    return doc


def _g1_doc(p: Any) -> list[str]:
    return ["0", "1", "0"] if p.is_infinity() else [str(p.x), str(p.y), "1"]


def _g2_doc(p: Any) -> list[list[str]]:
    if p.is_infinity():
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(p.x[0]), str(p.x[1])], [str(p.y[0]), str(p.y[1])], ["1", "0"]]


def _same_fields(data: bytes, mine: dict[str, Any]) -> str | None:
    doc = json.loads(data)
    diff = [k for k, v in mine.items() if doc.get(k) != v]
    return f"accepted fields {diff} that re-encode differently" if diff else None


def _vk_canonical(data: bytes, vk: Any) -> str | None:
    return _same_fields(data, {"nPublic": vk.num_public, "vk_alpha_1": _g1_doc(vk.alpha_g1),
                               "vk_beta_2": _g2_doc(vk.beta_g2), "vk_gamma_2": _g2_doc(vk.gamma_g2),
                               "vk_delta_2": _g2_doc(vk.delta_g2), "IC": [_g1_doc(p) for p in vk.ic]})


def _proof_canonical(data: bytes, proof: Any) -> str | None:
    return _same_fields(data, {"pi_a": _g1_doc(proof.a), "pi_b": _g2_doc(proof.b), "pi_c": _g1_doc(proof.c)})


def _public_canonical(data: bytes, values: list[int]) -> str | None:
    from zkp.field import R

    if any(v >= R for v in values):
        return "accepted a public input >= r"
    return None if json.loads(data) == [str(v) for v in values] else "re-encodes differently"


def _vk_from_json(data: bytes) -> Any:
    from zkp.formats.snarkjs_json import vk_from_json

    return vk_from_json(data)


def _proof_from_json(data: bytes) -> Any:
    from zkp.formats.snarkjs_json import proof_from_json

    return proof_from_json(data)


def _public_from_json(data: bytes) -> Any:
    from zkp.formats.snarkjs_json import public_from_json

    return public_from_json(data)


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

    if any(p.is_infinity() for p in c.points):
        return "accepted the identity point as a commitment"
    return None if json.loads(dump_commitments(c)) == json.loads(data) else "re-encodes differently"


@functools.lru_cache(maxsize=None)
def _paillier() -> tuple[Any, Any]:
    from mpc import paillier

    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(21))  # type: ignore[no-any-return]


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

        dump = {"public": paillier.dump_public_key, "private": paillier.dump_private_key,
                "ciphertext": lambda c: paillier.dump_ciphertext(c, rerandomize=False),
                "ciphertexts": lambda cs: paillier.dump_ciphertexts(cs, rerandomize=False)}[kind]
        return None if json.loads(dump(value)) == json.loads(data) else "re-encodes differently"
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


# --------------------------------------------------------------------------- kernels (both twins)

#: each entry point with the kinds of its arguments: g1/g2 points (big-endian), fr scalars,
#: lem points (little-endian Montgomery), u32 arrays, raw bytes, a bool flag
KERNELS: list[tuple[str, tuple[str, ...]]] = [
    ("g1_validate", ("g1",)), ("g2_validate", ("g2",)), ("g1_msm", ("g1", "fr")), ("g2_msm", ("g2", "fr")),
    ("g1_batch_mul", ("g1", "fr")), ("g2_batch_mul", ("g2", "fr")), ("fr_batch_inverse", ("fr",)),
    ("fr_ntt", ("fr", "flag")), ("fr_coset_ntt", ("fr", "flag")), ("qap_odd_coset", ("fr", "fr", "fr")),
    ("g1_from_lem", ("lem1",)), ("g2_from_lem", ("lem2",)), ("g1_to_lem", ("g1",)), ("g2_to_lem", ("g2",)),
    ("g1_apply_key", ("g1", "fr", "fr")), ("g2_apply_key", ("g2", "fr", "fr")), ("g1_ifft", ("g1",)),
    ("g2_ifft", ("g2",)), ("g1_lincomb", ("g1", "u32", "u32", "fr")), ("g2_lincomb", ("g2", "u32", "u32", "fr")),
    ("pairing_check", ("g1", "g2")), ("blake2b_update", ("raw", "raw")),
]


def twins() -> list[ModuleType]:
    """The Python twin, and the C twin when it is built (required under ZKP_REQUIRE_C=1)."""
    out = [importlib.import_module("zkp._bn254_py")]
    try:
        out.append(importlib.import_module("zkp._bn254"))
    except ImportError:
        if os.environ.get("ZKP_REQUIRE_C") == "1":
            raise
    return out


def encode_call(index: int, args: list[bytes]) -> bytes:
    return bytes([index]) + b"".join(struct.pack("<I", len(a)) + a for a in args)


def decode_call(data: bytes) -> tuple[str, tuple[str, ...], list[Any]]:
    """Entry and arguments from bytes (lenient: missing arguments are empty, lengths are
    cut at the end of the input), so any bytes reach some kernel."""
    if not data:
        data = b"\0"
    name, kinds = KERNELS[data[0] % len(KERNELS)]
    pos, args = 1, []
    for kind in kinds:
        n = struct.unpack_from("<I", data, pos)[0] if pos + 4 <= len(data) else 0
        pos += 4
        arg = data[pos:pos + n]
        pos += len(arg)
        args.append(bool(arg and arg[0] & 1) if kind == "flag" else bytes(arg))
    return name, kinds, args


@functools.lru_cache(maxsize=None)
def kernel_seeds() -> list[bytes]:
    import numpy as np

    K = importlib.import_module("zkp._bn254_py")
    from zkp.curve import G1Point, G2Point
    from zkp.field import R

    rnd = random.Random(13)

    def fr(n: int) -> bytes:
        return b"".join(rnd.choice([0, 1, R - 1, rnd.randrange(R)]).to_bytes(32, "big") for _ in range(n))

    g1 = {n: K.g1_batch_mul(G1Point.generator().to_bytes(), fr(n)) for n in (1, 2, 4)}
    g2 = {n: K.g2_batch_mul(G2Point.generator().to_bytes(), fr(n)) for n in (1, 2)}
    ptr = np.array([0, 1, 1, 3], dtype="<u4").tobytes()
    idx = np.array([1, 0, 3], dtype="<u4").tobytes()
    args: dict[str, list[list[Any]]] = {
        "g1_validate": [[g1[4]]], "g2_validate": [[g2[2]]], "g1_msm": [[g1[4], fr(4)]], "g2_msm": [[g2[2], fr(2)]],
        "g1_batch_mul": [[g1[1], fr(3)]], "g2_batch_mul": [[g2[1], fr(2)]],
        "fr_batch_inverse": [[b"".join(rnd.randrange(1, R).to_bytes(32, "big") for _ in range(3))]],
        "fr_ntt": [[fr(4), b"\1"]], "fr_coset_ntt": [[fr(4), b""]], "qap_odd_coset": [[fr(4), fr(4), fr(4)]],
        "g1_from_lem": [[K.g1_to_lem(g1[2])]], "g2_from_lem": [[K.g2_to_lem(g2[2])]],
        "g1_to_lem": [[g1[2]]], "g2_to_lem": [[g2[1]]],
        "g1_apply_key": [[g1[4], fr(1), fr(1)]], "g2_apply_key": [[g2[2], fr(1), fr(1)]],
        "g1_ifft": [[g1[4]]], "g2_ifft": [[g2[2]]], "g1_lincomb": [[g1[4], ptr, idx, fr(3)]],
        "g2_lincomb": [[g2[2], np.array([0, 2], dtype="<u4").tobytes(), np.array([1, 0], dtype="<u4").tobytes(), fr(2)]],
        "pairing_check": [[g1[2][:64] + (-G1Point.generator()).to_bytes(), g2[1] + G2Point.generator().to_bytes()]],
        "blake2b_update": [[importlib.import_module("zkp._blake2b").Blake2b().partial(), b"abc" * 50]],
    }
    return [encode_call(i, a) for i, (name, _) in enumerate(KERNELS) for a in args[name]]


_WIDTH = {"g1": 64, "g2": 128, "fr": 32, "lem1": 64, "lem2": 128, "u32": 4, "raw": 1, "flag": 1}


def _mutate_kernel_call(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    name, kinds, args = decode_call(seed)
    index = seed[0]
    args = [bytes([1 if a else 0]) if isinstance(a, bool) else a for a in args]
    i = rng.randrange(len(args))
    kind, arg = kinds[i], bytearray(args[i])
    w = _WIDTH[kind]
    c = rng.random()
    if c < 0.3:  # a length: one element more or fewer, a partial element, empty
        delta = rng.choice([-w, w, -1, 1, -w // 2 or -1, 2 * w, -2 * w])
        arg = arg[:max(0, len(arg) + delta)] if delta < 0 else arg + bytes(arg[:delta] or bytes(delta))
        if rng.random() < 0.1:
            arg = bytearray()
    elif c < 0.4 and kind == "u32" and arg:  # an offset or an index out of range, decreasing
        at = 4 * rng.randrange(len(arg) // 4)
        arg[at:at + 4] = struct.pack("<I", rng.choice([0, 1, 3, 4, 5, 2**31, 2**32 - 1]))
    elif c < 0.55 and kind in ("g1", "g2", "lem1", "lem2") and arg:  # the point at infinity
        at = w * rng.randrange(len(arg) // w)
        arg[at:at + w] = bytes(w)
    elif arg:
        order = "little" if kind.startswith("lem") or kind == "u32" else "big"
        mutate_region(rng, arg, 0, len(arg), byteorder=order, point=w if w >= 64 else 64)
    args[i] = bytes(arg)
    return encode_call(index, args)


def _valid_points(kinds: tuple[str, ...], args: list[Any]) -> bool:
    """Every point argument on its curve and in the subgroup (the Python twin's check)."""
    K = importlib.import_module("zkp._bn254_py")
    from zkp.errors import MalformedInputError

    try:
        for kind, arg in zip(kinds, args):
            if kind in ("g1", "g2"):
                getattr(K, f"{kind}_validate")(arg)
    except MalformedInputError:
        return False
    return True


def _call_twins(data: bytes) -> Any:
    """Both twins must return the same value, or both raise the same MalformedInputError
    subclass. Kernels other than the validators take points on trust (zkp/_bn254.pyi):
    for points off the curve or outside the subgroup only whether they raise must agree."""
    from zkp.errors import MalformedInputError

    name, kinds, args = decode_call(data)
    outcomes: list[tuple[str, Any]] = []
    for K in twins():
        try:
            outcomes.append(("ok", getattr(K, name)(*args)))
        except MalformedInputError as exc:
            outcomes.append(("error", exc))
    if len(outcomes) == 2:
        (s0, v0), (s1, v1) = outcomes
        if s0 != s1 or (s0 == "error" and type(v0) is not type(v1)):
            raise AssertionError(f"{name}: the twins disagree: Python {s0} {v0!r:.120}, C {s1} {v1!r:.120}")
        if s0 == "ok" and v0 != v1 and name != "pairing_check" and _valid_points(kinds, args):
            raise AssertionError(f"{name}: the twins return different values on valid points")
    status, value = outcomes[0]
    if status == "error":
        raise value
    return value


# --------------------------------------------------------------------------- the table

def _mutate_binary(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    return mutate_sectioned(rng, seed, seeds)


TARGETS: dict[str, Target] = {t.name: t for t in [
    Target("r1cs", r1cs_seeds, _mutate_binary, _read_r1cs, "zkp", _files("zkp/formats/circom.py", "zkp/r1cs.py"), 500),
    Target("wtns", wtns_seeds, _mutate_binary, _read_wtns, "zkp", _files("zkp/formats/circom.py", "zkp/witness.py"), 500),
    Target("zkey", zkey_seeds, _mutate_binary, _read_zkey, "zkp",
           _files("zkp/formats/zkey.py", "zkp/formats/circom.py", "zkp/curve.py", "zkp/groth16/keys.py"), 250),
    Target("ptau", ptau_seeds, _mutate_binary, _read_ptau, "zkp",
           _files("zkp/formats/ptau.py", "zkp/formats/zkey.py", "zkp/formats/circom.py"), 100),
    Target("proving_key", pk_seeds, _mutate_pk, _load_pk, "zkp",
           _files("zkp/formats/binary.py", "zkp/formats/circom.py", "zkp/curve.py", "zkp/groth16/keys.py"), 150),
    Target("vk_json", _json_seeds("verification_key.json", extra=_own_vk), _text_mutator(_point_coords), _vk_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py", "zkp/curve.py", "zkp/groth16/keys.py"), 150,
           canonical=_vk_canonical),
    Target("proof_json", _json_seeds("proof.json", extra=_own_proof), _text_mutator(_point_coords), _proof_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py", "zkp/curve.py", "zkp/groth16/keys.py"), 200,
           canonical=_proof_canonical),
    Target("public_json", _json_seeds("public.json", extra=_own_public), _text_mutator(), _public_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py"), 400, canonical=_public_canonical),
    Target("share", share_seeds, _text_mutator(_b64_bytes), _load_share, "mpc",
           _files("mpc/sharing/serial.py", "mpc/serial.py", "mpc/sharing/shamir.py", "mpc/field.py"), 400,
           canonical=_share_canonical),
    Target("commitments", commitments_seeds, _text_mutator(_b64_bytes), _load_commitments, "mpc",
           _files("mpc/sharing/serial.py", "mpc/serial.py", "mpc/sharing/vss.py", "zkp/curve.py"), 300,
           canonical=_commitments_canonical),
    Target("paillier_public_key", _paillier_docs("public"), _text_mutator(), _load_paillier("public"), "mpc",
           _files("mpc/paillier/serial.py", "mpc/serial.py", "mpc/paillier/keys.py"), 150,
           canonical=_paillier_canonical("public")),
    Target("paillier_private_key", _paillier_docs("private"), _text_mutator(), _load_paillier("private"), "mpc",
           _files("mpc/paillier/serial.py", "mpc/serial.py", "mpc/paillier/keys.py"), 150,
           canonical=_paillier_canonical("private")),
    Target("paillier_ciphertext", _paillier_docs("ciphertext"), _text_mutator(), _load_paillier("ciphertext"), "mpc",
           _files("mpc/paillier/serial.py", "mpc/serial.py", "mpc/paillier/ciphertext.py"), 250,
           canonical=_paillier_canonical("ciphertext")),
    Target("paillier_ciphertexts", _paillier_docs("ciphertexts"), _text_mutator(), _load_paillier("ciphertexts"), "mpc",
           _files("mpc/paillier/serial.py", "mpc/serial.py", "mpc/paillier/ciphertext.py"), 200,
           canonical=_paillier_canonical("ciphertexts")),
    Target("frames", frame_seeds, _mutate_frame, _decode_frame, "mpc",
           _files("mpc/net/frames.py", "mpc/net/network.py"), 600, canonical=_frame_canonical),
    Target("kernels", kernel_seeds, _mutate_kernel_call, _call_twins, "zkp",
           _files("zkp/_bn254_py.py", "zkp/_bn254_py_codec.py", "zkp/_bn254_py_ceremony.py"), 150),
]}
