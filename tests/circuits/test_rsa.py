"""RSA PKCS#1 v1.5 SHA-256 verification (circuits.gadgets.rsa) against ``cryptography``:
keys and signatures it makes are accepted by the gadget and the native twin; a wrong
signature, ``s >= n``, a wrong padding byte, another hash or another message are refused by
all three (the gadget: no witness). The malicious-witness tests are in tests/circuits/test_forgery.py."""

from __future__ import annotations

import functools
import hashlib
import random
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from circuits import Bool, Circuit, Field, Public, Secret, UInt, compile
from circuits.errors import CircuitDefinitionError, CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import rsa_verify_pkcs1_sha256
from circuits.native import rsa as native
from circuits.compiler import input_values
from circuits.native.bigint import to_limbs
from zkp.program import ProgramCheckFailed

from ..conftest import unbound_wires

# 10^5-row circuits: the C pass of `make test` only (see the Makefile)
pytestmark = pytest.mark.large_circuit

K = 64  # limbs of 32 bits for 2048 bits


@functools.cache
def _key(e: int, bits: int = 2048, which: int = 0) -> Any:
    return rsa.generate_private_key(public_exponent=e, key_size=bits)


def _n(key: Any) -> int:
    return int(key.public_key().public_numbers().n)


def _bits(digest: bytes) -> list[int]:
    return [(digest[i // 8] >> (7 - i % 8)) & 1 for i in range(256)]


@functools.cache
def _constant_key_circuit(e: int) -> tuple[type, Any]:
    n = _n(_key(e))

    class Fixed(Circuit):
        digest: Public[Bool, 256]
        sig: Secret[UInt[32], K]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), n, e=e)

    return Fixed, compile(Fixed)


@functools.cache
def _input_key_circuit() -> tuple[type, Any]:
    class AnyKey(Circuit):
        n: Public[Field, K]
        digest: Public[UInt[8], 32]
        sig: Secret[UInt[32], K]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), list(self.n))

    return AnyKey, compile(AnyKey)


def _sign(key: Any, msg: bytes, algorithm: Any = None) -> int:
    return int.from_bytes(key.sign(msg, padding.PKCS1v15(), algorithm or hashes.SHA256()), "big")


def _cryptography_accepts(key: Any, sig: int, msg: bytes) -> bool:
    try:
        key.public_key().verify(sig.to_bytes(256, "big"), msg, padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError, OverflowError):
        return False


def _gadget_accepts(e: int, key: Any, sig: int, digest: bytes, *, key_input: bool) -> bool:
    if sig >> (32 * K):
        return False  # does not even fit the limbs
    if key_input:
        cls, cs = _input_key_circuit()
        assignment = cls(n=native.modulus_limbs(_n(key)), digest=list(digest), sig=native.signature_limbs(sig))
    else:
        cls, cs = _constant_key_circuit(e)
        assignment = cls(digest=_bits(digest), sig=native.signature_limbs(sig))
    return _solves(cs, assignment)


def _solves(cs: Any, assignment: Any) -> bool:
    """The witness program run (C); a refusal is a failed check (``solve`` would run define
    again to name the line: slow at 140k constraints, shown once below)."""
    try:
        data = cs.program.run_bytes(b"".join(v.to_bytes(32, "big") for v in input_values(cs.circuit, assignment)))
    except ProgramCheckFailed:
        return False
    assert cs.r1cs.is_satisfied([int.from_bytes(data[i:i + 32], "big") for i in range(0, len(data), 32)])
    return True


MESSAGES = [b"", b"a" * 55, b"b" * 56, b"c" * 63, b"d" * 64, b"name=Test Holder;dob=1990-01-01;region=KA"]


@pytest.mark.parametrize("key_input", [False, True], ids=["key-constant", "key-input"])
def test_signatures_cryptography_makes_are_accepted_by_gadget_and_twin(key_input: bool) -> None:
    key = _key(65537)
    for msg in MESSAGES:
        sig = _sign(key, msg)
        digest = hashlib.sha256(msg).digest()
        assert _cryptography_accepts(key, sig, msg)
        assert native.verify(_n(key), sig, digest)
        assert _gadget_accepts(65537, key, sig, digest, key_input=key_input)


