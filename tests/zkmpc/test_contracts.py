"""The group contract (zkmpc.contracts), on the embedded EVM and on anvil.

A small fixture circuit stands in for the membership circuit: four public signals in
Semaphore v4's order (root, nullifier, message hash, scope hash), each bound by a
constraint (root = s^2, nullifier = s * scope hash, message hash squared). Every refusal
is a revert with a named custom error, raised in Python as the matching exception; a
valid proof validates at the gas limit eth_estimateGas gives and through a caller that
forwards only part of its gas; validateProof costs at most 289k gas.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from zkp import groth16
from zkp.evm import EmbeddedEVM, RpcChain, compile_solidity, export_verifier, keccak256, selector
from zkp.field import P, R
from zkp.r1cs import R1CSBuilder
from zkmpc import errors as E
from zkmpc.contracts import GroupContract, compile_group, decode_revert, group_source, hash_signal, proof_words

from ..conftest import dev_setup

# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = [pytest.mark.interop, pytest.mark.app_layer]
SEMAPHORE_V4_AVERAGE = 288_798  # validateProof, Semaphore v4's gas report
WINDOW = 3


@dataclass(frozen=True)
class Signal:
    """A proof and the arguments validateProof takes with it."""

    proof: groth16.Proof
    root: int
    nullifier: int
    message: int
    scope: int

    def args(self, **changes: int) -> dict[str, int]:
        out = {"root": self.root, "nullifier": self.nullifier, "message": self.message, "scope": self.scope}
        out.update(changes)
        return out


class FourSignals:
    """The fixture circuit, its key, and proofs for (secret, message, scope)."""

    def __init__(self) -> None:
        b = R1CSBuilder(num_public=4)
        root, nul, msg, scope = (b.new_wire() for _ in range(4))
        s, m2 = b.new_wire(), b.new_wire()
        b.add({s: 1}, {s: 1}, {root: 1}, "s*s == root")
        b.add({s: 1}, {scope: 1}, {nul: 1}, "s*scope == nullifier")
        b.add({msg: 1}, {msg: 1}, {m2: 1}, "message*message == m2")
        self.pk, self.vk = dev_setup(b.build())
        self.rng = random.Random(24)

    def signal(self, secret: int, message: int, scope: int) -> Signal:
        mh, sh = hash_signal(message), hash_signal(scope)
        root, nul = secret * secret % R, secret * sh % R
        proof = groth16.prove(self.pk, [1, root, nul, mh, sh, secret, mh * mh % R], rng=self.rng)
        assert groth16.verify(self.vk, [root, nul, mh, sh], proof)
        return Signal(proof, root, nul, message, scope)


@pytest.fixture(scope="session")
def four() -> FourSignals:
    return FourSignals()


@pytest.fixture(scope="session")
def verifier_code(four: FourSignals, solc_ready: None) -> bytes:
    return compile_solidity(export_verifier(four.vk, allow_development=True), "Groth16Verifier").bytecode


@pytest.fixture(scope="session")
def group_code(solc_ready: None) -> Any:
    return compile_group("ZkGroup", root_window=WINDOW)


def new_group(chain: Any, verifier_code: bytes, group_code: Any, *, max_age: int = 0) -> GroupContract:
    return GroupContract.deploy(chain, chain.deploy(verifier_code), max_age=max_age, compiled=group_code)


@pytest.fixture(scope="module")
def anvil(anvil_url: str) -> RpcChain:
    return RpcChain(anvil_url)


@pytest.fixture(params=["embedded", "anvil"])
def chain(request: Any) -> Iterator[Any]:
    yield EmbeddedEVM() if request.param == "embedded" else request.getfixturevalue("anvil")


@pytest.fixture
def group(chain: Any, verifier_code: bytes, group_code: Any) -> GroupContract:
    return new_group(chain, verifier_code, group_code)


def ready(group: GroupContract, sig: Signal) -> Signal:
    group.add_root(sig.root)
    group.set_scope(sig.scope)
    return sig


# ---------------------------------------------------------------- the template

def test_source_compiles_without_warnings_and_refuses_bad_parameters(group_code: Any) -> None:
    assert group_code.warnings == ()
    assert len(group_code.deployed_bytecode) < 24576
    names = {e["name"] for e in group_code.abi if e.get("type") == "function"}
    assert {"addRoot", "setScope", "validateProof", "verifyProof", "checkRoot", "nullifierUsed"} <= names
    errors = {e["name"] for e in group_code.abi if e.get("type") == "error"}
    assert errors == {"NotAdmin", "InvalidRoot", "UnknownRoot", "StaleRoot", "ExpiredRoot", "ScopeNotOpen",
                      "NullifierUsed", "InvalidProof", "VerifierReverted"}
    for bad in (0, -1, True, 2**32 + 1, "3"):
        with pytest.raises(E.ContractInputError):
            group_source(root_window=bad)  # type: ignore[arg-type]
    with pytest.raises(E.ContractInputError):
        group_source(pragma="^0.8.4; contract X {}")
    with pytest.raises(E.ContractInputError):
        compile_group("Groth16Verifier")


def test_every_custom_error_in_the_abi_has_a_named_exception(group_code: Any, solc_ready: None) -> None:
    relayed = compile_group("ZkRelayedGroup")
    for code in (group_code, relayed):
        for e in code.abi:
            if e.get("type") == "error":
                sig = f"{e['name']}({','.join(i['type'] for i in e['inputs'])})"
                data = selector(sig) + bytes(32 * len(e["inputs"]))
                err = decode_revert(data)
                assert isinstance(err, E.ContractRevertError) and err.error == e["name"], sig
    assert decode_revert(b"") is None and decode_revert(selector("NullifierUsed(uint256)")) is None


def test_signal_hash_is_semaphores() -> None:
    for v in (0, 1, 2**256 - 1, 0xDEADBEEF):
        assert hash_signal(v) == int.from_bytes(keccak256(v.to_bytes(32, "big")), "big") >> 8 < 2**248
    with pytest.raises(E.ContractInputError):
        hash_signal(2**256)


# ---------------------------------------------------------------- honest proofs

def test_a_valid_proof_validates_once_records_its_nullifier_and_emits_an_event(
        chain: Any, group: GroupContract, four: FourSignals) -> None:
    sig = ready(group, four.signal(11, message=7, scope=42))
    assert group.verify(sig.proof, **sig.args()) is True
    assert not group.is_nullifier_used(sig.nullifier), "the view verifyProof recorded something"
    receipt = group.validate(sig.proof, **sig.args())
    assert group.is_nullifier_used(sig.nullifier)
    topic = keccak256(b"ProofValidated(uint256,uint256,uint256,uint256)")
    (log,) = [lg for lg in receipt.logs if lg.topics[0] == topic]
    assert log.address.lower() == group.address.lower()
    assert log.topics[1:] == (sig.scope.to_bytes(32, "big"), sig.nullifier.to_bytes(32, "big"))
    assert log.data == sig.root.to_bytes(32, "big") + sig.message.to_bytes(32, "big")
    with pytest.raises(E.NullifierUsedError) as exc:
        group.validate(sig.proof, **sig.args())
    assert exc.value.values == (sig.nullifier,)
    assert group.verify(sig.proof, **sig.args()) is True  # the view does not look at nullifiers
    # the same member in another scope: another nullifier, accepted
    other = four.signal(11, message=7, scope=43)
    group.set_scope(43)
    group.validate(other.proof, **other.args())


def test_validate_proof_gas_is_at_most_semaphores(chain: Any, group: GroupContract, four: FourSignals) -> None:
    sig = ready(group, four.signal(12, message=2**255 + 3, scope=2**256 - 1))
    gas = group.validate(sig.proof, **sig.args()).gas_used
    assert 200_000 < gas <= 289_000, gas
    assert gas < SEMAPHORE_V4_AVERAGE


def test_the_embedded_evm_prices_each_transaction_as_anvil_does(
        anvil: RpcChain, verifier_code: bytes, group_code: Any, four: FourSignals) -> None:
    """The same transactions on both chains use the same gas: each one starts cold (pyrevm
    alone would keep the slots earlier transactions and calls touched warm, and price
    validateProof 8.5k gas too cheap)."""
    sigs = [four.signal(50 + i, message=i, scope=77) for i in range(2)]
    gas: dict[str, list[int]] = {}
    for name, chain in (("embedded", EmbeddedEVM()), ("anvil", anvil)):
        group = new_group(chain, verifier_code, group_code)
        used = [group.set_scope(77).gas_used]
        for sig in sigs:
            used.append(group.add_root(sig.root).gas_used)
            # read-only calls in between leave nothing warm
            assert group.verify(sig.proof, **sig.args()) and not group.is_nullifier_used(sig.nullifier)
            used.append(group.validate(sig.proof, **sig.args()).gas_used)
        used.append(group.set_scope(77, False).gas_used)
        gas[name] = used
    assert gas["embedded"] == gas["anvil"], gas


def test_the_embedded_evm_refuses_a_journal_it_cannot_read(verifier_code: bytes, group_code: Any) -> None:
    """Another pyrevm journal format fails loudly rather than losing storage."""
    from zkp.errors import ChainError

    evm = EmbeddedEVM()
    group = new_group(evm, verifier_code, group_code)

    class OtherFormat:
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

        @property
        def journal_str(self) -> str:
            return str(self._inner.journal_str).replace(", status", ", flags")

    evm._evm = OtherFormat(evm._evm)  # type: ignore[assignment]
    with pytest.raises(ChainError, match="journal"):
        group.add_root(5)


# ---------------------------------------------------------------- refusals

def test_root_window_a_replaced_root_verifies_until_it_leaves_the_window(
        chain: Any, group: GroupContract, four: FourSignals) -> None:
    sig = ready(group, four.signal(13, message=1, scope=5))
    with pytest.raises(E.UnknownRootError):
        group.validate(sig.proof, **sig.args(root=sig.root + 1))
    with pytest.raises(E.UnknownRootError):  # root + r is not the root: never reduced
        group.validate(sig.proof, **sig.args(root=sig.root + R))
    for k in range(1, WINDOW):
        group.add_root(1000 + k)  # the proof's root is now k roots old
        assert group.verify(sig.proof, **sig.args()) is True
    group.add_root(2000)
    for call in (group.verify, group.validate):
        with pytest.raises(E.StaleRootError) as exc:
            call(sig.proof, **sig.args())
        assert exc.value.values == (sig.root, WINDOW, WINDOW)
    assert not group.is_root_valid(sig.root) and group.root_info(sig.root)[0] == 1
    group.add_root(sig.root)  # recorded again: current again
    group.validate(sig.proof, **sig.args())


def test_root_validity_matches_a_python_model_over_random_sequences(verifier_code: bytes, group_code: Any) -> None:
    """200 random steps (record a root from a small pool, so roots recur; let time pass)
    on the embedded EVM; after each, every root of the pool is checked by the contract and
    by a model of the rule: known, one of the last WINDOW recorded, not older than max_age."""
    rng = random.Random(2024)
    evm = EmbeddedEVM()
    group = new_group(evm, verifier_code, group_code, max_age=500)
    pool = [rng.randrange(1, R) for _ in range(6)]
    seq: dict[int, tuple[int, int]] = {}  # root -> (sequence number, timestamp)
    count = 0
    for _ in range(200):
        if rng.random() < 0.6:
            root = rng.choice(pool)
            group.add_root(root)
            count += 1
            seq[root] = (count, evm.timestamp())
        else:
            evm.advance_time(rng.choice([0, 1, 100, 499, 500, 501]))
        for root in pool:
            if root not in seq:
                want: tuple[type, tuple[int, ...]] | None = (E.UnknownRootError, (root,))
            elif count - seq[root][0] >= WINDOW:
                want = (E.StaleRootError, (root, count - seq[root][0], WINDOW))
            elif evm.timestamp() > seq[root][1] + 500:
                want = (E.ExpiredRootError, (root, seq[root][1] + 500))
            else:
                want = None
            try:
                group.check_root(root)
                got = None
            except E.ContractRevertError as exc:
                got = (type(exc), exc.values)
            assert got == want, (root, got, want)
    assert group.root_count() == count


def test_wrong_scope_tampered_message_and_bad_proofs_revert_with_named_errors(
        chain: Any, group: GroupContract, four: FourSignals) -> None:
    sig = ready(group, four.signal(14, message=99, scope=6))
    with pytest.raises(E.ScopeNotOpenError):  # a scope nobody opened
        group.validate(sig.proof, **sig.args(scope=7))
    group.set_scope(7)
    with pytest.raises(E.InvalidProofError):  # an open scope, but not the proven one
        group.validate(sig.proof, **sig.args(scope=7))
    with pytest.raises(E.InvalidProofError):  # the message was tampered with
        group.validate(sig.proof, **sig.args(message=100))
    with pytest.raises(E.InvalidProofError):  # another nullifier
        group.validate(sig.proof, **sig.args(nullifier=sig.nullifier ^ 1))
    with pytest.raises(E.InvalidProofError):  # nullifier + r: refused, never reduced
        group.validate(sig.proof, **sig.args(nullifier=sig.nullifier + R))
    other = four.signal(15, message=99, scope=6)
    with pytest.raises(E.InvalidProofError):  # another member's proof
        group.validate(other.proof, **sig.args())
    moved = groth16.Proof(sig.proof.a * 2, sig.proof.b, sig.proof.c)
    with pytest.raises(E.InvalidProofError):  # a proof point moved on the curve
        group.validate(moved, **sig.args())
    words = proof_words(sig.proof)
    for lo, pt in ((0, [1, 3]), (6, [1, 3]), (0, [P, 2]), (2, [1, 2, 3, 4])):  # off the curve, x >= q
        tampered = words[:lo] + pt + words[lo + len(pt):]
        err = decode_revert(raw_validate(group, tampered, sig))
        assert isinstance(err, E.VerifierRevertedError), (lo, pt, err)  # the precompiles refuse it
    group.set_scope(6, False)
    with pytest.raises(E.ScopeNotOpenError):
        group.validate(sig.proof, **sig.args())
    assert not group.is_nullifier_used(sig.nullifier)


def raw_validate(group: GroupContract, words: list[int], sig: Signal) -> bytes:
    """validateProof with raw proof words; the revert data (the test fails if it succeeds)."""
    data = selector("validateProof(uint256[8],uint256,uint256,uint256,uint256)") + b"".join(
        w.to_bytes(32, "big") for w in [*words, sig.root, sig.nullifier, sig.message, sig.scope])
    receipt = group.chain.transact(group.address, data)
    assert receipt.reverted
    return receipt.revert_data


def test_admin_only_and_invalid_roots(chain: Any, group: GroupContract) -> None:
    other = chain.accounts()[1] if isinstance(chain, RpcChain) else "0x" + "77" * 20
    with pytest.raises(E.NotAdminError) as exc:
        group.add_root(5, sender=other)
    assert exc.value.values == (int(other, 16),)
    with pytest.raises(E.NotAdminError):
        group.set_scope(5, sender=other)
    for bad in (0, R, R + 5, 2**256 - 1):
        with pytest.raises(E.InvalidRootError):
            group.add_root(bad)
    group.set_admin(other)
    assert group.admin().lower() == other.lower()
    group.add_root(5, sender=other)
    with pytest.raises(E.NotAdminError):
        group.add_root(6)
    assert group.current_root() == 5 and group.root_count() == 1


def test_a_root_expires_after_max_age(four: FourSignals, verifier_code: bytes, group_code: Any) -> None:
    evm = EmbeddedEVM()
    group = new_group(evm, verifier_code, group_code, max_age=3600)
    sig = ready(group, four.signal(16, message=1, scope=1))
    evm.advance_time(3600)
    assert group.verify(sig.proof, **sig.args())
    evm.advance_time(1)
    with pytest.raises(E.ExpiredRootError) as exc:
        group.validate(sig.proof, **sig.args())
    assert exc.value.values == (sig.root, 1 + 3600)
    group.add_root(sig.root)  # recorded again: renewed
    group.validate(sig.proof, **sig.args())


def test_python_refuses_values_outside_uint256(group: GroupContract, four: FourSignals) -> None:
    sig = four.signal(17, message=1, scope=1)
    for bad in ({"root": -1}, {"message": 2**256}, {"scope": 1.0}, {"nullifier": True}):
        with pytest.raises(E.ContractInputError):
            group.validate(sig.proof, **sig.args(**bad))  # type: ignore[arg-type]
    with pytest.raises(E.ContractInputError):
        proof_words("proof")  # type: ignore[arg-type]


# ---------------------------------------------------------------- gas limits

CALLER = """// SPDX-License-Identifier: MIT
pragma solidity >=0.8.4 <0.9.0;

