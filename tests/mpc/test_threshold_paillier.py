"""Threshold Paillier: any threshold-subset decrypts, fewer cannot, and bad partial
decryptions are caught and named."""

from __future__ import annotations

import dataclasses
import itertools
import random
from typing import Any

import pytest

from mpc import paillier
from mpc.errors import EncodingError, InsecureKeyError, KeyMismatchError, MPCTypeError, PlaintextOverflowError
from mpc.paillier import PartialDecryptionError, combine, partial_decrypt, threshold_keygen, verify_partial

# no zkp kernel runs here (checked by replacing both twins with ones that raise): the
# pure-Python pass of `make test` skips this module, the C pass runs it
pytestmark = pytest.mark.twin_independent


@pytest.fixture(scope="module")
def dealt() -> Any:
    return threshold_keygen(bits=512, n=5, threshold=3, insecure=True, rng=random.Random(41))


def test_every_threshold_subset_decrypts(dealt: Any) -> None:
    tpk, shares = dealt
    pk = tpk.public_key
    c = paillier.sum_([pk.encrypt(v) for v in (100, -30, 7)])
    for subset in itertools.combinations(shares, 3):
        assert combine(tpk, c, [partial_decrypt(s, c) for s in subset]) == 77
    # more than threshold is fine too; order does not matter
    assert combine(tpk, c, [partial_decrypt(s, c) for s in reversed(shares)]) == 77
    assert pk.bits == 512 and "threshold=3" in repr(tpk) and str(shares[0].value) not in repr(shares[0])


def test_threshold_decryption_refuses_overflowing_totals(dealt: Any) -> None:
    tpk, shares = dealt
    pk = tpk.public_key
    big = pk.encrypt(pk.max_int)
    wrapped = paillier.sum_([big] * 3)  # combined to -4 or -5 before
    partials = [partial_decrypt(s, wrapped) for s in shares[:3]]
    with pytest.raises(PlaintextOverflowError, match="can reach 3.0 x max_int"):
        combine(tpk, wrapped, partials)
    band = big + big
    with pytest.raises(PlaintextOverflowError, match="band"):
        combine(tpk, band, [partial_decrypt(s, band) for s in shares[:3]])
    assert combine(tpk, big, [partial_decrypt(s, big) for s in shares[2:]]) == pk.max_int


class _Zeros:
    def getrandbits(self, k: int) -> int:
        return 0


def test_a_broken_or_repeated_rng_does_not_reveal_the_share(dealt: Any) -> None:
    tpk, shares = dealt
    pk, share = tpk.public_key, shares[0]
    exp = tpk.delta * share.value
    c1, c2 = pk.encrypt(1), pk.encrypt(2)
    for rng1, rng2 in ((_Zeros(), _Zeros()), (random.Random(5), random.Random(5))):
        p1, p2 = partial_decrypt(share, c1, rng=rng1), partial_decrypt(share, c2, rng=rng2)
        # with the nonce r straight from the rng: z = e * exp (zeros), or z1 - z2 = (e1 - e2) * exp (a repeat)
        assert p1.z != p1.e * exp and p1.z - p2.z != (p1.e - p2.e) * exp
        assert verify_partial(tpk, c1, p1) and verify_partial(tpk, c2, p2)
    assert combine(tpk, c1, [partial_decrypt(s, c1, rng=_Zeros()) for s in shares[:3]]) == 1


def test_fewer_than_threshold_cannot_decrypt(dealt: Any) -> None:
    tpk, shares = dealt
    c = tpk.public_key.encrypt(5)
    with pytest.raises(PartialDecryptionError, match="3 are needed"):
        combine(tpk, c, [partial_decrypt(s, c) for s in shares[:2]])
    # two shares alone combined as if they were enough give garbage, not the plaintext
    t2 = dataclasses.replace(tpk, threshold=2)
    parts = [partial_decrypt(dataclasses.replace(s, tpk=t2), c) for s in shares[:2]]
    try:
        got: int | None = combine(t2, c, parts)
    except EncodingError:  # almost always: the garbage lands in the overflow third
        got = None
    assert got != 5


def test_bad_partials_are_named(dealt: Any) -> None:
    tpk, shares = dealt
    pk = tpk.public_key
    c = pk.encrypt(9)
    good = [partial_decrypt(s, c) for s in shares[:3]]
    nsq = int(pk.nsquare)
    forged = [
        dataclasses.replace(good[1], value=good[1].value * 4 % nsq),
        dataclasses.replace(good[1], z=good[1].z + 1),
        dataclasses.replace(good[1], e=good[1].e ^ 1),
        dataclasses.replace(good[1], index=5),  # someone else's claimed identity
        dataclasses.replace(good[1], value=0),
        dataclasses.replace(good[1], value=nsq + good[1].value),
        partial_decrypt(shares[1], pk.encrypt(9)),  # a proof about another ciphertext
        dataclasses.replace(good[1], z=-good[1].z),
    ]
    for bad in forged:
        assert not verify_partial(tpk, c, bad)
        with pytest.raises(PartialDecryptionError) as err:
            combine(tpk, c, [good[0], bad, good[2]])
        assert bad.index in err.value.bad
    with pytest.raises(PartialDecryptionError, match="duplicate"):
        combine(tpk, c, [good[0], good[0], good[1]])
    assert all(verify_partial(tpk, c, p) for p in good)


def test_keygen_refusals() -> None:
    with pytest.raises(InsecureKeyError):
        threshold_keygen(bits=1024, n=3, threshold=2)
    for n, t in ((3, 4), (3, 0), (1001, 2)):
        with pytest.raises(MPCTypeError):
            threshold_keygen(bits=512, n=n, threshold=t, insecure=True)
    with pytest.raises(MPCTypeError):
        threshold_keygen(bits=512, n=3.0, threshold=2, insecure=True)  # type: ignore[arg-type]


def test_key_mismatch(dealt: Any) -> None:
    tpk, shares = dealt
    other = paillier.keygen(bits=1024, insecure=True, rng=random.Random(3))[0]
    with pytest.raises(KeyMismatchError):
        partial_decrypt(shares[0], other.encrypt(1))


def test_threshold_documents_round_trip_and_refuse_tampering(dealt: Any) -> None:
    import json

    from mpc.paillier.threshold import (dump_key_share, dump_partial, dump_threshold_public_key, load_key_share,
                                        load_partial, load_threshold_public_key)
    from mpc.serial import MalformedDataError

    tpk, shares = dealt
    tpk2 = load_threshold_public_key(dump_threshold_public_key(tpk), insecure=True)
    assert tpk2 == tpk
    loaded = [load_key_share(dump_key_share(s), insecure=True) for s in shares[2:]]
    c = tpk.public_key.encrypt(31)
    partials = [load_partial(dump_partial(partial_decrypt(s, c)), tpk2) for s in loaded]
    assert combine(tpk2, c, partials) == 31
    doc = json.loads(dump_threshold_public_key(tpk))
    for mutate in (lambda d: d["vks"].pop(), lambda d: d.update(threshold=9), lambda d: d.update(parties=True),
                   lambda d: d["vks"].__setitem__(0, "0"), lambda d: d.update(v=str(tpk.public_key.nsquare))):
        d = json.loads(json.dumps(doc))
        mutate(d)
        with pytest.raises(MalformedDataError):
            load_threshold_public_key(json.dumps(d), insecure=True)
    p = json.loads(dump_partial(partials[0]))
    for field, value in (("index", 0), ("index", 6), ("e", str(1 << 300)), ("c", "-1")):
        with pytest.raises(MalformedDataError):
            load_partial(json.dumps({**p, field: value}), tpk)
