"""The command line end to end (compile, setup, prove, verify, info) and `zkmpc demo`."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from ..conftest import ROOT

EXAMPLE = ROOT / "examples" / "age.py"


def zkmpc(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-m", "zkmpc", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=600)
    if check and res.returncode != 0:
        raise AssertionError(f"zkmpc {' '.join(args)} -> {res.returncode}\n{res.stdout}\n{res.stderr}")
    return res


def test_cli_end_to_end(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess]) -> None:
    ref = f"{EXAMPLE}:AgeAtLeast"
    out = zkmpc("compile", ref, "-o", "build", cwd=tmp_path).stdout
    assert "constraints:" in out and "AgeAtLeast.r1cs" in out
    res = zkmpc("setup", "build/AgeAtLeast.r1cs", "build/pk.bin", "build/verification_key.json",
                cwd=tmp_path)
    assert "DEVELOPMENT" in res.stderr
    (tmp_path / "input.json").write_text(json.dumps({"min_age": 18, "year": "2026", "birth_year": 1990}))
    zkmpc("prove", ref, "input.json", "build/pk.bin", "proof.json", "public.json", cwd=tmp_path)
    assert json.loads((tmp_path / "public.json").read_text()) == ["18", "2026"]
    assert zkmpc("verify", "build/verification_key.json", "public.json", "proof.json",
                 cwd=tmp_path).stdout.strip() == "OK!"
    res = snarkjs("groth16", "verify", "build/verification_key.json", "public.json", "proof.json",
                  cwd=tmp_path)
    assert "OK!" in res.stdout
    (tmp_path / "public.json").write_text('["21", "2026"]')
    res = zkmpc("verify", "build/verification_key.json", "public.json", "proof.json", cwd=tmp_path,
                check=False)
    assert res.returncode == 1 and "Invalid proof" in res.stdout
    assert "constraints:" in zkmpc("info", "build/AgeAtLeast.r1cs", cwd=tmp_path).stdout
    assert "AgeAtLeast" in zkmpc("info", ref, cwd=tmp_path).stdout


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    ref = f"{EXAMPLE}:AgeAtLeast"
    zkmpc("compile", ref, "-o", "b", cwd=tmp_path)
    zkmpc("setup", "b/AgeAtLeast.r1cs", "b/pk.bin", "b/vk.json", cwd=tmp_path)
    (tmp_path / "young.json").write_text('{"min_age": 18, "year": 2026, "birth_year": 2015}')
    res = zkmpc("prove", ref, "young.json", "b/pk.bin", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "age.py:" in res.stderr and "not satisfied" in res.stderr
    (tmp_path / "bad.json").write_text('{"min_age": 18, "year": 2026}')
    res = zkmpc("prove", ref, "bad.json", "b/pk.bin", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "missing inputs ['birth_year']" in res.stderr
    (tmp_path / "p.json").write_text('["1_8", "2026"]')  # the key's count, one value non-canonical
    res = zkmpc("verify", "b/vk.json", "p.json", "p.json", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "canonical decimal" in res.stderr
    res = zkmpc("compile", "nofile.py", cwd=tmp_path, check=False)
    assert res.returncode != 0 and "FILE.py:Class" in res.stderr


def _subparsers(parser: argparse.ArgumentParser) -> Any:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_one_commands_parser_says_what_the_whole_tree_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """`zkmpc CMD ...` builds only CMD's parser: the top-level usage (printed with every
    error the top level reports), CMD's help and the parse itself are the whole tree's."""
    from zkmpc.cli import _COMMANDS, _parser

    monkeypatch.setenv("COLUMNS", "80")  # usage lines wrap at the terminal's width
    whole = _parser([])
    names = [name for name, _, _ in _COMMANDS]
    assert list(_subparsers(whole).choices) == names
    for name in names:
        one = _parser([name])
        assert list(_subparsers(one).choices) == [name]
        assert one.format_usage() == whole.format_usage()
        assert _subparsers(one).choices[name].format_help() == _subparsers(whole).choices[name].format_help()
    argv = ["prove", "k.zkey", "w.wtns", "p.json", "pub.json", "--r1cs", "c.r1cs"]
    assert vars(_parser(argv).parse_args(argv)) == vars(whole.parse_args(argv))


def test_prove_from_a_zkey_parses_as_argparse_does_without_it() -> None:
    """`zkmpc prove K.zkey W.wtns [P [PUB]]` skips argparse (its import and the parser's
    construction): the namespace is the one argparse gives; every other command line, and
    any with an option or a `-` argument, is left to argparse (and its messages)."""
    from zkmpc.cli import _parser, _zkey_prove_args

    whole = _parser([])
    for argv in (["prove", "k.zkey", "w.wtns"], ["prove", "k.zkey", "w.wtns", "p.json"],
                 ["prove", "k.zkey", "w.wtns", "p.json", "pub.json"], ["prove", "d/k.zkey", "", "p", "q"]):
        fast = _zkey_prove_args(argv)
        assert fast is not None and vars(fast) == vars(whole.parse_args(argv)), argv
    for argv in (["prove", "k.zkey"], ["prove", "k.zkey", "w.wtns", "p", "q", "extra"],
                 ["prove", "k.zkey", "w.wtns", "--r1cs", "c.r1cs"], ["prove", "k.zkey", "-w"],
                 ["prove", "C.py:Main", "in.json", "pk.bin"], ["verify", "k.zkey", "a", "b"],
                 ["prove", "k.zkey", "w.wtns", "--help"], []):
        assert _zkey_prove_args(argv) is None, argv


def test_unknown_commands_and_extra_arguments_get_the_whole_trees_messages(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from zkmpc.cli import main

    monkeypatch.setenv("COLUMNS", "80")
    for argv, says in ((["bogus"], "invalid choice: 'bogus'"), ([], "required: command"),
                       (["verify", "a", "b", "c", "d"], "unrecognized arguments: d")):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert says in err and "{compile,setup,prove,verify,info,export-verifier" in err, err


@pytest.mark.interop
def test_demo(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess]) -> None:
    res = zkmpc("demo", "--out", "demo", cwd=tmp_path)
    assert "verifies: True" in res.stdout and "min_age=21 verifies: False" in res.stdout
    assert "17-year-old cannot make a witness" in res.stdout and "prove" in res.stdout
    assert "EmbeddedEVM(pyrevm): verifyProof(min_age=18) = True" in res.stdout
    assert "allow_development=True: this demo's key comes from a single-party setup" in res.stdout
    assert "min_age=21 = False" in res.stdout
    assert "OK!" in snarkjs("groth16", "verify", "verification_key.json", "public.json",
                            "proof.json", cwd=tmp_path / "demo").stdout


@pytest.mark.interop
def test_evm_verbs(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess], anvil_url: str,
                   solc_ready: None) -> None:
    d = ROOT / "tests" / "vectors" / "snarkjs_mul"
    vk, public, proof = (str(d / n) for n in ("verification_key.json", "public.json", "proof.json"))
    out = zkmpc("export-verifier", vk, "V.sol", "--contract-name", "MulVerifier", cwd=tmp_path).stdout
    assert "wrote V.sol" in out and "contract MulVerifier" in (tmp_path / "V.sol").read_text()
    ours = zkmpc("calldata", public, proof, cwd=tmp_path).stdout
    theirs = snarkjs("zkey", "export", "soliditycalldata", public, proof).stdout
    assert ours == theirs
    res = zkmpc("verify-onchain", vk, public, proof, "--rpc", anvil_url, cwd=tmp_path)
    assert "deployed the verifier at 0x" in res.stdout and "OK! verifyProof returned true" in res.stdout
    address = res.stdout.split("deployed the verifier at ")[1].split()[0]
    (tmp_path / "wrong.json").write_text('["33", "37"]')
    res = zkmpc("verify-onchain", vk, "wrong.json", proof, "--rpc", anvil_url, "--address", address,
                cwd=tmp_path, check=False)
    assert res.returncode == 1 and "Invalid proof" in res.stdout
    assert "OK!" in zkmpc("verify-onchain", vk, public, proof, cwd=tmp_path).stdout  # embedded EVM
    (tmp_path / "big.json").write_text(f'["{2**254}", "36"]')
    res = zkmpc("calldata", "big.json", proof, cwd=tmp_path, check=False)
    assert res.returncode == 2 and "error:" in res.stderr
    res = zkmpc("verify-onchain", vk, public, proof, "--rpc", "http://127.0.0.1:9", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "cannot reach" in res.stderr


@pytest.mark.interop
def test_development_keys_go_on_chain_only_with_the_flag(tmp_path: Path, solc_ready: None) -> None:
    """`zkmpc setup` writes a development key; export-verifier and verify-onchain read it
    back from verification_key.json still marked, and refuse it without the flag."""
    ref = f"{EXAMPLE}:AgeAtLeast"
    zkmpc("compile", ref, "-o", "b", cwd=tmp_path)
    assert "--allow-development-key" in zkmpc("setup", "b/AgeAtLeast.r1cs", "b/pk.bin", "b/vk.json",
                                               cwd=tmp_path).stderr
    assert json.loads((tmp_path / "b" / "vk.json").read_text())["zkmpc_development"] is True
    (tmp_path / "in.json").write_text('{"min_age": 18, "year": 2026, "birth_year": 1990}')
    zkmpc("prove", ref, "in.json", "b/pk.bin", "proof.json", "public.json", cwd=tmp_path)
    export, onchain = ["export-verifier", "b/vk.json", "V.sol"], ["verify-onchain", "b/vk.json", "public.json",
                                                                  "proof.json"]
    for verb in (export, onchain):
        res = zkmpc(*verb, cwd=tmp_path, check=False)
        assert res.returncode == 2 and "development key" in res.stderr, verb
        for pointer in ("--allow-development-key", "zkmpc zkey contribute", "zkmpc zkey beacon", ".ptau"):
            assert pointer in res.stderr, (verb, pointer)
    assert not (tmp_path / "V.sol").exists()
    assert "DEVELOPMENT" in zkmpc(*export, "--allow-development-key", cwd=tmp_path).stdout
    assert "WARNING: development key" in (tmp_path / "V.sol").read_text()
    assert "OK! verifyProof returned true" in zkmpc(*onchain, "--allow-development-key", cwd=tmp_path).stdout


@pytest.mark.interop
def test_a_ceremony_key_goes_on_chain_without_the_flag(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess],
                                                       solc_ready: None) -> None:
    """One contribution still marks the key (its contributor can forge); two make it a
    production key, whose verification_key.json is snarkjs's byte for byte."""
    vectors = ROOT / "tests" / "vectors"
    r1cs, ptau = str(vectors / "snarkjs_mul" / "mul.r1cs"), str(vectors / "pot8_final.ptau")
    zkmpc("zkey", "new", r1cs, ptau, "c0.zkey", cwd=tmp_path)
    zkmpc("zkey", "contribute", "c0.zkey", "c1.zkey", "--name", "a", "-e", "one", cwd=tmp_path)
    res = zkmpc("zkey", "export", "verificationkey", "c1.zkey", "vk1.json", cwd=tmp_path)
    assert "DEVELOPMENT" in res.stderr
    res = zkmpc("export-verifier", "vk1.json", "V1.sol", cwd=tmp_path, check=False)
    assert res.returncode == 2 and "development key" in res.stderr
    zkmpc("zkey", "contribute", "c1.zkey", "c2.zkey", "--name", "b", "-e", "two", cwd=tmp_path)
    zkmpc("zkey", "beacon", "c2.zkey", "c3.zkey", "0123456789abcdef", "10", cwd=tmp_path)
    res = zkmpc("zkey", "export", "verificationkey", "c3.zkey", "vk.json", cwd=tmp_path)
    assert "DEVELOPMENT" not in res.stderr
    snarkjs("zkey", "export", "verificationkey", "c3.zkey", "theirs.json", cwd=tmp_path)
    assert (tmp_path / "vk.json").read_text() == (tmp_path / "theirs.json").read_text()
    out = zkmpc("export-verifier", "vk.json", "V.sol", cwd=tmp_path).stdout
    assert "wrote V.sol" in out and "DEVELOPMENT" not in out
    assert "WARNING" not in (tmp_path / "V.sol").read_text()


