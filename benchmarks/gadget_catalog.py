"""Each gadget beside the circomlib template computing the same function.

``cost(entry)`` is the gadget's own constraint count in zkmpc (a circuit with the gadget,
minus the same circuit without it, so input typing is not counted); ``circom_source(entry)``
is a circom main component instantiating circomlib's template. ``python -m
benchmarks.gadgets`` compiles both (circom2 at --O2) and prints the table;
``tests/vectors/gadget_counts.csv`` pins zkmpc's column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from circuits import Bool, Circuit, Field, Secret, UInt, compile
from circuits import gadgets as g

__all__ = ["Entry", "CATALOG", "Published", "BEYOND_CIRCOMLIB", "cost", "circom_source", "circuit"]

from circuits.native.babyjub import BASE8 as _BASE8  # noqa: E402


@dataclass(frozen=True)
class Entry:
    name: str  # also the circom template instantiation
    include: str  # circomlib file
    inputs: dict[str, Any]  # zkmpc input specs (Secret[...])
    body: Callable[[Any, Any], Any]  # (api, circuit instance) -> anything
    main: str = ""  # circom main line when it differs from `component main = {name};`


def _circuit(inputs: dict[str, Any], body: Callable[[Any, Any], Any] | None) -> type:
    def define(self: Any, api: Any) -> None:
        if body is not None:
            body(api, self)

    return type("G", (Circuit,), {"__annotations__": dict(inputs), "define": define})


def circuit(e: Entry) -> type:
    """A circuit class whose inputs are the entry's and whose body is the gadget."""
    return _circuit(e.inputs, e.body)


def cost(e: Entry) -> int:
    with_body = compile(_circuit(e.inputs, e.body)).r1cs.num_constraints
    without = compile(_circuit(e.inputs, None)).r1cs.num_constraints
    return with_body - without


def circom_source(e: Entry) -> str:
    main = e.main or f"component main = {e.name};"
    return f'pragma circom 2.0.0;\ninclude "{e.include}";\n{main}\n'


def _cmp(fn: Callable[..., Any]) -> Callable[[Any, Any], Any]:
    return lambda api, s: fn(api, s.a, s.b)


U8 = {"a": Secret[UInt[8]], "b": Secret[UInt[8]]}
U64 = {"a": Secret[UInt[64]], "b": Secret[UInt[64]]}
F2 = {"a": Secret[Field], "b": Secret[Field]}
B2 = {"a": Secret[Bool], "b": Secret[Bool]}


def _poseidon(n: int) -> Entry:
    return Entry(f"Poseidon({n})", "poseidon.circom", {"xs": Secret[Field, n]},
                 lambda api, s: g.poseidon(api, list(s.xs)))


