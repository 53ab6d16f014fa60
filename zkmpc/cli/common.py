"""What the command groups of ``zkmpc`` share: size-capped file reads, writes that create
their directory, loading ``FILE.py:Class`` and a circuit's ``INPUT.json``.

Only the standard library is imported here: ``zkmpc prove`` from a ``.zkey`` loads no
more than it needs.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_file(os.path.join(d, "sub", "x.txt"), "hello")
    ...     read_file(os.path.join(d, "sub", "x.txt"))
    'hello'
"""

from __future__ import annotations

import os
import sys
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path

if TYPE_CHECKING:  # annotations only: zkmpc prove from a .zkey imports no argparse
    from typing import Any
    import argparse

__all__ = ["MAX_FILE", "read_file", "write_file", "load_circuit", "input_value", "load_assignment",
           "print_compiled", "add_development_flag"]

#: the largest file a command reads whole, unless it says otherwise
MAX_FILE = 1 << 34


def read_file(path: str, binary: bool = False, limit: int = MAX_FILE) -> Any:
    """The content of ``path`` (text, or bytes when ``binary``), refused beyond ``limit`` bytes
    (``SystemExit`` naming the file and both sizes)."""
    size = os.path.getsize(path)
    if size > limit:
        raise SystemExit(f"error: {path} is {size} bytes, over the {limit}-byte limit")
    with open(path, "rb" if binary else "r") as f:
        return f.read()


def write_file(path: str, data: str | bytes) -> None:
    """Write ``data`` to ``path``, creating its directory."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def load_circuit(ref: str) -> type:
    """Import ``FILE.py:Class`` and return the class (a :class:`circuits.Circuit`)."""
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


def input_value(v: Any, path: str) -> Any:
    """An input of ``INPUT.json``: decimal strings become ints below r (named by ``path``
    when not), lists are walked, anything else is given to the circuit as it is."""
    from zkp.field import R
    from zkp.formats.strict_json import parse_decimal

    if isinstance(v, list):
        return [input_value(x, f"{path}[{i}]") for i, x in enumerate(v)]
    if isinstance(v, str):
        return parse_decimal(v, f"input {path}", R)
    return v


def load_assignment(cls: type, path: str) -> Any:
    """The assignment of ``cls`` that ``INPUT.json`` at ``path`` gives: a JSON object
    ``{name: value}`` (strictly parsed, at most 64 MiB)."""
    from zkp.formats.strict_json import load_strict

    doc = load_strict(read_file(path, limit=1 << 26), what="input")
    if not isinstance(doc, dict):
        raise SystemExit(f"error: {path}: the input file must hold a JSON object {{name: value}}")
    return cls(**{k: input_value(v, k) for k, v in doc.items()})


def print_compiled(compiled: Any) -> None:
    """A compiled circuit's summary: constraints, wires, public inputs, counts by label."""
    r = compiled.r1cs
    print(f"circuit:      {compiled.circuit.__name__}")
    print(f"constraints:  {r.num_constraints}")
    print(f"wires:        {r.num_wires}")
    print(f"public:       {r.num_public} {compiled.public_names}")
    for label, count in compiled.stats().items():
        print(f"  {count:8d}  {label}")


def add_development_flag(parser: argparse.ArgumentParser) -> None:
    """``--allow-development-key`` on ``parser``."""
    parser.add_argument("--allow-development-key", action="store_true",
                        help="accept a development key (single-party setup, or fewer than two "
                        "phase-2 contributions: whoever made it can forge proofs), for tests and demos")
