"""snarkjs's powers-of-tau files, ``.ptau`` (phase 1, and phase-2-prepared).

Sections (``ptau`` magic, version 1): 1 header (``n8``, q, power, ceremony power),
2 ``[tau^i]_1`` for i < 2^(power+1) - 1, 3 ``[tau^i]_2``, 4 ``[alpha tau^i]_1``,
5 ``[beta tau^i]_1`` (i < 2^power each), 6 ``[beta]_2``, 7 the contributions; a prepared
file adds 12-15: the same four vectors in the Lagrange basis of every domain 2^k (k = 0 ..
power, and power + 1 for section 12), concatenated. Points are LEM (see ``zkey``).

A file is memory-mapped and its sections are converted only when asked for (a 2^20 file
never becomes Python objects); counts and sizes are checked against the header when the
file is opened. Every G2 point is checked to be in the r-torsion subgroup: the
contributions' and ``betaG2`` when the file is opened, the G2 vectors when converted.

Example:
    >>> from pathlib import Path
    >>> pt = read_ptau(Path(__file__).parents[2] / "tests" / "vectors" / "pot8_final.ptau")
    >>> pt
    PTau(power=8, contributions=1, prepared=True)
    >>> len(pt.tau_g1(4)) // 64, len(pt.lagrange_g1(3)) // 64
    (4, 8)
    >>> from zkp.curve import G1Point
    >>> lag = [G1Point.from_bytes(pt.lagrange_g1(3)[i:i + 64]) for i in range(0, 512, 64)]
    >>> # [tau^0]_1 and [sum of L_i(tau)]_1 are both [1]_1
    >>> G1Point.from_bytes(pt.tau_g1(1)) == sum(lag[1:], lag[0]) == G1Point.generator()
    True
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from typing import Any

from .._backend import kernels
from ..errors import FormatError, MalformedInputError
from ..field import P
from .zkey import g1_from_lem, g2_from_lem, open_binary, params_bytes, read_params, snarkjs_sections

__all__ = ["PTau", "PTauContribution", "read_ptau", "build_ptau", "file_hash"]

_MAX_POWER = 28
_KEY_SIZE = 6 * 64 + 3 * 128
_RECORD = 64 + 128 + 64 + 64 + 128 + _KEY_SIZE + 216 + 64 + 4 + 4


def file_hash(data: Any) -> str:
    """BLAKE2b-512 of a file's bytes, as hex (what users pin: ``b2sum`` prints the same)."""
    h = hashlib.blake2b(digest_size=64)
    h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class PTauContribution:
    """One phase-1 contribution record (section 7), points in our encoding: the first
    powers after it, the proof-of-knowledge key (``tau``, ``alpha``, ``beta``:
    ``g1_s``, ``g1_sx``, ``g2_spx``), the partial BLAKE2b state of its response hash, the
    next challenge hash, and its parameters (name, beacon)."""

    tau_g1: bytes
    tau_g2: bytes
    alpha_g1: bytes
    beta_g1: bytes
    beta_g2: bytes
    key_g1: bytes
    key_g2: bytes
    partial_hash: bytes
    next_challenge: bytes
    beacon: bool
    name: str = ""
    num_iterations_exp: int = 0
    beacon_hash: bytes = b""

    def to_bytes(self) -> bytes:
        g1, g2 = kernels.g1_to_lem, kernels.g2_to_lem
        return (bytes(g1(self.tau_g1)) + bytes(g2(self.tau_g2)) + bytes(g1(self.alpha_g1 + self.beta_g1))
                + bytes(g2(self.beta_g2)) + bytes(g1(self.key_g1)) + bytes(g2(self.key_g2))
                + self.partial_hash + self.next_challenge
                + params_bytes(self.name, self.beacon, self.num_iterations_exp, self.beacon_hash))


