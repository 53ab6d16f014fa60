"""Driver-licence eligibility: the required class, age >= 18, and not on the suspension list (non-membership).

The licensing authority signs each licence (number, classes held, birth date, expiry,
the driver's commitment) and keeps a suspension list, a sparse Merkle tree of suspended
licence numbers in its SQLite file; it posts its state ``Poseidon(key, suspension root)``
on chain. A driver proves to a verifier (a rental desk, a haulage employer), revealing
nothing of the licence:

- it is signed by the authority and is theirs (they know the secret);
- it holds the class the verifier requires (here C, heavy goods vehicles);
- the driver is at least 18 on the verifier's date, and the licence has not expired;
- its number is not on the suspension list (a non-membership proof);
- one presentation per driver per verifier session (a nullifier).

The required classes, minimum age and date are hashed into the scope the verifier opens on
chain, so a proof for easier requirements is refused there. Each failing condition is
refused off chain with its named error; a replay, easier requirements, a suspension list
of the driver's own making and altered signals are refused on chain.

    python -m examples.transportation.driver_licence [--members N] [--rpc URL --dev-keys]

``--members``: how many licences are on the suspension list (default 10,000).
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits.native import SparseMerkleTree
from zkmpc.contracts import AppLayout
from zkmpc.credentials import RevocationStatus
from zkmpc.errors import (InvalidProofError, LicenceClassError, LicenceExpiredError, LicenceSignatureError,
                          LicenceSuspendedError, NullifierUsedError, ScopeNotOpenError, UnderAgeError,
                          UnknownRootError)
from zkmpc.transport import (Authority, Driver, Licence, LicenceRequest, class_mask, date_code, latest_birth_date,
                             licence_circuit)
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

LEVELS = 40
# authority_state, required, min_age, today, session, scope, nullifier
LAYOUT = AppLayout(num_public=7, roots=(0,), nullifier=6, scope=5)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """About ``years`` years after ``day`` (an expiry date: 365 days a year, so 0 is today)."""
    return day + datetime.timedelta(days=365 * years)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="transportation: driver-licence eligibility")
    today = datetime.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        authority = Authority(Path(tmp) / "authority.db")
        suspended = {secrets.randbits(64) for _ in range(args.members)}
        erin = Driver.generate()
        erin_licence = authority.issue(subject=erin.commitment, number=secrets.randbits(64), classes=class_mask("B", "C"),
                                       birth_date=19850611, expiry=date_code(years_after(today, 5)))
        authority.suspend_many(sorted(suspended | {erin_licence.number}))
        report.fact("licences on the suspension list (a sparse Merkle tree in SQLite)", len(suspended) + 1)
        cs = licence_circuit(LEVELS)
        onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
        onchain.app.add_root(authority.state, set=0)
        request = LicenceRequest(session=secrets.randbits(64), required=class_mask("C"), today=date_code(today))
        onchain.app.set_scope(request.scope)
        report.fact("the verifier requires", f"class C, age >= 18 on {request.today}")

        def issue(driver: Driver, classes: int, born: datetime.date, expires: int = 5) -> Licence:
            return authority.issue(subject=driver.commitment, number=secrets.randbits(64), classes=classes,
                                   birth_date=date_code(born), expiry=date_code(years_after(today, expires)))

        alice = Driver.generate()
        licence = issue(alice, class_mask("B", "C"), latest_birth_date(today, 18))  # 18 today
        proved = onchain.prove(alice.assignment(cs, licence, authority.status(licence.number), request))
        report.proof(proved, onchain.validate(proved), what="a class C licence, 18 today, not suspended "
                                                             "(number, classes and birth date hidden)", onchain=onchain)
        bob = Driver.generate()
        cases = [("a class B licence for a class C request", issue(bob, class_mask("B"), datetime.date(1990, 4, 2))),
                 ("a driver one day short of 18",
                  issue(bob, class_mask("C"), latest_birth_date(today, 18) + datetime.timedelta(days=1))),
                 ("a licence that expires today", issue(bob, class_mask("C"), datetime.date(1990, 4, 2), expires=0))]
        for (what, lic), error in zip(cases, (LicenceClassError, UnderAgeError, LicenceExpiredError)):
            report.expect_refusal(what, lambda lic=lic: bob.assignment(cs, lic, authority.status(lic.number), request),
                                  error)
        report.expect_refusal("a suspended licence", lambda: erin.assignment(
            cs, erin_licence, authority.status(erin_licence.number), request), LicenceSuspendedError)
        upgraded = dataclasses.replace(cases[0][1], classes=class_mask("B", "C"))
        report.expect_refusal("a class B licence with class C added after signing", lambda: bob.assignment(
            cs, upgraded, authority.status(upgraded.number), request), LicenceSignatureError)
        _on_chain(report, onchain, authority, proved, request, (bob, cases[0][1]), (erin, erin_licence))
    return report.figures


def _on_chain(report: Report, onchain: OnChain, authority: Authority, proved: Any, request: LicenceRequest,
              class_b: tuple[Driver, Licence], suspended: tuple[Driver, Licence]) -> None:
    cs = onchain.circuit
    (bob, b_licence), (erin, erin_licence) = class_b, suspended
    report.expect_refusal("the same presentation again (its nullifier)", lambda: onchain.validate(proved),
                          NullifierUsedError)
    easier = dataclasses.replace(request, required=class_mask("B"))
    weak = onchain.prove(bob.assignment(cs, b_licence, authority.status(b_licence.number), easier))
    report.expect_refusal("a class B licence proven for a class B request (a scope the verifier never opened)",
                          lambda: onchain.validate(weak), ScopeNotOpenError)
    # the authority's key with an empty suspension list: a state the authority never posted
    empty = RevocationStatus(erin_licence.authority_key, 0, SparseMerkleTree().prove(erin_licence.number))
    own = onchain.prove(erin.assignment(cs, erin_licence, empty, request))
    report.expect_refusal("a suspended licence proven against a suspension list of the driver's own making",
                          lambda: onchain.validate(own), UnknownRootError)
    bent = dataclasses.replace(proved, public=[*proved.public[:6], proved.public[6] + 1])
    report.expect_refusal("a valid proof sent with another nullifier", lambda: onchain.validate(bent),
                          InvalidProofError)


if __name__ == "__main__":
    main(sys.argv[1:])
