"""SHA-512 and SHA-384 in circuit, equal to :func:`hashlib.sha512` / :func:`hashlib.sha384`
and to their twins :mod:`circuits.native.sha512` (e-passports hash their data groups with
them). The construction is SHA-256's (:mod:`circuits.gadgets.sha256`) on 64-bit words: 80
rounds, 128-byte blocks, a 128-bit length field. Costs per round: each three-way XOR 1
constraint per bit, Ch 1, Maj 1, the two additions one decomposition each (64 bits plus
the carries). SHA-512 of 128 bytes (two blocks, the second all padding):
74,928 constraints (from bits; 1,024 more from bytes), SHA-384 the same.

    >>> import hashlib
    >>> from circuits import Circuit, Public, Secret, UInt, compile
    >>> from circuits.gadgets import sha512_bytes
    >>> class Pre(Circuit):
    ...     digest: Public[UInt[8], 64]
    ...     msg: Secret[UInt[8], 3]
    ...     def define(self, api):
    ...         for got, want in zip(sha512_bytes(api, list(self.msg)), self.digest):
    ...             api.assert_equal(got, want)
    >>> cs = compile(Pre)
    >>> w = cs.solve(Pre(digest=list(hashlib.sha512(b"abc").digest()), msg=list(b"abc")))
    >>> cs.r1cs.is_satisfied(w.values())
    True
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..native.sha512 import IV384, IV512, K512
from ..var import Operand, Var
from .sha256 import Spec, _byte_bits, _to_bytes, hash_bits, hash_var_bytes

__all__ = ["sha512_bits", "sha512_bytes", "sha384_bits", "sha384_bytes", "sha512_var_bytes", "SHA512", "SHA384"]

SHA512 = Spec(64, K512, IV512, (28, 34, 39), (14, 18, 41), (1, 8, 7), (19, 61, 6), 128, 8)
SHA384 = Spec(64, K512, IV384, (28, 34, 39), (14, 18, 41), (1, 8, 7), (19, 61, 6), 128, 6)


def sha512_bits(api: API, bits: Sequence[Operand]) -> list[Var]:
    """SHA-512 of a message of Bools (MSB of the first byte first); 512 Bools out."""
    return hash_bits(api, SHA512, bits, "sha512")


def sha384_bits(api: API, bits: Sequence[Operand]) -> list[Var]:
    """SHA-384 of a message of Bools (MSB of the first byte first); 384 Bools out."""
    return hash_bits(api, SHA384, bits, "sha384")


def sha512_bytes(api: API, data: Sequence[Operand]) -> list[Var]:
    """SHA-512 of byte values (range-checked to 8 bits): the 64 digest bytes."""
    return _to_bytes(api, sha512_bits(api, _byte_bits(api, data)))


def sha384_bytes(api: API, data: Sequence[Operand]) -> list[Var]:
    """SHA-384 of byte values (range-checked to 8 bits): the 48 digest bytes."""
    return _to_bytes(api, sha384_bits(api, _byte_bits(api, data)))


def sha512_var_bytes(api: API, data: Sequence[Operand], length: Operand) -> list[Var]:
    """SHA-512 of ``data[:length]`` for a secret ``length`` from 0 to ``len(data)``: the 64
    digest bytes (see :func:`circuits.gadgets.sha256.sha256_var_bytes`)."""
    return hash_var_bytes(api, SHA512, data, length, "sha512")
