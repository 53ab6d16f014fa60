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
from zkp.program import MAX_LIMB_WIDTH, MAX_LIMBS, limbs_carries, limbs_divmod, limbs_moddiv

__all__ = ["NativeHint", "LimbHint", "BitsHint", "div", "muladd", "bits", "divmod_limbs", "carries", "moddiv", "named",
           "name_of"]

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

@dataclass(frozen=True)
class LimbHint:
    """A native hint over limbs in base ``2**width`` (the program's ``DIVMOD`` or
    ``CARRIES``): ``counts`` are the limbs of each operand (then, for ``DIVMOD``, of the
    quotient and the remainder), ``outputs`` the wires it makes. Made by
    :func:`divmod_limbs` and :func:`carries`; called with the limbs' values it computes
    what the program computes.

    Example:
        >>> from circuits.engine import hints
        >>> hints.divmod_limbs(8, 2, 1, 1, 2, 1)(0x34, 0x12, 10, 7)   # 0x1234 * 10 = 7 * q + r
        [1, 26, 1]
        >>> 0x1234 * 10 == 7 * (1 + 26 * 256) + 1
        True
        >>> hints.carries(8, 1, 1, 0, 0, 2)(16, 16, 0, 1)   # 16 * 16 - 256: column 0 carries 1
        [1]
    """

    name: str
    width: int
    counts: tuple[int, ...]
    outputs: int

    def python(self, *values: int) -> list[int]:
        ks = self.counts
        if self.name == "moddiv":
            groups, at = [], 0
            for k in ks[:7]:
                groups.append(values[at:at + k])
                at += k
            return limbs_moddiv(self.width, groups[0], groups[1], groups[2], groups[3], groups[4], groups[5],
                                groups[6], ks[7], ks[8])
        if self.name == "divmod_limbs":
            ka, kb = ks[0], ks[1]
            return limbs_divmod(self.width, values[:ka], values[ka:ka + kb], values[ka + kb:], ks[3], ks[4])
        parts, at = [], 0
        for k in ks:
            parts.append(values[at:at + k])
            at += k
        return limbs_carries(self.width, *parts)

    def __call__(self, *values: int) -> list[int]:
        return self.python(*values)

    @property
    def arity(self) -> int:
        return sum(self.counts[:{"divmod_limbs": 3, "moddiv": 7}.get(self.name, 5)])


def _limb_counts(width: int, counts: tuple[int, ...], outputs: int) -> None:
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= MAX_LIMB_WIDTH or \
            any(isinstance(k, bool) or not isinstance(k, int) or not 0 <= k <= MAX_LIMBS for k in counts) or outputs < 1:
        raise ValueError(f"limb hint: expected 1 <= width <= {MAX_LIMB_WIDTH}, 0 to {MAX_LIMBS} limbs per "
                         f"operand and an output, found width {width!r}, limbs {counts!r}")


def divmod_limbs(width: int, ka: int, kb: int, km: int, kq: int, kr: int) -> LimbHint:
    """The native hint of ``A * B // M`` (``kq`` limbs) and ``A * B % M`` (``kr`` limbs),
    inputs the limbs of ``A``, ``B``, ``M`` in base ``2**width`` (all 0 when ``M`` is 0;
    the last limb of each output holds the rest; ``kq`` or ``kr`` may be 0, not both): :func:`zkp.program.limbs_divmod`."""
    _limb_counts(width, (ka, kb, km, kq, kr), kq + kr)
    return LimbHint("divmod_limbs", width, (ka, kb, km, kq, kr), kq + kr)


def carries(width: int, ka: int, kb: int, kc: int, kd: int, ke: int) -> LimbHint:
    """The native hint of the carries of ``A * B - C * D - E`` in base ``2**width`` (limbs
    read signed; ``n - 1`` of them for ``n`` columns): :func:`zkp.program.limbs_carries`."""
    n = max(ka + kb - 1 if ka and kb else 0, kc + kd - 1 if kc and kd else 0, ke)
    _limb_counts(width, (ka, kb, kc, kd, ke), n - 1)
    return LimbHint("carries", width, (ka, kb, kc, kd, ke), n - 1)


def moddiv(width: int, ka: int, kb: int, kc: int, kd: int, ke: int, kf: int, km: int, kq: int,
           kr: int) -> LimbHint:
    """The native hint of ``X = (A * B - C * D - E) / F mod M`` (``kr`` limbs, after the
    ``kq`` limbs of the signed quotient ``Q`` with ``X * F + Q * M == A * B - C * D - E``;
    limbs of ``A`` to ``F`` read signed): :func:`zkp.program.limbs_moddiv`.

        >>> moddiv(8, 1, 1, 0, 0, 0, 1, 1, 1, 1)(3, 5, 2, 7)   # 15 / 2 mod 7 = 4, 15 - 8 = 1 * 7
        [1, 4]
    """
    _limb_counts(width, (ka, kb, kc, kd, ke, kf, km, kq, kr), kq + kr)
    return LimbHint("moddiv", width, (ka, kb, kc, kd, ke, kf, km, kq, kr), kq + kr)


@dataclass(frozen=True)
class BitsHint:
    """A native hint of bits (the program's ``BITS``, which ``to_bits`` also runs, here with
    no constraint): bits 0 to ``n - 1`` of a value, least significant first, all but bit
    ``skip`` (``n - 1`` outputs). The caller's rows must pin them. Made by :func:`bits`.

    Example:
        >>> from circuits.engine import hints
        >>> hints.bits(2, 1)(3), hints.bits(2, 0)(2), hints.bits(4, 3)(0b1101)
        ([1], [1], [1, 0, 1])
    """

    n: int
    skip: int

    name = "bits"

    def python(self, value: int) -> list[int]:
        return [(value >> i) & 1 for i in range(self.n) if i != self.skip]

    def __call__(self, value: int) -> list[int]:
        return self.python(value)

    @property
    def outputs(self) -> int:
        return self.n - 1


def bits(n: int, skip: int) -> BitsHint:
    """The native hint of bits 0 to ``n - 1`` of one value but bit ``skip`` (``n - 1``
    wires, no constraint): a single bit of a small sum, such as bit 0 or bit 1 of
    ``a + b + c`` for Bools (their XOR and their majority), costs one cheap operation."""
    if any(isinstance(v, bool) or not isinstance(v, int) for v in (n, skip)) or not 2 <= n <= 254 \
            or not 0 <= skip < n:
        raise ValueError(f"bits hint: expected 2 <= n <= 254 and 0 <= skip < n, found {n!r}, {skip!r}")
    return BitsHint(n, skip)


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
