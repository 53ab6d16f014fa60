"""Party transport: length-prefixed frames, TLS over TCP, and an in-process network."""

from .errors import (ConfigError, FrameError, FrameRefused, FrameTooLargeError, NetworkError, PeerGone, ProtocolAbort,
                     RecvTimeout, Violation)
from .frames import Message
from .network import InProcessHub, InProcessNetwork, Network, ViolationLog
from .tcp import TcpNetwork

__all__ = ["Message", "Network", "InProcessHub", "InProcessNetwork", "TcpNetwork", "PeerGone", "RecvTimeout", "FrameRefused",
           "NetworkError", "FrameError", "FrameTooLargeError", "ConfigError", "ProtocolAbort", "Violation", "ViolationLog"]
