"""SHA-512 and SHA-384 in circuit against hashlib and the native twin, on the padding
boundaries (111/112 bytes: the length field moves to a second block), with a variable
length, and against forged digests."""

from __future__ import annotations

import hashlib
import random
from typing import Any, Callable

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits.errors import UnsatisfiedConstraintError
from circuits.gadgets import sha384_bytes, sha512_bits, sha512_bytes, sha512_var_bytes
from circuits.native.sha512 import IV384, IV512, K512, sha384, sha512
from circuits.testing import ForgerySearch, input_wires

from ..conftest import assert_internal_wires_bound

# 10^5-row circuits: the C pass of `make test` only (see the Makefile)
pytestmark = pytest.mark.large_circuit

#: the gadget's own count for 128 bytes (two blocks, the second all padding; the shared SHA-2 core of
#: circuits.gadgets.sha256: its one-row XOR3 and Maj took it from 112,688)
SHA512_128_CONSTRAINTS = 74_928


@pytest.mark.parametrize("n", [0, 1, 111, 112, 127, 128, 129, 240, 1000])
def test_native_twin_equals_hashlib(n: int) -> None:
    data = bytes(random.Random(n).randrange(256) for _ in range(n))
    assert sha512(data) == hashlib.sha512(data).digest()
    assert sha384(data) == hashlib.sha384(data).digest()


def test_constants_are_the_standards() -> None:
    assert (len(K512), K512[0], K512[79]) == (80, 0x428A2F98D728AE22, 0x6C44198C4A475817)
    assert (IV512[0], IV512[7], IV384[0], IV384[7]) == (
        0x6A09E667F3BCC908, 0x5BE0CD19137E2179, 0xCBBB9D5DC1059ED8, 0x47B5481DBEFA4FA4)


def _fixed(fn: Callable[..., Any], n: int, out: int) -> type:
    class H(Circuit):
        digest: Public[UInt[8], out]
        msg: Secret[UInt[8], max(n, 1)]

        def define(self, api: Any) -> None:
            for got, want in zip(fn(api, list(self.msg)[:n]), self.digest):
                api.assert_equal(got, want)

    return H


@pytest.mark.parametrize("name, n", [("sha512", 0), ("sha512", 111), ("sha384", 112), ("sha384", 3)])
def test_bytes_digest_equals_hashlib(name: str, n: int) -> None:
    fn, ref, out = {"sha512": (sha512_bytes, hashlib.sha512, 64), "sha384": (sha384_bytes, hashlib.sha384, 48)}[name]
    cls = _fixed(fn, n, out)
    cs = compile(cls)
    data = bytes(random.Random(n).randrange(256) for _ in range(n))
    digest = list(ref(data).digest())
    w = cs.solve(cls(digest=digest, msg=list(data) or [0]))
    assert cs.r1cs.is_satisfied(w.values())
    digest[-1] ^= 1
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(cls(digest=digest, msg=list(data) or [0]))


def test_128_bytes_count_soundness_and_forged_digests() -> None:
    class B(Circuit):
        out: Public[Bool, 512]
        msg: Secret[Bool, 1024]

        def define(self, api: Any) -> None:
            for got, want in zip(sha512_bits(api, list(self.msg)), self.out):
                api.assert_equal(got, want)

    cs = compile(B)
    assert cs.r1cs.num_constraints == SHA512_128_CONSTRAINTS + 1024 + 512  # + input booleanity
    data = bytes(random.Random(5).randrange(256) for _ in range(128))

    def bits(b: bytes) -> list[int]:
        return [(b[i // 8] >> (7 - i % 8)) & 1 for i in range(8 * len(b))]

    w = cs.solve(B(out=bits(hashlib.sha512(data).digest()), msg=bits(data)))
    assert assert_internal_wires_bound(cs, w, sample=40) == 40
    outs = input_wires(cs, "out")
    s = ForgerySearch(cs, w)
    assert s.forge_all([{outs[i]: 1 - w.values()[outs[i]]} for i in (0, 63, 64, 511)]) == []


def test_variable_length_equals_hashlib() -> None:
    max_len = 120  # one or two blocks: the length field moves at 112

    class V(Circuit):
        digest: Public[UInt[8], 64]
        msg: Secret[UInt[8], max_len]
        n: Secret[Field]

        def define(self, api: Any) -> None:
            for got, want in zip(sha512_var_bytes(api, list(self.msg), self.n), self.digest):
                api.assert_equal(got, want)

    cs = compile(V)
    rng = random.Random(3)
    for n in (0, 111, 112, max_len, rng.randrange(max_len)):
        data = bytes(rng.randrange(256) for _ in range(n))
        w = cs.solve(V(digest=list(sha512(data)), msg=list(data) + [9] * (max_len - n), n=n))
        assert cs.r1cs.is_satisfied(w.values())
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(V(digest=list(sha512(b"x" * 111)), msg=[ord("x")] * max_len, n=112))


def test_strict_and_lint_clean() -> None:
    from circuits.lint import lint

    cls = _fixed(sha384_bytes, 5, 48)
    # lint(cls) runs the static checks compile(cls, strict=True) raises on: no need for both
    assert lint(cls) == []
