"""The documentation site (mkdocs.yml, tools/docs_gen.py): built once with ``mkdocs build
--strict`` (a broken link, a page missing from the navigation, a docstring mkdocstrings cannot
parse or a cross-reference that does not resolve fails the build), then read back."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zkmpc.usecases.catalogue import catalogue

pytestmark = pytest.mark.app_layer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-6000:]}"
    return out


def text(site: Path, page: str) -> str:
    """The page's text, tags stripped and entities decoded."""
    raw = (site / page / "index.html").read_text("utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def test_api_reference_renders_the_docstrings(site: Path) -> None:
    raw = (site / "api" / "zkp.groth16" / "index.html").read_text("utf-8")
    assert 'id="zkp.groth16.prove"' in raw and 'id="zkp.groth16.verify"' in raw
    page = text(site, "api/zkp.groth16.prover")
    assert "def prove" in page or "prove(" in page
    for module in ("circuits.api", "mpc.paillier", "zkmpc.identity", "zkmpc.credentials", "mpc.protocols.compare",
                   "zkmpc.ai", "zkmpc.ai.model", "zkmpc.ai.circuit", "zkmpc.ai.credit", "zkmpc.ai.accuracy",
                   "zkmpc.ai.federated", "zkmpc.statistics.analysis", "zkmpc.statistics.privacy",
                   "zkmpc.statistics.survival", "zkmpc.statistics.association", "zkmpc.statistics.join"):
        assert (site / "api" / module / "index.html").is_file(), module


def test_every_use_case_has_its_page(site: Path) -> None:
    index = text(site, "usecases")
    cases = catalogue()
    assert cases
    for case in cases:
        assert case.summary in index and case.command() in index, case.name
        page = text(site, f"usecases/{case.sector}/{case.name}")
        assert case.summary in page
        assert f"usage: python -m {case.module}" in page and "--help" in page
    assert "AI" in re.findall(r"<h2[^>]*>([^<]+)", (site / "usecases" / "index.html").read_text("utf-8"))


def test_notebooks_rendered_without_running(site: Path) -> None:
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page = site / "notebooks" / notebook.stem / "index.html"
        assert page.is_file(), notebook.name
        assert "jp-Cell" in page.read_text("utf-8")
    assert {"ai", "healthcare", "statistics"} <= {p.parent.name for p in (site / "notebooks").glob("*/index.html")}


def test_hand_written_pages_and_the_readme_sections(site: Path) -> None:
    start = text(site, "getting-started")
    assert "groth16.prove(pk, w)" in start and "OnchainVerifier" in start  # the README's sections
    assert "make demo" in text(site, ".")
    ai = text(site, "ai")
    assert "What the server learns" in ai and "constraints_by_layer" in ai and "error_bound" in ai
    for page in ("zkp", "circuits", "mpc", "application", "identity", "credentials", "design", "security",
                 "analysis", "ai"):
        assert (site / page / "index.html").is_file(), page
