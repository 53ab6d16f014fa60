"""Parties as real processes talking TLS on 127.0.0.1 (``zkmpc party``): three and five
parties, crashes and kills mid-protocol, aborts that name the missing party, and a rogue
connection that cannot disturb a running party."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from mpc.net.config import free_local_ports, load_config, write_local_config
from mpc.net.frames import Message, encode
from mpc.net.tls import client_context, generate_certificates

from ..conftest import ROOT

DATA = {1: ["36.6", "37.2"], 2: ["38.1", "36.9", "37.0"], 3: ["36.4"], 4: ["39.0", "37.5"], 5: ["36.8", "36.7"]}


def _setup(tmp: Path, n: int, threshold: int, timeout: float = 5.0) -> Path:
    cfg = write_local_config(tmp, n=n, threshold=threshold, ports=free_local_ports(n), round_timeout=timeout,
                             connect_timeout=3)
    for p in range(1, n + 1):
        (tmp / f"in{p}.txt").write_text("# temperatures\n" + "\n".join(DATA[p]) + "\n")
    return cfg


def _start(cfg: Path, party: int, *extra: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "zkmpc", "party", "--config", str(cfg), "--id", str(party), "--protocol", "stats",
           "--input", str(cfg.parent / f"in{party}.txt"), "--decimals", "1", "--bound", "100", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _finish(procs: dict[int, subprocess.Popen[str]]) -> dict[int, tuple[int, Any]]:
    out = {}
    for p, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=60)
        doc = json.loads(stdout) if stdout.strip() else None
        out[p] = (proc.returncode, doc if doc is not None else stderr[-2000:])
    return out


def _expected(parties: list[int]) -> tuple[int, Fraction, Fraction]:
    vals = [Fraction(v) for p in parties for v in DATA[p]]
    mean = sum(vals) / len(vals)
    return len(vals), mean, sum((v - mean) ** 2 for v in vals) / len(vals)


def _check(doc: dict[str, Any], contributors: list[int]) -> None:
    count, mean, var = _expected(contributors)
    assert doc["contributors"] == contributors and doc["count"] == count
    assert abs(Fraction(Decimal(doc["mean"])) - mean) < Fraction(1, 10 ** 40)
    assert abs(Fraction(Decimal(doc["variance"])) - var) < Fraction(1, 10 ** 40)


@pytest.mark.parametrize("n,threshold,extra", [(3, 2, ()), (5, 3, ()), (3, 2, ("--verified",))])
def test_parties_compute_the_statistics_over_tls(tmp_path: Path, n: int, threshold: int, extra: tuple[str, ...]) -> None:
    cfg = _setup(tmp_path, n, threshold)
    out = _finish({p: _start(cfg, p, *extra) for p in range(1, n + 1)})
    for p, (code, doc) in out.items():
        assert code == 0, doc
        _check(doc, list(range(1, n + 1)))
        assert doc["violations"] == [] and doc["missing"] == []


@pytest.mark.parametrize("when,contributors", [("start", [1, 2, 3, 5]), ("input", [1, 2, 3, 4, 5]),
                                               ("announce", [1, 2, 3, 4, 5])])
def test_a_party_crashing_mid_protocol_is_tolerated(tmp_path: Path, when: str, contributors: list[int]) -> None:
    cfg = _setup(tmp_path, 5, 3)
    procs = {p: _start(cfg, p, *(["--exit-after", when] if p == 4 else [])) for p in range(1, 6)}
    out = _finish(procs)  # each party must finish within _finish's timeout
    assert out[4][0] == 75
    for p in (1, 2, 3, 5):
        code, doc = out[p]
        assert code == 0, doc
        _check(doc, contributors)
        assert doc["missing"] == [4]


def test_a_party_killed_mid_protocol_leaves_a_correct_result(tmp_path: Path) -> None:
    cfg = _setup(tmp_path, 5, 3)
    procs = {p: _start(cfg, p) for p in range(1, 5)}  # all wait in the input round for party 5
    _wait_listening(load_config(cfg).addresses()[2][1])
    time.sleep(0.5)
    procs[2].send_signal(signal.SIGKILL)
    procs[5] = _start(cfg, 5)
    out = _finish(procs)
    assert out[2][0] == -signal.SIGKILL
    docs = [out[p][1] for p in (1, 3, 4, 5)]
    for code, doc in (out[p] for p in (1, 3, 4, 5)):
        assert code == 0, doc
        _check(doc, doc["contributors"])  # with or without party 2's input, always consistent
        assert set(doc["contributors"]) >= {1, 3, 4, 5}
    assert len({json.dumps([d["contributors"], d["mean"]]) for d in docs}) == 1


def test_beyond_the_threshold_every_party_aborts_naming_the_missing(tmp_path: Path) -> None:
    cfg = _setup(tmp_path, 3, 3, timeout=10)
    procs = {p: _start(cfg, p, *(["--exit-after", "start"] if p == 3 else [])) for p in range(1, 4)}
    out = _finish(procs)
    for p in (1, 2):
        code, doc = out[p]
        assert code == 3, doc
        assert doc["missing"] == [3] and "mean" not in doc and "count" not in doc and "3" in doc["error"]


def test_a_stalled_party_is_named_once_its_links_fall_silent(tmp_path: Path) -> None:
    """Party 3 hangs after its input (its links stay open, silent): once they are silent
    for the read timeout the others close them and abort naming party 3."""
    cfg = _setup(tmp_path, 3, 3, timeout=30)
    cfg.write_text(cfg.read_text().replace('ca = "ca.pem"', 'read_timeout = 1.0\nca = "ca.pem"'))
    procs = {p: _start(cfg, p, *(["--stall-after", "input"] if p == 3 else [])) for p in range(1, 4)}
    try:
        out = _finish({p: procs[p] for p in (1, 2)})
    finally:
        procs[3].kill()
        procs[3].communicate(timeout=30)
    for p in (1, 2):
        code, doc = out[p]
        assert code == 3, doc
        assert doc["missing"] == [3] and "mean" not in doc and "3" in doc["error"]
        assert any(peer == 3 and "no complete frame within 1 s" in reason for peer, reason in doc["violations"]), doc


def _wait_listening(port: int) -> None:
    for _ in range(200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def _inject(port: int, ctx: ssl.SSLContext, frames: list[bytes]) -> None:
    with socket.create_connection(("127.0.0.1", port)) as raw, ctx.wrap_socket(raw) as tls:
        for f in frames:
            tls.sendall(f)
        time.sleep(0.2)


def test_a_running_party_rejects_rogue_frames_and_keeps_serving(tmp_path: Path) -> None:
    cfg_path = _setup(tmp_path, 3, 2, timeout=10)
    cfg = load_config(cfg_path)
    procs = {p: _start(cfg_path, p) for p in (1, 2)}  # party 3 starts late
    port1 = cfg.addresses()[1][1]
    _wait_listening(port1)
    as3 = client_context(cfg.ca, tmp_path / "party3.pem", tmp_path / "party3.key")
    _inject(port1, as3, [encode(Message(cfg.session, 2, 1, "stats/input", b"spoofed sender")),
                         encode(Message(b"\x07" * 16, 3, 1, "stats/input", b"replay from another session")),
                         b"\x00" * 64])
    _inject(port1, as3, [b"ZKMP\x01\x01\xff\xff\xff\xff"])  # a 4 GB frame
    generate_certificates(tmp_path / "rogue", [3])
    with pytest.raises((ssl.SSLError, OSError)):
        _inject(port1, client_context(tmp_path / "rogue" / "ca.pem", tmp_path / "rogue" / "party3.pem",
                                      tmp_path / "rogue" / "party3.key"), [b"hello"])
    procs[3] = _start(cfg_path, 3)
    out = _finish(procs)
    for p in (1, 2, 3):
        assert out[p][0] == 0, out[p]
        _check(out[p][1], [1, 2, 3])
    reasons = " | ".join(r for _, r in out[1][1]["violations"])
    for expected in ("claims sender 2", "another session", "magic", "exceeds the cap", "handshake"):
        assert expected in reasons, reasons


def test_party_cli_reports_configuration_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zkmpc.cli import main

    assert main(["party-setup", str(tmp_path), "--n", "3", "--threshold", "2"]) == 0
    cfg = tmp_path / "parties.toml"
    (tmp_path / "in.txt").write_text("1.5\n")
    cfg.write_text(cfg.read_text().replace("threshold = 2", "threshold = 9"))
    assert main(["party", "--config", str(cfg), "--id", "1", "--input", str(tmp_path / "in.txt")]) == 2
    assert "threshold must be in 1..3" in capsys.readouterr().err
    assert main(["party-setup", str(tmp_path / "x"), "--n", "1", "--threshold", "1"]) == 2
