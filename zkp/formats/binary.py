"""zkmpc's canonical binary proving key (``.zkmpc-pk``).

Layout (little-endian lengths, EIP-196/197 points)::

    magic "ZKMPCPK" version u8 (=1) | flags u8 (bit 0: development key)
    domain_size u32 | r1cs_len u64 | r1cs (circom .r1cs bytes)
    alpha_g1 beta_g1 delta_g1 (3 x 64) | beta_g2 gamma_g2 delta_g2 (3 x 128)
    n_ic u32 | IC (n_ic x 64)
    a_g1 | b_g1 | b_g2 | l_g1 | h_g1   (each: len u64, bytes)

Every length is checked against what the R1CS implies and against the bytes present
before anything is allocated. Points are checked to lie on their curves; the G2 vector
``b_g2`` is not subgroup-checked (a bad proving key can only yield proofs that fail to
verify, and the check would cost seconds per thousand points in Python). The
verifying-key points are fully validated.
"""

from __future__ import annotations

import struct

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import FormatError, MalformedInputError
from ..groth16.keys import VerifyingKey
from ..groth16.proving_key import ProvingKey
from ..qap import domain_size
from .circom import read_r1cs, write_r1cs

__all__ = ["dump_proving_key", "load_proving_key"]

_MAGIC = b"ZKMPCPK"
_VERSION = 2  # 1 held h in the monomial basis [t^j Z(t) / delta]


def _blob(b: bytes) -> bytes:
    return struct.pack("<Q", len(b)) + b


def dump_proving_key(pk: ProvingKey) -> bytes:
    """Encode a proving key (it embeds its R1CS and verifying key)."""
    if pk.cs is None:
        raise FormatError("proving key: this key came from a .zkey and has no R1CS; "
                          "save it with zkp.formats.zkey.write_zkey")
    vk = pk.vk
    parts = [_MAGIC, bytes([_VERSION, 1 if vk.development else 0]),
             struct.pack("<I", pk.domain_size), _blob(write_r1cs(pk.cs)),
             pk.alpha_g1.to_bytes(), pk.beta_g1.to_bytes(), pk.delta_g1.to_bytes(),
             vk.beta_g2.to_bytes(), vk.gamma_g2.to_bytes(), vk.delta_g2.to_bytes(),
             struct.pack("<I", len(vk.ic)), b"".join(p.to_bytes() for p in vk.ic)]
    parts += [_blob(getattr(pk, name)) for name in ("a_g1", "b_g1", "b_g2", "l_g1", "h_g1")]
    return b"".join(parts)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.mv = memoryview(data)
        self.pos = 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or n > len(self.mv) - self.pos:
            raise FormatError(f"proving key: {what} needs {n} bytes, {len(self.mv) - self.pos} remain")
        out = bytes(self.mv[self.pos:self.pos + n])
        self.pos += n
        return out

    def u(self, fmt: str, what: str) -> int:
        return int(struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0])

    def blob(self, expected: int, what: str) -> bytes:
        n = self.u("<Q", what)
        if n != expected:
            raise FormatError(f"proving key: {what} must be {expected} bytes, found {n}")
        return self.take(n, what)


def load_proving_key(data: bytes) -> ProvingKey:
    """Decode and check a proving key written by :func:`dump_proving_key`."""
    if not isinstance(data, (bytes, bytearray)):
        raise FormatError(f"proving key: expected bytes, found {type(data).__name__}")
    rd = _Reader(bytes(data))
    if rd.take(7, "magic") != _MAGIC:
        raise FormatError("proving key: not a zkmpc proving key (bad magic)")
    version, flags = rd.take(2, "version")
    if version != _VERSION:
        hint = " (version 1 keys used another h basis: run setup again)" if version == 1 else ""
        raise FormatError(f"proving key: expected version {_VERSION}, found {version}{hint}")
    n = rd.u("<I", "domain size")
    cs = read_r1cs(rd.take(rd.u("<Q", "r1cs length"), "r1cs"))
    if domain_size(cs)[0] != n:
        raise FormatError(f"proving key: domain size {n} does not match the R1CS")
    try:
        g1 = [G1Point.from_bytes(rd.take(64, "G1 point")) for _ in range(3)]
        g2 = [G2Point.from_bytes(rd.take(128, "G2 point")) for _ in range(3)]
        n_ic = rd.u("<I", "IC count")
        if n_ic != cs.num_public + 1:
            raise FormatError(f"proving key: {n_ic} IC points for {cs.num_public} public inputs")
        ic = tuple(G1Point.from_bytes(rd.take(64, "IC")) for _ in range(n_ic))
        nw, npub = cs.num_wires, cs.num_public
        vecs = {name: rd.blob(size, name) for name, size in (
            ("a_g1", 64 * nw), ("b_g1", 64 * nw), ("b_g2", 128 * nw),
            ("l_g1", 64 * (nw - npub - 1)), ("h_g1", 64 * n))}
        if rd.pos != len(rd.mv):
            raise FormatError(f"proving key: {len(rd.mv) - rd.pos} trailing bytes")
        for name in ("a_g1", "b_g1", "l_g1", "h_g1"):
            kernels.g1_validate(vecs[name])
        _g2_on_curve(vecs["b_g2"])
        vk = VerifyingKey(alpha_g1=g1[0], beta_g2=g2[0], gamma_g2=g2[1], delta_g2=g2[2], ic=ic,
                          development=bool(flags & 1))
        return ProvingKey(vk=vk, cs=cs, domain_size=n, alpha_g1=g1[0], beta_g1=g1[1],
                          delta_g1=g1[2], beta_g2=g2[0], delta_g2=g2[2], a_g1=vecs["a_g1"],
                          b_g1=vecs["b_g1"], b_g2=vecs["b_g2"], l_g1=vecs["l_g1"], h_g1=vecs["h_g1"])
    except FormatError:
        raise
    except MalformedInputError as exc:
        raise FormatError(f"proving key: {exc}") from None


def _g2_on_curve(buf: bytes) -> None:
    from .. import _arith as A
    from .._bn254_py_codec import _g2_points

    for i, p in enumerate(_g2_points(buf)):
        if p is not None and not A.g2_on_curve(*p):
            raise FormatError(f"proving key: b_g2[{i}] is not on the twist")
