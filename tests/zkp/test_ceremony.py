"""Phase-2 ceremonies with snarkjs on the other side: our contributions and beacons pass
`snarkjs zkey verify`, snarkjs's pass ours, beacons are byte-identical, and every tampered,
replayed or incomplete transcript is refused with the check and contribution named."""

from __future__ import annotations

import dataclasses
import random
import shutil
import struct
import subprocess
import warnings
from pathlib import Path
from typing import Callable

import pytest

from circuits import compile as compile_circuit
from zkmpc.cli import main as cli
from zkp import groth16
from zkp.ceremony import CeremonyError, beacon, contribute, new_zkey, verify_zkey
from zkp.ceremony._rng import ChaCha, beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2
from zkp.curve import G1Point
from zkp.errors import SetupError
from zkp.formats.circom import read_r1cs
from zkp.formats.ptau import read_ptau
from zkp.formats.zkey import MPCParams, ZKey, read_zkey, write_zkey

from ..conftest import VECTORS

pytestmark = pytest.mark.interop
Run = Callable[..., subprocess.CompletedProcess]
BEACON = "0102030405060708090a0b0c0d0e0f10"


@pytest.fixture(scope="module")
def work(snarkjs: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ceremony")
    shutil.copy(VECTORS / "snarkjs_mul" / "mul.r1cs", d / "mul.r1cs")
    shutil.copy(VECTORS / "pot8_final.ptau", d / "pot.ptau")
    snarkjs("groth16", "setup", "mul.r1cs", "pot.ptau", "c0.zkey", cwd=d)
    return d


def test_snarkjs_randomness_is_reproduced_exactly() -> None:
    # vectors printed by ffjavascript 0.3 (ChaCha, hashToG2) and snarkjs's rngFromBeaconParams
    rng = ChaCha([1, 2, 3, 4, 5, 6, 7, 8])
    assert [rng.next_u32() for _ in range(3)] == [2291208717, 2715286880, 1416238553]
    assert hash_to_g2(bytes((i * 7 + 3) & 255 for i in range(64))) == (
        (10981744191856992381809360468766349808540288088380022120879940032157482185159,
         21596609199614916244870285972043611265843163710357154274803730808527450671106),
        (21106394083971498902915171443050057787679082343764185182527384465384631981618,
         16434225528908858706977571821808088155132905298271956510167368579555172722980))
    rng = beacon_rng(bytes([1, 2, 3, 4]), 3)
    assert fr_from_rng(rng) == 18323281984981252833355933111722965978872139817442516932691599976329345170285
    assert g1_from_rng(rng) == (2989718971543959807720515369284959857566399672116815956255413660512644637397,
                                5961259815499891154496020058049738108303183144365477857826239095342143708074)


def test_mixed_ceremony_verifies_in_both_tools(snarkjs: Run, work: Path) -> None:
    init = read_zkey(work / "c0.zkey")
    write_zkey(contribute(init, name="zkmpc one", entropy="typed noise"), work / "c1.zkey")
    snarkjs("zkey", "contribute", "c1.zkey", "c2.zkey", "--name=snarkjs two", "-e=more", cwd=work)
    assert cli(["zkey", "beacon", str(work / "c2.zkey"), str(work / "c3.zkey"), BEACON, "10",
                "--name", "final"]) == 0
    res = snarkjs("zkey", "verify", "mul.r1cs", "pot.ptau", "c3.zkey", cwd=work)
    assert "ZKey Ok!" in res.stdout + res.stderr
    final = read_zkey(work / "c3.zkey")
    report = verify_zkey(final, new_zkey(read_r1cs((work / "mul.r1cs").read_bytes()), work / "pot.ptau"))
    assert [name for name, _ in report] == ["zkmpc one", "snarkjs two", "final"]
    assert cli(["zkey", "verify", str(work / "mul.r1cs"), str(work / "pot.ptau"), str(work / "c3.zkey")]) == 0
    assert not final.development  # two secret contributions and a beacon
    snarkjs("zkey", "beacon", "c2.zkey", "theirs.zkey", BEACON, "10", "-n=final", cwd=work)
    assert (work / "theirs.zkey").read_bytes() == (work / "c3.zkey").read_bytes()
    pk = final.proving_key()
    assert groth16.verify(final.verifying_key(), [33, 36], groth16.prove(pk, [1, 33, 36, 3, 11]))


def _with(zk: ZKey, **changes: object) -> ZKey:
    return ZKey(**{**zk.__dict__, **changes})


@pytest.mark.twin_independent  # a sweep through the same Python logic on either twin
def test_tampered_transcripts_are_refused_and_named(work: Path) -> None:
    init = read_zkey(work / "c0.zkey")
    rnd = random.Random(8)
    one = contribute(init, name="a", rng=rnd)
    two = contribute(one, name="b", rng=rnd)
    assert len(verify_zkey(two, init)) == 2
    c1, c2 = two.mpc.contributions
    mpc = two.mpc

    def swapped(**kw: object) -> ZKey:
        return _with(two, mpc=MPCParams(mpc.cs_hash, (c1, dataclasses.replace(c2, **kw))))

    g = G1Point.generator()
    cases = {
        "transcript": swapped(transcript=bytes(64)),
        "same ratio": swapped(g2_spx=c1.g2_spx),
        "does not follow its public key": swapped(delta_after=c1.delta_after * 2),
        "replayed": _with(two, mpc=MPCParams(mpc.cs_hash, (c1, c2, c2))),
        "no contribution": init,
        "delta_1": _with(two, delta_g1=c1.delta_after),
        "delta_2": _with(two, delta_g2=one.delta_g2),
        "section ic": _with(two, ic=init.a_g1[:len(init.ic)]),
        "L (C) section": _with(two, c_g1=one.c_g1),
        "H section": _with(two, h_g1=(g * 5).to_bytes() + two.h_g1[64:]),
        "tampered or replayed": _with(two, mpc=MPCParams(bytes(64), mpc.contributions)),
    }
    for what, key in cases.items():
        with pytest.raises(CeremonyError) as exc:
            verify_zkey(key, init)
        message = str(exc.value)
        assert what in message, (what, message)
    forged = beacon(one, BEACON, 10)
    fake = dataclasses.replace(forged.mpc.contributions[-1], beacon_hash=b"\x02")
    with pytest.raises(CeremonyError, match="beacon"):
        verify_zkey(_with(forged, mpc=MPCParams(mpc.cs_hash, (c1, fake))), init)
    with pytest.raises(SetupError, match="10, 63"):
        beacon(one, BEACON, 5)


def test_setup_from_ptau_gives_working_single_contributor_keys(work: Path) -> None:
    from circuits import Circuit, Public, Secret, UInt

    class Adult(Circuit):
        min_age: Public[UInt[8]]
        age: Secret[UInt[8]]

        def define(self, api: object) -> None:
            api.assert_true(self.age >= self.min_age)  # type: ignore[attr-defined]

    cs = compile_circuit(Adult)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs, ptau=read_ptau(work / "pot.ptau"))
    assert vk.development and vk.alpha_g1 == G1Point.from_bytes(read_ptau(work / "pot.ptau").alpha_tau_g1(1))
    w = cs.solve(Adult(min_age=18, age=30))
    assert groth16.verify(vk, w.public, groth16.prove(pk, w))
    data = (work / "pot.ptau").read_bytes()
    pos = 12
    while struct.unpack_from("<I", data, pos)[0] != 12:
        pos += 12 + struct.unpack_from("<Q", data, pos + 4)[0]
    unprepared = read_ptau(data[:8] + struct.pack("<I", 7) + data[12:pos])
    with pytest.raises(SetupError, match="not prepared"):
        new_zkey(cs, unprepared)