def _contributions(mv: memoryview) -> tuple[PTauContribution, ...]:
    if len(mv) < 4:
        raise FormatError("ptau: the contributions section is truncated")
    (n,) = struct.unpack_from("<I", mv, 0)
    if n > (len(mv) - 4) // _RECORD:
        raise FormatError(f"ptau: {n} contributions cannot fit in {len(mv)} bytes")
    pos, out = 4, []
    for i in range(n):
        what = f"ptau contribution {i}"
        if pos + _RECORD > len(mv):
            raise FormatError(f"{what}: truncated")
        g1 = g1_from_lem(bytes(mv[pos:pos + 64]) + bytes(mv[pos + 192:pos + 320]), what)
        g2 = g2_from_lem(bytes(mv[pos + 64:pos + 192]) + bytes(mv[pos + 320:pos + 448]), what)
        key = pos + 448
        key_g1 = g1_from_lem(mv[key:key + 384], what)
        key_g2 = g2_from_lem(mv[key + 384:key + _KEY_SIZE], what)
        try:  # these enter pairings: G2 points must be in the r-torsion subgroup
            kernels.g2_validate(g2 + key_g2)
        except MalformedInputError as exc:
            raise FormatError(f"{what}: {exc}") from None
        tail = key + _KEY_SIZE
        fields, end = read_params(mv, tail + 280, what)
        out.append(PTauContribution(
            tau_g1=g1[:64], tau_g2=g2[:128], alpha_g1=g1[64:128], beta_g1=g1[128:],
            beta_g2=g2[128:], key_g1=key_g1, key_g2=key_g2,
            partial_hash=bytes(mv[tail:tail + 216]), next_challenge=bytes(mv[tail + 216:tail + 280]),
            **fields))
        pos = end
    if pos != len(mv):
        raise FormatError(f"ptau: {len(mv) - pos} trailing bytes in the contributions section")
    return tuple(out)


