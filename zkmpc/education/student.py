"""A student (or graduate): a secret, its commitment ``Poseidon(secret)`` (what a
university or registrar writes into a diploma or transcript) and its session nullifiers.

    >>> import random
    >>> ada = Student.generate(rng=random.Random(1))
    >>> ada.commitment == poseidon([ada.secret]), ada.nullifier(7) == nullifier(ada.secret, 7)
    (True, True)
    >>> ada.nullifier(7) != ada.nullifier(8)
    True

Security: whoever knows the secret can present every diploma and transcript written to its
commitment; nullifiers of one secret in two sessions are unlinkable (Poseidon). The
university knows the commitment, never the secret, so it cannot compute a nullifier.
The nullifier depends on the session value only (the same formula as the credentials'
session nullifier): a verifier draws a fresh random session per purpose, since two
presentations in one session value, whatever they prove, share a nullifier.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from circuits.native import nullifier, poseidon
from zkp.field import R

from ..errors import EducationFormatError
from ..randomness import random_below as shared_random_below

__all__ = ["Student", "Rng", "field_element", "small_int", "random_below"]


class Rng(Protocol):
    """``secrets.SystemRandom()`` (the default) or a seeded ``random.Random`` in tests."""

    def getrandbits(self, k: int, /) -> int: ...


def field_element(v: object, what: str) -> int:
    """``v`` if it is an int in ``[0, r)``; :class:`EducationFormatError` otherwise."""
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
        raise EducationFormatError(f"{what}: expected an int in [0, r), found {v!r:.80}")
    return v


def small_int(v: object, what: str, low: int, high: int) -> int:
    """``v`` if it is an int in ``[low, high]``; :class:`EducationFormatError` otherwise."""
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise EducationFormatError(f"{what}: expected an int in [{low}, {high}], found {v!r:.80}")
    return v


def random_below(n: int, *, rng: Rng | None = None, floor: int = 0) -> int:
    """A uniform int in ``[floor, n)``: ``secrets``, or ``rng`` by rejection sampling."""
    return shared_random_below(n, floor=floor, rng=rng, error=EducationFormatError)


class Student:
    """A student identified by ``secret`` (a non-zero field element)."""

    def __init__(self, secret: int) -> None:
        if field_element(secret, "student secret") == 0:
            raise EducationFormatError("student secret: expected a non-zero field element, found 0")
        self.secret = secret
        self.commitment = poseidon([secret])

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> Student:
        """A student with a uniform random secret (``secrets``, or ``rng`` in tests)."""
        return cls(random_below(R, rng=rng, floor=1))

    def __repr__(self) -> str:
        return f"Student(commitment={self.commitment:#x})"

    def nullifier(self, session: int) -> int:
        """``Poseidon(secret, session)``: this student's nullifier in a verifier session."""
        return nullifier(self.secret, field_element(session, "session"))
