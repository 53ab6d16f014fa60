"""ECDSA verification (circuits.gadgets.ecdsa) on secp256k1 and P-256 against
``cryptography``: signatures it makes are accepted by the gadget and the native twin; the
edge cases (r or s = 0 or n, r or s = n - 1, high-S, a key off the curve, the point at
infinity as key or as ``u1 G + u2 Q``, a wrong hash) get the same verdict from all three
(the gadget: no witness when invalid). The witness program's ``MODDIV`` (C and Python twins)
is checked here too. The malicious-witness tests are in tests/circuits/test_forgery.py."""

from __future__ import annotations

import functools
import hashlib
import random
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from circuits import Circuit, Secret, UInt, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets.ecdsa import ecdsa_verify
from circuits.native import ecdsa as ne
from circuits.native.bigint import to_limbs
from zkp import _bn254_py
from zkp.field import R
from zkp.program import ProgramBuilder, limbs_moddiv

from .._helpers import c_twin

# 10^5-row circuits: the C pass of `make test` only (see the Makefile)
pytestmark = pytest.mark.large_circuit

CURVES = {"secp256k1": (ne.SECP256K1, ec.SECP256K1()), "P-256": (ne.P256, ec.SECP256R1())}


@functools.cache
def _circuit(name: str) -> tuple[type, Any]:
    curve = CURVES[name][0]

    class Verify(Circuit):
        qx: Secret[UInt[32], 8]
        qy: Secret[UInt[32], 8]
        z: Secret[UInt[32], 8]
        r: Secret[UInt[32], 8]
        s: Secret[UInt[32], 8]

        def define(self, api: Any) -> None:
            ecdsa_verify(api, curve, self.qx, self.qy, self.z, self.r, self.s)

    return Verify, compile(Verify)


def _gadget_accepts(name: str, q: tuple[int, int], z: int, r: int, s: int) -> bool:
    cls, cs = _circuit(name)
    limbs = lambda v: to_limbs(v % 2**256, 32, 8)  # noqa: E731
    try:
        w = cs.solve(cls(qx=limbs(q[0]), qy=limbs(q[1]), z=limbs(z), r=limbs(r), s=limbs(s)))
    except UnsatisfiedConstraintError:
        return False
    assert cs.r1cs.is_satisfied(w.values())
    return True


