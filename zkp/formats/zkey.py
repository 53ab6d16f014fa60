"""snarkjs's Groth16 proving key, ``.zkey`` (read and written as snarkjs 0.7 does).

A binary file like circom's (magic ``zkey``, version 1, sections of ``type u32, size
u64``): 1 protocol (1 = Groth16), 2 header (primes, wire and public counts, domain size,
alpha_1, beta_1, beta_2, gamma_2, delta_1, delta_2), 3 IC, 4 the A and B coefficients,
5 A, 6 B1, 7 B2, 8 C (the private wires' ``[(beta u + alpha v + w) / delta]_1``), 9 H
(``[L_(2i+1)(tau) / delta]_1`` on the 2n-th roots of unity), 10 the phase-2 transcript.
Points are affine with little-endian Montgomery coordinates (``LEM``, see the kernels'
``g1_from_lem``), coefficients are ``k * R^2 mod r`` little-endian.

Reading maps the file (``mmap``) and converts each point section in one kernel call
(range and curve checks included), so a key of millions of points never becomes Python
objects; every count is checked against the header and the bytes present before anything
is allocated. The single points (alpha, beta, gamma, delta, IC) are fully validated, the
G2 vector B2 on the twist only (a bad key can only yield proofs that fail to verify).

Example:
    >>> import warnings
    >>> from zkp import groth16
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> zk = read_zkey(write_zkey(pk))
    >>> zk
    ZKey(wires=3, public=1, domain=4, contributions=0)
    >>> groth16.verify(vk, [9], groth16.prove(zk.proving_key(), [1, 9, 3]))
    True
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import FormatError
from ..field import P, R
from ..groth16.keys import VerifyingKey
from ..groth16.proving_key import ProvingKey

if TYPE_CHECKING:  # numpy, the QAP and R1CS types load only where used (the prover needs none)
    from ..qap import QapMatrices
    from ..r1cs import R1CS
from ._zkey_sections import (_point, g1_from_lem, g2_from_lem, open_binary, params_bytes, read_contributions,
                             read_params, snarkjs_sections)
from ._zkey_sections import read_header as _header

__all__ = ["Contribution", "MPCParams", "ZKey", "read_zkey", "write_zkey", "lem_g1", "lem_g2",
           "g1_from_lem", "g2_from_lem", "open_binary", "params_bytes", "read_params", "snarkjs_sections"]

_MONT = pow(2, 256, R)
_MONT2_INV = pow(_MONT * _MONT, -1, R)


def _coef_dtype() -> Any:
    import numpy as np

    return np.dtype([("m", "<u4"), ("c", "<u4"), ("s", "<u4"), ("v", "V32")])



def lem_g1(p: G1Point) -> bytes:
    return bytes(kernels.g1_to_lem(p.to_bytes()))


def lem_g2(p: G2Point) -> bytes:
    return bytes(kernels.g2_to_lem(p.to_bytes()))


@dataclass(frozen=True)
class Contribution:
    """One phase-2 contribution as snarkjs records it: the new delta, the proof of knowledge
    of the key (``g1_s``, ``g1_sx = x g1_s``, ``g2_spx = x g2_sp`` with ``g2_sp`` hashed
    from ``transcript``), and, for a beacon, its hash and iteration exponent."""

    delta_after: G1Point
    g1_s: G1Point
    g1_sx: G1Point
    g2_spx: G2Point
    transcript: bytes
    beacon: bool = False
    name: str = ""
    num_iterations_exp: int = 0
    beacon_hash: bytes = b""

    def to_bytes(self) -> bytes:
        return (lem_g1(self.delta_after) + lem_g1(self.g1_s) + lem_g1(self.g1_sx) + lem_g2(self.g2_spx)
                + self.transcript
                + params_bytes(self.name, self.beacon, self.num_iterations_exp, self.beacon_hash))


@dataclass(frozen=True)
class MPCParams:
    """Section 10: the hash of the initial key (``cs_hash``) and the contributions."""

    cs_hash: bytes = bytes(64)
    contributions: tuple[Contribution, ...] = ()

    def to_bytes(self) -> bytes:
        return (self.cs_hash + struct.pack("<I", len(self.contributions))
                + b"".join(c.to_bytes() for c in self.contributions))


def _read_mpc(mv: memoryview) -> MPCParams:
    cs_hash, raw = read_contributions(mv)
    return MPCParams(cs_hash, tuple(Contribution(*points, **fields) for points, fields in raw))


@dataclass(frozen=True, eq=False)
class ZKey:
    """A snarkjs Groth16 key in memory: header points as objects, vectors packed in our
    encoding (``ic``, ``a_g1``, ``b_g1``, ``b_g2``, ``c_g1``, ``h_g1``)."""

    num_wires: int
    num_public: int
    domain_size: int
    alpha_g1: G1Point
    beta_g1: G1Point
    beta_g2: G2Point
    gamma_g2: G2Point
    delta_g1: G1Point
    delta_g2: G2Point
    ic: bytes
    matrices: QapMatrices
    a_g1: bytes
    b_g1: bytes
    b_g2: bytes
    c_g1: bytes
    h_g1: bytes
    mpc: MPCParams = field(default_factory=MPCParams)
    #: False when snarkjs's circuit hash of this key is not well defined (see
    #: :func:`zkp.ceremony.cs_hash`); not stored in the file
    cs_hash_exact: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        nw, npub, n = self.num_wires, self.num_public, self.domain_size
        sizes = {"ic": 64 * (npub + 1), "a_g1": 64 * nw, "b_g1": 64 * nw, "b_g2": 128 * nw,
                 "c_g1": 64 * (nw - npub - 1), "h_g1": 64 * n}
        for name, size in sizes.items():
            if len(getattr(self, name)) != size:
                raise FormatError(f"zkey: {name} must hold {size} bytes, found {len(getattr(self, name))}")

    def __repr__(self) -> str:
        return (f"ZKey(wires={self.num_wires}, public={self.num_public}, domain={self.domain_size}, "
                f"contributions={len(self.mpc.contributions)})")

    @property
    def development(self) -> bool:
        """True unless at least two parties contributed (beacons do not count): with one,
        that party knows the trapdoor."""
        return sum(not c.beacon for c in self.mpc.contributions) < 2

    def verifying_key(self) -> VerifyingKey:
        """The verifying key; refuses a key nobody contributed to (delta = generator)."""
        ic = tuple(G1Point.from_bytes(self.ic[i:i + 64]) for i in range(0, len(self.ic), 64))
        return VerifyingKey(alpha_g1=self.alpha_g1, beta_g2=self.beta_g2, gamma_g2=self.gamma_g2,
                            delta_g2=self.delta_g2, ic=ic, development=self.development)

    def proving_key(self, cs: R1CS | Any = None) -> ProvingKey:
        """The proving key. With ``cs`` (the circuit's R1CS or compiled circuit, checked
        against the key's A and B) the prover names the first constraint a bad witness breaks."""
        from ..qap import QapMatrices
        from ..r1cs import R1CS

        cs = getattr(cs, "r1cs", cs)
        if cs is not None and not isinstance(cs, R1CS):
            raise FormatError(f"zkey: expected an R1CS, found {type(cs).__name__}")
        if cs is not None:
            mine, theirs = QapMatrices.from_r1cs(cs), self.matrices
            if ((cs.num_wires, cs.num_public) != (self.num_wires, self.num_public)
                    or mine.canonical() != theirs.canonical()):
                raise FormatError("zkey: the R1CS given does not match the key's constraints")
        return ProvingKey(vk=self.verifying_key(), cs=cs, domain_size=self.domain_size,
                          alpha_g1=self.alpha_g1, beta_g1=self.beta_g1, delta_g1=self.delta_g1,
                          beta_g2=self.beta_g2, delta_g2=self.delta_g2, a_g1=self.a_g1,
                          b_g1=self.b_g1, b_g2=self.b_g2, l_g1=self.c_g1, h_g1=self.h_g1,
                          matrices_=self.matrices)

    @classmethod
    def from_proving_key(cls, pk: ProvingKey, mpc: MPCParams | None = None) -> ZKey:
        vk = pk.vk
        return cls(num_wires=pk.num_wires, num_public=pk.num_public, domain_size=pk.domain_size,
                   alpha_g1=pk.alpha_g1, beta_g1=pk.beta_g1, beta_g2=pk.beta_g2,
                   gamma_g2=vk.gamma_g2, delta_g1=pk.delta_g1, delta_g2=pk.delta_g2,
                   ic=b"".join(p.to_bytes() for p in vk.ic), matrices=pk.matrices,
                   a_g1=pk.a_g1, b_g1=pk.b_g1, b_g2=pk.b_g2, c_g1=pk.l_g1, h_g1=pk.h_g1,
                   mpc=mpc or MPCParams())

    def header_bytes(self) -> bytes:
        return (struct.pack("<I", 32) + P.to_bytes(32, "little") + struct.pack("<I", 32)
                + R.to_bytes(32, "little")
                + struct.pack("<III", self.num_wires, self.num_public, self.domain_size)
                + lem_g1(self.alpha_g1) + lem_g1(self.beta_g1) + lem_g2(self.beta_g2)
                + lem_g2(self.gamma_g2) + lem_g1(self.delta_g1) + lem_g2(self.delta_g2))

    def coeff_bytes(self) -> bytes:
        return self.matrices.zkey_coefficients()

    def to_bytes(self) -> bytes:
        """The ``.zkey`` bytes, sections in snarkjs's order (``zkey new`` writes them in the
        order it computes them, a contribution in numeric order)."""
        g1 = kernels.g1_to_lem
        body = [(1, struct.pack("<I", 1)), (2, self.header_bytes()), (4, self.coeff_bytes()),
                (3, g1(self.ic)), (9, g1(self.h_g1)), (8, g1(self.c_g1)), (5, g1(self.a_g1)),
                (6, g1(self.b_g1)), (7, kernels.g2_to_lem(self.b_g2)), (10, self.mpc.to_bytes())]
        if self.mpc.contributions:
            body.sort()
        return b"zkey" + struct.pack("<II", 1, len(body)) + b"".join(
            struct.pack("<IQ", k, len(v)) + bytes(v) for k, v in body)


def write_zkey(key: ZKey | ProvingKey, path: str | os.PathLike[str] | None = None) -> bytes:
    """Encode a key as ``.zkey`` (a :class:`ProvingKey` from our own setup is written with
    an empty transcript); with ``path``, also write the file. Returns the bytes."""
    zk = key if isinstance(key, ZKey) else ZKey.from_proving_key(key)
    data = zk.to_bytes()
    if path is not None:
        with open(path, "wb") as f:
            f.write(data)
    return data


def _unique_words(values: Any) -> tuple[Any, Any]:
    """``np.unique(values, return_inverse=True)`` for 32-byte words, grouped by their low 64
    bits first (a fast integer sort; circuits have few distinct coefficients) and checked
    whole, falling back to the full comparison when two words share their low bits."""
    import numpy as np

    values = np.ascontiguousarray(values)
    words = values.view("<u8").reshape(-1, 4)
    low, first, inverse = np.unique(words[:, 0], return_index=True, return_inverse=True)
    if np.array_equal(words[first][inverse.reshape(-1)], words):
        return values[first], inverse.reshape(-1)
    uniq, inv = np.unique(values, return_inverse=True)
    return uniq, inv.reshape(-1)


def _matrices(mv: memoryview, nw: int, npub: int, n: int) -> QapMatrices:
    import numpy as np

    from ..qap import QapMatrices

    if len(mv) < 4:
        raise FormatError("zkey: the coefficients section is truncated")
    (count,) = struct.unpack_from("<I", mv, 0)
    if len(mv) != 4 + 44 * count:
        raise FormatError(f"zkey: {count} coefficients need {4 + 44 * count} bytes, found {len(mv)}")
    rec = np.frombuffer(mv, dtype=_coef_dtype(), count=count, offset=4)
    if count < npub + 1:
        raise FormatError(f"zkey: {count} coefficients, fewer than the {npub + 1} public rows")
    m_, c_, s_ = rec["m"], rec["c"], rec["s"]
    if np.any(m_ > 1) or np.any(s_ >= nw) or np.any(c_ >= n) or np.any(np.diff(c_.astype(np.int64)) < 0):
        raise FormatError("zkey: a coefficient names a matrix other than A/B, a wire or row out of "
                          "range, or rows out of order")
    uniq, inverse = _unique_words(rec["v"])
    table, raw = [], uniq.tobytes()
    for i in range(0, len(raw), 32):
        v = int.from_bytes(raw[i:i + 32], "little")
        if v >= R:
            raise FormatError("zkey: a coefficient is not below r")
        table.append(v * _MONT2_INV % R)
    tail = rec[count - npub - 1:]
    m = int(tail["c"][0])
    one = [table[k] for k in inverse[count - npub - 1:].tolist()]
    if (np.any(tail["m"] != 0) or tail["c"].tolist() != list(range(m, m + npub + 1))
            or tail["s"].tolist() != list(range(npub + 1)) or one != [1] * (npub + 1)):
        raise FormatError("zkey: the public-input rows (A = wire i after the constraints) are missing")
    if np.any(c_[:count - npub - 1] >= m) or m + npub + 1 > n:
        raise FormatError(f"zkey: constraint rows overlap the public rows or exceed the domain of {n}")
    return QapMatrices(nw, npub, m, m_.astype(np.uint8), c_.astype(np.uint32), s_.astype(np.uint32),
                       inverse.astype(np.uint32).reshape(-1), tuple(table))


def read_zkey(source: str | os.PathLike[str] | bytes) -> ZKey:
    """Read a snarkjs Groth16 ``.zkey`` (a path is memory-mapped), checking every section."""
    mv = open_binary(source, "zkey")
    sec = snarkjs_sections(mv, b"zkey", 10)
    if len(sec[1]) != 4 or struct.unpack_from("<I", sec[1], 0)[0] != 1:
        raise FormatError("zkey: not a Groth16 key (protocol id is not 1)")
    nw, npub, n, pts = _header(sec[2])
    g1h = g1_from_lem(bytes(pts[:128]) + bytes(pts[384:448]), "zkey header")
    g2h = g2_from_lem(bytes(pts[128:384]) + bytes(pts[448:576]), "zkey header")
    counts = {3: (npub + 1, 64), 5: (nw, 64), 6: (nw, 64), 7: (nw, 128), 8: (nw - npub - 1, 64), 9: (n, 64)}
    for k, (cnt, width) in counts.items():
        if len(sec[k]) != cnt * width:
            raise FormatError(f"zkey: section {k} must hold {cnt} points ({cnt * width} bytes), "
                              f"found {len(sec[k])} bytes")
    vec = {}
    for k in (3, 5, 6, 8, 9, 7):
        vec[k] = (g2_from_lem if k == 7 else g1_from_lem)(sec[k], f"zkey section {k}")
        _release(mv, sec[k])
    kernels.g1_validate(vec[3])
    return ZKey(num_wires=nw, num_public=npub, domain_size=n,
                alpha_g1=_point(G1Point, g1h[:64], "zkey alpha_1"),
                beta_g1=_point(G1Point, g1h[64:128], "zkey beta_1"),
                delta_g1=_point(G1Point, g1h[128:], "zkey delta_1"),
                beta_g2=_point(G2Point, g2h[:128], "zkey beta_2"),
                gamma_g2=_point(G2Point, g2h[128:256], "zkey gamma_2"),
                delta_g2=_point(G2Point, g2h[256:], "zkey delta_2"),
                ic=vec[3], matrices=_matrices(sec[4], nw, npub, n), a_g1=vec[5], b_g1=vec[6],
                b_g2=vec[7], c_g1=vec[8], h_g1=vec[9], mpc=_read_mpc(sec[10]))


def _release(mv: memoryview, part: memoryview) -> None:
    """Drop the mapped pages of a converted section (a mapped file only: the pages are read
    again from the file if touched), so peak memory is the converted key plus one section."""
    mm = mv.obj
    if not isinstance(mm, mmap.mmap) or len(part) == 0:
        return
    import numpy as np

    start = np.frombuffer(part, dtype=np.uint8).ctypes.data - np.frombuffer(mv, dtype=np.uint8).ctypes.data
    page = mmap.PAGESIZE
    lo, hi = -(-start // page) * page, (start + len(part)) // page * page
    if hi > lo:
        mm.madvise(mmap.MADV_DONTNEED, lo, hi - lo)
