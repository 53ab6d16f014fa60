"""Fuzz targets of zkp's file and document readers: circom .r1cs/.wtns, snarkjs
.zkey/.ptau, zkmpc's binary proving key, snarkjs JSON (seeds, mutators, parse calls)."""

from __future__ import annotations

import functools
import json
import random
import struct
import warnings
from pathlib import Path
from typing import Any, Callable

from .mutators import Field, mutate_fields, mutate_json, mutate_sectioned

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"


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
