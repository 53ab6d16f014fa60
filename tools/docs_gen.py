"""MkDocs hook (``hooks:`` in mkdocs.yml): the pages generated at build time.

Nothing it writes is committed; every page comes from the code as it is:

- ``usecases/index.md`` (the catalogue by sector) and ``usecases/<sector>/<name>.md`` (one per
  use case: its module docstring and its command line, ``--help`` as the script prints it),
  from :func:`zkmpc.usecases.catalogue.catalogue`;
- ``notebooks/<name>.ipynb``: the notebooks of ``notebooks/``, handed to mkdocs-jupyter
  (rendered, never executed: the tests execute them);
- ``api/<module>.md``: one mkdocstrings page per public module of zkp, circuits, mpc, zkmpc
  (a module is public when no part of its dotted name starts with ``_``);
- the README's sections, where a page says ``<!-- readme: HEADING -->``.

The navigation gets the generated pages under the sections "Use cases", "Notebooks" and
"API reference" of mkdocs.yml.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("zkp", "circuits", "mpc", "zkmpc")
SKIP_MODULES = frozenset({"zkmpc.__main__"})
README_MARK = re.compile(r"^<!-- readme: (.+?) -->$", re.MULTILINE)
SECTOR_TITLES = {"ai": "AI"}  # a sector's heading when capitalising its name is wrong


def sector_title(sector: str) -> str:
    """The sector's heading: ``"healthcare"`` -> ``"Healthcare"``, ``"ai"`` -> ``"AI"``."""
    return SECTOR_TITLES.get(sector, sector.capitalize())


def public_modules(package: str) -> list[str]:
    """The dotted names of ``package``'s public modules, the package itself first."""
    base = ROOT / package
    names = []
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if not any(p.startswith("_") for p in parts) and name not in SKIP_MODULES:
            names.append(name)
    return sorted(names, key=lambda n: (n != package, n))


def api_page(module: str) -> str:
    return f"# `{module}`\n\n::: {module}\n"


def command_line(module: str) -> str:
    """The use case's ``--help``, as ``python -m module --help`` prints it (the description and
    epilog, which are its docstring, left out: the page shows the docstring itself)."""
    main = getattr(importlib.import_module(module), "main")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
        main(["--help"], io.StringIO())
    text = buffer.getvalue()
    if not text.startswith("usage:"):
        raise ValueError(f"{module}: expected `--help` to print a usage, found {text[:80]!r}")
    blocks = text.split("\n\n")
    kept = [b for b in blocks if b.startswith(("usage:", "options:", "positional arguments:"))
            or re.match(r"^\S.*:\n  ", b)]
    usage, *rest = kept
    prog = usage.split()[1]  # argparse's prog: the running program's name
    lines = usage.replace(f"usage: {prog}", f"usage: python -m {module}", 1).splitlines()
    shift = " " * (len(f"python -m {module}") - len(prog))
    usage = "\n".join([lines[0], *(shift + line for line in lines[1:])])
    return "\n\n".join([usage, *rest]).rstrip() + "\n"


def markdown_text(doc: str) -> str:
    """A docstring's prose as Markdown: a wrapped line starting with ``>`` stays text."""
    return re.sub(r"^(\s*)>", r"\1\\>", doc, flags=re.MULTILINE)


def usecase_page(case: Any) -> str:
    doc = importlib.import_module(case.module).__doc__ or ""
    summary, _, rest = doc.strip().partition("\n")
    return (f"# {case.name}\n\n*{case.sector}* · `{case.module}`\n\n**{summary.strip()}**\n\n"
            f"{markdown_text(rest.strip())}\n\n## Command line\n\n```text\n{command_line(case.module)}```\n\n"
            f"Also: `zkmpc usecases run {case.name} [ARGS...]`.\n")


def usecases_index(cases: list[Any], sectors: tuple[str, ...]) -> str:
    lines = ["# Use cases", "",
             "Each use case is a script in `examples/<sector>/` built on the application layer; "
             "`zkmpc usecases` lists them and `zkmpc usecases run NAME [ARGS...]` runs one. "
             "Every page below is generated from the script's docstring and command line.", ""]
    for sector in sectors:
        group = [c for c in cases if c.sector == sector]
        if group:
            lines += [f"## {sector_title(sector)}", "", "| use case | what it shows | run |", "|---|---|---|"]
            lines += [f"| [{c.name}]({c.sector}/{c.name}.md) | {c.summary} | `{c.command()}` |" for c in group]
            lines.append("")
    return "\n".join(lines)


def _catalogue() -> tuple[list[Any], tuple[str, ...]]:
    from zkmpc.usecases.catalogue import SECTORS, catalogue

    return catalogue(), SECTORS


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _section(nav: list[Any], title: str) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and title in item:
            section = item[title]
            if not isinstance(section, list):
                section = item[title] = [section]
            return section
    raise ValueError(f"mkdocs.yml: expected a nav section {title!r}, found {[*map(str, nav)]}")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    nav = config.nav
    if nav is None:
        raise ValueError("mkdocs.yml: expected a nav, found none")
    cases, sectors = _catalogue()
    usecases = _section(nav, "Use cases")
    for sector in sectors:
        group = [{c.name: f"usecases/{c.sector}/{c.name}.md"} for c in cases if c.sector == sector]
        if group:
            usecases.append({sector_title(sector): group})
    _section(nav, "Notebooks").extend(f"notebooks/{p.name}" for p in _notebooks())
    api = _section(nav, "API reference")
    for package in PACKAGES:
        api.append({package: [{m: f"api/{m}.md"} for m in public_modules(package)]})
    return config


@event_priority(100)  # before mkdocs-jupyter, which picks the notebooks up from the files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    cases, sectors = _catalogue()
    generated = {"usecases/index.md": usecases_index(cases, sectors)}
    generated |= {f"usecases/{c.sector}/{c.name}.md": usecase_page(c) for c in cases}
    generated |= {f"api/{m}.md": api_page(m) for p in PACKAGES for m in public_modules(p)}
    for uri, content in generated.items():
        files.append(File.generated(config, uri, content=content))
    for path in _notebooks():  # a File read from the checkout (mkdocs-jupyter needs src_dir set)
        files.append(File(f"notebooks/{path.name}", src_dir=str(ROOT), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


def readme_section(heading: str) -> str:
    """The README's section ``## heading``, up to the next ``## `` heading (headings one level down)."""
    text = (ROOT / "README.md").read_text("utf-8")
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if match is None:
        raise ValueError(f"README.md: expected a section '## {heading}', found none")
    return match.group(1).strip() + "\n"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return README_MARK.sub(lambda m: readme_section(m.group(1)), markdown)
