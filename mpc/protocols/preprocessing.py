"""Dealt preprocessing for the comparison protocols: shared random bits, bounded random
masks and Beaver triples in one pool per party, consumed in the same order by everyone.

A trusted dealer (as for :func:`~mpc.protocols.beaver.deal_triples`) shares among the
parties, with Shamir's scheme of the session's threshold:

* ``bits``: uniformly random bits ``b`` (each a field element 0 or 1). A run of ``m``
  of them gives ``r' = sum(2^j b_j)``, a random ``m``-bit integer whose bits are shared
  too (what the literature calls an edaBit);
* ``masks``: uniformly random integers ``r'' < 2^mask_bits``, which hide the high part of an
  opened value statistically (``c = a + r' + 2^m r''`` leaks at most ``2^-kappa`` about ``a``
  when ``mask_bits >= bits(a) - m + kappa``);
* ``triples``: Beaver triples ``(a, b, a b)`` for the multiplications.

:class:`Needs` counts what a run takes; the functions of :mod:`mpc.protocols.compare`
document their needs and offer ``*_needs`` functions to size the pool before dealing.

    >>> pool = deal_preprocessing(Needs(bits=8, masks=2, triples=3), parties=[1, 2, 3], threshold=2)
    >>> pool[1].remaining()
    Needs(bits=8, masks=2, triples=3)
    >>> _ = pool[1].take_bits(5); pool[1].remaining()
    Needs(bits=3, masks=2, triples=3)
    >>> Preprocessing.from_bytes(pool[2].to_bytes()).remaining()   # what a dealer sends party 2
    Needs(bits=8, masks=2, triples=3)

Security:
    The dealer knows every value it deals and must not collude with any party (the
    trusted-dealer preprocessing model, as for the Beaver triples). Each item is used once:
    the pool hands out every position at most once.
"""

from __future__ import annotations

import secrets
import struct
from dataclasses import dataclass, field as dc_field
from typing import Sequence

from .._intmath import Rng
from ..errors import SharingError
from ..field import FR, P61, PrimeField, Vector
from ..sharing.shamir import split

__all__ = ["Needs", "Preprocessing", "deal_preprocessing", "DEFAULT_MASK_BITS"]

_MAGIC = b"zkmpc/pre/1"

DEFAULT_MASK_BITS = 128
"""Bits of the masks ``r''`` by default: with ``kappa = 40`` they hide values of up to
``88 + m`` bits when their low ``m`` bits are masked by shared bits."""


@dataclass(frozen=True)
class Needs:
    """How many shared bits, masks and Beaver triples a computation consumes."""

    bits: int = 0
    masks: int = 0
    triples: int = 0

    def __add__(self, other: Needs) -> Needs:
        return Needs(self.bits + other.bits, self.masks + other.masks, self.triples + other.triples)

    def __mul__(self, k: int) -> Needs:
        return Needs(self.bits * k, self.masks * k, self.triples * k)


