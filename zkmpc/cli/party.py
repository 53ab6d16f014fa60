"""``zkmpc party`` and ``zkmpc party-setup``: run one party of a protocol over TLS.

    zkmpc party-setup DIR --n 5 --threshold 3 [--port 7100] [--field fr|p61]
        -> DIR/parties.toml and certificates for a run on this machine
    zkmpc party --config parties.toml --id 2 --protocol stats --input values.txt --decimals 1 --bound 500
    zkmpc party --config parties.toml --id 2 --protocol sum --input counts.txt --bound 1000000 [--verified]

The input file holds one number per line (blank lines and ``#`` comments ignored). For
``sum`` the lines form a vector and the parties learn the element-wise totals; for
``stats`` they learn the count, mean and population variance of all values. The result is
printed as one JSON object; a protocol abort prints the error with the missing and
misbehaving parties named and exits with status 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Callable

__all__ = ["add_party", "add_party_setup"]

MAX_INPUT = 1 << 28


def _values(path: str) -> list[str]:
    if os.path.getsize(path) > MAX_INPUT:
        raise SystemExit(f"error: {path} is over {MAX_INPUT} bytes")
    with open(path, encoding="utf-8") as f:
        return [s for s in (line.split("#", 1)[0].strip() for line in f) if s]


def _exit_hook(when: str | None, stall: str | None = None) -> Callable[[str], None] | None:
    if not when and not stall:
        return None

    def hook(round_name: str) -> None:
        if round_name == when:
            print(json.dumps({"event": "simulated crash", "after": round_name}), file=sys.stderr, flush=True)
            os._exit(75)  # no clean shutdown: what a crash looks like to the others
        if round_name == stall:
            print(json.dumps({"event": "simulated stall", "after": round_name}), file=sys.stderr, flush=True)
            time.sleep(3600)  # the event loop blocks: links stay open but silent, like a hung process
    return hook


def cmd_party(args: argparse.Namespace) -> int:
    from mpc.encoding import FixedPoint, IntegerEncoding
    from mpc.net.config import load_config
    from mpc.protocols.party import result_document, run_party
    from mpc.protocols.stats import secure_stats
    from mpc.protocols.sum import secure_sum
    from mpc.protocols.verified import verified_sum

    config = load_config(args.config)
    party = args.id if args.id is not None else _own_party(config)
    values = _values(args.input)
    field = config.field
    job: Callable[[Any], Any]
    if args.protocol == "stats":
        from decimal import Decimal

        enc = FixedPoint(args.decimals, Decimal(args.bound))
        job = lambda ctx: secure_stats(ctx, values, enc, verified=args.verified)  # noqa: E731
        decode = None
    else:
        ienc = IntegerEncoding(int(args.bound))
        vec = [field.encode(ienc.encode(int(v))) for v in values]
        job = lambda ctx: (verified_sum if args.verified else secure_sum)(ctx, vec)  # noqa: E731
        decode = lambda total: [field.decode(int(x)) for x in total]  # noqa: E731
    outcome = run_party(config, party, job, on_round=_exit_hook(args.exit_after, args.stall_after))
    print(json.dumps(result_document(party, outcome, decode)), flush=True)
    return 3 if outcome.error is not None else 0


def _own_party(config: Any) -> int:
    mine = [p for p, e in config.parties.items() if e.key is not None]
    if len(mine) != 1:
        raise SystemExit("error: --id is needed (the configuration holds keys for several parties)")
    return int(mine[0])


def cmd_party_setup(args: argparse.Namespace) -> int:
    from mpc.net.config import write_local_config

    path = write_local_config(args.directory, n=args.n, threshold=args.threshold, base_port=args.port,
                              field=args.field, round_timeout=args.round_timeout)
    print(f"wrote {path} and certificates for {args.n} parties (threshold {args.threshold})")
    print("local use only: ca.key next to it can mint party identities")
    return 0


def add_party(sub: Any) -> None:
    """Register ``zkmpc party`` on the command line's subparsers."""
    p = sub.add_parser("party", help="run one party of a secure sum / statistics protocol over TLS")
    p.add_argument("--config", required=True, help="parties.toml")
    p.add_argument("--id", type=int, default=None, help="this party's id (default: the one whose key is configured)")
    p.add_argument("--protocol", choices=("sum", "stats"), default="stats")
    p.add_argument("--input", required=True, help="one number per line")
    p.add_argument("--decimals", type=int, default=2, help="stats: fractional digits of the fixed-point encoding")
    p.add_argument("--bound", default="1000000", help="largest magnitude of an input value")
    p.add_argument("--verified", action="store_true",
                   help="check every dealing and opening against Feldman commitments (field fr)")
    p.add_argument("--exit-after", default=None, choices=("start", "input", "announce"),
                   help="simulate a crash after this round (demos and tests)")
    p.add_argument("--stall-after", default=None, choices=("start", "input", "announce"),
                   help="simulate a hung process after this round (demos and tests)")
    p.set_defaults(fn=cmd_party)


def add_party_setup(sub: Any) -> None:
    """Register ``zkmpc party-setup`` on the command line's subparsers."""
    s = sub.add_parser("party-setup", help="certificates and parties.toml for a local multi-party run")
    s.add_argument("directory", help="where to write parties.toml and the certificates")
    s.add_argument("--n", type=int, required=True)
    s.add_argument("--threshold", type=int, required=True)
    s.add_argument("--port", type=int, default=7100, help="party i listens on port + i")
    s.add_argument("--field", choices=("fr", "p61"), default="fr")
    s.add_argument("--round-timeout", type=float, default=30.0)
    s.set_defaults(fn=cmd_party_setup)
