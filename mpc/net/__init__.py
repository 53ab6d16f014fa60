"""Party transport: length-prefixed frames, TLS over TCP, and an in-process network."""

from .errors import ConfigError, FrameError, FrameTooLargeError, NetworkError, ProtocolAbort, Violation
from .frames import Message
from .network import InProcessHub, InProcessNetwork, Network, PeerGone, RecvTimeout, ViolationLog
from .tcp import TcpNetwork

__all__ = ["Message", "Network", "InProcessHub", "InProcessNetwork", "TcpNetwork", "PeerGone", "RecvTimeout",
           "NetworkError", "FrameError", "FrameTooLargeError", "ConfigError", "ProtocolAbort", "Violation", "ViolationLog"]