CATALOG: list[Entry] = [
    Entry("Num2Bits(16)", "bitify.circom", {"x": Secret[Field]}, lambda api, s: g.to_bits(api, s.x, 16)),
    Entry("Num2Bits(64)", "bitify.circom", {"x": Secret[Field]}, lambda api, s: g.to_bits(api, s.x, 64)),
    Entry("Num2Bits_strict()", "bitify.circom", {"x": Secret[Field]}, lambda api, s: g.to_bits_strict(api, s.x)),
    Entry("LessThan(8)", "comparators.circom", U8, _cmp(g.is_lt)),
    Entry("LessEqThan(8)", "comparators.circom", U8, _cmp(g.is_le)),
    Entry("GreaterThan(8)", "comparators.circom", U8, _cmp(g.is_gt)),
    Entry("GreaterEqThan(8)", "comparators.circom", U8, _cmp(g.is_ge)),
    Entry("LessThan(64)", "comparators.circom", U64, _cmp(g.is_lt)),
    Entry("IsZero()", "comparators.circom", {"a": Secret[Field]}, lambda api, s: g.is_zero(api, s.a)),
    Entry("IsEqual()", "comparators.circom", F2, _cmp(g.is_equal)),
    Entry("AND()", "gates.circom", B2, _cmp(g.and_)),
    Entry("OR()", "gates.circom", B2, _cmp(g.or_)),
    Entry("XOR()", "gates.circom", B2, _cmp(g.xor)),
    Entry("NOT()", "gates.circom", {"a": Secret[Bool]}, lambda api, s: g.not_(api, s.a)),
    Entry("MultiAND(8)", "gates.circom", {"xs": Secret[Bool, 8]}, lambda api, s: g.all_of(api, list(s.xs))),
    _poseidon(1), _poseidon(2), _poseidon(3), _poseidon(4), _poseidon(5), _poseidon(8), _poseidon(16),
    Entry("MiMC7(91)", "mimc.circom", F2, lambda api, s: g.mimc7(api, s.a, s.b)),
    Entry("MultiMiMC7(2, 91)", "mimc.circom", {"xs": Secret[Field, 2], "k": Secret[Field]},
          lambda api, s: g.multi_mimc7(api, list(s.xs), s.k)),
    Entry("MiMCSponge(2, 220, 1)", "mimcsponge.circom", {"xs": Secret[Field, 2], "k": Secret[Field]},
          lambda api, s: g.mimc_sponge(api, list(s.xs), s.k)),
    Entry("MiMCFeistel(220)", "mimcsponge.circom", {"l": Secret[Field], "r": Secret[Field], "k": Secret[Field]},
          lambda api, s: g.mimc_feistel(api, s.l, s.r, s.k)),
    Entry("BabyAdd()", "babyjub.circom", {"p": Secret[Field, 2], "q": Secret[Field, 2]},
          lambda api, s: g.edwards_add(api, tuple(s.p), tuple(s.q))),
    Entry("BabyPbk()", "babyjub.circom", {"k": Secret[Field]},
          lambda api, s: g.mul_fixed(api, api.to_bits(s.k, 253), _BASE8)),
    Entry("EscalarMulAny(254)", "escalarmulany.circom", {"e": Secret[Bool, 254], "p": Secret[Field, 2]},
          lambda api, s: g.mul_any(api, list(s.e), tuple(s.p))),
    Entry("Sha256(256)", "sha256/sha256.circom", {"m": Secret[Bool, 256]},
          lambda api, s: g.sha256_bits(api, list(s.m))),
    Entry("Sha256(512)", "sha256/sha256.circom", {"m": Secret[Bool, 512]},
          lambda api, s: g.sha256_bits(api, list(s.m))),
    Entry("EdDSAPoseidonVerifier()", "eddsaposeidon.circom",
          {"a": Secret[Field, 2], "r8": Secret[Field, 2], "s": Secret[Field], "m": Secret[Field]},
          lambda api, s: g.eddsa_poseidon_verify(api, tuple(s.a), tuple(s.r8), s.s, s.m)),
    Entry("EdDSAPoseidonVerifier() enabled", "eddsaposeidon.circom",
          {"en": Secret[Field], "a": Secret[Field, 2], "r8": Secret[Field, 2], "s": Secret[Field], "m": Secret[Field]},
          lambda api, s: g.eddsa_poseidon_verify(api, tuple(s.a), tuple(s.r8), s.s, s.m, enabled=s.en),
          main="component main = EdDSAPoseidonVerifier();"),
    Entry("SMTVerifier(10)", "smt/smtverifier.circom",
          {"en": Secret[Field], "root": Secret[Field], "sibs": Secret[Field, 10], "ok": Secret[Field],
           "ov": Secret[Field], "is0": Secret[Field], "k": Secret[Field], "v": Secret[Field], "fnc": Secret[Field]},
          lambda api, s: g.smt_verify(api, s.root, list(s.sibs), s.k, s.v, fnc=s.fnc, old_key=s.ok,
                                      old_value=s.ov, is_old0=s.is0, enabled=s.en)),
    Entry("SMTVerifier(10) member", "smt/smtverifier.circom",
          {"root": Secret[Field], "sibs": Secret[Field, 10], "k": Secret[Field], "v": Secret[Field]},
          lambda api, s: g.assert_smt_member(api, s.root, list(s.sibs), s.k, s.v),
          main="component main = SMTVerifier(10);"),
    Entry("SMTVerifier(10) non-member", "smt/smtverifier.circom",
          {"root": Secret[Field], "sibs": Secret[Field, 10], "ok": Secret[Field], "ov": Secret[Field],
           "is0": Secret[Field], "k": Secret[Field]},
          lambda api, s: g.assert_smt_non_member(api, s.root, list(s.sibs), s.k, s.ok, s.ov, s.is0),
          main="component main = SMTVerifier(10);"),
]


@dataclass(frozen=True)
class Published:
    """A gadget circomlib has no template for, beside the best published R1CS count of the
    same function (``published``, None when there is none to compare with) and where that
    figure comes from."""

    entry: Entry
    published: int | None
    reference: str


def _rsa_modulus(bits: int) -> int:
    """A fixed odd modulus of ``bits`` bits (the count does not depend on its value)."""
    import random

    return random.Random(bits).getrandbits(bits) | (1 << (bits - 1)) | 1


_RSA_INPUTS = {"digest": Secret[Bool, 256], "sig": Secret[UInt[32], 64]}
_TACHYON = "kroma-network/tachyon#460 (issue 21's table): zk-email's circom RSA-2048, e = 65537"


def _mul_mod_2048(width: int) -> Callable[[Any, Any], Any]:
    def body(api: Any, s: Any) -> Any:
        bi = g.bigint
        a, b = bi.from_limbs(api, list(s.a), width), bi.from_limbs(api, list(s.b), width)
        return bi.mul_mod(api, a, b, _rsa_modulus(2048))
    return body


