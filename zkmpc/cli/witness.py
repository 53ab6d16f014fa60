"""``zkmpc wtns calculate``: a witness from a stored witness program, as snarkjs computes one
from circom's WASM (``snarkjs wtns calculate circuit.wasm input.json witness.wtns``).

    zkmpc compile FILE.py:Class -o DIR                  -> DIR/Class.r1cs and DIR/Class.zkwp
    zkmpc wtns calculate FILE.py:Class INPUT.json OUT.wtns [--program DIR/Class.zkwp]

The class gives the input names and types (its ``define`` does not run when a program is
given); the program computes every wire. Python hints of the program are looked up by name
in the circuit's own module (nothing else is imported).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from .common import load_assignment, load_circuit, read_file, write_file

__all__ = ["add_wtns", "cmd_wtns_calculate", "program_hint_names"]


def _hints_of(cls: type, names: tuple[str, ...]) -> dict[str, Any]:
    """The hint functions a stored program names, among those the circuit's own module
    defines: a function matches the name it was stored under (``hints.named``, else its
    qualified name after whatever the module was called when compiling). Nothing else is
    reachable: a file cannot pick ``os.getpid`` because the module imports ``os``."""
    import inspect

    module = sys.modules.get(cls.__module__)
    own = [fn for fn in vars(module).values()
           if inspect.isfunction(fn) and fn.__module__ == cls.__module__] if module else []
    found: dict[str, Any] = {}
    for name in names:
        base = name.split("#")[0]
        for fn in own:
            given = getattr(fn, "__zk_hint_name__", None)
            if base == given or (given is None and base.endswith("." + fn.__qualname__)):
                found[name] = fn
                break
    return found


def cmd_wtns_calculate(args: argparse.Namespace) -> int:
    from circuits.compiler import input_values
    from zkp.field import to_words
    from zkp.formats.circom import write_wtns
    from zkp.program import ProgramCheckFailed, WitnessProgram
    from zkp.witness import Witness

    t0 = time.perf_counter()
    cls = load_circuit(args.circuit)
    assignment = load_assignment(cls, args.input)
    values = input_values(cls, assignment)
    inputs = to_words(values)
    if args.program:
        data = read_file(args.program, binary=True)
        prog = WitnessProgram.from_bytes(data, hints=_hints_of(cls, program_hint_names(data)))
        num_public = sum(spec.size for _, spec in cls.__zk_inputs__ if spec.public)  # type: ignore[attr-defined]
        try:
            witness = Witness(prog.run_bytes(inputs), num_public)
        except ProgramCheckFailed:  # name the line: run define on the values (debug mode)
            from circuits import compile as compile_circuit

            compile_circuit(cls).solve(assignment, debug=True)
            raise
    else:
        from circuits import compile as compile_circuit

        witness = compile_circuit(cls).solve(assignment)
    write_file(args.output, write_wtns(witness))
    print(f"wrote {args.output} ({len(witness)} wires, {time.perf_counter() - t0:.3f} s)")
    return 0


def program_hint_names(data: bytes) -> tuple[str, ...]:
    """The hint names a stored program declares (its loader checks everything again)."""
    import struct

    try:
        counts = struct.unpack_from("<7I", data, 8)
        at = 48 + 32 * counts[2] + 4 * counts[3] + 8 * counts[4] + 4 * counts[5] + 4 * counts[6]
        (n,), at = struct.unpack_from("<I", data, at), at + 4
        names = []
        for _ in range(min(n, 1 << 16)):
            (k,) = struct.unpack_from("<H", data, at)
            names.append(data[at + 2:at + 2 + k].decode())
            at += 2 + k
        return tuple(names)
    except (struct.error, UnicodeDecodeError):
        return ()


def add_wtns(sub: Any) -> None:
    """Register ``zkmpc wtns calculate``."""
    w = sub.add_parser("wtns", help="witness files: calculate (as snarkjs wtns calculate)")
    ws = w.add_subparsers(dest="wtns_command", required=True)
    c = ws.add_parser("calculate", help="FILE.py:Class INPUT.json OUT.wtns [--program Class.zkwp]")
    c.add_argument("circuit", help="the circuit class, as FILE.py:Class (its inputs' names and types)")
    c.add_argument("input", help="INPUT.json: a JSON object {name: value}")
    c.add_argument("output", help="the witness file to write (.wtns)")
    c.add_argument("--program", default=None, help="the stored witness program (zkmpc compile writes it)")
    c.set_defaults(fn=cmd_wtns_calculate)
