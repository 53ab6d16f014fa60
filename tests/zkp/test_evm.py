"""The exported Solidity verifier on a real EVM node (anvil), and on the embedded EVM.

Every invalid proof, input or encoding gives false or a revert, never true, in a single
proof and at every position of a batch; the contract agrees with ``groth16.verify`` on
mutated proofs; a call that returns has its true answer at any gas limit (the node's gas
estimate included); development keys go on chain only when asked; calldata matches
snarkjs's.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import warnings
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from zkp import groth16
from zkp.curve import G1Point, G2Point
from zkp.errors import ChainError, InputTypeError, MalformedInputError, SetupError, ToolError
from zkp.evm import (EmbeddedEVM, OnchainVerifier, RpcChain, batch_calldata, calldata, compile_solidity,
                     export_verifier, keccak256, selector)
from zkp.evm.verifier import verify_batch_signature, verify_signature
from zkp.field import P, R
from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json, vk_to_json
from zkp.r1cs import R1CSBuilder

from .._helpers import twist_point_outside_subgroup
from ..conftest import ROOT, VECTORS, dev_setup

pytestmark = pytest.mark.interop
GOLDEN = VECTORS / "evm" / "Groth16Verifier_snarkjs_mul.sol"


def squares(n_public: int, rng: random.Random) -> tuple[Any, Any, list[tuple[list[int], Any]]]:
    """x_i = y_i^2 for n public x_i; a key and three proofs with random full-size inputs."""
    b = R1CSBuilder(num_public=n_public)
    xs = [b.new_wire() for _ in range(n_public)]
    ys = [b.new_wire() for _ in range(max(n_public, 1))]
    for x, y in zip(xs, ys):
        b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    if n_public == 0:
        z = b.new_wire()
        b.add({ys[0]: 1}, {ys[0]: 1}, {z: 1}, "y*y == z")
    pk, vk = dev_setup(b.build())
    items = []
    for _ in range(3):
        roots = [rng.randrange(2, R) for _ in range(max(n_public, 1))]
        public = [r * r % R for r in roots[:n_public]]
        extra = [roots[0] * roots[0] % R] if n_public == 0 else []
        items.append((public, groth16.prove(pk, [1, *public, *roots, *extra], rng=rng)))
    return pk, vk, items


@pytest.fixture(scope="module")
def chain(anvil_url: str) -> RpcChain:
    return RpcChain(anvil_url)


@pytest.fixture(scope="module")
def deployed(chain: RpcChain, solc_ready: None) -> dict[int, tuple[OnchainVerifier, list[tuple[list[int], Any]]]]:
    rng = random.Random(4)
    out = {}
    for n in (0, 1, 3):
        _, vk, items = squares(n, rng)
        out[n] = (OnchainVerifier.deploy(vk, chain, allow_development=True), items)
    return out


def raw(v: OnchainVerifier, words: list[int], *, extra: bytes = b"", gas: int | None = None) -> bool | None:
    """Call verifyProof with raw words; True/False, or None for a revert."""
    data = selector(verify_signature(v.vk.num_public)) + b"".join(w.to_bytes(32, "big") for w in words) + extra
    res = v.chain.call(v.address, data, gas=gas)
    return None if res.reverted else res.as_bool()


# ---------------------------------------------------------------- honest proofs, source

@pytest.mark.parametrize("n", [0, 1, 3])
def test_honest_proofs_verify_on_anvil(deployed: Any, n: int) -> None:
    v, items = deployed[n]
    for public, proof in items:
        assert v.verify(proof, public) is True
    if n:
        public, proof = items[0]
        assert v.verify(proof, [(public[0] + 1) % R, *public[1:]]) is False
    assert v.verify(items[1][1], items[0][0]) is (n == 0)  # another proof's inputs


def test_source_is_deterministic_compiles_without_warnings_and_matches_golden(solc_ready: None) -> None:
    vk = vk_from_json((VECTORS / "snarkjs_mul" / "verification_key.json").read_text())
    src = export_verifier(vk)
    assert src == export_verifier(vk)
    assert src == GOLDEN.read_text(), "exported source changed: review, then regenerate the golden file"
    compiled = compile_solidity(src, "Groth16Verifier")
    assert compiled.warnings == ()
    assert len(compiled.deployed_bytecode) < 24576
    names = {e["name"] for e in compiled.abi if e.get("type") == "function"}
    assert names == {"verifyProof", "verifyProofs"}


def test_export_refuses_bad_names_and_types() -> None:
    vk = vk_from_json((VECTORS / "snarkjs_mul" / "verification_key.json").read_text())
    for bad in ("1abc", "a-b", "x" * 65, "contract X {}", ""):
        with pytest.raises(MalformedInputError):
            export_verifier(vk, contract_name=bad)
    with pytest.raises(MalformedInputError):
        export_verifier(vk, pragma="^0.8.0; contract X {}")
    with pytest.raises(InputTypeError):
        export_verifier("vk")  # type: ignore[arg-type]


def test_development_key_goes_on_chain_only_when_asked(deployed: Any, chain: RpcChain) -> None:
    v, _ = deployed[1]
    assert v.vk.development
    for refused in (lambda: export_verifier(v.vk), lambda: OnchainVerifier.deploy(v.vk, chain),
                    lambda: export_verifier(v.vk, allow_development=False)):
        with pytest.raises(SetupError, match="development key") as err:
            refused()
        for pointer in ("allow_development=True", "--allow-development-key", "zkmpc zkey contribute",
                        "zkmpc zkey beacon", ".ptau"):
            assert pointer in str(err.value)
    with pytest.raises(InputTypeError, match="allow_development"):
        export_verifier(v.vk, allow_development=1)  # type: ignore[arg-type]
    assert "// WARNING: development key" in export_verifier(v.vk, allow_development=True)
    production = v.vk.replace(development=False)
    assert "WARNING" not in export_verifier(production)


def test_development_mark_survives_the_json_file(deployed: Any) -> None:
    """snarkjs's verification_key.json has no place for it: one extra key, written for
    development keys only (snarkjs ignores it; production keys stay byte for byte)."""
    v, _ = deployed[1]
    text = vk_to_json(v.vk)
    assert json.loads(text)["zkmpc_development"] is True and vk_from_json(text).development
    production = v.vk.replace(development=False)
    assert "zkmpc_development" not in vk_to_json(production)
    assert not vk_from_json(vk_to_json(production)).development
    with pytest.raises(SetupError):
        export_verifier(vk_from_json(text))
    doc = json.loads(text)
    for bad in ("true", 1, None):
        doc["zkmpc_development"] = bad
        with pytest.raises(MalformedInputError, match="zkmpc_development"):
            vk_from_json(json.dumps(doc))


# ---------------------------------------------------------------- calldata and snarkjs

def test_calldata_string_equals_snarkjs(snarkjs: Any) -> None:
    d = VECTORS / "snarkjs_mul"
    out = snarkjs("zkey", "export", "soliditycalldata", str(d / "public.json"), str(d / "proof.json"))
    proof = proof_from_json((d / "proof.json").read_text())
    public = public_from_json((d / "public.json").read_text())
    assert str(calldata(proof, public)) == out.stdout.strip()


def test_snarkjs_proof_verifies_on_chain(chain: RpcChain, solc_ready: None) -> None:
    d = VECTORS / "snarkjs_mul"
    vk = vk_from_json((d / "verification_key.json").read_text())
    v = OnchainVerifier.deploy(vk, chain)
    proof = proof_from_json((d / "proof.json").read_text())
    public = public_from_json((d / "public.json").read_text())
    assert v.verify(proof, public) is True
    assert v.verify(proof, [public[0], public[1] + 1]) is False


def test_calldata_refuses_out_of_range_inputs(square_system: Any) -> None:
    *_, proof = square_system
    for bad in ([9 + R], [R], [-1], [True], [9.0]):
        with pytest.raises(MalformedInputError):
            calldata(proof, bad)
    with pytest.raises(InputTypeError):
        calldata("proof", [9])  # type: ignore[arg-type]
    with pytest.raises(MalformedInputError):
        batch_calldata([])


def test_calldata_swaps_g2_halves_exactly_once(square_system: Any) -> None:
    *_, proof = square_system
    cd = calldata(proof, [9])
    assert cd.b == ((proof.b.x[1], proof.b.x[0]), (proof.b.y[1], proof.b.y[0]))
    assert cd.to_bytes()[4:4 + 256] == proof.to_bytes()  # zkmpc's point encoding is EIP-197's


# ---------------------------------------------------------------- invalid input: never true

def test_inputs_at_or_above_r_are_refused(deployed: Any) -> None:
    v, items = deployed[3]
    public, proof = items[0]
    words = calldata(proof, public).words()
    assert raw(v, words) is True
    for j in range(3):
        for delta in (R, R * 2):
            w = list(words)
            w[8 + j] = public[j] + delta
            if w[8 + j] < 2**256:
                assert raw(v, w) in (False, None)
        w = list(words)
        w[8 + j] = R + (P - R) // 2  # in [r, p)
        assert raw(v, w) in (False, None)


def test_coordinates_at_or_above_p_are_refused(deployed: Any) -> None:
    v, items = deployed[1]
    public, proof = items[0]
    words = calldata(proof, public).words()
    for i in range(8):
        for big in (words[i] + P, P, 2**256 - 1):
            w = list(words)
            w[i] = big
            if big < 2**256:
                assert raw(v, w) in (False, None), (i, big)


def test_a_y_plus_multiple_of_q_is_refused(deployed: Any) -> None:
    """A.y' = (2^256 + A.y) mod q + q negates to -A.y under `mod(sub(q, y), q)`: a verifier
    that negates without a range check accepts this second encoding of the same proof."""
    v, items = deployed[1]
    public, proof = items[0]
    words = calldata(proof, public).words()
    w = list(words)
    w[1] = (2**256 + words[1]) % P + P
    assert w[1] < 2**256 and (2**256 + P - w[1]) % P == (P - words[1]) % P
    assert raw(v, w) in (False, None)


def test_points_off_curve_outside_subgroup_or_at_infinity_are_refused(deployed: Any) -> None:
    v, items = deployed[1]
    public, proof = items[0]
    words = calldata(proof, public).words()
    off = list(words)
    off[1] = (words[1] + 1) % P  # A off the curve
    assert raw(v, off) in (False, None)
    (x0, x1), (y0, y1) = twist_point_outside_subgroup(3)
    outside = list(words)
    outside[2:6] = [x1, x0, y1, y0]
    assert raw(v, outside) in (False, None)
    swapped = list(words)  # B's Fp2 halves in snarkjs's JSON order (c0, c1): not swapped
    swapped[2:6] = [words[3], words[2], words[5], words[4]]
    assert raw(v, swapped) in (False, None)
    for lo, hi in ((0, 2), (2, 6), (6, 8)):
        w = list(words)
        w[lo:hi] = [0] * (hi - lo)
        assert raw(v, w) in (False, None)


def test_calldata_of_the_wrong_length_reverts(deployed: Any) -> None:
    v, items = deployed[1]
    public, proof = items[0]
    words = calldata(proof, public).words()
    assert raw(v, words, extra=b"\x00" * 32) is None
    assert raw(v, words, extra=b"\x01") is None
    assert raw(v, words[:-1]) is None


# ---------------------------------------------------------------- gas limits

FORWARDER = """// SPDX-License-Identifier: MIT
pragma solidity >=0.8.4 <0.9.0;

