"""Range proofs for Paillier ciphertexts (mpc.paillier.rangeproof) and their check in
mpc.stats.Aggregator: honest proofs verify at the boundaries; out-of-range values, bits that
encrypt 2 or -1, simulated transcripts, moved proofs, other contexts and malformed proofs are
refused; a range-proven stats report that lies is refused, naming its holder."""

from __future__ import annotations

import dataclasses
import json
import random
from decimal import Decimal

import gmpy2
import pytest

from mpc import paillier
from mpc.encoding import IntegerEncoding
from mpc.errors import EncodingError, KeyMismatchError
from mpc.paillier.rangeproof import (CHALLENGE_BITS, BitProof, RangeProof, RangeProofError, _prove_bit,
                                     encrypt_in_range, verify_range)
from mpc.stats import Aggregator, Report, StatsSpec, make_report

# no zkp kernel runs here: the pure-Python pass of `make test` skips it
pytestmark = pytest.mark.twin_independent

#: bugs planted in scratch edits to see these tests fail (file, text, replacement, test red)
PLANTED_BUGS: tuple[tuple[str, str, str, str], ...] = (
    ("mpc/paillier/rangeproof.py", "    if (bp.e[0] + bp.e[1]) % (1 << CHALLENGE_BITS) != _challenge(pk, index, c, bp.a, context):",
     "    if False:", "test_a_fully_simulated_transcript_is_refused"),
    ("mpc/paillier/rangeproof.py", "    if _combine(pk, proof.bit_ciphertexts) != ciphertext.value:", "    if False:",
     "test_the_proof_is_bound_to_its_ciphertext_and_context"),
    ("mpc/paillier/rangeproof.py", "    h.update(len(context).to_bytes(8, \"big\") + context)", "",
     "test_the_proof_is_bound_to_its_ciphertext_and_context"),
    ("mpc/paillier/rangeproof.py", "    return int(pk.max_int).bit_length() - 1", "    return int(pk.n).bit_length()",
     "test_bits_are_bounded_by_the_key"),
    ("mpc/stats.py", "        if self.spec.range_bits is not None:\n            self._check_proofs(report)", "",
     "test_a_range_proven_report_that_lies_is_refused"),
)


@pytest.fixture(scope="module")
def keys() -> tuple[paillier.PublicKey, paillier.PrivateKey]:
    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(21))


def _bit_ciphertext(pk: paillier.PublicKey, m: int, r: int) -> int:
    return int((1 + m * pk.n) * gmpy2.powmod(r, pk.n, pk.nsquare) % pk.nsquare)


def _cheat(pk: paillier.PublicKey, plain_bits: list[int], claimed: list[int], rng: random.Random) -> tuple[paillier.Ciphertext, RangeProof]:
    """A prover that encrypts ``plain_bits`` (any integers) and runs the honest bit prover
    with ``claimed`` bits and its true randomness."""
    cts, proofs, total = [], [], 1
    for i, (m, claim) in enumerate(zip(plain_bits, claimed)):
        r = rng.randrange(2, int(pk.n) - 1)
        c = _bit_ciphertext(pk, m % int(pk.n), r)
        cts.append(c)
        proofs.append(_prove_bit(pk, i, claim, gmpy2.mpz(c), gmpy2.mpz(r), b"", rng))
    for c in reversed(cts):
        total = total * total * c % int(pk.nsquare)
    return paillier.Ciphertext(pk, total), RangeProof(len(cts), tuple(cts), tuple(proofs))


def test_honest_proofs_verify_at_the_boundaries(keys: tuple) -> None:
    pk, sk = keys
    rng = random.Random(1)
    for bits, m in ((1, 0), (1, 1), (8, 0), (8, 255), (8, 128), (40, 2**40 - 1)):
        c, proof = encrypt_in_range(pk, m, bits, context=b"ctx", rng=rng)
        assert sk.decrypt(c) == m and verify_range(pk, c, proof, context=b"ctx"), (bits, m)
        assert len(proof.bit_ciphertexts) == bits
    c, proof = encrypt_in_range(pk, 5, 3)  # secrets randomness
    assert verify_range(pk, c, proof) and RangeProof.from_list(json.loads(json.dumps(proof.to_list())), pk) == proof


