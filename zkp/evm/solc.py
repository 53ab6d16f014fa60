"""Compile Solidity with solc: a ``solc`` binary, or the npm package ``solc`` run by node.

Where the compiler is looked for, in order:

1. ``$ZKMPC_SOLC``: a solc binary;
2. the npm package ``solc`` (solcjs) under ``$ZKMPC_NODE_MODULES``, when that is set (an
   explicit choice beats what ``PATH`` happens to hold: the tests pin their compiler so);
3. ``solc`` on ``PATH`` (a native binary, ``solc --version`` must answer);
4. the npm package ``solc`` under ``./node_modules`` or the source checkout's
   ``node_modules`` (``make tools`` installs the pinned one), run by node.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputTypeError, ToolError

__all__ = ["CompiledContract", "compile_solidity", "find_solc", "DEFAULT_EVM_VERSION"]

DEFAULT_EVM_VERSION = "shanghai"  # PUSH0; no Cancun opcodes, so older L2s run it too
_TIMEOUT = 300

_NODE_DRIVER = r"""
const path = require('path');
const solc = require(path.join(process.argv[1], 'solc'));
let input = '';
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', () => {
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(solc.compile(input))}));
});
"""


@dataclass(frozen=True)
class CompiledContract:
    """A compiled contract: creation bytecode, ABI, and the compiler's warnings."""

    name: str
    bytecode: bytes
    deployed_bytecode: bytes
    abi: list[dict[str, Any]] = field(repr=False)
    warnings: tuple[str, ...] = ()
    compiler: str = ""

    def __repr__(self) -> str:
        return (f"CompiledContract({self.name!r}, {len(self.deployed_bytecode)} bytes deployed, "
                f"{len(self.warnings)} warnings, solc {self.compiler})")


def _node_modules_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("ZKMPC_NODE_MODULES"):
        dirs.append(Path(os.environ["ZKMPC_NODE_MODULES"]))
    dirs.append(Path.cwd() / "node_modules")
    dirs.append(Path(__file__).resolve().parents[2] / "node_modules")
    return dirs


def find_solc() -> tuple[str, str]:
    """``("binary", path)`` or ``("solcjs", node_modules_dir)``; :class:`ToolError` if none."""
    env = os.environ.get("ZKMPC_SOLC")
    if env:
        if not Path(env).is_file():
            raise ToolError(f"ZKMPC_SOLC={env!r}: no such file")
        return "binary", env
    chosen = os.environ.get("ZKMPC_NODE_MODULES")
    if chosen and shutil.which("node") and (Path(chosen) / "solc" / "package.json").is_file():
        return "solcjs", chosen
    native = shutil.which("solc")
    if native:
        try:
            out = subprocess.run([native, "--version"], capture_output=True, text=True, timeout=30)
            if out.returncode == 0 and "Version" in out.stdout:
                return "binary", native
        except (OSError, subprocess.SubprocessError):
            pass
    if shutil.which("node"):
        for d in _node_modules_dirs():
            if (d / "solc" / "package.json").is_file():
                return "solcjs", str(d)
    raise ToolError("no Solidity compiler found: install solc (a binary on PATH or $ZKMPC_SOLC), "
                    "or the npm package with `npm install solc@0.8.37` (`make tools` in a checkout)")


def _run_solc(kind: str, where: str, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The compiler's version and its standard-JSON output for ``request``."""
    try:
        if kind == "binary":
            proc = subprocess.run([where, "--standard-json"], input=json.dumps(request), capture_output=True,
                                  text=True, timeout=_TIMEOUT)
            version = subprocess.run([where, "--version"], capture_output=True, text=True,
                                     timeout=30).stdout.strip().splitlines()[-1]
        else:
            proc = subprocess.run(["node", "-e", _NODE_DRIVER, where], input=json.dumps(request),
                                  capture_output=True, text=True, timeout=_TIMEOUT)
            version = ""
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"solc ({kind}) did not finish in {_TIMEOUT} s") from exc
    if proc.returncode != 0:
        raise ToolError(f"solc ({kind}) failed: {proc.stderr.strip()[:2000]}")
    try:
        doc = json.loads(proc.stdout)
    except ValueError as exc:
        raise ToolError(f"solc ({kind}) printed no JSON: {proc.stdout[:500]!r}") from exc
    if kind == "solcjs":
        version, doc = doc["version"], doc["output"]
    if not isinstance(doc, dict):
        raise ToolError(f"solc ({kind}): expected a JSON object, found {type(doc).__name__}")
    return str(version), doc


