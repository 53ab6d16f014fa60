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
  ``y + b`` in the bit field, as ``(x + a)(y + b) - (x + a) b - (y + b) a + a b``.

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


from .._intmath import Rng
from ..errors import SharingError
from ..field import FR, P61, PrimeField, Vector
from ..sharing.shamir import split

__all__ = ["Needs", "Preprocessing", "deal_preprocessing", "DEFAULT_MASK_BITS", "KAPPA", "default_bit_field"]

_MAGIC = b"zkmpc/pre/2"

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


@dataclass(frozen=True)
class Needs:
    """How many shared bits, masks and Beaver triples (main field, bit field, bridging)
    and bridges a computation consumes."""

    bits: int = 0
    masks: int = 0
    triples: int = 0
    bit_triples: int = 0
    bridges: int = 0
    bridge_triples: int = 0

    def __add__(self, other: Needs) -> Needs:
        return Needs(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __mul__(self, k: int) -> Needs:
        return Needs(*(getattr(self, f.name) * k for f in fields(self)))


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
    (``extra`` holds the vectors beyond the main-field bits, masks and triples, by name)."""

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
    _used: dict[str, int] = dc_field(default_factory=lambda: {kind: 0 for kind, _ in _LAYOUT})

    def __post_init__(self) -> None:
        if self.bit_field is None:
            self.bit_field = self.field
        for kind, names in _LAYOUT:
            sizes = {name: len(self._vec(name)) for name, _ in names}
            if len(set(sizes.values())) > 1:
                raise SharingError(f"preprocessing of party {self.party}: the {kind} vectors differ in length "
                                   f"({sizes}): expected one share of each per item (see deal_preprocessing)")

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
        field flags (0: BN254 Fr, 1: GF(2^61 - 1)), the six counts, then the packed vectors
        (each in its field's width)."""
        for f in (self.field, self.tree_field):
            if f not in _FIELDS:
                raise SharingError(f"preprocessing over {f.name}: only BN254 Fr and GF(2^61 - 1) pools are serialised")
        rest = self.remaining()
        head = _MAGIC + struct.pack(">HHBB6Q", self.party, self.mask_bits, _FIELDS.index(self.field),
                                    _FIELDS.index(self.tree_field), *(getattr(rest, k) for k, _ in _LAYOUT))
        body = []
        for kind, names in _LAYOUT:
            for name, small in names:
                f = self.tree_field if small else self.field
                body.append(f.pack(self._vec(name)[self._used[kind]:]))
        return head + b"".join(body)

    @classmethod
    def from_bytes(cls, data: bytes) -> Preprocessing:
        """Read :meth:`to_bytes` (every element checked canonical).

        Raises:
            SharingError: a malformed or truncated pool."""
        size = len(_MAGIC) + struct.calcsize(">HHBB6Q")
        if data[:len(_MAGIC)] != _MAGIC or len(data) < size:
            raise SharingError("preprocessing: expected a pool written by Preprocessing.to_bytes")
        party, mask_bits, main, small, *counts = struct.unpack(">HHBB6Q", data[len(_MAGIC):size])
        if main >= len(_FIELDS) or small >= len(_FIELDS):
            raise SharingError(f"preprocessing: field flags {main}, {small}: expected 0 (BN254 Fr) or 1 (GF(2^61 - 1))")
        f, bf = _FIELDS[main], _FIELDS[small]
        layout = [(name, bf if is_small else f, n) for (_, names), n in zip(_LAYOUT, counts) for name, is_small in names]
        want = size + sum(fd.byte_width * n for _, fd, n in layout)
        if len(data) != want:
            raise SharingError(f"preprocessing: {len(data)} bytes, expected {want} for counts {counts}")
        vecs, at = {}, size
        for name, fd, n in layout:
            vecs[name] = fd.unpack(data[at:at + n * fd.byte_width], "preprocessing")
            at += n * fd.byte_width
        return cls(party, mask_bits, bits=vecs.pop("bits"), masks=vecs.pop("masks"), a=vecs.pop("a"),
                   b=vecs.pop("b"), c=vecs.pop("c"), field=f, bit_field=bf, extra=vecs)

    def remaining(self) -> Needs:
        """What is left to hand out."""
        return Needs(*(len(self._vec(names[0][0])) - self._used[kind] for kind, names in _LAYOUT))

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
    if min(getattr(needs, f.name) for f in fields(needs)) < 0:
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
    out = {}
    for i, p in enumerate(ids):
        mine = {name: sh[i].vector for name, sh in shared.items()}
        out[p] = Preprocessing(p, mask_bits, bits=mine.pop("bits"), masks=mine.pop("masks"), a=mine.pop("a"),
                               b=mine.pop("b"), c=mine.pop("c"), field=field, bit_field=bf, extra=mine)
    return out
