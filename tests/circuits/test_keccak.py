"""Keccak-f[1600], Keccak-256 and SHA3-256 in circuit against the native twin, the EVM's Keccak
(zkp.evm.keccak), eth_hash (pycryptodome backend) and hashlib; soundness of every piece; the
Ethereum address of a secp256k1 key against eth_keys and cryptography."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest

from circuits import Bool, Circuit, Public, Secret, UInt, compile
from circuits.errors import CircuitTypeError, UnsatisfiedConstraintError
from circuits.gadgets import eth_address_bytes, keccak256_bits, keccak256_bytes, keccak_f, sha3_256_bytes
from circuits.native import keccak as native
from circuits.testing import ForgerySearch, input_wires
from zkp.evm.keccak import keccak256 as evm_keccak256

from ..conftest import assert_internal_wires_bound

# 10^5-row circuits: the C pass of `make test` only (see the Makefile)
pytestmark = pytest.mark.large_circuit

# Hardhat's and anvil's first development account (a well-known test key, no funds anywhere)
ANVIL_KEY = 0xAC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80
ANVIL_ADDRESS = "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
EDGE_LENGTHS = [0, 1, 128, 135, 136, 137, 272]
#: the circuit's padding cases (each length compiles a 90k-row circuit, about 20 s): empty;
#: 135, where 0x01 and 0x80 share the last byte of the one block; 136, a second block of
#: padding only. The native twin, equal to the circuit here, is checked at every length.
CIRCUIT_LENGTHS = [0, 135, 136]


def _eth_hash(data: bytes) -> bytes:
    from eth_hash.backends import pycryptodome

    return bytes(pycryptodome.keccak256(data))


def _lane_bits(lanes: list[int]) -> list[int]:
    return [(v >> z) & 1 for v in lanes for z in range(64)]


# ------------------------------------------------------------------ the native twin


@pytest.mark.parametrize("n", [*EDGE_LENGTHS, 55, 56, 64, 200, 271, 273, 1000])
def test_native_twin_equals_the_evm_keccak_eth_hash_and_hashlib(n: int) -> None:
    data = random.Random(n).randbytes(n)
    digest = native.keccak256(data)
    assert digest == evm_keccak256(data) == _eth_hash(data)
    assert native.sha3_256(data) == hashlib.sha3_256(data).digest()
    assert native.eth_address(data[:64].ljust(64, b"\0")) == _eth_hash(data[:64].ljust(64, b"\0"))[12:]


def test_native_twin_refuses_what_is_not_bytes_or_lanes() -> None:
    with pytest.raises(CircuitTypeError, match="expected bytes, found str"):
        native.keccak256("abc")  # type: ignore[arg-type]
    with pytest.raises(CircuitTypeError, match="expected 25 ints below 2"):
        native.keccak_f1600([0] * 24)
    with pytest.raises(CircuitTypeError, match="expected the 64 bytes"):
        native.eth_address(bytes(65))


# ------------------------------------------------------------------ the permutation


class Permutation(Circuit):
    out: Public[Bool, 1600]
    state: Secret[Bool, 1600]

    def define(self, api: Any) -> None:
        bits = list(self.state)
        got = keccak_f(api, [bits[64 * i:64 * i + 64] for i in range(25)])
        for g, want in zip((b for lane in got for b in lane), self.out):
            api.assert_equal(g, want)


@pytest.fixture(scope="module")
def permutation() -> Any:
    return compile(Permutation)


def _perm_assignment(lanes: list[int]) -> Permutation:
    return Permutation(out=_lane_bits(native.keccak_f1600(lanes)), state=_lane_bits(lanes))


def test_permutation_equals_the_twin_on_random_and_edge_states(permutation: Any) -> None:
    rng = random.Random(1600)
    mask = (1 << 64) - 1
    for lanes in ([0] * 25, [mask] * 25, [rng.getrandbits(64) for _ in range(25)]):
        w = permutation.solve(_perm_assignment(lanes))
        assert permutation.r1cs.is_satisfied(w.values())
    wrong = _perm_assignment([rng.getrandbits(64) for _ in range(25)])
    wrong.out[777] ^= 1
    with pytest.raises(UnsatisfiedConstraintError):
        permutation.solve(wrong)


def test_permutation_wires_are_bound_and_outputs_cannot_be_forged(permutation: Any) -> None:
    rng = random.Random(25)
    w = permutation.solve(_perm_assignment([rng.getrandbits(64) for _ in range(25)]))
    assert assert_internal_wires_bound(permutation, w) > 85_000  # every wire: the soundness sweep
    s = ForgerySearch(permutation, w)
    outs = input_wires(permutation, "out")
    honest = w.values()
    picked = rng.sample(outs, 6)
    claims = [{o: 1 - honest[o]} for o in picked] + [{picked[0]: 1 - honest[picked[0]], picked[1]: 1 - honest[picked[1]]}]
    assert not s.forge_all(claims)
    internal = rng.sample(s.internal, 60)
    assert not s.sweep(internal) + s.pairs(internal, max_pairs=40) + s.non_boolean(internal)


def test_only_the_requested_lanes_are_computed_in_the_last_round(permutation: Any) -> None:
    class Four(Circuit):
        out: Public[Bool, 256]
        state: Secret[Bool, 1600]

        def define(self, api: Any) -> None:
            bits = list(self.state)
            got = keccak_f(api, [bits[64 * i:64 * i + 64] for i in range(25)], outputs=range(4))
            for g, want in zip((b for lane in got[:4] for b in lane), self.out):
                api.assert_equal(g, want)

    cs = compile(Four)
    # 1,344 fewer public bits to type, and a last round of 640 + 320 + 256 rows instead of 3,840
    assert permutation.r1cs.num_constraints - cs.r1cs.num_constraints == 1344 + 3840 - 1216
    lanes = [random.Random(4).getrandbits(64) for _ in range(25)]
    cs.solve(Four(out=_lane_bits(native.keccak_f1600(lanes)[:4]), state=_lane_bits(lanes)))


class OneRow(Circuit):
    out: Public[Bool, 2]
    abc: Secret[Bool, 3]

    def define(self, api: Any) -> None:
        from circuits.gadgets import keccak as gadget

        a, b, c = self.abc
        api.assert_equal(gadget._xor3(api, a, b, c), self.out[0])
        api.assert_equal(gadget._chi(api, a, b, c), self.out[1])


@pytest.mark.parametrize("abc", [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)])
def test_xor3_and_chi_witness_bits_are_the_functions_on_all_eight_inputs(abc: tuple[int, int, int]) -> None:
    # the witness reads each output as a bit of a small sum (no division): the right bit on
    # every input, and the row refuses the other value
    cs = compile(OneRow)
    a, b, c = abc
    want = [a ^ b ^ c, a ^ ((1 - b) & c)]
    w = cs.solve(OneRow(out=want, abc=list(abc)))
    assert cs.r1cs.is_satisfied(w.values())
    for k in range(2):
        wrong = list(want)
        wrong[k] ^= 1
        with pytest.raises(UnsatisfiedConstraintError):
            cs.solve(OneRow(out=wrong, abc=list(abc)))
    s = ForgerySearch(cs, w)
    assert not s.forge_all([{o: 1 - w.values()[o]} for o in input_wires(cs, "out")])


# ------------------------------------------------------------------ the sponge


def _digest_circuit(n: int, fn: Any) -> type:
    class H(Circuit):
        digest: Public[UInt[8], 32]
        msg: Secret[UInt[8], max(n, 1)]

        def define(self, api: Any) -> None:
            for got, want in zip(fn(api, list(self.msg)[:n]), self.digest):
                api.assert_equal(got, want)

    return H


@pytest.mark.parametrize("n", CIRCUIT_LENGTHS)
def test_keccak256_bytes_equals_the_references_at_every_padding_edge(n: int) -> None:
    cls = _digest_circuit(n, keccak256_bytes)
    cs = compile(cls)
    rng = random.Random(n)
    for data in (rng.randbytes(n), b"\xff" * n):
        digest = _eth_hash(data)
        assert digest == evm_keccak256(data) == native.keccak256(data)
        w = cs.solve(cls(digest=list(digest), msg=list(data) or [0]))
        assert cs.r1cs.is_satisfied(w.values())
    wrong = list(digest)
    wrong[31] ^= 0x80
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(cls(digest=wrong, msg=list(data) or [0]))


def test_sha3_256_equals_hashlib() -> None:
    cls = _digest_circuit(3, sha3_256_bytes)
    cs = compile(cls)
    w = cs.solve(cls(digest=list(hashlib.sha3_256(b"abc").digest()), msg=list(b"abc")))
    assert cs.r1cs.is_satisfied(w.values())
    with pytest.raises(UnsatisfiedConstraintError):  # Keccak-256's padding is another function
        cs.solve(cls(digest=list(evm_keccak256(b"abc")), msg=list(b"abc")))


def test_bits_api_and_refusals() -> None:
    class Partial(Circuit):
        msg: Secret[Bool, 12]

        def define(self, api: Any) -> None:
            keccak256_bits(api, list(self.msg))

    with pytest.raises(CircuitTypeError, match="multiple of 8 bits"):
        compile(Partial)

    class NotBool(Circuit):
        msg: Secret[UInt[8], 25]

        def define(self, api: Any) -> None:
            keccak_f(api, [[self.msg[i]] * 64 for i in range(25)])

    with pytest.raises(CircuitTypeError, match="Bool"):
        compile(NotBool)


# ------------------------------------------------------------------ Ethereum addresses


class Address(Circuit):
    address: Public[UInt[8], 20]
    x: Secret[UInt[8], 32]
    y: Secret[UInt[8], 32]

    def define(self, api: Any) -> None:
        for got, want in zip(eth_address_bytes(api, list(self.x), list(self.y)), self.address):
            api.assert_equal(got, want)


def _public_key(secret: int) -> bytes:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.derive_private_key(secret, ec.SECP256K1()).public_key()
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)[1:]


def test_eth_address_in_circuit_equals_eth_keys_and_anvils_account() -> None:
    from eth_keys.datatypes import PrivateKey

    cs = compile(Address, strict=True)
    rng = random.Random(2026)
    for secret in (ANVIL_KEY, 1, rng.randrange(1, 2**255)):
        pub = _public_key(secret)
        want = bytes.fromhex(PrivateKey(secret.to_bytes(32, "big")).public_key.to_address()[2:].lower())
        assert native.eth_address(pub) == want
        w = cs.solve(Address(address=list(want), x=list(pub[:32]), y=list(pub[32:])))
        assert cs.r1cs.is_satisfied(w.values())
    assert native.eth_address(_public_key(ANVIL_KEY)).hex() == ANVIL_ADDRESS
    assert not cs.program.hint_names  # native operations only (DIV, MULADD, BITS): no Python at solve time
    anvil = _public_key(ANVIL_KEY)
    honest = Address(address=list(bytes.fromhex(ANVIL_ADDRESS)), x=list(anvil[:32]), y=list(anvil[32:]))
    assert cs.solve(honest, debug=True).to_bytes() == cs.solve(honest).to_bytes()  # define mode agrees
    other = _public_key(2)
    with pytest.raises(UnsatisfiedConstraintError):
        cs.solve(Address(address=list(bytes.fromhex(ANVIL_ADDRESS)), x=list(other[:32]), y=list(other[32:])))
