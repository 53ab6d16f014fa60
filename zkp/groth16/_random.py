"""Randomness for Groth16 and the ceremonies: the operating system's CSPRNG by default
(:func:`os.urandom` with rejection sampling, as ``random.SystemRandom`` and so
``secrets.randbelow`` draw, without the ``random``, ``hmac`` and OpenSSL imports those bring
into a prover's start-up); tests pass ``rng=``.

Every rejection-sampling loop is bounded: a uniform source needs a second draw with
probability about 1/r, so :data:`MAX_DRAWS` unusable draws in a row mean a broken source
(one that always returns 0, say), refused with :class:`~zkp.errors.MalformedInputError`
instead of looping forever.
"""

from __future__ import annotations

import os
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Callable

from ..errors import InputTypeError, MalformedInputError
from ..field import R

#: consecutive unusable draws after which a randomness source is refused
MAX_DRAWS = 64


class OsRandom:
    """``randbelow(n)`` from :func:`os.urandom`: ``n.bit_length()`` random bits, drawn again
    while they are ``>= n`` (fewer than two draws on average; what ``secrets.randbelow``
    does through ``random.SystemRandom``).

    >>> src = OsRandom()
    >>> all(0 <= src.randbelow(n) < n for n in (1, 2, 3, 255, 256, 257, 2**254 + 1))
    True
    >>> src.randbelow(0)
    Traceback (most recent call last):
    ...
    ValueError: randbelow: expected n > 0, found 0
    """

    def randbelow(self, n: int) -> int:
        if n <= 0:
            raise ValueError(f"randbelow: expected n > 0, found {n}")
        bits = n.bit_length()
        nbytes, extra = (bits + 7) // 8, -bits % 8
        while True:
            v = int.from_bytes(os.urandom(nbytes), "big") >> extra
            if v < n:
                return v


def drawer(rng: Any = None) -> Callable[[int], int]:
    """``draw(n)``: a value in ``[0, n)`` from ``rng`` (``randbelow`` like ``secrets`` or
    ``randrange`` like ``random.Random``) or the OS CSPRNG; values outside the range refused."""
    src = rng if rng is not None else OsRandom()
    fn = getattr(src, "randbelow", None) or getattr(src, "randrange", None)
    if not callable(fn):
        raise InputTypeError(f"rng: expected an object with randbelow(n) or randrange(n), "
                             f"found {type(src).__name__}")

    def draw(n: int) -> int:
        v = fn(n)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < n:
            raise MalformedInputError(f"rng: expected an int in [0, {n}), found {v!r}")
        return int(v)

    return draw


def broken_source(what: str, draws: int = MAX_DRAWS) -> MalformedInputError:
    """The error for a source that gave ``draws`` unusable values in a row."""
    return MalformedInputError(f"rng: {draws} draws in a row gave no usable {what}; "
                               f"expected a uniform source (is it constant?)")


def random_fr(rng: Any = None, *, nonzero: bool = True) -> int:
    """A uniform element of Fr (non-zero by default) from ``rng`` or ``secrets``.

    ``rng`` may be any object with ``randbelow(n)`` (like ``secrets``) or ``randrange(n)``
    (like ``random.Random``, for reproducible tests only).

    Raises:
        MalformedInputError: the source returned values outside ``[0, r)``, or only zeros.
    """
    draw = drawer(rng)
    for _ in range(MAX_DRAWS):
        v = draw(R)
        if v or not nonzero:
            return v
    raise broken_source("non-zero element of Fr")
