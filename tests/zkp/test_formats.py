"""Malformed documents and files: a FormatError (a ValueError), quickly, never a crash."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest

from zkp.errors import FormatError, MalformedInputError
from zkp.field import P, R
from zkp.formats.binary import dump_proving_key, load_proving_key
from zkp.formats.circom import read_r1cs, read_wtns
from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json

from ..conftest import VECTORS

FIX = VECTORS / "snarkjs_mul"
PROOF = json.loads((FIX / "proof.json").read_text())


def _proof_with(**change: Any) -> str:
    return json.dumps({**PROOF, **change})


@pytest.mark.parametrize("text", ['["1_0"]', '[" 10"]', '["+10"]', '["010"]', '["-1"]',
                                  '["0x10"]', '["1e3"]', '[10]', '[1.5]', '[NaN]', '["' + "9" * 100 + '"]',
                                  f'["{R}"]', f'["{R + 9}"]', '{"a": 1}', '"1"', '[', ""])
def test_public_json_refuses_non_canonical(text: str) -> None:
    with pytest.raises(FormatError):
        public_from_json(text)


def test_json_refuses_duplicates_nesting_and_size() -> None:
    with pytest.raises(FormatError, match="duplicate"):
        proof_from_json('{"pi_a": 1, "pi_a": 2}')
    with pytest.raises(FormatError):
        public_from_json("[" * 100000 + "]" * 100000)  # segfaulted the C decoder once
    with pytest.raises(FormatError, match="deeper"):
        vk_from_json("{\"a\": " * 5000 + "1" + "}" * 5000)
    with pytest.raises(FormatError, match="limit"):
        proof_from_json(" " * (1 << 20))
    with pytest.raises(FormatError):
        public_from_json("[" + "1" * 5000 + "]")  # a 5000-digit integer literal


def test_proof_json_refuses_bad_points() -> None:
    assert proof_from_json(_proof_with())
    bad_a = [PROOF["pi_a"][0], str((int(PROOF["pi_a"][1]) + 1) % P), "1"]
    cases = [dict(pi_a=bad_a), dict(pi_a=[PROOF["pi_a"][0], str(int(PROOF["pi_a"][1]) + P), "1"]),
             dict(pi_a=PROOF["pi_a"][:2]), dict(pi_a=[*PROOF["pi_a"][:2], "2"]),
             dict(pi_b=PROOF["pi_b"][:2]), dict(protocol="plonk"), dict(curve="bls12381"),
             dict(pi_c=None)]
    for change in cases:
        with pytest.raises(FormatError):
            proof_from_json(_proof_with(**change))
    with pytest.raises(FormatError, match="missing"):
        proof_from_json(json.dumps({k: v for k, v in PROOF.items() if k != "pi_c"}))


def test_vk_json_refuses_count_mismatch_and_uncontributed_delta() -> None:
    vk = json.loads((FIX / "verification_key.json").read_text())
    with pytest.raises(FormatError):
        vk_from_json(json.dumps({**vk, "nPublic": 3}))
    with pytest.raises(FormatError):
        vk_from_json(json.dumps({**vk, "nPublic": True}))
    gen = [[str(c) for c in (10857046999023057135944570762232829481370756359578518086990519993285655852781,
                             11559732032986387107991004021392285783925812861821192530917403151452391805634)],
           [str(c) for c in (8495653923123431417604973247489272438418190587263600148770280649306958101930,
                             4082367875863433681332203403145435568316851327593401208105741076214120093531)],
           ["1", "0"]]
    with pytest.raises(MalformedInputError, match="phase-2"):
        vk_from_json(json.dumps({**vk, "vk_delta_2": gen}))


def test_r1cs_refuses_forged_lengths() -> None:
    good = (FIX / "mul.r1cs").read_bytes()
    assert read_r1cs(good).num_constraints == 2
    for cut in (1, 10, 50, len(good) - 1):
        with pytest.raises(FormatError):
            read_r1cs(good[:cut])
    with pytest.raises(FormatError, match="trailing"):
        read_r1cs(good + b"\0")
    forged = bytearray(good)
    struct.pack_into("<Q", forged, 16, 2**60)  # first section claims an exabyte
    with pytest.raises(FormatError, match="claims"):
        read_r1cs(bytes(forged))
    with pytest.raises(FormatError, match="magic"):
        read_r1cs(b"wtns" + good[4:])


def test_wtns_refuses_values_out_of_range() -> None:
    good = (FIX / "witness.wtns").read_bytes()
    bad = bytearray(good)
    bad[-32:] = (R + 1).to_bytes(32, "little")
    with pytest.raises(FormatError, match="below r"):
        read_wtns(bytes(bad), num_public=2)


def test_proving_key_round_trip_and_corruption(square_system: Any) -> None:
    from zkp import groth16

    _, pk, vk, w, _ = square_system
    data = dump_proving_key(pk)
    pk2 = load_proving_key(data)
    assert pk2.vk == vk and pk2.development and pk2.a_g1 == pk.a_g1
    assert groth16.verify(vk, [9], groth16.prove(pk2, w))
    for cut in (0, 7, 100, len(data) - 1):
        with pytest.raises(FormatError):
            load_proving_key(data[:cut])
    bad = bytearray(data)
    bad[-1] ^= 1  # last h_g1 point off the curve
    with pytest.raises(FormatError):
        load_proving_key(bytes(bad))
    with pytest.raises(FormatError):
        load_proving_key(data + b"\0")


_PEAK_SCRIPT = """
import sys, tracemalloc
from zkp.formats.strict_json import load_strict
kind, size = sys.argv[1], int(sys.argv[2])
head = "[" + "[], " * 40  # more brackets than the depth limit: the scan cannot be skipped
body = {"string": '"' + "a" * size + '"',
        "escapes": '"' + "\\\\n" * (size // 2) + '"',
        "public": ", ".join(['"' + "7" * 76 + '"'] * (size // 80))}[kind]
text = head + body + "]"
tracemalloc.start()
load_strict(text)
print(len(text), tracemalloc.get_traced_memory()[1])
"""


@pytest.mark.parametrize("kind", ["string", "escapes", "public"])
def test_json_depth_check_has_bounded_memory(kind: str) -> None:
    """Parsing a 2 MB document peaks at a small multiple of its size (the depth pre-check
    once held ~114 bytes of regex state per input byte: 1.8 GiB for a 16 MB public.json)."""
    import subprocess
    import sys

    from ..conftest import ROOT

    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _PEAK_SCRIPT, kind, str(2 << 20)], env=env,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    size, peak = map(int, out.split())
    assert peak <= 3 * size + (1 << 20), f"{kind}: peak {peak} bytes for a {size}-byte document"


@pytest.mark.parametrize("text,deep", [
    ("[" * 32 + "]" * 32, False), ("[" * 33 + "]" * 33, True),
    ('{"a": ' * 32 + "1" + "}" * 32, False), ('{"a": ' * 33 + "1" + "}" * 33, True),
    ("[" * 32 + '"[[[[\\"[[[["' + "]" * 32, False),  # brackets in a string do not count
    ("[" * 30 + '"\\\\"' + "[" * 3 + "]" * 33, True),  # the quote after \\ ends the string
    ("[" + "[]," * 40 + '"' + "[" * 40, False),  # unterminated string: the parser's error
    ("[" + "[], " * 100 + '"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"]"]', False)])
def test_json_depth_counts_brackets_outside_strings_only(text: str, deep: bool) -> None:
    from zkp.formats.strict_json import load_strict

    try:
        load_strict(text)
    except FormatError as exc:
        assert deep == ("deeper" in str(exc)), str(exc)
    else:
        assert not deep


def test_vk_json_with_gamma_equal_delta_says_why_and_how_to_fix() -> None:
    vk = json.loads((FIX / "verification_key.json").read_text())
    with pytest.raises(FormatError) as err:
        vk_from_json(json.dumps({**vk, "vk_delta_2": vk["vk_gamma_2"]}))
    msg = str(err.value)
    for part in ("gamma equals delta", "anyone can forge", "pi_c - IC[1]", "public[0] + 1",
                 "zkmpc zkey contribute", "snarkjs zkey contribute", "zkmpc zkey beacon",
                 "snarkjs zkey beacon", "export verificationkey"):
        assert part in msg, part


def test_public_json_count_is_checked_before_the_values() -> None:
    text = json.dumps(["x"] * 1000)
    with pytest.raises(FormatError, match="expected 2, found 1000"):
        public_from_json(text, num_public=2)
    assert public_from_json('["1", "2"]', num_public=2) == [1, 2]
    with pytest.raises(FormatError, match="public input 0"):
        public_from_json(text)


def test_missing_protocol_or_curve_means_groth16_on_bn128() -> None:
    vk = json.loads((FIX / "verification_key.json").read_text())
    ref_vk, ref_proof = vk_from_json(json.dumps(vk)), proof_from_json(_proof_with())
    for drop in ({"curve"}, {"protocol"}, {"curve", "protocol"}):
        assert proof_from_json(json.dumps({k: v for k, v in PROOF.items() if k not in drop})) == ref_proof
        assert vk_from_json(json.dumps({k: v for k, v in vk.items() if k not in drop})) == ref_vk
    for change in (dict(curve="bn254"), dict(curve=None), dict(protocol=None), dict(protocol="fflonk")):
        with pytest.raises(FormatError, match="expected protocol 'groth16' on curve 'bn128'"):
            proof_from_json(_proof_with(**change))
        with pytest.raises(FormatError, match="expected protocol 'groth16' on curve 'bn128'"):
            vk_from_json(json.dumps({**vk, **change}))


@pytest.mark.parametrize("doc", [[], {}, ["1", "2"], [[["0", "1"]], []], {"a_b": [1, True, False], "c": {}},
                                 {"s": "a\"b\\c\u00e9\n", "f": 1.5, "n": None, "e": [{}]}, "x y", 7, "-"])
def test_json_writer_spells_documents_as_json_does(doc: Any) -> None:
    # the writers spell JSON themselves (a prover does not import json): same bytes as json.dumps
    from zkp.formats.snarkjs_json import _dumps

    assert _dumps(doc) == json.dumps(doc, indent=1)


def test_writers_reproduce_snarkjs_files_byte_for_byte() -> None:
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    proof, public = (FIX / "proof.json").read_text(), (FIX / "public.json").read_text()
    assert proof_to_json(proof_from_json(proof)) == proof
    assert public_to_json(public_from_json(public)) == public
