"""Private intersection-sum with cardinality (mpc.psi): the right count and sum, nothing
below the threshold, and every malformed message refused naming its sender. Runs the zkp
kernels (G1 blinding), so both twins run it."""

from __future__ import annotations

import asyncio
from random import Random
from typing import Any, Callable, Mapping

import pytest

from mpc import paillier
from mpc.errors import MPCTypeError, PSIError, PSIMessageError, PSIThresholdError
from mpc.net import InProcessHub
from mpc.psi import MAX_ITEMS, POINT_BYTES, PSIResult, blind, hash_to_g1, psi_party1, psi_party2, random_exponent
from zkp import kernels as zkp_kernels
from zkp.curve import G1Point

Tamper = Callable[[str, bytes], bytes]


@pytest.fixture(scope="module")
def keys() -> tuple[paillier.PublicKey, paillier.PrivateKey]:
    return paillier.keygen(bits=1024, insecure=True, rng=Random(5))


def _sets(n1: int, n2: int, common: int, seed: int = 3) -> tuple[list[str], dict[str, int]]:
    rnd = Random(seed)
    shared = [f"id-{i}" for i in range(common)]
    ids1 = shared + [f"only1-{i}" for i in range(n1 - common)]
    ids2 = shared + [f"only2-{i}" for i in range(n2 - common)]
    rnd.shuffle(ids1)
    return ids1, {x: rnd.randrange(-10 ** 6, 10 ** 9) for x in ids2}


def _run(ids1: Any, data2: Any, sk: paillier.PrivateKey | None, *, minimum: int = 1,
         tamper: Mapping[int, Tamper] | None = None, timeout: float = 5.0) -> dict[int, Any]:
    async def main() -> tuple[Any, Any]:
        hub = InProcessHub([1, 2], session=bytes(16))
        nets = {p: hub.network(p) for p in (1, 2)}
        for p, fn in (tamper or {}).items():
            _wrap(nets[p], fn)

        async def one(p: int) -> Any:
            try:
                if p == 1:
                    return await psi_party1(nets[1], ids1, peer=2, min_intersection=minimum, timeout=timeout,
                                            insecure=True, rng=Random(11))
                return await psi_party2(nets[2], data2, peer=1, min_intersection=minimum, private_key=sk,
                                        timeout=timeout, rng=Random(12))
            finally:
                hub.disconnect(p)
        return await asyncio.gather(one(1), one(2), return_exceptions=True)

    r1, r2 = asyncio.run(main())
    return {1: r1, 2: r2}


def _wrap(net: Any, fn: Tamper) -> None:
    send = net.send

    async def tampered(to: int, tag: str, payload: bytes) -> None:
        await send(to, tag, fn(tag, payload))
    net.send = tampered


def test_cardinality_and_intersection_sum(keys: Any) -> None:
    ids1, data2 = _sets(40, 30, 12)
    out = _run(ids1, data2, keys[1], minimum=5)
    expected = sum(v for k, v in data2.items() if k in set(ids1))
    assert out[1] == PSIResult(12, None) and out[2] == PSIResult(12, expected)


def test_cardinality_only() -> None:
    ids1, data2 = _sets(25, 35, 9)
    out = _run(ids1, list(data2), None)
    assert out[1] == out[2] == PSIResult(9, None)


def test_identifiers_of_mixed_types_match_only_their_own_type(keys: Any) -> None:
    out = _run([1, "1", b"2", "x"], {1: 5, b"1": 7, "2": 9, "x": 100}, keys[1])
    assert out[2] == PSIResult(2, 105)


@pytest.mark.parametrize("common,minimum", [(4, 5), (0, 1)])
def test_below_the_threshold_nothing_is_revealed(keys: Any, common: int, minimum: int) -> None:
    ids1, data2 = _sets(20, 20, common)
    out = _run(ids1, data2, keys[1], minimum=minimum)
    for p in (1, 2):
        assert isinstance(out[p], PSIThresholdError), out[p]
        assert str(common) not in str(out[p]).replace(str(minimum), "")  # the count is not in the message


def test_repeated_identifiers_are_refused_before_any_message(keys: Any) -> None:
    out = _run(["a", "b", "a"], {"a": 1}, keys[1], timeout=0.3)
    assert isinstance(out[1], PSIError) and "distinct" in str(out[1])
    out = _run(["a"], ["b", "b"], None, timeout=0.3)
    assert isinstance(out[2], PSIError) and "distinct" in str(out[2])


