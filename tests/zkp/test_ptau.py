"""snarkjs's .ptau: structure checked on open, vectors converted on request, the prepared
Lagrange sections equal our group inverse FFT of the powers; malformed files refused."""

from __future__ import annotations

import struct

import pytest

from zkp._backend import kernels
from zkp.curve import G1Point, G2Point
from zkp.errors import FormatError
from zkp.field import P
from zkp.formats.ptau import file_hash, read_ptau

from .._helpers import peak_bytes_refusing
from ..conftest import VECTORS

PTAU = VECTORS / "pot8_final.ptau"


def test_snarkjs_ptau_reads_and_its_lagrange_basis_is_our_ifft() -> None:
    pt = read_ptau(PTAU)
    assert (pt.power, pt.ceremony_power, pt.prepared) == (8, 8, True)
    assert pt.tau_g1(1) == G1Point.generator().to_bytes() and pt.tau_g2(1) == G2Point.generator().to_bytes()
    t1, t2 = pt.tau_g1(2), pt.tau_g2(2)
    # e(tau G1, G2) == e(G1, tau G2): the powers share one tau
    neg = G1Point.from_bytes(t1[64:]).__neg__().to_bytes()
    assert kernels.pairing_check(neg + t1[:64], t2[:128] + t2[128:])
    for log_n in (0, 3, 5) if kernels.BACKEND == "python" else range(9):
        assert kernels.g1_ifft(pt.tau_g1(1 << log_n)) == pt.lagrange_g1(log_n)
    assert kernels.g2_ifft(pt.tau_g2(8)) == pt.lagrange_g2(3)
    assert kernels.g1_ifft(pt.alpha_tau_g1(4)) == pt.lagrange_alpha_g1(2)
    assert kernels.g1_ifft(pt.beta_tau_g1(4)) == pt.lagrange_beta_g1(2)
    c = pt.contributions[0]
    assert len(pt.contributions) == 1 and not c.beacon and len(c.next_challenge) == 64
    assert pt.hash() == file_hash(PTAU.read_bytes()) and len(pt.hash()) == 128
    assert pt.to_bytes() == PTAU.read_bytes()
    with pytest.raises(FormatError, match="no Lagrange basis"):
        pt.lagrange_g2(9)
    with pytest.raises(FormatError, match="asked for"):
        pt.tau_g2(257)


def _section_offsets(data: bytes) -> dict[int, int]:
    """Where each section's body starts, by section kind."""
    sec, pos = {}, 12
    while pos < len(data):
        kind, size = struct.unpack_from("<IQ", data, pos)
        sec[kind] = pos + 12
        pos += 12 + size
    return sec


def test_malformed_ptau_refused_before_allocating() -> None:
    good = PTAU.read_bytes()
    sec = _section_offsets(good)
    not_on_curve = pow(2, 256, P).to_bytes(32, "little") * 2

    def patch(at: int, new: bytes) -> bytes:
        return good[:at] + new + good[at + len(new):]

    cases = {
        "truncated": good[:1000],
        "magic": b"zkey" + good[4:],
        "prime": patch(sec[1] + 4, (P - 2).to_bytes(32, "little")),
        "power": patch(sec[1] + 36, struct.pack("<I", 30)),
        "power too big for the sections": patch(sec[1] + 36, struct.pack("<II", 9, 9)),
        "contribution count": patch(sec[7], struct.pack("<I", 1 << 20)),
        "contribution point off curve": patch(sec[7] + 4, not_on_curve),
        "section size": patch(sec[2] - 8, struct.pack("<Q", 1 << 62)),
    }
    for what, data in cases.items():
        peak = peak_bytes_refusing(FormatError, read_ptau, data)
        assert peak < 4 * len(data) + (1 << 20), (what, peak)  # counts checked before allocating
    bad_point = read_ptau(patch(sec[2] + 64, not_on_curve))  # vectors are checked when read
    with pytest.raises(FormatError, match="not on the curve"):
        bad_point.tau_g1(4)
    unprepared = read_ptau(good[:8] + struct.pack("<I", 7) + good[12:sec[12] - 12])
    assert not unprepared.prepared
    with pytest.raises(FormatError, match="not prepared"):
        unprepared.lagrange_g1(2)


def test_g2_points_outside_the_subgroup_are_refused_when_read() -> None:
    """betaG2 when the file is opened; the G2 vectors (powers, Lagrange bases) when they are
    converted, so new_zkey cannot build a key on them."""
    from zkp.ceremony import new_zkey
    from zkp.formats.circom import read_r1cs
    from zkp.qap import domain_size

    from .._helpers import twist_point_outside_subgroup

    good = PTAU.read_bytes()
    sec = _section_offsets(good)
    x, y = twist_point_outside_subgroup()
    rogue = bytes(kernels.g2_to_lem(b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))))

    def patch(at: int) -> bytes:
        return good[:at] + rogue + good[at + len(rogue):]

    with pytest.raises(FormatError, match="betaG2.*subgroup"):
        read_ptau(patch(sec[6]))
    with pytest.raises(FormatError, match="tauG2.*subgroup"):
        read_ptau(patch(sec[3] + 128 * 5)).tau_g2(8)
    cs = read_r1cs((VECTORS / "snarkjs_mul" / "mul.r1cs").read_bytes())
    _, log_n = domain_size(cs)
    bad = read_ptau(patch(sec[13] + 128 * ((1 << log_n) - 1 + 2)))  # point 2 of that basis
    with pytest.raises(FormatError, match="tauG2 Lagrange.*subgroup"):
        new_zkey(cs, bad)
    assert new_zkey(cs, read_ptau(good)).num_public == cs.num_public
