"""The passport use case (issue 21, the OpenPassport/zkPassport pattern): the MRZ and the
document layout, the native twins of both circuits (named refusals), the register circuit
(ECDSA P-256 and three SHA-256: compiled and solved, no Groth16 setup here) refusing a
changed document or an untrusted signer, the disclose circuit against its twin at the
date edges and under the malicious-witness harness, and the example end to end on chain."""

from __future__ import annotations

import datetime
import hashlib
import io
from functools import lru_cache
from typing import Any

import pytest

from circuits.errors import UnsatisfiedConstraintError
from circuits.testing import ForgerySearch, input_wires
from zkmpc.errors import (PassportAgeError, PassportDataGroupError, PassportExpiredError, PassportFormatError,
                          PassportNationalityError, PassportNotRegisteredError, PassportSanctionedError,
                          PassportSignatureError, PassportSignerError)
from zkmpc.identity import Group
from zkmpc.identity import passport as pp

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

TODAY = datetime.date(2026, 12, 4)
SCOPE = 91
ALLOW = pp.Allowlist(["UTO", "ATL"])


def mrz(number: str = "L898902C3", birth: datetime.date = datetime.date(1974, 8, 12), *, nationality: str = "UTO",
        expiry: datetime.date = datetime.date(2032, 4, 15)) -> pp.Mrz:
    return pp.Mrz("UTO", "ERIKSSON", "ANNA MARIA", number, nationality, birth, "F", expiry)


@lru_cache(maxsize=None)
def pki() -> tuple[pp.CountrySigner, pp.DocumentSigner, pp.TrustedSigners, pp.CountrySigner, pp.DocumentSigner]:
    csca = pp.CountrySigner("UTO")
    dsc = csca.document_signer()
    trusted = pp.TrustedSigners([csca])
    trusted.add(dsc.certificate)
    forged = pp.CountrySigner("UTO")  # same name, another key
    return csca, dsc, trusted, forged, forged.document_signer()


def test_the_mrz_has_icao_check_digits_and_malformed_ones_are_named() -> None:
    text = mrz().encode()
    assert len(text) == 88 and text[:44] == "P<UTOERIKSSON<<ANNA<MARIA" + "<" * 19
    assert text[44:54] == "L898902C36" and text[57:64] == "7408122"  # ICAO 9303 part 4's specimen digits
    assert pp.Mrz.check(text) == text
    with pytest.raises(PassportFormatError, match="document number: expected check digit 6"):
        pp.Mrz.check(text[:53] + "7" + text[54:])
    with pytest.raises(PassportFormatError, match="composite"):
        pp.Mrz.check(text[:87] + str((int(text[87]) + 1) % 10))
    with pytest.raises(PassportFormatError, match="88 characters"):
        pp.Mrz.check(text[:-1])
    with pytest.raises(PassportFormatError, match="document number"):
        mrz("L898902C3X").encode()


def test_the_document_layout_is_fixed_and_the_signature_is_the_dscs() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    _, dsc, _, _, _ = pki()
    a = dsc.issue(mrz())
    b = dsc.issue(mrz("X00000001"), signing_time=datetime.datetime(2025, 7, 1, 12, 0, 0))
    a.check()
    assert len(a.dg1) == pp.DG1_LEN and len(a.sod) == pp.SOD_LEN and len(a.attrs) == pp.ATTRS_LEN
    assert a.sod[pp.SOD_DG1_AT:pp.SOD_DG1_AT + 32] == hashlib.sha256(a.dg1).digest()
    assert a.attrs[pp.ATTRS_DIGEST_AT:] == hashlib.sha256(a.sod).digest()
    assert a.attrs[pp.ATTRS_TIME_AT:pp.ATTRS_TIME_AT + 13] == b"260105093000Z"
    # what varies: the time, the digests (the other data groups are random); the rest is the layout
    differ = [i for i in range(pp.ATTRS_LEN) if a.attrs[i] != b.attrs[i]]
    assert all(pp.ATTRS_TIME_AT <= i < pp.ATTRS_TIME_AT + 13 or i >= pp.ATTRS_DIGEST_AT for i in differ)
    assert a.sod[:pp.SOD_DG1_AT] == b.sod[:pp.SOD_DG1_AT]
    dsc.certificate.public_key().verify(encode_dss_signature(*a.signature), a.attrs, ec.ECDSA(hashes.SHA256()))


