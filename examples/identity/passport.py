"""Passport: register an e-passport once (ECDSA P-256), then prove age, nationality, validity and no sanctions.

The OpenPassport/zkPassport pattern with a synthetic ICAO 9303 passport (test keys, made-up
holders). Each country's signing authority (CSCA) certifies document signers (DSC, P-256);
a DSC joins the trusted-DSC tree once its certificate checks against its CSCA (off chain).

- register (once per passport, about 364k constraints): the DSC's signature over the signed
  attributes verifies under a key in the trusted-DSC tree (root set 0 of the register
  contract), DG1 (the MRZ) hashes into the signed security object; the proof publishes a
  commitment Poseidon(secret, Poseidon(DG1)) that the registry adds to the passport group,
  and a nullifier of the signature (one registration per passport);
- disclose (per application, about 17k constraints): the commitment is in the group (root
  set 0 of the application's contract), the holder is at least 18 on the date the contract
  accepts (root sets 1 and 4), the nationality is in the allowlist (root set 2), the passport
  is valid on that date, (issuing state, document number) is not on the sanctions list (a
  sparse Merkle non-membership proof, root set 3), and a nullifier per (passport, application).

Private: the MRZ (name, number, dates, nationality), the DSC, the signature and which holder
proved. Refused (named off chain, reverted on chain): an untrusted DSC, a changed DG1 byte,
an under-age holder, a nationality outside the list, an expired passport, a sanctioned
document, a reused nullifier.

    python -m examples.identity.passport [--members N] [--register solve] [--rpc URL --dev-keys]

``--register solve`` solves the register circuit and checks its R1CS instead of proving it
(the tests: its Groth16 setup needs a 2^19 key).
"""

from __future__ import annotations

import datetime
import resource
import secrets
import sys
import time
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from circuits.errors import UnsatisfiedConstraintError
from zkmpc.errors import (InvalidProofError, NullifierUsedError, PassportAgeError, PassportDataGroupError,
                          PassportExpiredError, PassportNationalityError, PassportSanctionedError, PassportSignerError,
                          UnknownRootError)
from zkmpc.identity import Group
from zkmpc.identity import passport as pp
from zkmpc.usecases import OnChain, Proved, Report, open_chain, parse_args

#: the application's scope, the date it accepts, the age it asks, the nationalities it serves
APPLICATION = 2026_0077
TODAY = datetime.date(2026, 12, 4)
ADULT = 18
ALLOWED = ("UTO", "ATL", "D<<")


def holder(dsc: pp.DocumentSigner, number: str, birth: datetime.date, *, nationality: str = "UTO",
           expiry: datetime.date = datetime.date(2031, 5, 20)) -> pp.Chip:
    """A made-up holder's passport, issued by ``dsc``."""
    mrz = pp.Mrz(nationality, "SPECIMEN", "ALEX", number, nationality, birth,
                 secrets.choice("MF"), expiry)
    return dsc.issue(mrz)


def _add_extension(p: Any) -> None:
    p.add_argument("--register", choices=("prove", "solve"), default="prove",
                   help="prove the register circuit (default; a 2^19 Groth16 key) or only solve it")


