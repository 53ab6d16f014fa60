"""Baby Jubjub and EdDSA-Poseidon: native and in circuit, against circomlibjs."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import assert_on_curve, eddsa_poseidon_verify, edwards_add, mul_any, mul_fixed
from circuits.native import babyjub as bj
from circuits.native.blake512 import blake512
from circuits.native.eddsa import PrivateKey, Signature, verify

from zkp.field import R

from ..conftest import ROOT, circomlibjs


class Signed(Circuit):
    ax: Public[Field]
    ay: Public[Field]
    msg: Public[Field]
    r8x: Secret[Field]
    r8y: Secret[Field]
    s: Secret[Field]

    def define(self, api: Any) -> None:
        eddsa_poseidon_verify(api, (self.ax, self.ay), (self.r8x, self.r8y), self.s, self.msg)


@pytest.fixture(scope="module")
def signed() -> Any:
    return compile(Signed)


def _assign(pub: bj.Point, msg: int, sig: Signature) -> Signed:
    return Signed(ax=pub[0], ay=pub[1], msg=msg, r8x=sig.R8[0], r8y=sig.R8[1], s=sig.S)


# ---------------------------------------------------------------- native

@pytest.mark.interop
def test_blake512_equals_blake_hash() -> None:
    rng = random.Random(2)
    msgs = [bytes(rng.randrange(256) for _ in range(n)) for n in (0, 1, 32, 64, 110, 111, 112, 127, 128, 129, 239, 240, 300)]
    out = circomlibjs(
        "const path = require('path');\n"
        "const blake = require(" + json.dumps(str(ROOT / "node_modules" / "blake-hash")) + ");\n"
        "console.log(JSON.stringify(input.map(h => blake('blake512').update(Buffer.from(h, 'hex')).digest('hex'))));",
        [m.hex() for m in msgs])
    assert [blake512(m).hex() for m in msgs] == out


@pytest.mark.interop
def test_keys_and_signatures_equal_circomlibjs_and_cross_verify() -> None:
    rng = random.Random(3)
    cases = [(bytes(rng.randrange(256) for _ in range(32)), rng.randrange(bj.SUBORDER)) for _ in range(4)]
    out = circomlibjs(
        "const e = await lib.buildEddsa(); const F = e.babyJub.F;\n"
        "const res = input.cases.map(([prv, msg]) => {\n"
        "  const key = Buffer.from(prv, 'hex'); const A = e.prv2pub(key);\n"
        "  const s = e.signPoseidon(key, F.e(msg));\n"
        "  return [F.toString(A[0]), F.toString(A[1]), F.toString(s.R8[0]), F.toString(s.R8[1]), s.S.toString()];\n"
        "});\n"
        "const ours = input.ours.map(([ax, ay, msg, rx, ry, S]) => e.verifyPoseidon(F.e(msg),\n"
        "  {R8: [F.e(rx), F.e(ry)], S: BigInt(S)}, [F.e(ax), F.e(ay)]));\n"
        "console.log(JSON.stringify({res, ours}));",
        {"cases": [[k.hex(), str(m)] for k, m in cases],
         "ours": [[str(v) for v in (*PrivateKey(k).public_key, m, *PrivateKey(k).sign(m).R8, PrivateKey(k).sign(m).S)]
                  for k, m in cases] + [[str(v) for v in (*PrivateKey(cases[0][0]).public_key, cases[0][1] + 1,
                                                          *PrivateKey(cases[0][0]).sign(cases[0][1]).R8,
                                                          PrivateKey(cases[0][0]).sign(cases[0][1]).S)]]})
    for (key, msg), theirs in zip(cases, out["res"]):
        k = PrivateKey(key)
        sig = k.sign(msg)
        assert [str(v) for v in (*k.public_key, *sig.R8, sig.S)] == theirs
        assert verify(k.public_key, msg, Signature((int(theirs[2]), int(theirs[3])), int(theirs[4])))
    assert out["ours"] == [True] * len(cases) + [False]


def test_native_verify_refuses_tampering() -> None:
    k = PrivateKey(b"k")
    sig = k.sign(5)
    assert verify(k.public_key, 5, sig)
    assert not verify(k.public_key, 6, sig)
    assert not verify(k.public_key, 5, Signature(sig.R8, sig.S + bj.SUBORDER))  # malleated S
    assert not verify(k.public_key, 5, Signature(sig.R8, (sig.S + 1) % bj.SUBORDER))
    assert not verify(PrivateKey(b"other").public_key, 5, sig)
    assert not verify((1, 2), 5, sig)  # off the curve
    with pytest.raises(CircuitTypeError):
        k.sign(-1)
    with pytest.raises(CircuitTypeError):
        PrivateKey(b"")
    with pytest.raises(CircuitTypeError):
        bj.unpack(b"\xff" * 32)
    assert bj.unpack(bj.pack(k.public_key)) == k.public_key


# ---------------------------------------------------------------- in circuit

@pytest.mark.interop
def test_circomlibjs_signatures_verify_in_circuit(signed: Any) -> None:
    out = circomlibjs(
        "const e = await lib.buildEddsa(); const F = e.babyJub.F;\n"
        "const key = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');\n"
        "const A = e.prv2pub(key); const s = e.signPoseidon(key, F.e(987654321));\n"
        "console.log(JSON.stringify([A, s.R8].flat().map(x => F.toString(x)).concat([s.S.toString()])));", None)
    ax, ay, rx, ry, s = (int(v) for v in out)
    w = signed.solve(Signed(ax=ax, ay=ay, msg=987654321, r8x=rx, r8y=ry, s=s))
    assert signed.r1cs.is_satisfied(w.values())


def test_circuit_accepts_valid_and_refuses_forged_signatures(signed: Any) -> None:
    assert signed.r1cs.num_constraints <= 4217  # circomlib's EdDSAPoseidonVerifier at circom --O2
    k = PrivateKey(b"issuer")
    sig = k.sign(77)
    signed.solve(_assign(k.public_key, 77, sig))
    other = PrivateKey(b"someone else")
    forged = [
        (k.public_key, 78, sig),
        (k.public_key, 77, Signature(sig.R8, (sig.S + 1) % bj.SUBORDER)),
        (k.public_key, 77, Signature(sig.R8, sig.S + bj.SUBORDER)),  # the second encoding of S
        (k.public_key, 77, Signature(bj.add(sig.R8, bj.BASE8), sig.S)),
        (other.public_key, 77, sig),
        (bj.IDENTITY, 77, sig),  # low-order keys have no witness
        (bj.low_order_offset(), 77, sig),
        ((0, R - 1), 77, sig),  # the point of order 2
    ]
    for pub, msg, sg in forged:
        with pytest.raises(UnsatisfiedConstraintError):
            signed.solve(_assign(pub, msg, sg))


def test_point_gadgets_equal_native() -> None:
    rng = random.Random(8)
    n = 16

    class Ops(Circuit):
        p: Secret[Field, 2]
        q: Secret[Field, 2]
        k: Secret[Bool, n]
        out: Public[Field, 6]

        def define(self, api: Any) -> None:
            assert_on_curve(api, tuple(self.p))
            s = edwards_add(api, tuple(self.p), tuple(self.q))
            f = mul_fixed(api, list(self.k), bj.BASE8)
            m = mul_any(api, list(self.k), tuple(self.p))
            for i, v in enumerate((*s, *f, *m)):
                api.assert_equal(v, self.out[i])

    cs = compile(Ops)
    for _ in range(4):
        p = bj.mul(bj.BASE8, rng.randrange(1, bj.SUBORDER))
        q = bj.mul(bj.BASE8, rng.randrange(1, bj.SUBORDER))
        k = rng.randrange(1 << n)
        expect = [*bj.add(p, q), *bj.mul(bj.BASE8, k), *bj.mul(p, k)]
        cs.solve(Ops(p=list(p), q=list(q), k=[(k >> i) & 1 for i in range(n)], out=expect))
        expect[0] = (expect[0] + 1) % R
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(Ops(p=list(p), q=list(q), k=[(k >> i) & 1 for i in range(n)], out=expect))
    with pytest.raises(UnsatisfiedConstraintError):  # off the curve
        cs.solve(Ops(p=[1, 2], q=list(q), k=[0] * n, out=[0] * 6))


class MaybeSigned(Circuit):
    enabled: Public[Field]
    ax: Public[Field]
    ay: Public[Field]
    msg: Public[Field]
    r8x: Secret[Field]
    r8y: Secret[Field]
    s: Secret[Field]

    def define(self, api: Any) -> None:
        eddsa_poseidon_verify(api, (self.ax, self.ay), (self.r8x, self.r8y), self.s, self.msg,
                              enabled=self.enabled)


def test_enabled_switches_the_check_off_for_any_inputs(signed: Any) -> None:
    from ..conftest import assert_internal_wires_bound

    cs = compile(MaybeSigned)
    assert cs.r1cs.num_constraints <= signed.r1cs.num_constraints + 8 + 1  # + the Bool on enabled
    k = PrivateKey(b"issuer")
    sig = k.sign(5)
    good = dict(ax=k.public_key[0], ay=k.public_key[1], msg=5, r8x=sig.R8[0], r8y=sig.R8[1], s=sig.S)
    for en in (0, 1):
        w = cs.solve(MaybeSigned(enabled=en, **good))
        assert_internal_wires_bound(cs, w)  # the stand-in leaves nothing free when off
    rng = random.Random(4)
    junk = [dict(ax=0, ay=0, msg=0, r8x=0, r8y=0, s=0),
            dict(ax=0, ay=1, msg=1, r8x=0, r8y=1, s=R - 1),  # no Montgomery form, S >= l
            {n: rng.randrange(R) for n in good}, {**good, "msg": 6}]
    for inputs in junk:
        cs.solve(MaybeSigned(enabled=0, **inputs))
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(MaybeSigned(enabled=1, **inputs))
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(MaybeSigned(enabled=2, **good))
    class Off(Circuit):  # a constant 0 compiles to nothing
        x: Secret[Field]

        def define(self, api: Any) -> None:
            eddsa_poseidon_verify(api, (self.x, self.x), (self.x, self.x), self.x, self.x, enabled=0)
            api.assert_equal(self.x, self.x * self.x)
    assert compile(Off).r1cs.num_constraints == 1


def test_scalar_multiplication_in_extended_coordinates_equals_the_affine_law() -> None:
    """babyjub.mul (extended coordinates, one inversion) against double-and-add with the
    affine addition, for scalars crossing the orders and random points of both groups."""
    import random

    from circuits.native import babyjub as bj

    def affine(p: bj.Point, k: int) -> bj.Point:
        acc, base = bj.IDENTITY, p
        while k:
            if k & 1:
                acc = bj.add(acc, base)
            base, k = bj.add(base, base), k >> 1
        return acc

    rnd = random.Random(2494)
    scalars = [0, 1, 2, 7, 8, bj.SUBORDER - 1, bj.SUBORDER, bj.SUBORDER + 1, bj.ORDER, (1 << 256) - 1]
    scalars += [rnd.randrange(1 << 256) for _ in range(20)]
    for p in (bj.GENERATOR, bj.BASE8, affine(bj.GENERATOR, 12345), bj.IDENTITY):
        for k in scalars:
            assert bj.mul(p, k) == affine(p, k), (p, k)
