"""Roots relayed from chain A's group to chain B (zkmpc.contracts.relay): two anvil nodes
with different chain ids, and the embedded EVM for the refusals.

Chain B accepts an EIP-712 attestation signed by a key its admin authorised, carried by any
relayer; it refuses forged, malleated, replayed, out-of-order and expired attestations, and
proofs against roots nobody relayed, stale or expired roots.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any, Iterator

import pytest

from zkp.evm import EmbeddedEVM, RpcChain, keccak256
from zkp.evm.anvil import Anvil
from zkmpc import errors as E
from zkmpc.contracts import (GroupContract, RelayedGroupContract, Relayer, RootAttestation, compile_group,
                             signer_address)
from zkmpc.contracts.relay import new_signing_key

from .test_contracts import WINDOW, FourSignals, ready

# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = [pytest.mark.interop, pytest.mark.app_layer]
MAX_AGE = 3600
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture(scope="module")
def four() -> FourSignals:
    return FourSignals()


@pytest.fixture(scope="module")
def codes(solc_ready: None, four: FourSignals) -> dict[str, Any]:
    from zkp.evm import compile_solidity, export_verifier

    return {"verifier": compile_solidity(export_verifier(four.vk, allow_development=True), "Groth16Verifier").bytecode,
            "group": compile_group("ZkGroup", root_window=WINDOW),
            "relayed": compile_group("ZkRelayedGroup", root_window=WINDOW)}


def funded_key(chain: RpcChain, rng: random.Random) -> bytes:
    key = new_signing_key(rng=rng)
    chain.request("anvil_setBalance", [signer_address(key), hex(10**21)])
    return key


@pytest.fixture(scope="module")
def chain_b(anvil_url: str) -> Iterator[tuple[RpcChain, RpcChain]]:
    """A second anvil node with chain id 31338: two chains, each from its own funded key
    (the node's unlocked accounts sign for 31337 only), the second one another relayer."""
    rng = random.Random(31338)
    with Anvil() as node:
        boot = RpcChain(node.url)
        boot.request("anvil_setChainId", [31338])
        yield (RpcChain(node.url, private_key="0x" + funded_key(boot, rng).hex()),
               RpcChain(node.url, private_key="0x" + funded_key(boot, rng).hex()))


def setup_pair(a: Any, b: Any, codes: dict[str, Any], signer: bytes) -> tuple[GroupContract, RelayedGroupContract]:
    group = GroupContract.deploy(a, a.deploy(codes["verifier"]), compiled=codes["group"])
    target = RelayedGroupContract.deploy(b, b.deploy(codes["verifier"]), source_chain_id=a.chain_id,
                                         source_group=group.address, max_age=MAX_AGE, compiled=codes["relayed"])
    target.set_signer(signer_address(signer))
    return group, target


# ---------------------------------------------------------------- two anvil nodes

def test_a_root_relayed_between_two_anvil_nodes_validates_proofs_on_chain_b(
        anvil_url: str, chain_b: tuple[RpcChain, RpcChain], codes: dict[str, Any], four: FourSignals) -> None:
    a, (b, other_relayer) = RpcChain(anvil_url), chain_b
    assert a.chain_id == 31337 and b.chain_id == 31338
    signer = new_signing_key(rng=random.Random(1))
    group, target = setup_pair(a, b, codes, signer)
    sig = ready(group, four.signal(40, message=1, scope=3))
    target.set_scope(sig.scope)
    with pytest.raises(E.UnknownRootError):  # nobody relayed it yet
        target.validate(sig.proof, **sig.args())
    relayer = Relayer(group, target, signer)
    att = relayer.attest()
    assert att.digest() == target.relay_digest(att.root, att.source_seq, att.timestamp)
    assert (att.root, att.source_seq, att.source_chain_id, att.target_chain_id) == (sig.root, 1, 31337, 31338)
    receipt = RelayedGroupContract(other_relayer, target.address).relay_root(att)  # any relayer may carry it
    topic = keccak256(b"RootRelayed(uint256,uint256,uint256,address)")
    assert any(lg.topics[0] == topic for lg in receipt.logs)
    assert target.current_root() == sig.root and target.last_relayed() == (1, att.timestamp)
    assert target.verify(sig.proof, **sig.args())
    receipt = target.validate(sig.proof, **sig.args())
    assert receipt.gas_used <= 289_000
    with pytest.raises(E.NullifierUsedError):
        target.validate(sig.proof, **sig.args())
    with pytest.raises(E.RelayOutOfOrderError):  # the same attestation again
        target.relay_root(att)
    # chain A moves on; the relayer posts the new root; the old one stays in the window
    group.add_root(777)
    relayer.relay()
    assert target.current_root() == 777 and target.is_root_valid(sig.root)
    with pytest.raises(E.RelayOutOfOrderError):  # the older attestation after the newer one
        target.relay_root(RootAttestation.sign(signer, **{**_fields(att), "timestamp": att.timestamp + 10}))
    # expiry on chain B; chain A's signer refreshes the current root
    b.advance_time(MAX_AGE + 5)
    with pytest.raises(E.ExpiredRootError):
        target.check_root(777)
    a.advance_time(MAX_AGE + 5)
    relayer.relay()
    target.check_root(777)
    assert target.root_count() == 2  # a refresh moves the timestamp, not the window


def test_a_forged_attestation_is_refused_on_chain_b(anvil_url: str, chain_b: tuple[RpcChain, RpcChain],
                                                    codes: dict[str, Any]) -> None:
    a, (b, _) = RpcChain(anvil_url), chain_b
    signer, forger = new_signing_key(rng=random.Random(2)), new_signing_key(rng=random.Random(3))
    group, target = setup_pair(a, b, codes, signer)
    group.add_root(5)
    with pytest.raises(E.UnauthorisedSignerError) as exc:
        Relayer(group, target, forger).relay()
    assert f"{exc.value.values[0]:#042x}" == signer_address(forger).lower()
    assert target.root_count() == 0


# ---------------------------------------------------------------- refusals, embedded EVM

@pytest.fixture
def pair(codes: dict[str, Any]) -> tuple[EmbeddedEVM, GroupContract, RelayedGroupContract, bytes]:
    """Chains A and B on one embedded EVM (one state; chain B's contract names chain A's
    group), for the refusals."""
    evm = EmbeddedEVM()
    evm.advance_time(1_000_000)
    signer = new_signing_key(rng=random.Random(4))
    group, target = setup_pair(evm, evm, codes, signer)
    group.add_root(101)
    return evm, group, target, signer


def test_forged_malleated_and_misdirected_attestations_are_refused(pair: Any) -> None:
    evm, group, target, signer = pair
    att = Relayer(group, target, signer).attest()
    assert att.signer() == signer_address(signer) and att.s <= _N // 2
    forged = [
        replace(att, root=102),                                    # another root under the signature
        replace(att, source_seq=2),                                # another sequence number
        replace(att, timestamp=att.timestamp + 1),                 # a later time
        replace(att, v=55 - att.v, s=_N - att.s),                  # the malleated twin of the signature
        replace(att, v=55 - att.v),                                # another recovery id
        replace(att, r=1, s=1),                                    # garbage
        RootAttestation.sign(new_signing_key(rng=random.Random(5)), **_fields(att)),  # an unknown key
        RootAttestation.sign(signer, **{**_fields(att), "target": "0x" + "cd" * 20}),  # for another contract
        RootAttestation.sign(signer, **{**_fields(att), "target_chain_id": 5}),       # for another chain
        RootAttestation.sign(signer, **{**_fields(att), "source_group": "0x" + "ef" * 20}),  # another group
    ]
    for i, bad in enumerate(forged):
        with pytest.raises(E.UnauthorisedSignerError):
            target.relay_root(bad)
        assert target.root_count() == 0, i
    target.relay_root(att)
    assert target.current_root() == 101
    target.set_signer(signer_address(signer), False)  # revoked
    group.add_root(102)
    with pytest.raises(E.UnauthorisedSignerError):
        Relayer(group, target, signer).relay()
    with pytest.raises(E.NotAdminError):
        target.set_signer(signer_address(signer), True, sender="0x" + "77" * 20)


def _fields(att: RootAttestation) -> dict[str, Any]:
    return {k: getattr(att, k) for k in ("source_chain_id", "source_group", "target_chain_id", "target", "root",
                                         "source_seq", "timestamp")}


def test_replayed_old_expired_and_conflicting_attestations_are_refused(pair: Any, four: FourSignals) -> None:
    evm, group, target, signer = pair
    relayer = Relayer(group, target, signer)
    first = relayer.attest()
    relayer.relay()
    with pytest.raises(E.RelayOutOfOrderError):
        target.relay_root(first)  # replayed
    with pytest.raises(E.RelayOutOfOrderError):  # the same sequence number, another root
        target.relay_root(RootAttestation.sign(signer, **{**_fields(first), "root": 999,
                                                          "timestamp": first.timestamp + 1}))
    stale = RootAttestation.sign(signer, **{**_fields(first), "source_seq": 2, "root": 202,
                                            "timestamp": evm.timestamp() - MAX_AGE - 1})
    with pytest.raises(E.ExpiredRootError):  # expired before it arrives
        target.relay_root(stale)
    # the window on chain B: roots relayed later push the first out
    for k in range(2, 2 + WINDOW):
        group.add_root(100 + k)
        relayer.relay()
    with pytest.raises(E.StaleRootError):
        target.check_root(101)
    sig = four.signal(41, message=1, scope=1)
    target.set_scope(1)
    with pytest.raises(E.UnknownRootError):  # a root nobody relayed
        target.validate(sig.proof, **sig.args())


def test_a_relayed_root_expires_on_chain_b_until_refreshed(pair: Any, four: FourSignals) -> None:
    evm, group, target, signer = pair
    sig = four.signal(42, message=5, scope=8)
    group.add_root(sig.root)
    target.set_scope(sig.scope)
    relayer = Relayer(group, target, signer)
    relayer.relay()
    evm.advance_time(MAX_AGE)
    assert target.verify(sig.proof, **sig.args())
    evm.advance_time(1)
    with pytest.raises(E.ExpiredRootError):
        target.validate(sig.proof, **sig.args())
    relayer.relay()  # a fresh attestation of the same root
    target.validate(sig.proof, **sig.args())
    assert target.is_nullifier_used(sig.nullifier) and not group.is_nullifier_used(sig.nullifier)


def test_python_refuses_bad_keys_and_attestations() -> None:
    for bad in (b"", bytes(32), b"\xff" * 32, "00" * 32):
        with pytest.raises(E.ContractInputError):
            signer_address(bad)  # type: ignore[arg-type]
    with pytest.raises(E.ContractInputError):
        RootAttestation(1, "0x12", 2, "0x" + "11" * 20, 1, 1, 1)
    with pytest.raises(E.ContractInputError):
        RootAttestation(1, "0x" + "11" * 20, 2, "0x" + "11" * 20, 1, 2**64, 1)
    with pytest.raises(E.ContractInputError):
        RootAttestation(1, "0x" + "11" * 20, 2, "0x" + "11" * 20, 1, 1, 1).signer()  # unsigned
