"""The response hasher of powers-of-tau contributions: BLAKE2b-512 whose state snarkjs
records (216 bytes), updated by the kernel ``blake2b_update`` (C, or its Python twin)."""

from __future__ import annotations

from .._backend import kernels
from .._blake2b import Blake2b as _Py

__all__ = ["Blake2b"]


class Blake2b:
    """Update with the kernel; ``partial()`` is snarkjs's ``partialHash``."""

    def __init__(self, state: bytes | None = None) -> None:
        self.state = state if state is not None else _Py().partial()

    def update(self, data: bytes) -> None:
        self.state = bytes(kernels.blake2b_update(self.state, data))

    def partial(self) -> bytes:
        return self.state

    def digest(self) -> bytes:
        return _Py.from_partial(self.state).digest()

    @classmethod
    def from_partial(cls, partial: bytes) -> Blake2b:
        _Py.from_partial(partial)  # validates
        return cls(bytes(partial))
