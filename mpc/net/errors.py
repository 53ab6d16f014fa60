"""Network and protocol errors (all subclasses of :class:`mpc.errors.MPCError`)."""

from __future__ import annotations

from typing import NamedTuple

from ..errors import MPCError

__all__ = ["NetworkError", "FrameError", "FrameTooLargeError", "ConfigError", "ProtocolAbort", "Violation",
           "PeerGone", "RecvTimeout", "FrameRefused"]


class NetworkError(MPCError, ValueError):
    """A transport failure: a peer that cannot be reached, a closed network."""


class FrameError(NetworkError):
    """A frame that is not well formed (magic, version, lengths, fields)."""


class FrameTooLargeError(FrameError):
    """A frame whose announced length exceeds the cap (refused before allocating)."""


class PeerGone(NetworkError):
    """The peer disconnected without sending what was awaited."""


class RecvTimeout(NetworkError):
    """Nothing arrived from the peer for this round within the timeout."""


class FrameRefused(PeerGone):
    """A frame from ``peer`` that was refused (malformed, or beyond the size cap): whoever
    waited on that peer stops waiting at once, with the reason, instead of at its timeout.
    A :class:`~mpc.net.errors.PeerGone` (callers that stop waiting on a gone peer stop on
    it too); :meth:`~mpc.net.network.Network.gather` keeps waiting for the round's message
    until its deadline."""

    def __init__(self, message: str, *, peer: int) -> None:
        super().__init__(message)
        self.peer = peer


class ConfigError(NetworkError):
    """A party configuration that is incomplete or inconsistent."""


class ProtocolAbort(MPCError, ValueError):
    """A protocol that cannot finish: too few parties answered, or some misbehaved.

    ``missing`` names the parties that did not answer in time, ``bad`` those whose
    messages were malformed or inconsistent. No partial result is returned."""

    def __init__(self, message: str, *, missing: tuple[int, ...] = (), bad: tuple[int, ...] = (),
                 round: str = "") -> None:
        super().__init__(message)
        self.missing = missing
        self.bad = bad
        self.round = round


class Violation(NamedTuple):
    """A rejected frame or connection: the peer (0 when unknown) and why."""

    peer: int
    reason: str
