"""Input types of a circuit: ``Public[...]`` / ``Secret[...]`` of ``Field``, ``Bool``,
``UInt[n]``, optionally with a fixed array shape: ``Secret[Field, 20]``,
``Public[UInt[8], 2, 3]``.

Example:
    >>> from circuits.types import Public, Secret, Field, UInt
    >>> Secret[UInt[8]]
    Secret[UInt[8]]
    >>> Public[Field, 3].shape
    (3,)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import CircuitDefinitionError

__all__ = ["Field", "Bool", "UInt", "Public", "Secret", "InputSpec", "ValueType"]

#: widest UInt whose values are < r and whose comparisons stay sound
MAX_UINT_BITS = 252


@dataclass(frozen=True)
class ValueType:
    """A scalar type: ``Field`` (any element of Fr), ``Bool`` or ``UInt[n]``."""

    name: str
    bits: int | None  # None: any field element

    def __repr__(self) -> str:
        return self.name


class _UIntFactory:
    def __getitem__(self, bits: int) -> ValueType:
        if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= MAX_UINT_BITS:
            raise CircuitDefinitionError(
                f"UInt[n]: expected 1 <= n <= {MAX_UINT_BITS}, found {bits!r}")
        return ValueType(f"UInt[{bits}]", bits)

    def __repr__(self) -> str:
        return "UInt"


Field = ValueType("Field", None)
Bool = ValueType("Bool", 1)
UInt = _UIntFactory()


@dataclass(frozen=True)
class InputSpec:
    """A declared input: visibility, scalar type and array shape (``()`` for a scalar)."""

    public: bool
    type: ValueType
    shape: tuple[int, ...] = ()

    def __repr__(self) -> str:
        vis = "Public" if self.public else "Secret"
        dims = "".join(f", {d}" for d in self.shape)
        return f"{vis}[{self.type!r}{dims}]"

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


def _spec(public: bool, args: Any) -> InputSpec:
    args = args if isinstance(args, tuple) else (args,)
    vtype, dims = args[0], args[1:]
    if not isinstance(vtype, ValueType):
        raise CircuitDefinitionError(
            f"expected Field, Bool or UInt[n] as the input type, found {vtype!r}")
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, int) or d < 1:
            raise CircuitDefinitionError(f"array dimension: expected an int >= 1, found {d!r}")
    return InputSpec(public, vtype, tuple(dims))


class _Visibility:
    def __init__(self, public: bool) -> None:
        self._public = public

    def __getitem__(self, args: Any) -> InputSpec:
        return _spec(self._public, args)

    def __repr__(self) -> str:
        return "Public" if self._public else "Secret"


Public = _Visibility(True)
Secret = _Visibility(False)
