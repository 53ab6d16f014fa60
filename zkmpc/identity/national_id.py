"""National-ID QR proofs (the Anon Aadhaar pattern): facts from an RSA-2048-signed record.

An issuer (a government) signs a byte record with RSA-2048, PKCS#1 v1.5, SHA-256, and the
holder carries record and signature (in a QR code). The holder proves, revealing nothing
else: the record is signed by the key whose hash is public (:func:`modulus_hash`, a root
the application records), the holder was at least 18 on a public date, the record's region
is a public one, and a per-application nullifier ``Poseidon(scope, Poseidon(photo hash))``
(one proof per holder per application; the issuer, who knows the photo hash, could link:
the pattern's known limit).

The record (:class:`IdRecord`) has a fixed layout and a variable-length name at its end::

    0 version (1) | 1-2 birth year | 3 month | 4 day | 5 gender (ASCII) | 6-7 region |
    8-39 SHA-256 of the photo | 40 name length L (1..MAX_NAME) | 41.. name (UTF-8, L bytes)

The circuit (:func:`national_id_circuit`) hashes ``record[:41 + record[40]]`` with a secret
length (the bytes past it are padding: any value), verifies the signature under the
modulus given as limbs, hashes the modulus, reads the fields at their fixed offsets, and
compares. Public signals, in order: ``[modulus_hash, nullifier, scope, region, today]``
(``today`` as YYYYMMDD); :data:`LAYOUT` is the app contract's: the modulus hash is root
set 0, the region root set 1 (the regions the application serves), the date root set 2
(the dates it accepts), the nullifier recorded once per scope.

    >>> import datetime
    >>> record = IdRecord("Asha Rao", datetime.date(2000, 2, 29), "F", 560, bytes(32))
    >>> IdRecord.decode(record.encode()) == record
    True
    >>> len(record.encode()), record.age_on(datetime.date(2018, 2, 28)), record.age_on(datetime.date(2018, 3, 1))
    (49, 17, 18)
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from circuits import API, Circuit, CompiledCircuit, Field, Public, Secret, UInt, compile
from circuits.gadgets import assert_le, poseidon, rsa_verify_pkcs1_sha256
from circuits.gadgets.sha256 import sha256_var_bytes
from circuits.native.poseidon import poseidon as poseidon_native
from circuits.native.rsa import modulus_limbs, signature_limbs, verify as rsa_verify
from zkmpc.contracts import AppLayout
from zkmpc.errors import (NationalIdAgeError, NationalIdRecordError, NationalIdRegionError,
                          NationalIdSignatureError)

__all__ = ["IdRecord", "SignedRecord", "Issuer", "MAX_NAME", "MAX_RECORD", "HEADER", "LAYOUT", "ADULT",
           "national_id_circuit", "national_id_class", "modulus_hash", "id_secret", "nullifier_of", "date_number",
           "witness_inputs", "public_signals", "parts"]

#: record format version (byte 0)
VERSION = 1
#: the fixed part: version, birth date (4), gender, region (2), photo hash (32), name length
HEADER = 41
#: the longest name, in UTF-8 bytes
MAX_NAME = 64
#: the longest record (two SHA-256 blocks with its padding)
MAX_RECORD = HEADER + MAX_NAME
#: RSA modulus size
BITS = 2048
#: the age the circuit proves
ADULT = 18
#: the app contract's layout of the public signals
LAYOUT = AppLayout(num_public=5, roots=(0, 3, 4), nullifier=1, scope=2)
#: modulus limbs (32 bits) packed per field element in the modulus hash
_PACK = 7


@dataclass(frozen=True)
class IdRecord:
    """What the issuer signs: a name, a birth date, a gender (one ASCII letter), a region
    code (0..65535) and the SHA-256 of the holder's photo."""

    name: str
    birth: datetime.date
    gender: str
    region: int
    photo_hash: bytes

    def encode(self) -> bytes:
        """The signed bytes (layout in the module docstring).

        Raises:
            NationalIdRecordError: a field does not fit its place.
        """
        name = self.name.encode()
        if not 1 <= len(name) <= MAX_NAME:
            raise NationalIdRecordError(f"name: expected 1 to {MAX_NAME} UTF-8 bytes, found {len(name)}")
        if len(self.gender) != 1 or not self.gender.isascii():
            raise NationalIdRecordError(f"gender: expected one ASCII letter, found {self.gender!r}")
        if not 0 <= self.region < 1 << 16:
            raise NationalIdRecordError(f"region: expected 0 to 65535, found {self.region}")
        if len(self.photo_hash) != 32:
            raise NationalIdRecordError(f"photo_hash: expected 32 bytes, found {len(self.photo_hash)}")
        b = self.birth
        return (bytes([VERSION]) + b.year.to_bytes(2, "big") + bytes([b.month, b.day, ord(self.gender)])
                + self.region.to_bytes(2, "big") + self.photo_hash + bytes([len(name)]) + name)

    @classmethod
    def decode(cls, data: bytes) -> IdRecord:
        """The record of :meth:`encode`'s bytes.

        Raises:
            NationalIdRecordError: a version, length or date that is not one.
        """
        if len(data) < HEADER + 1 or data[0] != VERSION or len(data) != HEADER + data[40]:
            raise NationalIdRecordError(f"expected a version-{VERSION} record of {HEADER} bytes plus the name "
                                        f"length at byte 40, found {len(data)} bytes: {data[:HEADER + 1].hex()}")
        try:
            birth = datetime.date(int.from_bytes(data[1:3], "big"), data[3], data[4])
            name = data[HEADER:].decode()
        except ValueError as exc:
            raise NationalIdRecordError(f"record: {exc}") from exc
        return cls(name, birth, chr(data[5]), int.from_bytes(data[6:8], "big"), bytes(data[8:40]))

    def age_on(self, day: datetime.date) -> int:
        """Whole years of age on ``day`` (as the circuit counts them: YYYYMMDD numbers)."""
        return (date_number(day) - date_number(self.birth)) // 10_000


