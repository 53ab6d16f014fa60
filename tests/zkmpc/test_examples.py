"""The examples run end to end, and refuse the holders they should refuse."""

from __future__ import annotations

import io

import pytest

from circuits import compile
from circuits.errors import UnsatisfiedConstraintError
from circuits.native import MerkleTree, PrivateKey
from circuits.native import nullifier as native_nullifier
from circuits.native import poseidon as H
from examples.identity.credential import REGISTRY_DEPTH, EligibleHolder, issue, main


@pytest.mark.interop
def test_credential_example_end_to_end(solc_ready: None) -> None:
    out = io.StringIO()
    assert main([], out)
    text = out.getvalue()
    assert "proof verifies in Python: True" in text and "verifyProof on chain (embedded EVM): True" in text


def test_credential_circuit_refuses_ineligible_holders() -> None:
    cs = compile(EligibleHolder)
    issuers = [PrivateKey(f"issuer {i}".encode()) for i in range(3)]
    rogue = PrivateKey(b"not in the registry")
    registry = MerkleTree(REGISTRY_DEPTH, [H(list(k.public_key)) for k in issuers])
    secret, scope = 99, 7

    def attempt(issuer: PrivateKey, age: int, country: int, *, at: int = 1, null: int | None = None) -> None:
        cred = issue(issuer, H([secret]), age=age, country=country, band=1)
        p = registry.proof(at)
        cs.solve(EligibleHolder(
            registry_root=registry.root, scope=scope, min_age=18, allowed=[250, 276, 380],
            nullifier=native_nullifier(secret, scope) if null is None else null, holder_secret=secret,
            path=list(p.path_bits), siblings=list(p.siblings), **cred))

    attempt(issuers[1], 30, 276)
    for bad in (lambda: attempt(issuers[1], 17, 276),           # too young
                lambda: attempt(issuers[1], 30, 840),           # country not allowed
                lambda: attempt(rogue, 30, 276),                # issuer not in the registry
                lambda: attempt(issuers[1], 30, 276, at=2),     # wrong registry position
                lambda: attempt(issuers[1], 30, 276, null=1)):  # a made-up nullifier
        with pytest.raises(UnsatisfiedConstraintError):
            bad()


def test_bank_salaries_example() -> None:
    from examples.finance.bank_salaries import main as banks

    out = io.StringIO()
    s = banks([], out)
    assert s.reports == 3 and "regulator learns" in out.getvalue()
    mean_line = out.getvalue().splitlines()[-1]
    assert f"{s.mean:.2f}" in mean_line  # the encrypted aggregate equals the pooled mean


def test_hospital_histograms_example() -> None:
    from examples.healthcare.hospital_histograms import main as hospitals

    out = io.StringIO()
    s = hospitals([], out)
    assert s.reports == 5 and sum(s.histogram) == s.count and "mmHg" in out.getvalue()


def test_hospitals_mpc_example_over_tls_with_one_hospital_offline() -> None:
    import doctest
    from decimal import Decimal
    from fractions import Fraction

    from examples.healthcare import hospitals_mpc

    out = io.StringIO()
    docs = hospitals_mpc.main([], out)
    data = {h: hospitals_mpc.readings(h, seed=7) for h in range(1, 6)}
    count, mean, var = hospitals_mpc.pooled(data)
    assert docs[4] == {"status": "offline (simulated crash)"}
    for h in (1, 2, 3, 5):
        d = docs[h]
        assert d["count"] == count and d["missing"] == [4] and d["contributors"] == [1, 2, 3, 4, 5]
        assert abs(Fraction(Decimal(d["mean"])) - mean) < Fraction(1, 10 ** 40)
        assert abs(Fraction(Decimal(d["variance"])) - var) < Fraction(1, 10 ** 40)
    result = doctest.testmod(hospitals_mpc)
    assert result.attempted > 0 and result.failed == 0
