"""Identities: Semaphore v4's derivation, export format and signatures, against the pinned
``@semaphore-protocol/identity`` itself (node), over hundreds of random keys."""

from __future__ import annotations

import base64
import json
import random
import subprocess
from typing import Any

import pytest

from circuits.native import babyjub as bj
from circuits.native.poseidon import poseidon
from zkmpc.errors import IdentityError
from zkmpc.identity import Identity, commitment_of, derive_secret_scalar

from ..conftest import ROOT, _tool


def semaphore_js(script: str, payload: Any) -> Any:
    """Run ``script`` in node with ``input`` (the JSON payload) and ``Identity``/``Group``
    from the pinned Semaphore packages; return what it printed, parsed as JSON (bigints as
    decimal strings)."""
    _tool("snarkjs")  # npm ci ran; the Semaphore packages are pinned beside it
    if not (ROOT / "node_modules" / "@semaphore-protocol" / "group").exists():
        pytest.fail("@semaphore-protocol/* not installed (run `make test`, which runs `npm ci`)")
    prog = (
        "const { createRequire } = require('module');"
        f"const req = createRequire({json.dumps(str(ROOT / 'package.json'))});"
        "const { Identity } = req('@semaphore-protocol/identity');"
        "const { Group } = req('@semaphore-protocol/group');"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const out = (v) => process.stdout.write(JSON.stringify(v, (_, x) => typeof x === 'bigint' ? x.toString() : x));"
        + script
    )
    res = subprocess.run(["node", "-e", prog], input=json.dumps(payload), capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    if res.returncode != 0:
        raise AssertionError(f"Semaphore script failed:\n{res.stderr}")
    return json.loads(res.stdout)


def _random_text(r: random.Random) -> str:
    alphabet = "abcXYZ019 _-éß€中😀"
    return "".join(r.choice(alphabet) for _ in range(r.randrange(1, 40)))


@pytest.mark.interop
def test_identities_equal_semaphore_over_random_keys(rng: random.Random) -> None:
    keys: list[str | bytes] = []
    for i in range(200):
        if i % 3 == 0:
            keys.append(_random_text(rng))
        else:
            keys.append(rng.randbytes(rng.choice([1, 16, 31, 32, 33, 64, 200])))
    payload = [{"text": k} if isinstance(k, str) else {"hex": k.hex()} for k in keys]
    theirs = semaphore_js(
        "out(input.map((k) => { const id = new Identity(k.text !== undefined ? k.text : Buffer.from(k.hex, 'hex'));"
        " return [id.secretScalar, id.publicKey, id.commitment, id.export()]; }));", payload)
    for key, (scalar, pub, commitment, exported) in zip(keys, theirs):
        ours = Identity(key)
        assert ours.secret_scalar == int(scalar), key
        assert ours.public_key == (int(pub[0]), int(pub[1])), key
        assert ours.commitment == int(commitment), key
        assert ours.dump() == exported, key


@pytest.mark.interop
def test_exports_cross_import_and_signatures_cross_verify(rng: random.Random) -> None:
    ours = [Identity(rng=rng) for _ in range(12)]
    messages = [rng.randrange(bj.SUBORDER) for _ in ours]
    signatures = [i.sign(m) for i, m in zip(ours, messages)]
    theirs = semaphore_js(
        "const fresh = Array.from({length: 12}, () => new Identity());"
        "out({imported: input.exports.map((e) => Identity.import(e).commitment),"
        " fresh: fresh.map((id) => [id.export(), id.commitment]),"
        " sigs: input.exports.map((e, i) => Identity.import(e).signMessage(BigInt(input.messages[i]))),"
        " verified: input.sigs.map((s, i) => Identity.verifySignature(BigInt(input.messages[i]),"
        "   {R8: s.R8.map(BigInt), S: BigInt(s.S)}, s.A.map(BigInt)))});",
        {"exports": [i.dump() for i in ours], "messages": [str(m) for m in messages],
         "sigs": [{"R8": [str(v) for v in s.R8], "S": str(s.S), "A": [str(v) for v in i.public_key]}
                  for i, s in zip(ours, signatures)]})
    assert [int(c) for c in theirs["imported"]] == [i.commitment for i in ours]
    for exported, commitment in theirs["fresh"]:
        assert Identity.load(exported).commitment == int(commitment)
    for mine, sig in zip(signatures, theirs["sigs"]):
        assert mine.R8 == (int(sig["R8"][0]), int(sig["R8"][1])) and mine.S == int(sig["S"])
    assert theirs["verified"] == [True] * len(ours)


def test_the_derivation_step_by_step() -> None:
    from circuits.native.blake512 import blake512

    h = bytearray(blake512("a key".encode())[:32])
    h[0] &= 0xF8
    h[31] = (h[31] & 0x7F) | 0x40
    s = (int.from_bytes(h, "little") >> 3) % bj.SUBORDER
    ident = Identity("a key")
    assert derive_secret_scalar("a key") == derive_secret_scalar(b"a key") == ident.secret_scalar == s
    assert ident.public_key == bj.mul(bj.BASE8, s) and bj.in_subgroup(ident.public_key)
    assert ident.commitment == poseidon(list(ident.public_key)) == commitment_of(ident.public_key)
    assert Identity("a key") == Identity(b"a key") and ident.private_key == "a key"


def test_text_keys_export_as_utf8_and_come_back_as_bytes() -> None:
    ident = Identity("clé")
    assert ident.dump() == base64.b64encode("clé".encode()).decode()
    back = Identity.load(ident.dump())
    assert back.private_key == "clé".encode() and back == ident


def test_random_identities_use_the_rng_only_when_given(rng: random.Random) -> None:
    a, b = Identity(rng=random.Random(1)), Identity(rng=random.Random(1))
    assert a == b and len(base64.b64decode(a.dump())) == 32
    assert Identity() != Identity()
    assert "private" not in repr(a) and str(a.secret_scalar) not in repr(a)


@pytest.mark.parametrize("bad", ["", b"", 5, 5.0, "\ud800", b"x" * (1 << 16 + 1)])
def test_malformed_private_keys_are_refused(bad: Any) -> None:
    with pytest.raises(IdentityError):
        Identity(bad)


@pytest.mark.parametrize("bad", ["", "not base64!", "c2VjcmV0\n", "c2VjcmV0cx==", "c2VjcmV", 7, "A" * 200_000])
def test_malformed_exports_are_refused(bad: Any) -> None:
    with pytest.raises(IdentityError) as err:
        Identity.load(bad)
    assert "expected" in str(err.value)


def test_points_outside_the_subgroup_have_no_commitment() -> None:
    with pytest.raises(IdentityError):
        commitment_of(bj.GENERATOR)  # on the curve, order 8 l
    with pytest.raises(IdentityError):
        commitment_of((1, 2))
    assert not Identity.verify(5, Identity("k").sign(5), Identity("other").public_key)


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
