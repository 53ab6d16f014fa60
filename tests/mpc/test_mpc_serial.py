"""Versioned JSON for Paillier: round trips, re-randomisation, and every malformed input
of SECURITY.md section 16 refused with MalformedDataError (a ValueError), quickly."""

from __future__ import annotations

import json
import random
import tracemalloc
from typing import Any

import pytest

from mpc import paillier
from mpc.errors import InvalidCiphertextError, InvalidKeyError, KeyMismatchError
from mpc.serial import MalformedDataError, decode_int, loads


@pytest.fixture(scope="module")
def keys() -> Any:
    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(21))


def test_round_trips(keys: Any) -> None:
    pk, sk = keys
    assert paillier.load_public_key(paillier.dump_public_key(pk), insecure=True) == pk
    sk2 = paillier.load_private_key(paillier.dump_private_key(sk), insecure=True)
    c = pk.encrypt(-77)
    text = paillier.dump_ciphertext(c)
    assert sk2.decrypt(paillier.load_ciphertext(text, pk)) == -77
    assert str(c.value) not in text  # re-randomised on the way out
    assert str(c.value) in paillier.dump_ciphertext(c, rerandomize=False)
    cts = paillier.encrypt_many(pk, [1, 2, 3])
    assert paillier.decrypt_many(sk, paillier.load_ciphertexts(paillier.dump_ciphertexts(cts), pk)) == [1, 2, 3]
    with pytest.raises(InvalidKeyError):  # the insecure flag is needed on reading too
        paillier.load_public_key(paillier.dump_public_key(pk))


def _doc(**kw: Any) -> str:
    return json.dumps({"type": "paillier-ciphertext", "version": 1, **kw})


def test_malformed_ciphertext_documents(keys: Any) -> None:
    pk, _ = keys
    fp = paillier.fingerprint(pk)
    good = str(pk.encrypt(1).value)
    bad_docs: list[str | bytes] = [
        "", "[]", "null", "{", _doc(key=fp), _doc(key=fp, c=good, extra="1"),
        _doc(key=fp, c=int(good[:6])), _doc(key=fp, c=1.5), _doc(key=fp, c=" " + good), _doc(key=fp, c="+" + good),
        _doc(key=fp, c="0" + good), _doc(key=fp, c="1_0"), _doc(key=fp, c="9" * 5000), _doc(key=fp, c=[good]),
        _doc(key=fp, c="-" + good), '{"type":"paillier-ciphertext","version":1,"key":"%s","c":"%s","c":"%s"}' % (fp, good, good),
        '{"type":"paillier-ciphertext","version":1,"key":"%s","c":NaN}' % fp,
        '{"type":"paillier-ciphertext","version":1,"key":"%s","c":1e400}' % fp,
        json.dumps({"type": "paillier-ciphertext", "version": 2, "key": fp, "c": good}),
        json.dumps({"type": "paillier-ciphertext", "version": True, "key": fp, "c": good}),
        json.dumps({"type": "paillier-ciphertext", "key": fp, "c": good}),
        json.dumps({"type": "paillier-public-key", "version": 1, "n": str(pk.n)}),
        "[" * 100000 + "]" * 100000, "x" * (1 << 21), b"\xff\xfe", _doc(key=5, c=good),
    ]
    peaks = []
    for text in bad_docs:
        tracemalloc.start()
        with pytest.raises(MalformedDataError):
            paillier.load_ciphertext(text, pk)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert max(peaks) < 4 << 20, peaks
    for value in ("0", str(pk.nsquare), str(int(pk.n))):
        with pytest.raises(InvalidCiphertextError):
            paillier.load_ciphertext(_doc(key=fp, c=value), pk)
    with pytest.raises(KeyMismatchError):
        paillier.load_ciphertext(_doc(key="0" * 32, c=good), pk)
    assert issubclass(MalformedDataError, ValueError)


def test_malformed_keys(keys: Any) -> None:
    pk, sk = keys
    for n in ("4", "15", str(int(pk.n) + 1), "-" + str(pk.n), "1" * 6000):
        with pytest.raises((MalformedDataError, InvalidKeyError)):
            paillier.load_public_key(json.dumps({"type": "paillier-public-key", "version": 1, "n": n}), insecure=True)
    doc = json.loads(paillier.dump_private_key(sk))
    doc["p"] = str(int(sk.p) + 2)
    with pytest.raises(InvalidKeyError):
        paillier.load_private_key(json.dumps(doc), insecure=True)


