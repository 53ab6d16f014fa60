"""Phase 2: the circuit-specific Groth16 key from a prepared powers-of-tau file.

:func:`new_zkey` is snarkjs's ``groth16 setup`` (``zkey new``): the key before any
contribution (gamma = delta = the generators), every point a combination of the file's
Lagrange-basis points, and the transcript's initial hash ``cs_hash`` computed as snarkjs
does, so the two tools produce the same file byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import numpy as np

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import SetupError
from ..field import R, to_words
from ..formats.ptau import PTau, read_ptau
from ..formats.zkey import MPCParams, ZKey
from ..qap import QapMatrices, domain_size
from ..r1cs import R1CS

__all__ = ["new_zkey", "cs_hash"]


def _combine(terms: list[tuple[int, int, int]], count: int, bases: bytes, lincomb: Any) -> bytes:
    """Point ``s`` (``s < count``) = the sum of ``k * bases[j]`` over its terms ``(s, j, k)``."""
    terms.sort(key=lambda t: t[0])
    rows = np.fromiter((t[0] for t in terms), dtype=np.int64, count=len(terms))
    ptr = np.searchsorted(rows, np.arange(count + 1)).astype("<u4")
    idx = np.fromiter((t[1] for t in terms), dtype="<u4", count=len(terms))
    return bytes(lincomb(bases, ptr.tobytes(), idx.tobytes(), to_words([t[2] for t in terms])))


def _point_terms(cs: R1CS, mat: QapMatrices, n: int) -> tuple[list[tuple[int, int, int]], ...]:
    """The terms ``(wire, basis index, coefficient)`` of A, B and the C/IC points, whose
    basis is ``lt || la || lb`` (tau, alpha*tau, beta*tau Lagrange bases: beta*A + alpha*B + C)."""
    a: list[tuple[int, int, int]] = []
    b: list[tuple[int, int, int]] = []
    c: list[tuple[int, int, int]] = []
    ks = mat.coeffs
    for m_, row, wire, k in zip(mat.matrix.tolist(), mat.rows.tolist(), mat.wires.tolist(),
                                mat.coeff_ids.tolist()):
        (a if m_ == 0 else b).append((wire, row, ks[k]))
        c.append((wire, row + (2 * n if m_ == 0 else n), ks[k]))
    for i in range(cs.num_constraints):
        lo, hi = int(cs.C.indptr[i]), int(cs.C.indptr[i + 1])
        for wire, kid in zip(cs.C.cols[lo:hi].tolist(), cs.C.coeff_ids[lo:hi].tolist()):
            c.append((wire, i, cs.coeffs[kid]))
    return a, b, c


def cs_hash(zk: ZKey, tau_g1: bytes) -> bytes:
    """snarkjs's circuit hash of an initial key: BLAKE2b-512 over the header points, then
    each vector with its count (u32 big-endian), H in the monomial basis
    ``[tau^i (tau^n - 1)]_1`` (i < n - 1, from the first 2n - 1 powers ``tau_g1``).

    snarkjs 0.7.6 hashes H in chunks of 2^14 points and rounds the last chunk up: above
    2^14 it hashes n points, the last ``tau^(2n-1) - tau^(n-1)``. We do the same when the
    ptau has that power; when it does not (the domain is the ptau's full power), snarkjs
    reads the bytes after the section as a point and its hash is not well defined: we
    hash the n - 1 points and the key is marked ``cs_hash_exact = False``."""
    h = hashlib.blake2b(digest_size=64)
    for p in (zk.alpha_g1, zk.beta_g1, zk.beta_g2, zk.gamma_g2, zk.delta_g1, zk.delta_g2):
        h.update(p.to_bytes())
    n = zk.domain_size

    def vec(buf: bytes, width: int) -> None:
        h.update(struct.pack(">I", len(buf) // width))
        h.update(buf)

    vec(zk.ic, 64)
    chunk = 1 << 14
    count = n - 1 if n - 1 <= chunk else -(-(n - 1) // chunk) * chunk
    if n + count > len(tau_g1) // 64:
        count = n - 1
    ptr = (2 * np.arange(count + 1, dtype="<u4")).tobytes()
    idx = np.stack([np.arange(n, n + count), np.arange(count)], axis=1).astype("<u4").tobytes()
    hs = bytes(kernels.g1_lincomb(tau_g1, ptr, idx, to_words([1, R - 1]) * count))
    h.update(struct.pack(">I", n - 1))
    h.update(hs)
    vec(zk.c_g1, 64)
    vec(zk.a_g1, 64)
    vec(zk.b_g1, 64)
    vec(zk.b_g2, 128)
    return h.digest()


def new_zkey(cs: Any, ptau: PTau | str | Any) -> ZKey:
    """The initial (uncontributed) key of ``cs`` from a prepared ``ptau`` (a :class:`PTau`
    or a path): what ``snarkjs groth16 setup`` writes."""
    cs = getattr(cs, "r1cs", cs)
    if not isinstance(cs, R1CS):
        raise SetupError(f"new_zkey: expected an R1CS, found {type(cs).__name__}")
    pt = ptau if isinstance(ptau, PTau) else read_ptau(ptau)
    n, log_n = domain_size(cs)
    if log_n > pt.power:
        raise SetupError(f"new_zkey: the circuit needs 2^{log_n} rows, the ptau has power {pt.power}")
    if not pt.prepared:
        raise SetupError("new_zkey: the ptau is not prepared for phase 2 (run `zkmpc ptau prepare`)")
    mat = QapMatrices.from_r1cs(cs)
    lt, la, lb = pt.lagrange_g1(log_n), pt.lagrange_alpha_g1(log_n), pt.lagrange_beta_g1(log_n)
    lt2 = pt.lagrange_g2(log_n)
    a, b, c = _point_terms(cs, mat, n)
    nw, npub = cs.num_wires, cs.num_public
    ic_c = _combine(c, nw, lt + la + lb, kernels.g1_lincomb)
    h2 = pt.lagrange_g1(log_n + 1)
    zk = ZKey(num_wires=nw, num_public=npub, domain_size=n,
              alpha_g1=G1Point.from_bytes(pt.alpha_tau_g1(1)), beta_g1=G1Point.from_bytes(pt.beta_tau_g1(1)),
              beta_g2=G2Point.from_bytes(pt.beta_g2()), gamma_g2=G2Point.generator(),
              delta_g1=G1Point.generator(), delta_g2=G2Point.generator(),
              ic=ic_c[:64 * (npub + 1)], matrices=mat,
              a_g1=_combine(a, nw, lt, kernels.g1_lincomb),
              b_g1=_combine(list(b), nw, lt, kernels.g1_lincomb),
              b_g2=_combine(b, nw, lt2, kernels.g2_lincomb),
              c_g1=ic_c[64 * (npub + 1):],
              h_g1=b"".join(h2[64 * (2 * i + 1):64 * (2 * i + 2)] for i in range(n)))
    powers = pt.tau_g1(min(2 * n + (1 << 14), (2 << pt.power) - 1))
    exact = n - 1 <= 1 << 14 or 2 * n <= len(powers) // 64
    return ZKey(**{**zk.__dict__, "mpc": MPCParams(cs_hash(zk, powers)), "cs_hash_exact": exact})
