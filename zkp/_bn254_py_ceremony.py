"""Pure-Python twins of the ceremony kernels (re-exported by ``zkp._bn254_py``):
snarkjs's point encoding (LEM), apply-key, the group inverse FFT, sparse combinations and
BLAKE2b on snarkjs's resumable state. Contract: ``zkp/_bn254.pyi``."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from . import _arith as A
from ._bn254_py_codec import _count, _g1_enc, _g1_points, _g2_enc, _g2_points, _log2_size, _scalars, _words
from .errors import MalformedInputError
from .field import fr_root_of_unity

P, R, mpz = A.P, A.R, A.mpz


# ---------------------------------------------------------------- snarkjs encodings (LEM)

_RINV_P = pow(mpz(2) ** 256, -1, P)
_R_P = mpz(2) ** 256 % P


def _from_lem(buf: bytes, width: int, what: str) -> list[list[Any] | None]:
    """LEM points (little-endian Montgomery coordinates, infinity all zero) as lists of
    canonical coordinates in file order."""
    n = _count(buf, width, what + " (LEM)")
    mv = memoryview(buf)
    out: list[list[Any] | None] = []
    for i in range(n):
        chunk = mv[width * i : width * (i + 1)]
        if not any(chunk):
            out.append(None)
            continue
        raw = [int.from_bytes(chunk[k : k + 32], "little") for k in range(0, width, 32)]
        if any(v >= P for v in raw):
            raise MalformedInputError(f"{what} {i}: expected coordinates < p, found one >= p")
        out.append([mpz(v) * _RINV_P % P for v in raw])
    return out


def g1_from_lem(points: bytes) -> bytes:
    """snarkjs's G1 encoding (LEM) to ours, checking coordinates < p and the curve."""
    out: list[tuple[Any, Any] | None] = []
    for i, c in enumerate(_from_lem(points, 64, "G1 point")):
        if c is not None and not A.g1_on_curve(c[0], c[1]):
            raise MalformedInputError(f"G1 point {i}: not on the curve y^2 = x^3 + 3")
        out.append(None if c is None else (c[0], c[1]))
    return _g1_enc(out)


def g2_from_lem(points: bytes) -> bytes:
    """snarkjs's G2 encoding (LEM: x.c0 x.c1 y.c0 y.c1) to ours, checking coordinates < p
    and the twist (not the subgroup)."""
    out: list[tuple[Any, Any] | None] = []
    for i, c in enumerate(_from_lem(points, 128, "G2 point")):
        if c is None:
            out.append(None)
            continue
        x, y = (c[0], c[1]), (c[2], c[3])
        if not A.g2_on_curve(x, y):
            raise MalformedInputError(f"G2 point {i}: not on the twist y^2 = x^3 + 3/(9+u)")
        out.append((x, y))
    return _g2_enc(out)


def _lem(values: Sequence[Any]) -> bytes:
    return b"".join(int(mpz(v) * _R_P % P).to_bytes(32, "little") for v in values)


def g1_to_lem(points: bytes) -> bytes:
    """Our G1 encoding to snarkjs's (LEM)."""
    return b"".join(bytes(64) if p is None else _lem(p) for p in _g1_points(points))


def g2_to_lem(points: bytes) -> bytes:
    """Our G2 encoding to snarkjs's (LEM)."""
    return b"".join(bytes(128) if p is None else _lem((*p[0], *p[1])) for p in _g2_points(points))


# ---------------------------------------------------------------- ceremony kernels


def _group(group: str) -> tuple[A.Group, Callable[[bytes, str], list[Any]], Callable[[list[Any]], list[Any]], Callable[[Sequence[Any]], bytes], Any]:
    if group == "G1":
        return A.G1_OPS, _g1_points, A.g1_batch_to_affine, _g1_enc, A.ONE
    return A.G2_OPS, _g2_points, A.g2_batch_to_affine, _g2_enc, A.F2_ONE


def _mul_each(group: str, points: bytes, ks: Sequence[Any]) -> bytes:
    ops, decode, to_affine, encode, one = _group(group)
    pts = decode(points, f"{group} point")
    jac = [ops[3] if p is None else A.scalar_mul(ops, (p[0], p[1], one), int(k)) for p, k in zip(pts, ks)]
    return encode(to_affine(jac))


def _apply_key(group: str, points: bytes, first: bytes, inc: bytes) -> bytes:
    n = _count(points, 64 if group == "G1" else 128, f"{group} point")
    f = _scalars(first, 1, f"{group} apply_key first")[0]
    step = _scalars(inc, 1, f"{group} apply_key inc")[0]
    ks, cur = [], mpz(f)
    for _ in range(n):
        ks.append(cur)
        cur = cur * step % R
    return _mul_each(group, points, ks)


