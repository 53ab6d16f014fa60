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

__all__ = ["add_parsers", "cmd_wtns_calculate"]


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
    from zkp.formats.strict_json import load_strict
    from zkp.formats.circom import write_wtns
    from zkp.program import ProgramCheckFailed, WitnessProgram
    from zkp.witness import Witness

    from .cli import _input_value, _read, _write, load_circuit

    t0 = time.perf_counter()
    cls = load_circuit(args.circuit)
    doc = load_strict(_read(args.input, limit=1 << 26), what="input")
    if not isinstance(doc, dict):
        raise SystemExit("error: the input file must hold a JSON object {name: value}")
    assignment = cls(**{k: _input_value(v, k) for k, v in doc.items()})
    values = input_values(cls, assignment)
    inputs = b"".join(v.to_bytes(32, "big") for v in values)
    if args.program:
        data = _read(args.program, binary=True)
        prog = WitnessProgram.from_bytes(data, hints=_hints_of(cls, _names(data)))
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
    _write(args.output, write_wtns(witness))
    print(f"wrote {args.output} ({len(witness)} wires, {time.perf_counter() - t0:.3f} s)")
    return 0


def _names(data: bytes) -> tuple[str, ...]:
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


def add_parsers(sub: Any) -> None:
    w = sub.add_parser("wtns", help="witness files: calculate (as snarkjs wtns calculate)")
    ws = w.add_subparsers(dest="wtns_command", required=True)
    c = ws.add_parser("calculate", help="FILE.py:Class INPUT.json OUT.wtns [--program Class.zkwp]")
    c.add_argument("circuit")
    c.add_argument("input")
    c.add_argument("output")
    c.add_argument("--program", default=None, help="the stored witness program (zkmpc compile writes it)")
    c.set_defaults(fn=cmd_wtns_calculate)
