"""The holder: a secret, its commitment (the subject of the claims issued to it), and the
proofs it makes for verifiers' requests.

:meth:`Holder.prove` checks the request against the credential first and refuses with a
named error (:meth:`Holder.check`); the circuit checks the same things again, and a witness
that breaks one of its constraints is refused with the error of that constraint's scope
(:func:`~.circuit.refusal`), so a holder that skips its own checks gets no proof and the
same error.

Security: the holder secret is the credential's owner: whoever knows it can prove with
every credential issued to its commitment, and it links nullifiers across sessions if it
leaks. Nullifiers of one secret in different sessions are unlinkable (Poseidon).
"""

from __future__ import annotations

import secrets
from typing import Any

from circuits import Circuit, CircuitTypeError, UnsatisfiedConstraintError
from circuits.native import nullifier, poseidon
from zkp import groth16
from zkp.field import R

from ..errors import (CredentialExpiredError, CredentialFormatError, CredentialRevokedError, IssuerSignatureError,
                      QueryFalseError, SchemaMismatchError, UnknownIssuerError)
from ..randomness import random_below
from .circuit import Params, PublicSignals, credential_circuit, refusal
from .claim import field_element
from .issuer import Rng
from .keys import CredentialKeys
from .model import Credential, Presentation, Request, RevocationStatus

__all__ = ["Holder"]


class _Below:
    """``randbelow(n)`` over an :class:`~.issuer.Rng` (rejection sampling), for groth16."""

    def __init__(self, rng: Rng) -> None:
        self._rng = rng

    def randbelow(self, n: int) -> int:
        return _below(self._rng, n)


def _below(rng: Rng, n: int, *, floor: int = 0) -> int:
    """A uniform int in ``[floor, n)`` from ``rng`` (see :func:`zkmpc.randomness.random_below`)."""
    return random_below(n, floor=floor, rng=rng, error=CredentialFormatError)


class Holder:
    """A holder of credentials, identified by ``secret`` (a non-zero field element)."""

    def __init__(self, secret: int) -> None:
        if field_element(secret, "holder secret") == 0:
            raise CredentialFormatError("holder secret: expected a non-zero field element, found 0")
        self._secret = secret
        self.commitment = poseidon([secret])

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> Holder:
        """A holder with a uniform random secret (``secrets``, or ``rng`` in tests)."""
        return cls(secrets.randbelow(R - 1) + 1 if rng is None else _below(rng, R, floor=1))

    def __repr__(self) -> str:
        return f"Holder(commitment={self.commitment:#x})"

    def nullifier(self, session: int) -> int:
        """``Poseidon(secret, session)``: this holder's nullifier in a verifier session."""
        return nullifier(self._secret, field_element(session, "session"))

    def check(self, credential: Credential, status: RevocationStatus, request: Request, *,
              width: int = Params().width) -> None:
        """Raise the named error of the first reason ``credential`` cannot answer
        ``request``: not this holder's (:class:`CredentialFormatError`), a bad issuer
        signature, another schema, an untrusted issuer, a status of another issuer or
        nonce, revoked, expired, query false."""
        claim = credential.claim
        if claim.subject != self.commitment:
            raise CredentialFormatError(f"the claim's subject {claim.subject:#x} is not this holder's commitment "
                                        f"{self.commitment:#x}")
        if not credential.signature_valid():
            raise IssuerSignatureError("the issuer's signature does not verify on this claim (forged or altered)")
        if claim.schema != request.schema:
            raise SchemaMismatchError(f"expected a claim of schema {request.schema:#x}, found schema {claim.schema:#x}")
        if request.issuers and credential.issuer not in request.issuers:
            raise UnknownIssuerError(f"the request trusts issuers {[hex(i) for i in request.issuers]}, "
                                     f"the claim's is {credential.issuer:#x}")
        if (status.issuer_key != credential.issuer_key or status.proof.key != claim.nonce
                or status.proof.root != status.revocation_root or not status.proof.verify()):
            raise CredentialFormatError("the revocation status is not a valid proof for this claim's issuer and nonce")
        if status.revoked:
            raise CredentialRevokedError(f"the claim's nonce {claim.nonce} is in its issuer's revocation tree")
        if request.now >= claim.expiration:
            raise CredentialExpiredError(f"the claim expired at {claim.expiration}; the request's now is {request.now}")
        x = claim.slots[request.query.slot]
        if not request.query.holds(x, width=width):
            raise QueryFalseError(f"slot {request.query.slot} does not satisfy {request.query.op.name.lower()} "
                                  f"{list(request.query.values)}")

    def signals(self, credential: Credential, status: RevocationStatus, request: Request) -> PublicSignals:
        """The public signals of the presentation of ``credential`` for ``request``."""
        q = request.query
        mask = request.disclose_mask()
        return PublicSignals(status.state, request.schema, q.slot, int(q.op), q.padded(), request.now,
                             request.session, self.nullifier(request.session), mask,
                             tuple(m * s for m, s in zip(mask, credential.claim.slots)))

    def assignment_unchecked(self, params: Params, credential: Credential, status: RevocationStatus,
                             request: Request) -> Circuit:
        """The circuit assignment, with none of :meth:`check`'s checks (the circuit's own
        constraints still hold: solving a bad one raises)."""
        s = self.signals(credential, status, request)
        claim = credential.claim
        try:
            smt = status.proof.circuit_inputs(params.levels)
        except CircuitTypeError as exc:
            raise CredentialFormatError(f"revocation proof: {exc}") from None
        public: dict[str, Any] = dict(
            issuer_state=s.issuer_state, schema=s.schema, slot=s.slot, values=list(s.values)[:params.num_values],
            now=s.now, session=s.session, nullifier=s.nullifier, disclose=list(s.disclose), disclosed=list(s.disclosed))
        if params.operator is None:
            public["operator"] = s.operator
        elif params.operator is not request.query.op:
            raise CredentialFormatError(f"the circuit answers {params.operator.name.lower()} queries, the request is "
                                        f"{request.query.op.name.lower()}")
        return credential_circuit(params)(
            **public, holder_secret=self._secret, nonce=claim.nonce, expiration=claim.expiration,
            slots=list(claim.slots), issuer_key=list(credential.issuer_key), sig_r8=list(credential.signature.R8),
            sig_s=credential.signature.S, revocation_root=status.revocation_root, siblings=smt["siblings"],
            old_key=smt["old_key"], old_value=smt["old_value"], is_old0=smt["is_old0"])

    def prove(self, keys: CredentialKeys, credential: Credential, status: RevocationStatus, request: Request, *,
              rng: Rng | None = None) -> Presentation:
        """A presentation answering ``request`` with ``credential`` (and the issuer's
        current revocation ``status`` for its nonce). Raises the named errors of
        :meth:`check`."""
        self.check(credential, status, request, width=keys.params.width)
        assignment = self.assignment_unchecked(keys.params, credential, status, request)
        try:
            witness = keys.circuit.solve(assignment)
        except UnsatisfiedConstraintError as exc:
            raise refusal(exc) from None
        proof = groth16.prove(keys.proving_key, witness, rng=None if rng is None else _Below(rng))
        return Presentation(proof, tuple(witness.public))
