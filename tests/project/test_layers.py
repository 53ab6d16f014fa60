"""DESIGN §1: zkp imports neither circuits nor mpc; circuits and mpc not each other."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"zkp": {"circuits", "mpc", "zkmpc"}, "circuits": {"mpc", "zkmpc"},
             "mpc": {"circuits", "zkmpc"}}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_no_layer_reaches_upward() -> None:
    bad = []
    for pkg, forbidden in FORBIDDEN.items():
        for path in (ROOT / pkg).rglob("*.py"):
            hit = _imports(path) & forbidden
            if hit:
                bad.append(f"{path.relative_to(ROOT)} imports {sorted(hit)}")
    assert not bad, bad


UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "yaml", "jsonpickle"}
UNSAFE_CALLS = {"eval", "exec", "__import__"}  # builtin compile() runs nothing by itself
# (file, call): the only reviewed uses. circuits/circuit.py evaluates the annotations of the
# user's own Circuit class (its source, as typing.get_type_hints does), never data.
ALLOWED_CALLS = {("circuits/circuit.py", "eval")}


def _unsafe_uses(path: Path) -> list[str]:
    """Imports of deserialisers that run code, and calls of eval/exec/__import__
    (by name or as ``builtins.eval``)."""
    tree = ast.parse(path.read_text())
    found = [f"imports {m}" for m in sorted(_imports(path) & UNSAFE_MODULES)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) and \
                isinstance(f.value, ast.Name) and f.value.id == "builtins" else None
            if name in UNSAFE_CALLS:
                found.append(f"calls {name} (line {node.lineno})")
    return found


def test_no_pickle_eval_or_exec_on_data() -> None:
    bad = []
    for pkg in ("zkp", "circuits", "mpc", "zkmpc", "examples"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for use in _unsafe_uses(path):
                if not any(rel == f and use.startswith(f"calls {c} ") for f, c in ALLOWED_CALLS):
                    bad.append(f"{rel} {use}")
    assert not bad, bad


def test_the_unsafe_use_scan_sees_what_it_forbids(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import builtins\nfrom yaml import load\nx = eval(t)\nbuiltins.exec(t)\nimport marshal\n")
    assert _unsafe_uses(src) == ["imports marshal", "imports yaml", "calls eval (line 3)", "calls exec (line 4)"]


# Issue 16: gadgets and circuits see only the public protocol (circuits/api.py); the
# engines' own methods (`api._row`, `api._decompose`...) are called only inside the engine.
ENGINE = {"circuits/api.py", "circuits/compiler.py"}
ENGINE_DIRS = ("circuits/engine/",)
PROTOCOL_USERS = ("circuits", "zkmpc", "examples", "benchmarks", "tests", "tools")


def _private_engine_calls(path: Path) -> list[str]:
    """``api._x`` / ``engine._x`` anywhere in the file (a gadget's parameter is ``api``)."""
    tree = ast.parse(path.read_text())
    return [f"{node.value.id}.{node.attr} (line {node.lineno})" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in ("api", "engine") and node.attr.startswith("_")
            and not node.attr.startswith("__")]


def test_gadgets_and_circuits_use_only_the_public_protocol() -> None:
    bad: list[str] = []
    for top in PROTOCOL_USERS:
        for path in (ROOT / top).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel in ENGINE or rel.startswith(ENGINE_DIRS) or rel == "tests/project/test_layers.py":
                continue
            bad.extend(f"{rel}: {hit}" for hit in _private_engine_calls(path))
    assert not bad, bad


def test_the_protocol_scan_sees_what_it_forbids(tmp_path: Path) -> None:
    src = tmp_path / "gadget.py"
    src.write_text("def g(api, x):\n    y = api._lift(x)\n    return api.lift(y), engine._row\n")
    assert _private_engine_calls(src) == ["api._lift (line 2)", "engine._row (line 3)"]


# DESIGN §1: what crosses a package boundary is public. A module of zkp, circuits, mpc, zkmpc
# or examples imports no private module (a dotted name with a part starting with "_") of
# another top-level package, and no private name from one.
TOPS = ("zkp", "circuits", "mpc", "zkmpc", "examples")


def _private_imports(path: Path, own: str) -> list[str]:
    bad = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        targets: list[tuple[str, list[str]]] = []
        if isinstance(node, ast.Import):
            targets = [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [(node.module, [a.name for a in node.names])]
        for module, names in targets:
            parts = module.split(".")
            if parts[0] not in TOPS or parts[0] == own:
                continue
            private = [p for p in parts[1:] if p.startswith("_")] + [n for n in names if n.startswith("_")]
            if private:
                bad.append(f"{module} {private} (line {node.lineno})")
    return bad


def test_no_package_imports_another_packages_private_module() -> None:
    bad: list[str] = []
    for top in TOPS:
        for path in sorted((ROOT / top).rglob("*.py")):
            bad.extend(f"{path.relative_to(ROOT)}: {hit}" for hit in _private_imports(path, top))
    assert not bad, bad


def test_the_private_import_scan_sees_what_it_forbids(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("from zkp._backend import kernels\nimport zkp.formats._x\nfrom zkp import _backend\n"
                   "from zkp.kernels import g1_multiply\nfrom mpc._intmath import r\n")
    assert _private_imports(src, "mpc") == ["zkp._backend ['_backend'] (line 1)", "zkp.formats._x ['_x'] (line 2)",
                                            "zkp ['_backend'] (line 3)"]
