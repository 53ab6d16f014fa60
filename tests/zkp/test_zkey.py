"""snarkjs's .zkey: read and written byte for byte as snarkjs does; zkmpc proves circom
circuits from snarkjs keys (snarkjs verifies), snarkjs proves with keys zkmpc wrote (zkmpc
verifies); malformed files are refused quickly with FormatError. Never skipped in CI."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any, Callable

import pytest

from zkmpc.cli import main as cli
from zkp import groth16
from zkp.ceremony import new_zkey
from zkp.errors import FormatError, MalformedInputError, SetupError, UnsatisfiedError
from zkp.field import P, R
from zkp.formats.circom import read_r1cs, read_wtns, write_r1cs, write_wtns
from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json, vk_to_json
from zkp.formats.zkey import read_zkey, write_zkey

from .._helpers import peak_bytes_refusing
from ..conftest import ROOT, VECTORS, dev_setup

pytestmark = pytest.mark.interop
Run = Callable[..., subprocess.CompletedProcess[str]]
MUL = VECTORS / "snarkjs_mul"

CIRCUIT = """pragma circom 2.0.0;
include "lib/poseidon.circom";
include "lib/comparators.circom";
template Eligible() {
    signal input secret;
    signal input salt;
    signal input limit;
    signal output commitment;
    component h = Poseidon(2);
    h.inputs[0] <== secret;
    h.inputs[1] <== salt;
    commitment <== h.out;
    component lt = LessThan(32);
    lt.in[0] <== secret;
    lt.in[1] <== limit;
    lt.out === 1;
}
component main {public [limit]} = Eligible();
"""


@pytest.fixture(scope="module")
def mul_keys(snarkjs: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """snarkjs's setup of the multiplier on the pinned ptau, then one contribution."""
    d = tmp_path_factory.mktemp("mul")
    for name in ("mul.r1cs", "witness.wtns"):
        shutil.copy(MUL / name, d / name)
    shutil.copy(VECTORS / "pot8_final.ptau", d / "pot.ptau")
    snarkjs("groth16", "setup", "mul.r1cs", "pot.ptau", "c0.zkey", cwd=d)
    snarkjs("zkey", "contribute", "c0.zkey", "c1.zkey", "--name=alice", "-e=zkey test entropy", cwd=d)
    snarkjs("zkey", "export", "verificationkey", "c1.zkey", "vk.json", cwd=d)
    return d


