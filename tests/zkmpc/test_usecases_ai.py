"""The AI service's unique-person gate (examples/ai/unique_person_gate.py) at a small
size: a monthly quota of rate-limited requests validated on chain B against a root relayed
from chain A; the N+1th request, a reused counter, an unrelayed root and an attestation by
an unauthorised key refused. On two embedded EVMs, and on two anvil nodes (chain ids 31337
and 31338)."""

from __future__ import annotations

import io
import random
from typing import Any, Iterator

import pytest

from examples.ai import unique_person_gate as gate
from zkmpc.contracts import new_signing_key, signer_address
from zkp.evm import RpcChain
from zkp.evm.anvil import Anvil

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]

REFUSALS = [
    (f"request {gate.QUOTA + 1} this month (no counter >= N has a proof)", "RateLimitExceededError"),
    ("a request with a used counter", "NullifierUsedError"),
    ("a root chain B never received (not relayed yet)", "UnknownRootError"),
    ("an attestation signed by a key chain B did not authorise", "UnauthorisedSignerError"),
]


def check(figures: dict[str, Any], members: int) -> None:
    assert [tuple(r) for r in figures["refused"]] == REFUSALS
    assert len(figures["proofs"]) == 3  # two requests, then the newcomer's once relayed
    for p in figures["proofs"]:
        assert p["constraints"] == 6400  # depth 20, a quota of 50
        assert 200_000 < p["gas"] < 289_000
    assert figures["facts"]["registry on chain A"].startswith(f"{members:,} people")
    assert figures["facts"]["root relayed to chain B"].endswith(" gas")


def test_the_gate_on_two_embedded_evms() -> None:
    check(gate.main(["--members", "64"], io.StringIO()), 64)


@pytest.fixture(scope="module")
def two_nodes(anvil_url: str) -> Iterator[tuple[str, str, str]]:
    """A second anvil node with chain id 31338 and one key funded on both nodes (the nodes'
    unlocked accounts sign for 31337 only)."""
    key = new_signing_key(rng=random.Random(31338))
    with Anvil() as node:
        boot = RpcChain(node.url)
        boot.request("anvil_setChainId", [31338])
        for url in (anvil_url, node.url):
            RpcChain(url).request("anvil_setBalance", [signer_address(key), hex(10**21)])
        yield anvil_url, node.url, "0x" + key.hex()


def test_the_gate_on_two_anvil_nodes(two_nodes: tuple[str, str, str], solc_ready: None) -> None:
    a, b, key = two_nodes
    args = ["--members", "40", "--rpc", a, "--rpc-b", b, "--private-key", key, "--dev-keys"]
    check(gate.main(args, io.StringIO()), 40)