def test_the_register_twin_names_each_refusal() -> None:
    csca, dsc, trusted, _, rogue = pki()
    chip = dsc.issue(mrz())
    inputs: Any = pp.register_inputs(chip, trusted, 5)
    assert inputs.commitment == pp.commitment_of(5, chip.dg1)
    with pytest.raises(PassportSignerError, match="trusted CSCA"):
        pp.TrustedSigners([csca]).add(rogue.certificate)  # certified by a forged CSCA
    with pytest.raises(PassportSignerError, match="untrusted key"):
        pp.register_inputs(rogue.issue(mrz()), trusted, 5)
    with pytest.raises(PassportDataGroupError, match="SHA-256\\(DG1\\)"):
        pp.register_inputs(pp.Chip(chip.dg1[:-1] + b"0", chip.sod, chip.attrs, chip.signature, chip.dsc_key),
                           trusted, 5)
    sod = chip.sod[:-1] + bytes([chip.sod[-1] ^ 1])  # DG14's hash changed
    with pytest.raises(PassportDataGroupError, match="security object"):
        pp.register_inputs(pp.Chip(chip.dg1, sod, chip.attrs, chip.signature, chip.dsc_key), trusted, 5)
    other = dsc.issue(mrz("X00000002"))
    with pytest.raises(PassportSignatureError):
        pp.register_inputs(pp.Chip(chip.dg1, chip.sod, chip.attrs, other.signature, chip.dsc_key), trusted, 5)
    with pytest.raises(PassportFormatError, match="fixed layout"):
        pp.register_inputs(pp.Chip(chip.dg1, chip.sod, b"\x30" + chip.attrs[1:], chip.signature, chip.dsc_key),
                           trusted, 5)


class Holders:
    """Registered holders (commitments in a group) and a sanctions list."""

    def __init__(self) -> None:
        _, dsc, _, _, _ = pki()
        self.chips = {
            "adult": dsc.issue(mrz()),
            "eighteen today": dsc.issue(mrz("E18000001", TODAY.replace(year=TODAY.year - 18))),
            "eighteen tomorrow": dsc.issue(mrz("E18000002", TODAY.replace(year=TODAY.year - 18) +
                                                datetime.timedelta(days=1))),
            "expires today": dsc.issue(mrz("EXP000001", expiry=TODAY)),
            "expired yesterday": dsc.issue(mrz("EXP000002", expiry=TODAY - datetime.timedelta(days=1))),
            "foreign": dsc.issue(mrz("F00000001", nationality="XXA")),
            "listed": dsc.issue(mrz("S00000001")),
            "born 2000": dsc.issue(mrz("C20000001", datetime.date(2000, 1, 1))),
        }
        self.secrets = {name: 1000 + i for i, name in enumerate(self.chips)}
        self.group = Group([pp.commitment_of(self.secrets[n], c.dg1) for n, c in self.chips.items()])
        self.sanctions = pp.sanctions_tree([self.chips["listed"].mrz, "P<UTO" + "<" * 39 + "Z99999999"])

    def inputs(self, name: str, *, today: datetime.date = TODAY, min_age: int = 18, secret: int | None = None,
               allowlist: pp.Allowlist = ALLOW) -> Any:
        return pp.disclose_inputs(self.chips[name].dg1, self.secrets[name] if secret is None else secret, self.group,
                                  scope=SCOPE, today=today, min_age=min_age, allowlist=allowlist,
                                  sanctions=self.sanctions)


@pytest.fixture(scope="module")
def holders() -> Holders:
    return Holders()


def test_the_disclose_twin_names_each_refusal_at_the_edges(holders: Holders) -> None:
    assert holders.inputs("adult").nullifier == pp.disclose_nullifier(1000, holders.chips["adult"].dg1, SCOPE)
    holders.inputs("eighteen today")
    with pytest.raises(PassportAgeError, match="found 17"):
        holders.inputs("eighteen tomorrow")
    holders.inputs("eighteen tomorrow", min_age=17)
    holders.inputs("expires today")
    with pytest.raises(PassportExpiredError):
        holders.inputs("expired yesterday")
    with pytest.raises(PassportNationalityError, match="'XXA'"):
        holders.inputs("foreign")
    holders.inputs("foreign", allowlist=pp.Allowlist(["XXA"]))
    with pytest.raises(PassportSanctionedError, match="UTO S00000001"):
        holders.inputs("listed")
    with pytest.raises(PassportNotRegisteredError):
        holders.inputs("adult", secret=999)
    mrz_2000 = holders.chips["born 2000"].mrz.encode()
    assert pp.birth_number(mrz_2000, 20261204) == 20000101 and pp.birth_number(mrz_2000, 19991231) == 19000101


def test_the_disclose_circuit_agrees_with_its_twin(holders: Holders) -> None:
    cs = pp.disclose_circuit()
    for name, kwargs in (("adult", {}), ("eighteen today", {}), ("eighteen tomorrow", {"min_age": 17}),
                         ("expires today", {}), ("born 2000", {"min_age": 26}),
                         ("foreign", {"allowlist": pp.Allowlist(["XXA"])})):
        w = cs.solve(holders.inputs(name, **kwargs))
        assert cs.r1cs.is_satisfied(w.values()), name
    with pytest.raises(UnsatisfiedConstraintError):  # 26 on Jan 1st 2026, not 27
        cs.solve(holders.inputs("born 2000", min_age=26).__class__(
            **{**_fields(holders.inputs("born 2000", min_age=26)), "min_age": 27}))
    assert cs.r1cs.num_constraints == 17_359


def _fields(assignment: Any) -> dict[str, Any]:
    return {name: getattr(assignment, name) for name in assignment.__class__.__annotations__}


@pytest.fixture(scope="module")
def search(holders: Holders) -> tuple[ForgerySearch, Any]:
    cs = pp.disclose_circuit()
    return ForgerySearch(cs, cs.solve(holders.inputs("adult"))), cs