@pytest.fixture(scope="module")
def circom_keys(snarkjs: Run, circom: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """circomlib's Poseidon and LessThan compiled by circom2, a power-9 ptau made by
    snarkjs, snarkjs's setup and one contribution, and snarkjs's witness."""
    d = tmp_path_factory.mktemp("circom")
    shutil.copytree(ROOT / "node_modules" / "circomlib" / "circuits", d / "lib")
    (d / "c.circom").write_text(CIRCUIT)
    subprocess.run([circom, "c.circom", "--r1cs", "--wasm", "--O2", "-o", "."], cwd=d, check=True,
                   capture_output=True, timeout=600)
    (d / "input.json").write_text('{"secret": "42", "salt": "7", "limit": "100"}')
    snarkjs("wtns", "calculate", "c_js/c.wasm", "input.json", "c.wtns", cwd=d)
    snarkjs("powersoftau", "new", "bn128", "9", "p0.ptau", cwd=d)
    snarkjs("powersoftau", "contribute", "p0.ptau", "p1.ptau", "--name=x", "-e=ptau entropy", cwd=d)
    snarkjs("powersoftau", "prepare", "phase2", "p1.ptau", "pot.ptau", cwd=d)
    snarkjs("groth16", "setup", "c.r1cs", "pot.ptau", "c0.zkey", cwd=d)
    snarkjs("zkey", "contribute", "c0.zkey", "c.zkey", "--name=bob", "-e=circom entropy", cwd=d)
    snarkjs("zkey", "export", "verificationkey", "c.zkey", "vk.json", cwd=d)
    return d


def test_snarkjs_zkeys_round_trip_byte_for_byte(mul_keys: Path) -> None:
    for name, contributions in (("c0.zkey", 0), ("c1.zkey", 1)):
        data = (mul_keys / name).read_bytes()
        zk = read_zkey(mul_keys / name)
        assert len(zk.mpc.contributions) == contributions
        assert write_zkey(zk) == data, name
    zk = read_zkey(mul_keys / "c1.zkey")
    assert zk.mpc.contributions[0].name == "alice" and zk.development
    assert zk.verifying_key() == vk_from_json((mul_keys / "vk.json").read_text())
    with pytest.raises(MalformedInputError, match="gamma equals delta.*anyone can forge.*zkey contribute"):
        read_zkey(mul_keys / "c0.zkey").proving_key()  # uncontributed: says why and how to fix


def test_we_prove_with_a_snarkjs_zkey_and_snarkjs_verifies(snarkjs: Run, mul_keys: Path) -> None:
    assert cli(["prove", str(mul_keys / "c1.zkey"), str(mul_keys / "witness.wtns"),
                str(mul_keys / "proof.json"), str(mul_keys / "public.json")]) == 0
    assert "OK!" in snarkjs("groth16", "verify", "vk.json", "public.json", "proof.json", cwd=mul_keys).stdout
    zk = read_zkey(mul_keys / "c1.zkey")
    cs = read_r1cs((mul_keys / "mul.r1cs").read_bytes())
    bad = [1, 33, 36, 3, 12]
    with pytest.raises(UnsatisfiedError, match="does not satisfy"):
        groth16.prove(zk.proving_key(), bad)
    with pytest.raises(UnsatisfiedError, match="breaks constraint 0"):
        groth16.prove(zk.proving_key(cs), bad)
    other = read_r1cs(write_r1cs(dev_setup(cs)[0].cs))
    assert zk.proving_key(other).num_wires == 5  # the same system re-encoded is accepted


def test_snarkjs_proves_with_our_zkey_and_we_verify(snarkjs: Run, tmp_path: Path) -> None:
    shutil.copy(MUL / "mul.r1cs", tmp_path / "mul.r1cs")
    shutil.copy(MUL / "witness.wtns", tmp_path / "w.wtns")
    assert cli(["setup", str(tmp_path / "mul.r1cs"), str(tmp_path / "ours.zkey"), str(tmp_path / "vk.json")]) == 0
    snarkjs("groth16", "prove", "ours.zkey", "w.wtns", "proof.json", "public.json", cwd=tmp_path)
    vk = vk_from_json((tmp_path / "vk.json").read_text())
    proof = proof_from_json((tmp_path / "proof.json").read_text())
    assert groth16.verify(vk, public_from_json((tmp_path / "public.json").read_text()), proof)
    snarkjs("zkey", "export", "verificationkey", "ours.zkey", "theirs.json", cwd=tmp_path)
    theirs = (tmp_path / "theirs.json").read_text()  # snarkjs's, plus our development mark
    assert vk.development and vk_to_json(vk) == theirs[:-2] + ',\n "zkmpc_development": true\n}'


def test_circom_circuit_with_circomlib_proves_both_ways(snarkjs: Run, circom_keys: Path) -> None:
    d = circom_keys
    cs = read_r1cs((d / "c.r1cs").read_bytes())
    w = read_wtns((d / "c.wtns").read_bytes(), num_public=cs.num_public)
    assert cs.num_constraints > 250 and cs.is_satisfied(w.values())
    assert cli(["prove", str(d / "c.zkey"), str(d / "c.wtns"), str(d / "proof.json"),
                str(d / "public.json"), "--r1cs", str(d / "c.r1cs")]) == 0
    assert "OK!" in snarkjs("groth16", "verify", "vk.json", "public.json", "proof.json", cwd=d).stdout
    snarkjs("groth16", "prove", "c.zkey", "c.wtns", "p2.json", "pub2.json", cwd=d)
    vk = vk_from_json((d / "vk.json").read_text())
    public = public_from_json((d / "pub2.json").read_text())
    assert public == w.public and public[1] == 100
    assert groth16.verify(vk, public, proof_from_json((d / "p2.json").read_text()))
    assert not groth16.verify(vk, [public[0], 101], proof_from_json((d / "p2.json").read_text()))
    (d / "ours.wtns").write_bytes(write_wtns(w))
    assert (d / "ours.wtns").read_bytes() == (d / "c.wtns").read_bytes()


# ---------------------------------------------------------------- malformed files


def _sections(data: bytes) -> dict[int, tuple[int, int]]:
    pos, out = 12, {}
    while pos < len(data):
        kind, size = struct.unpack_from("<IQ", data, pos)
        out[kind] = (pos + 12, size)
        pos += 12 + size
    return out


def _rogue_g2_lem() -> bytes:
    from .._helpers import twist_point_outside_subgroup

    (x0, x1), (y0, y1) = twist_point_outside_subgroup()
    return b"".join((v * 2**256 % P).to_bytes(32, "little") for v in (x0, x1, y0, y1))


def _patch(data: bytes, at: int, new: bytes) -> bytes:
    return data[:at] + new + data[at + len(new):]


def test_malformed_zkeys_are_refused_before_allocating(mul_keys: Path) -> None:
    good = (mul_keys / "c1.zkey").read_bytes()
    sec = _sections(good)
    hdr, coef, a = sec[2][0], sec[4][0], sec[5][0]
    not_on_curve = (pow(2, 256, P)).to_bytes(32, "little") * 2
    cases = {
        "truncated": good[:len(good) // 2],
        "bad magic": b"zkex" + good[4:],
        "not Groth16": _patch(good, sec[1][0], struct.pack("<I", 2)),
        "other prime": _patch(good, hdr + 4, (P + 2).to_bytes(32, "little")),
        "domain not a power of two": _patch(good, hdr + 80, struct.pack("<I", 12)),
        "huge wire count": _patch(good, hdr + 72, struct.pack("<I", 0xFFFFFFF0)),
        "point off the curve": _patch(good, a + 64, not_on_curve),
        "coordinate >= p": _patch(good, a + 64, P.to_bytes(32, "little")),
        "coefficient >= r": _patch(good, coef + 4 + 12, R.to_bytes(32, "little")),
        "wire out of range": _patch(good, coef + 4 + 8, struct.pack("<I", 99)),
        "coefficient count": _patch(good, coef, struct.pack("<I", 0xFFFFFFFF)),
        "section size": _patch(good, sec[9][0] - 8, struct.pack("<Q", 1 << 60)),
        "contributions": _patch(good, sec[10][0] + 64, struct.pack("<I", 1 << 30)),
        "alpha off the curve": _patch(good, hdr + 84, not_on_curve),
        "gamma outside the subgroup": _patch(good, hdr + 84 + 256, _rogue_g2_lem()),
    }
    for what, data in cases.items():
        peak = peak_bytes_refusing(FormatError, read_zkey, data)
        assert peak < 4 * len(data) + (1 << 20), (what, peak)  # counts checked before allocating
    count = struct.unpack_from("<I", good, coef)[0]  # the last row: A = wire npub, value 1
    with pytest.raises(FormatError, match="public-input rows"):
        read_zkey(_patch(good, coef + 4 + 44 * (count - 1) + 8, struct.pack("<I", 1)))
    with pytest.raises(FormatError, match="path or bytes"):
        read_zkey(12)  # type: ignore[arg-type]


def test_zkey_of_our_setup_round_trips(square_system: Any) -> None:
    _, pk, vk, w, _ = square_system
    data = write_zkey(pk)
    zk = read_zkey(data)
    assert zk.verifying_key() == vk and zk.development
    again = zk.proving_key()
    assert (again.a_g1, again.b_g2, again.l_g1, again.h_g1) == (pk.a_g1, pk.b_g2, pk.l_g1, pk.h_g1)
    assert write_zkey(zk) == data
    assert groth16.verify(vk, [9], groth16.prove(again, w))


def test_new_zkey_from_ptau_equals_snarkjs_setup_byte_for_byte(mul_keys: Path, circom_keys: Path) -> None:
    for d, r1cs in ((mul_keys, "mul.r1cs"), (circom_keys, "c.r1cs")):
        cs = read_r1cs((d / r1cs).read_bytes())
        zk = new_zkey(cs, d / "pot.ptau")
        assert write_zkey(zk) == (d / "c0.zkey").read_bytes(), r1cs
    out = mul_keys / "ours0.zkey"
    assert cli(["zkey", "new", str(mul_keys / "mul.r1cs"), str(mul_keys / "pot.ptau"), str(out)]) == 0
    assert out.read_bytes() == (mul_keys / "c0.zkey").read_bytes()
    assert cli(["zkey", "export", "verificationkey", str(mul_keys / "c1.zkey"), str(mul_keys / "v2.json")]) == 0
    theirs = (mul_keys / "vk.json").read_text()  # one contribution: a development key, marked
    assert (mul_keys / "v2.json").read_text() == theirs[:-2] + ',\n "zkmpc_development": true\n}'
    assert cli(["ptau", "info", str(mul_keys / "pot.ptau")]) == 0
    big = read_r1cs((circom_keys / "c.r1cs").read_bytes())
    with pytest.raises(SetupError, match="power 8"):
        new_zkey(big, mul_keys / "pot.ptau")


def test_coefficient_grouping_handles_words_sharing_their_low_bits() -> None:
    import numpy as np

    from zkp.formats.zkey import _unique_words

    words = [(5).to_bytes(32, "little"), (5 + (1 << 200)).to_bytes(32, "little"), (7).to_bytes(32, "little")]
    values = np.frombuffer(b"".join(words[i] for i in (0, 1, 2, 1, 0)), dtype="V32")
    uniq, inv = _unique_words(values)
    want_u, want_i = np.unique(values, return_inverse=True)
    assert uniq.tobytes() == want_u.tobytes() and inv.tolist() == want_i.reshape(-1).tolist()
    plain = np.frombuffer(b"".join(words[i] for i in (2, 0, 2)), dtype="V32")
    uniq, inv = _unique_words(plain)
    assert [uniq[k].tobytes() for k in inv] == [words[2], words[0], words[2]]


def _random_r1cs(seed: int) -> Any:
    """An R1CS with empty rows, a coefficient value at two ids and, for odd seeds, no 1."""
    import random

    import numpy as np

    from zkp.r1cs import R1CS, SparseMatrix

    rnd = random.Random(seed)
    wires, m = rnd.randrange(3, 40), rnd.randrange(0, 60)
    coeffs = [5, 7, 5, R - 1, 2**200 + seed] + ([] if seed % 2 else [1])

    def matrix() -> SparseMatrix:
        ptr, cols, ids = [0], [], []
        for _ in range(m):
            for _ in range(rnd.choice([0, 0, 1, 2, 5])):
                cols.append(rnd.randrange(wires))
                ids.append(rnd.randrange(len(coeffs)))
            ptr.append(len(cols))
        return SparseMatrix(np.array(ptr, dtype=np.int64), np.array(cols, dtype=np.uint32),
                            np.array(ids, dtype=np.uint32))

    return R1CS(num_wires=wires, num_public=rnd.randrange(0, wires - 1), A=matrix(), B=matrix(), C=matrix(),
                coeffs=coeffs, labels=["x"], label_ids=np.zeros(m, dtype=np.uint32))


@pytest.mark.parametrize("seed", range(12))
def test_qap_matrices_vectorised_equal_row_by_row(seed: int) -> None:
    """snarkjs's entry order (row by row, A before B) and coefficient table (first use,
    then 1) from the vectorised build equal the row-by-row reference, on R1CSs with empty
    rows, one value at two coefficient ids and no 1 among the entries."""
    import numpy as np

    from zkp.qap import QapMatrices

    cs = _random_r1cs(seed)
    got, want = QapMatrices.from_r1cs(cs), QapMatrices._from_r1cs_rows(cs)
    assert got.coeffs == want.coeffs
    for name in ("matrix", "rows", "wires", "coeff_ids"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
        assert getattr(got, name).dtype == getattr(want, name).dtype, name
    assert got.zkey_coefficients() == want.zkey_coefficients()