# The compiler's output for a request is cached on disk: the same source, settings and
# compiler give the same output, and solcjs takes seconds a contract. The key names the
# compiler by its binary (path, size, mtime) or the npm package's version; $ZKMPC_SOLC_CACHE=0
# turns the cache off, $ZKMPC_CACHE moves it (default ~/.cache/zkmpc).
def _cache_dir() -> Path | None:
    if os.environ.get("ZKMPC_SOLC_CACHE", "1") == "0":
        return None
    base = os.environ.get("ZKMPC_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "zkmpc")
    return Path(base) / "solc"


def _compiler_id(kind: str, where: str) -> str:
    try:
        if kind == "binary":
            st = os.stat(where)
            return f"binary:{os.path.realpath(where)}:{st.st_size}:{st.st_mtime_ns}"
        meta = json.loads((Path(where) / "solc" / "package.json").read_text("utf-8"))
        return f"solcjs:{meta.get('version')}"
    except (OSError, ValueError):
        return ""


def _cache_file(kind: str, where: str, request: dict[str, Any]) -> Path | None:
    folder, compiler = _cache_dir(), _compiler_id(kind, where)
    if folder is None or not compiler:
        return None
    key = hashlib.sha256(json.dumps([compiler, request], sort_keys=True).encode()).hexdigest()
    return folder / f"{key}.json"


def _cache_read(path: Path | None) -> tuple[str, dict[str, Any]] | None:
    """A cached (version, output), or None (absent, unreadable or malformed: compile again)."""
    if path is None:
        return None
    try:
        entry = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(entry, dict) and isinstance(entry.get("version"), str) and isinstance(entry.get("output"), dict)):
        return None
    return entry["version"], entry["output"]


def _cache_write(path: Path | None, version: str, doc: dict[str, Any]) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": version, "output": doc}), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: compile every time


def compile_solidity(source: str, contract_name: str, *, optimize_runs: int = 200,
                     evm_version: str = DEFAULT_EVM_VERSION) -> CompiledContract:
    """Compile ``source`` and return ``contract_name``'s bytecode, ABI and warnings (the
    compiler's output is cached on disk by source, settings and compiler: see ``_cache_dir``).

    Raises:
        ToolError: no compiler, or the compiler failed or reported errors.
    """
    if not isinstance(source, str) or not isinstance(contract_name, str):
        raise InputTypeError("compile_solidity: source and contract_name must be str")
    request = {
        "language": "Solidity",
        "sources": {f"{contract_name}.sol": {"content": source}},
        "settings": {
            "optimizer": {"enabled": True, "runs": optimize_runs},
            "evmVersion": evm_version,
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
        },
    }
    kind, where = find_solc()
    cache = _cache_file(kind, where, request)
    cached = _cache_read(cache)
    if cached is not None:
        try:
            return _contract(cached[1], contract_name, cached[0])
        except (ToolError, KeyError, TypeError, ValueError, AttributeError):
            pass  # a damaged entry: compile again (and overwrite it)
    version, doc = _run_solc(kind, where, request)
    contract = _contract(doc, contract_name, version)
    _cache_write(cache, version, doc)
    return contract


def _contract(doc: dict[str, Any], contract_name: str, version: str) -> CompiledContract:
    """``contract_name`` from the compiler's output (ToolError for the compiler's errors)."""
    errors = [e for e in doc.get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise ToolError("solc: " + "\n".join(e.get("formattedMessage", e.get("message", "")) for e in errors))
    warnings = tuple(e.get("formattedMessage", e.get("message", "")) for e in doc.get("errors", [])
                     if e.get("severity") == "warning")
    try:
        out = doc["contracts"][f"{contract_name}.sol"][contract_name]
    except KeyError as exc:
        raise ToolError(f"solc: no contract {contract_name!r} in the output") from exc
    return CompiledContract(
        name=contract_name,
        bytecode=bytes.fromhex(out["evm"]["bytecode"]["object"]),
        deployed_bytecode=bytes.fromhex(out["evm"]["deployedBytecode"]["object"]),
        abi=out["abi"], warnings=warnings, compiler=version,
    )
