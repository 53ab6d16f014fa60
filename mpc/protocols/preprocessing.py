"""Dealt preprocessing for the comparison protocols: shared random bits, bounded random
masks and Beaver triples in one pool per party, consumed in the same order by everyone.

A trusted dealer (as for :func:`~mpc.protocols.beaver.deal_triples`) shares among the
parties, with Shamir's scheme of the session's threshold:

* ``bits``: uniformly random bits ``b``, each shared twice: in the main field (a run of
  ``m`` of them gives ``r' = sum(2^j b_j)``, a random ``m``-bit integer; what the
  literature calls an edaBit) and in the *bit field*, a small prime field where the
  bitwise part of a comparison runs (GF(2^61 - 1) by default: 8-byte elements instead of
  BN254's 32), together with the product of each bit and the next one in the pool
  (``b_i b_(i+1)``, bit field), which makes the first level of a comparison tree local;
* ``masks``: uniformly random integers ``r'' < 2^mask_bits`` (main field), which hide the
  high part of an opened value statistically (``c = a + r' + 2^m r''`` leaks at most
  ``2^-kappa`` about ``a`` when ``mask_bits >= bits(a) - m + kappa``);
* ``triples``: Beaver triples ``(a, b, a b)`` in the main field (products of values);
* ``bit_triples``: Beaver triples in the bit field (the products of a comparison tree);
* ``bridges``: random integers ``s < 2^KAPPA`` shared in both fields: a bit ``x`` shared in
  the bit field moves to the main field by opening ``x + s`` there (no wrap-around:
  ``2^KAPPA + 1`` is below the bit field's modulus) and subtracting ``s``'s main-field share;
  the opening is within statistical distance ``2^-KAPPA`` of ``s`` alone, whatever ``x``;
* ``bridge_triples``: random integers ``a, b < 2^KAPPA`` shared in both fields and ``a b``
  (an integer below ``2^(2 KAPPA)``) in the main field: the product of two bits ``x y``
  shared in the bit field arrives in the main field after one opening of ``x + a`` and
  ``y + b`` in the bit field, as ``(x + a)(y + b) - (x + a) b - (y + b) a + a b``;
* ``residues``, in one pool per modulus ``d >= 2``: random integers ``v`` uniform in
  ``[0, d)``, each given by its ``ceil(log2 d)`` bits (LSB first), shared as the ``bits``
  are (main field, bit field, and the bit-field products of adjacent bits). A division by
  the public ``d`` masks ``a`` with ``d u + v`` (``u`` one of the ``masks``) and compares
  the opened value modulo ``d`` with ``v`` bitwise (:func:`~mpc.protocols.compare.divide_public`).

When the bit field is the main field (a main field of at most 64 bits, or
``bit_field=field``), both copies are the same shares.

:class:`Needs` counts what a run takes; the functions of :mod:`mpc.protocols.compare`
document their needs and offer ``*_needs`` functions to size the pool before dealing.

    >>> pool = deal_preprocessing(Needs(bits=8, masks=2, triples=3), parties=[1, 2, 3], threshold=2)
    >>> pool[1].remaining()
    Needs(bits=8, masks=2, triples=3, bit_triples=0, bridges=0, bridge_triples=0)
    >>> _ = pool[1].take_bits(5); pool[1].remaining().bits
    3
    >>> Preprocessing.from_bytes(pool[2].to_bytes()).remaining().bits   # what a dealer sends party 2
    8
    >>> pool[1].bit_field.name
    'GF(2^61 - 1)'
    >>> pool = deal_preprocessing(Needs(masks=2, residues=((7, 2),)), parties=[1, 2, 3], threshold=2)
    >>> len(pool[3].take_residues(7, 1)[0]), pool[3].remaining().residues   # 3 bits per residue mod 7
    (3, ((7, 1),))

Security:
    The dealer knows every value it deals and must not collude with any party (the
    trusted-dealer preprocessing model, as for the Beaver triples). Each item is used once:
    the pool hands out every position at most once. A bridge opening is within
    ``2^-KAPPA`` (``KAPPA = 40``) of uniform: a comparison opens at most three, so its
    bridges leak at most ``3 * 2^-40`` per value.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass, field as dc_field, fields
from typing import Mapping, Sequence


from .._intmath import Rng, random_below
from ..errors import FieldValueError, SharingError
from ..field import FR, P61, PrimeField, Vector
from ..sharing.shamir import split

__all__ = ["Needs", "Preprocessing", "deal_preprocessing", "DEFAULT_MASK_BITS", "KAPPA", "default_bit_field",
           "residue_bits"]

_MAGIC = b"zkmpc/pre/3"

KAPPA = 40
"""Statistical security parameter: an opened masked value is within ``2^-KAPPA`` of uniform."""

DEFAULT_MASK_BITS = 128
"""Bits of the masks ``r''`` by default: with ``kappa = 40`` they hide values of up to
``88 + m`` bits when their low ``m`` bits are masked by shared bits."""

# kind -> its vectors: (name, in the bit field?)
_LAYOUT: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = (
    ("bits", (("bits", False), ("bits@bit", True), ("pp@bit", True))),
    ("masks", (("masks", False),)),
    ("triples", (("a", False), ("b", False), ("c", False))),
    ("bit_triples", (("ta", True), ("tb", True), ("tc", True))),
    ("bridges", (("s", False), ("s@bit", True))),
    ("bridge_triples", (("qa", False), ("qb", False), ("qc", False), ("qa@bit", True), ("qb@bit", True))),
)
_OWN = ("bits", "masks", "a", "b", "c")
_IN_BIT_FIELD = {name: small for _, names in _LAYOUT for name, small in names}
_FIELDS = (FR, P61)


def residue_bits(d: int) -> int:
    """Bits of a residue modulo ``d``: ``ceil(log2 d)`` (0 for ``d = 1``).

        >>> tuple(residue_bits(d) for d in (1, 2, 3, 4, 7, 8, 65537))
        (0, 1, 2, 2, 3, 3, 17)
    """
    return (d - 1).bit_length()


@dataclass(frozen=True)
class Needs:
    """How many shared bits, masks and Beaver triples (main field, bit field, bridging)
    and bridges a computation consumes, and ``residues``: ``(d, count)`` pairs, random
    residues modulo ``d`` given as bits (sorted by ``d``, merged, zero counts dropped).

        >>> Needs(masks=1, residues=((7, 2),)) + Needs(residues=((3, 1), (7, 1)))
        Needs(bits=0, masks=1, triples=0, bit_triples=0, bridges=0, bridge_triples=0, residues=((3, 1), (7, 3)))
    """

    bits: int = 0
    masks: int = 0
    triples: int = 0
    bit_triples: int = 0
    bridges: int = 0
    bridge_triples: int = 0
    residues: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        merged: dict[int, int] = {}
        for d, count in self.residues:
            if isinstance(d, bool) or not isinstance(d, int) or d < 2:
                raise SharingError(f"residues: expected moduli d >= 2 (nothing to mask modulo 1), found {d!r}")
            if isinstance(count, bool) or not isinstance(count, int):
                raise SharingError(f"residues modulo {d}: expected an int count, found {count!r}")
            merged[d] = merged.get(d, 0) + count
        object.__setattr__(self, "residues", tuple(sorted((d, c) for d, c in merged.items() if c != 0)))

    def __repr__(self) -> str:
        counts = ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self) if f.name != "residues")
        return f"Needs({counts})" if not self.residues else f"Needs({counts}, residues={self.residues})"

    @classmethod
    def of(cls, counts: Sequence[int], residues: tuple[tuple[int, int], ...] = ()) -> Needs:
        """The six counts in field order (bits, masks, triples, bit triples, bridges,
        bridge triples), then the residues."""
        bits, masks, triples, bit_triples, bridges, bridge_triples = counts
        return cls(bits, masks, triples, bit_triples, bridges, bridge_triples, residues)

    def counts(self) -> tuple[int, ...]:
        """The six counts in field order (all but the residues)."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "residues")

    def __add__(self, other: Needs) -> Needs:
        return Needs.of([a + b for a, b in zip(self.counts(), other.counts())], self.residues + other.residues)

    def __mul__(self, k: int) -> Needs:
        return Needs.of([a * k for a in self.counts()], tuple((d, c * k) for d, c in self.residues))