class PTau:
    """An opened ``.ptau`` file: vectors are converted on request, in our encoding."""

    def __init__(self, data: memoryview) -> None:
        self._mv = data
        sec = snarkjs_sections(data, b"ptau", 7)
        hdr = sec[1]
        if (len(hdr) != 44 or struct.unpack_from("<I", hdr, 0)[0] != 32
                or int.from_bytes(hdr[4:36], "little") != P):
            raise FormatError("ptau: not a BN254 file (header size, n8 or prime differ)")
        self.power, self.ceremony_power = struct.unpack_from("<II", hdr, 36)
        if not 1 <= self.power <= _MAX_POWER or self.ceremony_power < self.power:
            raise FormatError(f"ptau: power {self.power} (ceremony {self.ceremony_power}) out of range")
        n = 1 << self.power
        counts = {2: (2 * n - 1, 64), 3: (n, 128), 4: (n, 64), 5: (n, 64), 6: (1, 128)}
        self.prepared = 12 in sec
        if self.prepared:
            lag = 2 * n - 1
            counts.update({12: (2 * lag + 1, 64), 13: (lag, 128), 14: (lag, 64), 15: (lag, 64)})
        for k, (cnt, width) in counts.items():
            if k not in sec or len(sec[k]) != cnt * width:
                found = len(sec[k]) if k in sec else "no"
                raise FormatError(f"ptau: section {k} must hold {cnt} points ({cnt * width} bytes), "
                                  f"found {found} bytes")
        self._sec = sec
        self.contributions = _contributions(sec[7])
        self.beta_g2()  # the single points checked at once; the vectors when converted
        self.tau_g2(2)

    def __repr__(self) -> str:
        return (f"PTau(power={self.power}, contributions={len(self.contributions)}, "
                f"prepared={self.prepared})")

    def _g1(self, k: int, start: int, count: int, what: str) -> bytes:
        return g1_from_lem(self._sec[k][64 * start:64 * (start + count)], f"ptau {what}")

    def _g2(self, k: int, start: int, count: int, what: str) -> bytes:
        """G2 points leave a ptau only subgroup-checked (threaded kernel): they enter
        pairings (verification) or keys (new_zkey)."""
        pts = g2_from_lem(self._sec[k][128 * start:128 * (start + count)], f"ptau {what}")
        try:
            kernels.g2_validate(pts)
        except MalformedInputError as exc:
            raise FormatError(f"ptau {what}: {exc}") from None
        return pts

    def _count(self, count: int, limit: int, what: str) -> int:
        if not 0 <= count <= limit:
            raise FormatError(f"ptau: {what} has {limit} points, {count} were asked for")
        return count

    def tau_g1(self, count: int) -> bytes:
        return self._g1(2, 0, self._count(count, (2 << self.power) - 1, "tauG1"), "tauG1")

    def tau_g2(self, count: int) -> bytes:
        return self._g2(3, 0, self._count(count, 1 << self.power, "tauG2"), "tauG2")

    def alpha_tau_g1(self, count: int) -> bytes:
        return self._g1(4, 0, self._count(count, 1 << self.power, "alphaTauG1"), "alphaTauG1")

    def beta_tau_g1(self, count: int) -> bytes:
        return self._g1(5, 0, self._count(count, 1 << self.power, "betaTauG1"), "betaTauG1")

    def beta_g2(self) -> bytes:
        return self._g2(6, 0, 1, "betaG2")

    def _lagrange(self, log_n: int, limit: int) -> int:
        if not self.prepared:
            raise FormatError("ptau: not prepared for phase 2 (run `zkmpc ptau prepare`)")
        if not 0 <= log_n <= limit:
            raise FormatError(f"ptau: no Lagrange basis for 2^{log_n} points in a power-"
                              f"{self.power} file")
        return (1 << log_n) - 1

    def lagrange_g1(self, log_n: int) -> bytes:
        """``[L_i(tau)]_1`` on the 2^log_n roots of unity (log_n <= power + 1)."""
        return self._g1(12, self._lagrange(log_n, self.power + 1), 1 << log_n, "tauG1 Lagrange")

    def lagrange_g2(self, log_n: int) -> bytes:
        return self._g2(13, self._lagrange(log_n, self.power), 1 << log_n, "tauG2 Lagrange")

    def lagrange_alpha_g1(self, log_n: int) -> bytes:
        return self._g1(14, self._lagrange(log_n, self.power), 1 << log_n, "alphaTauG1 Lagrange")

    def lagrange_beta_g1(self, log_n: int) -> bytes:
        return self._g1(15, self._lagrange(log_n, self.power), 1 << log_n, "betaTauG1 Lagrange")

    def hash(self) -> str:
        """BLAKE2b-512 of the whole file (hex), for pinning."""
        return file_hash(self._mv)

    def to_bytes(self) -> bytes:
        return bytes(self._mv)


def read_ptau(source: str | os.PathLike[str] | bytes) -> PTau:
    """Open a ``.ptau`` file (a path is memory-mapped) and check its structure."""
    return PTau(open_binary(source, "ptau"))


def build_ptau(power: int, tau_g1: bytes, tau_g2: bytes, alpha_tau_g1: bytes, beta_tau_g1: bytes,
               beta_g2: bytes, contributions: tuple[PTauContribution, ...],
               lagrange: tuple[bytes, bytes, bytes, bytes] | None = None) -> PTau:
    """A ``.ptau`` from its vectors in our encoding (sections in snarkjs's order)."""
    g1, g2 = kernels.g1_to_lem, kernels.g2_to_lem
    header = struct.pack("<I", 32) + P.to_bytes(32, "little") + struct.pack("<II", power, power)
    body = [(1, header), (2, g1(tau_g1)), (3, g2(tau_g2)), (4, g1(alpha_tau_g1)), (5, g1(beta_tau_g1)),
            (6, g2(beta_g2)),
            (7, struct.pack("<I", len(contributions)) + b"".join(c.to_bytes() for c in contributions))]
    if lagrange is not None:
        body += [(12, g1(lagrange[0])), (13, g2(lagrange[1])), (14, g1(lagrange[2])), (15, g1(lagrange[3]))]
    data = b"ptau" + struct.pack("<II", 1, len(body)) + b"".join(
        struct.pack("<IQ", k, len(v)) + bytes(v) for k, v in body)
    return PTau(memoryview(data))
