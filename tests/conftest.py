"""Shared fixtures: the pinned npm tools, seeded randomness, small circuits and keys."""

from __future__ import annotations

import os
import random
import subprocess
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
VECTORS = Path(__file__).resolve().parent / "vectors"


def _tool(name: str) -> str:
    """Path of an npm tool pinned in package-lock.json and installed by `make test`: only the
    repository's ``node_modules`` counts (whatever else is on PATH is another version). A
    missing tool fails the test (skipped only when ZKMPC_ALLOW_MISSING_TOOLS=1, never in CI)."""
    path = ROOT / "node_modules" / ".bin" / name
    if path.exists():
        return str(path)
    msg = f"{name} not installed (run `make test`, which runs `npm ci`)"
    if os.environ.get("ZKMPC_ALLOW_MISSING_TOOLS") == "1" and not os.environ.get("CI"):
        pytest.skip(msg)
    pytest.fail(msg)


@pytest.fixture(scope="session")
def snarkjs() -> Callable[..., subprocess.CompletedProcess[str]]:
    exe = _tool("snarkjs")

    def run(*args: str, cwd: str | Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        res = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
        if check and res.returncode != 0:
            raise AssertionError(f"snarkjs {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
        return res

    return run


@pytest.fixture(scope="session")
def circom() -> str:
    return _tool("circom2")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(0xC0FFEE)


def dev_setup(cs: Any, **kw: Any) -> Any:
    from zkp import groth16

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        return groth16.setup(cs, **kw)


@pytest.fixture(scope="session")
def square_system() -> Any:
    """y*y == x with x public: (cs, pk, vk, witness for x=9, proof)."""
    from zkp import groth16
    from zkp.r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=1)
    x, y = b.new_wire(), b.new_wire()
    b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    cs = b.build()
    pk, vk = dev_setup(cs)
    w = [1, 9, 3]
    return cs, pk, vk, w, groth16.prove(pk, w)


@pytest.fixture(scope="session")
def anvil_url() -> Any:
    """A local anvil node (the pinned npm binary) on 127.0.0.1 at a free port, for the session."""
    exe = _tool("anvil")
    os.environ["ZKMPC_ANVIL"] = exe
    from zkp.evm.anvil import Anvil

    with Anvil() as node:
        yield node.url


@pytest.fixture(scope="session")
def solc_ready() -> None:
    """The pinned npm solc is what the tests compile with, not a ``solc`` that PATH happens to
    hold (a missing one fails, as for every tool)."""
    if not (ROOT / "node_modules" / "solc" / "package.json").is_file():
        _tool("solcjs")
    os.environ["ZKMPC_NODE_MODULES"] = str(ROOT / "node_modules")


def circomlibjs(script: str, payload: Any) -> Any:
    """Run ``script`` (JavaScript; ``input`` holds the JSON payload, ``lib`` circomlibjs) in
    node and return what it printed, parsed as JSON."""
    import json

    _tool("snarkjs")  # npm ci ran; circomlibjs is pinned beside it
    lib = ROOT / "node_modules" / "circomlibjs"
    if not lib.is_dir():
        pytest.fail("circomlibjs not installed (run `make test`, which runs `npm ci`)")
    prog = ("const lib = require(" + json.dumps(str(lib)) + ");\n"
            "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
            "(async () => {\n" + script + "\n})().then(() => process.exit(0), e => { console.error(e); process.exit(1); });\n")
    res = subprocess.run(["node", "-e", prog], input=json.dumps(payload), capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        raise AssertionError(f"circomlibjs script failed:\n{res.stderr}")
    return json.loads(res.stdout)


def unbound_wires(cs: Any, witness: Any, wires: Any = None) -> list[int]:
    """The wires (of ``wires``, default all but the inputs) whose value can change alone
    while every constraint still holds. Exact, and fast: only the rows containing a wire
    are re-evaluated with that wire bumped by one (the witness satisfies the others)."""
    from collections import defaultdict

    from zkp.field import R

    values = witness.values()
    r1cs = cs.r1cs
    r1cs.assert_satisfied(values)
    a, b, c = r1cs.evaluate(values)
    touch: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for m, M in enumerate((r1cs.A, r1cs.B, r1cs.C)):
        ptr, cols, ks = M.indptr.tolist(), M.cols.tolist(), M.coeff_ids.tolist()
        for row in range(len(ptr) - 1):
            for t in range(ptr[row], ptr[row + 1]):
                touch[cols[t]][row][m] += r1cs.coeffs[ks[t]]
    if wires is None:
        inputs = {w for item in cs.layout for w in item.wires}
        wires = [w for w in range(1, len(values)) if w not in inputs]
    free = []
    for w in wires:
        if all(((a[row] + da) * (b[row] + db) - c[row] - dc) % R == 0
               for row, (da, db, dc) in touch[w].items()):
            free.append(w)
    return free


def assert_internal_wires_bound(cs: Any, witness: Any, *, free: set[int] = frozenset(),  # type: ignore[assignment]
                                sample: int | None = None) -> int:
    """Soundness: changing any witness wire that is not a declared input (nor in ``free``)
    breaks some constraint (``sample``: a seeded random subset of that many wires, for big
    circuits). Returns the number of wires checked."""
    values = witness.values()
    inputs = {w for item in cs.layout for w in item.wires}
    candidates = [w for w in range(1, len(values)) if w not in inputs and w not in free]
    if sample is not None and len(candidates) > sample:
        candidates = sorted(random.Random(len(values)).sample(candidates, sample))
    loose = unbound_wires(cs, witness, candidates)
    assert not loose, f"wires {loose[:10]} are not determined by the constraints"
    return len(candidates)


# The kernel tests' fixtures (tests/zkp/test_kernel_boundaries.py, tests/zkp/test_prove_kernels.py): the C
# twin, and ZKP_THREADS at 1, 2, 3 and the machine's default (None), which split batches apart.
THREADS = [None, "1", "2", "3"]


@pytest.fixture(scope="module")
def C() -> ModuleType:
    from ._helpers import c_twin

    return c_twin()  # type: ignore[no-any-return]


@pytest.fixture(params=THREADS, ids=lambda t: f"threads={t or 'default'}")
def threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str | None]:
    from zkp._backend import set_threads

    if request.param is None:
        monkeypatch.delenv("ZKP_THREADS", raising=False)
    else:
        monkeypatch.setenv("ZKP_THREADS", request.param)
    set_threads()  # the C twin reads no environment: Python passes ZKP_THREADS in
    yield request.param
    monkeypatch.undo()
    set_threads()
