"""Driver-licence eligibility, proven without revealing the licence.

The circuit (:func:`licence_circuit`) proves, for a public :class:`LicenceRequest`:

- ``signature``: the authority's signature verifies on the licence (:mod:`.authority`) of
  the driver's commitment ``Poseidon(holder_secret)``, and ``authority_state`` =
  ``Poseidon(key.x, key.y, suspension_root)`` (what the authority posts on chain);
- ``classes``: every category of the public ``required`` mask is held (``required_i *
  (1 - held_i) = 0`` over the 8 bits);
- ``age``: ``birth_date + 10000 * min_age <= today`` (``YYYYMMDD`` dates, 32 bits);
- ``expiry``: ``today < expiry``;
- ``suspension``: the licence number is absent from the suspension list, a sparse Merkle
  tree of ``levels`` levels (non-membership, circomlib's verifier);
- ``request``: ``scope = Poseidon(REQUEST_TAG, session, required, min_age, today)``: a
  contract that accepts only open scopes accepts only its own requirements and date;
- ``session``: ``nullifier = Poseidon(holder_secret, session)``.

Public signals, in order: ``authority_state, required, min_age, today, session, scope,
nullifier``. Private: the number, the classes, the birth and expiry dates, the signature.

    >>> import random
    >>> from zkmpc.transport import Authority, Driver, LicenceRequest, class_mask
    >>> rng = random.Random(4)
    >>> authority, driver = Authority(rng=rng), Driver.generate(rng=rng)
    >>> lic = authority.issue(subject=driver.commitment, number=4711, classes=class_mask("B"),
    ...                       birth_date=20080301, expiry=20300101)
    >>> _ = authority.suspend_many([12, 99, 5000])
    >>> cs = licence_circuit(levels=8)
    >>> adult = LicenceRequest(session=7, required=class_mask("B"), today=20260301)
    >>> w = cs.solve(driver.assignment(cs, lic, authority.status(4711), adult))
    >>> w.public == adult.signals(authority.state, driver.nullifier(7))
    True
    >>> driver.assignment(cs, lic, authority.status(4711), LicenceRequest(session=7, required=class_mask("B"),
    ...                                                                    today=20260228))
    Traceback (most recent call last):
    ...
    zkmpc.errors.UnderAgeError: born 20080301, not 18 years old on 20260228
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from circuits import Circuit, CircuitTypeError, CompiledCircuit, Field, Public, Secret, UInt, \
    UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_le, assert_lt, assert_smt_non_member, eddsa_poseidon_verify, nullifier, poseidon
from circuits.native import nullifier as native_nullifier
from circuits.native import poseidon as native_poseidon
from circuits.types import InputSpec
from zkp.field import R

from ..credentials import RevocationStatus, Rng
from ..errors import (LicenceClassError, LicenceError, LicenceExpiredError, LicenceFormatError, LicenceSignatureError,
                      LicenceSuspendedError, UnderAgeError)
from .authority import CLASSES, DATE_BITS, LICENCE_TAG, NUMBER_BITS, Licence, check_date

__all__ = ["LicenceRequest", "Driver", "licence_circuit", "licence_class", "check_licence", "licence_refusal",
           "REQUEST_TAG", "DEFAULT_LEVELS"]

#: domain tag of a request's scope
REQUEST_TAG = int.from_bytes(b"zkmpc/transport/licence-request", "big")
#: levels of the suspension tree in the circuit (proofs of depth below this)
DEFAULT_LEVELS = 40


@dataclass(frozen=True)
class LicenceRequest:
    """What a verifier (a rental desk, an employer) asks in a ``session``: the ``required``
    categories (a mask), ``min_age`` years on ``today`` (``YYYYMMDD``)."""

    session: int
    required: int
    today: int
    min_age: int = 18

    def __post_init__(self) -> None:
        if isinstance(self.session, bool) or not isinstance(self.session, int) or not 0 <= self.session < R:
            raise LicenceFormatError(f"session: expected a field element, found {self.session!r:.80}")
        if isinstance(self.required, bool) or not isinstance(self.required, int) or \
                not 0 <= self.required < 1 << len(CLASSES):
            raise LicenceFormatError(f"required: expected a class mask in [0, 256), found {self.required!r:.40}")
        check_date(self.today, "today")
        if isinstance(self.min_age, bool) or not isinstance(self.min_age, int) or not 0 <= self.min_age < 256:
            raise LicenceFormatError(f"min_age: expected an int in [0, 256), found {self.min_age!r:.40}")

    @property
    def scope(self) -> int:
        """``Poseidon(REQUEST_TAG, session, required, min_age, today)``."""
        return native_poseidon([REQUEST_TAG, self.session, self.required, self.min_age, self.today])

    def signals(self, authority_state: int, nullifier: int) -> list[int]:
        """The public signals of a proof for this request."""
        return [authority_state, self.required, self.min_age, self.today, self.session, self.scope, nullifier]


def check_licence(lic: Licence, status: RevocationStatus, request: LicenceRequest) -> None:
    """Raise the named error of the first condition ``lic`` fails for ``request``: the
    native twin of the circuit (signature, status of another authority or number, classes,
    age, expiry, suspension)."""
    if not lic.signature_valid():
        raise LicenceSignatureError("the authority's signature does not verify on this licence (forged or altered)")
    if status.issuer_key != lic.authority_key or status.proof.key != lic.number or not status.proof.verify():
        raise LicenceFormatError("the suspension status is not a valid proof for this licence's authority and number")
    if request.required & ~lic.classes:
        missing = [c for i, c in enumerate(CLASSES) if (request.required & ~lic.classes) >> i & 1]
        raise LicenceClassError(f"the licence does not hold class {', '.join(missing)}")
    if lic.birth_date + 10000 * request.min_age > request.today:
        raise UnderAgeError(f"born {lic.birth_date}, not {request.min_age} years old on {request.today}")
    if request.today >= lic.expiry:
        raise LicenceExpiredError(f"the licence expired on {lic.expiry}; the request's date is {request.today}")
    if status.revoked:
        raise LicenceSuspendedError(f"licence {lic.number} is on the suspension list")


def _inputs(levels: int) -> dict[str, InputSpec]:
    return {"authority_state": Public[Field], "required": Public[UInt[len(CLASSES)]], "min_age": Public[UInt[8]],
            "today": Public[UInt[DATE_BITS]], "session": Public[Field], "scope": Public[Field],
            "nullifier": Public[Field], "holder_secret": Secret[Field], "number": Secret[UInt[NUMBER_BITS]],
            "classes": Secret[UInt[len(CLASSES)]], "birth_date": Secret[UInt[DATE_BITS]],
            "expiry": Secret[UInt[DATE_BITS]], "authority_key": Secret[Field, 2], "sig_r8": Secret[Field, 2],
            "sig_s": Secret[Field], "suspension_root": Secret[Field], "siblings": Secret[Field, levels],
            "old_key": Secret[Field], "old_value": Secret[Field], "is_old0": Secret[Field]}


def _define(self: Any, api: Any) -> None:
    with api.scope("signature"):
        subject = poseidon(api, [self.holder_secret])
        msg = poseidon(api, [api.constant(LICENCE_TAG), self.number, self.classes, self.birth_date, self.expiry,
                             subject])
        eddsa_poseidon_verify(api, tuple(self.authority_key), tuple(self.sig_r8), self.sig_s, msg)
        api.assert_equal(poseidon(api, [*self.authority_key, self.suspension_root]), self.authority_state)
    with api.scope("classes"):
        held, wanted = api.to_bits(self.classes, len(CLASSES)), api.to_bits(self.required, len(CLASSES))
        for h, w in zip(held, wanted):
            api.enforce(w, 1 - h, 0, "required class held")
    with api.scope("age"):
        assert_le(api, self.birth_date + api.scale(self.min_age, 10000), self.today, bits=DATE_BITS + 1)
    with api.scope("expiry"):
        assert_lt(api, self.today, self.expiry)
    with api.scope("suspension"):
        assert_smt_non_member(api, self.suspension_root, list(self.siblings), self.number, self.old_key,
                              self.old_value, self.is_old0)
    with api.scope("request"):
        api.assert_equal(poseidon(api, [api.constant(REQUEST_TAG), self.session, self.required, self.min_age,
                                        self.today]), self.scope)
    with api.scope("session"):
        api.assert_equal(nullifier(api, self.holder_secret, self.session), self.nullifier)


@lru_cache(maxsize=8)
def licence_class(levels: int = DEFAULT_LEVELS) -> type[Circuit]:
    """The circuit class for a suspension tree of ``levels`` levels (2..64)."""
    if isinstance(levels, bool) or not isinstance(levels, int) or not 2 <= levels <= 64:
        raise LicenceFormatError(f"levels: expected an int in [2, 64], found {levels!r}")
    name = f"DriverLicence{levels}"
    return type(name, (Circuit,), {"__annotations__": _inputs(levels), "define": _define, "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def licence_circuit(levels: int = DEFAULT_LEVELS) -> CompiledCircuit:
    """The compiled circuit (16,480 constraints at 40 levels)."""
    return compile(licence_class(levels))


_REFUSALS: tuple[tuple[str, Callable[[str], LicenceError]], ...] = (
    ("signature", LicenceSignatureError), ("classes", LicenceClassError), ("age", UnderAgeError),
    ("expiry", LicenceExpiredError), ("suspension", LicenceSuspendedError),
)


def licence_refusal(exc: UnsatisfiedConstraintError) -> LicenceError:
    """The named error for a broken constraint of the licence circuit (by its scope)."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    for scope, cls in _REFUSALS:
        if scope in path:
            return cls(f"the witness breaks constraint {exc.label}")
    return LicenceFormatError(f"the witness breaks constraint {exc.label}: {exc}")