HINTED = '''
from circuits import Circuit, Public, Secret, UInt


def floor_div(a, b):
    return a // b


class Div(Circuit):
    q: Public[UInt[16]]
    a: Secret[UInt[16]]

    def define(self, api):
        q = api.hint(floor_div, self.a, 7)
        rem = api.as_uint(self.a - q * 7, 3)
        api.assert_true(rem < 7)
        api.assert_equal(q, self.q)
'''


def test_wtns_calculate_from_the_stored_program(tmp_path: Path, snarkjs: Callable[..., subprocess.CompletedProcess]) -> None:
    """`zkmpc compile` stores the witness program beside the .r1cs; `zkmpc wtns calculate`
    runs it (define does not run), and snarkjs agrees the witness satisfies the .r1cs."""
    (tmp_path / "div.py").write_text(HINTED)
    (tmp_path / "input.json").write_text(json.dumps({"q": 14, "a": 100}))
    out = zkmpc("compile", "div.py:Div", "-o", "build", cwd=tmp_path).stdout
    assert "build/Div.zkwp" in out
    zkmpc("wtns", "calculate", "div.py:Div", "input.json", "p.wtns", "--program", "build/Div.zkwp", cwd=tmp_path)
    zkmpc("wtns", "calculate", "div.py:Div", "input.json", "c.wtns", cwd=tmp_path)
    assert (tmp_path / "p.wtns").read_bytes() == (tmp_path / "c.wtns").read_bytes()
    assert "WITNESS IS CORRECT" in snarkjs("wtns", "check", "build/Div.r1cs", "p.wtns", cwd=tmp_path).stdout
    (tmp_path / "input.json").write_text(json.dumps({"q": 15, "a": 100}))
    res = zkmpc("wtns", "calculate", "div.py:Div", "input.json", "x.wtns", "--program", "build/Div.zkwp",
                cwd=tmp_path, check=False)
    assert res.returncode == 2 and "assert_equal at div.py:" in res.stderr and "left = 14, right = 15" in res.stderr
    data = bytearray((tmp_path / "build" / "Div.zkwp").read_bytes())
    data[100] ^= 1
    (tmp_path / "build" / "Div.zkwp").write_bytes(bytes(data))
    res = zkmpc("wtns", "calculate", "div.py:Div", "input.json", "x.wtns", "--program", "build/Div.zkwp",
                cwd=tmp_path, check=False)
    assert res.returncode == 2 and "checksum does not match" in res.stderr


