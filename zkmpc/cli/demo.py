"""``zkmpc demo``: prove "age >= 18" end to end, with timings (:mod:`zkmpc.demo`).

```text
zkmpc demo [--out DIR] [--rpc URL]
```
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["add_demo"]


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import run

    return 0 if run(sys.stdout, args.out, rpc=args.rpc) else 1


def add_demo(sub: Any) -> None:
    """Register ``zkmpc demo``."""
    d = sub.add_parser("demo", help="prove age >= 18 end to end, with timings")
    d.add_argument("--out", default=None, help="also write the snarkjs JSON files here")
    d.add_argument("--rpc", default=None, help="verify on this node instead of the embedded EVM")
    d.set_defaults(fn=cmd_demo)
