"""The :class:`Circuit` base class: a circuit is a class, an instance is its assignment.

Example:
    >>> from circuits import Circuit, Public, Secret, UInt, Field
    >>> class Square(Circuit):
    ...     y: Public[Field]
    ...     x: Secret[UInt[8]]
    ...     def define(self, api):
    ...         api.assert_equal(self.x * self.x, self.y)
    >>> Square(y=9, x=3)
    Square(y=9, x=<secret>)
"""

from __future__ import annotations

import sys
from typing import Any, ClassVar

from .errors import AssignmentError, CircuitDefinitionError
from .types import InputSpec, ValueType, _Visibility

__all__ = ["Circuit"]


def _evaluate(cls: type, name: str, ann: Any, env: dict[str, Any]) -> Any:
    if not isinstance(ann, str):
        return ann
    try:
        return eval(ann, env, dict(vars(cls)))  # the class's own source, not user data
    except Exception as exc:
        raise CircuitDefinitionError(
            f"{cls.__name__}.{name}: cannot resolve annotation {ann!r}: {exc}") from exc


def _collect_inputs(cls: type, env: dict[str, Any]) -> tuple[tuple[str, InputSpec], ...]:
    out: dict[str, InputSpec] = {}
    for base in reversed(cls.__mro__[1:]):
        out.update(getattr(base, "__zk_inputs__", ()))
    for name, ann in vars(cls).get("__annotations__", {}).items():
        spec = _evaluate(cls, name, ann, env)
        if isinstance(spec, InputSpec):
            out[name] = spec
        elif isinstance(spec, ValueType):
            raise CircuitDefinitionError(
                f"{cls.__name__}.{name}: declare it Public[{spec!r}] or Secret[{spec!r}]")
        elif isinstance(spec, _Visibility):  # a bare Public/Secret: no type, not an input
            raise CircuitDefinitionError(
                f"{cls.__name__}.{name}: expected {spec!r}[Field], {spec!r}[Bool] or {spec!r}[UInt[n]] "
                f"(optionally with array dimensions), found a bare {spec!r}")
    return tuple(out.items())


class Circuit:
    """Base class of circuits. Subclasses annotate inputs and implement ``define``."""

    __zk_inputs__: ClassVar[tuple[tuple[str, InputSpec], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        frame = sys._getframe(1)  # the frame running the class statement
        module = sys.modules.get(cls.__module__)
        env = dict(vars(module)) if module is not None else {}
        env.update(frame.f_globals)
        env.update(frame.f_locals)
        cls.__zk_inputs__ = _collect_inputs(cls, env)

    def __init__(self, **values: Any) -> None:
        names = [n for n, _ in self.__zk_inputs__]
        missing = [n for n in names if n not in values]
        unknown = [n for n in values if n not in names]
        if unknown:
            raise AssignmentError(f"{type(self).__name__}: unknown inputs {unknown}; "
                                  f"expected {names}")
        if missing:
            raise AssignmentError(f"{type(self).__name__}: missing inputs {missing} "
                                  "(missing inputs are never treated as zero)")
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def define(self, api: Any) -> None:
        """Build the circuit's constraints with ``api`` (override this)."""
        raise CircuitDefinitionError(f"{type(self).__name__} does not implement define(self, api)")

    def __repr__(self) -> str:
        parts = []
        for name, spec in self.__zk_inputs__:
            value = self.__dict__.get(name, "?")
            parts.append(f"{name}={value!r}" if spec.public else f"{name}=<secret>")
        return f"{type(self).__name__}({', '.join(parts)})"
