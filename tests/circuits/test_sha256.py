"""SHA-256 in circuit against hashlib, on every padding boundary."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import sha256_bits, sha256_bytes, sha256_var_bytes
from circuits.native.sha256 import blocks
from circuits.native.sha256 import sha256 as native_sha256

from ..conftest import assert_internal_wires_bound

#: SHA-256 of up to 128 bytes, the length secret (docstring of sha256_var_bytes: 53,150, and
#: the test circuit's input types: 1,024 for the message bytes, 256 for the digest's)
VAR_128_CONSTRAINTS = 53_150 + 1_024 + 256


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


# ------------------------------------------------------------------ the native twin


@pytest.mark.parametrize("n", [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000])
def test_native_twin_equals_hashlib(n: int) -> None:
    data = bytes(random.Random(n).randrange(256) for _ in range(n))
    assert native_sha256(data) == hashlib.sha256(data).digest()
    assert 64 * (blocks(n) - 1) < n + 9 <= 64 * blocks(n)


# ------------------------------------------------------------------ variable length


def _var_circuit(max_len: int) -> type:
    class V(Circuit):
        digest: Public[UInt[8], 32]
        msg: Secret[UInt[8], max_len]
        n: Secret[Field]

        def define(self, api: Any) -> None:
            for got, want in zip(sha256_var_bytes(api, list(self.msg), self.n), self.digest):
                api.assert_equal(got, want)

    return V


def _var_assignment(cls: type, data: bytes, max_len: int, rng: random.Random) -> Any:
    tail = [rng.randrange(256) for _ in range(max_len - len(data))]  # ignored past the length
    return cls(digest=list(native_sha256(data)), msg=list(data) + tail, n=len(data))


def test_variable_length_equals_hashlib_at_every_boundary() -> None:
    max_len = 130
    cls = _var_circuit(max_len)
    cs = compile(cls)
    rng = random.Random(7)
    lengths = [0, 55, 56, 63, 64, 119, 120, max_len] + [rng.randrange(max_len + 1) for _ in range(3)]
    for n in lengths:
        data = bytes(rng.randrange(256) for _ in range(n))
        assert native_sha256(data) == hashlib.sha256(data).digest()
        w = cs.solve(_var_assignment(cls, data, max_len, rng))
        assert cs.r1cs.is_satisfied(w.values()), n
    data = bytes(range(40))
    wrong = _var_assignment(cls, data, max_len, rng)
    wrong.n = 41  # the digest of 40 bytes claimed for 41
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(wrong)
    past = _var_assignment(cls, data, max_len, rng)
    past.n = max_len + 1
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(past)


def test_variable_length_count_is_reported() -> None:
    cs = compile(_var_circuit(128))
    assert cs.r1cs.num_constraints == VAR_128_CONSTRAINTS


def test_variable_length_is_strict_and_lint_clean() -> None:
    from circuits.lint import lint

    cls = _var_circuit(20)
    # lint(cls) runs the static checks compile(cls, strict=True) raises on: no need for both
    assert lint(cls) == []


def test_128_bytes_count() -> None:
    """The issue's size: 128 bytes from bits (three blocks, the third all padding)."""

    class B(Circuit):
        msg: Secret[Bool, 1024]

        def define(self, api: Any) -> None:
            sha256_bits(api, list(self.msg))

    assert compile(B).r1cs.num_constraints - 1024 == 47_510  # less the inputs' booleanity
