"""Progress of long steps, for the Python API and the command line.

Every function that can take more than a second takes ``progress=``:

- ``None`` (the default): silent;
- a callable ``progress(step, done, total)``: called as the work advances (``step`` names
  the current part; ``done`` of ``total`` units are finished);
- ``True``: a bar: tqdm's (``tqdm.auto``: the notebook widget in Jupyter) when tqdm is
  installed, else a line on stderr, redrawn in place on a terminal and printed as plain
  lines (at most one a second) when stderr is a file or a pipe;
- a tqdm class (e.g. ``tqdm.notebook.tqdm``): a bar of that class.

    >>> from zkp.progress import reporter
    >>> seen = []
    >>> report = reporter(lambda step, done, total: seen.append((step, done, total)))
    >>> report("hashing", 1, 4); report("hashing", 4, 4)
    >>> seen
    [('hashing', 1, 4), ('hashing', 4, 4)]
    >>> reporter(None)("anything", 1, 2)   # silent
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, TextIO

__all__ = ["Progress", "Report", "reporter", "terminal"]

#: what ``progress=`` takes (see the module)
Progress = None | bool | Callable[[str, int, int], None] | type
#: what a long step calls
Report = Callable[[str, int, int], None]


def _silent(step: str, done: int, total: int) -> None:
    return None


def terminal(label: str, stream: TextIO | None = None, *, interval: float = 1.0) -> Report:
    """A report printing ``label: [done/total] step  seconds`` on ``stream`` (stderr): redrawn
    in place with a carriage return on a terminal, else one plain line per ``interval``
    seconds (and the last one), so that log files stay readable."""
    out = stream if stream is not None else sys.stderr
    tty = bool(getattr(out, "isatty", lambda: False)())
    t0 = time.perf_counter()
    state = {"last": -interval, "open": False}

    def report(step: str, done: int, total: int) -> None:
        now = time.perf_counter() - t0
        line = f"{label}: [{done}/{total}] {step:<24} {now:7.1f} s"
        if tty:
            end = "\n" if done >= total else ""
            print(f"\r{line}", end=end, file=out, flush=True)
        elif done >= total or now - state["last"] >= interval:
            state["last"] = now
            print(line, file=out, flush=True)

    return report


def _tqdm_report(cls: Any) -> Report:
    bar: dict[str, Any] = {}

    def report(step: str, done: int, total: int) -> None:
        b = bar.get("bar")
        if b is None or b.total != total:
            if b is not None:
                b.close()
            b = bar["bar"] = cls(total=total, desc=step, leave=True)
        b.set_description(step, refresh=False)
        b.update(done - b.n)
        if done >= total:
            b.close()
            bar.pop("bar", None)

    return report


def reporter(progress: Progress, label: str = "") -> Report:
    """The report a long step calls for ``progress`` (see the module).

    Raises:
        TypeError: ``progress`` is none of the accepted kinds.
    """
    if progress is None or progress is False:
        return _silent
    if progress is True:
        try:
            auto = importlib.import_module("tqdm.auto")  # optional: a plain report without it
        except ImportError:
            return terminal(label or "progress")
        return _tqdm_report(auto.tqdm)
    if isinstance(progress, type):
        return _tqdm_report(progress)
    if callable(progress):
        return progress
    raise TypeError(f"progress: expected None, True, a callable (step, done, total) or a tqdm class, "
                    f"found {type(progress).__name__}")