def _levels(circuit: CompiledCircuit) -> int:
    for item in circuit.layout:
        if item.name == "siblings" and item.spec.shape:
            return int(item.spec.shape[0])
    raise LicenceFormatError(f"expected a circuit from licence_circuit(), found {circuit.circuit.__name__}")


class Driver:
    """A licence holder, identified by ``secret`` (non-zero)."""

    def __init__(self, secret: int) -> None:
        if isinstance(secret, bool) or not isinstance(secret, int) or not 0 < secret < R:
            raise LicenceFormatError("holder secret: expected a non-zero field element")
        self._secret = secret
        self.commitment = native_poseidon([secret])

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> Driver:
        """A driver with a uniform random secret (``secrets``, or ``rng`` in tests)."""
        if rng is None:
            return cls(secrets.randbelow(R - 1) + 1)
        for _ in range(64):
            v = rng.getrandbits(254)
            if 0 < v < R:
                return cls(v)
        raise LicenceFormatError("rng: 64 draws gave no secret in (0, r); expected a uniform source")

    def __repr__(self) -> str:
        return f"Driver(commitment={self.commitment:#x})"

    def nullifier(self, session: int) -> int:
        """``Poseidon(secret, session)``."""
        return native_nullifier(self._secret, session)

    def assignment(self, circuit: CompiledCircuit, lic: Licence, status: RevocationStatus,
                   request: LicenceRequest) -> Circuit:
        """The circuit's assignment after :func:`check_licence` (its named errors)."""
        if lic.subject != self.commitment:
            raise LicenceFormatError(f"the licence's subject {lic.subject:#x} is not this driver's commitment")
        check_licence(lic, status, request)
        return self.assignment_unchecked(circuit, lic, status, request)

    def assignment_unchecked(self, circuit: CompiledCircuit, lic: Licence, status: RevocationStatus,
                             request: LicenceRequest) -> Circuit:
        """The assignment with no check (solving refuses what the constraints refuse)."""
        try:
            smt = status.proof.circuit_inputs(_levels(circuit))
        except CircuitTypeError as exc:
            raise LicenceFormatError(f"suspension proof: {exc}") from None
        cls: type[Circuit] = circuit.circuit
        return cls(authority_state=status.state, required=request.required, min_age=request.min_age,
                   today=request.today, session=request.session, scope=request.scope,
                   nullifier=self.nullifier(request.session), holder_secret=self._secret, number=lic.number,
                   classes=lic.classes, birth_date=lic.birth_date, expiry=lic.expiry,
                   authority_key=list(lic.authority_key), sig_r8=list(lic.signature.R8), sig_s=lic.signature.S,
                   suspension_root=status.revocation_root, siblings=smt["siblings"], old_key=smt["old_key"],
                   old_value=smt["old_value"], is_old0=smt["is_old0"])
