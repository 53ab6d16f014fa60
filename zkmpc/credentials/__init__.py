"""Credentials (a simplified iden3 model): issuers sign claims, holders prove queries on
them without revealing them, verifiers check the proofs.

- :class:`Issuer`: a Baby Jubjub EdDSA-Poseidon key in a SQLite database; ``issue``
  signs a :class:`Claim` (schema hash, holder commitment, revocation nonce, expiration,
  8 slots), ``revoke`` adds the nonce to its revocation sparse Merkle tree, ``publish``
  puts its state ``Poseidon(key, revocation root)`` in a :class:`StateRegistry`.
- :class:`Holder`: a secret whose commitment is the claims' subject; ``prove`` answers a
  :class:`Request` (a :class:`Query` over one slot: eq, ne, lt, le, gt, ge, in, nin,
  between; slots to disclose; a session) with a Groth16 :class:`Presentation`.
- :class:`Verifier`: ``request`` makes requests, ``accept`` checks a presentation and
  records its session nullifier ``Poseidon(holder secret, session)``; every refusal is a
  named error of :mod:`zkmpc.errors`.

The circuit and its public signals: :mod:`zkmpc.credentials.circuit`; the claim layout:
:mod:`zkmpc.credentials.claim`; the design: ``docs/credentials.md``.

    >>> import random, warnings
    >>> from zkmpc.credentials import *
    >>> rng = random.Random(1)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")                # a development setup warns
    ...     keys = CredentialKeys.setup(Params(levels=4), rng=rng)
    >>> registry = StateRegistry()
    >>> issuer, holder = Issuer(rng=rng), Holder.generate(rng=rng)
    >>> age = schema_hash("example/age/v1")
    >>> cred = issuer.issue(age, holder.commitment, slots=[34, 250], expiration=2_000_000_000, rng=rng)
    >>> _ = issuer.publish(registry, at=1_700_000_000)
    >>> verifier = Verifier(keys.params, keys.verifying_key, registry)
    >>> req = verifier.request(age, Query(slot=0, op="ge", values=(18,)), disclose=[1], now=1_800_000_000)
    >>> pres = holder.prove(keys, cred, issuer.revocation_status(cred.claim.nonce), req, rng=rng)
    >>> verifier.accept(pres, req).disclosed               # age >= 18 proven, country disclosed
    {1: 250}
    >>> verifier.accept(pres, req)
    Traceback (most recent call last):
    ...
    zkmpc.errors.NullifierReplayError: nullifier 0x... was already accepted in session 0x...
"""

from .circuit import DEFAULT_LEVELS, Params, PublicSignals, credential_circuit, refusal
from .claim import NEVER, SLOTS, Claim, schema_hash
from .holder import Holder
from .issuer import Issuer, Rng
from .keys import CredentialKeys, compile_credential_circuit
from .model import (Credential, Presentation, Request, RevocationStatus, dump_credential, dump_presentation,
                    issuer_id, issuer_state, load_credential, load_presentation)
from .query import DEFAULT_WIDTH, MAX_VALUES, Op, Query, query_holds
from .registry import StateRecord, StateRegistry
from .verifier import Accepted, Verifier

__all__ = ["Issuer", "Holder", "Verifier", "Accepted", "Claim", "Credential", "RevocationStatus", "Request",
           "Presentation", "Query", "Op", "Params", "PublicSignals", "CredentialKeys", "StateRegistry",
           "StateRecord", "Rng", "schema_hash", "issuer_id", "issuer_state", "credential_circuit",
           "compile_credential_circuit", "query_holds", "refusal", "dump_credential", "load_credential",
           "dump_presentation", "load_presentation", "SLOTS", "NEVER", "MAX_VALUES", "DEFAULT_WIDTH",
           "DEFAULT_LEVELS"]
