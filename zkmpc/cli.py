"""The ``zkmpc`` command line, in the spirit of snarkjs.

```text
    zkmpc compile FILE.py:Class [-o DIR]          -> DIR/<Class>.r1cs, DIR/<Class>.zkwp (its witness
                                                     program) and a summary
    zkmpc wtns calculate FILE.py:Class INPUT.json OUT.wtns [--program DIR/<Class>.zkwp]
    zkmpc setup CIRCUIT.r1cs PK_FILE VK_JSON      -> development keys (single party);
                                                     PK_FILE ending in .zkey: snarkjs's format
    zkmpc prove FILE.py:Class INPUT.json PK_FILE PROOF_JSON PUBLIC_JSON
    zkmpc prove CIRCUIT.zkey WITNESS.wtns PROOF_JSON PUBLIC_JSON [--r1cs C.r1cs]  (as snarkjs)
    zkmpc verify VK_JSON PUBLIC_JSON PROOF_JSON   -> exit 0 and "OK!" when valid
    zkmpc info (CIRCUIT.r1cs | FILE.py:Class)
    zkmpc export-verifier VK_JSON [VERIFIER_SOL] [--contract-name N] [--pragma P]
                          [--allow-development-key]  (a development key is refused without it)
    zkmpc calldata PUBLIC_JSON PROOF_JSON         -> snarkjs's soliditycalldata line
    zkmpc verify-onchain VK_JSON PUBLIC_JSON PROOF_JSON [--rpc URL] [--allow-development-key]
    zkmpc demo [--out DIR] [--rpc URL]
    zkmpc zkey new C.r1cs POT.ptau C0.zkey | zkey export verificationkey C.zkey VK.json
    zkmpc ptau info POT.ptau                      -> power, contributions, file hash
    zkmpc party-setup DIR --n 5 --threshold 3     -> certificates and parties.toml (local runs)
    zkmpc party --config parties.toml --id 2 --protocol stats --input values.txt
    zkmpc prover serve CIRCUIT.zkey [--host 127.0.0.1] [--port 9080]   (proofs over HTTP)
    zkmpc prover prove URL WITNESS.wtns [PROOF_JSON PUBLIC_JSON]       (a client of it)
```

    >>> import zkmpc.demo
    >>> main(["info", zkmpc.demo.__file__ + ":AgeCheck"])
    circuit:      AgeCheck
    constraints:  24
    wires:        24
    public:       1 ['min_age']
             8  cmp/to_bits
             8  input age: UInt[8]/to_bits
             8  input min_age: UInt[8]/to_bits
    0
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from typing import Any, Sequence

__all__ = ["main"]

_MAX_FILE = 1 << 34


def _read(path: str, binary: bool = False, limit: int = _MAX_FILE) -> Any:
    size = os.path.getsize(path)
    if size > limit:
        raise SystemExit(f"error: {path} is {size} bytes, over the {limit}-byte limit")
    with open(path, "rb" if binary else "r") as f:
        return f.read()


def _write(path: str, data: str | bytes) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def load_circuit(ref: str) -> type:
    """Import ``FILE.py:Class`` and return the class."""
    import importlib.util

    from circuits import Circuit

    path, sep, name = ref.rpartition(":")
    if not sep or not path.endswith(".py") or not name:
        raise SystemExit(f"error: expected FILE.py:Class, found {ref!r}")
    mod_name = f"zkmpc_user_{abs(hash(os.path.abspath(path)))}"
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    spec.loader.exec_module(module)
    cls = getattr(module, name, None)
    if not (isinstance(cls, type) and issubclass(cls, Circuit)):
        raise SystemExit(f"error: {name} in {path} is not a Circuit subclass")
    return cls


def _print_compiled(compiled: Any) -> None:
    r = compiled.r1cs
    print(f"circuit:      {compiled.circuit.__name__}")
    print(f"constraints:  {r.num_constraints}")
    print(f"wires:        {r.num_wires}")
    print(f"public:       {r.num_public} {compiled.public_names}")
    for label, count in compiled.stats().items():
        print(f"  {count:8d}  {label}")


def cmd_compile(args: argparse.Namespace) -> int:
    from circuits import compile as compile_circuit
    from zkp.formats.circom import write_r1cs

    cls = load_circuit(args.circuit)
    t0 = time.perf_counter()
    compiled = compile_circuit(cls)
    _print_compiled(compiled)
    path = os.path.join(args.output, f"{cls.__name__}.r1cs")
    _write(path, write_r1cs(compiled.r1cs))
    prog = os.path.join(args.output, f"{cls.__name__}.zkwp")
    _write(prog, compiled.program.to_bytes())
    print(f"wrote {path} and {prog} ({time.perf_counter() - t0:.3f} s)")
    return 0


def cmd_setup(args: argparse.Namespace) -> int:
    from zkp import groth16
    from zkp.formats.binary import dump_proving_key
    from zkp.formats.circom import read_r1cs
    from zkp.formats.snarkjs_json import vk_to_json

    cs = read_r1cs(_read(args.r1cs, binary=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs)
    print("warning: single-party setup: DEVELOPMENT keys (whoever ran setup can forge proofs); "
          "export-verifier and verify-onchain refuse them without --allow-development-key",
          file=sys.stderr)
    if args.pk.endswith(".zkey"):
        from zkp.formats.zkey import write_zkey

        _write(args.pk, write_zkey(pk))
    else:
        _write(args.pk, dump_proving_key(pk))
    _write(args.vk, vk_to_json(vk))
    print(f"wrote {args.pk} and {args.vk}")
    return 0


def _input_value(v: Any, path: str) -> Any:
    from zkp.field import R
    from zkp.formats.strict_json import parse_decimal

    if isinstance(v, list):
        return [_input_value(x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, str):
        return parse_decimal(v, f"input {path}", R)
    return v


def cmd_prove(args: argparse.Namespace) -> int:
    if args.circuit.endswith(".zkey"):
        return _prove_zkey(args)
    from circuits import compile as compile_circuit
    from zkp import groth16
    from zkp.formats.strict_json import load_strict
    from zkp.formats.binary import load_proving_key
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    if args.pk is None:
        raise SystemExit("error: expected FILE.py:Class INPUT.json PK_FILE [PROOF_JSON PUBLIC_JSON]")
    cls = load_circuit(args.circuit)
    doc = load_strict(_read(args.input, limit=1 << 26), what="input")
    if not isinstance(doc, dict):
        raise SystemExit("error: the input file must hold a JSON object {name: value}")
    assignment = cls(**{k: _input_value(v, k) for k, v in doc.items()})
    if args.pk.endswith(".zkey"):
        from zkp.formats.zkey import read_zkey

        pk = read_zkey(args.pk).proving_key()
    else:
        pk = load_proving_key(_read(args.pk, binary=True))
    witness = compile_circuit(cls).solve(assignment)
    proof = groth16.prove(pk, witness)
    _write(args.proof, proof_to_json(proof))
    _write(args.public, public_to_json(witness.public))
    print(f"wrote {args.proof} and {args.public}")
    return 0


def _prove_zkey(args: argparse.Namespace) -> int:
    """snarkjs's ``groth16 prove CIRCUIT.zkey WITNESS.wtns PROOF PUBLIC``: the key and the
    witness are mapped and read in place (:class:`zkp.groth16.Prover`); with ``--r1cs`` the
    key is loaded whole and checked against the circuit, to name a broken constraint."""
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    proof_path = args.pk or "proof.json"
    public_path = args.proof if args.pk else "public.json"
    t0 = time.perf_counter()
    if args.r1cs:
        proof, public = _prove_zkey_r1cs(args)
    else:
        from zkp.groth16.zkey_prover import Prover

        # one proof: the key's points are not checked one by one (the proof is verified
        # before it is written, and a failure then checks them), pages dropped once read
        prover = Prover(args.circuit, check_points=False, resident=False)
        proof, public = prover.prove_wtns(args.input)
    _write(proof_path, proof_to_json(proof))
    _write(public_path, public_to_json(public))
    print(f"wrote {proof_path} and {public_path} ({time.perf_counter() - t0:.3f} s)")
    return 0


def _prove_zkey_r1cs(args: argparse.Namespace) -> tuple[Any, list[int]]:
    from zkp import groth16
    from zkp.formats.circom import read_r1cs, read_wtns
    from zkp.formats.zkey import read_zkey

    zk = read_zkey(args.circuit)
    pk = zk.proving_key(read_r1cs(_read(args.r1cs, binary=True)))
    witness = read_wtns(_read(args.input, binary=True), num_public=pk.num_public)
    return groth16.prove(pk, witness), witness.public


def _load_vk_public_proof(args: argparse.Namespace, with_vk: bool = True) -> tuple[Any, list[int], Any]:
    """The snarkjs JSON files named by ``args.vk`` (unless ``with_vk`` is False),
    ``args.public`` and ``args.proof``, size-capped and strictly parsed."""
    from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json

    vk = vk_from_json(_read(args.vk, limit=1 << 26)) if with_vk else None
    count = vk.num_public if vk is not None else None  # counted before any value is parsed
    public = public_from_json(_read(args.public, limit=1 << 26), num_public=count)
    proof = proof_from_json(_read(args.proof, limit=1 << 20))
    return vk, public, proof


def cmd_verify(args: argparse.Namespace) -> int:
    from zkp import groth16

    vk, public, proof = _load_vk_public_proof(args)
    if groth16.verify(vk, public, proof):
        print("OK!")
        return 0
    print("Invalid proof")
    return 1


def cmd_info(args: argparse.Namespace) -> int:
    if args.target.endswith(".r1cs"):
        from zkp.formats.circom import read_r1cs

        r = read_r1cs(_read(args.target, binary=True))
        print(f"constraints:  {r.num_constraints}\nwires:        {r.num_wires}\n"
              f"public:       {r.num_public}")
        return 0
    from circuits import compile as compile_circuit

    _print_compiled(compile_circuit(load_circuit(args.target)))
    return 0


def cmd_export_verifier(args: argparse.Namespace) -> int:
    from zkp.evm import export_verifier
    from zkp.formats.snarkjs_json import vk_from_json

    vk = vk_from_json(_read(args.vk, limit=1 << 26))
    src = export_verifier(vk, contract_name=args.contract_name, pragma=args.pragma,
                          allow_development=args.allow_development_key)
    _write(args.output, src)
    dev = ", a DEVELOPMENT key: whoever made it can forge proofs" if vk.development else ""
    print(f"wrote {args.output} (contract {args.contract_name}, {vk.num_public} public inputs{dev})")
    return 0


def cmd_calldata(args: argparse.Namespace) -> int:
    from zkp.evm import calldata

    _, public, proof = _load_vk_public_proof(args, with_vk=False)
    print(calldata(proof, public))
    return 0


def cmd_verify_onchain(args: argparse.Namespace) -> int:
    from zkp.evm import EmbeddedEVM, OnchainVerifier, RpcChain

    vk, public, proof = _load_vk_public_proof(args)
    chain: Any = RpcChain(args.rpc) if args.rpc else EmbeddedEVM()
    if args.address:
        verifier = OnchainVerifier(chain, args.address, vk)
    else:
        verifier = OnchainVerifier.deploy(vk, chain, allow_development=args.allow_development_key)
        print(f"deployed the verifier at {verifier.address} on {chain!r}")
    ok = verifier.verify(proof, public)
    gas = verifier.gas(proof, public) if ok else None
    print(("OK! verifyProof returned true" + (f" ({gas:,} gas as a transaction)" if gas else ""))
          if ok else "Invalid proof: verifyProof returned false")
    return 0 if ok else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run

    return 0 if run(sys.stdout, args.out, rpc=args.rpc) else 1


def cmd_prover_serve(args: argparse.Namespace) -> int:
    from .prover_server import serve

    serve(args.zkey, args.host, args.port)
    return 0


def cmd_prover_prove(args: argparse.Namespace) -> int:
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    from .prover_server import ProverRequestError, request_proof

    try:
        proof, public = request_proof(args.url, _read(args.wtns, binary=True, limit=1 << 31))
    except ProverRequestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _write(args.proof, proof_to_json(proof))
    _write(args.public, public_to_json(public))
    print(f"wrote {args.proof} and {args.public}")
    return 0


def _add_prover(sub: Any) -> None:
    pv = sub.add_parser("prover", help="a long-lived prover: serve proofs for a .zkey over HTTP, or ask one")
    ps = pv.add_subparsers(dest="prover_command", required=True)
    s = ps.add_parser("serve", help="load CIRCUIT.zkey once and prove each POST /prove (.wtns body)")
    s.add_argument("zkey")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    s.add_argument("--port", type=int, default=9080)
    s.set_defaults(fn=cmd_prover_serve)
    c = ps.add_parser("prove", help="send WITNESS.wtns to a prover server, write the proof")
    c.add_argument("url", help="the server, e.g. http://127.0.0.1:9080")
    c.add_argument("wtns")
    c.add_argument("proof", nargs="?", default="proof.json")
    c.add_argument("public", nargs="?", default="public.json")
    c.set_defaults(fn=cmd_prover_prove)


def _add_development_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--allow-development-key", action="store_true",
                        help="accept a development key (single-party setup, or fewer than two "
                        "phase-2 contributions: whoever made it can forge proofs), for tests and demos")


def _add_compile(sub: Any) -> None:
    c = sub.add_parser("compile", help="compile FILE.py:Class to a circom-format .r1cs")
    c.add_argument("circuit")
    c.add_argument("-o", "--output", default=".")
    c.set_defaults(fn=cmd_compile)


def _add_setup(sub: Any) -> None:
    s = sub.add_parser("setup", help="single-party (development) Groth16 setup")
    s.add_argument("r1cs")
    s.add_argument("pk")
    s.add_argument("vk")
    s.set_defaults(fn=cmd_setup)


def _add_prove(sub: Any) -> None:
    pr = sub.add_parser("prove", help="prove: FILE.py:Class INPUT.json PK [PROOF PUBLIC], or "
                                      "CIRCUIT.zkey WITNESS.wtns [PROOF PUBLIC] as snarkjs")
    for name in ("circuit", "input"):
        pr.add_argument(name)
    pr.add_argument("pk", nargs="?", default=None)
    pr.add_argument("proof", nargs="?", default="proof.json")
    pr.add_argument("public", nargs="?", default="public.json")
    pr.add_argument("--r1cs", default=None, help="with a .zkey: the circuit's .r1cs, to name "
                    "the constraint a bad witness breaks")
    pr.set_defaults(fn=cmd_prove)


def _add_verify(sub: Any) -> None:
    v = sub.add_parser("verify", help="verify snarkjs-format JSON files")
    for name in ("vk", "public", "proof"):
        v.add_argument(name)
    v.set_defaults(fn=cmd_verify)


def _add_info(sub: Any) -> None:
    i = sub.add_parser("info", help="describe a .r1cs file or a circuit")
    i.add_argument("target")
    i.set_defaults(fn=cmd_info)


def _add_export_verifier(sub: Any) -> None:
    ev = sub.add_parser("export-verifier", help="Solidity verifier for a verification key")
    ev.add_argument("vk")
    ev.add_argument("output", nargs="?", default="Groth16Verifier.sol")
    ev.add_argument("--contract-name", default="Groth16Verifier")
    ev.add_argument("--pragma", default=">=0.8.4 <0.9.0")
    _add_development_flag(ev)
    ev.set_defaults(fn=cmd_export_verifier)


def _add_calldata(sub: Any) -> None:
    cd = sub.add_parser("calldata", help="print the verifyProof arguments (snarkjs's format)")
    cd.add_argument("public")
    cd.add_argument("proof")
    cd.set_defaults(fn=cmd_calldata)


def _add_verify_onchain(sub: Any) -> None:
    vo = sub.add_parser("verify-onchain", help="deploy the verifier and call it (embedded EVM by default)")
    for name in ("vk", "public", "proof"):
        vo.add_argument(name)
    vo.add_argument("--rpc", default=None, help="JSON-RPC URL of a node (an unlocked account deploys)")
    vo.add_argument("--address", default=None, help="call a verifier already deployed there")
    _add_development_flag(vo)
    vo.set_defaults(fn=cmd_verify_onchain)


def _add_demo(sub: Any) -> None:
    d = sub.add_parser("demo", help="prove age >= 18 end to end, with timings")
    d.add_argument("--out", default=None, help="also write the snarkjs JSON files here")
    d.add_argument("--rpc", default=None, help="verify on this node instead of the embedded EVM")
    d.set_defaults(fn=cmd_demo)


# Every command, in the order ``zkmpc --help`` lists them: its name, and the module and
# function that register its parser on the subparsers (one style: ``add(sub)``).
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("compile", __name__, "_add_compile"),
    ("setup", __name__, "_add_setup"),
    ("prove", __name__, "_add_prove"),
    ("verify", __name__, "_add_verify"),
    ("info", __name__, "_add_info"),
    ("export-verifier", __name__, "_add_export_verifier"),
    ("calldata", __name__, "_add_calldata"),
    ("verify-onchain", __name__, "_add_verify_onchain"),
    ("demo", __name__, "_add_demo"),
    ("party", "zkmpc.party_cli", "add_party"),
    ("party-setup", "zkmpc.party_cli", "add_party_setup"),
    ("zkey", "zkmpc.ceremony_cli", "add_zkey"),
    ("ptau", "zkmpc.ceremony_cli", "add_ptau"),
    ("wtns", "zkmpc.witness_cli", "add_parsers"),
    ("prover", __name__, "_add_prover"),
    ("usecases", "zkmpc.usecases.cli", "add_parsers"),
)


def _parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The command line's parser. When ``argv`` starts with a known command only that
    command's parser is built (argparse spends about a millisecond a parser, most of it
    in gettext's lookups, and ``zkmpc prove`` is timed against rapidsnark's whole
    process); the top-level usage still names every command, so each message is the one
    the whole tree gives. Anything else (``--help``, no or an unknown command) builds the
    whole tree."""
    import importlib

    names = [name for name, _, _ in _COMMANDS]
    chosen = argv[0] if argv and argv[0] in names else None
    p = argparse.ArgumentParser(prog="zkmpc", description="zkmpc: circuits, Groth16, MPC")
    from . import __version__

    p.add_argument("--version", action="version", version=f"zkmpc {__version__}")
    # the metavar argparse would print for the whole tree: "{compile,setup,...}"
    metavar = None if chosen is None else "{" + ",".join(names) + "}"
    sub = p.add_subparsers(dest="command", required=True, metavar=metavar)
    for name, module, function in _COMMANDS:
        if chosen is None or name == chosen:
            getattr(importlib.import_module(module), function)(sub)
    return p


def _known_errors() -> tuple[type[BaseException], ...]:
    """The packages' error roots, from those packages a command loaded (an error of a
    package that was never imported cannot have been raised; importing them all would
    cost ``zkmpc prove`` a tenth of a second)."""
    roots: list[type[BaseException]] = [OSError]
    for module, name in (("zkp.errors", "ZkpError"), ("circuits.errors", "CircuitError"),
                         ("mpc.errors", "MPCError"), ("zkmpc.errors", "ZkmpcError")):
        loaded = sys.modules.get(module)
        if loaded is not None:
            roots.append(getattr(loaded, name))
    return tuple(roots)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser(argv).parse_args(argv)
    try:
        return int(args.fn(args))
    except Exception as exc:
        if not isinstance(exc, _known_errors()):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