@pytest.mark.parametrize("data,sk,error", [
    ({"a": 2 ** 1021, "b": 2 ** 1021}, True, PSIError),  # could overflow the 1024-bit key
    ({"a": 1.5}, True, MPCTypeError),
    ({"a": True}, True, MPCTypeError),
    ({"a": 1}, False, PSIError),  # values without a key
    (["a"], True, PSIError),  # a key without values
])
def test_bad_values_of_party_2_are_refused(keys: Any, data: Any, sk: bool, error: type[Exception]) -> None:
    out = _run(["a"], data, keys[1] if sk else None, timeout=0.3)
    assert isinstance(out[2], error), out[2]


def _flip_point(tag: str, d: bytes) -> bytes:
    return d[:63] + bytes([d[63] ^ 1]) + d[64:] if tag == "psi/z/0" else d


def _dup_point(tag: str, d: bytes) -> bytes:
    return d[:POINT_BYTES] * 2 + d[2 * POINT_BYTES:] if tag == "psi/z/0" else d


def _infinity(tag: str, d: bytes) -> bytes:
    return bytes(POINT_BYTES) + d[POINT_BYTES:] if tag == "psi/w/0" else d


def _truncate_chunk(tag: str, d: bytes) -> bytes:
    return d[:-1] if tag == "psi/w/0" else d


def _huge_count(tag: str, d: bytes) -> bytes:
    return (MAX_ITEMS + 1).to_bytes(4, "big") + d[4:] if tag == "psi/w/n" else d


def _wrong_width(tag: str, d: bytes) -> bytes:
    return d[:4] + (64).to_bytes(4, "big") if tag == "psi/w/n" else d


def _zero_ciphertext(tag: str, d: bytes) -> bytes:
    return d[:POINT_BYTES] + bytes(256) + d[POINT_BYTES + 256:] if tag == "psi/w/0" else d


def _small_key(tag: str, d: bytes) -> bytes:
    return (2 ** 61 - 1).to_bytes(8, "big") if tag == "psi/key" else d


def _fewer_z(tag: str, d: bytes) -> bytes:
    if tag == "psi/z/n":
        return (int.from_bytes(d[:4], "big") - 1).to_bytes(4, "big") + d[4:]
    return d[:-POINT_BYTES] if tag == "psi/z/0" else d


@pytest.mark.parametrize("tamper,words", [(_flip_point, "not G1 points"), (_dup_point, "distinct points"),
                                          (_infinity, "distinct points"), (_truncate_chunk, "expected"),
                                          (_huge_count, "announced"), (_wrong_width, "announced"),
                                          (_zero_ciphertext, "ciphertext"), (_small_key, "Paillier key"),
                                          (_fewer_z, "doubly blinded identifiers for")])
def test_malformed_messages_of_party_2_are_refused_by_party_1(keys: Any, tamper: Tamper, words: str) -> None:
    ids1, data2 = _sets(12, 12, 6)
    out = _run(ids1, data2, keys[1], tamper={2: tamper}, timeout=1.0)
    err = out[1]
    assert isinstance(err, PSIMessageError) and err.party == 2 and words in str(err), err
    assert not isinstance(out[2], PSIResult)  # party 2 gets no result either


def _bump_count(tag: str, d: bytes) -> bytes:
    return d[:1] + (10 ** 6).to_bytes(4, "big") + d[5:] if tag == "psi/result" else d


def _short_result(tag: str, d: bytes) -> bytes:
    return d[:-1] if tag == "psi/result" else d


def _off_curve_u(tag: str, d: bytes) -> bytes:
    return bytes([d[0] ^ 1]) + d[1:] if tag == "psi/u/0" else d


@pytest.mark.parametrize("tamper,words", [(_bump_count, "a count of"), (_short_result, "result from party 1"),
                                          (_off_curve_u, "not G1 points")])
def test_malformed_messages_of_party_1_are_refused_by_party_2(keys: Any, tamper: Tamper, words: str) -> None:
    ids1, data2 = _sets(12, 12, 6)
    out = _run(ids1, data2, keys[1], tamper={1: tamper}, timeout=1.0)
    err = out[2]
    assert isinstance(err, PSIMessageError) and err.party == 1 and words in str(err), err


