"""The C twin equals the Python twin byte for byte, and both refuse the same bad input.

`make test` builds the extension with ZKP_REQUIRE_C=1 and runs the suite twice (C, then
ZKP_PURE_PYTHON=1); here a missing C build fails instead of silently testing Python twice.
"""

from __future__ import annotations

import os
import random
import struct
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zkp
from zkp import _bn254_py as PY
from zkp.curve import G1Point, G2Point
from zkp.errors import MalformedInputError
from zkp.field import P, R

from .._helpers import c_twin


def _c() -> ModuleType:
    return c_twin()  # type: ignore[no-any-return]


def test_backend_info_reports_the_active_twin() -> None:
    info = zkp.backend_info()
    forced = os.environ.get("ZKP_PURE_PYTHON", "") not in ("", "0")
    if forced:
        assert info["backend"] == "python" and "forced" in info["reason"]
    elif os.environ.get("ZKP_REQUIRE_C") == "1":
        assert info["backend"] == "c"
    assert set(_c().__dict__) >= {n for n in PY.__all__}


G1, G2 = G1Point.generator(), G2Point.generator()
EDGE = [0, 1, 2, R - 1, R - 2, (R - 1) // 2]
scalar = st.one_of(st.sampled_from(EDGE), st.integers(0, R - 1))


def enc(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "big") for v in values)


class _Refused:
    """What :func:`same` returns when both twins raised ``MalformedInputError`` (never None,
    which a kernel such as ``g2_validate`` returns on success)."""

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED = _Refused()


def same(fn: str, *args: Any, status_only: bool = False) -> Any:
    """Call both twins; they must return equal results or both raise MalformedInputError.
    Returns the common result, or :data:`REFUSED` when both raised (with ``status_only``,
    only whether they raise must agree, and an accepted call returns None)."""
    outs = []
    for K in (PY, _c()):
        try:
            result = getattr(K, fn)(*args)
            outs.append(("ok", None if status_only else result))
        except MalformedInputError:
            outs.append(("error", REFUSED))
    assert outs[0] == outs[1], (fn, outs)
    return outs[0][1]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), scalar), max_size=24))
def test_msm_c_equals_python(terms: list[tuple[int, int]]) -> None:
    pts = b"".join((G1 * i).to_bytes() for i, _ in terms)
    same("g1_msm", pts, enc([k for _, k in terms]))


@settings(max_examples=6, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), scalar), max_size=6))
def test_g2_msm_and_batch_c_equals_python(terms: list[tuple[int, int]]) -> None:
    pts = b"".join((G2 * i).to_bytes() for i, _ in terms)
    ks = enc([k for _, k in terms])
    same("g2_msm", pts, ks)
    same("g2_batch_mul", (G2 * 7).to_bytes(), ks)
    same("g1_batch_mul", (G1 * 7).to_bytes(), ks)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 6), st.data())
def test_ntt_and_h_c_equal_python(log_n: int, data: st.DataObject) -> None:
    n = 1 << log_n
    vals = [enc(data.draw(st.lists(scalar, min_size=n, max_size=n))) for _ in range(3)]
    for inverse in (False, True):
        same("fr_ntt", vals[0], inverse)
        same("fr_coset_ntt", vals[0], inverse)
    same("qap_odd_coset", *vals)
    same("fr_batch_inverse", vals[1])


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 4), scalar, scalar, st.data())
def test_ceremony_kernels_c_equal_python(log_n: int, first: int, inc: int, data: st.DataObject) -> None:
    n = 1 << log_n
    ks = enc(data.draw(st.lists(scalar, min_size=n, max_size=n)))
    g1 = PY.g1_batch_mul(G1.to_bytes(), ks)
    g2 = PY.g2_batch_mul(G2.to_bytes(), ks[:32 * min(n, 4)])
    for name, arg in (("g1", g1), ("g2", g2)):
        same(f"{name}_apply_key", arg, enc([first]), enc([inc]))
        rows = data.draw(st.lists(st.integers(0, n - 1), max_size=6))
        cut = data.draw(st.integers(0, len(rows)))
        ptr = struct.pack("<3I", 0, cut, len(rows))
        same(f"{name}_lincomb", arg, ptr, struct.pack(f"<{len(rows)}I", *rows), enc([first, inc, 1, R - 1, 0, 2][:len(rows)]))
        same(f"{name}_ifft", arg)
        assert same(f"{name}_from_lem", same(f"{name}_to_lem", arg)) == arg


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=600), st.binary(max_size=600))
def test_blake2b_state_c_equals_python(a: bytes, b: bytes) -> None:
    from zkp._blake2b import Blake2b

    assert same("blake2b_update", same("blake2b_update", Blake2b().partial(), a), b)


