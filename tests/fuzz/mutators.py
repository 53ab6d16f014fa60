"""Structure-aware mutators shared by the fuzz targets (see harness.py for the method).

Sectioned binary files (circom .r1cs/.wtns, snarkjs .zkey/.ptau) are walked section by
section; fixed layouts (zkmpc's proving key, frames) are described as fields; JSON
documents are mutated as trees and written back with repeated keys and raw tokens.
"""

from __future__ import annotations

import json
import random
import re
import struct
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

#: 32-byte values that sit on the checks' boundaries (field elements, coordinates)
BIG_VALUES = [0, 1, 2, P - 1, P, P + 1, R - 1, R, R + 1, 2**254, 2**255, 2**256 - 1]
#: u32 / u64 values that sit on the count and size checks' boundaries
SMALL_VALUES = [0, 1, 2, 3, 7, 8, 31, 32, 63, 64, 127, 128, 255, 256, 2**16 - 1, 2**16,
                2**31 - 1, 2**31, 2**32 - 1]
U64_VALUES = SMALL_VALUES + [2**32, 2**40, 2**60, 2**63, 2**64 - 1]


# --------------------------------------------------------------------------- binary files

@dataclass
class Section:
    """One section of a circom/snarkjs file: the header at ``at``, the body after it."""

    at: int
    kind: int
    size: int

    @property
    def body(self) -> int:
        return self.at + 12


def walk_sections(data: bytes) -> list[Section]:
    """The sections of a ``magic | version u32 | count u32 | (kind u32, size u64, body)*``
    file, as far as they can be walked."""
    out, pos = [], 12
    while pos + 12 <= len(data):
        kind, size = struct.unpack_from("<IQ", data, pos)
        if size > len(data) - pos - 12:
            break
        out.append(Section(pos, kind, size))
        pos += 12 + size
    return out


def _near(rng: random.Random, v: int, width: int) -> int:
    """A value near ``v`` or on a boundary, fitting ``width`` bytes."""
    choice = rng.random()
    if choice < 0.45:
        out = v + rng.choice([-2, -1, 1, 2, 32, -32, 64, -64, v])
    elif choice < 0.6:
        out = v * rng.choice([2, 3, 16, 2**16])
    else:
        out = rng.choice(U64_VALUES if width == 8 else SMALL_VALUES)
    return out % (1 << (8 * width))


def put_uint(data: bytearray, at: int, width: int, value: int) -> None:
    data[at:at + width] = (value % (1 << (8 * width))).to_bytes(width, "little")


def big_value(rng: random.Random, current: bytes, byteorder: str) -> bytes:
    """A 32-byte replacement for a field element or coordinate: a boundary value, the
    current one plus p or r (still small in the other representation), or one bit off."""
    v = int.from_bytes(current, byteorder)  # type: ignore[arg-type]
    c = rng.random()
    if c < 0.5:
        w = rng.choice(BIG_VALUES)
    elif c < 0.75:
        w = v + rng.choice([P, R, 1, -1])
    else:
        w = v ^ (1 << rng.randrange(256))
    return (w % 2**256).to_bytes(32, byteorder)  # type: ignore[arg-type]