def test_a_silent_peer_is_named() -> None:
    async def main() -> Any:
        hub = InProcessHub([1, 2], session=bytes(16))
        hub.disconnect(2)
        return await psi_party1(hub.network(1), ["a"], peer=2, timeout=0.5)
    with pytest.raises(PSIError, match="party 2 did not send") as err:
        asyncio.run(main())
    assert err.value.party == 2


def test_min_intersection_must_be_positive() -> None:
    out = _run(["a"], ["a"], None, minimum=0, timeout=0.3)
    assert isinstance(out[1], PSIError) and isinstance(out[2], PSIError)


def test_hashed_identifiers_are_points_and_blinding_commutes() -> None:
    pts = hash_to_g1(["a", "b", 7, b"a"])
    assert len(pts) == 4 * POINT_BYTES and len({pts[i:i + 64] for i in range(0, len(pts), 64)}) == 4
    for i in range(0, len(pts), 64):
        G1Point.from_bytes(pts[i:i + 64])  # on the curve (G1's cofactor is 1)
    a, b = random_exponent(Random(1)), random_exponent(Random(2))
    assert blind(blind(pts, a), b) == blind(blind(pts, b), a) != blind(pts, a)
    g = G1Point.from_bytes(pts[:64])
    assert blind(pts[:64], a) == (g * a).to_bytes()


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.psi import main
    assert main(["--size", "60", "--common", "20", "--bits", "1024", "--insecure"]) == 0
    assert "intersection-sum correct: True" in capsys.readouterr().out


def _reference_hash(name: str) -> bytes:
    """mpc.psi's documented hash to G1, with Python ints."""
    import hashlib

    from zkp.field import P

    ident = b"s" + name.encode()
    for counter in range(256):
        digest = hashlib.sha512(b"zkmpc/psi/hash-to-G1/v1" + len(ident).to_bytes(4, "big") + ident
                                + bytes([counter])).digest()
        x = int.from_bytes(digest, "big") % P
        rhs = (x ** 3 + 3) % P
        y = pow(rhs, (P + 1) // 4, P)
        if rhs and y * y % P == rhs:
            return x.to_bytes(32, "big") + min(y, P - y).to_bytes(32, "big")
    raise AssertionError("no square")


def test_hash_to_g1_follows_its_documented_definition() -> None:
    names = [f"user-{i}" for i in range(16)] + ["alice"]
    assert hash_to_g1(names) == b"".join(_reference_hash(n) for n in names)
    assert hash_to_g1(["alice"]).hex().startswith("27963ace32107fe1")  # pinned: a change of the hash breaks interop


def test_heavy_work_runs_off_the_event_loop(keys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing, blinding, point checks and encryption run in worker threads: on the event
    loop, 10^5 of them block it for seconds, and a peer's TLS handshake waiting on it
    took this party for gone (tests/mpc/test_net.py has the transport's half)."""
    import threading
    import types

    import mpc.psi as psi
    from mpc.psi import psi_categories_party1, psi_categories_party2

    seen: dict[str, set[int]] = {}

    def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            seen.setdefault(name, set()).add(threading.get_ident())
            return fn(*args, **kwargs)
        return wrapped

    kernels = types.SimpleNamespace(g1_multiply=spy("g1_multiply", zkp_kernels.g1_multiply),
                                    g1_validate=spy("g1_validate", zkp_kernels.g1_validate))
    monkeypatch.setattr(psi, "kernels", kernels)  # the names psi's functions read
    monkeypatch.setattr(psi, "encrypt_many", spy("encrypt_many", paillier.encrypt_many))
    monkeypatch.setattr(psi, "_hash_one", spy("_hash_one", psi._hash_one))
    monkeypatch.setattr(psi, "_ciphertexts", spy("_ciphertexts", psi._ciphertexts))
    ids1, data2 = _sets(6, 5, 3)
    got = _run(ids1, data2, keys[1])
    assert got[2].intersection_sum == sum(data2[x] for x in ids1 if x in data2)

    async def categories() -> Any:
        hub = InProcessHub([1, 2], session=bytes(16))
        return await asyncio.gather(
            psi_categories_party1(hub.network(1), [ids1[:3], ids1[3:]], peer=2, insecure=True),
            psi_categories_party2(hub.network(2), data2, peer=1, private_key=keys[1]))

    asyncio.run(categories())
    assert set(seen) == {"g1_multiply", "g1_validate", "encrypt_many", "_hash_one", "_ciphertexts"}
    assert all(threading.get_ident() not in threads for threads in seen.values()), seen