# Issue 21 asks SHA-256 of 128 bytes in <= 53,048 constraints, citing csp-benchmarks. The results
# it stores (runs 19450978214, 22459618149, 23330555957, 26644954256 read) give 94,976 for circom
# (Groth16, R1CS read from its zkey): circomlib's Sha256(1024), three compressions, behind a wrapper
# taking 128 bytes (1,024 constraints to split them) and comparing the 32 digest bytes; 53,048 is
# in none of them. 53,048 = 2 x 26,524 is the price of two compressions, and 128 bytes need three:
# two message blocks and the padding block. Ours per compression: 17,254 for the first (IV
# constant), 17,446 for a middle one (chaining value and message free), 12,810 for the padding
# block (its words constant): 47,510 for the three (below 53,048), 34,700 for the two message
# blocks, and 49,558 for csp-benchmarks' whole statement (bytes in, digest compared). provekit's
# R1CS there (46,398 in run 26644954256) range-checks bytes with a lookup argument (its PR #247),
# not in Groth16.
_CSP_SHA256 = ("csp-benchmarks circom sha256_128 (circomlib, 3 compressions, bytes in; ours for that whole circuit "
               "49,558); per compression ours 17,254 first, 17,446 middle, 12,810 padding; issue 21's 53,048 "
               "= 2 x 26,524, two compressions")

_ECDSA_INPUTS = {name: Secret[UInt[32], 8] for name in ("qx", "qy", "z", "r", "s")}


def _ecdsa(curve: str) -> Callable[[Any, Any], Any]:
    from circuits.native import ecdsa as ne

    c = {"secp256k1": ne.SECP256K1, "P-256": ne.P256}[curve]

    def body(api: Any, s: Any) -> Any:
        return g.ecdsa_verify(api, c, list(s.qx), list(s.qy), list(s.z), list(s.r), list(s.s))
    return body


BEYOND_CIRCOMLIB: list[Published] = [
    Published(Entry("BigMulMod(121, 17) constant modulus", "", {"a": Secret[UInt[121], 17], "b": Secret[UInt[121], 17]},
                    _mul_mod_2048(121)), None, "one product modulo a 2048-bit n, 121-bit limbs"),
    Published(Entry("BigMulMod(32, 64) constant modulus", "", {"a": Secret[UInt[32], 64], "b": Secret[UInt[32], 64]},
                    _mul_mod_2048(32)), None, "the same in RSA's 32-bit limbs (carries checked 5 columns at a time)"),
    Published(Entry("RSA-2048 PKCS#1 v1.5 SHA-256 e=65537, key constant", "", _RSA_INPUTS,
                    lambda api, s: g.rsa_verify_pkcs1_sha256(api, list(s.digest), list(s.sig), _rsa_modulus(2048))),
              157_746, _TACHYON),
    Published(Entry("RSA-2048 PKCS#1 v1.5 SHA-256 e=65537, key input", "", {**_RSA_INPUTS, "n": Secret[Field, 64]},
                    lambda api, s: g.rsa_verify_pkcs1_sha256(api, list(s.digest), list(s.sig), list(s.n))),
              157_746, _TACHYON),
    Published(Entry("RSA-2048 PKCS#1 v1.5 SHA-256 e=3, key constant", "", _RSA_INPUTS,
                    lambda api, s: g.rsa_verify_pkcs1_sha256(api, list(s.digest), list(s.sig), _rsa_modulus(2048),
                                                             e=3)), None, "no published figure found"),
    Published(Entry("Keccak256(1024 bits)", "", {"m": Secret[Bool, 1024]}, lambda api, s: g.keccak256_bits(api, list(s.m))),
              93_184, "ethereum/csp-benchmarks' best circom Keccak-256 of 128 bytes (issue 21's table); "
                      "vocdoni/keccak256-circom states 150,848"),

    Published(Entry("SHA-256 of 128 bytes", "", {"m": Secret[Bool, 1024]},
                    lambda api, s: g.sha256_bits(api, list(s.m))), 94_976, _CSP_SHA256),

    # ECDSA: the best published figures (P-256 299,183, secp256k1 279,647: circom circuits collected
    # by ethereum/csp-benchmarks, issue 21's table); both below their figures, bounds
    Published(Entry("ECDSA secp256k1 verify, key and digest inputs", "", _ECDSA_INPUTS, _ecdsa("secp256k1")), 279_647,
              "ethereum/csp-benchmarks' circom (issue 21's table); ours with GLV and the folded mod_div check"),
    Published(Entry("ECDSA P-256 verify, key and digest inputs", "", _ECDSA_INPUTS, _ecdsa("P-256")), 299_183,
              "ethereum/csp-benchmarks' circom (issue 21's table); ours with coordinates left unreduced "
              "(circuits/gadgets/_folded.py): three values per step of two bits"),
]