def _raw_sign(key: Any, em: int) -> int:
    priv = key.private_numbers()
    return int(pow(em, priv.d, priv.public_numbers.n))


def _refusals(key: Any, rng: random.Random) -> list[tuple[str, int, bytes, bytes]]:
    """(what, signature, digest given to the gadget, message given to cryptography)."""
    n = _n(key)
    msg = b"issued to: test holder"
    digest = hashlib.sha256(msg).digest()
    sig = _sign(key, msg)
    em = bytearray(native.encode_pkcs1_sha256(digest, 2048).to_bytes(256, "big"))
    fits = next(m for m in (b"issued to: holder %d" % i for i in range(10_000))
                if _sign(key, m) + n < 2**2048)  # s + n within the 64 limbs: only s < n refuses it
    out = [("s + 1", sig + 1, digest, msg), ("random s", rng.randrange(n), digest, msg),
           ("s + n", sig + n, digest, msg), ("s = n", n, digest, msg),
           ("s + n in the limbs", _sign(key, fits) + n, hashlib.sha256(fits).digest(), fits),
           ("another message", _sign(key, b"issued to: someone else"), digest, msg),
           ("SHA-384 signature", _sign(key, msg, hashes.SHA384()), digest, msg),
           ("SHA-1 signature", _sign(key, msg, hashes.SHA1()), digest, msg)]
    assert em[204] == 0 and em[203] == 0xFF and em[205] == 0x30
    for pos, what in ((0, "first byte 01"), (1, "block type 02"), (2, "padding byte 00"), (100, "padding byte fe"),
                      (204, "separator ff"), (205, "DigestInfo byte"), (223, "DigestInfo length"),
                      (240, "digest byte")):
        bad = bytearray(em)
        bad[pos] = {0: 1, 1: 2, 2: 0, 100: 0xFE, 204: 0xFF}.get(pos, bad[pos] ^ 1)
        out.append((what, _raw_sign(key, int.from_bytes(bad, "big")), digest, msg))
    return out


@pytest.mark.parametrize("key_input", [False, True], ids=["key-constant", "key-input"])
def test_wrong_signatures_padding_and_hashes_are_refused_by_all_three(key_input: bool) -> None:
    key = _key(65537)
    for what, sig, digest, msg in _refusals(key, random.Random(9)):
        assert not _cryptography_accepts(key, sig, msg), what
        assert not native.verify(_n(key), sig, digest), what
        assert not _gadget_accepts(65537, key, sig, digest, key_input=key_input), what


def test_the_honest_encoding_signed_raw_is_accepted() -> None:
    """The control of the padding refusals: the same raw signing of the right encoding passes."""
    key = _key(65537)
    digest = hashlib.sha256(b"issued to: test holder").digest()
    sig = _raw_sign(key, native.encode_pkcs1_sha256(digest, 2048))
    assert _cryptography_accepts(key, sig, b"issued to: test holder")
    assert _gadget_accepts(65537, key, sig, digest, key_input=True)


def test_one_circuit_serves_every_key_when_the_modulus_is_an_input() -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    msg = b"another issuer"
    digest = hashlib.sha256(msg).digest()
    sig = _sign(other, msg)
    assert _gadget_accepts(65537, other, sig, digest, key_input=True)
    # the signature checked against the first key: refused
    # (the key is fresh each run: a signature at or above the first modulus is refused by the
    # range check sig < n, one below it by the identity s^e = q*n + m; both are refusals of rsa/)
    cls, cs = _input_key_circuit()
    n_first = _n(_key(65537))
    where = "rsa/bigint/identity" if sig < n_first else r"rsa/to_bits .* does not fit in 32 bits"
    with pytest.raises(UnsatisfiedConstraintError, match=where):  # define names the failing line
        cs.solve(cls(n=native.modulus_limbs(n_first), digest=list(digest), sig=native.signature_limbs(sig)))


