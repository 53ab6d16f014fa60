"""The README's Python examples run as written."""

from __future__ import annotations

import re
import warnings
from typing import Any

from .conftest import ROOT


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_notebook_example_runs() -> None:
    ns: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(_blocks()[0], ns)  # noqa: S102 - our own README
    assert ns["groth16"].verify(ns["vk"], ns["w"].public, ns["proof"])


def test_eligibility_example_solves() -> None:
    block = next(b for b in _blocks() if "class Eligible" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    from circuits import compile
    from circuits.native import MerkleTree, nullifier, poseidon

    cs = compile(ns["Eligible"])
    tree = MerkleTree(20, leaves=[11, poseidon([12345]), 13])
    p = tree.proof(1)
    w = cs.solve(ns["Eligible"](root=tree.root, scope=7, null=nullifier(12345, 7), secret=12345, age=30,
                                path=list(p.path_bits), siblings=list(p.siblings)))
    assert cs.r1cs.is_satisfied(w.values())


def test_paillier_example_runs() -> None:
    block = next(b for b in _blocks() if "paillier.keygen" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert ns["total"] == 375 and len(ns["cts"]) == 1000
    s = ns["summary"]
    assert (s.reports, s.count, str(s.total)) == (3, 4, "192000.75")


def test_sharing_example_runs() -> None:
    block = next(b for b in _blocks() if "shamir.split" in b)
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert ns["secret"] == 123456789 and ns["recovered"].secret == 123456789 and ns["recovered"].bad == ()
    st = ns["stats"][1]
    assert (st.count, str(st.mean), st.missing) == (8, "5.475", (4,))


def test_ceremony_example_runs(tmp_path: Any, monkeypatch: Any) -> None:
    block = next(b for b in _blocks() if "new_zkey" in b)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tests" / "vectors").mkdir(parents=True)
    (tmp_path / "tests" / "vectors" / "pot8_final.ptau").write_bytes(
        (ROOT / "tests" / "vectors" / "pot8_final.ptau").read_bytes())
    ns: dict[str, Any] = {}
    exec(block, ns)  # noqa: S102
    assert [name for name, _ in ns["report"]] == ["bank A", "bank B", "final beacon"]
    assert (tmp_path / "adult.zkey").stat().st_size > 0 and not ns["zk"].development
