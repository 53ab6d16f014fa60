"""Gadgets: reusable pieces of circuit, each with a native twin in :mod:`circuits.native`
where the function is not plain Python arithmetic. One gadget per module; every
docstring states the constraint count (``tests/vectors/gadget_counts.csv`` pins them)."""

from .babyjub import assert_on_curve, edwards_add, mul_any, mul_fixed
from .bits import assert_bits_le_constant, from_bits, from_bits_strict, range_check, to_bits, to_bits_strict
from .eddsa import eddsa_poseidon_verify
from .comparators import (assert_ge, assert_gt, assert_le, assert_lt, is_equal, is_ge, is_gt, is_le, is_lt,
                          is_zero)
from .logic import all_of, and_, any_of, is_in, mux, not_, or_, select, xor
from .merkle import assert_member, merkle_root
from .mimc import mimc7, mimc_feistel, mimc_sponge, multi_mimc7
from .nullifier import nullifier
from .poseidon import poseidon, poseidon_permute
from .sha256 import sha256_bits, sha256_bytes
from .smt import assert_smt_member, assert_smt_non_member, smt_verify

__all__ = ["to_bits", "to_bits_strict", "from_bits", "from_bits_strict", "range_check",
           "is_lt", "is_le", "is_gt", "is_ge", "is_equal", "is_zero",
           "assert_lt", "assert_le", "assert_gt", "assert_ge",
           "and_", "or_", "xor", "not_", "all_of", "any_of", "select", "mux", "is_in",
           "poseidon", "poseidon_permute", "mimc7", "multi_mimc7", "mimc_feistel", "mimc_sponge",
           "merkle_root", "assert_member", "nullifier", "assert_bits_le_constant",
           "edwards_add", "assert_on_curve", "mul_fixed", "mul_any", "eddsa_poseidon_verify",
           "sha256_bits", "sha256_bytes", "smt_verify", "assert_smt_member", "assert_smt_non_member"]

from .lean_imt import assert_lean_imt_member, lean_imt_root, padded_proof

__all__ += ["lean_imt_root", "assert_lean_imt_member", "padded_proof"]

from .sha256 import sha256_var_bytes
from .sha512 import sha384_bits, sha384_bytes, sha512_bits, sha512_bytes, sha512_var_bytes

__all__ += ["sha256_var_bytes", "sha512_bits", "sha512_bytes", "sha384_bits", "sha384_bytes", "sha512_var_bytes"]

from . import bigint
from .rsa import rsa_verify_pkcs1_sha256

__all__ += ["bigint", "rsa_verify_pkcs1_sha256"]

from .keccak import eth_address_bytes, keccak256_bits, keccak256_bytes, keccak_f, sha3_256_bytes

__all__ += ["keccak_f", "keccak256_bits", "keccak256_bytes", "sha3_256_bytes", "eth_address_bytes"]

from .ecdsa import ecdsa_verify

__all__ += ["ecdsa_verify"]
