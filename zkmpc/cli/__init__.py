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
    zkmpc paillier keygen|encrypt|aggregate|decrypt ...   (aggregation for analysts)
    zkmpc usecases [run NAME ...]                 -> the use cases by sector, or run one
```

One module per command group (``zkmpc.cli.circuit``, ``groth16``, ``evm``, ``ceremony``,
``witness``, ``party``, ``prover``, ``paillier``, ``demo``); each registers its commands
with ``add_<command>(subparsers)``, and ``_COMMANDS`` lists them all, the one place a
command is added.

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

import os
import sys
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path

if TYPE_CHECKING:
    from typing import Any, Sequence
    import argparse

__all__ = ["main"]

# Every command, in the order ``zkmpc --help`` lists them: its name, and the module and
# function that register its parser on the subparsers (one style: ``add(sub)``).
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("compile", "zkmpc.cli.circuit", "add_compile"),
    ("setup", "zkmpc.cli.groth16", "add_setup"),
    ("prove", "zkmpc.cli.groth16", "add_prove"),
    ("verify", "zkmpc.cli.groth16", "add_verify"),
    ("info", "zkmpc.cli.circuit", "add_info"),
    ("export-verifier", "zkmpc.cli.evm", "add_export_verifier"),
    ("calldata", "zkmpc.cli.evm", "add_calldata"),
    ("verify-onchain", "zkmpc.cli.evm", "add_verify_onchain"),
    ("demo", "zkmpc.cli.demo", "add_demo"),
    ("party", "zkmpc.cli.party", "add_party"),
    ("party-setup", "zkmpc.cli.party", "add_party_setup"),
    ("zkey", "zkmpc.cli.ceremony", "add_zkey"),
    ("ptau", "zkmpc.cli.ceremony", "add_ptau"),
    ("wtns", "zkmpc.cli.witness", "add_wtns"),
    ("prover", "zkmpc.cli.prover", "add_prover"),
    ("paillier", "zkmpc.cli.paillier", "add_paillier"),
    ("usecases", "zkmpc.usecases.cli", "add_usecases"),
)


def _columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` finds it ($COLUMNS, else
    standard output's terminal, else 80), without importing shutil (and the compression
    modules it loads): argparse would, for every argument added."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _parser_class() -> type[argparse.ArgumentParser]:
    """argparse's parser whose help formatter takes its width from :func:`_columns`
    (subparsers are of the same class); argparse is imported here, not with the module:
    ``zkmpc prove`` from a ``.zkey`` does without it (see :func:`_zkey_prove_args`)."""
    import argparse

    class _Formatter(argparse.HelpFormatter):
        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)

    class _Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", _Formatter)
            super().__init__(*args, **kwargs)

    return _Parser


def _zkey_prove_args(argv: Sequence[str]) -> Any:
    """The namespace argparse gives ``zkmpc prove CIRCUIT.zkey WITNESS.wtns [PROOF
    [PUBLIC]]`` (positional arguments only, none starting with ``-``), without argparse:
    importing it and building the command's parser is about 5 ms of a proof timed against
    rapidsnark's whole process. None for anything else, which argparse parses (and whose
    messages it gives)."""
    if len(argv) < 3 or len(argv) > 5 or argv[0] != "prove" or not argv[1].endswith(".zkey"):
        return None
    if any(not isinstance(a, str) or a.startswith("-") for a in argv[1:]):
        return None
    from types import SimpleNamespace

    from .groth16 import cmd_prove

    rest = [*argv[3:], None, None, None]
    return SimpleNamespace(command="prove", circuit=argv[1], input=argv[2], pk=rest[0],
                           proof=rest[1] if rest[1] is not None else "proof.json",
                           public=rest[2] if rest[2] is not None else "public.json", r1cs=None, fn=cmd_prove)


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
    p = _parser_class()(prog="zkmpc", description="zkmpc: circuits, Groth16, MPC")
    from .. import __version__

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
    args = _zkey_prove_args(argv) or _parser(argv).parse_args(argv)
    try:
        return int(args.fn(args))
    except Exception as exc:
        if not isinstance(exc, _known_errors()):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