@dataclass
class _Run:
    """What the steps share: the report, the signers and trust tree, both circuits, both
    contracts (the registry only when the register circuit is proved) and the group."""

    args: Any
    report: Report
    trusted: pp.TrustedSigners
    signers: dict[str, pp.DocumentSigner]
    rogue_trust: pp.TrustedSigners
    cs_reg: Any
    registry: OnChain | None
    onchain: OnChain
    allow: pp.Allowlist
    group: Group

    def register(self, chip: pp.Chip, *, prove: bool = False, what: str = "") -> int:
        """Register ``chip`` (proved when asked and a registry exists, else solved) and add its
        commitment to the group, whose root the disclose contract records; its secret."""
        secret = pp.new_secret()
        inputs = pp.register_inputs(chip, self.trusted, secret)
        if prove and self.registry is not None:
            proved = self.registry.prove(inputs)
            self.report.proof(proved, self.registry.validate(proved), onchain=self.registry, what=what)
        else:
            t0 = time.perf_counter()
            w = self.cs_reg.solve(inputs)
            if prove:
                self.report.fact("register witness (solve)", f"{(time.perf_counter() - t0) * 1e3:.0f} ms, "
                                 f"R1CS satisfied: {self.cs_reg.r1cs.is_satisfied(w.values())}")
        self.group.add_member(pp.commitment_of(secret, chip.dg1))
        self.onchain.app.add_root(self.group.root, 0)
        return secret

    def disclose(self, chip: pp.Chip, secret: int, sanctions: Any, *, today: datetime.date = TODAY,
                 min_age: int = ADULT, allowlist: pp.Allowlist | None = None) -> Proved:
        """The disclose proof of ``chip``'s holder for the application (claims as given)."""
        return self.onchain.prove(pp.disclose_inputs(chip.dg1, secret, self.group, scope=APPLICATION, today=today,
                                                     min_age=min_age, allowlist=allowlist or self.allow,
                                                     sanctions=sanctions))

    def validate_claim(self, chip: pp.Chip, secret: int, claim: dict[str, Any]) -> Any:
        """The disclose contract's answer to a proof of ``claim`` (keyword claims of :meth:`disclose`)."""
        return self.onchain.validate(self.disclose(chip, secret, **claim))


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=1_000, extend=_add_extension)
    report = Report(out, title="Passport: register once, then prove adult, allowed nationality, valid, not sanctioned")
    run = _deploy(args, report, *_trust(report))
    anna = holder(run.signers["UTO"], "L898902C3", datetime.date(1990, 5, 17))
    anna_secret = run.register(anna, prove=True, what="a passport signed by a trusted DSC: commitment and nullifier")
    _refuse_registrations(run, anna)
    holders = _holders(run)
    sanctions = pp.sanctions_tree([holders["listed"][0].mrz] +
                                  [f"P<UTO{'<' * 39}X{i:08d}" for i in range(args.members // 10)])
    run.onchain.app.add_root(sanctions.root, 3)
    proved = run.disclose(anna, anna_secret, sanctions)
    run.report.proof(proved, run.onchain.validate(proved), onchain=run.onchain,
                     what="registered, 18 or older today, nationality allowed, valid today, not sanctioned")
    _refuse_disclosures(run, anna, anna_secret, proved, sanctions, holders)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    report.fact("peak memory of the process (RSS)", f"{peak / 2**10:.0f} MiB")
    report.fact("group size", run.group.size)
    report.fact("proofs recorded", int(run.onchain.app.is_nullifier_used(proved.public[1])))
    return report.figures


def _trust(report: Report) -> tuple[pp.TrustedSigners, dict[str, pp.DocumentSigner], pp.TrustedSigners]:
    """Two countries' CSCAs with a DSC each in the trusted tree; a forger's DSC (``rogue``),
    refused when registered, and the forger's own tree holding it."""
    utopia, atlantis = pp.CountrySigner("UTO"), pp.CountrySigner("ATL")
    trusted = pp.TrustedSigners([utopia, atlantis])
    signers = {"UTO": utopia.document_signer(), "ATL": atlantis.document_signer()}
    for dsc in signers.values():
        trusted.add(dsc.certificate)
    forged_csca = pp.CountrySigner("UTO")  # a forged Utopian CSCA (same name, another key)
    rogue = forged_csca.document_signer()
    report.expect_refusal("a DSC certified by a forged CSCA (off chain, when the DSC is registered)",
                          lambda: trusted.add(rogue.certificate), PassportSignerError)
    signers["rogue"] = rogue
    rogue_trust = pp.TrustedSigners([forged_csca])  # the forger's own tree
    rogue_trust.add(rogue.certificate)
    return trusted, signers, rogue_trust


def _deploy(args: Any, report: Report, trusted: pp.TrustedSigners, signers: dict[str, pp.DocumentSigner],
            rogue_trust: pp.TrustedSigners) -> _Run:
    """Both circuits compiled, the registry (when proving) and the disclose contract deployed
    with the roots the application accepts."""
    cs_reg, cs_dis = (_compiled(report, name, make) for name, make in
                      (("register", pp.register_circuit), ("disclose", pp.disclose_circuit)))
    chain = open_chain(args)
    registry: OnChain | None = None
    if args.register == "prove":
        t0 = time.perf_counter()
        from zkp import groth16

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
            keys = groth16.setup(cs_reg.r1cs)
        report.fact("register setup (development keys)", f"{time.perf_counter() - t0:.1f} s")
        registry = OnChain.deploy(chain, cs_reg, pp.REGISTER_LAYOUT, keys=keys)
        registry.app.add_root(trusted.root, 0)
    onchain = OnChain.deploy(chain, cs_dis, pp.DISCLOSE_LAYOUT)
    allow = pp.Allowlist(list(ALLOWED))
    app = onchain.app
    app.add_root(pp.date_number(TODAY), 1)
    app.add_root(allow.root, 2)
    app.add_root(ADULT, 4)
    app.set_scope(APPLICATION, True)
    group = Group([secrets.randbits(248) | 1 for _ in range(args.members)])  # passports registered before
    return _Run(args, report, trusted, signers, rogue_trust, cs_reg, registry, onchain, allow, group)


def _refuse_registrations(run: _Run, anna: pp.Chip) -> None:
    """Registered again, signed by the forger's DSC, a DG1 byte changed after signing."""
    report, trusted, reg = run.report, run.trusted, run.registry
    if reg is not None:
        again = reg.prove(pp.register_inputs(anna, trusted, pp.new_secret()))
        report.expect_refusal("the same passport registered again (on chain: its signature's nullifier)",
                              lambda: reg.validate(again), NullifierUsedError)
    # the rogue signer: refused off chain, and on chain under a tree root that holds it
    forged = holder(run.signers["rogue"], "R0GUE0001", datetime.date(1985, 3, 3))
    report.expect_refusal("a passport signed by an untrusted DSC (off chain)",
                          lambda: pp.register_inputs(forged, trusted, 1), PassportSignerError)
    if reg is not None:
        report.expect_refusal("a passport signed by an untrusted DSC (on chain: a tree root never recorded)",
                              lambda: reg.validate(reg.prove(pp.register_inputs(forged, run.rogue_trust, 1))),
                              UnknownRootError)
    # a changed DG1 byte: the nationality rewritten after signing
    changed = pp.Chip(anna.dg1[:59] + b"ATL" + anna.dg1[62:], anna.sod, anna.attrs, anna.signature, anna.dsc_key)
    report.expect_refusal("a DG1 byte changed after signing (off chain)",
                          lambda: pp.register_inputs(changed, trusted, 1), PassportDataGroupError)
    report.expect_refusal("a DG1 byte changed after signing (in circuit: no witness)",
                          lambda: run.cs_reg.solve(pp.register_inputs(changed, trusted, 1, check=False)),
                          UnsatisfiedConstraintError)


def _holders(run: _Run) -> dict[str, tuple[pp.Chip, int]]:
    """Four holders, registered, each to be refused one claim (under age, foreign, expired,
    sanctioned), with their secrets."""
    dsc, dsc_atl = run.signers["UTO"], run.signers["ATL"]
    chips = {"minor": holder(dsc, "M1NOR0001", TODAY.replace(year=TODAY.year - 17)),
             "foreign": holder(dsc_atl, "F0REIGN01", datetime.date(1980, 1, 1), nationality="XXA"),
             "expired": holder(dsc, "EXP1RED01", datetime.date(1970, 9, 9), expiry=datetime.date(2026, 12, 3)),
             "listed": holder(dsc_atl, "SANCT1ON1", datetime.date(1966, 6, 6), nationality="ATL")}
    return {who: (chip, run.register(chip)) for who, chip in chips.items()}


def _refuse_disclosures(run: _Run, anna: pp.Chip, anna_secret: int, proved: Proved, sanctions: Any,
                        holders: dict[str, tuple[pp.Chip, int]]) -> None:
    """A reused or edited nullifier; each holder's false claim off chain, and the true claim
    the contract does not accept on chain."""
    report, onchain = run.report, run.onchain
    report.expect_refusal("a second proof for the same application (nullifier reused)",
                          lambda: onchain.validate(run.disclose(anna, anna_secret, sanctions)), NullifierUsedError)
    altered = [proved.public[0], proved.public[1] + 1, *proved.public[2:]]
    report.expect_refusal("a proof whose nullifier was changed after proving (on chain)",
                          lambda: onchain.validate(Proved(proved.proof, altered, 0.0, 0.0)), InvalidProofError)
    cases: list[tuple[str, str, type[Exception], dict[str, Any]]] = [
        ("a holder under 18", "minor", PassportAgeError, {"min_age": 16}),
        ("a nationality outside the allowlist", "foreign", PassportNationalityError,
         {"allowlist": pp.Allowlist([*ALLOWED, "XXA"])}),
        ("an expired passport", "expired", PassportExpiredError, {"today": datetime.date(2026, 12, 1)}),
        ("a sanctioned document", "listed", PassportSanctionedError,
         {"sanctions": pp.sanctions_tree([f"P<UTO{'<' * 39}X00000000"])}),
    ]
    for what, who, error, true_claim in cases:
        chip, secret = holders[who]
        claim = {"sanctions": sanctions, **true_claim}
        report.expect_refusal(f"{what} (off chain)", partial(run.disclose, chip, secret, sanctions), error)
        report.expect_refusal(f"{what} (on chain: a true proof of a claim the contract does not accept)",
                              partial(run.validate_claim, chip, secret, claim), UnknownRootError)


def _compiled(report: Report, name: str, make: Callable[[], Any]) -> Any:
    """The circuit ``make`` compiles, its size, compile time and parts reported."""
    from zkmpc.identity.national_id import parts

    t0 = time.perf_counter()
    cs = make()
    report.fact(f"{name} circuit", f"{cs.r1cs.num_constraints:,} constraints, compiled in "
                                   f"{time.perf_counter() - t0:.1f} s")
    for part, count in parts(cs).items():
        report.fact(f"  {name} part {part}", count)
    return cs


if __name__ == "__main__":
    main()
