"""The documents that travel between issuer, holder and verifier: a :class:`Credential`
(a signed claim), a :class:`RevocationStatus` (the issuer's answer about one nonce), a
:class:`Request` (what a verifier asks) and a :class:`Presentation` (the holder's proof).

Credentials and presentations have a JSON form (``dump_*``/``load_*``): numbers as
canonical decimal strings, the proof in snarkjs's format, a version tag; anything else is
refused with :class:`~zkmpc.errors.CredentialFormatError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from circuits.native import SMTProof, babyjub, poseidon
from circuits.native.eddsa import Signature, verify
from zkp.errors import ZkpError
from zkp.formats.snarkjs_json import proof_from_json, proof_to_json
from zkp.groth16 import Proof

from ..errors import CredentialFormatError
from .claim import SLOTS, TIME_BITS, Claim, decimal, field_element, uint
from .query import Query

__all__ = ["Credential", "RevocationStatus", "Request", "Presentation", "issuer_id", "issuer_state",
           "dump_credential", "load_credential", "dump_presentation", "load_presentation"]

_VERSION = "zkmpc-credential/1"
_PRESENTATION = "zkmpc-presentation/1"

Point = tuple[int, int]


def issuer_id(public_key: Point) -> int:
    """An issuer's identifier: ``Poseidon(key.x, key.y)``."""
    return poseidon(list(public_key))


def issuer_state(public_key: Point, revocation_root: int) -> int:
    """What an issuer publishes: ``Poseidon(key.x, key.y, revocation_root)``."""
    return poseidon([*public_key, revocation_root])


@dataclass(frozen=True)
class Credential:
    """A claim and its issuer's signature on :meth:`Claim.hash`."""

    claim: Claim
    issuer_key: Point
    signature: Signature

    @property
    def issuer(self) -> int:
        return issuer_id(self.issuer_key)

    def signature_valid(self) -> bool:
        """True iff the signature verifies on the claim hash under ``issuer_key``."""
        return verify(self.issuer_key, self.claim.hash(), self.signature)


@dataclass(frozen=True)
class RevocationStatus:
    """An issuer's revocation tree root and a (non-)membership proof of one nonce in it."""

    issuer_key: Point
    revocation_root: int
    proof: SMTProof

    @property
    def state(self) -> int:
        return issuer_state(self.issuer_key, self.revocation_root)

    @property
    def revoked(self) -> bool:
        return self.proof.found


@dataclass(frozen=True)
class Request:
    """What a verifier asks: a claim of ``schema`` from one of ``issuers`` (issuer ids;
    empty: any published issuer) whose slot satisfies ``query``, valid at ``now``, with
    the slots ``disclose`` revealed, for the verifier session ``session``."""

    schema: int
    query: Query
    now: int
    session: int
    disclose: tuple[int, ...] = ()
    issuers: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        field_element(self.schema, "request schema")
        if not isinstance(self.query, Query):
            raise CredentialFormatError(f"request query: expected a Query, found {type(self.query).__name__}")
        uint(self.now, TIME_BITS, "request now")
        field_element(self.session, "request session")
        object.__setattr__(self, "disclose", tuple(self.disclose))
        object.__setattr__(self, "issuers", tuple(self.issuers))
        for i in self.disclose:
            if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < SLOTS:
                raise CredentialFormatError(f"request disclose: expected slot indices in [0, {SLOTS}), found {i!r}")
        if len(set(self.disclose)) != len(self.disclose):
            raise CredentialFormatError(f"request disclose: a slot is named twice in {self.disclose}")
        for j in self.issuers:
            field_element(j, "request issuer id")

    def disclose_mask(self) -> tuple[int, ...]:
        return tuple(int(i in self.disclose) for i in range(SLOTS))


@dataclass(frozen=True)
class Presentation:
    """A proof and the public signals it is for (their order: :mod:`.circuit`)."""

    proof: Proof
    signals: tuple[int, ...]


# ------------------------------------------------------------------ JSON