def test_generic_rules() -> None:
    assert loads('{"type":"t","version":1,"a":"1"}', "t", {"a"}) == {"type": "t", "version": 1, "a": "1"}
    with pytest.raises(MalformedDataError, match="limit"):
        loads('{"type":"t","version":1,"a":"1"}', "t", {"a"}, max_size=10)
    for v in ("01", "+1", " 1", "1 ", "1.0", "1e3", "", "-0x1", "１"):
        with pytest.raises(MalformedDataError):
            decode_int(v, "x", max_bits=64)
    with pytest.raises(MalformedDataError):
        decode_int(str(1 << 64), "x", max_bits=64)
    with pytest.raises(MalformedDataError):
        decode_int("-1", "x", max_bits=64)
    assert decode_int("-1", "x", max_bits=64, minimum=None) == -1


NON_CANONICAL = ["-0", "-00", "00", "+0", "+10", " 10", "10 ", "10\n", "010", "1_0", "1e1", "10.0", "0x0a",
                 "\u0661\u0660", "\uff11\uff10", "", "-", "9" * 5000]


def test_integers_are_canonical_decimal_strings() -> None:
    """SECURITY.md 16: one spelling per integer; "-0" is zero with a sign (issue 15, item 14)."""
    for v in NON_CANONICAL:
        for minimum in (0, None):
            with pytest.raises(MalformedDataError, match="canonical"):
                decode_int(v, "x", max_bits=64, minimum=minimum)
    for not_str in (10, 10.0, None, True, ["10"], b"10"):
        with pytest.raises(MalformedDataError, match="decimal string"):
            decode_int(not_str, "x", max_bits=64)
    assert [decode_int(v, "x", max_bits=64, minimum=None) for v in ("0", "10", "-10")] == [0, 10, -10]


def test_share_documents_refuse_every_non_canonical_form() -> None:
    from mpc.field import P61
    from mpc.sharing import dump_share, load_share, split

    good = split(10, n=3, threshold=2, field=P61)[1]
    doc = json.loads(dump_share(good))
    assert load_share(json.dumps(doc)) == good
    for key in ("field", "index", "value"):
        for v in NON_CANONICAL:
            with pytest.raises(MalformedDataError):
                load_share(json.dumps({**doc, key: v}))
    zero = json.loads(dump_share(split(0, n=3, threshold=1, field=P61)[0]))
    assert zero["value"] == "0" and load_share(json.dumps(zero)).value == 0
    with pytest.raises(MalformedDataError, match="canonical"):
        load_share(json.dumps({**zero, "value": "-0"}))
    text = json.dumps(doc)
    for threshold in ("2.0", "2e0", "NaN", "Infinity", "-Infinity", '"2"', "true", "null", "[2]", "9" * 30):
        with pytest.raises(MalformedDataError):
            load_share(text.replace('"threshold": 2', f'"threshold": {threshold}'))
    for dup in ('"threshold": 2, "threshold": 2', '"index": "2", "index": "2"', '"type": "shamir-share", "type": "shamir-share"'):
        first = dup.split(", ")[0]
        assert first in text
        with pytest.raises(MalformedDataError, match="duplicate"):
            load_share(text.replace(first, dup))
    with pytest.raises(MalformedDataError, match="nested"):
        load_share(text.replace('"value": "', '"value": ' + "[" * 40 + '"', 1))


def test_commitment_documents_refuse_non_canonical_thresholds() -> None:
    from mpc.sharing import dump_commitments, feldman_deal, load_commitments

    text = dump_commitments(feldman_deal(5, n=3, threshold=2).commitments)
    assert load_commitments(text, threshold=2).threshold == 2
    for threshold in ("2.0", "NaN", '"2"', "true", "-2", "9" * 30):
        with pytest.raises(MalformedDataError):
            load_commitments(text.replace('"threshold":2', f'"threshold":{threshold}'), threshold=2)
    with pytest.raises(MalformedDataError, match="duplicate"):
        load_commitments(text.replace('"threshold":2', '"threshold":2,"threshold":2'), threshold=2)
