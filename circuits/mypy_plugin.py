"""A mypy plugin for the circuit language: ``Public[...]``/``Secret[...]`` as annotations.

``Secret[UInt[8], 20]`` is a value (an :class:`~circuits.types.InputSpec`), not a type, so
mypy alone calls every circuit's inputs ``valid-type`` errors. With this plugin it checks the
declaration the way :func:`circuits.compile` will (a scalar type ``Field``, ``Bool`` or
``UInt[n]`` with ``1 <= n <= 252``, then array dimensions ``>= 1``) and types the input as
``Any``: in ``define`` it is a variable (or nested lists of them), in ``C(x=...)`` a value.
Names are looked up as mypy resolves them (``from circuits import UInt as U`` is ``UInt``);
what mypy cannot evaluate (a constant ``LEVELS``, ``BITS // 32``, an alias ``Byte =
UInt[8]``, and a float literal, which mypy hands over as an expression) is left to
``compile``, which refuses it when the class is defined.
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
from mypy.nodes import Var
from mypy.types import AnyType, RawExpressionType, Type, TypeOfAny, UnboundType

from .types import MAX_UINT_BITS

__all__ = ["plugin", "problems", "by_name"]

_VISIBILITY = ("circuits.types.Public", "circuits.types.Secret")
_SCALARS = {"Field": "circuits.types.Field", "Bool": "circuits.types.Bool", "UInt": "circuits.types.UInt"}

#: what a name refers to: a fullname of ``_SCALARS``, "value" (a constant, an alias mypy
#: cannot evaluate), "type" (a class, never an input type nor a dimension), or None (undefined)
Resolve = Callable[[str], "str | None"]


def by_name(name: str) -> str | None:
    """The resolver used without mypy's symbol tables (the examples above): a name's last
    component, ``Field``, ``Bool`` or ``UInt``, else a constant."""
    return _SCALARS.get(name.rsplit(".", 1)[-1], "value")


def _show(arg: Type) -> str:
    """``arg`` as it was written (``int``, ``UInt[8]``, ``3``)."""
    if isinstance(arg, UnboundType):
        if arg.original_str_expr is not None:
            return repr(arg.original_str_expr)
        return arg.name + (f"[{', '.join(_show(a) for a in arg.args)}]" if arg.args else "")
    if isinstance(arg, RawExpressionType) and arg.literal_value is not None:
        return repr(arg.literal_value)
    return str(arg)


def _count_problem(arg: Type, resolve: Resolve, what: str, low: int, high: int | None) -> str | None:
    """``arg`` as a width or a dimension: an int literal in ``[low, high]``, or a constant or
    expression mypy cannot evaluate (left to :func:`circuits.compile`)."""
    bound = f"{low} <= n <= {high}" if high is not None else f"an int >= {low}"
    wrong = f"{what}: expected {bound}, found {_show(arg)}"
    if isinstance(arg, RawExpressionType):
        value = arg.literal_value
        if arg.base_type_name != "builtins.int" or isinstance(value, bool):
            return None if value is None and arg.base_type_name not in _NOT_INTS else wrong
        if value is None:
            return None
        assert isinstance(value, int)
        return None if low <= value and (high is None or value <= high) else wrong
    if not isinstance(arg, UnboundType) or arg.original_str_expr is not None or arg.args or arg.name == "None":
        return wrong
    return None if resolve(arg.name) == "value" else wrong


_NOT_INTS = ("builtins.float", "builtins.complex", "builtins.str", "builtins.bytes", "builtins.bool")


def _scalar_problem(arg: Type, resolve: Resolve) -> str | None:
    expected = f"expected Field, Bool or UInt[n] as the input type, found {_show(arg)}"
    if not isinstance(arg, UnboundType) or arg.original_str_expr is not None:
        return expected
    target = resolve(arg.name)
    if target == "value":  # an alias (Byte = UInt[8]) mypy cannot evaluate
        return None if not arg.args else expected
    if target in (_SCALARS["Field"], _SCALARS["Bool"]):
        return None if not arg.args else expected
    if target != _SCALARS["UInt"]:
        return expected
    if len(arg.args) != 1:
        return f"UInt[n]: expected one width, found {len(arg.args)}"
    return _count_problem(arg.args[0], resolve, "UInt[n]", 1, MAX_UINT_BITS)


def problems(t: UnboundType, resolve: Resolve = by_name) -> list[str]:
    """What is wrong with the input declaration ``t`` (``Public[...]`` or ``Secret[...]``):
    empty when :func:`circuits.compile` would accept it. Constants and expressions
    (``LEVELS``, ``BITS // 32``, ``Byte = UInt[8]``) stand for values mypy cannot evaluate:
    they are not checked; strings, classes, ``None`` and non-int literals are refused."""
    if not t.args:
        return [f"{t.name}[...]: expected a scalar type and optional array dimensions"]
    found = [_scalar_problem(t.args[0], resolve)]
    found += [_count_problem(dim, resolve, "array dimension", 1, None) for dim in t.args[1:]]
    return [p for p in found if p]


def _resolver(ctx: AnalyzeTypeContext) -> Resolve:
    """Names looked up in mypy's symbol tables (aliases and dotted names as they resolve)."""
    lookup = getattr(ctx.api, "lookup_qualified", None)
    if lookup is None:
        return by_name

    def resolve(name: str) -> str | None:
        sym = lookup(name, ctx.context, suppress_errors=True)
        node = getattr(sym, "node", None)
        if node is None:
            return None
        full = getattr(node, "fullname", "")
        if full in _SCALARS.values():
            return str(full)
        return "value" if isinstance(node, Var) else "type"

    return resolve


def _analyze(ctx: AnalyzeTypeContext) -> Type:
    for problem in problems(ctx.type, _resolver(ctx)):
        ctx.api.fail(problem, ctx.context)
    return AnyType(TypeOfAny.special_form)


class _CircuitsPlugin(Plugin):
    def get_type_analyze_hook(self, fullname: str) -> Callable[[AnalyzeTypeContext], Type] | None:
        return _analyze if fullname in _VISIBILITY else None


def plugin(version: str) -> type[Plugin]:
    """The entry point mypy calls (``plugins = ["circuits.mypy_plugin"]``)."""
    return _CircuitsPlugin
