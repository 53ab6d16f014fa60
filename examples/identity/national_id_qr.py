"""National-ID QR: an adult of a region, from an RSA-2048-signed ID record, one proof per application.

The Anon Aadhaar pattern. A (test) government issuer signs each resident's record (name,
birth date, gender, region, photo hash; a fixed layout with a variable-length name) with
RSA-2048, PKCS#1 v1.5, SHA-256. A resident proves to an application, on chain:

- the record is signed by the issuer whose key hash the application records (root set 0);
- the resident was at least 18 on the date the application accepts (root set 2);
- the record's region is the application's (root set 1);
- the nullifier Poseidon(application, Poseidon(photo hash)) is recorded: one proof per
  resident per application (the application is the contract's scope).

Private: the name, birth date, gender, photo hash, the signature and which resident
proved. Refused (named off chain, reverted on chain): another issuer's key, a changed
record byte, a resident under 18, another region, a reused nullifier.

    python -m examples.identity.national_id_qr [--rpc URL --dev-keys]
"""

from __future__ import annotations

import datetime
import hashlib
import resource
import secrets
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.errors import (InvalidProofError, NationalIdAgeError, NationalIdRegionError, NationalIdSignatureError,
                          NullifierUsedError, UnknownRootError)
from zkmpc.identity import national_id as nid
from zkmpc.usecases import OnChain, Proved, Report, open_chain, parse_args

#: the application's scope (its id), the region it serves and the date it accepts
APPLICATION = 2026_0042
REGION = 560
TODAY = datetime.date(2026, 12, 4)


@lru_cache(maxsize=None)
def development_keys() -> Any:
    """The circuit's development keys, made once per process (the runner's setup)."""
    import warnings

    from zkp import groth16

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        return groth16.setup(nid.national_id_circuit().r1cs)


def resident(name: str, birth: datetime.date, region: int = REGION) -> nid.IdRecord:
    """A made-up resident (the photo hash: of random bytes; no real personal data)."""
    return nid.IdRecord(name, birth, secrets.choice("FMX"), region, hashlib.sha256(secrets.token_bytes(64)).digest())


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    # --members does not apply: the issuer keeps its register, a proof needs no group
    args = parse_args(argv, __doc__, members=2)
    report = Report(out, title="National-ID QR: an adult of the region, one proof per application")
    issuer, other_issuer = nid.Issuer(), nid.Issuer()
    t0 = time.perf_counter()
    cs = nid.national_id_circuit()
    report.fact("circuit", f"{cs.r1cs.num_constraints:,} constraints, compiled in {time.perf_counter() - t0:.1f} s")
    for part, count in nid.parts(cs).items():
        report.fact(f"  part {part}", count)
    t0 = time.perf_counter()
    keys = development_keys()
    report.fact("setup (development keys, cached per process)", f"{time.perf_counter() - t0:.1f} s")
    chain = open_chain(args)
    onchain = OnChain.deploy(chain, cs, nid.LAYOUT, keys=keys)
    app = onchain.app
    app.add_root(issuer.key_hash, 0)
    app.add_root(REGION, 1)
    app.add_root(nid.date_number(TODAY), 2)
    app.set_scope(APPLICATION, True)

    def prove(signed: nid.SignedRecord, modulus: int = issuer.modulus, *, region: int = REGION,
              today: datetime.date = TODAY) -> Proved:
        return onchain.prove(nid.witness_inputs(signed, modulus, scope=APPLICATION, region=region, today=today))

    asha = issuer.sign(resident("Asha Rao", datetime.date(1990, 5, 17)))
    proved = prove(asha)
    report.proof(proved, onchain.validate(proved), onchain=onchain,
                 what="signed by the issuer, 18 or older today, of the region, first proof for this application")
    report.expect_refusal("a second proof by the same resident (nullifier reused)",
                          lambda: onchain.validate(prove(asha)), NullifierUsedError)
    # another issuer's key: refused off chain under the recorded key, reverted on chain under its own
    forged = other_issuer.sign(resident("Ravi Kumar", datetime.date(1985, 1, 2)))
    report.expect_refusal("a record signed by another issuer (off chain)", lambda: prove(forged),
                          NationalIdSignatureError)
    report.expect_refusal("a proof under another issuer's key (on chain)",
                          lambda: onchain.validate(prove(forged, other_issuer.modulus)), UnknownRootError)
    # a changed byte: the region rewritten after signing
    meera = issuer.sign(resident("Meera Iyer", datetime.date(1978, 11, 30), region=110))
    changed = nid.SignedRecord(meera.data[:6] + REGION.to_bytes(2, "big") + meera.data[8:], meera.signature)
    report.expect_refusal("a record byte changed after signing (off chain)", lambda: prove(changed),
                          NationalIdSignatureError)
    report.expect_refusal("another region (off chain)", lambda: prove(meera), NationalIdRegionError)
    report.expect_refusal("another region (on chain: a true proof for region 110)",
                          lambda: onchain.validate(prove(meera, region=110)), UnknownRootError)
    honest = prove(issuer.sign(resident("Kiran Das", datetime.date(1999, 7, 7))))
    # a changed record admits no proof; what a holder can change is the proof's signals
    altered = [*honest.public[:1], honest.public[1] + 1, *honest.public[2:]]
    report.expect_refusal("a proof whose nullifier was changed after proving (on chain)",
                          lambda: onchain.validate(Proved(honest.proof, altered, honest.solve_seconds,
                                                          honest.prove_seconds)), InvalidProofError)
    minor = issuer.sign(resident("Anu Pillai", TODAY.replace(year=TODAY.year - 17)))
    report.expect_refusal("a resident under 18 (off chain)", lambda: prove(minor), NationalIdAgeError)
    report.expect_refusal("a resident under 18 proving for a later date (on chain)",
                          lambda: onchain.validate(prove(minor, today=TODAY.replace(year=TODAY.year + 1))),
                          UnknownRootError)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    report.fact("peak memory of the process (RSS)", f"{peak / 2**10:.0f} MiB")
    report.fact("proofs recorded", int(app.is_nullifier_used(proved.public[1])))
    return report.figures


if __name__ == "__main__":
    main()
