"""The app contract (zkmpc.contracts.AppContract): any circuit's proofs on chain, its root
sets, nullifier and scope at the public signals an AppLayout names; relayed to a second
chain (RelayedAppContract). Each refusal is a revert with a named custom error, raised in
Python as the matching exception."""

from __future__ import annotations

from typing import Any

import pytest

from circuits import Circuit, Field, Public, Secret, compile
from zkp.evm import EmbeddedEVM, RpcChain, export_verifier
from zkmpc import errors as E
from zkmpc.contracts import (AppContract, AppLayout, RelayedAppContract, Relayer, RootAttestation, app_source,
                             compile_app, new_signing_key, signer_address)
from zkmpc.contracts.abi import encode_call

from ..conftest import dev_setup

pytestmark = [pytest.mark.interop, pytest.mark.app_layer]


class TwoRoots(Circuit):
    """Two root sets (s^2 and s^3), a nullifier s * scope, a scope, and a free signal."""

    root_a: Public[Field]
    root_b: Public[Field]
    nullifier: Public[Field]
    scope: Public[Field]
    message: Public[Field]
    s: Secret[Field]

    def define(self, api: Any) -> None:
        sq = self.s * self.s
        api.assert_equal(sq, self.root_a)
        api.assert_equal(sq * self.s, self.root_b)
        api.assert_equal(self.s * self.scope, self.nullifier)
        api.assert_equal(self.message * self.message, self.message * self.message)


LAYOUT = AppLayout(num_public=5, roots=(0, 1), nullifier=2, scope=3)


class Fixture:
    def __init__(self) -> None:
        from zkp import groth16

        self.cs = compile(TwoRoots)
        self.pk, self.vk = dev_setup(self.cs)
        self.groth16 = groth16
        src = export_verifier(self.vk, allow_development=True)
        from zkp.evm import compile_solidity

        self.verifier_code = compile_solidity(src, "Groth16Verifier").bytecode
        self.app_code = compile_app(LAYOUT, "ZkApp", root_window=2)
        self.relayed_code = compile_app(LAYOUT, "ZkRelayedApp", root_window=2)

    def prove(self, s: int, scope: int, message: int = 5) -> tuple[Any, list[int]]:
        w = self.cs.solve(TwoRoots(root_a=s * s, root_b=s ** 3, nullifier=s * scope, scope=scope, message=message,
                                   s=s))
        return self.groth16.prove(self.pk, w), list(w.public)

    def deploy(self, chain: Any) -> AppContract:
        verifier = chain.deploy(self.verifier_code)
        return AppContract.deploy(chain, verifier, LAYOUT, compiled=self.app_code)


@pytest.fixture(scope="module")
def fx(solc_ready: None) -> Fixture:
    return Fixture()


@pytest.fixture(params=["embedded", "anvil"])
def chain(request: pytest.FixtureRequest) -> Any:
    if request.param == "embedded":
        return EmbeddedEVM()
    return RpcChain(request.getfixturevalue("anvil_url"))


