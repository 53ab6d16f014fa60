"""Feldman and Pedersen VSS: honest dealings verify, every tampered share or commitment is
caught and the dealer named; malformed commitment vectors are refused."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st
from py_ecc import bn128

from mpc.errors import DealerError
from mpc.field import FR
from mpc.sharing import (PEDERSEN_H, Commitments, Dealing, Share, check_dealing, combine, feldman_deal, feldman_verify,
                         pedersen_deal, pedersen_verify)
from zkp.curve import G1Point, g1_batch_mul, g1_msm, hash_to_g1


def test_curve_helpers_agree_with_py_ecc() -> None:
    ks = [0, 1, 2, FR.modulus - 1, 123456789]
    for k, pt in zip(ks, g1_batch_mul(G1Point.generator(), ks)):
        ref = bn128.multiply(bn128.G1, k)
        assert (pt.is_infinity() and ref is None) or (pt.x, pt.y) == (int(ref[0].n), int(ref[1].n))
    g = G1Point.generator()
    assert g1_msm([g, g * 5, PEDERSEN_H], [7, 11, 0]) == g * 62
    h = hash_to_g1(b"zkmpc/vss/pedersen/H/v1")
    assert h == PEDERSEN_H and bn128.is_on_curve((bn128.FQ(h.x), bn128.FQ(h.y)), bn128.b)


@pytest.mark.parametrize("deal", [feldman_deal, pedersen_deal])
def test_honest_dealings_verify_and_reconstruct(deal: object) -> None:
    d = deal(424242, n=5, threshold=3)  # type: ignore[operator]
    check_dealing(d, dealer="hospital 1")
    assert combine(list(d.shares[1:4]), threshold=d.commitments.threshold) == 424242
    assert d.commitments.threshold == 3


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 4), st.integers(1, FR.modulus - 1), st.booleans(), st.integers(0, 2 ** 64))
def test_every_tampered_share_is_caught(victim: int, delta: int, pedersen: bool, seed: int) -> None:
    rnd = random.Random(seed)  # a seeded stream (hypothesis' randoms shrink to all zeros, which dealers refuse)
    d = (pedersen_deal if pedersen else feldman_deal)(rnd.randrange(FR.modulus), n=5, threshold=3, rng=rnd)
    shares = list(d.shares)
    s = shares[victim]
    shares[victim] = Share(s.index, (s.value + delta) % FR.modulus, 3)
    with pytest.raises(DealerError) as exc:
        check_dealing(Dealing(tuple(shares), d.commitments, d.blindings), dealer="bank A")
    assert exc.value.parties == (victim + 1,) and exc.value.dealer == "bank A"
    if pedersen:  # a wrong blinding share is caught as well
        b = d.blindings[victim]
        blind = list(d.blindings)
        blind[victim] = Share(b.index, (b.value + delta) % FR.modulus, 3)
        assert not pedersen_verify(d.shares[victim], blind[victim], d.commitments)


def test_inconsistent_commitments_name_the_dealer() -> None:
    d = feldman_deal(5, n=4, threshold=2)
    pts = list(d.commitments.points)
    pts[1] = pts[1] + G1Point.generator()
    with pytest.raises(DealerError) as exc:
        check_dealing(Dealing(d.shares, Commitments(tuple(pts))), dealer=3)
    assert exc.value.dealer == 3 and exc.value.parties == (1, 2, 3, 4)


def test_commitment_vectors_of_the_wrong_length_or_shape_are_refused() -> None:
    d = feldman_deal(5, n=4, threshold=3)
    short = Commitments(d.commitments.points[:2])
    with pytest.raises(DealerError, match="length 2"):
        feldman_verify(d.shares[0], short)
    raw = d.commitments.to_bytes()
    assert Commitments.from_bytes(raw, 3) == d.commitments
    with pytest.raises(DealerError):
        Commitments.from_bytes(raw[:-1], 3)
    with pytest.raises(DealerError):
        Commitments.from_bytes(raw, 2)
    off_curve = raw[:64] + (1).to_bytes(32, "big") + (3).to_bytes(32, "big") + raw[128:]
    with pytest.raises(DealerError):
        Commitments.from_bytes(off_curve, 3)
    too_big = raw[:64] + (2 ** 256 - 1).to_bytes(32, "big") + raw[96:]
    with pytest.raises(DealerError):
        Commitments.from_bytes(too_big, 3)
    with pytest.raises(DealerError):
        Commitments(())


def test_dealing_refuses_vectors_and_out_of_range_secrets() -> None:
    with pytest.raises(DealerError):
        feldman_deal([1, 2], n=3, threshold=2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pedersen_deal(FR.modulus, n=3, threshold=2)
    with pytest.raises(TypeError):
        feldman_deal(True, n=3, threshold=2)
    with pytest.raises(ValueError):
        feldman_deal(1, n=2, threshold=3)


def test_feldman_commitments_add_for_sums() -> None:
    a, b = feldman_deal(10, n=3, threshold=2), feldman_deal(32, n=3, threshold=2)
    total = a.commitments + b.commitments
    for sa, sb in zip(a.shares, b.shares):
        assert feldman_verify(Share(sa.index, (sa.value + sb.value) % FR.modulus, 2), total)
    assert total.points[0] == G1Point.generator() * 42


class _Zeros:
    """An rng whose every draw is 0 (every random coefficient is then 0)."""

    def getrandbits(self, k: int) -> int:
        return 0


def test_commitments_with_the_identity_past_c0_are_refused() -> None:
    """Issue 15, item 13: an identity C_j (j >= 1) commits to a zero coefficient; at the top
    it lowers the degree, so fewer shares than the threshold determine the secret."""
    from mpc.serial import MalformedDataError
    from mpc.sharing import dump_commitments, load_commitments

    d = feldman_deal(5, n=4, threshold=3)
    pts = list(d.commitments.points)
    inf = G1Point.infinity()
    for j in (1, 2):
        with pytest.raises(DealerError, match=f"identity at position {j}"):
            Commitments(tuple(pts[:j] + [inf] + pts[j + 1:]))
        raw = d.commitments.to_bytes()
        with pytest.raises(DealerError, match=f"identity at position {j}"):
            Commitments.from_bytes(raw[:64 * j] + bytes(64) + raw[64 * (j + 1):], 3)
    for t in (2, 3, 5):
        with pytest.raises(DealerError, match="identity at position 1"):
            Commitments.from_bytes(bytes(64 * t), t)  # the all-zero encoding
    text = dump_commitments(d.commitments).replace(dump_commitments(d.commitments).split('"points":"')[1][:-2],
                                                   __import__("base64").b64encode(bytes(64 * 3)).decode())
    with pytest.raises((DealerError, MalformedDataError)):
        load_commitments(text, threshold=3)
    with pytest.raises(DealerError, match="identity"):  # a sum that cancels a coefficient
        d.commitments + Commitments((pts[0], -pts[1], pts[2]))
    low = tuple(g1_batch_mul(G1Point.generator(), [5, 2, 0]))  # 5 + 2x posing as threshold 3: 2 shares open it
    with pytest.raises(DealerError):
        Commitments(low)
    smuggled = object.__new__(Commitments)
    object.__setattr__(smuggled, "points", low)
    share = Share(1, 7, 3)
    with pytest.raises(DealerError, match="identity at position 2"):
        feldman_verify(share, smuggled)
    with pytest.raises(DealerError, match="identity at position 2"):
        pedersen_verify(share, share, smuggled)
    for deal in (feldman_deal, pedersen_deal):
        with pytest.raises(DealerError, match="coefficient was 0 in 8 draws"):
            deal(5, n=3, threshold=2, rng=_Zeros())  # type: ignore[operator]


def test_a_feldman_sharing_of_zero_keeps_c0_the_identity() -> None:
    d = feldman_deal(0, n=3, threshold=2)
    assert d.commitments.points[0].is_infinity()
    check_dealing(d)
    assert Commitments.from_bytes(d.commitments.to_bytes(), 2) == d.commitments
    assert combine(list(d.shares[:2]), threshold=d.commitments.threshold) == 0


@pytest.mark.parametrize("deal", [feldman_deal, pedersen_deal])
def test_combine_verified_takes_the_threshold_from_the_commitments(deal: object) -> None:
    from mpc.errors import SharingError, TooFewSharesError
    from mpc.sharing import combine_verified

    d = deal(99, n=5, threshold=3, rng=random.Random(4))  # type: ignore[operator]
    blind = d.blindings
    assert combine_verified(d.shares[1:4], d.commitments, blindings=blind[1:4]) == 99
    assert combine_verified(d.shares, d.commitments, blindings=blind) == 99
    forged = Share(d.shares[0].index, d.shares[0].value, 1)  # a share claiming threshold 1
    with pytest.raises(TooFewSharesError):
        combine_verified([forged], d.commitments, blindings=blind[:1])
    with pytest.raises(SharingError, match="claims threshold 1, expected 3"):
        combine_verified([forged, *d.shares[1:3]], d.commitments, blindings=blind[:3])
    wrong = Share(d.shares[1].index, (d.shares[1].value + 1) % FR.modulus, 3)
    with pytest.raises(DealerError) as exc:
        combine_verified([d.shares[0], wrong, d.shares[2]], d.commitments, blindings=blind[:3], dealer="lab 2")
    assert exc.value.parties == (2,) and exc.value.dealer == "lab 2"
