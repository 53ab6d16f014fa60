"""The wire format: length-prefixed binary frames with a size cap.

    header (10 bytes)   magic b"ZKMP" | version (1) | kind (1) | body length (4, big-endian)
    body                session id (16) | sender (2) | receiver (2) | tag length (1) | tag (ASCII)
                        | payload (the rest)

A frame of kind 1 carries a message; kind 2 (:data:`PING`, a header with an empty body)
only says "this link is alive": a TCP sender sends one when it connects and whenever it
has been quiet for a while, so that a receiver can close links that stay silent.

The length is checked against the cap before anything is allocated; every field is
checked when a body is parsed. Payloads are opaque bytes here: protocols pack field
vectors with :meth:`mpc.field.PrimeField.pack` and small documents with :mod:`mpc.serial`.

    >>> m = Message(bytes(16), 1, 2, "sum/input", b"payload")
    >>> decode_body(encode(m)[HEADER_SIZE:]) == m
    True
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from .errors import FrameError, FrameTooLargeError

__all__ = ["Message", "MAGIC", "VERSION", "HEADER_SIZE", "DEFAULT_MAX_FRAME", "encode", "decode_header",
           "decode_body", "read_header", "SESSION_BYTES", "KIND_DATA", "KIND_PING", "PING"]

MAGIC = b"ZKMP"
VERSION = 1
KIND_DATA = 1
KIND_PING = 2
HEADER_SIZE = 10
SESSION_BYTES = 16
DEFAULT_MAX_FRAME = 64 << 20
_HEADER = struct.Struct(">4sBBI")
_FIXED = struct.Struct(">16sHHB")
_TAG = re.compile(r"[A-Za-z0-9_./:-]{1,64}")
PING = _HEADER.pack(MAGIC, VERSION, KIND_PING, 0)


@dataclass(frozen=True)
class Message:
    """One frame's content. ``sender``/``receiver`` are party ids; ``tag`` names the
    protocol round (``"sum/input"``)."""

    session: bytes
    sender: int
    receiver: int
    tag: str
    payload: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.session, bytes) or len(self.session) != SESSION_BYTES:
            raise FrameError(f"session id: expected {SESSION_BYTES} bytes")
        for what, v in (("sender", self.sender), ("receiver", self.receiver)):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 1 << 16:
                raise FrameError(f"{what}: expected a party id in [1, 65535], found {v!r}")
        if not isinstance(self.tag, str) or not _TAG.fullmatch(self.tag):
            raise FrameError(f"tag: expected 1-64 characters from [A-Za-z0-9_./:-], found {self.tag!r:.80}")
        if not isinstance(self.payload, (bytes, bytearray)):
            raise FrameError(f"payload: expected bytes, found {type(self.payload).__name__}")

    def __repr__(self) -> str:
        return (f"Message(session={self.session.hex()[:8]}..., {self.sender} -> {self.receiver}, "
                f"tag={self.tag!r}, {len(self.payload)} bytes)")


def encode(m: Message) -> bytes:
    tag = m.tag.encode("ascii")
    fixed = _FIXED.pack(m.session, m.sender, m.receiver, len(tag))
    length = len(fixed) + len(tag) + len(m.payload)
    return b"".join((_HEADER.pack(MAGIC, VERSION, KIND_DATA, length), fixed, tag, m.payload))  # one copy


def read_header(header: bytes, max_frame: int) -> tuple[int, int]:
    """The kind (:data:`KIND_DATA` or :data:`KIND_PING`) and body length of a frame header,
    after checking magic, version, kind and the cap (a ping has an empty body).

        >>> read_header(PING, 1024)
        (2, 0)

    Raises:
        FrameError: a header that is not ours (the stream cannot be trusted after it).
        FrameTooLargeError: a body longer than ``max_frame``.
    """
    if len(header) != HEADER_SIZE:
        raise FrameError(f"frame header: expected {HEADER_SIZE} bytes, found {len(header)}")
    magic, version, kind, length = _HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or kind not in (KIND_DATA, KIND_PING):
        raise FrameError(f"frame header: expected magic {MAGIC!r} version {VERSION} kind 1 or 2, "
                         f"found {magic!r} version {version} kind {kind}")
    if kind == KIND_PING:
        if length:
            raise FrameError(f"ping frame: expected an empty body, found a length of {length}")
        return KIND_PING, 0
    if length > max_frame:
        raise FrameTooLargeError(f"frame of {length} bytes exceeds the cap of {max_frame} bytes")
    if length < _FIXED.size + 1:
        raise FrameError(f"frame body of {length} bytes is shorter than its fixed fields")
    return KIND_DATA, int(length)


def decode_header(header: bytes, max_frame: int) -> int:
    """The body length of a message frame's header (:func:`read_header`, pings refused).

    Raises:
        FrameError: a header that is not ours, or a ping.
        FrameTooLargeError: a body longer than ``max_frame``.
    """
    kind, length = read_header(header, max_frame)
    if kind != KIND_DATA:
        raise FrameError("frame header: expected a message (kind 1), found a ping (kind 2)")
    return length


def decode_body(body: bytes) -> Message:
    """Parse a body; :class:`FrameError` on any malformed field (length-delimited, so the
    stream stays in sync)."""
    if len(body) < _FIXED.size:
        raise FrameError("frame body shorter than its fixed fields")
    session, sender, receiver, tag_len = _FIXED.unpack_from(body)
    end = _FIXED.size + tag_len
    if len(body) < end:
        raise FrameError("frame body ends inside its tag")
    try:
        tag = body[_FIXED.size:end].decode("ascii")
    except UnicodeDecodeError:
        raise FrameError("frame tag is not ASCII") from None
    return Message(session, sender, receiver, tag, bytes(body[end:]))