/// A contract that calls a verifier with only part of its remaining gas (num / den of it),
/// passes the verifier's bool on, and reverts when the verifier reverts.
contract PartialForwarder {
    function forward(address target, bytes calldata data, uint256 num, uint256 den)
        external view returns (bool)
    {
        (bool success, bytes memory ret) = target.staticcall{gas: gasleft() * num / den}(data);
        require(success, "the verifier reverted");
        return abi.decode(ret, (bool));
    }
}
"""


@pytest.fixture(scope="module")
def forwarder(chain: RpcChain, solc_ready: None) -> str:
    return chain.deploy(compile_solidity(FORWARDER, "PartialForwarder").bytecode)


def forward(verifier: str, data: bytes, num: int, den: int) -> bytes:
    """PartialForwarder.forward(verifier, data, num, den), ABI-encoded."""
    head = [int(verifier, 16), 0x80, num, den, len(data)]
    padded = data + b"\x00" * (-len(data) % 32)
    return (selector("forward(address,bytes,uint256,uint256)")
            + b"".join(w.to_bytes(32, "big") for w in head) + padded)


def outcome(chain: Any, to: str, data: bytes, gas: int) -> bool | None:
    """The bool a call returns at this gas limit, or None when it returns nothing (a revert,
    running out of gas, or a limit below the transaction's intrinsic gas)."""
    try:
        res = chain.call(to, data, gas=gas)
    except ChainError as exc:
        if "GasMoreThanGasLimit" in str(exc).replace("Cost", "").replace("Floor", ""):
            return None
        raise
    return None if res.reverted else res.as_bool()


def lowest_gas(chain: Any, to: str, data: bytes, enough: int) -> int:
    """The smallest gas limit at which the call returns (``enough`` is one at which it does)."""
    lo, hi = 21_000, enough
    assert outcome(chain, to, data, lo) is None and outcome(chain, to, data, hi) is not None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if outcome(chain, to, data, mid) is None else (lo, mid)
    return hi


def _gas_cases(deployed: Any, forwarder: str) -> list[tuple[str, str, bytes, bool]]:
    """(what, to, data, expected answer): verifyProof and verifyProofs, called directly and
    through a contract forwarding a half and three quarters of its gas; valid and wrong."""
    v, items = deployed[3]
    public, proof = items[0]
    direct = [("verifyProof", calldata(proof, public).to_bytes(), True),
              ("verifyProof, wrong input", calldata(proof, [public[0] ^ 1, *public[1:]]).to_bytes(), False),
              ("verifyProofs", batch_calldata(items), True),
              ("verifyProofs, one wrong", batch_calldata([items[0], (items[0][0], items[1][1]), items[2]]), False)]
    cases = [(what, v.address, data, want) for what, data, want in direct]
    for num, den in ((1, 2), (3, 4)):
        cases += [(f"{what} forwarding {num}/{den}", forwarder, forward(v.address, data, num, den), want)
                  for what, data, want in direct]
    v0, items0 = deployed[0]
    cases.append(("verifyProof, no inputs", v0.address, calldata(items0[0][1], []).to_bytes(), True))
    return cases


def test_at_the_gas_the_node_estimates_a_valid_proof_is_true(chain: RpcChain, deployed: Any,
                                                             forwarder: str) -> None:
    """eth_estimateGas stops at the first limit where the call does not revert; before the
    fix a precompile out of gas gave false there, so the estimate undercut the pairing."""
    for what, to, data, want in _gas_cases(deployed, forwarder):
        estimate = chain.estimate_gas(to, data)
        assert estimate > 181_000, (what, estimate)  # the pairing alone: 45,000 + 4 x 34,000
        assert outcome(chain, to, data, estimate) is want, (what, estimate)


def test_at_the_lowest_gas_that_returns_the_answer_is_the_true_one(chain: RpcChain, deployed: Any,
                                                                   forwarder: str) -> None:
    for what, to, data, want in _gas_cases(deployed, forwarder):
        low = lowest_gas(chain, to, data, 2_000_000)
        assert outcome(chain, to, data, low) is want, (what, low)
        assert outcome(chain, to, data, low - 1) is None, (what, low)


def test_at_every_gas_limit_a_call_reverts_or_tells_the_truth(deployed: Any) -> None:
    """On the embedded EVM, gas limits a prime step apart from the intrinsic gas to past the
    pairing: a valid proof is true or reverts, never false; a wrong one never true."""
    v, items = deployed[1]
    evm = EmbeddedEVM()
    address = evm.deploy(v.compiled.bytecode)
    public, proof = items[0]
    cases = [(calldata(proof, public).to_bytes(), True), (calldata(proof, [public[0] ^ 1]).to_bytes(), False),
             (batch_calldata(items), True), (batch_calldata([items[0], (items[1][0], items[0][1])]), False)]
    for data, want in cases:
        answers = {outcome(evm, address, data, gas) for gas in range(22_000, 420_000, 4_001)}
        assert answers == {None, want}, (want, answers)


@pytest.mark.twin_independent  # a sweep through the same Python logic on either twin
def test_mutated_proofs_agree_with_the_python_verifier(deployed: Any) -> None:
    """200 mutations (a word replaced, bumped, zeroed, swapped, or a point re-randomised)."""
    v, items = deployed[3]
    rng = random.Random(200)
    g1 = G1Point.generator()
    for t in range(200):
        public, proof = items[t % 3]
        words = calldata(proof, public).words()
        kind = t % 5
        i = rng.randrange(len(words))
        if kind == 0:
            words[i] = rng.randrange(2**256)
        elif kind == 1:
            words[i] = (words[i] + rng.choice([1, -1, R, P])) % 2**256
        elif kind == 2:
            words[i] = 0
        elif kind == 3:
            j = rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
        else:  # a valid but wrong A or C
            pt = g1 * rng.randrange(1, R)
            k = rng.choice([0, 6])
            words[k:k + 2] = [pt.x, pt.y]
        onchain = raw(v, words)
        try:
            b = G2Point.from_bytes(b"".join(w.to_bytes(32, "big") for w in words[2:6]))
            pr = groth16.Proof(G1Point(words[0], words[1]), b, G1Point(words[6], words[7]))
            expected: bool | None = groth16.verify(v.vk, words[8:], pr)
        except (MalformedInputError, ValueError, OverflowError):
            expected = None
        if expected is True:
            assert onchain is True, t
        else:
            assert onchain in (False, None), (t, kind)


# ---------------------------------------------------------------- batches

def test_batch_on_chain_and_in_python(deployed: Any) -> None:
    v, items = deployed[3]
    assert v.verify_batch(items[:1]) and v.verify_batch(items) and v.verify_batch(items * 3)
    assert groth16.verify_batch(v.vk, items) is True
    bad = [items[0], (items[1][0], items[2][1]), items[2]]
    assert v.verify_batch(bad) is False
    assert groth16.verify_batch(v.vk, bad) is False
    out_of_range = [items[0], ([items[1][0][0] + R, *items[1][0][1:]], items[1][1])]
    data = bytearray(batch_calldata(items[:2]))
    # the second proof's first input, bumped by r in place (calldata() itself refuses it)
    off = len(data) - 32 * 3
    data[off:off + 32] = (items[1][0][0] + R).to_bytes(32, "big")
    res = v.chain.call(v.address, bytes(data))
    assert res.reverted or res.as_bool() is False
    with pytest.raises(MalformedInputError):
        groth16.verify_batch(v.vk, out_of_range)


def test_batch_encoding_is_strict(deployed: Any) -> None:
    v, items = deployed[3]
    data = batch_calldata(items[:2])
    assert v.chain.call(v.address, data + b"\x00" * 32).reverted
    sel, body = data[:4], data[4:]
    words = [int.from_bytes(body[i:i + 32], "big") for i in range(0, len(body), 32)]
    # pubSignals with one entry fewer than proofs
    short = list(words)
    short[3 + 16] = 1
    assert v.chain.call(v.address, sel + b"".join(w.to_bytes(32, "big") for w in short)).reverted
    v0, items0 = deployed[0]
    assert v0.verify_batch(items0) is True


def test_python_batch_errors_name_the_item(square_system: Any) -> None:
    _, _, vk, _, proof = square_system
    with pytest.raises(MalformedInputError, match=r"items\[1\]"):
        groth16.verify_batch(vk, [([9], proof), ([9, 1], proof)])
    with pytest.raises(MalformedInputError):
        groth16.verify_batch(vk, [])
    inf = groth16.Proof(G1Point.infinity(), proof.b, proof.c)
    with pytest.raises(MalformedInputError, match="infinity"):
        groth16.verify_batch(vk, [([9], proof), ([9], inf)])


# ---------------------------------------------------------------- encoding cases: one proof, every batch position

# What the contract answers for a malformed proof or input: False for what it checks itself
# (inputs >= r, a point at infinity, A.y >= q where it negates A: a single proof, the first of
# a batch), a revert (None) for what a precompile refuses (another coordinate >= q, a point
# off the curve or outside G2's subgroup). Python raises.
Mutation = Callable[[list[int], list[int]], tuple[list[int], list[int]]]
Case = tuple[str, Mutation, Optional[bool]]
U256 = 2**256


def _set(i: int, value: Callable[[list[int]], int]) -> Mutation:
    """A mutation setting proof word ``i`` (0..7) or, for i >= 8, input ``i - 8``."""
    def mutate(words: list[int], inputs: list[int]) -> tuple[list[int], list[int]]:
        w, x = list(words), list(inputs)
        if i < 8:
            w[i] = value(words + inputs)
        else:
            x[i - 8] = value(words + inputs)
        return w, x
    return mutate


def _put(lo: int, values: Callable[[list[int]], list[int]]) -> Mutation:
    def mutate(words: list[int], inputs: list[int]) -> tuple[list[int], list[int]]:
        w = list(words)
        new = values(words)
        w[lo:lo + len(new)] = new
        return w, list(inputs)
    return mutate


def encoding_cases(n: int, proof_words: list[int], inputs: list[int], *, negated: bool = True) -> list[Case]:
    """Every malformed encoding the single-proof tests try, for a proof with ``n`` inputs
    (cases whose value would not fit in 256 bits are left out); ``negated``: the contract
    negates this proof's A (so it range-checks A.y itself: False, not a revert)."""
    a_y = False if negated else None
    cases: list[Case] = []
    for j in range(n):
        for name, value in ((f"input {j} + r", lambda a, j=j: a[8 + j] + R),
                            (f"input {j} + 2r", lambda a, j=j: a[8 + j] + 2 * R),
                            (f"input {j} in [r, q)", lambda a: R + (P - R) // 2),
                            (f"input {j} = 2^256 - 1", lambda a: U256 - 1)):
            if value(proof_words + inputs) < U256:
                cases.append((name, _set(8 + j, value), False))
    for i, coord in enumerate(("A.x", "A.y", "B.x.c1", "B.x.c0", "B.y.c1", "B.y.c0", "C.x", "C.y")):
        want = a_y if coord == "A.y" else None
        for name, value in ((f"{coord} + q", lambda a, i=i: a[i] + P), (f"{coord} = q", lambda a: P),
                            (f"{coord} = 2^256 - 1", lambda a: U256 - 1)):
            if value(proof_words + inputs) < U256:
                cases.append((name, _set(i, value), want))
    (x0, x1), (y0, y1) = twist_point_outside_subgroup(3)
    cases += [
        ("A.y + q, aliasing -A.y", _set(1, lambda a: (U256 + a[1]) % P + P), a_y),
        ("A off the curve", _set(1, lambda a: (a[1] + 1) % P), None),
        ("C off the curve", _set(7, lambda a: (a[7] + 1) % P), None),
        ("B off the twist", _set(5, lambda a: (a[5] + 1) % P), None),
        ("B outside G2's subgroup", _put(2, lambda a: [x1, x0, y1, y0]), None),
        ("B's halves in snarkjs's JSON order", _put(2, lambda a: [a[3], a[2], a[5], a[4]]), None),
        ("A at infinity", _put(0, lambda a: [0, 0]), False),
        ("B at infinity", _put(2, lambda a: [0, 0, 0, 0]), False),
        ("C at infinity", _put(6, lambda a: [0, 0]), False),
    ]
    return cases


def decode(words: list[int]) -> groth16.Proof:
    """A proof from its 8 calldata words (EIP-197 order), validated as Python reads it."""
    enc = [w.to_bytes(32, "big") for w in words]
    return groth16.Proof(G1Point.from_bytes(b"".join(enc[0:2])), G2Point.from_bytes(b"".join(enc[2:6])),
                         G1Point.from_bytes(b"".join(enc[6:8])))


def raw_batch(n: int, proofs: list[list[int]], inputs: list[list[int]]) -> list[int]:
    """The ABI words of ``verifyProofs`` (after the selector), with no check of any value."""
    k = len(proofs)
    words = ([0x40, 0x40 + 32 + 256 * k] if n else [0x20]) + [k] + [w for p in proofs for w in p]
    return words + ([k] + [x for xs in inputs for x in xs] if n else [])


def abi_words(data: bytes) -> list[int]:
    return [int.from_bytes(data[i:i + 32], "big") for i in range(4, len(data), 32)]


def call_batch(v: OnchainVerifier, words: list[int]) -> bool | None:
    data = selector(verify_batch_signature(v.vk.num_public)) + b"".join(w.to_bytes(32, "big") for w in words)
    res = v.chain.call(v.address, data)
    return None if res.reverted else res.as_bool()


def python_batch(vk: Any, proofs: list[list[int]], inputs: list[list[int]]) -> bool | str:
    """verify_batch's answer, or the error that refused the batch ("decode" when a point
    could not even be read)."""
    try:
        items = [(xs, decode(w)) for w, xs in zip(proofs, inputs)]
    except MalformedInputError:
        return "decode"
    try:
        return groth16.verify_batch(vk, items)
    except MalformedInputError as exc:
        return str(exc)


def test_single_proof_encoding_cases_give_exactly_their_answer(deployed: Any) -> None:
    for n in (1, 3):
        v, items = deployed[n]
        public, proof = items[0]
        words = calldata(proof, public).words()[:8]
        for name, mutate, want in encoding_cases(n, words, public):
            w, x = mutate(words, public)
            assert raw(v, w + x) is want, (n, name)
            with pytest.raises(MalformedInputError):
                groth16.verify(v.vk, x, decode(w))


@pytest.mark.parametrize("pos", [0, 1, 2])
def test_batch_encoding_cases_at_every_position(deployed: Any, pos: int) -> None:
    """The same cases in the first, middle and last proof of a batch of three valid ones:
    the contract gives the single proof's answer (but A.y >= q after the first proof goes to
    ecMul, which reverts), Python refuses and names the item."""
    n = 3
    v, items = deployed[n]
    proofs = [calldata(proof, public).words()[:8] for public, proof in items]
    inputs = [list(public) for public, _ in items]
    assert raw_batch(n, proofs, inputs) == abi_words(batch_calldata(items))
    assert call_batch(v, raw_batch(n, proofs, inputs)) is True
    for name, mutate, want in encoding_cases(n, proofs[pos], inputs[pos], negated=pos == 0):
        ps, xs = list(proofs), list(inputs)
        ps[pos], xs[pos] = mutate(proofs[pos], inputs[pos])
        assert call_batch(v, raw_batch(n, ps, xs)) is want, (pos, name)
        answer = python_batch(v.vk, ps, xs)
        assert isinstance(answer, str), (pos, name, answer)
        assert answer == "decode" or f"items[{pos}]" in answer, (pos, name, answer)


@pytest.mark.parametrize("pos", [0, 1, 2])
def test_batch_wrong_lengths_at_every_position(deployed: Any, pos: int) -> None:
    """A proof or an input vector a word short or long at ``pos`` (the ABI arrays then no
    longer match the calldata), and the arrays' lengths off by one: a revert; in Python an
    input vector of the wrong length names its item."""
    n, k = 3, 3
    v, items = deployed[n]
    proofs = [calldata(proof, public).words()[:8] for public, proof in items]
    inputs = [list(public) for public, _ in items]
    good = raw_batch(n, proofs, inputs)
    proof_at, input_at = 3 + 8 * pos, 3 + 8 * k + 1 + n * pos
    variants = {
        "proof a word short": good[:proof_at + 7] + good[proof_at + 8:],
        "proof a word long": good[:proof_at + 8] + [1] + good[proof_at + 8:],
        "inputs a word short": good[:input_at + n - 1] + good[input_at + n:],
        "inputs a word long": good[:input_at + n] + [1] + good[input_at + n:],
    }
    for name, words in variants.items():
        assert call_batch(v, words) is None, (pos, name)
    for what, index, delta in (("proofs", 2, 1), ("proofs", 2, -1), ("pubSignals", 3 + 8 * k, 1),
                               ("pubSignals", 3 + 8 * k, -1)):
        words = list(good)
        words[index] += delta
        assert call_batch(v, words) is None, (what, delta)
    for xs in (inputs[pos][:-1], inputs[pos] + [1]):
        batch = [(list(x), p) for x, (_, p) in zip(inputs, items)]
        batch[pos] = (xs, items[pos][1])
        with pytest.raises(MalformedInputError, match=rf"items\[{pos}\]: public inputs: expected 3"):
            groth16.verify_batch(v.vk, batch)


@pytest.mark.parametrize("pos", [0, 1, 2])
def test_batch_with_one_wrong_proof_anywhere_is_false(deployed: Any, pos: int) -> None:
    v, items = deployed[3]
    bad = list(items)
    bad[pos] = (items[pos][0], items[(pos + 1) % 3][1])  # a valid proof of other inputs
    assert v.verify_batch(bad) is False and groth16.verify_batch(v.vk, bad) is False
    bad[pos] = ([items[pos][0][0] ^ 1, *items[pos][0][1:]], items[pos][1])
    assert v.verify_batch(bad) is False and groth16.verify_batch(v.vk, bad) is False


# ---------------------------------------------------------------- embedded EVM, tools

def test_embedded_evm_agrees_with_anvil(deployed: Any) -> None:
    v, items = deployed[1]
    emb = OnchainVerifier(EmbeddedEVM(), "", v.vk)
    emb.address = emb.chain.deploy(v.compiled.bytecode)
    public, proof = items[0]
    assert emb.verify(proof, public) is True and emb.verify(proof, [public[0] ^ 1]) is False
    assert emb.gas(proof, public) == v.gas(proof, public)
    assert emb.batch_gas(items) == v.batch_gas(items)


def test_keccak_matches_ethereum() -> None:
    from eth_hash.auto import keccak  # web3's

    rng = random.Random(1)
    for n in (0, 1, 55, 135, 136, 137, 272, 1000):
        data = bytes(rng.randrange(256) for _ in range(n))
        assert keccak256(data) == keccak(data)


def test_an_explicit_node_modules_beats_a_solc_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from zkp.evm.solc import find_solc

    fake = tmp_path / "bin" / "solc"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'solc, the solidity compiler commandline interface'\necho 'Version: 0.0.1'\n")
    fake.chmod(0o755)
    monkeypatch.delenv("ZKMPC_SOLC", raising=False)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("ZKMPC_NODE_MODULES", str(ROOT / "node_modules"))
    assert find_solc() == ("solcjs", str(ROOT / "node_modules"))
    monkeypatch.delenv("ZKMPC_NODE_MODULES")
    assert find_solc() == ("binary", str(fake))


def test_missing_compiler_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZKMPC_SOLC", str(tmp_path / "nope"))
    with pytest.raises(ToolError, match="no such file"):
        compile_solidity("contract X {}", "X")


if __name__ == "__main__":  # python -m tests.test_evm: rewrite the golden file
    vk = vk_from_json((VECTORS / "snarkjs_mul" / "verification_key.json").read_text())
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(export_verifier(vk))
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
    subprocess.run(["git", "diff", "--stat", str(GOLDEN)], check=False)
    warnings.warn("review the diff before committing", stacklevel=1)