def g1_apply_key(points: bytes, first: bytes, inc: bytes) -> bytes:
    """Point ``i`` times ``first * inc**i`` (snarkjs's batchApplyKey)."""
    return _apply_key("G1", points, first, inc)


def g2_apply_key(points: bytes, first: bytes, inc: bytes) -> bytes:
    """Point ``i`` times ``first * inc**i`` (snarkjs's batchApplyKey)."""
    return _apply_key("G2", points, first, inc)


def _ifft(group: str, points: bytes) -> bytes:
    ops, decode, to_affine, encode, one = _group(group)
    add, _, _, inf, neg = ops
    pts = decode(points, f"{group} point")
    log_n = _log2_size(len(pts))
    n = len(pts)
    w = pow(mpz(fr_root_of_unity(log_n)), -1, R)
    a = [inf if p is None else (p[0], p[1], one) for p in pts]
    j = 0
    for i in range(1, n):  # bit-reversal permutation, then radix-2 butterflies
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j ^= bit
        if i < j:
            a[i], a[j] = a[j], a[i]
    m = 1
    while m < n:
        wm = pow(w, n // (2 * m), R)
        for k in range(0, n, 2 * m):
            tw = mpz(1)
            for t in range(m):
                u, v = a[k + t], a[k + t + m]
                if t:
                    v = A.scalar_mul(ops, v, int(tw))
                a[k + t], a[k + t + m] = add(u, v), add(u, neg(v))
                tw = tw * wm % R
        m *= 2
    ninv = int(pow(mpz(n), -1, R))
    return encode(to_affine([A.scalar_mul(ops, p, ninv) for p in a]))


def _lincomb(group: str, bases: bytes, indptr: bytes, indices: bytes, scalars: bytes) -> bytes:
    ops, decode, to_affine, encode, one = _group(group)
    pts = decode(bases, f"{group} point")
    ks = [int(k) for k in _words(scalars, R, f"{group} lincomb scalars")]
    if len(indptr) % 4 or len(indptr) < 4 or len(indices) % 4:
        raise MalformedInputError("lincomb: offsets and indices must be u32 arrays")
    ptr = list(memoryview(bytes(indptr)).cast("I"))
    idx = list(memoryview(bytes(indices)).cast("I"))
    if ptr[0] != 0 or ptr[-1] != len(idx) or len(idx) != len(ks):
        raise MalformedInputError(f"lincomb: offsets must run from 0 to {len(idx)} (the number of "
                                  f"indices and scalars, {len(ks)})")
    for r in range(len(ptr) - 1):
        if ptr[r + 1] < ptr[r]:
            raise MalformedInputError(f"lincomb: offset {r + 1} decreases")
    for t, i in enumerate(idx):
        if i >= len(pts):
            raise MalformedInputError(f"lincomb: index {t} names point {i} of {len(pts)}")
    add, inf = ops[0], ops[3]
    out = []
    for r in range(len(ptr) - 1):
        acc = inf
        for t in range(ptr[r], ptr[r + 1]):
            p = pts[idx[t]]
            if p is not None and ks[t]:
                acc = add(acc, A.scalar_mul(ops, (p[0], p[1], one), ks[t]))
        out.append(acc)
    return encode(to_affine(out))


def blake2b_update(state: bytes, data: bytes) -> bytes:
    """BLAKE2b-512 on snarkjs's resumable 216-byte state (see ``zkp._blake2b``)."""
    from ._blake2b import update_state

    return update_state(state, data)


def g1_lincomb(bases: bytes, indptr: bytes, indices: bytes, scalars: bytes) -> bytes:
    """Row ``r``: the sum of ``scalars[t] * bases[indices[t]]`` over ``t`` in
    ``indptr[r] .. indptr[r + 1]`` (offsets and indices little-endian u32)."""
    return _lincomb("G1", bases, indptr, indices, scalars)


def g2_lincomb(bases: bytes, indptr: bytes, indices: bytes, scalars: bytes) -> bytes:
    """Like :func:`g1_lincomb` over G2."""
    return _lincomb("G2", bases, indptr, indices, scalars)


def g1_ifft(points: bytes) -> bytes:
    """The inverse FFT of G1 points: ``[tau^j]_1`` to the Lagrange basis ``[L_i(tau)]_1``."""
    return _ifft("G1", points)


def g2_ifft(points: bytes) -> bytes:
    """The inverse FFT of G2 points: ``[tau^j]_2`` to the Lagrange basis ``[L_i(tau)]_2``."""
    return _ifft("G2", points)
