"""EdDSA-Poseidon signature verification in circuit (circomlib's ``EdDSAPoseidonVerifier``),
the twin of :func:`circuits.native.eddsa.verify`.

Checks ``S < l`` (no second encoding of a signature), ``h = Poseidon(R8, A, msg)`` with a
strict 254-bit decomposition, rejects a public key of low order (its Montgomery form or a
doubling has no solution, and ``A.x != 0``), and ``S * B8 == R8 + 8 * h * A`` with both
scalar multiplications in Montgomery form (:mod:`circuits.gadgets.babyjub`). 4,139
constraints (circomlib's, at circom --O2: 4,217).

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.gadgets import eddsa_poseidon_verify
    >>> from circuits.native.eddsa import PrivateKey
    >>> class Signed(Circuit):
    ...     ax: Public[Field]
    ...     ay: Public[Field]
    ...     msg: Secret[Field]
    ...     r8x: Secret[Field]
    ...     r8y: Secret[Field]
    ...     s: Secret[Field]
    ...     def define(self, api):
    ...         eddsa_poseidon_verify(api, (self.ax, self.ay), (self.r8x, self.r8y), self.s, self.msg)
    >>> cs = compile(Signed)
    >>> cs.r1cs.num_constraints
    4139
    >>> key = PrivateKey(b"issuer key")
    >>> sig = key.sign(42)
    >>> w = cs.solve(Signed(ax=key.public_key[0], ay=key.public_key[1], msg=42, r8x=sig.R8[0],
    ...                     r8y=sig.R8[1], s=sig.S))
    >>> w.public == list(key.public_key), cs.r1cs.is_satisfied(w.values())
    (True, True)
    >>> cs.solve(Signed(ax=key.public_key[0], ay=key.public_key[1], msg=43, r8x=sig.R8[0],
    ...                 r8y=sig.R8[1], s=sig.S))   # the signature is on 42, not 43
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: eddsa/equal_if_enabled at ...
"""

from __future__ import annotations

from functools import lru_cache

from zkp.field import R

from ..api import API
from ..engine import hints
from ..native import babyjub as bj
from ..var import Operand
from .babyjub import PointOp, edwards_add, from_montgomery, mont_double, mul_any_offset, mul_fixed_offset, \
    to_montgomery
from .bits import assert_bits_le_constant, to_bits_strict
from .poseidon import poseidon

__all__ = ["eddsa_poseidon_verify", "SUBORDER_BITS"]

SUBORDER_BITS = bj.SUBORDER.bit_length()  # 251


def eddsa_poseidon_verify(api: API, public_key: PointOp, r8: PointOp, s: Operand, msg: Operand, *,
                          enabled: Operand = 1) -> None:
    """Constrain ``(r8, s)`` to be a valid signature of ``msg`` under ``public_key``.

    ``enabled`` (a Bool, or 0/1 constrained here) = 0 switches the check off: any inputs
    then satisfy it (a fixed valid signature stands in for them inside the gadget, so no
    step can fail), at 8 constraints more than the always-on check (4,147; circomlib's
    ``EdDSAPoseidonVerifier`` has an ``enabled`` input too: 4,217 at --O2)."""
    ax, ay = api.lift(public_key[0]), api.lift(public_key[1])
    rx, ry = api.lift(r8[0]), api.lift(r8[1])
    s_v = api.lift(s)
    en = api.lift(enabled)
    with api.scope("eddsa"):
        if not en.is_bool:
            en = api.as_bool(en)
        if not en.is_constant():
            (dax, day), (drx, dry), ds = _stand_in()
            ax, ay = api.select(en, ax, dax), api.select(en, ay, day)
            rx, ry = api.select(en, rx, drx), api.select(en, ry, dry)
            s_v = api.select(en, s_v, ds)
        elif en.constant_value() == 0:
            return
        s_bits = api.to_bits(s_v, SUBORDER_BITS)
        assert_bits_le_constant(api, s_bits, bj.SUBORDER - 1)
        h = poseidon(api, [rx, ry, ax, ay, msg])
        h_bits = to_bits_strict(api, h)
        _assert_nonzero(api, ax)
        p = to_montgomery(api, (ax, ay))
        for _ in range(3):
            p = mont_double(api, p)
        acc_h, off_h = mul_any_offset(api, h_bits, p)  # off_h + h * 8A
        acc_s, off_s = mul_fixed_offset(api, s_bits, bj.BASE8)  # off_s + S * B8
        left = from_montgomery(api, acc_s)
        right = edwards_add(api, (rx, ry), from_montgomery(api, acc_h))
        right = edwards_add(api, right, bj.add(off_s, bj.neg(off_h)))
        api.enforce(left[0] - right[0], en, 0, "equal_if_enabled")
        api.enforce(left[1] - right[1], en, 0, "equal_if_enabled")


@lru_cache(maxsize=1)
def _stand_in() -> tuple[bj.Point, bj.Point, int]:
    """A valid (public key, R8, S), used in place of the inputs when the check is off."""
    from ..native.eddsa import PrivateKey

    key = PrivateKey(b"zkmpc: the stand-in of a disabled EdDSA check")
    sig = key.sign(0)
    return key.public_key, sig.R8, sig.S


def _assert_nonzero(api: API, x: Operand) -> None:
    """``x != 0`` in one constraint: ``x * inv = 1``."""
    v = api.lift(x)
    inv = api.hint(hints.div, 1, v)
    api.enforce(v, inv, 1, "nonzero")
