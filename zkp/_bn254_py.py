"""Pure-Python BN254 kernels: the reference twin of the C extension ``zkp._bn254``.

Contract (see ``_bn254.pyi``): bytes in, bytes out, fixed-width big-endian words.

* an Fr or Fq element is 32 bytes, big-endian, canonical (< modulus);
* a G1 point is ``x || y`` (64 bytes), a G2 point ``x.c1 || x.c0 || y.c1 || y.c0``
  (128 bytes, the EIP-197 order); infinity is all zero bytes in both;
* a batch is the concatenation of its elements.

Kernels check lengths and canonical ranges of what they decode. On-curve and subgroup
membership are checked only by ``g1_validate`` / ``g2_validate``: the other kernels take
points that were validated when they entered the library.

Security: variable-time arithmetic throughout.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Callable

from . import _arith as A
from ._bn254_py_ceremony import (blake2b_update, g1_apply_key, g1_from_lem, g1_ifft, g1_lincomb,
                                 g1_to_lem, g2_apply_key, g2_from_lem, g2_ifft, g2_lincomb, g2_to_lem)
from ._bn254_py_prove import g1_msm_lem, g1_msm_lem_table, g2_msm_lem, g2_msm_lem_table, qap_h_zkey
from ._bn254_py_codec import (_count, _enc, _g1_enc, _g1_points, _g2_enc, _g2_points, _log2_size,
                              _scalars, _words)
from ._bn254_py_witness import witness_run, witness_validate
from .errors import MalformedInputError
from .field import FR_COSET_SHIFT, FR_TWO_ADICITY, fr_root_of_unity

__all__ = [
    "witness_run",
    "witness_validate",
    "fr_poseidon",
    "BACKEND",
    "set_threads",
    "set_mulx",
    "g1_validate",
    "g2_validate",
    "g1_msm",
    "g2_msm",
    "g1_batch_mul",
    "g2_batch_mul",
    "fr_batch_inverse",
    "fr_ntt",
    "fr_coset_ntt",
    "qap_odd_coset",
    "g1_from_lem",
    "g2_from_lem",
    "g1_to_lem",
    "g2_to_lem",
    "g1_apply_key",
    "g2_apply_key",
    "g1_ifft",
    "g2_ifft",
    "g1_lincomb",
    "g2_lincomb",
    "blake2b_update",
    "pairing_check",
    "qap_h_zkey",
    "g1_msm_lem",
    "g2_msm_lem",
    "g1_msm_lem_table",
    "g2_msm_lem_table",
]

BACKEND = "python"
P, R, mpz = A.P, A.R, A.mpz
_SCALAR_BITS = 254

# ---------------------------------------------------------------- encoding: zkp/_bn254_py_codec.py,
# snarkjs's encodings and the ceremony kernels: zkp/_bn254_py_ceremony.py


# ---------------------------------------------------------------- validation


def set_threads(n: int) -> None:
    """The worker threads of the batch kernels (``n >= 1``, or 0 for one per CPU), as the C
    twin takes them. This twin computes on the calling thread: it checks ``n`` and keeps
    nothing.

        >>> set_threads(2)
        >>> set_threads(-1)
        Traceback (most recent call last):
        ...
        zkp.errors.MalformedInputError: set_threads: expected an int >= 0 (0: one per CPU), found -1
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise MalformedInputError(f"set_threads: expected an int >= 0, found {type(n).__name__}")
    if n < 0:
        raise MalformedInputError(f"set_threads: expected an int >= 0 (0: one per CPU), found {n}")


def set_mulx(enabled: bool) -> bool:
    """Whether the C twin may use its BMI2/ADX product; this twin has none: it checks
    ``enabled`` and returns False (the product is not used).

        >>> set_mulx(True)
        False
        >>> set_mulx(1)
        Traceback (most recent call last):
        ...
        zkp.errors.MalformedInputError: set_mulx: expected a bool, found int
    """
    if not isinstance(enabled, bool):
        raise MalformedInputError(f"set_mulx: expected a bool, found {type(enabled).__name__}")
    return False


def g1_validate(points: bytes) -> None:
    """Raise ``MalformedInputError`` naming the first point off the curve (G1 has
    cofactor 1, so on-curve means in the group). Infinity is accepted."""
    for i, p in enumerate(_g1_points(points)):
        if p is not None and not A.g1_on_curve(*p):
            raise MalformedInputError(f"G1 point {i}: not on the curve y^2 = x^3 + 3")


