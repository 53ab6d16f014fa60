"""compile_solidity caches the compiler's output on disk: the same source and compiler
compile once; a damaged entry is compiled again; a failed compile is never cached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from zkp.errors import ToolError
from zkp.evm import compile_solidity
from zkp.evm import solc as S

SOURCE = "// SPDX-License-Identifier: MIT\npragma solidity >=0.8.4;\ncontract C%d { function f() external pure returns (uint256) { return %d; } }\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZKMPC_CACHE", str(tmp_path))
    monkeypatch.delenv("ZKMPC_SOLC_CACHE", raising=False)
    return tmp_path / "solc"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = S._run_solc

    def run(*a: Any) -> Any:
        calls.append(1)
        return real(*a)

    monkeypatch.setattr(S, "_run_solc", run)
    return calls


def test_the_second_compile_comes_from_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                solc_ready: None) -> None:
    calls = _counting(monkeypatch)
    first = compile_solidity(SOURCE % (1, 7), "C1")
    second = compile_solidity(SOURCE % (1, 7), "C1")
    assert first == second and len(calls) == 1 and len(list(cache.glob("*.json"))) == 1
    compile_solidity(SOURCE % (1, 7), "C1", optimize_runs=1)  # other settings: another entry
    assert len(calls) == 2
    for entry in cache.glob("*.json"):  # damaged entries are compiled again and rewritten
        entry.write_text('{"version": "x", "output": {"contracts": {"C1.sol": {"C1": {"evm": 5}}}}}')
    assert compile_solidity(SOURCE % (1, 7), "C1") == first and len(calls) == 3
    assert compile_solidity(SOURCE % (1, 7), "C1") == first and len(calls) == 3


def test_errors_are_not_cached_and_the_cache_can_be_off(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                        solc_ready: None) -> None:
    calls = _counting(monkeypatch)
    for _ in range(2):
        with pytest.raises(ToolError, match="solc:"):
            compile_solidity("contract {", "C2")
    assert len(calls) == 2 and not list(cache.glob("*.json"))
    monkeypatch.setenv("ZKMPC_SOLC_CACHE", "0")
    compile_solidity(SOURCE % (3, 1), "C3")
    compile_solidity(SOURCE % (3, 1), "C3")
    assert len(calls) == 4 and not cache.exists() or not list(cache.glob("*.json"))
