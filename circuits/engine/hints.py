"""Hints: values a circuit computes outside its constraints (inverses, quotients, point
coordinates), which the caller then constrains.

The native hints below run inside the witness program's kernel (C or its Python twin), so
a circuit built from them solves at native speed; every library gadget uses only these.
Any other Python function of ints can be a hint too: it runs in Python during the witness
program's run. A stored program names it (``module.qualname``, or the name given with
:func:`named`); loading takes the functions from the caller, never by importing what a
file names.

Example:
    >>> from circuits.engine import hints
    >>> hints.div.python(6, 3), hints.div.python(6, 0)
    (2, 0)
    >>> @hints.named("example.floor_div")
    ... def floor_div(a, b):
    ...     return a // b
    >>> hints.name_of(floor_div)
    'example.floor_div'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from zkp.field import R

__all__ = ["NativeHint", "div", "muladd", "named", "name_of"]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class NativeHint:
    """A hint the witness program computes itself: ``name``, its number of inputs, and
    ``python``, its definition (what the solver and the Python twin compute)."""

    name: str
    arity: int
    python: Callable[..., int]

    def __call__(self, *values: int) -> int:
        return self.python(*values)


def _div(a: int, b: int) -> int:
    return a * pow(b, -1, R) % R if b % R else 0


def _muladd(a: int, b: int, c: int) -> int:
    return (a * b + c) % R


#: ``a / b``, or 0 when ``b`` is 0 (the program's ``DIV``): inverses, slopes, coordinates
div = NativeHint("div", 2, _div)
#: ``a * b + c`` (the program's ``MULADD``): a product the caller constrains in another shape
muladd = NativeHint("muladd", 3, _muladd)

def named(name: str) -> Callable[[F], F]:
    """Give a Python hint the name its stored programs use (a decorator)."""
    if not isinstance(name, str) or not name or len(name.encode()) > 0xFFFF:
        raise ValueError(f"hint name: expected a non-empty string, found {name!r}")

    def deco(fn: F) -> F:
        fn.__zk_hint_name__ = name  # type: ignore[attr-defined]
        return fn

    return deco


def name_of(fn: Callable[..., Any]) -> str:
    """The name a hint is stored under: the one given with :func:`named`, else
    ``module.qualname``."""
    name = getattr(fn, "__zk_hint_name__", None)
    if isinstance(name, str):
        return name
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