def default_bit_field(field: PrimeField) -> PrimeField:
    """The bit field :func:`deal_preprocessing` picks: GF(2^61 - 1) under a wider main
    field, else the main field itself.

        >>> default_bit_field(FR).name, default_bit_field(P61).name
        ('GF(2^61 - 1)', 'GF(2^61 - 1)')
    """
    return P61 if field.modulus.bit_length() > 64 else field


@dataclass(repr=False)
class Preprocessing:
    """One party's shares of dealt bits, masks, triples and bridges, handed out once each
    (``extra`` holds the vectors beyond the main-field bits, masks and triples, by name;
    ``residue_pools`` the residues modulo each ``d``: their bits in the main field, in the
    bit field and the bit-field products of adjacent bits, ``residue_bits(d)`` per residue)."""

    party: int
    mask_bits: int
    bits: Vector
    masks: Vector
    a: Vector
    b: Vector
    c: Vector
    field: PrimeField = FR
    bit_field: PrimeField | None = None
    extra: Mapping[str, Vector] = dc_field(default_factory=dict)
    residue_pools: Mapping[int, tuple[Vector, Vector, Vector]] = dc_field(default_factory=dict)
    _used: dict[str, int] = dc_field(default_factory=lambda: {kind: 0 for kind, _ in _LAYOUT})
    _used_residues: dict[int, int] = dc_field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.bit_field is None:
            self.bit_field = self.field
        for kind, names in _LAYOUT:
            sizes = {name: len(self._vec(name)) for name, _ in names}
            if len(set(sizes.values())) > 1:
                raise SharingError(f"preprocessing of party {self.party}: the {kind} vectors differ in length "
                                   f"({sizes}): expected one share of each per item (see deal_preprocessing)")
        for d, vecs in self.residue_pools.items():
            sizes_ = [len(v) for v in vecs]
            if d < 2 or len(set(sizes_)) > 1 or sizes_[0] % residue_bits(d):
                raise SharingError(f"preprocessing of party {self.party}: residues modulo {d} in vectors of "
                                   f"{sizes_} shares: expected d >= 2 and three equal lengths, multiples of "
                                   f"{residue_bits(d) if d >= 2 else 'ceil(log2 d)'} bits")

    def __repr__(self) -> str:
        return f"Preprocessing(party={self.party}, remaining={self.remaining()}, values=<hidden>)"

    @property
    def tree_field(self) -> PrimeField:
        """The bit field, where the comparison trees run (``bit_field`` once constructed)."""
        assert self.bit_field is not None
        return self.bit_field

    def _vec(self, name: str) -> Vector:
        if name in _OWN:
            return getattr(self, name)  # type: ignore[no-any-return]
        if name in self.extra:
            return self.extra[name]
        if name.endswith("@bit") and name[:-4] in _IN_BIT_FIELD and self.tree_field == self.field:
            return self._vec(name[:-4])
        return (self.tree_field if _IN_BIT_FIELD[name] else self.field).zeros(0)

    def to_bytes(self) -> bytes:
        """The unused part, for the dealer to send to its party (over an encrypted
        channel: these are secret shares). Layout: magic, party, mask bits, main and bit
        field flags (0: BN254 Fr, 1: GF(2^61 - 1)), the six counts, the number of residue
        pools, then the packed vectors (each in its field's width), then per residue pool:
        the byte length of ``d``, ``d`` (big-endian), its count and its three vectors."""
        for f in (self.field, self.tree_field):
            if f not in _FIELDS:
                raise SharingError(f"preprocessing over {f.name}: only BN254 Fr and GF(2^61 - 1) pools are serialised")
        rest = self.remaining()
        head = _MAGIC + struct.pack(">HHBB7Q", self.party, self.mask_bits, _FIELDS.index(self.field),
                                    _FIELDS.index(self.tree_field), *(getattr(rest, k) for k, _ in _LAYOUT),
                                    len(rest.residues))
        body = []
        for kind, names in _LAYOUT:
            for name, small in names:
                f = self.tree_field if small else self.field
                body.append(f.pack(self._vec(name)[self._used[kind]:]))
        for d, count in rest.residues:
            raw = d.to_bytes((d.bit_length() + 7) // 8, "big")
            body.append(struct.pack(">H", len(raw)) + raw + struct.pack(">Q", count))
            start = self._used_residues.get(d, 0) * residue_bits(d)
            for vec, f in zip(self.residue_pools[d], (self.field, self.tree_field, self.tree_field)):
                body.append(f.pack(vec[start:]))
        return head + b"".join(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Preprocessing:
        """Read :meth:`to_bytes` (every element checked canonical).

        Raises:
            SharingError: a malformed or truncated pool."""
        size = len(_MAGIC) + struct.calcsize(">HHBB7Q")
        if data[:len(_MAGIC)] != _MAGIC or len(data) < size:
            raise SharingError("preprocessing: expected a pool written by Preprocessing.to_bytes")
        party, mask_bits, main, small, *counts = struct.unpack(">HHBB7Q", data[len(_MAGIC):size])
        pools = counts.pop()
        if main >= len(_FIELDS) or small >= len(_FIELDS):
            raise SharingError(f"preprocessing: field flags {main}, {small}: expected 0 (BN254 Fr) or 1 (GF(2^61 - 1))")
        f, bf = _FIELDS[main], _FIELDS[small]
        layout = [(name, bf if is_small else f, n) for (_, names), n in zip(_LAYOUT, counts) for name, is_small in names]
        want = size + sum(fd.byte_width * n for _, fd, n in layout)
        if len(data) < want or (pools == 0 and len(data) != want):
            raise SharingError(f"preprocessing: {len(data)} bytes, expected {want} for counts {counts}")
        vecs, at = {}, size
        try:
            for name, fd, n in layout:
                vecs[name] = fd.unpack(data[at:at + n * fd.byte_width], "preprocessing")
                at += n * fd.byte_width
            residues, at = _read_residue_pools(data, at, pools, f, bf)
        except FieldValueError as err:  # an element >= p: the pool is malformed
            raise SharingError(f"preprocessing: {err}") from None
        return cls(party, mask_bits, bits=vecs.pop("bits"), masks=vecs.pop("masks"), a=vecs.pop("a"),
                   b=vecs.pop("b"), c=vecs.pop("c"), field=f, bit_field=bf, extra=vecs, residue_pools=residues)

    def remaining(self) -> Needs:
        """What is left to hand out."""
        left = tuple((d, len(vecs[0]) // residue_bits(d) - self._used_residues.get(d, 0))
                     for d, vecs in self.residue_pools.items())
        return Needs.of([len(self._vec(names[0][0])) - self._used[kind] for kind, names in _LAYOUT], left)

    def _take(self, kind: str, n: int) -> slice:
        start = self._used[kind]
        names = dict(_LAYOUT)[kind]
        total = len(self._vec(names[0][0]))
        if n < 0 or start + n > total:
            shown = "bits" if kind == "bits" else kind.replace("_", " ")
            raise SharingError(f"preprocessing of party {self.party}: {n} {shown} needed, {total - start} left "
                               f"(deal more: see the *_needs functions of mpc.protocols.compare)")
        self._used[kind] = start + n
        return slice(start, start + n)

    def take_bits(self, n: int) -> Vector:
        """This party's main-field shares of the next ``n`` random bits."""
        return self.bits[self._take("bits", n)]

    def take_dual_bits(self, n: int) -> tuple[Vector, Vector, Vector]:
        """The next ``n`` random bits ``b_i``, shared in the main field and in the bit field,
        and the bit-field shares of ``b_i b_(i+1)`` (the last one: with the bit after them)."""
        s = self._take("bits", n)
        return self.bits[s], self._vec("bits@bit")[s], self._vec("pp@bit")[s]

    def take_residues(self, d: int, n: int) -> tuple[Vector, Vector, Vector]:
        """The next ``n`` random residues modulo ``d``, ``residue_bits(d)`` bits each (LSB
        first, row after row): main-field shares of the bits, bit-field shares of them and
        of the products of adjacent bits (as :meth:`take_dual_bits`).

        Raises:
            SharingError: fewer than ``n`` residues modulo ``d`` left."""
        pool = self.residue_pools.get(d)
        width = residue_bits(d) if d >= 2 else 0
        start = self._used_residues.get(d, 0)
        total = len(pool[0]) // width if pool is not None and width else 0
        if n < 0 or start + n > total:
            raise SharingError(f"preprocessing of party {self.party}: {n} residues modulo {d} needed, "
                               f"{total - start} left (deal more: see divide_needs in mpc.protocols.compare)")
        self._used_residues[d] = start + n
        assert pool is not None or n == 0
        if pool is None:
            return self.field.zeros(0), self.tree_field.zeros(0), self.tree_field.zeros(0)
        s = slice(start * width, (start + n) * width)
        return pool[0][s], pool[1][s], pool[2][s]

    def take_masks(self, n: int) -> Vector:
        """This party's shares of the next ``n`` masks (random integers below ``2^mask_bits``)."""
        return self.masks[self._take("masks", n)]

    def take_triples(self, n: int) -> tuple[Vector, Vector, Vector]:
        """This party's shares of the next ``n`` Beaver triples ``(a, b, c = a b)`` (main field)."""
        s = self._take("triples", n)
        return self.a[s], self.b[s], self.c[s]

    def take_bit_triples(self, n: int) -> tuple[Vector, Vector, Vector]:
        """The next ``n`` Beaver triples of the bit field."""
        s = self._take("bit_triples", n)
        return self._vec("ta")[s], self._vec("tb")[s], self._vec("tc")[s]

    def take_bridges(self, n: int) -> tuple[Vector, Vector]:
        """The next ``n`` bridges ``s < 2^KAPPA``: (main-field shares, bit-field shares)."""
        s = self._take("bridges", n)
        return self._vec("s")[s], self._vec("s@bit")[s]

    def take_bridge_triples(self, n: int) -> tuple[Vector, Vector, Vector, Vector, Vector]:
        """The next ``n`` bridge triples: main-field shares of ``a, b, a b``, then bit-field
        shares of ``a, b``."""
        s = self._take("bridge_triples", n)
        return tuple(self._vec(name)[s] for name in ("qa", "qb", "qc", "qa@bit", "qb@bit"))  # type: ignore[return-value]


def _read_residue_pools(data: bytes, at: int, pools: int, f: PrimeField,
                        bf: PrimeField) -> tuple[dict[int, tuple[Vector, Vector, Vector]], int]:
    """The residue pools :meth:`Preprocessing.to_bytes` writes after the other vectors."""
    out: dict[int, tuple[Vector, Vector, Vector]] = {}
    for _ in range(pools):
        if len(data) < at + 2:
            raise SharingError("preprocessing: truncated residue pool header")
        (width,) = struct.unpack(">H", data[at:at + 2])
        if len(data) < at + 2 + width + 8:
            raise SharingError("preprocessing: truncated residue pool header")
        d = int.from_bytes(data[at + 2:at + 2 + width], "big")
        (count,) = struct.unpack(">Q", data[at + 2 + width:at + 10 + width])
        at += 10 + width
        if d < 2 or d in out:
            raise SharingError(f"preprocessing: residue pool modulo {d}: expected distinct moduli >= 2")
        n = count * residue_bits(d)
        sizes = [n * fd.byte_width for fd in (f, bf, bf)]
        if len(data) < at + sum(sizes):
            raise SharingError(f"preprocessing: {len(data)} bytes, expected at least {at + sum(sizes)} "
                               f"for {count} residues modulo {d}")
        vecs = []
        for fd, size in zip((f, bf, bf), sizes):
            vecs.append(fd.unpack(data[at:at + size], "preprocessing"))
            at += size
        out[d] = (vecs[0], vecs[1], vecs[2])
    if at != len(data):
        raise SharingError(f"preprocessing: {len(data)} bytes, expected {at}")
    return out, at


def _random_ints(n: int, bits: int, rng: Rng | None) -> list[int]:
    draw = rng.getrandbits if rng is not None else secrets.randbits
    return [draw(bits) if bits else 0 for _ in range(n)]


def _check_bit_field(bit_field: PrimeField, parties: int) -> None:
    if bit_field.modulus <= (1 << (KAPPA + 1)) + 1 or bit_field.modulus <= parties:
        raise SharingError(f"bit_field: expected a prime above 2^{KAPPA + 1} + 1 (bridges of {KAPPA} bits open "
                           f"without wrapping) and above the number of parties, found {bit_field.name}")


def deal_preprocessing(needs: Needs, *, parties: Sequence[int], threshold: int, field: PrimeField = FR,
                       mask_bits: int = DEFAULT_MASK_BITS, rng: Rng | None = None,
                       bit_field: PrimeField | None = None) -> dict[int, Preprocessing]:
    """A dealer's preprocessing for ``needs``, shared among ``parties`` (threshold
    ``threshold``); randomness from ``secrets`` unless ``rng`` is given (tests).
    ``bit_field``: where the bitwise part of the comparisons runs
    (:func:`default_bit_field` unless given; pass ``field`` to keep everything in it).

    Raises:
        SharingError: negative counts, masks too wide for the field, or a bit field
            too small for the bridges.
    """
    if min([*needs.counts(), *(c for _, c in needs.residues)]) < 0:
        raise SharingError(f"preprocessing: expected non-negative counts, found {needs}")
    if not 1 <= mask_bits <= field.modulus.bit_length() - 3:
        raise SharingError(f"mask_bits: expected 1..{field.modulus.bit_length() - 3} for {field.name}, "
                           f"found {mask_bits}")
    ids = list(parties)
    bf = default_bit_field(field) if bit_field is None else bit_field
    _check_bit_field(bf, len(ids))
    same = bf == field
    ints: dict[str, list[int]] = {
        "bits": _random_ints(needs.bits, 1, rng), "masks": _random_ints(needs.masks, mask_bits, rng),
        "s": _random_ints(needs.bridges, KAPPA, rng),
        "qa": _random_ints(needs.bridge_triples, KAPPA, rng), "qb": _random_ints(needs.bridge_triples, KAPPA, rng)}
    vecs = {name: field.vector(v) for name, v in ints.items()}
    vecs["qc"] = field.mul(vecs["qa"], vecs["qb"])       # below 2^(2 KAPPA): the integer product
    vecs["a"], vecs["b"] = field.random_vector(needs.triples, rng), field.random_vector(needs.triples, rng)
    vecs["c"] = field.mul(vecs["a"], vecs["b"])
    vecs["ta"], vecs["tb"] = bf.random_vector(needs.bit_triples, rng), bf.random_vector(needs.bit_triples, rng)
    vecs["tc"] = bf.mul(vecs["ta"], vecs["tb"])
    if not same:
        for name in ("bits", "s", "qa", "qb"):
            vecs[f"{name}@bit"] = bf.vector(ints[name])
    bits = ints["bits"]
    vecs["pp@bit"] = bf.vector([x & y for x, y in zip(bits, bits[1:] + [0])])
    shared = {name: split(v, n=len(ids), threshold=threshold, field=bf if _IN_BIT_FIELD[name] else field, indices=ids,
                          rng=rng) for name, v in vecs.items()}
    residues = {d: _deal_residues(d, count, ids, threshold, field, bf, rng) for d, count in needs.residues}
    out = {}
    for i, p in enumerate(ids):
        mine = {name: sh[i].vector for name, sh in shared.items()}
        out[p] = Preprocessing(p, mask_bits, bits=mine.pop("bits"), masks=mine.pop("masks"), a=mine.pop("a"),
                               b=mine.pop("b"), c=mine.pop("c"), field=field, bit_field=bf, extra=mine,
                               residue_pools={d: pools[i] for d, pools in residues.items()})
    return out


def _deal_residues(d: int, count: int, ids: list[int], threshold: int, field: PrimeField, bf: PrimeField,
                   rng: Rng | None) -> list[tuple[Vector, Vector, Vector]]:
    """Every party's shares of ``count`` residues uniform in ``[0, d)``, as their bits (main
    field, bit field) and the bit-field products of adjacent bits."""
    width = residue_bits(d)
    values = [int(random_below(d, rng)) for _ in range(count)]
    bits = [(v >> j) & 1 for v in values for j in range(width)]
    main = split(field.vector(bits), n=len(ids), threshold=threshold, field=field, indices=ids, rng=rng)
    small = main if bf == field else split(bf.vector(bits), n=len(ids), threshold=threshold, field=bf,
                                           indices=ids, rng=rng)
    pairs = split(bf.vector([x & y for x, y in zip(bits, bits[1:] + [0])]), n=len(ids), threshold=threshold,
                  field=bf, indices=ids, rng=rng)
    return [(main[i].vector, small[i].vector, pairs[i].vector) for i in range(len(ids))]