def _g2_in_subgroup(x: Any, y: Any) -> bool:
    return bool(A.scalar_mul(A.G2_OPS, (x, y, A.F2_ONE), int(R))[2] == A.F2_ZERO)


def g2_validate(points: bytes) -> None:
    """Raise ``MalformedInputError`` naming the first point off the twist or outside the
    r-torsion subgroup. Infinity is accepted."""
    for i, p in enumerate(_g2_points(points)):
        if p is None:
            continue
        if not A.g2_on_curve(*p):
            raise MalformedInputError(f"G2 point {i}: not on the twist y^2 = x^3 + 3/(9+u)")
        if not _g2_in_subgroup(*p):
            raise MalformedInputError(f"G2 point {i}: on the twist but not in the r-torsion subgroup")


# ---------------------------------------------------------------- MSM and fixed base


def _window(n: int) -> int:
    """Window width minimising ceil(bits / c) * (n + 2**c) (signed digits)."""
    best, best_cost = 1, None
    for c in range(1, 17):
        cost = -(-(_SCALAR_BITS + 1) // c) * (n + (1 << c))
        if best_cost is None or cost < best_cost:
            best, best_cost = c, cost
    return best


def _signed_digits(k: int, c: int, nwin: int) -> list[int]:
    mask, half, full = (1 << c) - 1, 1 << (c - 1), 1 << c
    out = []
    for _ in range(nwin):
        d = k & mask
        k >>= c
        if d > half:
            d -= full
            k += 1
        out.append(d)
    return out


def _pippenger(ops: A.Group, neg_y: Callable[[Any], Any], pts: list[Any], ks: list[int]) -> Any:
    add, add_aff, dbl, inf, _ = ops
    pairs = [(p, k) for p, k in zip(pts, ks) if k and p is not None]
    if not pairs:
        return inf
    c = _window(len(pairs))
    nwin = -(-(_SCALAR_BITS + 1) // c)
    digits = [_signed_digits(k, c, nwin) for _, k in pairs]
    result = inf
    for w in range(nwin - 1, -1, -1):
        for _ in range(c):
            result = dbl(result)
        buckets = [inf] * ((1 << (c - 1)) + 1)
        for (p, _), ds in zip(pairs, digits):
            d = ds[w]
            if d > 0:
                buckets[d] = add_aff(buckets[d], p[0], p[1])
            elif d < 0:
                buckets[-d] = add_aff(buckets[-d], p[0], neg_y(p[1]))
        running, total = inf, inf
        for b in reversed(buckets[1:]):
            running = add(running, b)
            total = add(total, running)
        result = add(result, total)
    return result


def g1_msm(points: bytes, scalars: bytes) -> bytes:
    """Sum of ``scalars[i] * points[i]`` over G1 (Pippenger, signed digits)."""
    pts = _g1_points(points)
    ks = _scalars(scalars, len(pts), "G1 MSM scalars")
    res = _pippenger(A.G1_OPS, lambda y: (-y) % P, pts, ks)
    return _g1_enc([A.g1_to_affine(res)])


def g2_msm(points: bytes, scalars: bytes) -> bytes:
    """Sum of ``scalars[i] * points[i]`` over G2 (Pippenger, signed digits)."""
    pts = _g2_points(points)
    ks = _scalars(scalars, len(pts), "G2 MSM scalars")
    res = _pippenger(A.G2_OPS, A.f2_neg, pts, ks)
    return _g2_enc([A.g2_to_affine(res)])


def _fixed_base(ops: A.Group, to_affine: Callable[[list[Any]], list[Any]], base: Any,
                ks: list[int]) -> list[Any]:
    add, add_aff, dbl, inf, _ = ops
    if base is None:
        return [inf] * len(ks)
    c = min(_window(len(ks)), 10)
    nwin = -(-_SCALAR_BITS // c)
    jac: list[Any] = []
    start = (base[0], base[1], A.ONE if ops is A.G1_OPS else A.F2_ONE)
    for _ in range(nwin):
        row = [start]
        for _d in range(2, 1 << c):
            row.append(add(row[-1], start))
        jac.extend(row)
        for _ in range(c):
            start = dbl(start)
    flat = to_affine(jac)
    width = (1 << c) - 1
    mask = (1 << c) - 1
    out = []
    for k in ks:
        acc, off = inf, -1
        while k:
            d = k & mask
            entry = flat[off + d] if d else None
            if entry is not None:  # None: a multiple at infinity (a base of small order, unvalidated)
                acc = add_aff(acc, entry[0], entry[1])
            k >>= c
            off += width
        out.append(acc)
    return out


def _batch_mul(group: str, base: bytes, scalars: bytes) -> bytes:
    width, ops, decode, norm, enc = (
        (64, A.G1_OPS, _g1_points, A.g1_batch_to_affine, _g1_enc) if group == "G1" else
        (128, A.G2_OPS, _g2_points, A.g2_batch_to_affine, _g2_enc))
    if _count(base, width, f"{group} base") != 1:
        raise MalformedInputError(f"{group} base: expected exactly one point")
    ks = [int(k) for k in _words(scalars, R, f"{group} batch scalars")]
    return enc(norm(_fixed_base(ops, norm, decode(base)[0], ks)))


def g1_batch_mul(base: bytes, scalars: bytes) -> bytes:
    """``[k * base for k in scalars]`` as affine points (fixed-base windowed table)."""
    return _batch_mul("G1", base, scalars)


def g2_batch_mul(base: bytes, scalars: bytes) -> bytes:
    """``[k * base for k in scalars]`` as affine points (fixed-base windowed table)."""
    return _batch_mul("G2", base, scalars)


# ---------------------------------------------------------------- Fr: inversion and NTT


def fr_batch_inverse(values: bytes) -> bytes:
    """Inverses of non-zero Fr elements; a zero raises ``MalformedInputError``."""
    vals = _words(values, R, "Fr element")
    for i, v in enumerate(vals):
        if not v:
            raise MalformedInputError(f"Fr element {i}: zero has no inverse")
    return _enc(A.batch_inverse(vals, R))


def _ntt_list(a: list[Any], omega: Any) -> list[Any]:
    n = len(a)
    log_n = n.bit_length() - 1
    rev = [int(bin(i)[2:].zfill(log_n)[::-1], 2) if log_n else 0 for i in range(n)]
    a = [a[i] for i in rev]
    m = 1
    while m < n:
        w_m = pow(omega, n // (2 * m), R)
        ws = [A.ONE] * m
        for j in range(1, m):
            ws[j] = ws[j - 1] * w_m % R
        for k in range(0, n, 2 * m):
            for j in range(m):
                t = ws[j] * a[k + j + m] % R
                u = a[k + j]
                a[k + j] = (u + t) % R
                a[k + j + m] = (u - t) % R
        m *= 2
    return a


def _ntt(a: list[Any], inverse: bool) -> list[Any]:
    log_n = _log2_size(len(a))
    omega = mpz(fr_root_of_unity(log_n))
    if not inverse:
        return _ntt_list(a, omega)
    out = _ntt_list(a, pow(omega, -1, R) if log_n else omega)
    n_inv = pow(mpz(len(a)), -1, R)
    return [v * n_inv % R for v in out]


def _scale_powers(a: list[Any], g: Any) -> list[Any]:
    out, acc = [], A.ONE
    for v in a:
        out.append(v * acc % R)
        acc = acc * g % R
    return out


def fr_ntt(values: bytes, inverse: bool = False) -> bytes:
    """Evaluations on the 2^k-th roots of unity (or coefficients, with ``inverse``)."""
    return _enc(_ntt(_words(values, R, "Fr element"), inverse))


def _coset(a: list[Any], inverse: bool) -> list[Any]:
    _log2_size(len(a))
    g = mpz(FR_COSET_SHIFT)
    if not inverse:
        return _ntt(_scale_powers(a, g), False)
    return _scale_powers(_ntt(a, True), pow(g, -1, R))


def fr_coset_ntt(values: bytes, inverse: bool = False) -> bytes:
    """Like :func:`fr_ntt` on the coset ``FR_COSET_SHIFT * H``."""
    return _enc(_coset(_words(values, R, "Fr element"), inverse))


def qap_odd_coset(a: bytes, b: bytes, c: bytes) -> bytes:
    """``A*B - C`` on the coset ``g*H`` (``g`` a primitive 2n-th root of unity: the odd
    powers of it) from the evaluations of A, B, C on the domain H of size n: the scalars of
    snarkjs's H basis ``[L^(2n)_(2i+1)(tau) / delta]``."""
    ea, eb, ec = (_words(x, R, "QAP evaluation") for x in (a, b, c))
    n = len(ea)
    if len(eb) != n or len(ec) != n:
        raise MalformedInputError(f"qap_odd_coset: expected three vectors of one length, found {n}, {len(eb)}, {len(ec)}")
    log_n = _log2_size(n)
    if log_n >= FR_TWO_ADICITY:
        raise MalformedInputError(f"qap_odd_coset: the domain 2^{log_n} has no 2n-th root of unity")
    g = mpz(fr_root_of_unity(log_n + 1))
    ca, cb, cc = (_ntt(_scale_powers(_ntt(x, True), g), False) for x in (ea, eb, ec))
    return _enc([(x * y - z) % R for x, y, z in zip(ca, cb, cc)])


# ---------------------------------------------------------------- pairing


def pairing_check(g1: bytes, g2: bytes) -> bool:
    """True iff the product of e(g1[i], g2[i]) is 1 in GT. One final exponentiation over
    the product of the Miller loops (py_ecc's loop; the C twin has its own)."""
    p1 = _g1_points(g1, "pairing G1 point")
    p2 = _g2_points(g2, "pairing G2 point")
    if len(p1) != len(p2):
        raise MalformedInputError(f"pairing_check: {len(p1)} G1 points but {len(p2)} G2 points")
    from py_ecc.fields import optimized_bn128_FQ as FQ
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.fields import optimized_bn128_FQ12 as FQ12
    from py_ecc.optimized_bn128 import optimized_pairing as op  # type: ignore[attr-defined,unused-ignore]

    f = FQ12.one()
    for a, b in zip(p1, p2):
        if a is None or b is None:
            continue
        q = (FQ2([int(b[0][0]), int(b[0][1])]), FQ2([int(b[1][0]), int(b[1][1])]), FQ2.one())
        pt = (FQ(int(a[0])), FQ(int(a[1])), FQ.one())
        f = f * op.miller_loop(op.twist(q), op.cast_point_to_fq12(pt),  # type: ignore[attr-defined]
                               final_exponentiate=False)
    return bool(op.final_exponentiate(f) == FQ12.one())


def _poseidon_shape(rc: list[Any], mds: list[Any], full_rounds: int, n_state_words: int) -> tuple[int, int]:
    t = int(round(len(mds) ** 0.5))
    if not 2 <= t <= 17 or t * t != len(mds):
        raise MalformedInputError(f"poseidon: the MDS matrix must be t x t with 2 <= t <= 17, found {len(mds)} elements")
    if isinstance(full_rounds, bool) or not isinstance(full_rounds, int) or full_rounds < 0 or full_rounds % 2:
        raise MalformedInputError(f"poseidon: full_rounds must be an even int >= 0, found {full_rounds!r}")
    if len(rc) % t or len(rc) // t < full_rounds:
        raise MalformedInputError(f"poseidon: {len(rc)} round constants for width {t} and {full_rounds} full rounds")
    if n_state_words % t:
        raise MalformedInputError(f"poseidon: {n_state_words} state elements is not a multiple of the width {t}")
    return t, len(rc) // t - full_rounds


def fr_poseidon(round_constants: bytes, mds: bytes, full_rounds: int, states: bytes) -> bytes:
    """The Poseidon permutation (x^5 S-box) of each width-t state in ``states``; ``mds`` is
    the t x t matrix row by row, ``round_constants`` t per round; the partial rounds are the
    rounds beyond ``full_rounds``, half of which come first."""
    rc = [int(v) for v in _words(round_constants, R, "round constant")]
    m = [int(v) for v in _words(mds, R, "MDS entry")]
    xs = [int(v) for v in _words(states, R, "state element")]
    t, partial = _poseidon_shape(rc, m, full_rounds, len(xs))
    rows = [m[i * t:(i + 1) * t] for i in range(t)]
    half = full_rounds // 2
    out: list[int] = []
    for off in range(0, len(xs), t):
        st = xs[off:off + t]
        for r in range(full_rounds + partial):
            st = [(v + rc[r * t + i]) % R for i, v in enumerate(st)]
            if r < half or r >= half + partial:
                st = [pow(v, 5, R) for v in st]
            else:
                st[0] = pow(st[0], 5, R)
            st = [sum(a * b for a, b in zip(row, st)) % R for row in rows]
        out.extend(st)
    return _enc(out)
