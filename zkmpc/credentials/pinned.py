"""A credential query fixed in the circuit, for a contract that checks only roots, scopes
and nullifiers.

A generic app contract (:class:`zkmpc.contracts.AppContract`) checks that the issuer state
is a recorded root, that one signal is an open scope and that the nullifier is new; it
does not read the query. With the generic circuit a holder could prove another question
(``city == Y``) and the contract would accept it. :func:`pinned_class` compiles the
deployment's question into the circuit: the schema, the slot, the operator, the values,
the disclosed slots and the session are constants (their public signals are constrained to
them), so the verifying key, hence the contract, answers that question only. ``now`` stays
free and is the contract's scope (:func:`pinned_layout`): the service opens today's
``now``, so an expired credential has no proof (``now < expiration`` is in the circuit),
and the session nullifier ``Poseidon(holder secret, session)`` is recorded once: one
validated presentation per holder per deployment.

    >>> from zkmpc.credentials import Op, Params, Query, Request, Holder, Issuer, schema_hash
    >>> params = Params(levels=4)
    >>> question = Pinned(schema_hash("city/residency/v1"), Query(0, Op.EQ, (75056,)), session=2026)
    >>> pinned = compile_pinned(params, question)
    >>> issuer, holder = Issuer(), Holder.generate()
    >>> cred = issuer.issue(question.schema, holder.commitment, slots=[75056], expiration=2**40)
    >>> status = issuer.revocation_status(cred.claim.nonce)
    >>> w = pinned.compiled.solve(pinned.assignment(holder, cred, status, now=1_800_000_000))
    >>> w.public[0] == status.state, pinned.compiled.r1cs.is_satisfied(w.values())
    (True, True)
    >>> pinned.assignment(holder, cred, status, now=2**40)
    Traceback (most recent call last):
    ...
    zkmpc.errors.CredentialExpiredError: the claim expired at 1099511627776; the request's now is 1099511627776

Security:
    The circuit pins the question; the contract must still pin ``now`` (its scope) and
    the issuer state (its root set 0), with a root window of 1 where a revocation must take
    effect as soon as the new state is relayed (an older state would still prove a revoked
    claim unrevoked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from circuits import Circuit, CompiledCircuit, compile

from ..contracts import AppLayout
from ..errors import CredentialFormatError
from .circuit import Params, credential_circuit
from .claim import SLOTS, field_element
from .holder import Holder
from .model import Credential, Request, RevocationStatus
from .query import Query

__all__ = ["Pinned", "PinnedCircuit", "pinned_class", "compile_pinned", "pinned_layout", "signal_index"]


@dataclass(frozen=True)
class Pinned:
    """The deployment's question: a claim of ``schema`` whose slot satisfies ``query``,
    with the slots ``disclose`` revealed, in verifier session ``session``."""

    schema: int
    query: Query
    session: int
    disclose: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        Request(self.schema, self.query, 0, self.session, self.disclose)  # the same checks as a request

    def request(self, now: int) -> Request:
        """The request this question is at ``now``."""
        return Request(self.schema, self.query, now, self.session, self.disclose)


def signal_index(params: Params, name: str) -> int:
    """The position of public signal ``name`` in a circuit of shape ``params``.

    >>> signal_index(Params(), "now"), signal_index(Params(), "nullifier")
    (14, 16)
    """
    names = ["issuer_state", "schema", "slot", *(["operator"] if params.operator is None else []),
             *[f"values{i}" for i in range(params.num_values)], "now", "session", "nullifier",
             *[f"disclose{i}" for i in range(SLOTS)], *[f"disclosed{i}" for i in range(SLOTS)]]
    if name not in names:
        raise CredentialFormatError(f"expected a public signal name in {names}, found {name!r}")
    return names.index(name)


def pinned_class(params: Params, question: Pinned) -> type[Circuit]:
    """The credential circuit of shape ``params`` answering ``question`` only: one
    constraint per pinned signal (22 with the operator a signal)."""
    if not isinstance(question, Pinned):
        raise CredentialFormatError(f"expected a Pinned question, found {type(question).__name__}")
    base = credential_circuit(params)
    request = question.request(0)
    q = question.query
    pins: dict[str, Any] = {"schema": question.schema, "slot": q.slot, "session": question.session,
                            "values": list(q.padded())[:params.num_values], "disclose": list(request.disclose_mask())}
    if params.operator is None:
        pins["operator"] = int(q.op)
    elif params.operator is not q.op:
        raise CredentialFormatError(f"the circuit answers {params.operator.name.lower()} queries, the question is "
                                    f"{q.op.name.lower()}")
    for value in [question.schema, question.session]:
        field_element(value, "pinned value")

    def define(self: Any, api: Any) -> None:
        base.define(self, api)
        with api.scope("pinned"):
            for name, want in pins.items():
                got = getattr(self, name)
                for g, w in (zip(got, want) if isinstance(want, list) else [(got, want)]):
                    api.assert_equal(g, w)

    name = f"Pinned{base.__name__}"
    return type(name, (base,), {"define": define, "__module__": __name__, "__qualname__": name})


@dataclass(frozen=True)
class PinnedCircuit:
    """A compiled :func:`pinned_class` with its shape and question."""

    compiled: CompiledCircuit
    params: Params
    question: Pinned

    def assignment(self, holder: Holder, credential: Credential, status: RevocationStatus, *, now: int) -> Circuit:
        """The assignment for ``holder``'s ``credential`` at ``now``, after the holder's
        checks (:meth:`~zkmpc.credentials.Holder.check`).

        Raises:
            CredentialRevokedError, CredentialExpiredError, QueryFalseError, ...: as
                :meth:`~zkmpc.credentials.Holder.check`.
        """
        request = self.question.request(now)
        holder.check(credential, status, request, width=self.params.width)
        generic = holder.assignment_unchecked(self.params, credential, status, request)
        names = list(credential_circuit(self.params).__annotations__)
        cls: type[Circuit] = self.compiled.circuit
        return cls(**{n: getattr(generic, n) for n in names})


def compile_pinned(params: Params, question: Pinned) -> PinnedCircuit:
    """Compile :func:`pinned_class` (about as long as the generic circuit)."""
    return PinnedCircuit(compile(pinned_class(params, question)), params, question)


def pinned_layout(params: Params) -> AppLayout:
    """The contract layout: the issuer state is root set 0, ``now`` the scope, the session
    nullifier recorded once."""
    return AppLayout(num_public=params.num_public, roots=(0,), nullifier=signal_index(params, "nullifier"),
                     scope=signal_index(params, "now"))