def test_values_out_of_range_cannot_be_proven(keys: tuple) -> None:
    pk, _ = keys
    for m in (256, -1, 2**200, True, 1.5, "3"):
        with pytest.raises(RangeProofError, match=r"expected a value in \[0, 2\^8\)"):
            encrypt_in_range(pk, m, 8)  # type: ignore[arg-type]


def test_bits_are_bounded_by_the_key(keys: tuple) -> None:
    pk, _ = keys
    top = int(pk.max_int).bit_length() - 1
    assert (1 << top) <= pk.max_int  # a proven value decrypts as itself, never as a negative
    for bits in (0, top + 1, int(pk.n).bit_length(), True, None):
        with pytest.raises(RangeProofError, match="expected bits in"):
            encrypt_in_range(pk, 0, bits)  # type: ignore[arg-type]


def test_a_bit_that_encrypts_two_or_minus_one_is_refused(keys: tuple) -> None:
    pk, sk = keys
    rng = random.Random(2)
    for plain, claimed in (([1, 1, 2], [1, 1, 1]), ([1, 1, 2], [1, 1, 0]), ([0, 0, -1], [0, 0, 1]),
                           ([0, 0, -1], [0, 0, 0]), ([3, 0, 0], [1, 0, 0])):
        c, proof = _cheat(pk, plain, claimed, rng)
        assert not verify_range(pk, c, proof), plain
    c, proof = _cheat(pk, [1, 0, 1], [1, 0, 1], rng)  # the control: honest bits pass the same code
    assert verify_range(pk, c, proof) and sk.decrypt(c) == 5


def test_a_fully_simulated_transcript_is_refused(keys: tuple) -> None:
    """Both branches simulated (no witness at all) for a bit that encrypts 2: only the
    Fiat-Shamir challenge stops it."""
    pk, _ = keys
    rng = random.Random(3)
    n, n2 = pk.n, pk.nsquare
    c = _bit_ciphertext(pk, 2, 12345)
    u = (gmpy2.mpz(c), c * gmpy2.invert(1 + n, n2) % n2)
    e = [rng.randrange(1 << CHALLENGE_BITS) for _ in range(2)]
    z = [rng.randrange(2, int(n) - 1) for _ in range(2)]
    a = [int(gmpy2.powmod(z[j], n, n2) * gmpy2.powmod(gmpy2.invert(u[j], n2), e[j], n2) % n2) for j in (0, 1)]
    proof = RangeProof(1, (c,), (BitProof((a[0], a[1]), (e[0], e[1]), (z[0], z[1])),))
    assert not verify_range(pk, paillier.Ciphertext(pk, c), proof)


def test_the_proof_is_bound_to_its_ciphertext_and_context(keys: tuple) -> None:
    pk, _ = keys
    rng = random.Random(4)
    c, proof = encrypt_in_range(pk, 6, 3, context=b"A/total", rng=rng)
    other, other_proof = encrypt_in_range(pk, 6, 3, context=b"A/total", rng=rng)
    assert verify_range(pk, c, proof, context=b"A/total")
    assert not verify_range(pk, c, proof, context=b"B/total")
    assert not verify_range(pk, c + c, proof, context=b"A/total")           # 12: another ciphertext
    assert not verify_range(pk, c + 8, proof, context=b"A/total")           # 14
    assert not verify_range(pk, other, proof, context=b"A/total")           # same value, other randomness
    swapped = dataclasses.replace(proof, bit_ciphertexts=proof.bit_ciphertexts[::-1], bit_proofs=proof.bit_proofs[::-1])
    assert not verify_range(pk, paillier.Ciphertext(pk, c.value), swapped, context=b"A/total")
    mixed = dataclasses.replace(proof, bit_proofs=(other_proof.bit_proofs[0],) + proof.bit_proofs[1:])
    assert not verify_range(pk, c, mixed, context=b"A/total")
    bp = proof.bit_proofs[1]
    for tampered in (BitProof(bp.a, bp.e[::-1], bp.z), BitProof(bp.a, bp.e, bp.z[::-1]), BitProof(bp.a[::-1], bp.e, bp.z),
                     BitProof(bp.a, ((bp.e[0] + 1) % (1 << CHALLENGE_BITS), (bp.e[1] - 1) % (1 << CHALLENGE_BITS)), bp.z)):
        bad = dataclasses.replace(proof, bit_proofs=(proof.bit_proofs[0], tampered, proof.bit_proofs[2]))
        assert not verify_range(pk, c, bad, context=b"A/total")