def test_a_stored_program_cannot_name_what_the_circuit_module_imports(tmp_path: Path) -> None:
    """A program file names its hints; `wtns calculate` looks them up among the functions the
    circuit's module defines, never along attribute chains (`os.getpid` through `import os`)."""
    from zkp.program import WitnessProgram

    (tmp_path / "div.py").write_text("import os\n" + HINTED)
    (tmp_path / "input.json").write_text(json.dumps({"q": 14, "a": 100}))
    zkmpc("compile", "div.py:Div", "-o", "build", cwd=tmp_path)
    stored = tmp_path / "build" / "Div.zkwp"
    prog = WitnessProgram.from_bytes(stored.read_bytes(), hints={n: abs for n in _stored_names(stored)})
    for evil in ("zkmpc_user_1.os.getpid", "os.getpid", "zkmpc_user_1.floor_div.__globals__"):
        stored.write_bytes(WitnessProgram(prog.body, (evil,), prog.hint_fns).to_bytes())
        res = zkmpc("wtns", "calculate", "div.py:Div", "input.json", "x.wtns", "--program", str(stored),
                    cwd=tmp_path, check=False)
        assert res.returncode == 2 and "is not provided" in res.stderr, (evil, res.stderr)


def _stored_names(path: Path) -> tuple[str, ...]:
    from zkmpc.cli.witness import program_hint_names

    return program_hint_names(path.read_bytes())


