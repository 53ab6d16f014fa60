"""What every use case shares (zkmpc.usecases.runner): deploying a circuit's keys, verifier
and app contract; a :class:`KeyCache` makes a circuit's keys once however often it is
deployed."""

from __future__ import annotations

from typing import Any

import pytest

from circuits import Circuit, Field, Public, Secret, compile
from zkmpc.contracts import AppLayout
from zkmpc.usecases import KeyCache, OnChain
from zkp import groth16

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


class Square(Circuit):
    y: Public[Field]
    x: Secret[Field]

    def define(self, api: Any) -> None:
        api.assert_equal(api.mul(self.x, self.x), self.y)


LAYOUT = AppLayout(num_public=1)


def _counting_setup(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every Groth16 setup the runner runs (the real one still runs)."""
    calls: list[object] = []
    real = groth16.setup

    def setup(r1cs: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(r1cs)
        return real(r1cs, *args, **kwargs)

    monkeypatch.setattr(groth16, "setup", setup)  # the module the runner calls
    return calls


def test_a_circuit_deployed_twice_with_a_cache_runs_setup_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from zkp.evm import EmbeddedEVM

    calls = _counting_setup(monkeypatch)
    cs, other, cache = compile(Square), compile(Square), KeyCache()
    first = OnChain.deploy(EmbeddedEVM(), cs, LAYOUT, cache=cache)
    second = OnChain.deploy(EmbeddedEVM(), cs, LAYOUT, cache=cache)
    assert calls == [cs.r1cs] and cache.setups == 1 and cs in cache
    assert second.keys is first.keys  # a second verifier and app, the same keys
    proved = second.prove(Square(y=49, x=7))
    assert first.verify(proved) and not second.validate(proved).reverted
    OnChain.deploy(EmbeddedEVM(), other, LAYOUT, cache=cache)  # another compiled circuit: its own keys
    assert len(calls) == 2 and len(cache) == 2 and cache.setups == 2


def test_without_a_cache_every_deploy_runs_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default is unchanged (no state kept between calls); given ``keys`` skip the setup."""
    from zkp.evm import EmbeddedEVM

    calls = _counting_setup(monkeypatch)
    cs = compile(Square)
    on = OnChain.deploy(EmbeddedEVM(), cs, LAYOUT)
    OnChain.deploy(EmbeddedEVM(), cs, LAYOUT)
    assert len(calls) == 2
    OnChain.deploy(EmbeddedEVM(), cs, LAYOUT, keys=on.keys)
    assert len(calls) == 2
