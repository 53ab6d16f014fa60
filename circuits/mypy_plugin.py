"""A mypy plugin for the circuit language: ``Public[...]``/``Secret[...]`` as annotations.

``Secret[UInt[8], 20]`` is a value (an :class:`~circuits.types.InputSpec`), not a type, so
mypy alone calls every circuit's inputs ``valid-type`` errors. With this plugin it checks the
declaration the way :func:`circuits.compile` will (a scalar type ``Field``, ``Bool`` or
``UInt[n]`` with ``1 <= n <= 252``, then array dimensions ``>= 1``) and types the input as
``Any``: in ``define`` it is a variable (or nested lists of them), in ``C(x=...)`` a value.
Enable it in your mypy configuration::

    [tool.mypy]
    plugins = ["circuits.mypy_plugin"]

Example (what the plugin reports, without running mypy)::

    >>> from mypy.types import RawExpressionType, UnboundType
    >>> problems(UnboundType("Secret", [UnboundType("UInt", [RawExpressionType(300, "builtins.int")])]))
    ['UInt[n]: expected 1 <= n <= 252, found 300']
    >>> problems(UnboundType("Public", [UnboundType("Field"), RawExpressionType(0, "builtins.int")]))
    ['array dimension: expected an int >= 1, found 0']
    >>> problems(UnboundType("Public", [UnboundType("Field"), UnboundType("LEVELS")]))  # a constant: not checked
    []
    >>> problems(UnboundType("Secret", [UnboundType("Field"), RawExpressionType("3", "builtins.str")]))
    ["array dimension: expected an int >= 1, found '3'"]
"""

from __future__ import annotations

from typing import Callable

from mypy.plugin import AnalyzeTypeContext, Plugin
from mypy.types import AnyType, RawExpressionType, Type, TypeOfAny, UnboundType

from .types import MAX_UINT_BITS

__all__ = ["plugin", "problems"]

_VISIBILITY = ("circuits.types.Public", "circuits.types.Secret")
_SCALARS = ("Field", "Bool")


def _show(arg: Type) -> str:
    """``arg`` as it was written (``int``, ``UInt[8]``, ``3``)."""
    if isinstance(arg, UnboundType):
        return arg.name + (f"[{', '.join(_show(a) for a in arg.args)}]" if arg.args else "")
    if isinstance(arg, RawExpressionType) and arg.literal_value is not None:
        return repr(arg.literal_value)
    return str(arg)


def _int(arg: Type) -> int | None:
    """An int literal's value (``None`` for anything else)."""
    if isinstance(arg, RawExpressionType) and arg.base_type_name == "builtins.int":
        return arg.literal_value if isinstance(arg.literal_value, int) else None
    return None


def _unknown(arg: Type) -> bool:
    """A name or an expression (``LEVELS``, ``BITS // 32``): a value mypy cannot evaluate,
    left to :func:`circuits.compile`."""
    return isinstance(arg, UnboundType) or (isinstance(arg, RawExpressionType) and arg.literal_value is None)


def _scalar_problem(arg: Type) -> str | None:
    expected = f"expected Field, Bool or UInt[n] as the input type, found {_show(arg)}"
    if not isinstance(arg, UnboundType):
        return expected
    name = arg.name.rsplit(".", 1)[-1]
    if name in _SCALARS and not arg.args:
        return None
    if name != "UInt":
        return expected
    if len(arg.args) != 1:
        return f"UInt[n]: expected one width, found {len(arg.args)}"
    bits = _int(arg.args[0])
    if bits is None:
        return None if _unknown(arg.args[0]) else f"UInt[n]: expected an int, found {_show(arg.args[0])}"
    if not 1 <= bits <= MAX_UINT_BITS:
        return f"UInt[n]: expected 1 <= n <= {MAX_UINT_BITS}, found {bits}"
    return None


def problems(t: UnboundType) -> list[str]:
    """What is wrong with the input declaration ``t`` (``Public[...]`` or ``Secret[...]``):
    empty when :func:`circuits.compile` would accept it. Names and expressions (``LEVELS``,
    ``BITS // 32``) stand for values mypy cannot evaluate: they are not checked."""
    if not t.args:
        return [f"{t.name}[...]: expected a scalar type and optional array dimensions"]
    found = [p for p in [_scalar_problem(t.args[0])] if p]
    for dim in t.args[1:]:
        n = _int(dim)
        if n is None and not _unknown(dim):
            found.append(f"array dimension: expected an int >= 1, found {_show(dim)}")
        elif n is not None and n < 1:
            found.append(f"array dimension: expected an int >= 1, found {n}")
    return found


def _analyze(ctx: AnalyzeTypeContext) -> Type:
    for problem in problems(ctx.type):
        ctx.api.fail(problem, ctx.context)
    return AnyType(TypeOfAny.special_form)


class _CircuitsPlugin(Plugin):
    def get_type_analyze_hook(self, fullname: str) -> Callable[[AnalyzeTypeContext], Type] | None:
        return _analyze if fullname in _VISIBILITY else None


def plugin(version: str) -> type[Plugin]:
    """The entry point mypy calls (``plugins = ["circuits.mypy_plugin"]``)."""
    return _CircuitsPlugin