def test_malformed_proofs_raise(keys: tuple) -> None:
    pk, _ = keys
    c, proof = encrypt_in_range(pk, 1, 2, rng=random.Random(5))
    bp = proof.bit_proofs[0]
    n, n2 = int(pk.n), int(pk.nsquare)
    bad_bits = [BitProof(bp.a, bp.e, (0, bp.z[1])), BitProof(bp.a, bp.e, (n, bp.z[1])),
                BitProof((n2, bp.a[1]), bp.e, bp.z), BitProof(bp.a, (1 << CHALLENGE_BITS, 0), bp.z),
                BitProof(bp.a, (-1, 0), bp.z), BitProof(bp.a[:1], bp.e, bp.z)]  # type: ignore[arg-type]
    for b in bad_bits:
        with pytest.raises(RangeProofError, match="bit 0"):
            verify_range(pk, c, dataclasses.replace(proof, bit_proofs=(b, proof.bit_proofs[1])))
    for bad in (dataclasses.replace(proof, bits=3), dataclasses.replace(proof, bit_proofs=proof.bit_proofs[:1]), "proof"):
        with pytest.raises(RangeProofError):
            verify_range(pk, c, bad)  # type: ignore[arg-type]
    for data in ([2, [], []], [2], "x", [2, ["01", "1"], [["1"] * 6] * 2], [2, ["1", "-1"], [["1"] * 6] * 2],
                 [2, ["1", "1"], [["1"] * 5] * 2]):
        with pytest.raises(RangeProofError):
            RangeProof.from_list(data, pk)
    pk2, _ = paillier.keygen(bits=1024, insecure=True, rng=random.Random(6))
    with pytest.raises(KeyMismatchError):
        verify_range(pk2, c, proof)


def test_a_range_proven_report_that_lies_is_refused(keys: tuple) -> None:
    pk, sk = keys
    spec = StatsSpec(IntegerEncoding(1000), min_reports=2, max_values_per_report=4, bins=(Decimal(100),), range_bits=10)
    a = make_report(pk, "clinic A", [120, 80, 300], spec)
    b = make_report(pk, "clinic B", [999, 0], spec)
    agg = Aggregator(sk, spec)
    agg.add(Report.from_json(a.to_json(), pk, spec))
    liar = dataclasses.replace(b, total=b.total + 10**9)                      # a shifted total
    stolen = dataclasses.replace(b, total=a.total, range_proofs=(b.range_proofs[0], a.range_proofs[1]) + b.range_proofs[2:])  # type: ignore[index]
    unproven = dataclasses.replace(b, range_proofs=None)
    wrong_bound = make_report(pk, "clinic B", [999, 0], dataclasses.replace(spec, range_bits=11))
    for bad, text in ((liar, "ciphertext 1: the range proof does not verify"),
                      (stolen, "ciphertext 1: the range proof does not verify"),  # bound to clinic A
                      (unproven, "expected 5 range proofs, found none"),
                      (wrong_bound, "ciphertext 1: expected a range proof of 13 bits")):
        with pytest.raises(RangeProofError, match=text) as info:
            agg.add(bad)
        assert "'clinic B'" in str(info.value)
    agg.add(b)
    s = agg.result()
    assert (s.count, s.total, s.histogram) == (5, 1499, (2, 3))
    with pytest.raises(EncodingError, match=r"need \[0, 2\^10\)"):
        make_report(pk, "clinic C", [-1], spec)
    old = StatsSpec(IntegerEncoding(1000), min_reports=2)  # today's specs: no proofs, negative values fine
    assert make_report(pk, "clinic D", [-5], old).range_proofs is None