@dataclass(frozen=True)
class SignedRecord:
    """A record's bytes and the issuer's RSA signature (what the QR code carries)."""

    data: bytes
    signature: int

    @property
    def record(self) -> IdRecord:
        """The decoded record."""
        return IdRecord.decode(self.data)


class Issuer:
    """A test issuer: an RSA-2048 key (``e = 65537``) made with :mod:`cryptography`
    (``cryptography`` draws the key from the OS's generator; there is no ``rng`` to pass).

    >>> issuer = Issuer()
    >>> import datetime
    >>> signed = issuer.sign(IdRecord("Ravi", datetime.date(1990, 1, 1), "M", 110, bytes(32)))
    >>> issuer.verify(signed), modulus_hash(issuer.modulus) == issuer.key_hash
    (True, True)
    """

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import rsa

        self._key = rsa.generate_private_key(public_exponent=65537, key_size=BITS)
        self.modulus: int = self._key.public_key().public_numbers().n
        self.key_hash: int = modulus_hash(self.modulus)

    def sign(self, record: IdRecord | bytes) -> SignedRecord:
        """Sign a record (or its bytes, unchecked: tests sign malformed ones)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        data = record.encode() if isinstance(record, IdRecord) else bytes(record)
        sig = self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return SignedRecord(data, int.from_bytes(sig, "big"))

    def verify(self, signed: SignedRecord) -> bool:
        """The signature is this issuer's over these bytes (the circuit's native twin)."""
        return rsa_verify(self.modulus, signed.signature, hashlib.sha256(signed.data).digest())


def date_number(day: datetime.date) -> int:
    """``day`` as the circuit's YYYYMMDD number.

    >>> date_number(datetime.date(2026, 12, 4))
    20261204
    """
    return day.year * 10_000 + day.month * 100 + day.day


def modulus_hash(n: int) -> int:
    """The Poseidon hash of an RSA-2048 modulus (its 64 limbs of 32 bits, 7 per element):
    the root an application records for an issuer.

    >>> modulus_hash(1 << 2047 | 1) == modulus_hash(1 << 2047 | 3)
    False
    """
    limbs = modulus_limbs(n)
    return poseidon_native([_pack(limbs[i:i + _PACK]) for i in range(0, len(limbs), _PACK)])


def _pack(limbs: list[int]) -> int:
    return sum(v << (32 * j) for j, v in enumerate(limbs))


def id_secret(record: IdRecord) -> int:
    """The holder's secret behind the nullifiers: Poseidon of the photo hash's two halves."""
    return poseidon_native([int.from_bytes(record.photo_hash[:16], "big"), int.from_bytes(record.photo_hash[16:], "big")])


def nullifier_of(record: IdRecord, scope: int) -> int:
    """The nullifier for an application ``scope``: ``Poseidon(scope, id_secret(record))``."""
    return poseidon_native([scope, id_secret(record)])


def _bytes_int(api: API, data: list[Any]) -> Any:
    return api.lincomb([(b, 1 << (8 * (len(data) - 1 - i))) for i, b in enumerate(data)])


def _define(c: Any, api: API) -> None:
    rec = list(c.record)
    with api.scope("sha256"):
        digest = sha256_var_bytes(api, rec, rec[40] + HEADER)
    with api.scope("rsa"):
        rsa_verify_pkcs1_sha256(api, digest, list(c.signature), list(c.modulus), bits=BITS)
    limbs = list(c.modulus)
    with api.scope("modulus_hash"):
        packed = [api.lincomb([(v, 1 << (32 * j)) for j, v in enumerate(limbs[i:i + _PACK])])
                  for i in range(0, len(limbs), _PACK)]
        api.assert_equal(poseidon(api, packed), c.modulus_hash)
    with api.scope("parse"):
        api.assert_equal(rec[0], VERSION)
        birth = _bytes_int(api, rec[1:3]) * 10_000 + rec[3] * 100 + rec[4]
        api.assert_equal(_bytes_int(api, rec[6:8]), c.region)
        assert_le(api, birth + ADULT * 10_000, c.today, bits=32)
    with api.scope("nullifier"):
        secret = poseidon(api, [_bytes_int(api, rec[8:24]), _bytes_int(api, rec[24:40])])
        api.assert_equal(poseidon(api, [c.scope, secret]), c.nullifier)


@lru_cache(maxsize=None)
def national_id_class() -> type[Circuit]:
    """The circuit class (public signals in :data:`LAYOUT`'s order)."""

    class NationalIdQR(Circuit):
        modulus_hash: Public[Field]
        nullifier: Public[Field]
        scope: Public[Field]
        region: Public[UInt[16]]
        today: Public[UInt[32]]
        record: Secret[UInt[8], MAX_RECORD]
        signature: Secret[UInt[32], BITS // 32]
        modulus: Secret[UInt[32], BITS // 32]

        def define(self, api: API) -> None:
            _define(self, api)

    return NationalIdQR


@lru_cache(maxsize=None)
def national_id_circuit() -> CompiledCircuit:
    """The compiled circuit (about 130k constraints; cached per process).

    Its parts, by scope: ``sha256`` (the record, secret length up to :data:`MAX_RECORD`),
    ``rsa`` (RSA-2048 under the modulus limbs), ``modulus_hash``, ``parse`` (offsets,
    age and region comparisons), ``nullifier``."""
    return compile(national_id_class())


def parts(circuit: CompiledCircuit) -> dict[str, int]:
    """Constraints per part of a compiled circuit: its top-level scopes (``inputs``: the
    range checks of the typed inputs and what is outside any scope).

    >>> from circuits import Circuit, Secret, UInt, compile
    >>> class Two(Circuit):
    ...     x: Secret[UInt[8]]
    ...     def define(self, api):
    ...         with api.scope("square"):
    ...             api.assert_equal(api.mul(self.x, self.x), 9)
    >>> parts(compile(Two))
    {'inputs': 8, 'square': 1}
    """
    counts: dict[str, int] = {}
    r1cs = circuit.r1cs
    for i in range(r1cs.num_constraints):
        path = r1cs.label(i).split(" @ ", 1)[0].split("/")
        top = "inputs" if path[0].startswith("input ") or len(path) == 1 else path[0]
        counts[top] = counts.get(top, 0) + 1
    return dict(sorted(counts.items()))


def witness_inputs(signed: SignedRecord, modulus: int, *, scope: int, region: int, today: datetime.date) -> Circuit:
    """The circuit's assignment for a holder proving "signed under ``modulus``, of age on
    ``today``, living in ``region``" for the application ``scope``, each checked first
    natively (the native twin of the circuit).

    Raises:
        NationalIdRecordError: the bytes are no record.
        NationalIdSignatureError: the signature is not ``modulus``'s over these bytes.
        NationalIdAgeError: the holder is under 18 on ``today``.
        NationalIdRegionError: the record's region is another one.
    """
    record = signed.record
    if modulus.bit_length() != BITS or not rsa_verify(modulus, signed.signature, hashlib.sha256(signed.data).digest()):
        raise NationalIdSignatureError(f"expected a signature under the key with hash {modulus_hash(modulus)} over "
                                       f"the record's {len(signed.data)} bytes, found one that does not verify")
    if record.age_on(today) < ADULT:
        raise NationalIdAgeError(f"expected an age of at least {ADULT} on {today}, found {record.age_on(today)}")
    if record.region != region:
        raise NationalIdRegionError(f"expected region {region}, found the record's region {record.region}")
    cls = national_id_class()
    return cls(modulus_hash=modulus_hash(modulus), nullifier=nullifier_of(record, scope), scope=scope, region=region,
               today=date_number(today), record=list(signed.data.ljust(MAX_RECORD, b"\0")),
               signature=signature_limbs(signed.signature, BITS), modulus=modulus_limbs(modulus))


def public_signals(modulus: int, record: IdRecord, *, scope: int, region: int, today: datetime.date) -> list[int]:
    """The public signals a proof for these values carries (what a verifier expects)."""
    return [modulus_hash(modulus), nullifier_of(record, scope), scope, region, date_number(today)]
