"""The parts of :mod:`mpc.protocols.secagg` that are not rounds: the sizes of its
messages, the per-run state, the key agreement, PRG, commitments and authenticated
encryption it uses, the sharing of 32-byte secrets over Fr, and the wire records.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context as DecimalContext, Decimal
from typing import Any, Mapping, Sequence

import numpy as np
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .._intmath import Rng
from ..encoding import Encoding, IntegerEncoding
from ..errors import EncodingError, InconsistentSharesError, MPCTypeError, SecAggMessageError
from ..field import FR
from ..sharing.robust import robust_combine
from ..sharing.shamir import Share, combine, split
from .base import Context

__all__ = ["ROUNDS", "RING_BITS", "prg_mask", "decode_total"]

ROUNDS = ("advertise", "share", "masked", "unmask")
RING_BITS = 64
_KEY = 32                      # X25519 keys, seeds, commitments
_ADV = 3 * _KEY                # c_pk || s_pk || H(b)
_SHARE = 2 * 32                # a 32-byte secret's Shamir share: two Fr elements
_BOX = 2 * 2 + 2 * _SHARE + 16  # AES-GCM of u || v || share(s) || share(b), with its tag
_UNMASK = 2 + 1 + _SHARE       # v || kind (0: s key, 1: b seed) || share
_ID = struct.Struct(">H")
# what a client awaits from the server after each of its rounds: a client left out of a
# round gets, under that tag, kind byte 1 and the reason (normal messages carry kind 0)
_NEXT = {"advertise": "keys", "share": "boxes", "masked": "survivors", "unmask": "result"}



@dataclass
class _Run:
    """The state of one party's run (the tag, the clients, the threshold)."""

    ctx: Context
    server: int
    size: int
    tag: str

    @property
    def clients(self) -> tuple[int, ...]:
        return tuple(p for p in self.ctx.parties if p != self.server)

    @property
    def t(self) -> int:
        return self.ctx.threshold

    def name(self, rnd: str) -> str:
        return f"{self.tag}/{rnd}"


# --- primitives --------------------------------------------------------------------------

