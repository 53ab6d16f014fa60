"""The use-case catalogue (zkmpc.usecases.catalogue, ``zkmpc usecases``) and the runner's
command line: every example is listed once by sector, runs by name, and the README shows
the catalogue's table."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from zkmpc import errors as E
from zkmpc.cli import main as cli
from zkmpc.usecases import Report, parse_args
from zkmpc.usecases.catalogue import SECTORS, catalogue, find, markdown_table, run

ROOT = Path(__file__).resolve().parents[2]


def test_every_example_is_listed_once_with_a_one_line_summary() -> None:
    cases = catalogue()
    on_disk = sorted(p.relative_to(ROOT / "examples").with_suffix("").as_posix()
                     for p in (ROOT / "examples").glob("*/*.py") if not p.name.startswith("_"))
    assert sorted(f"{c.sector}/{c.name}" for c in cases) == on_disk
    assert all(c.sector in SECTORS for c in cases)
    for c in cases:
        assert c.summary and len(c.summary) <= 120 and c.summary.endswith("."), c
    assert [SECTORS.index(c.sector) for c in cases] == sorted(SECTORS.index(c.sector) for c in cases)


def test_the_readme_shows_the_catalogue() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert markdown_table() in readme, "README's use-case table is stale: paste `zkmpc usecases --markdown`"


def test_run_by_name_and_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    summary = run("bank_salaries", ["--seed", "3"], out)
    assert summary.reports == 3 and "regulator" in out.getvalue()
    assert find("finance/bank_salaries") == find("bank_salaries")
    with pytest.raises(E.UseCaseError, match="unknown name 'nope'.*identity/credential|identity/credential.*nope"):
        find("nope")
    assert cli(["usecases", "run", "nope"]) == 2
    assert "unknown name 'nope'" in capsys.readouterr().err
    assert cli(["usecases", "--sector", "finance"]) == 0
    listed = capsys.readouterr().out
    assert "bank_salaries" in listed and "credential" not in listed


def test_the_runner_refuses_development_keys_on_a_node_without_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse_args(["--members", "100"], "Doc.", members=10_000)
    assert args.members == 100 and not args.dev_keys
    for bad in (["--rpc", "http://127.0.0.1:1"], ["--members", "1"], ["--members", "ten"]):
        with pytest.raises(SystemExit):
            parse_args(bad, "Doc.", members=10)
    assert re.search(r"--dev-keys", capsys.readouterr().err)
    assert parse_args(["--rpc", "http://x", "--dev-keys"], "Doc.", members=10).rpc == "http://x"


def test_a_report_keeps_what_it_prints_and_a_claimed_refusal_must_happen() -> None:
    out = io.StringIO()
    report = Report(out, title="t")
    report.expect_refusal("a second vote", lambda: (_ for _ in ()).throw(E.NullifierUsedError("x")),
                          E.NullifierUsedError)
    assert report.figures["refused"] == [("a second vote", "NullifierUsedError")]
    with pytest.raises(E.UseCaseError, match="expected a refusal"):
        report.expect_refusal("a vote that passes", lambda: None, E.NullifierUsedError)
    assert "refused: a second vote (NullifierUsedError)" in out.getvalue()
