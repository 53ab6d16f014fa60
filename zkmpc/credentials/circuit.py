"""The credential query circuit and its public signals.

One circuit proves, for a claim (:mod:`.claim`) held by the prover:

- ``signature``: the issuer's EdDSA-Poseidon signature on the claim hash verifies under the
  issuer key, and ``issuer_state`` = ``Poseidon(issuer_key.x, issuer_key.y,
  revocation_root)`` (the state the issuer publishes: :mod:`.registry`);
- ``holder``: the claim's subject is ``Poseidon(holder_secret)``;
- ``revocation``: the claim's nonce is absent from the issuer's revocation tree (a sparse
  Merkle tree of ``levels`` levels: proofs of depth below ``levels``);
- ``expiry``: ``now < expiration`` (64-bit unix seconds);
- ``query``: ``slots[slot] <op> values`` (:mod:`.query`);
- ``disclosure``: ``disclosed[i] = disclose[i] * slots[i]`` (a chosen slot is revealed,
  the others read 0);
- ``nullifier``: ``nullifier = Poseidon(holder_secret, session)``.

The operator and its values are public inputs (``operator`` = None, the default): one
circuit, one trusted setup and one verifier contract answer every query a verifier may
ask, the way iden3's atomic query circuits do, and the query is public anyway since the
verifier asks it. Evaluating all nine operators costs 432 constraints of about 11,000 at
the default depth. ``operator`` = an :class:`~.query.Op` compiles that operator alone
(no ``operator`` signal; ``values`` of its arity): cheaper by up to 430 constraints, for a
deployment that only ever asks one kind of question.

Public signals, in order (:class:`PublicSignals`): ``issuer_state, schema, slot,
[operator,] values[n], now, session, nullifier, disclose[8], disclosed[8]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Sequence

from circuits import UnsatisfiedConstraintError
from circuits import Bool, Circuit, Field, Public, Secret, UInt
from circuits.types import InputSpec
from circuits.gadgets import assert_smt_non_member, eddsa_poseidon_verify, nullifier, poseidon

from ..errors import (CredentialError, CredentialExpiredError, CredentialFormatError, CredentialRevokedError,
                      IssuerSignatureError, QueryFalseError)
from .claim import SLOTS, TIME_BITS, field_element
from .query import DEFAULT_WIDTH, MAX_VALUES, Op, query_holds, select_slot

__all__ = ["Params", "PublicSignals", "credential_circuit", "refusal", "DEFAULT_LEVELS"]

#: default levels of the revocation tree (iden3's trees have 40)
DEFAULT_LEVELS = 40


@dataclass(frozen=True)
class Params:
    """The shape of a credential circuit: revocation tree ``levels`` (2..64), ordered
    comparison ``width`` (1..252 bits) and a fixed ``operator`` (None: a public input)."""

    levels: int = DEFAULT_LEVELS
    width: int = DEFAULT_WIDTH
    operator: Op | None = None

    def __post_init__(self) -> None:
        if isinstance(self.levels, bool) or not isinstance(self.levels, int) or not 2 <= self.levels <= 64:
            raise CredentialFormatError(f"levels: expected an int in [2, 64], found {self.levels!r}")
        if isinstance(self.width, bool) or not isinstance(self.width, int) or not 1 <= self.width <= 252:
            raise CredentialFormatError(f"width: expected an int in [1, 252], found {self.width!r}")
        if self.operator is not None:
            object.__setattr__(self, "operator", Op.parse(self.operator))

    @property
    def num_values(self) -> int:
        return MAX_VALUES if self.operator is None else self.operator.arity[1]

    @property
    def num_public(self) -> int:
        return 3 + (self.operator is None) + self.num_values + 3 + 2 * SLOTS


@dataclass(frozen=True)
class PublicSignals:
    """The public signals of a presentation (see the module docstring for the order)."""

    issuer_state: int
    schema: int
    slot: int
    operator: int
    values: tuple[int, ...]
    now: int
    session: int
    nullifier: int
    disclose: tuple[int, ...]
    disclosed: tuple[int, ...]

    def to_list(self, params: Params) -> list[int]:
        op = [self.operator] if params.operator is None else []
        return [self.issuer_state, self.schema, self.slot, *op, *self.values, self.now, self.session,
                self.nullifier, *self.disclose, *self.disclosed]

    @classmethod
    def from_list(cls, params: Params, signals: Sequence[int]) -> PublicSignals:
        """Read the signals of a circuit of shape ``params`` (count and range checked)."""
        vals = list(signals)
        if len(vals) != params.num_public:
            raise CredentialFormatError(f"public signals: expected {params.num_public}, found {len(vals)}")
        for i, v in enumerate(vals):
            field_element(v, f"public signal {i}")
        it = iter(vals)
        state, schema, slot = next(it), next(it), next(it)
        op = next(it) if params.operator is None else int(params.operator)
        values = tuple(next(it) for _ in range(params.num_values))
        now, session, null = next(it), next(it), next(it)
        disclose = tuple(next(it) for _ in range(SLOTS))
        return cls(state, schema, slot, op, values, now, session, null, disclose, tuple(it))


def _inputs(params: Params) -> dict[str, InputSpec]:
    """The declared inputs, public ones first (their order is the signals' order)."""
    public = {"issuer_state": Public[Field], "schema": Public[Field], "slot": Public[Field]}
    if params.operator is None:
        public["operator"] = Public[Field]
    public.update({"values": Public[Field, params.num_values], "now": Public[UInt[TIME_BITS]],
                   "session": Public[Field], "nullifier": Public[Field], "disclose": Public[Bool, SLOTS],
                   "disclosed": Public[Field, SLOTS]})
    secret = {"holder_secret": Secret[Field], "nonce": Secret[Field], "expiration": Secret[UInt[TIME_BITS]],
              "slots": Secret[Field, SLOTS], "issuer_key": Secret[Field, 2], "sig_r8": Secret[Field, 2],
              "sig_s": Secret[Field], "revocation_root": Secret[Field], "siblings": Secret[Field, params.levels],
              "old_key": Secret[Field], "old_value": Secret[Field], "is_old0": Secret[Bool]}
    return {**public, **secret}


def _define(params: Params) -> Callable[[Any, Any], None]:
    fixed, width = params.operator, params.width

    def define(self: Any, api: Any) -> None:
        slots = list(self.slots)
        with api.scope("holder"):
            subject = poseidon(api, [self.holder_secret])
        with api.scope("claim"):
            claim = poseidon(api, [self.schema, subject, self.nonce, self.expiration, *slots])
        with api.scope("signature"):
            eddsa_poseidon_verify(api, (self.issuer_key[0], self.issuer_key[1]), (self.sig_r8[0], self.sig_r8[1]),
                                  self.sig_s, claim)
            api.assert_equal(poseidon(api, [*self.issuer_key, self.revocation_root]), self.issuer_state)
        with api.scope("revocation"):
            assert_smt_non_member(api, self.revocation_root, list(self.siblings), self.nonce, self.old_key,
                                  self.old_value, self.is_old0)
        with api.scope("expiry"):
            api.assert_true(self.now < self.expiration)
        x = select_slot(api, slots, self.slot)
        holds = query_holds(api, x, fixed if fixed is not None else self.operator, list(self.values), width=width)
        with api.scope("query"):
            api.assert_true(holds)
        with api.scope("disclosure"):
            for d, s, out in zip(self.disclose, slots, self.disclosed):
                api.enforce(d, s, out, "disclosed")
        with api.scope("session"):
            api.assert_equal(nullifier(api, self.holder_secret, self.session), self.nullifier)

    return define


@lru_cache(maxsize=32)
def credential_circuit(params: Params = Params()) -> type[Circuit]:
    """The circuit class of shape ``params`` (one class per shape, so compiles are shared)."""
    name = "CredentialQuery" if params.operator is None else f"CredentialQuery{params.operator.name.title()}"
    cls = type(name, (Circuit,), {"__annotations__": _inputs(params), "define": _define(params),
                                  "__module__": __name__, "__qualname__": name})
    return cls


#: the scope of a failing constraint -> the refusal it means
_REFUSALS: tuple[tuple[str, type[CredentialError], str], ...] = (
    ("signature", IssuerSignatureError, "the issuer's signature does not verify on this claim under this state"),
    ("revocation", CredentialRevokedError, "the claim's nonce is in the issuer's revocation tree"),
    ("expiry", CredentialExpiredError, "the claim's expiration is not after now"),
    ("query", CredentialError, ""),
)


def refusal(exc: UnsatisfiedConstraintError) -> CredentialError:
    """The named error for a constraint of the credential circuit that a witness breaks
    (by the scope in its label); :class:`CredentialFormatError` for any other."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    for scope, cls, text in _REFUSALS:
        if scope in path:
            if scope == "query":
                return QueryFalseError(f"the queried slot does not satisfy the query ({exc.label})")
            return cls(f"{text} (constraint {exc.label})")
    return CredentialFormatError(f"the witness breaks constraint {exc.label}: {exc}")
