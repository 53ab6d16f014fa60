"""Griffe extension for the API reference (mkdocs.yml loads it): the house writes a docstring's
doctests under ``Example:``, which Google style reads as an admonition of Markdown (the
``>>>`` lines would render as nested quotes); here it is read as ``Examples:``, a code section.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

EXAMPLE = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class DoctestExamples(Extension):
    """``Example:`` read as ``Examples:`` in every docstring griffe loads."""

    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
