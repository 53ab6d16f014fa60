"""``zkmpc compile`` and ``zkmpc info``: a circuit class to circom's ``.r1cs`` (and its
witness program), and what a circuit or an ``.r1cs`` file holds.

```text
zkmpc compile FILE.py:Class [-o DIR]     -> DIR/<Class>.r1cs, DIR/<Class>.zkwp and a summary
zkmpc info (CIRCUIT.r1cs | FILE.py:Class)
```
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from .common import load_circuit, print_compiled, read_file, write_file

__all__ = ["add_compile", "add_info"]


def cmd_compile(args: argparse.Namespace) -> int:
    from circuits import compile as compile_circuit
    from zkp.formats.circom import write_r1cs

    cls = load_circuit(args.circuit)
    t0 = time.perf_counter()
    compiled = compile_circuit(cls)
    print_compiled(compiled)
    path = os.path.join(args.output, f"{cls.__name__}.r1cs")
    write_file(path, write_r1cs(compiled.r1cs))
    prog = os.path.join(args.output, f"{cls.__name__}.zkwp")
    write_file(prog, compiled.program.to_bytes())
    print(f"wrote {path} and {prog} ({time.perf_counter() - t0:.3f} s)")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    if args.target.endswith(".r1cs"):
        from zkp.formats.circom import read_r1cs

        r = read_r1cs(read_file(args.target, binary=True))
        print(f"constraints:  {r.num_constraints}\nwires:        {r.num_wires}\n"
              f"public:       {r.num_public}")
        return 0
    from circuits import compile as compile_circuit

    print_compiled(compile_circuit(load_circuit(args.target)))
    return 0


def add_compile(sub: Any) -> None:
    """Register ``zkmpc compile``."""
    c = sub.add_parser("compile", help="compile FILE.py:Class to a circom-format .r1cs")
    c.add_argument("circuit", help="the circuit class, as FILE.py:Class")
    c.add_argument("-o", "--output", default=".", help="directory of the .r1cs and .zkwp (default: here)")
    c.set_defaults(fn=cmd_compile)


def add_info(sub: Any) -> None:
    """Register ``zkmpc info``."""
    i = sub.add_parser("info", help="describe a .r1cs file or a circuit")
    i.add_argument("target", help="a circom .r1cs file, or a circuit as FILE.py:Class")
    i.set_defaults(fn=cmd_info)