def test_a_proof_validates_once_against_both_root_sets_at_the_estimated_gas(chain: Any, fx: Fixture) -> None:
    app = fx.deploy(chain)
    proof, public = fx.prove(3, scope=7)
    app.add_root(9, 0)
    app.add_root(27, 1)
    app.set_scope(7)
    assert app.verify(proof, public) and not app.is_nullifier_used(21)
    data = app.proof_calldata("validateProof", proof, public)
    if isinstance(chain, RpcChain):  # the node's estimate is a limit at which the proof validates
        estimate = chain.estimate_gas(app.address, data)
        assert chain.call(app.address, data, gas=estimate * 9 // 10).reverted  # starved: a revert
        receipt = app.validate(proof, public, gas=estimate)
    else:
        receipt = app.validate(proof, public)
    assert not receipt.reverted and app.is_nullifier_used(21) and receipt.gas_used < 300_000
    [log] = [lg for lg in receipt.logs if lg.address.lower() == app.address.lower()]
    assert int.from_bytes(log.topics[1], "big") == 21
    assert [int.from_bytes(log.data[i:i + 32], "big") for i in range(0, 160, 32)] == public
    with pytest.raises(E.NullifierUsedError):
        app.validate(proof, public)


def test_every_refusal_is_a_named_revert(fx: Fixture) -> None:
    chain = EmbeddedEVM()
    app = fx.deploy(chain)
    proof, public = fx.prove(3, scope=7)
    with pytest.raises(E.UnknownRootError):          # no root recorded yet
        app.validate(proof, public)
    app.add_root(9, 0)
    with pytest.raises(E.UnknownRootError):          # set 1's root recorded in set 0 only
        app.validate(proof, public)
    app.add_root(27, 0)                              # the right value in the wrong set
    with pytest.raises(E.UnknownRootError):
        app.validate(proof, public)
    app.add_root(27, 1)
    with pytest.raises(E.ScopeNotOpenError):
        app.validate(proof, public)
    app.set_scope(7)
    with pytest.raises(E.InvalidProofError):         # a signal other than the proven one
        app.validate(proof, public[:4] + [6])
    other, other_public = fx.prove(3, scope=7, message=6)
    with pytest.raises(E.InvalidProofError):         # a proof of other signals
        app.validate(other, public)
    for root in (11, 12):                            # set 0 moves on: 9 leaves the window of 2
        app.add_root(root, 0)
    with pytest.raises(E.StaleRootError):
        app.validate(proof, public)
    with pytest.raises(E.NotAdminError):
        app.add_root(9, 0, sender="0x" + "22" * 20)
    with pytest.raises(E.UnknownRootSetError):       # the contract's own check, past Python's
        app._send("addRoot(uint256,uint256)", [2, 5])
    with pytest.raises(E.InvalidRootError):
        app.add_root(0, 0)
    assert not app.is_nullifier_used(21)


def test_a_layout_without_roots_or_nullifier_only_verifies(fx: Fixture) -> None:
    chain = EmbeddedEVM()
    layout = AppLayout(num_public=5)
    app = AppContract.deploy(chain, chain.deploy(fx.verifier_code), layout)
    proof, public = fx.prove(4, scope=2)
    assert app.verify(proof, public)
    app.validate(proof, public)
    app.validate(proof, public)  # nothing is recorded: the same proof validates again
    assert not app.verify(proof, public[:4] + [1])


def test_the_root_set_0_relayed_to_a_second_chain_validates_there(fx: Fixture) -> None:
    chain_a, chain_b = EmbeddedEVM(), EmbeddedEVM()
    app_a = fx.deploy(chain_a)
    app_b = RelayedAppContract.deploy(chain_b, chain_b.deploy(fx.verifier_code), LAYOUT, compiled=fx.relayed_code,
                                      source_chain_id=chain_a.chain_id, source_group=app_a.address, max_age=0)
    key, rogue = new_signing_key(), new_signing_key()
    app_b.set_signer(signer_address(key))
    app_b.add_root(27, 1)
    app_b.set_scope(7)
    proof, public = fx.prove(3, scope=7)
    app_a.add_root(9, 0)
    with pytest.raises(E.UnknownRootError):          # not relayed yet
        app_b.validate(proof, public)
    with pytest.raises(E.UnauthorisedSignerError):   # a relay nobody authorised
        Relayer(app_a, app_b, rogue).relay()
    with pytest.raises(E.UnknownRootSetError):       # set 0 only arrives by relay
        app_b._send("addRoot(uint256,uint256)", [0, 9])
    Relayer(app_a, app_b, key).relay()
    assert app_b.current_root() == 9 and app_b.last_relayed()[0] == 1
    app_b.validate(proof, public)
    with pytest.raises(E.NullifierUsedError):
        app_b.validate(proof, public)
    att = Relayer(app_a, app_b, key).attest()
    assert app_b.relay_digest(att.root, att.source_seq, att.timestamp) == att.digest()
    forged = RootAttestation.sign(key, source_chain_id=chain_a.chain_id, source_group="0x" + "33" * 20,
                                  target_chain_id=chain_b.chain_id, target=app_b.address, root=16, source_seq=2,
                                  timestamp=att.timestamp)
    with pytest.raises(E.UnauthorisedSignerError):   # signed for another source contract
        app_b.relay_root(forged)


def test_source_and_python_refuse_bad_layouts_and_signals(fx: Fixture) -> None:
    for bad in (dict(num_public=0), dict(num_public=257), dict(num_public=2, roots=(2,)),
                dict(num_public=2, roots=[0]), dict(num_public=2, nullifier=True), dict(num_public=3, roots=(1, 1)),
                dict(num_public=3, scope=0, nullifier=0)):
        with pytest.raises(E.ContractInputError):
            AppLayout(**bad)
    with pytest.raises(E.ContractInputError):
        app_source(object())  # type: ignore[arg-type]
    assert "uint256[1] calldata signals" in app_source(AppLayout(num_public=1))
    assert fx.app_code.warnings == () and fx.relayed_code.warnings == ()
    app = fx.deploy(EmbeddedEVM())
    proof, public = fx.prove(3, scope=7)
    for signals in (public[:4], public + [1], [1 << 256] + public[1:], "12345"):
        with pytest.raises(E.ContractInputError):
            app.validate(proof, signals)  # type: ignore[arg-type]
    with pytest.raises(E.ContractInputError):
        app.add_root(5, 2)                            # Python knows the layout has 2 sets
    with pytest.raises(E.ContractInputError):
        RelayedAppContract.deploy(EmbeddedEVM(), "0x" + "11" * 20, AppLayout(num_public=2), source_chain_id=1,
                                  source_group="0x" + "11" * 20, max_age=0)
    assert encode_call("checkRoot(uint256,uint256)", [0, 1])[:4] != encode_call("checkRoot(uint256)", [1])[:4]
