"""Claims: what an issuer signs about a holder (a simplified iden3 claim).

A claim is twelve field elements, hashed with circomlib's Poseidon into the one value the
issuer signs (EdDSA-Poseidon over Baby Jubjub):

=====  ===================  =====================================================
index  field                meaning
=====  ===================  =====================================================
0      ``schema``           the schema hash (:func:`schema_hash` of its name)
1      ``subject``          the holder's commitment, ``Poseidon(holder_secret)``
2      ``nonce``            the revocation nonce, below ``2**64`` (unique per issuer)
3      ``expiration``       unix seconds, below ``2**64``; valid while ``now < expiration``
4..11  ``slots[0..7]``      the data slots (:data:`SLOTS` of them), any field elements
=====  ===================  =====================================================

``claim_hash = Poseidon(schema, subject, nonce, expiration, slot0, ..., slot7)``
(Poseidon of 12 inputs). Ordered queries (lt, le, gt, ge, between) read a slot as an
unsigned integer of the circuit's width (64 bits by default); eq, ne, in and nin take any
field element.

    >>> c = Claim(schema=schema_hash("example/age/v1"), subject=7, nonce=1, expiration=2**40,
    ...           slots=(34, 250, 0, 0, 0, 0, 0, 0))
    >>> c.hash() == poseidon([c.schema, 7, 1, 2**40, 34, 250, 0, 0, 0, 0, 0, 0])
    True
    >>> Claim(schema=1, subject=7, nonce=2**64, expiration=1, slots=(0,) * 8)
    Traceback (most recent call last):
    ...
    zkmpc.errors.CredentialFormatError: claim nonce: expected an int in [0, 2**64), found 18446744073709551616
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

from circuits.native import poseidon
from zkp.field import R

from ..errors import CredentialFormatError

__all__ = ["Claim", "SLOTS", "NONCE_BITS", "TIME_BITS", "NEVER", "schema_hash", "field_element", "uint"]

#: data slots per claim
SLOTS = 8
#: width of the revocation nonce
NONCE_BITS = 64
#: width of times (expiration, now): unix seconds
TIME_BITS = 64
#: the expiration of a claim that does not expire
NEVER = 2**TIME_BITS - 1


def field_element(v: object, what: str) -> int:
    """``v`` if it is an int in ``[0, r)`` (never reduced), else :class:`CredentialFormatError`."""
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
        raise CredentialFormatError(f"{what}: expected a field element (an int in [0, r)), found {v!r:.80}")
    return v


def uint(v: object, bits: int, what: str) -> int:
    """``v`` if it is an int in ``[0, 2**bits)``, else :class:`CredentialFormatError`."""
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**bits:
        raise CredentialFormatError(f"{what}: expected an int in [0, 2**{bits}), found {v!r:.80}")
    return v


def schema_hash(name: str) -> int:
    """The schema hash of a schema name: SHA-256 of ``b"zkmpc/credential-schema:" + name``
    (UTF-8), its first 31 bytes read big-endian (a field element; no reduction).

    >>> schema_hash("example/age/v1") == schema_hash("example/age/v1") != schema_hash("example/age/v2")
    True
    """
    if not isinstance(name, str) or not name:
        raise CredentialFormatError(f"schema_hash: expected a non-empty str, found {name!r:.80}")
    digest = hashlib.sha256(b"zkmpc/credential-schema:" + name.encode()).digest()
    return int.from_bytes(digest[:31], "big")


@dataclass(frozen=True)
class Claim:
    """A claim (see the module docstring for the layout); every field is checked."""

    schema: int
    subject: int
    nonce: int
    expiration: int
    slots: tuple[int, ...]

    def __post_init__(self) -> None:
        field_element(self.schema, "claim schema")
        field_element(self.subject, "claim subject")
        uint(self.nonce, NONCE_BITS, "claim nonce")
        uint(self.expiration, TIME_BITS, "claim expiration")
        if not isinstance(self.slots, tuple) or len(self.slots) != SLOTS:
            raise CredentialFormatError(f"claim slots: expected a tuple of {SLOTS} field elements, "
                                        f"found {self.slots!r:.120}")
        for i, s in enumerate(self.slots):
            field_element(s, f"claim slot {i}")

    def fields(self) -> list[int]:
        """The twelve hashed fields, in order."""
        return [self.schema, self.subject, self.nonce, self.expiration, *self.slots]

    def hash(self) -> int:
        """``Poseidon`` of :meth:`fields`: what the issuer signs."""
        return poseidon(self.fields())

    def to_dict(self) -> dict[str, object]:
        return {"schema": str(self.schema), "subject": str(self.subject), "nonce": str(self.nonce),
                "expiration": str(self.expiration), "slots": [str(s) for s in self.slots]}

    @classmethod
    def from_dict(cls, doc: object) -> Claim:
        """The inverse of :meth:`to_dict` (decimal strings; checked)."""
        if not isinstance(doc, dict) or set(doc) != {"schema", "subject", "nonce", "expiration", "slots"}:
            raise CredentialFormatError(f"claim: expected an object with schema, subject, nonce, expiration "
                                        f"and slots, found {doc!r:.120}")
        slots = doc["slots"]
        if not isinstance(slots, list):
            raise CredentialFormatError(f"claim slots: expected a list, found {slots!r:.80}")
        return cls(schema=decimal(doc["schema"], "claim schema"), subject=decimal(doc["subject"], "claim subject"),
                   nonce=decimal(doc["nonce"], "claim nonce"),
                   expiration=decimal(doc["expiration"], "claim expiration"),
                   slots=tuple(decimal(s, f"claim slot {i}") for i, s in enumerate(slots)))


def decimal(v: object, what: str) -> int:
    """A canonical decimal string (``"0"`` or no leading zero, at most 78 digits) as an int."""
    if not isinstance(v, str) or not v.isascii() or not v.isdigit() or len(v) > 78 or (v != "0" and v[0] == "0"):
        raise CredentialFormatError(f"{what}: expected a canonical decimal string, found {v!r:.80}")
    return int(v)


def slot_tuple(values: Sequence[int]) -> tuple[int, ...]:
    """``values`` padded with zeros to :data:`SLOTS` (more is refused)."""
    vals = tuple(values)
    if len(vals) > SLOTS:
        raise CredentialFormatError(f"claim slots: expected at most {SLOTS} values, found {len(vals)}")
    return vals + (0,) * (SLOTS - len(vals))
