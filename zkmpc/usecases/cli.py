"""``zkmpc usecases``: list the use cases by sector, or run one by name."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_usecases"]


def cmd_usecases(args: argparse.Namespace) -> int:
    from .catalogue import SECTORS, catalogue, markdown_table, run

    if args.action == "run":
        if not args.rest:
            raise SystemExit("zkmpc usecases run: expected a use case's name (see `zkmpc usecases`)")
        name, *rest = args.rest
        run(name, [a for a in rest if a != "--"] if rest[:1] == ["--"] else rest, sys.stdout)
        return 0
    cases = [c for c in catalogue() if args.sector in (None, c.sector)]
    if args.markdown:
        print(markdown_table(cases))
        return 0
    width = max((len(c.name) for c in cases), default=0)
    for sector in SECTORS:
        group = [c for c in cases if c.sector == sector]
        if group:
            print(sector)
        for c in group:
            print(f"  {c.name:<{width}}  {c.summary}")
    print(f"{len(cases)} use cases; run one: zkmpc usecases run NAME [--help]")
    return 0


def add_usecases(sub: Any) -> None:
    """Register ``zkmpc usecases``."""
    u = sub.add_parser("usecases", help="the use cases by sector; `usecases run NAME [ARGS]` runs one")
    u.add_argument("action", nargs="?", choices=("list", "run"), default="list",
                   help="list the use cases (the default), or run one")
    u.add_argument("rest", nargs=argparse.REMAINDER, help="run: the use case's name, then its arguments")
    u.add_argument("--sector", default=None, help="list only this sector's use cases")
    u.add_argument("--markdown", action="store_true", help="list as a Markdown table (the README's)")
    u.set_defaults(fn=cmd_usecases)