def test_the_disclose_claims_cannot_be_forged(holders: Holders, search: tuple[ForgerySearch, Any]) -> None:
    forger, cs = search

    def w(name: str, i: int = 0) -> int:
        return int(input_wires(cs, name)[i])

    dg1 = holders.chips["adult"].dg1
    at = len(pp.DG1_HEADER)
    claims = [
        {w("min_age"): 60},  # born 1974: 52 in 2026
        {w("today"): 20320416},  # the day after expiry
        {w("today"): 19740811},  # before birth (the century rule)
        {w("allow_root"): pp.Allowlist(["ATL"]).root},
        {w("sanctions_root"): holders.sanctions.root + 1},
        {w("nullifier"): pp.disclose_nullifier(1000, dg1, SCOPE + 1)},
        {w("scope"): SCOPE + 1},
        {w("group_root"): holders.group.root + 1},
        {w("dg1", at + 54): ord("X")},  # the nationality's first letter
        {w("dg1", at + 57): ord("9")},  # the birth year's tens: born 1994
        {w("dg1", at + 65): ord("1")},  # the expiry year's tens
        {w("dg1", at + 44): ord("S")},  # the document number
        {w("secret"): 999},
    ]
    assert forger.forge_all(claims) == []


@pytest.mark.large_circuit
def test_the_register_circuit_solves_and_refuses_a_changed_document_or_signer(holders: Holders) -> None:
    _, dsc, trusted, forged_csca, rogue = pki()
    cs = pp.register_circuit()
    assert cs.r1cs.num_constraints == 363_723  # ECDSA P-256 231,830 of it; prove needs a 2^19 key
    chip = holders.chips["adult"]
    w = cs.solve(pp.register_inputs(chip, trusted, 1000))
    assert cs.r1cs.is_satisfied(w.values())
    assert list(w.public) == [trusted.root, pp.register_nullifier(chip.signature[0]), holders.group.member(0)]

    def refused(c: pp.Chip, signers: pp.TrustedSigners = trusted, **change: Any) -> None:
        inputs = pp.register_inputs(c, signers, 1000, check=False)
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(inputs.__class__(**{**_fields(inputs), **change}))

    refused(pp.Chip(chip.dg1[:60] + b"X" + chip.dg1[61:], chip.sod, chip.attrs, chip.signature, chip.dsc_key))
    sod = chip.sod[:-1] + bytes([chip.sod[-1] ^ 1])
    refused(pp.Chip(chip.dg1, sod, chip.attrs, chip.signature, chip.dsc_key))
    time = chip.attrs[:pp.ATTRS_TIME_AT] + b"27" + chip.attrs[pp.ATTRS_TIME_AT + 2:]  # a varying byte, still signed
    refused(pp.Chip(chip.dg1, chip.sod, time, chip.signature, chip.dsc_key))
    signers = pp.TrustedSigners([forged_csca])
    signers.add(rogue.certificate)
    forged = rogue.issue(mrz())
    refused(forged, signers, dsc_root=trusted.root)  # an untrusted DSC under the trusted root
    search = ForgerySearch(cs, w)

    def wire(name: str) -> int:
        return int(input_wires(cs, name)[0])

    assert search.forge_all([{wire("commitment"): holders.group.member(1)},
                             {wire("nullifier"): pp.register_nullifier(chip.signature[0] + 1)},
                             {wire("dsc_root"): signers.root}]) == []


def test_the_example_registers_and_discloses_on_chain_and_refuses_each_forgery() -> None:
    from examples.identity import passport

    figures = passport.main(["--register", "solve", "--members", "8"], io.StringIO())
    (proof,) = figures["proofs"]
    assert proof["constraints"] == 17_359 and proof["gas"] > 200_000
    assert dict(figures["refused"]) == {
        "a DSC certified by a forged CSCA (off chain, when the DSC is registered)": "PassportSignerError",
        "a passport signed by an untrusted DSC (off chain)": "PassportSignerError",
        "a DG1 byte changed after signing (off chain)": "PassportDataGroupError",
        "a DG1 byte changed after signing (in circuit: no witness)": "UnsatisfiedConstraintError",
        "a second proof for the same application (nullifier reused)": "NullifierUsedError",
        "a proof whose nullifier was changed after proving (on chain)": "InvalidProofError",
        "a holder under 18 (off chain)": "PassportAgeError",
        "a holder under 18 (on chain: a true proof of a claim the contract does not accept)": "UnknownRootError",
        "a nationality outside the allowlist (off chain)": "PassportNationalityError",
        "a nationality outside the allowlist (on chain: a true proof of a claim the contract does not accept)":
            "UnknownRootError",
        "an expired passport (off chain)": "PassportExpiredError",
        "an expired passport (on chain: a true proof of a claim the contract does not accept)": "UnknownRootError",
        "a sanctioned document (off chain)": "PassportSanctionedError",
        "a sanctioned document (on chain: a true proof of a claim the contract does not accept)":
            "UnknownRootError",
    }
    assert figures["facts"]["proofs recorded"] == 1 and figures["facts"]["group size"] == 13
