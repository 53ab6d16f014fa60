"""Short text and HTML for notebooks: long field elements cut to their ends, tables of
(name, value) rows. The packages' objects use it for ``__repr__`` and ``_repr_html_``;
nothing here ever sees a secret (callers pass only what may be shown).

    >>> from zkp.display import short, html_table
    >>> short(2**200 + 5)
    '0x1000000…000005'
    >>> short(42)
    '42'
    >>> html_table("Proof", [("A", "0x1…2"), ("note", "<b>")]).count("<tr>")
    2
"""

from __future__ import annotations

import html
from typing import Any, Sequence

__all__ = ["html_table", "short"]


def short(value: int, digits: int = 6) -> str:
    """``value`` in decimal when small, else its hex cut to ``digits`` digits at each end."""
    if not isinstance(value, int):
        return str(value)
    if abs(value) < 10 ** 9:
        return str(value)
    text = f"{value:x}"
    if len(text) <= 2 * digits + 1:
        return "0x" + text
    return f"0x{text[:digits + 1]}…{text[-digits:]}"


def html_table(title: str, rows: Sequence[tuple[str, Any]], *, note: str = "") -> str:
    """A small two-column table with a caption; every cell is escaped."""
    body = "".join(f"<tr><th style='text-align:left'>{html.escape(str(k))}</th>"
                   f"<td style='text-align:left'><code>{html.escape(str(v))}</code></td></tr>" for k, v in rows)
    foot = f"<p style='margin:2px 0'><i>{html.escape(note)}</i></p>" if note else ""
    return (f"<div><table><caption style='text-align:left'><b>{html.escape(title)}</b></caption>"
            f"{body}</table>{foot}</div>")
