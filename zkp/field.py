"""BN254 field constants and helpers for Fr (the scalar field) and Fq (the base field).

Field elements cross the public API as Python ints in canonical form, ``0 <= x < modulus``.
Helpers that accept values from outside say whether they *check* (reject anything not
canonical) or *reduce* (map any integer into the field); nothing here reduces silently.

Example:
    >>> from zkp.field import R, check_fr
    >>> check_fr(R - 1)
    21888242871839275222246405745257275088548364400416034343698204186575808495616
    >>> check_fr(R)
    Traceback (most recent call last):
    ...
    zkp.errors.MalformedInputError: field element: expected an int in [0, r), found r + 0
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Iterable, Literal

from itertools import repeat

from .errors import InputTypeError, MalformedInputError

__all__ = [
    "P",
    "R",
    "FR_TWO_ADICITY",
    "FR_GENERATOR",
    "FR_COSET_SHIFT",
    "check_fr",
    "check_fr_list",
    "reduce_fr",
    "fr_root_of_unity",
    "fr_inv",
    "to_words",
    "from_words",
]

#: The BN254 base field modulus (coordinates of points).
P = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: The BN254 scalar field modulus (the group order; circuits compute modulo R).
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: ``R - 1 = 2**28 * odd``: the largest power-of-two NTT domain has 2**28 points.
FR_TWO_ADICITY = 28
#: A generator of Fr* (also a quadratic non-residue).
FR_GENERATOR = 5
#: The shift of the coset used to evaluate the QAP quotient (not in any 2-power domain).
FR_COSET_SHIFT = FR_GENERATOR


def _describe(value: object, modulus: int, name: str) -> str:
    if isinstance(value, int) and value >= modulus:
        extra = value - modulus
        return f"{name} + {extra}" if extra < 2**64 else f"an int of {value.bit_length()} bits"
    if isinstance(value, int) and value < 0:
        return "a negative int" if value < -(2**64) else str(value)
    return repr(value)[:80]


def check_fr(value: object, what: str = "field element") -> int:
    """Return ``value`` if it is an int in ``[0, r)``; raise otherwise (never reduce).

    Raises:
        InputTypeError: ``value`` is not an int (bools and floats are refused too).
        MalformedInputError: ``value`` is negative or ``>= r``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"{what}: expected an int in [0, r), found {type(value).__name__}")
    v = int(value)
    if v < 0 or v >= R:
        raise MalformedInputError(
            f"{what}: expected an int in [0, r), found {_describe(v, R, 'r')}"
        )
    return v


def check_fr_list(values: Iterable[object], what: str = "public input") -> list[int]:
    """Check every element with :func:`check_fr`; the error names the index."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise InputTypeError(f"{what}s: expected a sequence of ints, found {type(values).__name__}")
    return [check_fr(v, f"{what} {i}") for i, v in enumerate(values)]


def reduce_fr(value: int) -> int:
    """Map any Python int into ``[0, r)`` (this *reduces*; use :func:`check_fr` for input)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(f"expected an int, found {type(value).__name__}")
    return value % R


def fr_inv(value: int) -> int:
    """Inverse in Fr; raises ``MalformedInputError`` for zero."""
    if value % R == 0:
        raise MalformedInputError("cannot invert zero in Fr")
    return pow(value, -1, R)


def fr_root_of_unity(log_n: int) -> int:
    """A primitive ``2**log_n``-th root of unity in Fr."""
    if not 0 <= log_n <= FR_TWO_ADICITY:
        raise MalformedInputError(
            f"NTT domain: expected log2 size in [0, {FR_TWO_ADICITY}], found {log_n}"
        )
    return pow(FR_GENERATOR, (R - 1) >> log_n, R)


def to_words(values: Iterable[int], byteorder: Literal["big", "little"] = "big") -> bytes:
    """Values as consecutive 32-byte words: the kernels' encoding of scalars and
    coordinates (big-endian as EIP-196/197, little-endian as circom's ``.wtns`` and
    snarkjs's ``.zkey``). Each value must fit 256 bits (``OverflowError`` otherwise); the
    kernels check each word against its modulus.

    Example:
        >>> to_words([1, 2]).hex()[-8:], len(to_words([1, 2], "little"))
        ('00000002', 64)
    """
    return b"".join(map(int.to_bytes, map(int, values), repeat(32), repeat(byteorder)))


def from_words(data: bytes | bytearray | memoryview, byteorder: Literal["big", "little"] = "big") -> list[int]:
    """The ints of consecutive 32-byte words (the inverse of :func:`to_words`).

    Example:
        >>> from_words(to_words([7, R - 1]))  == [7, R - 1]
        True
    """
    if len(data) % 32:
        raise MalformedInputError(f"32-byte words: expected a multiple of 32 bytes, found {len(data)}")
    return [int.from_bytes(data[i:i + 32], byteorder) for i in range(0, len(data), 32)]