def _library_accepts(name: str, q: tuple[int, int], digest: bytes, r: int, s: int) -> bool:
    try:
        key = ec.EllipticCurvePublicNumbers(q[0], q[1], CURVES[name][1]).public_key()
    except ValueError:  # off the curve
        return False
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
    try:
        key.verify(encode_dss_signature(r, s), digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    except (InvalidSignature, ValueError):
        return False
    return True


def _all_three(name: str, q: tuple[int, int], digest: bytes, r: int, s: int) -> bool:
    curve = CURVES[name][0]
    z = ne.digest_int(curve, digest)
    want = _library_accepts(name, q, digest, r, s)
    assert ne.verify(curve, q, z, r, s) == want
    assert ne.windowed_verify(curve, q, z, r, s) == want
    if curve.glv is not None:
        assert ne.glv_verify(curve, q, z, r, s) == want
    assert _gadget_accepts(name, q, z, r, s) == want
    return want


def _signed(name: str, seed: int, message: bytes) -> tuple[tuple[int, int], bytes, int, int]:
    curve, lib = CURVES[name]
    key = ec.derive_private_key(random.Random(seed).randrange(1, curve.n), lib)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    nums = key.public_key().public_numbers()
    return (nums.x, nums.y), hashlib.sha256(message).digest(), r, s


@pytest.mark.parametrize("name", CURVES)
def test_signatures_cryptography_makes_are_accepted_by_all_three(name: str) -> None:
    for seed, msg in ((1, b""), (2, b"passport data groups"), (3, bytes(range(200)))):
        assert _all_three(name, *_signed(name, seed, msg))


@pytest.mark.parametrize("name", CURVES)
def test_high_s_is_accepted_and_a_wrong_hash_refused(name: str) -> None:
    n = CURVES[name][0].n
    q, digest, r, s = _signed(name, 4, b"high s")
    assert _all_three(name, q, digest, r, n - s)  # ECDSA accepts both s and n - s
    assert not _all_three(name, q, hashlib.sha256(b"high S").digest(), r, s)


@pytest.mark.parametrize("name", CURVES)
def test_r_and_s_at_the_edges_of_the_order_are_refused(name: str) -> None:
    n = CURVES[name][0].n
    q, digest, r, s = _signed(name, 5, b"edges")
    for rr, ss in ((0, s), (r, 0), (n, s), (r, n), (n - 1, s), (r, n - 1), (r + 1, s), (r, s + 1)):
        assert not _all_three(name, q, digest, rr, ss), (rr, ss)


@pytest.mark.parametrize("name", CURVES)
def test_keys_off_the_curve_and_the_point_at_infinity_are_refused(name: str) -> None:
    curve = CURVES[name][0]
    q, digest, r, s = _signed(name, 6, b"keys")
    for bad in ((q[0], (q[1] + 1) % curve.p), (0, 0), (q[0], curve.p - q[1]), (q[0] ^ 1, q[1])):
        assert not _all_three(name, bad, digest, r, s), bad


@pytest.mark.parametrize("name", CURVES)
def test_a_signature_whose_point_is_infinity_is_refused(name: str) -> None:
    """With the key ``d`` known, ``r = -z / d`` makes ``u1 G + u2 Q = O`` for every ``s``:
    the last addition ``c A + (-c A)`` has no slope, so no witness."""
    curve = CURVES[name][0]
    d = 0xDEADBEEF
    q = ne.scalar_mult(curve, d, curve.g)
    assert q is not None
    digest = hashlib.sha256(b"infinity").digest()
    z = ne.digest_int(curve, digest)
    r = -z * pow(d, -1, curve.n) % curve.n
    assert not _all_three(name, q, digest, r, 12345)


def test_the_gadget_refuses_numbers_of_the_wrong_shape() -> None:
    class Short(Circuit):
        x: Secret[UInt[32], 7]

        def define(self, api: Any) -> None:
            ecdsa_verify(api, ne.P256, self.x, self.x, self.x, self.x, self.x)

    with pytest.raises(CircuitTypeError, match="expected qx as 8 limbs of 32 bits, found 7"):
        compile(Short)


def test_the_offset_points_are_on_their_curves() -> None:
    for curve, _ in CURVES.values():
        assert ne.on_curve(curve, ne.offset_point(curve))


def test_glv_constants_and_split() -> None:
    """secp256k1's endomorphism: ``lam G = (beta Gx, Gy)``, the basis vectors are in the
    lattice with determinant ``n``; the split of edge and random scalars (0, 1, ``lam``,
    ``n - 1``, ``n``, ``2**256 - 1``, both signs of ``k2``) meets the bounds the gadget's range
    checks rely on (``0 <= k1 < 2**129``, ``|k2| < 2**128``); P-256 has none."""
    c = ne.SECP256K1
    e = c.glv
    assert e is not None and ne.P256.glv is None
    assert ne.scalar_mult(c, e.lam, c.g) == (e.beta * c.g[0] % c.p, c.g[1])
    assert (e.a1 + e.b1 * e.lam) % c.n == 0 and (e.a2 + e.b2 * e.lam) % c.n == 0
    assert e.a1 * e.b2 - e.a2 * e.b1 == c.n
    rng = random.Random(5)
    signs = set()
    for k in [0, 1, e.lam, c.n - 1, c.n, 2**256 - 1, *(rng.randrange(2**256) for _ in range(300))]:
        k1, k2 = ne.glv_split(c, k)
        assert (k1 + k2 * e.lam - k) % c.n == 0 and 0 <= k1 < 2**129 and abs(k2) < 2**128, k
        signs.add(k2 < 0)
    assert signs == {True, False}
    with pytest.raises(ValueError):
        ne.glv_split(ne.P256, 5)


# ------------------------------------------------------------ the witness program's MODDIV


@pytest.mark.parametrize("seed", range(6))
def test_moddiv_is_division_modulo_m_with_a_signed_quotient(seed: int) -> None:
    """Limbs of 128 bits, one per operand, values in (-2**120, 2**120) read signed."""
    rng = random.Random(seed)
    m = rng.choice([ne.SECP256K1.p, ne.P256.n, 7, 2**61 - 1])
    a, b, c, d, e = (rng.randrange(-2**120, 2**120) for _ in range(5))
    f = rng.choice([rng.randrange(-2**120, 2**120), 0] + ([m, -3 * m] if m < 2**120 else []))
    out = limbs_moddiv(128, *[[v % R] for v in (a, b, c, d, e, f)], to_limbs(m, 128, 2), 2, 3)
    q = out[0] + ((out[1] if out[1] < R // 2 else out[1] - R) << 128)
    x = out[2] + (out[3] << 128) + (out[4] << 256)
    n = a * b - c * d - e
    if f % m:
        assert 0 <= x < m and x * f % m == n % m and x * f + q * m == n
    else:
        assert x == 0 and q == 0


def _moddiv_program(rng: random.Random) -> tuple[Any, bytes]:
    ni = rng.randrange(1, 6)
    b = ProgramBuilder(ni)
    lcs = [b.lc({rng.randrange(ni + 1): rng.choice([1, 2, R - 1, rng.randrange(1, R)])}) for _ in range(12)]
    width = rng.choice([1, 8, 32, 64, 121, 253])
    ks = [rng.choice([0, 1, 2, 8]) for _ in range(6)] + [rng.choice([1, 2, 8])]
    kq, kr = rng.choice([(0, 1), (1, 0), (1, 1), (3, 8), (9, 9)])
    b.moddiv(ni + 1, width, [[rng.choice(lcs) for _ in range(k)] for k in ks], kq, kr)
    prog = b.build(ni + 1 + kq + kr, list(range(ni + 1 + kq + kr)))
    edges = [0, 1, 2, 3, R - 1, R // 2, R // 2 + 1, 2**32 - 1, 2**252]
    inputs = b"".join(rng.choice(edges + [rng.randrange(R)]).to_bytes(32, "big") for _ in range(ni))
    return prog, inputs


def test_moddiv_agrees_byte_for_byte_in_both_twins() -> None:
    rng = random.Random(256)
    for _ in range(300):
        prog, inputs = _moddiv_program(rng)
        got = c_twin().witness_run(prog.body, inputs, prog.hint_fns)
        assert got == _bn254_py.witness_run(prog.body, inputs, prog.hint_fns)
        assert got[0] == -1


@pytest.mark.parametrize("name", CURVES)
def test_ecdsa_solves_with_native_operations_only_and_leaves_no_wire_free(name: str) -> None:
    """No Python hint slot (MODDIV, CARRIES, DIVMOD and the program's other instructions), and
    the soundness sweep: no non-input wire can move alone (both curves: their steps differ)."""
    from ..conftest import unbound_wires

    cls, cs = _circuit(name)
    assert cs.program.hint_names == ()
    q, digest, r, s = _signed(name, 7, b"sweep")
    w = cs.solve(cls(qx=ne.limbs(q[0]), qy=ne.limbs(q[1]), z=ne.limbs(ne.digest_int(CURVES[name][0], digest)),
                     r=ne.limbs(r), s=ne.limbs(s)))
    assert unbound_wires(cs, w) == []


@pytest.mark.parametrize("name", CURVES)
def test_strict_compile_and_lint_are_clean(name: str) -> None:
    """Every hint is constrained and no check is computed and dropped (P-256: its ``a = -3``
    and its two-bit steps; secp256k1: GLV)."""
    from circuits import lint

    cls, _ = _circuit(name)
    # lint(cls) runs the static checks compile(cls, strict=True) raises on: no need for both
    assert lint(cls) == []
