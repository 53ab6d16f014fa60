"""``zkmpc setup``, ``zkmpc prove`` and ``zkmpc verify``: Groth16 from the command line,
with snarkjs's files.

```text
zkmpc setup CIRCUIT.r1cs PK_FILE VK_JSON      -> development keys (single party);
                                                 PK_FILE ending in .zkey: snarkjs's format
zkmpc prove FILE.py:Class INPUT.json PK_FILE [PROOF_JSON PUBLIC_JSON]
zkmpc prove CIRCUIT.zkey WITNESS.wtns [PROOF_JSON PUBLIC_JSON] [--r1cs C.r1cs]  (as snarkjs)
zkmpc verify VK_JSON PUBLIC_JSON PROOF_JSON   -> exit 0 and "OK!" when valid
```
"""

from __future__ import annotations

import sys
import time
import warnings
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path

if TYPE_CHECKING:  # annotations only: zkmpc prove from a .zkey imports no argparse
    from typing import Any
    import argparse

from .common import load_assignment, load_circuit, read_file, write_file

__all__ = ["add_setup", "add_prove", "add_verify", "load_vk_public_proof"]


def cmd_setup(args: argparse.Namespace) -> int:
    from zkp import groth16
    from zkp.formats.binary import dump_proving_key
    from zkp.formats.circom import read_r1cs
    from zkp.formats.snarkjs_json import vk_to_json

    cs = read_r1cs(read_file(args.r1cs, binary=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs)
    print("warning: single-party setup: DEVELOPMENT keys (whoever ran setup can forge proofs); "
          "export-verifier and verify-onchain refuse them without --allow-development-key",
          file=sys.stderr)
    if args.pk.endswith(".zkey"):
        from zkp.formats.zkey import write_zkey

        write_file(args.pk, write_zkey(pk))
    else:
        write_file(args.pk, dump_proving_key(pk))
    write_file(args.vk, vk_to_json(vk))
    print(f"wrote {args.pk} and {args.vk}")
    return 0


def cmd_prove(args: argparse.Namespace) -> int:
    if args.circuit.endswith(".zkey"):
        return _prove_zkey(args)
    from circuits import compile as compile_circuit
    from zkp import groth16
    from zkp.formats.binary import load_proving_key
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    if args.pk is None:
        raise SystemExit("error: expected FILE.py:Class INPUT.json PK_FILE [PROOF_JSON PUBLIC_JSON]")
    cls = load_circuit(args.circuit)
    assignment = load_assignment(cls, args.input)
    if args.pk.endswith(".zkey"):
        from zkp.formats.zkey import read_zkey

        pk = read_zkey(args.pk).proving_key()
    else:
        pk = load_proving_key(read_file(args.pk, binary=True))
    witness = compile_circuit(cls).solve(assignment)
    proof = groth16.prove(pk, witness)
    write_file(args.proof, proof_to_json(proof))
    write_file(args.public, public_to_json(witness.public))
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
    write_file(proof_path, proof_to_json(proof))
    write_file(public_path, public_to_json(public))
    print(f"wrote {proof_path} and {public_path} ({time.perf_counter() - t0:.3f} s)")
    return 0


def _prove_zkey_r1cs(args: argparse.Namespace) -> tuple[Any, list[int]]:
    from zkp import groth16
    from zkp.formats.circom import read_r1cs, read_wtns
    from zkp.formats.zkey import read_zkey

    zk = read_zkey(args.circuit)
    pk = zk.proving_key(read_r1cs(read_file(args.r1cs, binary=True)))
    witness = read_wtns(read_file(args.input, binary=True), num_public=pk.num_public)
    return groth16.prove(pk, witness), witness.public


def load_vk_public_proof(args: argparse.Namespace, with_vk: bool = True) -> tuple[Any, list[int], Any]:
    """The snarkjs JSON files named by ``args.vk`` (unless ``with_vk`` is False),
    ``args.public`` and ``args.proof``, size-capped and strictly parsed."""
    from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json

    vk = vk_from_json(read_file(args.vk, limit=1 << 26)) if with_vk else None
    count = vk.num_public if vk is not None else None  # counted before any value is parsed
    public = public_from_json(read_file(args.public, limit=1 << 26), num_public=count)
    proof = proof_from_json(read_file(args.proof, limit=1 << 20))
    return vk, public, proof


def cmd_verify(args: argparse.Namespace) -> int:
    from zkp import groth16

    vk, public, proof = load_vk_public_proof(args)
    if groth16.verify(vk, public, proof):
        print("OK!")
        return 0
    print("Invalid proof")
    return 1


def add_setup(sub: Any) -> None:
    """Register ``zkmpc setup``."""
    s = sub.add_parser("setup", help="single-party (development) Groth16 setup")
    s.add_argument("r1cs", help="the circuit's .r1cs (zkmpc compile writes it)")
    s.add_argument("pk", help="proving key to write: .zkey (snarkjs's format) or zkmpc's binary format")
    s.add_argument("vk", help="verification key to write (snarkjs JSON)")
    s.set_defaults(fn=cmd_setup)


def add_prove(sub: Any) -> None:
    """Register ``zkmpc prove``."""
    pr = sub.add_parser("prove", help="prove: FILE.py:Class INPUT.json PK [PROOF PUBLIC], or "
                                      "CIRCUIT.zkey WITNESS.wtns [PROOF PUBLIC] as snarkjs")
    pr.add_argument("circuit", help="the circuit as FILE.py:Class, or a CIRCUIT.zkey")
    pr.add_argument("input", help="with a circuit: INPUT.json ({name: value}); with a .zkey: WITNESS.wtns")
    pr.add_argument("pk", nargs="?", default=None,
                    help="with a circuit: the proving key; with a .zkey: where to write the proof")
    pr.add_argument("proof", nargs="?", default="proof.json", help="the proof to write (default proof.json)")
    pr.add_argument("public", nargs="?", default="public.json",
                    help="the public inputs to write (default public.json)")
    pr.add_argument("--r1cs", default=None, help="with a .zkey: the circuit's .r1cs, to name "
                    "the constraint a bad witness breaks")
    pr.set_defaults(fn=cmd_prove)


def add_verify(sub: Any) -> None:
    """Register ``zkmpc verify``."""
    v = sub.add_parser("verify", help="verify snarkjs-format JSON files")
    v.add_argument("vk", help="verification_key.json")
    v.add_argument("public", help="public.json")
    v.add_argument("proof", help="proof.json")
    v.set_defaults(fn=cmd_verify)
