"""Powers of tau with snarkjs on the other side: files we make, contribute to, beacon and
prepare pass `snarkjs powersoftau verify`; snarkjs's pass ours; beacons match snarkjs's
point for point; tampering with any point, key or hash is refused with the check named."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkmpc.cli import main as cli
from zkp.ceremony import (CeremonyError, new_zkey, ptau_beacon, ptau_contribute, ptau_new, ptau_prepare,
                          ptau_verify)
from zkp._blake2b import Blake2b
from zkp.curve import G1Point
from zkp.formats.circom import read_r1cs
from zkp.formats.ptau import PTau, build_ptau, read_ptau
from zkp.formats.zkey import write_zkey

from ..conftest import VECTORS

Run = Callable[..., subprocess.CompletedProcess[str]]
BEACON = "0102030405060708090a0b0c0d0e0f10"


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=700), st.integers(0, 700))
def test_blake2b_state_resumes_where_hashlib_agrees(data: bytes, cut: int) -> None:
    h = Blake2b()
    h.update(data[:cut])
    again = Blake2b.from_partial(h.partial())
    again.update(data[cut:])
    assert again.digest() == hashlib.blake2b(data).digest()


def test_snarkjs_ptau_passes_our_verification() -> None:
    pt = read_ptau(VECTORS / "pot8_final.ptau")
    report = ptau_verify(pt)
    assert [name for name, _ in report] == ["one"] and len(report[0][1]) == 64


@pytest.mark.interop
def test_mixed_phase1_ceremony_in_both_tools(snarkjs: Run, tmp_path: Path) -> None:
    d = tmp_path
    assert cli(["ptau", "new", "4", str(d / "p0.ptau")]) == 0
    assert cli(["ptau", "contribute", str(d / "p0.ptau"), str(d / "p1.ptau"), "--name", "zkmpc"]) == 0
    snarkjs("powersoftau", "contribute", "p1.ptau", "p2.ptau", "--name=snarkjs", "-e=entropy", cwd=d)
    assert cli(["ptau", "beacon", str(d / "p2.ptau"), str(d / "p3.ptau"), BEACON, "10", "--name", "b"]) == 0
    assert cli(["ptau", "prepare", str(d / "p3.ptau"), str(d / "pot.ptau")]) == 0
    out = snarkjs("powersoftau", "verify", "pot.ptau", cwd=d)
    assert "Powers of Tau Ok!" in out.stdout + out.stderr
    assert cli(["ptau", "verify", str(d / "pot.ptau")]) == 0
    assert [n for n, _ in ptau_verify(read_ptau(d / "pot.ptau"))] == ["zkmpc", "snarkjs", "b"]
    # snarkjs's beacon and preparation of the same file: the same points and records
    snarkjs("powersoftau", "beacon", "p2.ptau", "s3.ptau", BEACON, "10", "-n=b", cwd=d)
    snarkjs("powersoftau", "prepare", "phase2", "s3.ptau", "spot.ptau", cwd=d)
    ours, theirs = read_ptau(d / "pot.ptau"), read_ptau(d / "spot.ptau")
    points: tuple[Callable[[PTau], bytes], ...] = (
        lambda p: p.tau_g1(31), lambda p: p.tau_g2(16), lambda p: p.beta_g2(), lambda p: p.lagrange_g1(5),
        lambda p: p.lagrange_g2(4), lambda p: p.lagrange_beta_g1(4))
    for get in points:
        assert get(ours) == get(theirs)
    a, b = ours.contributions[-1], theirs.contributions[-1]
    pending = int.from_bytes(a.partial_hash[200:204], "little")  # bytes past it are noble's stale buffer
    assert a.partial_hash[:pending] == b.partial_hash[:pending] and a.partial_hash[128:] == b.partial_hash[128:]
    assert dataclasses.replace(a, partial_hash=b"") == dataclasses.replace(b, partial_hash=b"")
    # phase 2 on our file: snarkjs's setup equals ours
    shutil.copy(VECTORS / "snarkjs_mul" / "mul.r1cs", d / "mul.r1cs")
    snarkjs("groth16", "setup", "mul.r1cs", "pot.ptau", "c0.zkey", cwd=d)
    zk = new_zkey(read_r1cs((d / "mul.r1cs").read_bytes()), d / "pot.ptau")
    assert write_zkey(zk) == (d / "c0.zkey").read_bytes()


def _rebuild(pt: PTau, **kw: object) -> PTau:
    n = 1 << pt.power
    parts: dict[str, object] = {"tau_g1": pt.tau_g1(2 * n - 1), "tau_g2": pt.tau_g2(n), "alpha_tau_g1": pt.alpha_tau_g1(n),
             "beta_tau_g1": pt.beta_tau_g1(n), "beta_g2": pt.beta_g2(), "contributions": pt.contributions,
             "lagrange": (b"".join(pt.lagrange_g1(k) for k in range(pt.power + 2)),
                          b"".join(pt.lagrange_g2(k) for k in range(pt.power + 1)),
                          b"".join(pt.lagrange_alpha_g1(k) for k in range(pt.power + 1)),
                          b"".join(pt.lagrange_beta_g1(k) for k in range(pt.power + 1))) if pt.prepared else None}
    parts.update(kw)
    return build_ptau(pt.power, **parts)  # type: ignore[arg-type]


@pytest.mark.twin_independent  # a sweep through the same Python logic on either twin
def test_tampered_powers_of_tau_are_refused_and_named() -> None:
    rnd = random.Random(3)
    one = ptau_contribute(ptau_new(3), name="a", rng=rnd)
    two = ptau_prepare(ptau_contribute(one, name="b", rng=rnd))
    assert len(ptau_verify(two)) == 2
    g = G1Point.generator()
    tau_g1 = two.tau_g1(15)
    c1, c2 = two.contributions
    lag = _rebuild(two)
    assert ptau_verify(lag)
    bad_lag = (b"".join(two.lagrange_g1(k) for k in range(5))[:-64] + (g * 7).to_bytes(),) + tuple(
        b"".join(f(k) for k in range(4)) for f in (two.lagrange_g2, two.lagrange_alpha_g1, two.lagrange_beta_g1))
    cases = {
        "tauG1 powers": _rebuild(two, tau_g1=tau_g1[:64 * 5] + (g * 9).to_bytes() + tau_g1[64 * 6:]),
        "next challenge": _rebuild(two, contributions=(c1, dataclasses.replace(c2, next_challenge=bytes(64)))),
        "same ratio": _rebuild(two, contributions=(c1, dataclasses.replace(c2, key_g2=c1.key_g2))),
        "contribution #2 \\(a\\)": _rebuild(two, contributions=(c1, c1, c2)),  # replayed
        "no contribution": ptau_new(3),
        "tauG1 does not start": _rebuild(two, tau_g1=tau_g1[:64] + (g * 3).to_bytes() + tau_g1[128:]),
        "betaG2": _rebuild(two, beta_g2=one.beta_g2()),
        "Lagrange bases are wrong": _rebuild(two, lagrange=bad_lag),
    }
    for what, pt in cases.items():
        with pytest.raises(CeremonyError, match=what):
            ptau_verify(pt)
    from zkp.curve import G2Point

    from .._helpers import twist_point_outside_subgroup

    x, y = twist_point_outside_subgroup()
    rogue = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
    tau_g2 = two.tau_g2(8)
    with pytest.raises(CeremonyError, match="subgroup"):
        ptau_verify(_rebuild(two, tau_g2=tau_g2[:128 * 3] + rogue + tau_g2[128 * 4:]))
    assert G2Point.generator().to_bytes() == tau_g2[:128]
    b = ptau_beacon(one, BEACON, 10)
    fake = dataclasses.replace(b.contributions[-1], beacon_hash=b"\x09")
    with pytest.raises(CeremonyError, match="beacon"):
        ptau_verify(_rebuild(b, contributions=(c1, fake)))


def test_contributions_refuse_a_source_that_never_gives_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    """A secret that hashes to 0 is drawn again, a bounded number of times (forced here by a
    hash that always gives zeros); the draws fail the test if they never stop."""
    import importlib
    import types

    from zkp.errors import MalformedInputError

    contribute_module = importlib.import_module("zkp.ceremony.contribute")

    calls = []

    def draw(n: int) -> int:
        calls.append(n)
        assert len(calls) < 10_000, "still drawing: an unbounded retry"
        return 5

    zero = types.SimpleNamespace(blake2b=lambda *a, **k: types.SimpleNamespace(digest=lambda: bytes(64)))
    monkeypatch.setattr(contribute_module, "hashlib", zero)
    pt = read_ptau(VECTORS / "pot8_final.ptau")
    with pytest.raises(MalformedInputError, match="draws in a row"):
        ptau_contribute(pt, rng=types.SimpleNamespace(randbelow=draw))
    zk = new_zkey(read_r1cs((VECTORS / "snarkjs_mul" / "mul.r1cs").read_bytes()), pt)
    with pytest.raises(MalformedInputError, match="draws in a row"):
        contribute_module.contribute(zk, rng=types.SimpleNamespace(randbelow=draw))


class _StuckStream:
    """A ChaCha stand-in returning one word forever, failing the test if read without end."""

    def __init__(self, word: int) -> None:
        self.word, self.reads = word, 0

    def next_u32(self) -> int:
        self.reads += 1
        assert self.reads < 100_000, "still reading: an unbounded retry"
        return self.word

    def next_u64(self) -> int:
        return (self.next_u32() << 32) | self.next_u32()

    def next_bool(self) -> bool:
        return bool(self.next_u32() & 1)


@pytest.mark.parametrize("word,sampler", [(0xFFFFFFFF, "fr_from_rng"), (0, "g1_from_rng"),
                                          (0, "g2_from_rng")])
def test_snarkjs_samplers_are_bounded(word: int, sampler: str) -> None:
    """All-ones words are never below the modulus; x = 0 is on neither curve."""
    from zkp.ceremony import _rng
    from zkp.errors import MalformedInputError

    with pytest.raises(MalformedInputError, match="draws in a row"):
        getattr(_rng, sampler)(_StuckStream(word))