# --- the command line as a package -----------------------------------------------------------

def _walk(parser: argparse.ArgumentParser, path: str = "zkmpc") -> Any:
    """``(command path, parser)`` of every parser of the tree."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _walk(child, f"{path} {name}")


def test_every_positional_argument_has_a_help_text() -> None:
    from zkmpc.cli import _parser

    bare = [f"{path}: {action.dest}" for path, parser in _walk(_parser([]))
            for action in parser._actions
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction)
            and not (action.help or "").strip()]
    assert bare == []
    assert len(list(_walk(_parser([])))) > 30  # the walk reaches the nested commands


def test_one_registration_style_for_every_command() -> None:
    """Each command is registered by ``add_<command>(subparsers)`` of its group's module,
    listed once in ``_COMMANDS``; the groups are modules of the ``zkmpc.cli`` package."""
    import importlib

    from zkmpc.cli import _COMMANDS

    names = [name for name, _, _ in _COMMANDS]
    assert len(set(names)) == len(names)
    for name, module, function in _COMMANDS:
        assert function == "add_" + name.replace("-", "_"), (name, function)
        assert module.startswith("zkmpc.cli.") or module == "zkmpc.usecases.cli", module
        assert callable(getattr(importlib.import_module(module), function))
    import zkmpc.cli

    assert Path(zkmpc.cli.__file__).name == "__init__.py"
    assert not any((ROOT / "zkmpc" / f"{old}.py").exists() for old in ("cli", "ceremony_cli", "party_cli", "witness_cli"))


# --- zkmpc paillier ----------------------------------------------------------------------------

def test_paillier_command_line_end_to_end(tmp_path: Path) -> None:
    """Keys to files, three holders' CSV columns encrypted, the reports added up without a
    key, the aggregate decrypted by the key holder: the statistics of the pooled column."""
    (tmp_path / "bank_a.csv").write_text("name,salary\nann,41000.00\nbob,52000.5\n")
    (tmp_path / "bank_b.csv").write_text("salary,name\n61000,cy\n")  # another column order
    (tmp_path / "bank_c.csv").write_text("name,salary\ndi,38000.25\n")
    out = zkmpc("paillier", "keygen", "pk.json", "sk.json", "--bits", "2048", cwd=tmp_path).stdout
    assert "wrote pk.json" in out and (tmp_path / "sk.json").stat().st_mode & 0o777 == 0o600
    for bank in "abc":
        out = zkmpc("paillier", "encrypt", "pk.json", f"bank_{bank}.csv", "salary", f"{bank}.json",
                    "--bins", "40000,60000", cwd=tmp_path).stdout
        assert f"holder 'bank_{bank}'" in out
    out = zkmpc("paillier", "aggregate", "pk.json", "a.json", "b.json", "c.json", "-o", "sum.json", cwd=tmp_path).stdout
    assert "the sum of 3 reports" in out
    out = zkmpc("paillier", "decrypt", "sk.json", "sum.json", cwd=tmp_path).stdout
    lines = dict(line.split(":", 1) for line in out.splitlines() if not line.startswith(" "))
    assert (lines["reports"].strip(), lines["count"].strip(), lines["total"].strip()) == ("3", "4", "192000.75")
    assert lines["mean"].strip() == "48000.187500"
    assert [line.split()[-1] for line in out.splitlines() if line.startswith(" ")] == ["1", "2", "1"]
    assert "[40000, 60000)  2" in out


def test_paillier_command_line_errors_name_the_file_and_line(tmp_path: Path) -> None:
    from mpc import paillier

    pk, sk = paillier.keygen(bits=2048)
    (tmp_path / "pk.json").write_text(paillier.dump_public_key(pk))
    (tmp_path / "sk.json").write_text(paillier.dump_private_key(sk))
    (tmp_path / "ok.csv").write_text("salary\n1\n2\n")
    (tmp_path / "rounded.csv").write_text("salary\n1\n12.345\n")
    (tmp_path / "empty.csv").write_text("salary\n1\n\n3\n ,\n")
    (tmp_path / "junk.json").write_text('{"x": 1}')

    def fails(*args: str) -> str:
        res = zkmpc("paillier", *args, cwd=tmp_path, check=False)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        return res.stderr

    assert "rounded.csv:3: column 'salary': 12.345 has more than 2 decimals" in fails(
        "encrypt", "pk.json", "rounded.csv", "salary", "r.json")
    assert "ok.csv:1: expected a header with a column 'wage', found ['salary']" in fails(
        "encrypt", "pk.json", "ok.csv", "wage", "r.json")
    assert "empty.csv:5: column 'salary': an empty cell" in fails("encrypt", "pk.json", "empty.csv", "salary", "r.json")
    zkmpc("paillier", "encrypt", "pk.json", "empty.csv", "salary", "e.json", "--skip-empty", cwd=tmp_path)
    assert "bins: expected plain decimal numbers" in fails("encrypt", "pk.json", "ok.csv", "salary", "r.json",
                                                            "--bins", "1e5")
    assert "junk.json: expected a 'zkmpc-paillier-report' document" in fails("aggregate", "pk.json", "junk.json",
                                                                              "-o", "s.json")
    zkmpc("paillier", "encrypt", "pk.json", "ok.csv", "salary", "ok.json", "--decimals", "3", cwd=tmp_path)
    assert "ok.json: encoded with --decimals 3" in fails("aggregate", "pk.json", "e.json", "ok.json", "-o", "s.json")
    assert "e.json: a second report from 'empty'" in fails("aggregate", "pk.json", "e.json", "e.json", "-o", "s.json")
    zkmpc("paillier", "aggregate", "pk.json", "e.json", "-o", "one.json", cwd=tmp_path)
    assert "one.json: the aggregate of 1 reports, at least 3 are needed" in fails("decrypt", "sk.json", "one.json")
    assert "pk.json: expected a 'paillier-private-key' document" in fails("decrypt", "pk.json", "one.json")
    assert "sk.json: exists already" in fails("keygen", "pk2.json", "sk.json", "--bits", "2048")
