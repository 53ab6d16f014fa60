"""``zkmpc prover``: a long-lived prover that serves proofs for a ``.zkey`` over HTTP, and
its client (:mod:`zkmpc.prover_server`).

```text
zkmpc prover serve CIRCUIT.zkey [--host 127.0.0.1] [--port 9080]
zkmpc prover prove URL WITNESS.wtns [PROOF_JSON PUBLIC_JSON]
```
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import read_file, write_file

__all__ = ["add_prover"]


def cmd_prover_serve(args: argparse.Namespace) -> int:
    from ..prover_server import serve

    serve(args.zkey, args.host, args.port)
    return 0


def cmd_prover_prove(args: argparse.Namespace) -> int:
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json

    from ..errors import ProverRequestError
    from ..prover_server import request_proof

    try:
        proof, public = request_proof(args.url, read_file(args.wtns, binary=True, limit=1 << 31))
    except ProverRequestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    write_file(args.proof, proof_to_json(proof))
    write_file(args.public, public_to_json(public))
    print(f"wrote {args.proof} and {args.public}")
    return 0


def add_prover(sub: Any) -> None:
    """Register ``zkmpc prover serve`` and ``zkmpc prover prove``."""
    pv = sub.add_parser("prover", help="a long-lived prover: serve proofs for a .zkey over HTTP, or ask one")
    ps = pv.add_subparsers(dest="prover_command", required=True)
    s = ps.add_parser("serve", help="load CIRCUIT.zkey once and prove each POST /prove (.wtns body)")
    s.add_argument("zkey", help="the circuit's .zkey (mapped once)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default loopback)")
    s.add_argument("--port", type=int, default=9080)
    s.set_defaults(fn=cmd_prover_serve)
    c = ps.add_parser("prove", help="send WITNESS.wtns to a prover server, write the proof")
    c.add_argument("url", help="the server, e.g. http://127.0.0.1:9080")
    c.add_argument("wtns", help="the witness (.wtns) to prove")
    c.add_argument("proof", nargs="?", default="proof.json", help="the proof to write (default proof.json)")
    c.add_argument("public", nargs="?", default="public.json",
                   help="the public inputs to write (default public.json)")
    c.set_defaults(fn=cmd_prover_prove)