def _pub(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def _agree(private: bytes, public: bytes, who: int) -> bytes:
    try:
        return X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:
        raise SecAggMessageError(f"party {who}'s public key is a low-order point (expected a valid X25519 key)",
                                 parties=(who,), round="advertise") from None


def _kdf(label: bytes, *parts: bytes) -> bytes:
    h = hashlib.sha256(b"zkmpc/secagg/" + label)
    for p in parts:
        h.update(len(p).to_bytes(4, "big") + p)
    return h.digest()


def prg_mask(seed: bytes, size: int) -> Any:
    """``size`` pseudo-random words of ``Z_{2^64}`` (uint64) from a 32-byte seed: ChaCha20
    keyed by the seed, zero nonce.

        >>> prg_mask(bytes(32), 2).dtype, len(prg_mask(bytes(32), 5))
        (dtype('uint64'), 5)
    """
    enc = Cipher(algorithms.ChaCha20(seed, bytes(16)), mode=None).encryptor()
    return np.frombuffer(enc.update(bytes(8 * size)), dtype="<u8").astype(np.uint64)


def _pair_mask(run: _Run, s_private: bytes, s_public: bytes, u: int, v: int) -> Any:
    """``+PRG(s_uv)`` when ``u < v``, else ``-PRG(s_uv)`` (mod 2^64), as seen by ``u``."""
    lo, hi = min(u, v), max(u, v)
    seed = _kdf(b"pair", run.ctx.net.session, run.tag.encode(), _ID.pack(lo), _ID.pack(hi),
                _agree(s_private, s_public, v))
    mask = prg_mask(seed, run.size)
    return mask if u < v else np.negative(mask)


def _self_mask(run: _Run, b: bytes, u: int) -> Any:
    return prg_mask(_kdf(b"self", run.ctx.net.session, run.tag.encode(), _ID.pack(u), b), run.size)


def _commit(run: _Run, b: bytes, u: int) -> bytes:
    return _kdf(b"commit", run.ctx.net.session, run.tag.encode(), _ID.pack(u), b)


def _box_key(run: _Run, c_private: bytes, c_public: bytes, peer: int) -> AESGCM:
    return AESGCM(_kdf(b"box", run.ctx.net.session, run.tag.encode(), _agree(c_private, c_public, peer)))


def _nonce(sender: int, receiver: int) -> bytes:
    return _ID.pack(sender) + _ID.pack(receiver) + bytes(8)


def _split_secret(secret: bytes, holders: Sequence[int], t: int, rng: Rng | None) -> dict[int, bytes]:
    vec = FR.vector([int.from_bytes(secret[:16], "big"), int.from_bytes(secret[16:], "big")])
    shares = split(vec, n=len(holders), threshold=t, indices=list(holders), rng=rng)
    return {s.index: b"".join(int(x).to_bytes(32, "big") for x in s.vector) for s in shares}


def _share_of(index: int, data: bytes, t: int) -> Share:
    a, b = int.from_bytes(data[:32], "big"), int.from_bytes(data[32:], "big")
    if a >= FR.modulus or b >= FR.modulus:
        raise ValueError("share value outside Fr")
    return Share.unchecked(index, FR.vector([a, b]), t, FR)


def _rebuild(shares: list[Share], t: int) -> tuple[bytes | None, tuple[int, ...]]:
    """The 32-byte secret of ``shares`` and the holders found wrong (robust decoding when
    the shares disagree); ``None`` when it cannot be a 32-byte secret."""
    wrong: tuple[int, ...] = ()
    try:
        vec = combine(shares, threshold=t)
    except InconsistentSharesError:
        try:
            vec, found = robust_combine(shares, threshold=t)
            wrong = tuple(found)
        except InconsistentSharesError as exc:
            return None, tuple(exc.bad)
    hi, lo = int(vec[0]), int(vec[1])
    if hi >> 128 or lo >> 128:
        return None, tuple(wrong)
    return hi.to_bytes(16, "big") + lo.to_bytes(16, "big"), tuple(wrong)


# --- wire formats ---------------------------------------------------------------------------

def _records(data: bytes, width: int, allowed: Sequence[int], who: int, what: str, rnd: str) -> dict[int, bytes]:
    """Records ``id (u16) || body (width)``, ids strictly increasing and among ``allowed``."""
    step = 2 + width
    if len(data) % step or len(data) > step * len(allowed):
        raise SecAggMessageError(f"{what} from party {who}: expected up to {len(allowed)} records of {step} bytes, "
                                 f"found {len(data)} bytes", parties=(who,), round=rnd)
    out: dict[int, bytes] = {}
    last = 0
    for i in range(0, len(data), step):
        (p,) = _ID.unpack_from(data, i)
        if p <= last or p not in allowed:
            raise SecAggMessageError(f"{what} from party {who}: party {p} is unexpected, repeated or out of order "
                                     f"(expected increasing ids among {list(allowed)})", parties=(who,), round=rnd)
        out[p], last = data[i + 2:i + step], p
    return out


def _pack_records(items: Mapping[int, bytes]) -> bytes:
    return b"".join(_ID.pack(p) + items[p] for p in sorted(items))


def _encode_input(values: object, encoding: Encoding, size: int) -> Any:
    """The encoded vector as ring words: each value through ``encoding.encode``, or a numpy
    integer array taken as already encoded (checked against the encoding's bound)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        if values.shape != (size,):
            raise SecAggMessageError(f"secure aggregation input: expected {size} encoded values, found shape "
                                     f"{values.shape}")
        limit = min(encoding.max_encoded, 1 << 62)
        enc = values.astype(np.int64)
        beyond = (values.astype(np.uint64) > np.uint64(limit)) if values.dtype.kind == "u" else \
            (enc > limit) | (enc < -limit)  # (an unsigned word would wrap to a negative int64)
        if beyond.any():
            raise EncodingError(f"secure aggregation input: encoded values beyond the bound "
                                f"{encoding.max_encoded} of {encoding}")
        return enc.astype(np.uint64)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise MPCTypeError(f"secure aggregation input: expected a sequence of {size} values, "
                           f"found {type(values).__name__}")
    items = list(values)  # type: ignore[call-overload]
    if len(items) != size:
        raise SecAggMessageError(f"secure aggregation input: expected {size} values, found {len(items)}")
    return np.array([encoding.encode(v) for v in items], dtype=np.int64).astype(np.uint64)


def decode_total(encoding: Encoding, raw: Any, terms: int) -> list[Any]:
    """``[encoding.decode(m, terms=terms) for m in raw]`` for int64 ring totals, the bound
    checked once for the whole vector (``raw`` fits 64 bits, so the scaling is exact).

        >>> from mpc.encoding import FixedPoint
        >>> decode_total(FixedPoint(decimals=2, bound=Decimal(5)), np.array([-150, 7]), 2)
        [Decimal('-1.50'), Decimal('0.07')]
    """
    limit = terms * encoding.max_encoded
    if len(raw) and max(-int(raw.min()), int(raw.max())) > limit:
        raise EncodingError(f"a total exceeds {terms} x the bound of {encoding}: overflow or a bad report")
    if isinstance(encoding, IntegerEncoding):
        return [int(m) for m in raw]
    exact = DecimalContext(prec=40, Emax=MAX_EMAX, Emin=MIN_EMIN)
    return [Decimal(int(m)).scaleb(-encoding.decimals, context=exact) for m in raw]