def test_large_msm_c_equals_python() -> None:
    rnd = random.Random(5)
    n = 600  # windows wide enough for several threads
    pts = PY.g1_batch_mul(G1.to_bytes(), enc([rnd.randrange(1, R) for _ in range(n)]))
    ks = enc([rnd.choice([0, 1, R - 1, rnd.randrange(R)]) for _ in range(n)])
    assert same("g1_msm", pts, ks) != bytes(64)


def test_pairing_c_equals_python() -> None:
    rnd = random.Random(9)
    for _ in range(3):
        a, b = rnd.randrange(1, R), rnd.randrange(1, R)
        g1 = (G1 * a).to_bytes() + (-(G1 * (a * b % R))).to_bytes()
        g2 = (G2 * b).to_bytes() + G2.to_bytes()
        assert same("pairing_check", g1, g2) is True
        assert same("pairing_check", g1, g2[:128] + (G2 * 2).to_bytes()) is False


@pytest.mark.parametrize("bad", [P.to_bytes(32, "big") + bytes(32), bytes(63), (1).to_bytes(64, "big")])
def test_bad_points_same_errors(bad: bytes) -> None:
    assert same("g1_validate", bad) is REFUSED
    same("g1_msm", bad, enc([1]) if len(bad) == 64 else b"")  # MSM checks encodings, not the curve


def test_fast_g2_subgroup_check_matches_multiplication_by_r() -> None:
    """The C twin checks membership with the psi endomorphism, the Python twin with [r]Q:
    they must agree on points inside and outside the subgroup."""
    from zkp import _arith as A

    from .._helpers import twist_point_outside_subgroup

    h = 21888242871839275222246405745257275088844257914179612981679871602714643921549  # 2p - r
    for seed in range(1, 25, 3):
        x, y = twist_point_outside_subgroup(seed)
        raw = b"".join(v.to_bytes(32, "big") for v in (x[1], x[0], y[1], y[0]))
        assert same("g2_validate", raw) is REFUSED  # outside the subgroup
        jac = ((A.mpz(x[0]), A.mpz(x[1])), (A.mpz(y[0]), A.mpz(y[1])), A.F2_ONE)
        cleared = A.g2_to_affine(A.scalar_mul(A.G2_OPS, jac, h))
        if cleared is None:
            continue
        (c0, c1), (d0, d1) = cleared
        good = b"".join(int(v).to_bytes(32, "big") for v in (c1, c0, d1, d0))
        assert same("g2_validate", good) is None  # cofactor-cleared: both accept (return None)


@pytest.mark.parametrize("n", [31, 32, 33, 200])
def test_glv_split_msm_edges(n: int) -> None:
    """The C twin splits G1 scalars with the GLV endomorphism from 32 points on: scalars
    near 0, r - 1, lambda-multiples and repeated points must sum as in Python."""
    lam = 4407920970296243842393367215006156084916469457145843978461
    rnd = random.Random(n)
    special = [0, 1, R - 1, lam, R - lam, lam * lam % R, (1 << 127), (1 << 128) - 1, R >> 1]
    ks = [special[i % len(special)] if i % 3 else rnd.randrange(R) for i in range(n)]
    pts = b"".join((G1 * (1 + i % 5)).to_bytes() for i in range(n))
    same("g1_msm", pts, enc(ks))