def test_a_modulus_below_2_to_the_2047_is_refused_as_input() -> None:
    cls, cs = _input_key_circuit()
    small = (_n(_key(65537)) >> 8) | 1  # 2040 bits
    assert not _solves(cs, cls(n=to_limbs(small, 32, K), digest=[0] * 32, sig=[0] * K))


def test_e_3_signatures_and_refusals() -> None:
    key = _key(3)
    msg = b"e = 3"
    sig = _sign(key, msg)
    digest = hashlib.sha256(msg).digest()
    assert native.verify(_n(key), sig, digest, e=3)
    assert _gadget_accepts(3, key, sig, digest, key_input=False)
    assert not _gadget_accepts(3, key, sig + _n(key), digest, key_input=False)
    assert not _gadget_accepts(3, key, sig, hashlib.sha256(b"e = 4").digest(), key_input=False)


def test_the_gadget_leaves_no_wire_free() -> None:
    cls, cs = _input_key_circuit()
    key = _key(65537)
    msg = b"sweep"
    w = cs.solve(cls(n=native.modulus_limbs(_n(key)), digest=list(hashlib.sha256(msg).digest()),
                     sig=native.signature_limbs(_sign(key, msg))))
    assert unbound_wires(cs, w) == []
    assert cs.r1cs.num_constraints <= 157_746


def test_shapes_and_parameters_are_checked() -> None:
    for kwargs, error, message in (({"e": 65536}, CircuitDefinitionError, "odd public exponent"),
                                   ({"e": 1}, CircuitDefinitionError, "odd public exponent"),
                                   ({"bits": 2047}, CircuitDefinitionError, "multiple of 8")):
        class Bad(Circuit):
            d: Secret[Bool, 256]
            sig: Secret[UInt[32], K]

            def define(self, api: Any, kwargs: dict[str, Any] = kwargs) -> None:
                rsa_verify_pkcs1_sha256(api, list(self.d), list(self.sig), _n(_key(65537)), **kwargs)

        with pytest.raises(error, match=message):
            compile(Bad)

    class Short(Circuit):
        d: Secret[Bool, 255]
        sig: Secret[UInt[32], K]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.d), list(self.sig), _n(_key(65537)))

    with pytest.raises(CircuitTypeError, match="256 Bools or 32 bytes, found 255"):
        compile(Short)

    class Even(Circuit):
        d: Secret[Bool, 256]
        sig: Secret[UInt[32], K]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.d), list(self.sig), _n(_key(65537)) + 1)

    with pytest.raises(CircuitDefinitionError, match="odd modulus of 2048 bits"):
        compile(Even)


def test_strict_compile_and_lint_are_clean() -> None:
    """Every hint is constrained and no check is computed and dropped: on a 1024-bit key
    (e = 3, the same code path) and on the bigint operations."""
    from circuits import lint

    from .test_bigint import Less, Ops

    n = _n(_key(3, 1024))

    class Small(Circuit):
        n: Public[Field, 32]
        digest: Public[UInt[8], 32]
        sig: Secret[UInt[32], 32]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), list(self.n), e=3, bits=1024)

    class SmallConstant(Circuit):
        digest: Public[Bool, 256]
        sig: Secret[UInt[32], 32]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), n, e=3, bits=1024)

    for cls in (Small, SmallConstant, Ops, Less):
        # lint(cls) runs the static checks compile(cls, strict=True) raises on: no need for both
        assert lint(cls) == [], cls.__name__


def test_rsa_solves_with_native_operations_only() -> None:
    """No Python hint slot: DIVMOD, CARRIES and the program's other instructions only."""
    for cs in (_constant_key_circuit(65537)[1], _input_key_circuit()[1]):
        assert cs.program.hint_names == ()


def test_the_rsa_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    """``python -m benchmarks.rsa`` at RSA-1024, e = 3, proving (the runner it shares with
    benchmarks.ecdsa: compile, solve, setup, prove, verify); no timing asserted."""
    from benchmarks import rsa as bench

    assert bench.main(["--bits", "1024", "--e", "3", "--prove"]) == 0
    out = capsys.readouterr().out
    assert "constraints" in out and "proof verifies: True" in out
