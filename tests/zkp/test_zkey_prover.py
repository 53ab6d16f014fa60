"""The long-lived prover (:class:`zkp.groth16.Prover`) and its HTTP server: proofs from a
snarkjs key verify with ours and snarkjs's verifier; bad witnesses and requests are refused
with a clear error and the server keeps serving; a corrupt key never yields a proof."""

from __future__ import annotations

import http.client
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from zkmpc.cli import main as cli
from zkmpc.prover_server import ProverRequestError, ProverServer, request_proof
from zkp import groth16
from zkp.errors import FormatError, MalformedInputError, UnsatisfiedError
from zkp.field import R
from zkp.formats.circom import read_wtns, write_wtns
from zkp.formats.snarkjs_json import proof_to_json, public_to_json, vk_from_json
from zkp.formats.zkey import snarkjs_sections

from ..conftest import ROOT, VECTORS

Run = Callable[..., subprocess.CompletedProcess[str]]
MUL = VECTORS / "snarkjs_mul"
GOOD = [1, 33, 36, 3, 11]  # the multiplier's witness (public 33, 36), as its .wtns holds it
BAD = [1, 33, 36, 3, 12]  # breaks a constraint


@pytest.fixture(scope="module")
def keys(snarkjs: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """snarkjs's setup of the multiplier, one contribution, its verifying key and witness."""
    d = tmp_path_factory.mktemp("prover")
    for name in ("mul.r1cs", "witness.wtns"):
        shutil.copy(MUL / name, d / name)
    shutil.copy(VECTORS / "pot8_final.ptau", d / "pot.ptau")
    snarkjs("groth16", "setup", "mul.r1cs", "pot.ptau", "c0.zkey", cwd=d)
    snarkjs("zkey", "contribute", "c0.zkey", "k.zkey", "--name=a", "-e=prover test", cwd=d)
    snarkjs("zkey", "export", "verificationkey", "k.zkey", "vk.json", cwd=d)
    return d


def witness(d: Path) -> list[int]:
    values = read_wtns((d / "witness.wtns").read_bytes(), num_public=2).values()
    assert values == GOOD
    return values


def snarkjs_verifies(snarkjs: Run, d: Path, proof: Any, public: list[int]) -> bool:
    (d / "p.json").write_text(proof_to_json(proof))
    (d / "pub.json").write_text(public_to_json(public))
    res = snarkjs("groth16", "verify", "vk.json", "pub.json", "p.json", cwd=d, check=False)
    return res.returncode == 0 and "OK!" in res.stdout


@pytest.mark.parametrize("tables", [False, True])
def test_prover_proofs_verify_with_ours_and_snarkjs(snarkjs: Run, keys: Path, tables: bool) -> None:
    prover = groth16.Prover(keys / "k.zkey", tables=tables)
    assert bool(prover._tables) == tables
    vk = vk_from_json((keys / "vk.json").read_text())
    w = witness(keys)
    seen = set()
    for source in (w, (keys / "witness.wtns").read_bytes()):
        proof, public = prover.prove(w) if source is w else prover.prove_wtns(source)  # type: ignore[arg-type]
        assert public == w[1:3] and groth16.verify(vk, public, proof)
        seen.add(proof.to_bytes())
    assert len(seen) == 2  # fresh blinding every proof
    assert snarkjs_verifies(snarkjs, keys, proof, public)
    assert prover.vk == vk and prover.vk.development  # one contribution: development


def test_prover_refuses_bad_witnesses_clearly(keys: Path) -> None:
    prover = groth16.Prover(keys / "k.zkey")
    w = witness(keys)
    with pytest.raises(MalformedInputError, match="expected 5 wires"):
        prover.prove(w[:4])
    raw = b"".join(v.to_bytes(32, "little") for v in w)
    with pytest.raises(MalformedInputError, match="expected 5 wires"):
        prover.prove(raw + bytes(32))
    with pytest.raises(MalformedInputError, match="witness 2: expected a value < r"):
        prover.prove(raw[:64] + R.to_bytes(32, "little") + raw[96:])
    with pytest.raises(MalformedInputError, match="wire 0 must be 1"):
        prover.prove([2] + w[1:])
    with pytest.raises(UnsatisfiedError, match="does not satisfy"):
        prover.prove(BAD)
    assert prover.prove(w)[1] == w[1:3]  # still proving after the refusals


def corrupted(keys: Path, section: int, tmp: Path) -> Path:
    """The key with the first point of ``section`` moved off the curve (y + 1)."""
    data = bytearray((keys / "k.zkey").read_bytes())
    sec = snarkjs_sections(memoryview(bytes(data)), b"zkey", 10)
    start = bytes(data).index(bytes(sec[section][:64]))
    width = 128 if section == 7 else 64
    for i in range(start, start + width):  # first non-infinity point: flip its last y byte
        if any(data[i:i + width]):
            break
    y = start + width - 32
    data[y] ^= 1
    out = tmp / f"bad{section}.zkey"
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("section", [5, 9])
def test_a_corrupt_key_never_yields_a_proof(keys: Path, tmp_path: Path, section: int) -> None:
    bad = corrupted(keys, section, tmp_path)
    with pytest.raises(FormatError, match=f"section {section}"):
        groth16.Prover(bad)
    unchecked = groth16.Prover(bad, check_points=False)
    with pytest.raises(FormatError, match="the key is corrupt"):
        unchecked.prove(witness(keys))
    assert cli(["prove", str(bad), str(keys / "witness.wtns"), str(tmp_path / "p.json"),
                str(tmp_path / "pub.json")]) == 2
    assert not (tmp_path / "p.json").exists()


def test_cli_prove_from_zkey_pages_dropped_and_verified(snarkjs: Run, keys: Path, tmp_path: Path) -> None:
    assert cli(["prove", str(keys / "k.zkey"), str(keys / "witness.wtns"), str(tmp_path / "p.json"),
                str(tmp_path / "pub.json")]) == 0
    shutil.copy(keys / "vk.json", tmp_path / "vk.json")
    res = snarkjs("groth16", "verify", "vk.json", "pub.json", "p.json", cwd=tmp_path)
    assert "OK!" in res.stdout


def test_cli_prove_imports_nothing_it_does_not_need(keys: Path, tmp_path: Path) -> None:
    code = ("import sys; from zkmpc.cli import main; "
            f"assert main(['prove', {str(keys / 'k.zkey')!r}, {str(keys / 'witness.wtns')!r}, "
            f"{str(tmp_path / 'p.json')!r}, {str(tmp_path / 'pub.json')!r}]) == 0; "
            "import importlib.util as u; "
            "loaded = [m for m in ('numpy', 'gmpy2', 'circuits', 'mpc', 'zkp.r1cs', 'zkp.qap', "
            "'zkp.formats.strict_json', 'zkmpc.cli.ceremony', 'zkmpc.cli.party', "
            "'zkmpc.cli.witness', 'zkmpc.cli.paillier', 'zkmpc.cli.evm', 'dataclasses', 'inspect', "
            "'zkp.formats.zkey', 'zkp.groth16.proving_key', 'zkp.display', 'html', 'shutil', 'random', "
            "'secrets', 'hmac', 'argparse', 'gettext', 'typing', 'json') "
            "if m in sys.modules and not isinstance(getattr(sys.modules[m], '__spec__', None) and "
            "sys.modules[m].__spec__.loader, u.LazyLoader)]; print(loaded)")
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("POST", "/prove", body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def announce(url: str, size: int) -> tuple[int, Any]:
    """Send only the headers of a POST of ``size`` bytes and read the answer."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.putrequest("POST", "/prove")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def test_server_proves_refuses_bad_requests_and_keeps_serving(snarkjs: Run, keys: Path) -> None:
    wtns = (keys / "witness.wtns").read_bytes()
    vk = vk_from_json((keys / "vk.json").read_text())
    with ProverServer(groth16.Prover(keys / "k.zkey")) as server:
        proof, public = request_proof(server.url, wtns)
        assert groth16.verify(vk, public, proof) and snarkjs_verifies(snarkjs, keys, proof, public)
        refusals = {
            "value >= r": write_wtns(GOOD)[:-32] + R.to_bytes(32, "little"),
            "unsatisfied": write_wtns(BAD),
            "too few wires": write_wtns(GOOD[:4]),
            "truncated": wtns[:-5],
            "not a wtns": b"hello",
        }
        for what, body in refusals.items():
            with pytest.raises(ProverRequestError) as exc:
                request_proof(server.url, body)
            assert exc.value.status in (400, 422), what
            assert str(exc.value), what
        assert "expected a value < r" in _error(server.url, refusals["value >= r"])
        assert "does not satisfy" in _error(server.url, refusals["unsatisfied"])
        assert "4 values, the key has 5 wires" in _error(server.url, refusals["too few wires"])
        status, doc = announce(server.url, 10_000_000)  # refused before a byte of the body is read
        assert status == 413 and "bound" in doc["error"]
        with pytest.raises(ProverRequestError, match="bound") as too_big:
            request_proof(server.url, b"x" * 10_000_000)
        assert too_big.value.status == 413
        status, doc = post(server.url, wtns, {"Content-Length": "not-a-number"})
        assert status in (400, 411)
        again, _ = request_proof(server.url, wtns)  # still serving
        assert groth16.verify(vk, public, again)
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/status")
        status_doc = json.loads(conn.getresponse().read())
        conn.close()
        assert status_doc == {"wires": 5, "public": 2, "domain": status_doc["domain"], "proofs": 2}


def _error(url: str, body: bytes) -> str:
    status, doc = post(url, body)
    assert status in (400, 422)
    return str(doc["error"])


def test_cli_client_and_server(keys: Path, tmp_path: Path) -> None:
    with ProverServer(groth16.Prover(keys / "k.zkey")) as server:
        assert cli(["prover", "prove", server.url, str(keys / "witness.wtns"), str(tmp_path / "p.json"),
                    str(tmp_path / "pub.json")]) == 0
        assert json.loads((tmp_path / "pub.json").read_text()) == ["33", "36"]
        (tmp_path / "bad.wtns").write_bytes(write_wtns(BAD))
        assert cli(["prover", "prove", server.url, str(tmp_path / "bad.wtns")]) == 2
    assert struct.unpack_from("<I", (keys / "witness.wtns").read_bytes(), 4)[0] == 2


def test_prove_benchmark_runs_at_its_smallest_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m benchmarks.prove --quick``: both rows print (no timing asserted; speed
    goals live in the benchmark); without RAPIDSNARK its columns say "not measured"."""
    from benchmarks import prove

    monkeypatch.setenv("ZKMPC_CACHE", str(tmp_path))
    monkeypatch.delenv("RAPIDSNARK", raising=False)
    assert prove.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "chain 2^10" in out and "not measured" in out and "byte-compiled" in out
    assert "long-lived prover (zkmpc prover serve), 300 constraints" in out


def test_server_answers_a_short_body_and_unknown_paths(keys: Path) -> None:
    import socket

    with ProverServer(groth16.Prover(keys / "k.zkey")) as server:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(b"POST /prove HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + bytes(10))
            sock.shutdown(socket.SHUT_WR)  # 10 bytes of the 100 announced, then the end
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and json.loads(body) == {"error": "expected 100 bytes, received 10"}
        for method in ("GET", "POST"):
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request(method, "/elsewhere", body=b"" if method == "POST" else None)
            resp = conn.getresponse()
            assert resp.status == 404 and "no such resource '/elsewhere'" in json.loads(resp.read())["error"]
            conn.close()
        assert server.proofs == [0]