@dataclass(repr=False)
class Preprocessing:
    """One party's shares of dealt bits, masks and triples, handed out once each."""

    party: int
    mask_bits: int
    bits: Vector
    masks: Vector
    a: Vector
    b: Vector
    c: Vector
    field: PrimeField = FR
    _used: dict[str, int] = dc_field(default_factory=lambda: {"bits": 0, "masks": 0, "triples": 0})

    def __repr__(self) -> str:
        return f"Preprocessing(party={self.party}, remaining={self.remaining()}, values=<hidden>)"

    def to_bytes(self) -> bytes:
        """The unused part, for the dealer to send to its party (over an encrypted
        channel: these are secret shares). Layout: magic, party, mask bits, field flag
        (0: BN254 Fr, 1: GF(2^61 - 1)), the three counts, then the packed vectors."""
        f = self.field
        if f not in (FR, P61):
            raise SharingError(f"preprocessing over {f.name}: only BN254 Fr and GF(2^61 - 1) pools are serialised")
        rest = self.remaining()
        used = self._used
        vecs = [self.bits[used["bits"]:], self.masks[used["masks"]:], self.a[used["triples"]:],
                self.b[used["triples"]:], self.c[used["triples"]:]]
        head = _MAGIC + struct.pack(">HHBQQQ", self.party, self.mask_bits, int(f is P61), rest.bits, rest.masks,
                                    rest.triples)
        return head + b"".join(f.pack(v) for v in vecs)

    @classmethod
    def from_bytes(cls, data: bytes) -> Preprocessing:
        """Read :meth:`to_bytes` (every element checked canonical).

        Raises:
            SharingError: a malformed or truncated pool."""
        size = len(_MAGIC) + struct.calcsize(">HHBQQQ")
        if data[:len(_MAGIC)] != _MAGIC or len(data) < size:
            raise SharingError("preprocessing: expected a pool written by Preprocessing.to_bytes")
        party, mask_bits, word, nb, nm, nt = struct.unpack(">HHBQQQ", data[len(_MAGIC):size])
        f = P61 if word else FR
        counts = [nb, nm, nt, nt, nt]
        if word > 1 or len(data) != size + f.byte_width * sum(counts):
            raise SharingError(f"preprocessing: {len(data)} bytes, expected {size + f.byte_width * sum(counts)} "
                               f"for {nb} bits, {nm} masks and {nt} triples")
        vecs, at = [], size
        for n in counts:
            vecs.append(f.unpack(data[at:at + n * f.byte_width], "preprocessing"))
            at += n * f.byte_width
        return cls(party, mask_bits, bits=vecs[0], masks=vecs[1], a=vecs[2], b=vecs[3], c=vecs[4], field=f)

    def remaining(self) -> Needs:
        """What is left to hand out."""
        return Needs(len(self.bits) - self._used["bits"], len(self.masks) - self._used["masks"],
                     len(self.a) - self._used["triples"])

    def _take(self, kind: str, n: int, total: int) -> slice:
        start = self._used[kind]
        if n < 0 or start + n > total:
            raise SharingError(f"preprocessing of party {self.party}: {n} {kind} needed, {total - start} left "
                               f"(deal more: see the *_needs functions of mpc.protocols.compare)")
        self._used[kind] = start + n
        return slice(start, start + n)

    def take_bits(self, n: int) -> Vector:
        """This party's shares of the next ``n`` random bits."""
        return self.bits[self._take("bits", n, len(self.bits))]

    def take_masks(self, n: int) -> Vector:
        """This party's shares of the next ``n`` masks (random integers below ``2^mask_bits``)."""
        return self.masks[self._take("masks", n, len(self.masks))]

    def take_triples(self, n: int) -> tuple[Vector, Vector, Vector]:
        """This party's shares of the next ``n`` Beaver triples ``(a, b, c = a b)``."""
        s = self._take("triples", n, len(self.a))
        return self.a[s], self.b[s], self.c[s]


def _random_ints(field: PrimeField, n: int, bits: int, rng: Rng | None) -> Vector:
    draw = rng.getrandbits if rng is not None else secrets.randbits
    return field.vector([draw(bits) if bits else 0 for _ in range(n)])


def deal_preprocessing(needs: Needs, *, parties: Sequence[int], threshold: int, field: PrimeField = FR,
                       mask_bits: int = DEFAULT_MASK_BITS, rng: Rng | None = None) -> dict[int, Preprocessing]:
    """A dealer's preprocessing for ``needs``, shared among ``parties`` (threshold
    ``threshold``); randomness from ``secrets`` unless ``rng`` is given (tests).

    Raises:
        SharingError: negative counts, or masks too wide for the field.
    """
    if min(needs.bits, needs.masks, needs.triples) < 0:
        raise SharingError(f"preprocessing: expected non-negative counts, found {needs}")
    if not 1 <= mask_bits <= field.modulus.bit_length() - 3:
        raise SharingError(f"mask_bits: expected 1..{field.modulus.bit_length() - 3} for {field.name}, "
                           f"found {mask_bits}")
    bits = _random_ints(field, needs.bits, 1, rng)
    masks = _random_ints(field, needs.masks, mask_bits, rng)
    a, b = field.random_vector(needs.triples, rng), field.random_vector(needs.triples, rng)
    c = field.mul(a, b)
    ids = list(parties)
    shares = [split(v, n=len(ids), threshold=threshold, field=field, indices=ids, rng=rng)
              for v in (bits, masks, a, b, c)]
    return {p: Preprocessing(p, mask_bits, bits=shares[0][i].vector, masks=shares[1][i].vector, a=shares[2][i].vector,
                             b=shares[3][i].vector, c=shares[4][i].vector, field=field) for i, p in enumerate(ids)}
