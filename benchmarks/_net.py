"""What the networked benchmarks share: an in-process hub that counts traffic."""

from __future__ import annotations

from typing import Any

from mpc.net import InProcessHub

__all__ = ["CountingHub"]


class CountingHub(InProcessHub):
    """An in-process hub that counts the bytes each party sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: dict[int, int] = {}

    def route(self, sender: int, to: int, frame: bytes) -> None:
        self.sent[sender] = self.sent.get(sender, 0) + len(frame)
        super().route(sender, to, frame)
