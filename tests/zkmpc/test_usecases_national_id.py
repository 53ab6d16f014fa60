"""The National-ID QR use case (issue 21, the Anon Aadhaar pattern): the record format, the
native twin of the circuit (named refusals), the circuit against it at the name length's
edges, the malicious-witness harness on the parsing (fields read at their offsets, the
hashed length tied to the record's length byte), and the example end to end on chain."""

from __future__ import annotations

import datetime
import hashlib
import io
from functools import lru_cache
from typing import Any

import pytest

from circuits.testing import ForgerySearch, input_wires
from zkmpc.errors import (NationalIdAgeError, NationalIdRecordError, NationalIdRegionError,
                          NationalIdSignatureError)
from zkmpc.identity import national_id as nid

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

TODAY = datetime.date(2026, 12, 4)
REGION = 560
SCOPE = 77


@lru_cache(maxsize=None)
def issuers() -> tuple[nid.Issuer, nid.Issuer]:
    return nid.Issuer(), nid.Issuer()


def record(name: str = "Asha Rao", birth: datetime.date = datetime.date(2000, 2, 29), region: int = REGION) -> nid.IdRecord:
    return nid.IdRecord(name, birth, "F", region, hashlib.sha256(name.encode()).digest())


class Case:
    def __init__(self) -> None:
        self.issuer = issuers()[0]
        self.cs = nid.national_id_circuit()
        self.record = record()
        self.signed = self.issuer.sign(self.record)
        self.witness = self.cs.solve(nid.witness_inputs(self.signed, self.issuer.modulus, scope=SCOPE, region=REGION,
                                                        today=TODAY))
        self.search = ForgerySearch(self.cs, self.witness)

    def w(self, name: str, i: int = 0) -> int:
        return int(input_wires(self.cs, name)[i])


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_records_round_trip_and_malformed_ones_are_named() -> None:
    r = record("Ö" * 32)
    assert nid.IdRecord.decode(r.encode()) == r and len(r.encode()) == nid.MAX_RECORD
    with pytest.raises(NationalIdRecordError, match="1 to 64"):
        record("x" * 65).encode()
    with pytest.raises(NationalIdRecordError, match="region"):
        record(region=1 << 16).encode()
    data = r.encode()
    with pytest.raises(NationalIdRecordError, match="name length"):
        nid.IdRecord.decode(data[:-1])  # the length byte says one more
    with pytest.raises(NationalIdRecordError, match="month must be"):
        nid.IdRecord.decode(data[:3] + bytes([13]) + data[4:])


def test_the_native_twin_names_each_refusal() -> None:
    issuer, other = issuers()
    signed = issuer.sign(record())

    def inputs(s: nid.SignedRecord = signed, n: int = issuer.modulus, region: int = REGION,
               today: datetime.date = TODAY) -> Any:
        return nid.witness_inputs(s, n, scope=SCOPE, region=region, today=today)

    assert inputs().nullifier == nid.nullifier_of(record(), SCOPE)
    with pytest.raises(NationalIdSignatureError):
        inputs(n=other.modulus)  # another issuer's key
    with pytest.raises(NationalIdSignatureError):
        inputs(nid.SignedRecord(signed.data[:-1] + b"X", signed.signature))  # a changed byte
    with pytest.raises(NationalIdAgeError, match="found 17"):
        inputs(today=datetime.date(2018, 2, 28))  # born on Feb 29: 18 on March 1
    inputs(today=datetime.date(2018, 3, 1))
    with pytest.raises(NationalIdRegionError, match="found the record's region 560"):
        inputs(region=110)
    assert nid.nullifier_of(record(), SCOPE) != nid.nullifier_of(record(), SCOPE + 1)


def test_the_circuit_agrees_with_the_twin_at_the_name_length_edges(case: Case) -> None:
    for name in ("A", "B" * nid.MAX_NAME, "C" * 23):  # 41 + 23 = 64 bytes: the length field spills
        rec = record(name)
        w = case.cs.solve(nid.witness_inputs(case.issuer.sign(rec), case.issuer.modulus, scope=SCOPE, region=REGION,
                                             today=TODAY))
        assert case.cs.r1cs.is_satisfied(w.values())
        assert list(w.public) == nid.public_signals(case.issuer.modulus, rec, scope=SCOPE, region=REGION, today=TODAY)
    parts = nid.parts(case.cs)
    assert sum(parts.values()) == case.cs.r1cs.num_constraints == 129_349
    assert parts["rsa"] == 87_661 and parts["sha256"] == 35_699


def test_the_parsing_cannot_be_moved(case: Case) -> None:
    rec = case.signed.data
    today = nid.date_number(TODAY)
    claims = [
        {case.w("region"): 110},  # another region with the signed record
        {case.w("region"): int.from_bytes(rec[5:7], "big")},  # the region read one byte early
        {case.w("today"): 20180228},  # a date before the 18th birthday
        {case.w("record", 1): rec[1] + 1},  # the birth year changed (a changed record byte)
        {case.w("record", 4): rec[4] - 1, case.w("today"): today},  # the birth day moved
        {case.w("record", 40): rec[40] - 1},  # the name's length moved (the hashed length with it)
        {case.w("record", 40): rec[40] + 1},
        {case.w("record", 6): rec[8], case.w("record", 7): rec[9]},  # region bytes from the photo hash
        {case.w("nullifier"): nid.nullifier_of(record("Someone else"), SCOPE)},
        {case.w("modulus_hash"): issuers()[1].key_hash},
    ]
    assert case.search.forge_all(claims) == []


def test_padding_past_the_length_is_free_and_harmless(case: Case) -> None:
    # bytes past the record are ignored by the hash: changing them is no forgery of a claim
    assert case.search.forge({case.w("record", nid.MAX_RECORD - 1): 7}) is not None


def test_the_example_proves_on_chain_and_refuses_each_forgery() -> None:
    from examples.identity import national_id_qr

    figures = national_id_qr.main([], io.StringIO())
    (proof,) = figures["proofs"]
    assert proof["constraints"] == 129_349 and proof["gas"] > 200_000
    refused = dict(figures["refused"])
    assert refused == {
        "a second proof by the same resident (nullifier reused)": "NullifierUsedError",
        "a record signed by another issuer (off chain)": "NationalIdSignatureError",
        "a proof under another issuer's key (on chain)": "UnknownRootError",
        "a record byte changed after signing (off chain)": "NationalIdSignatureError",
        "another region (off chain)": "NationalIdRegionError",
        "another region (on chain: a true proof for region 110)": "UnknownRootError",
        "a proof whose nullifier was changed after proving (on chain)": "InvalidProofError",
        "a resident under 18 (off chain)": "NationalIdAgeError",
        "a resident under 18 proving for a later date (on chain)": "UnknownRootError",
    }
    assert figures["facts"]["proofs recorded"] == 1
