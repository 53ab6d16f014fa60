"""A residency credential issued on chain A and checked on chain B: "resident of city X", not revoked, not expired.

The city's registry office is a credential issuer (:mod:`zkmpc.credentials`): it signs
residency claims (slot 0: the city's code, slot 1: the district) and keeps a revocation
tree (40 levels). Its state ``Poseidon(issuer key, revocation root)`` is published on
chain A in an app contract; a signer attests it and a relayer carries it to chain B, where
a service (a resident discount, a local vote) checks residency. The holder proves, on
chain B, against the relayed state:

- the claim is signed by the issuer of that state and is theirs;
- slot 0 (the city) equals X: the question is compiled into the circuit
  (:mod:`zkmpc.credentials.pinned`), so the contract cannot be answered another question;
- the claim is not revoked (its nonce is absent from the revocation tree) and not
  expired at today's date (the contract's open scope: a presentation dated in the
  past, when the credential was still valid, is refused);
- a session nullifier, recorded once: one registration per resident.

Private: who the resident is, their district, their claim. Refused: a replayed proof, a
resident of another city, a revoked credential (no proof against the new state; its proof
against the replaced state is stale once the new state is relayed), a proof against a
state chain B never received (published on A, not yet relayed), an expired credential
(and its presentation dated in the past).

``--members`` (credentials the office has issued, about 10 ms each: an EdDSA signature and
a revocation-tree entry in SQLite) defaults to 10,000; the proof's size is set by the
revocation tree's 40 levels, not by how many claims were issued.

    python -m examples.identity.residency_credential [--members 10000] [--levels 40] [--rpc URL --rpc-b URL --dev-keys]
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any, TextIO, cast

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.contracts import AppContract, new_signing_key
from zkmpc.credentials import DEFAULT_LEVELS, Holder, Issuer, Op, Params, Query, schema_hash
from zkmpc.credentials.pinned import Pinned, compile_pinned, pinned_layout
from zkmpc.errors import (CredentialExpiredError, CredentialRevokedError, NullifierUsedError, QueryFalseError,
                          ScopeNotOpenError, StaleRootError, UnknownRootError)
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

RESIDENCY = schema_hash("city/residency/v1")
#: the city's code (slot 0), e.g. a statistics office's municipality code
CITY = 75056
OTHER_CITY = 69123
#: the service on chain B (the session: one registration per resident)
SERVICE = 0x5E12
YEAR = 365 * 86_400


def office(members: int, now: int, holders: dict[str, tuple[Holder, int, int]]) -> tuple[Issuer, dict[str, Any]]:
    """The registry office: ``members`` residency credentials, those of ``holders`` (name ->
    holder, city, expiration) among them."""
    issuer = Issuer()
    creds = {name: issuer.issue(RESIDENCY, h.commitment, slots=[city, 3], expiration=exp)
             for name, (h, city, exp) in holders.items()}
    for _ in range(max(0, members - len(holders))):
        issuer.issue(RESIDENCY, secrets.randbelow(1 << 250) + 1, slots=[CITY, secrets.randbelow(20)],
                     expiration=now + YEAR)
    return issuer, creds


def relayed_service(registry_a: AppContract, circuit: Any, layout: Any, chain_b: Any, keys: Any,
                    signer: bytes) -> OnChain:
    """Chain B's service: the verifier and a relayed app whose root window is 1, so a
    revocation takes effect as soon as the new issuer state is relayed."""
    return OnChain.deploy(chain_b, circuit, layout, keys=keys, relayed_from=(registry_a, signer), root_window=1)


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000, extend=lambda p: p.add_argument(
        "--levels", type=int, default=DEFAULT_LEVELS, help=f"revocation tree levels (default {DEFAULT_LEVELS})"))
    report = Report(out, title="Residency credential: issued on chain A, checked on chain B")
    today = int(time.time()) // 86_400 * 86_400
    names = {"ana": CITY, "ben": CITY, "cem": CITY, "dev": OTHER_CITY, "eli": CITY}
    holders = {n: (Holder.generate(), city, today + (YEAR if n != "eli" else -1)) for n, city in names.items()}
    issuer, creds = office(args.members, today, holders)
    params = Params(levels=args.levels)
    pinned = compile_pinned(params, Pinned(RESIDENCY, Query(0, Op.EQ, (CITY,)), session=SERVICE))
    report.fact("registry office", f"{args.members:,} credentials issued, revocation tree of {params.levels} levels")
    layout = pinned_layout(params)
    on_a = OnChain.deploy(open_chain(args), pinned.compiled, layout)
    registry_a = cast(AppContract, on_a.app)  # deployed without relayed_from: an AppContract
    registry_a.add_root(issuer.state)
    signer = new_signing_key()
    service = relayed_service(registry_a, pinned.compiled, layout, open_chain(args, second=True), on_a.keys, signer)
    relayer = service.relayer(registry_a, signer)
    report.fact("issuer state relayed to chain B", f"{relayer.relay().gas_used:,} gas")
    service.app.set_scope(today, True)

    def present(name: str, now: int = today) -> Any:
        holder, cred = holders[name][0], creds[name]
        return service.prove(pinned.assignment(holder, cred, issuer.revocation_status(cred.claim.nonce), now=now))

    ana = present("ana")
    report.proof(ana, service.validate(ana), onchain=service,
                 what=f"resident of city {CITY}, not revoked, not expired today (validated on chain B)")
    report.expect_refusal("the same registration again", lambda: service.validate(ana), NullifierUsedError)
    report.expect_refusal("a resident of another city", lambda: present("dev"), QueryFalseError)
    report.expect_refusal("an expired credential", lambda: present("eli"), CredentialExpiredError)
    report.expect_refusal("the expired credential dated the day before yesterday (that date is not open)",
                          lambda: service.validate(present("eli", today - 2 * 86_400)), ScopeNotOpenError)
    ben_before = present("ben")  # made against the current state, before the revocation
    issuer.revoke(creds["ben"].claim.nonce)
    report.expect_refusal("a revoked credential (against the new state)", lambda: present("ben"),
                          CredentialRevokedError)
    registry_a.add_root(issuer.state)  # published on chain A, not yet relayed
    cem = present("cem")
    report.expect_refusal("a state chain B never received (published on A, not relayed)",
                          lambda: service.validate(cem), UnknownRootError)
    relayer.relay()
    report.expect_refusal("the revoked credential's proof against the replaced state",
                          lambda: service.validate(ben_before), StaleRootError)
    report.proof(cem, service.validate(cem), onchain=service, what="another resident, once the new state is relayed")
    return report.figures


if __name__ == "__main__":
    main()
