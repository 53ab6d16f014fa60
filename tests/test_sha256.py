"""SHA-256 in circuit against hashlib, on every padding boundary."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest

from circuits import Bool, Circuit, Public, Secret, UInt, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import sha256_bits, sha256_bytes

from .conftest import assert_internal_wires_bound


def _bits(data: bytes) -> list[int]:
    return [(data[i // 8] >> (7 - i % 8)) & 1 for i in range(8 * len(data))]


@pytest.mark.parametrize("n", [0, 1, 55, 56, 63, 64, 65])
def test_bytes_digest_equals_hashlib(n: int) -> None:
    class H(Circuit):
        digest: Public[UInt[8], 32]
        msg: Secret[UInt[8], max(n, 1)]

        def define(self, api: Any) -> None:
            for got, want in zip(sha256_bytes(api, list(self.msg)[:n]), self.digest):
                api.assert_equal(got, want)

    cs = compile(H)
    rng = random.Random(n)
    data = bytes(rng.randrange(256) for _ in range(n))
    pad = list(data) or [0]
    cs.solve(H(digest=list(hashlib.sha256(data).digest()), msg=pad))
    wrong = list(hashlib.sha256(data).digest())
    wrong[5] ^= 1
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(H(digest=wrong, msg=pad))


def test_bit_messages_and_soundness() -> None:
    class B(Circuit):
        msg: Secret[Bool, 16]
        out: Public[Bool, 256]

        def define(self, api: Any) -> None:
            for got, want in zip(sha256_bits(api, list(self.msg)), self.out):
                api.assert_equal(got, want)

    cs = compile(B)
    data = b"zk"
    w = cs.solve(B(msg=_bits(data), out=_bits(hashlib.sha256(data).digest())))
    assert cs.r1cs.is_satisfied(w.values())
    assert assert_internal_wires_bound(cs, w, sample=40) == 40


def test_non_boolean_input_is_refused() -> None:
    from circuits import Field

    class F(Circuit):
        x: Secret[Field]

        def define(self, api: Any) -> None:
            sha256_bits(api, [self.x])

    with pytest.raises(CircuitTypeError, match="Bool"):
        compile(F)