/// Calls a contract with only num/den of its remaining gas and passes on what it returns,
/// or its revert.
contract PartialCaller {
    function forward(address target, bytes calldata data, uint256 num, uint256 den)
        external returns (bytes memory)
    {
        (bool success, bytes memory ret) = target.call{gas: gasleft() * num / den}(data);
        if (!success) {
            assembly { revert(add(ret, 32), mload(ret)) }
        }
        return ret;
    }
}
"""


@pytest.fixture(scope="module")
def caller_code(solc_ready: None) -> bytes:
    return compile_solidity(CALLER, "PartialCaller").bytecode


def forward(target: str, data: bytes, num: int, den: int) -> bytes:
    head = [int(target, 16), 0x80, num, den, len(data)]
    return (selector("forward(address,bytes,uint256,uint256)") + b"".join(w.to_bytes(32, "big") for w in head)
            + data + bytes(-len(data) % 32))


def test_at_the_estimated_gas_and_through_a_partial_forwarder_a_valid_proof_validates(
        anvil: RpcChain, verifier_code: bytes, group_code: Any, caller_code: bytes, four: FourSignals) -> None:
    """eth_estimateGas stops at the first limit where the transaction does not revert: the
    verifier and the group revert when starved (never answer false), so that limit is one
    where the proof validates; a real transaction sent with exactly that limit succeeds,
    directly and through a contract forwarding a half or three quarters of its gas."""
    caller = anvil.deploy(caller_code)
    for i, (num, den) in enumerate(((1, 1), (1, 2), (3, 4))):
        group = new_group(anvil, verifier_code, group_code)
        sig = ready(group, four.signal(20 + i, message=i, scope=9))
        data = group.proof_calldata("validateProof", sig.proof, **sig.args())
        to, payload = (group.address, data) if den == 1 else (caller, forward(group.address, data, num, den))
        estimate = anvil.estimate_gas(to, payload)
        assert estimate > 21_000 + 181_000, (num, den, estimate)
        low = anvil.call(to, payload, gas=estimate * 9 // 10)  # starved: a revert, not a false
        assert low.reverted, (num, den)
        mined = anvil.transact(to, payload, gas=estimate * 9 // 10)  # mined, reverted, replayed
        assert mined.reverted and mined.gas_used > 200_000 and not group.is_nullifier_used(sig.nullifier)
        assert mined.revert_data in (b"", selector("VerifierReverted()")), mined
        receipt = anvil.transact(to, payload, gas=estimate)
        assert not receipt.reverted, (num, den, estimate)
        assert group.is_nullifier_used(sig.nullifier)
        assert anvil.transact(to, payload).revert_data[:4] == selector("NullifierUsed(uint256)")
        # the view verifyProof answers true at its estimate (a starved verifier reverts: were it
        # to answer false, the estimate would stop there)
        view = group.proof_calldata("verifyProof", sig.proof, **sig.args())
        to, payload = (group.address, view) if den == 1 else (caller, forward(group.address, view, num, den))
        estimate = anvil.estimate_gas(to, payload)
        res = anvil.call(to, payload, gas=estimate)
        assert not res.reverted and res.output[-32:] == (1).to_bytes(32, "big"), (num, den, estimate)


def test_at_every_gas_limit_the_group_reverts_or_tells_the_truth(
        verifier_code: bytes, group_code: Any, four: FourSignals) -> None:
    """Embedded EVM, limits a prime step apart from the intrinsic gas to past the pairing:
    verifyProof is true or reverts for a valid proof (never false), never true for a wrong
    one; validateProof of a valid proof succeeds or reverts, and only a success records."""
    evm = EmbeddedEVM()
    group = new_group(evm, verifier_code, group_code)
    sig = ready(group, four.signal(30, message=1, scope=2))
    good = group.proof_calldata("verifyProof", sig.proof, **sig.args())
    bad = group.proof_calldata("verifyProof", sig.proof, **sig.args(message=2))
    for data, want in ((good, True), (bad, False)):
        answers = set()
        for gas in range(30_011, 420_000, 4_001):
            res = evm.call(group.address, data, gas=gas)
            answers.add(None if res.reverted else res.as_bool())
        assert answers == {None, want}, (want, answers)
    data = group.proof_calldata("validateProof", sig.proof, **sig.args())
    for gas in range(30_011, 420_000, 4_001):
        res = evm.call(group.address, data, gas=gas)
        if not res.reverted:
            break
        assert not group.is_nullifier_used(sig.nullifier)
    receipt = evm.transact(group.address, data, gas=gas)
    assert not receipt.reverted and group.is_nullifier_used(sig.nullifier)


def test_benchmark_runs_at_a_small_size(anvil_url: str, solc_ready: None, capsys: Any) -> None:
    from benchmarks import contracts_gas

    assert contracts_gas.main(["--proofs", "1", "--rpc", anvil_url]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("  validateProof")]
    assert len(lines) == 2, out  # embedded EVM, anvil
    for line in lines:
        assert int(line.split()[1].replace(",", "")) <= 289_000, line
    assert "peak memory" in out