def test_fallback_multiplication_equals_mulx() -> None:
    """CPUs without BMI2/ADX take the intrinsic and portable products: run them (ZKP_NO_MULX=1
    in a child process) and compare MSM, NTT, h(x) and pairing outputs byte for byte."""
    import subprocess
    import sys

    K = _c()
    rnd = random.Random(7)
    n = 300
    pts = K.g1_batch_mul(G1.to_bytes(), enc([rnd.randrange(1, R) for _ in range(n)]))
    pts2 = K.g2_batch_mul(G2.to_bytes(), enc([rnd.randrange(1, R) for _ in range(8)]))
    ks = enc([rnd.randrange(R) for _ in range(n)])
    vals = enc([rnd.randrange(R) for _ in range(256)])
    g1s = K.g1_batch_mul(G1.to_bytes(), enc([3, R - 3]))
    g2s = K.g2_batch_mul(G2.to_bytes(), enc([5, 5]))
    script = (
        "import sys, zkp._bn254 as K\n"
        "pts, pts2, ks, vals, g1s, g2s = (bytes.fromhex(x) for x in sys.stdin.read().split())\n"
        "out = [K.g1_msm(pts, ks), K.g2_msm(pts2, ks[:256]), K.fr_ntt(vals), K.fr_coset_ntt(vals, True),"
        " K.qap_odd_coset(vals, vals[32:] + vals[:32], vals), K.g1_batch_mul(pts[:64], ks[:2048])]\n"
        "print(' '.join(o.hex() for o in out), K.pairing_check(g1s, g2s))\n"
    )
    env = {**os.environ, "ZKP_NO_MULX": "1"}
    child = subprocess.run(
        [sys.executable, "-c", script], input=" ".join(x.hex() for x in (pts, pts2, ks, vals, g1s, g2s)),
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )
    *outs, paired = child.stdout.split()
    mine = [K.g1_msm(pts, ks), K.g2_msm(pts2, ks[:256]), K.fr_ntt(vals), K.fr_coset_ntt(vals, True),
            K.qap_odd_coset(vals, vals[32:] + vals[:32], vals), K.g1_batch_mul(pts[:64], ks[:2048])]
    assert [bytes.fromhex(o) for o in outs] == mine
    assert paired == str(K.pairing_check(g1s, g2s)) == "True"


def test_poseidon_kernel_c_equals_python_and_refuses_bad_shapes() -> None:
    from circuits.native.poseidon import FULL_ROUNDS, _encoded

    rng = random.Random(17)
    for t in (2, 3, 5, 17):
        rc, mds = _encoded(t)
        states = enc([rng.choice([0, 1, R - 1, rng.randrange(R)]) for _ in range(t * 3)])
        same("fr_poseidon", rc, mds, FULL_ROUNDS, states)
        same("fr_poseidon", rc, mds, FULL_ROUNDS, b"")
    rc, mds = _encoded(3)
    bad = [
        (rc, mds[:-32], FULL_ROUNDS, enc([1, 2, 3])),   # MDS not square
        (rc[:-32], mds, FULL_ROUNDS, enc([1, 2, 3])),   # constants not a multiple of t
        (rc, mds, 7, enc([1, 2, 3])),                   # odd full rounds
        (rc, mds, -2, enc([1, 2, 3])),
        (rc, mds, 1000, enc([1, 2, 3])),                # more full rounds than constants
        (rc, mds, FULL_ROUNDS, enc([1, 2])),            # state not a multiple of t
        (rc, mds, FULL_ROUNDS, enc([1, 2, R])),         # element >= r
        (rc, mds, FULL_ROUNDS, b"\x00" * 33),
    ]
    for args in bad:
        for K in (PY, _c()):
            with pytest.raises(MalformedInputError):
                K.fr_poseidon(*args)