def mutate_region(rng: random.Random, data: bytearray, lo: int, hi: int, *, byteorder: str = "little",
                   point: int = 64) -> None:
    """Rewrite one structure-aligned field inside ``data[lo:hi]``: a u32 count, a u64 size,
    a 32-byte element (a coordinate or coefficient) or a point's coordinate off the curve."""
    if hi - lo < 4:
        return
    c = rng.random()
    if c < 0.3:  # a count
        at = lo + 4 * rng.randrange((hi - lo) // 4)
        put_uint(data, at, 4, _near(rng, int.from_bytes(data[at:at + 4], "little"), 4))
    elif c < 0.4 and hi - lo >= 8:
        at = lo + 4 * rng.randrange((hi - lo - 4) // 4)
        put_uint(data, at, 8, _near(rng, int.from_bytes(data[at:at + 8], "little"), 8))
    elif hi - lo >= 32:
        step = 32 if c < 0.75 else point
        at = lo + step * rng.randrange(max(1, (hi - lo - 31) // step))
        if c < 0.75:
            data[at:at + 32] = big_value(rng, bytes(data[at:at + 32]), byteorder)
        else:  # the low byte of a coordinate: stays < p, leaves the curve
            low = at + (0 if byteorder == "little" else 31)
            data[low] ^= 1 << rng.randrange(8)
    else:
        data[rng.randrange(lo, hi)] ^= 1 << rng.randrange(8)


def mutate_sectioned(rng: random.Random, seed: bytes, donors: Sequence[bytes] = ()) -> bytes:
    """One to three structural mutations of a circom/snarkjs sectioned file."""
    data = bytearray(seed)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        data = bytearray(_mutate_sectioned_once(rng, bytes(data), donors))
    return bytes(data)


def _mutate_sectioned_once(rng: random.Random, seed: bytes, donors: Sequence[bytes]) -> bytes:
    secs = walk_sections(seed)
    data = bytearray(seed)
    if not secs:
        return _mutate_flat(rng, seed)
    s = rng.choice(secs)
    op = rng.randrange(24)  # ops 9-23: a field inside a section body
    if op == 0:  # the section count
        put_uint(data, 8, 4, _near(rng, len(secs), 4))
    elif op == 1:  # a section's size
        put_uint(data, s.at + 4, 8, _near(rng, s.size, 8))
    elif op == 2:  # a section's kind: another section's (duplicate) or unknown
        put_uint(data, s.at, 4, rng.choice([t.kind for t in secs] + [0, 11, 16, 99, 2**32 - 1]))
    elif op == 3:  # a section duplicated
        chunk = seed[s.at:s.body + s.size]
        data[s.at:s.at] = chunk
        put_uint(data, 8, 4, len(secs) + rng.choice([0, 1]))
    elif op == 4:  # a section dropped
        del data[s.at:s.body + s.size]
        put_uint(data, 8, 4, len(secs) - rng.choice([0, 1]))
    elif op == 5 and len(secs) > 1:  # two sections swapped
        a, b = sorted(rng.sample(secs, 2), key=lambda t: t.at)
        ca, cb = seed[a.at:a.body + a.size], seed[b.at:b.body + b.size]
        data = bytearray(seed[:a.at] + cb + seed[a.body + a.size:b.at] + ca + seed[b.body + b.size:])
    elif op == 6:  # cut inside a section (or at its start)
        data = data[:rng.randint(s.at, s.body + s.size)]
    elif op == 7:  # trailing bytes (or a trailing empty section)
        data += rng.choice([b"\0", b"\0" * 12, struct.pack("<IQ", 99, 0), bytes(rng.randrange(1, 80))])
    elif op == 8 and donors:  # a section from another valid file
        donor = rng.choice(donors)
        dsecs = walk_sections(donor)
        if dsecs:
            d = rng.choice(dsecs)
            data[s.at:s.body + s.size] = donor[d.at:d.body + d.size]
    else:  # a field inside a section body: count, size, element, coordinate
        head = s.body + min(s.size, 4096) if rng.random() < 0.5 else s.body + s.size
        mutate_region(rng, data, s.body, head)
    return bytes(data)


def _mutate_flat(rng: random.Random, seed: bytes) -> bytes:
    data = bytearray(seed)
    if not data:
        return bytes(rng.randrange(1, 16))
    c = rng.random()
    if c < 0.3:
        return bytes(data[:rng.randrange(len(data))])
    if c < 0.4:
        return bytes(data) + bytes(rng.randrange(1, 40))
    mutate_region(rng, data, 0, len(data))
    return bytes(data)


@dataclass
class Field:
    """One field of a fixed binary layout: offset, width and kind (``uint`` little- or
    big-endian, ``point`` for 64/128-byte points, ``bytes`` for opaque data)."""

    at: int
    width: int
    kind: str
    order: str = "little"


def mutate_fields(rng: random.Random, seed: bytes, fields: Sequence[Field],
                  inner: Callable[[random.Random, bytes], bytes] | None = None) -> bytes:
    """Rewrite one field of a known layout, cut at (or inside) a field, or append bytes;
    ``inner`` mutates the bytes of a nested file (``kind="nested"``)."""
    data = bytearray(seed)
    f = rng.choice(list(fields))
    c = rng.random()
    if c < 0.12:
        return bytes(data[:f.at + rng.choice([0, 0, rng.randrange(max(1, f.width))])])
    if c < 0.2:
        return bytes(data) + rng.choice([b"\0", bytes(rng.randrange(1, 70))])
    if f.kind == "uint":
        value = int.from_bytes(data[f.at:f.at + f.width], f.order)  # type: ignore[arg-type]
        data[f.at:f.at + f.width] = _near(rng, value, f.width).to_bytes(f.width, f.order)  # type: ignore[arg-type]
    elif f.kind == "nested" and inner is not None:
        new = inner(rng, bytes(data[f.at:f.at + f.width]))
        data[f.at:f.at + f.width] = new
    elif f.kind == "point":
        mutate_region(rng, data, f.at, f.at + f.width, byteorder=f.order, point=f.width)
    else:
        if f.width:
            data[f.at + rng.randrange(f.width)] ^= 1 << rng.randrange(8)
        else:
            data[f.at:f.at] = bytes([rng.randrange(256)])
    return bytes(data)


# --------------------------------------------------------------------------- JSON documents

class Raw(str):
    """A JSON token written as is (``1e3``, ``-0``, ``NaN``, an 80-digit number)."""


class Pairs(list):  # type: ignore[type-arg]
    """A JSON object as a list of (key, value) pairs: keys may repeat."""


def dump_json(doc: Any) -> str:
    """Serialise ``doc`` (with :class:`Raw` tokens and :class:`Pairs` objects)."""
    if isinstance(doc, Raw):
        return str(doc)
    if isinstance(doc, (Pairs, dict)):
        items = doc if isinstance(doc, Pairs) else list(doc.items())
        return "{" + ",".join(json.dumps(k) + ":" + dump_json(v) for k, v in items) + "}"
    if isinstance(doc, list):
        return "[" + ",".join(dump_json(v) for v in doc) + "]"
    return json.dumps(doc)


def _paths(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, path + (i,))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path:
        doc = doc[k]
    return doc


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(doc, path[:-1])[path[-1]] = value
    return doc


def number_spelling(rng: random.Random, value: Any) -> Any:
    """Another spelling or value of a decimal string: signs, zeros, spaces, exponents,
    underscores, hex, 80 digits, the moduli, a JSON number, another type."""
    s = value if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,100}", value) else str(rng.choice([0, 1, 7]))
    n = int(s)
    options: list[Any] = [
        "+" + s, "-" + s, "0" + s, " " + s, s + " ", s + "\n", s[:1] + "_" + s[1:], "-0", "00",
        hex(n), s + ".0", s + "e0", "", "1" * 80, "9" * 78, "1" + "0" * 77, str(P), str(P - 1),
        str(R), str(R - 1), str(R + n), str(P + n), str(n + 1), str(max(n - 1, 0)), str(2**256 - 1),
        "\u0661\u0662", "１２", Raw(s), Raw("-0"), Raw("1e3"), Raw("1.5"), Raw("NaN"), Raw("-Infinity"),
        Raw("9" * 30), None, True, [s], {"v": s},
    ]
    return rng.choice(options)


def mutate_json(rng: random.Random, doc: Any, *, extra: Callable[[random.Random, Any], Any] | None = None) -> str:
    """One to three structural mutations of a parsed JSON document, serialised."""
    doc = json.loads(json.dumps(doc))
    dup: tuple[tuple[Any, ...], str] | None = None
    for _ in range(rng.choice([1, 1, 2, 3])):
        paths = list(_paths(doc))
        path = rng.choice(paths)
        node = _get(doc, path)
        op = rng.randrange(11)
        if extra is not None and op == 0:
            doc = extra(rng, doc)
        elif op <= 3 and isinstance(node, str):
            doc = _set(doc, path, number_spelling(rng, node))
        elif op == 4 and isinstance(node, list):  # a list length
            if node and rng.random() < 0.5:
                del node[rng.randrange(len(node))]
            else:
                node.append(node[-1] if node and rng.random() < 0.8 else "0")
        elif op == 5 and isinstance(node, dict) and node:  # a missing, extra or duplicate key
            k = rng.choice(sorted(node))
            c = rng.random()
            if c < 0.4:
                del node[k]
            elif c < 0.7:
                node[rng.choice(["extra", k.upper(), k + " ", "__proto__"])] = node[k]
            else:
                dup = (path, k)
        elif op == 6 and path:  # nesting: wrap or unwrap
            if isinstance(node, list) and len(node) == 1:
                doc = _set(doc, path, node[0])
            else:
                doc = _set(doc, path, [node] if rng.random() < 0.7 else {"v": node})
        elif op == 7:  # deep nesting at one place
            depth = rng.choice([3, 30, 31, 33, 40, 200])
            doc = _set(doc, path, json.loads("[" * depth + "1" + "]" * depth) if depth < 100 else Raw("[" * depth + "]" * depth))
        elif op == 8 and path:  # another type
            doc = _set(doc, path, rng.choice([None, True, False, 0, 1, -1, "", [], {}, Raw("1.0"), 2**70]))
        elif op == 9 and isinstance(node, list) and len(node) > 1:
            i, j = rng.sample(range(len(node)), 2)
            node[i], node[j] = node[j], node[i]
        elif isinstance(node, str):
            doc = _set(doc, path, number_spelling(rng, node))
    if dup is not None:
        try:
            obj = _get(doc, dup[0])
        except (KeyError, IndexError, TypeError):
            obj = None
        if isinstance(obj, dict) and dup[1] in obj:
            pairs = Pairs(obj.items())
            pairs.append((dup[1], obj[dup[1]]))
            doc = _set(doc, dup[0], pairs)
    return dump_json(doc)
