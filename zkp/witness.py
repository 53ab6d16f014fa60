"""A full wire assignment, held as one packed buffer (32-byte big-endian words).

Example:
    >>> from zkp.witness import Witness
    >>> w = Witness.from_ints([1, 9, 3], num_public=1)
    >>> w.public, len(w)
    ([9], 3)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Sequence

from .errors import MalformedInputError
from .field import check_fr, from_words

__all__ = ["Witness"]


class Witness:
    """Values of every wire (wire 0 is 1; wires 1..num_public are the public inputs)."""

    __slots__ = ("_data", "num_public")

    def __init__(self, data: bytes, num_public: int) -> None:
        if len(data) % 32 or len(data) < 32 * (num_public + 1):
            raise MalformedInputError(
                f"witness: expected at least {num_public + 1} 32-byte words, found {len(data)} bytes")
        if int.from_bytes(data[:32], "big") != 1:
            raise MalformedInputError("witness: wire 0 must be 1")
        self._data = bytes(data)
        self.num_public = num_public

    @classmethod
    def from_ints(cls, values: Sequence[int], num_public: int) -> Witness:
        """Pack ints, checking each is in [0, r)."""
        return cls(b"".join(check_fr(v, f"wire {i}").to_bytes(32, "big")
                            for i, v in enumerate(values)), num_public)

    def to_bytes(self) -> bytes:
        return self._data

    def values(self) -> list[int]:
        return from_words(self._data)

    def __getitem__(self, i: int) -> int:
        if not -len(self) <= i < len(self):
            raise IndexError(f"wire {i} of {len(self)}")
        i %= len(self)
        return int.from_bytes(self._data[32 * i:32 * i + 32], "big")

    @property
    def public(self) -> list[int]:
        """The public inputs, in wire order (what ``verify`` takes)."""
        return [self[i] for i in range(1, self.num_public + 1)]

    def __len__(self) -> int:
        return len(self._data) // 32

    def __repr__(self) -> str:
        return f"Witness(wires={len(self)}, public={self.public if self.num_public <= 4 else '...'})"

    def _repr_html_(self) -> str:
        from .display import html_table, short

        public = ", ".join(short(v) for v in self.public[:8]) + (", …" if self.num_public > 8 else "")
        return html_table("Witness", [("wires", f"{len(self):,}"), ("public inputs", f"[{public}]")],
                          note="the other wires are the prover's secrets: not shown")