def _loads(text: str | bytes, what: str) -> dict[str, Any]:
    def no_dupes(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise CredentialFormatError(f"{what}: duplicate keys in {keys}")
        return dict(pairs)

    def no_float(s: str) -> Any:
        raise CredentialFormatError(f"{what}: numbers are decimal strings, found the JSON number {s}")

    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="strict")
    if not isinstance(text, str) or len(text) > 1 << 20:
        raise CredentialFormatError(f"{what}: expected a JSON text of at most 1 MiB")
    try:
        doc = json.loads(text, object_pairs_hook=no_dupes, parse_float=no_float, parse_int=no_float,
                         parse_constant=no_float)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, CredentialFormatError):
            raise
        raise CredentialFormatError(f"{what}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise CredentialFormatError(f"{what}: expected a JSON object, found {type(doc).__name__}")
    return doc


def _keys(doc: dict[str, Any], keys: set[str], what: str) -> None:
    if set(doc) != keys:
        raise CredentialFormatError(f"{what}: expected the keys {sorted(keys)}, found {sorted(doc)}")


def dump_credential(c: Credential) -> str:
    """The JSON form of a credential.

    >>> from circuits.native.eddsa import PrivateKey
    >>> key = PrivateKey(b"issuer")
    >>> claim = Claim(schema=1, subject=2, nonce=3, expiration=4, slots=(5,) * 8)
    >>> c = Credential(claim, key.public_key, key.sign(claim.hash()))
    >>> load_credential(dump_credential(c)) == c
    True
    """
    return json.dumps({"version": _VERSION, "claim": c.claim.to_dict(),
                       "issuer_key": [str(v) for v in c.issuer_key],
                       "signature": {"R8": [str(v) for v in c.signature.R8], "S": str(c.signature.S)}})


def load_credential(text: str | bytes) -> Credential:
    """The inverse of :func:`dump_credential`; the issuer key and R8 must be curve points
    (the signature itself is checked by the holder, :class:`~.holder.Holder`)."""
    doc = _loads(text, "credential")
    _keys(doc, {"version", "claim", "issuer_key", "signature"}, "credential")
    if doc["version"] != _VERSION:
        raise CredentialFormatError(f"credential: expected version {_VERSION!r}, found {doc['version']!r:.40}")
    sig = doc["signature"]
    if not isinstance(sig, dict):
        raise CredentialFormatError("credential signature: expected an object with R8 and S")
    _keys(sig, {"R8", "S"}, "credential signature")
    key = _point(doc["issuer_key"], "credential issuer_key")
    r8 = _point(sig["R8"], "credential signature R8")
    return Credential(Claim.from_dict(doc["claim"]), key, Signature(r8, decimal(sig["S"], "signature S")))


def _point(v: Any, what: str) -> Point:
    if not isinstance(v, list) or len(v) != 2:
        raise CredentialFormatError(f"{what}: expected two decimal strings, found {v!r:.80}")
    p = (field_element(decimal(v[0], what), what), field_element(decimal(v[1], what), what))
    if not babyjub.on_curve(p):
        raise CredentialFormatError(f"{what}: not a point of Baby Jubjub: {p}")
    return p


def dump_presentation(p: Presentation) -> str:
    """The JSON form of a presentation: the proof as snarkjs writes it, the signals as
    decimal strings."""
    return json.dumps({"version": _PRESENTATION, "proof": json.loads(proof_to_json(p.proof)),
                       "public": [str(v) for v in p.signals]})


def load_presentation(text: str | bytes) -> Presentation:
    """The inverse of :func:`dump_presentation` (proof points validated on decode)."""
    doc = _loads(text, "presentation")
    _keys(doc, {"version", "proof", "public"}, "presentation")
    if doc["version"] != _PRESENTATION:
        raise CredentialFormatError(f"presentation: expected version {_PRESENTATION!r}, found {doc['version']!r:.40}")
    if not isinstance(doc["public"], list) or len(doc["public"]) > 256:
        raise CredentialFormatError("presentation public: expected a list of at most 256 decimal strings")
    signals = tuple(field_element(decimal(v, f"public signal {i}"), f"public signal {i}")
                    for i, v in enumerate(doc["public"]))
    try:
        proof = proof_from_json(json.dumps(doc["proof"]))
    except ZkpError as exc:
        raise CredentialFormatError(f"presentation proof: {exc}") from None
    return Presentation(proof, signals)

