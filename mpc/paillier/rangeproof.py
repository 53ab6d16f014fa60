"""A zero-knowledge proof that a Paillier ciphertext encrypts a value in ``[0, 2^bits)``.

The prover encrypts each bit ``b_i`` of ``m`` as ``c_i = (1 + n)^{b_i} r_i^n mod n^2`` and
sets the ciphertext to ``c = prod_i c_i^{2^i}``: its randomness is ``prod_i r_i^{2^i}``, so
``c`` encrypts ``sum_i b_i 2^i = m``, and the verifier recomputes the product (the *linear
combination check*, ``bits`` squarings and multiplications mod ``n^2``). For each ``c_i``
an OR-proof (Cramer-Damgard-Schoenmakers) shows that ``c_i`` or ``c_i / (1 + n)`` is an
n-th residue mod ``n^2``, i.e. that ``c_i`` encrypts 0 or 1, without saying which: the
sigma protocol of n-th residuosity, the false branch simulated, made non-interactive by
Fiat-Shamir with SHA-256 over the key, the bit's index and ciphertext, both first messages
and the caller's ``context`` (bind it to the report: holder, field, round).

Soundness: each OR-proof has 128-bit challenges, below the smallest prime factor of ``n``
(>= 512 bits for any key this package accepts), so two accepting transcripts with
different challenges yield an n-th root (special soundness): a cheating prover convinces
the verifier with probability at most ``q / 2^128`` for ``q`` hash evaluations (random
oracle model), whatever ``bits``. The linear check then pins ``c`` to an encryption of
``sum b_i 2^i < 2^bits``, read in ``Z_n`` without wrap-around since ``2^bits < n / 3``.
Zero knowledge: honest-verifier ZK of each sigma protocol; the proof reveals ``bits``.
Cost: ``3 bits`` full exponentiations mod ``n^2`` to prove and ``2 bits`` to verify; about
``bits * (4 + 4 * |n^2|/8)`` bytes. Variable-time arithmetic (gmpy2).

    >>> from mpc import paillier
    >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
    >>> c, proof = encrypt_in_range(pk, 1000, 10, context=b"bank A/total")
    >>> sk.decrypt(c), verify_range(pk, c, proof, context=b"bank A/total")
    (1000, True)
    >>> verify_range(pk, c, proof, context=b"bank B/total")    # another report's context
    False
    >>> verify_range(pk, c + c, proof, context=b"bank A/total")  # 2000: another ciphertext
    False
    >>> encrypt_in_range(pk, 1024, 10)
    Traceback (most recent call last):
    ...
    mpc.errors.RangeProofError: encrypt_in_range: expected a value in [0, 2^10), found 1024
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

import gmpy2

from .._intmath import random_unit
from ..errors import RangeProofError
from .ciphertext import Ciphertext
from .keys import PublicKey

__all__ = ["BitProof", "RangeProof", "RangeProofError", "encrypt_in_range", "verify_range", "CHALLENGE_BITS"]

#: bits of each Fiat-Shamir challenge (the soundness error of one OR-proof is 2^-128)
CHALLENGE_BITS = 128
_DOMAIN = b"zkmpc/paillier/rangeproof/v1"


@dataclass(frozen=True)
class BitProof:
    """The OR-proof that one bit ciphertext encrypts 0 or 1: first messages ``a``,
    challenges ``e`` and responses ``z`` of the two branches."""

    a: tuple[int, int]
    e: tuple[int, int]
    z: tuple[int, int]


@dataclass(frozen=True)
class RangeProof:
    """The proof that a ciphertext encrypts a value in ``[0, 2^bits)``: the bits'
    ciphertexts (``c_i`` values) and their OR-proofs."""

    bits: int
    bit_ciphertexts: tuple[int, ...]
    bit_proofs: tuple[BitProof, ...]

    def to_list(self) -> list[Any]:
        """A JSON-ready form: ``[bits, [c_i...], [[a0, a1, e0, e1, z0, z1]...]]`` (decimal strings).

            >>> from mpc import paillier
            >>> pk, _ = paillier.keygen(bits=1024, insecure=True)
            >>> c, proof = encrypt_in_range(pk, 5, 3)
            >>> RangeProof.from_list(proof.to_list(), pk) == proof
            True
        """
        rows = [[str(v) for v in (*p.a, *p.e, *p.z)] for p in self.bit_proofs]
        return [self.bits, [str(c) for c in self.bit_ciphertexts], rows]

    @classmethod
    def from_list(cls, data: Any, pk: PublicKey) -> RangeProof:
        """Inverse of :meth:`to_list`, for ``pk`` (counts and integer sizes checked here,
        group membership by :func:`verify_range`).

        Raises:
            RangeProofError: anything that is not that shape.
        """
        if not (isinstance(data, list) and len(data) == 3 and isinstance(data[1], list) and isinstance(data[2], list)):
            raise RangeProofError("range proof: expected [bits, [c...], [[a0, a1, e0, e1, z0, z1]...]]")
        bits = _check_bits(pk, data[0])
        if len(data[1]) != bits or len(data[2]) != bits:
            raise RangeProofError(f"range proof: expected {bits} bit ciphertexts and proofs")
        width = 2 * pk.bits
        cts = tuple(_decimal(v, width) for v in data[1])
        proofs = []
        for row in data[2]:
            if not isinstance(row, list) or len(row) != 6:
                raise RangeProofError("range proof: expected rows of 6 decimal strings")
            v = [_decimal(x, width) for x in row]
            proofs.append(BitProof((v[0], v[1]), (v[2], v[3]), (v[4], v[5])))
        return cls(bits, cts, tuple(proofs))


def _decimal(v: object, max_bits: int) -> int:
    if not isinstance(v, str) or not v.isdigit() or len(v) > max_bits * 0.302 + 2 or (len(v) > 1 and v[0] == "0"):
        raise RangeProofError(f"range proof: expected a canonical decimal string, found {str(v)[:40]!r}")
    return int(v)


def _max_bits(pk: PublicKey) -> int:
    return int(pk.max_int).bit_length() - 1  # 2^bits <= max_int: decrypts as itself


def _challenge(pk: PublicKey, index: int, c: int, a: tuple[int, int], context: bytes) -> int:
    h = hashlib.sha256(_DOMAIN)
    width = (2 * pk.bits + 7) // 8
    for part in (int(pk.n), index, int(c), int(a[0]), int(a[1])):
        h.update(int(part).to_bytes(width, "big"))
    h.update(len(context).to_bytes(8, "big") + context)
    return int.from_bytes(h.digest(), "big") >> (256 - CHALLENGE_BITS)


def _draw_challenge(rng: Any) -> int:
    return int(rng.randrange(1 << CHALLENGE_BITS)) if rng is not None else secrets.randbits(CHALLENGE_BITS)


def _prove_bit(pk: PublicKey, index: int, bit: int, c: int, r: Any, context: bytes, rng: Any) -> BitProof:
    n, n2 = pk.n, pk.nsquare
    u = (c, c * gmpy2.invert(1 + n, n2) % n2)  # u_j is an n-th residue iff c encrypts j
    fake = 1 - bit
    e_fake = _draw_challenge(rng)
    z_fake = random_unit(n, rng)
    a_fake = gmpy2.powmod(z_fake, n, n2) * gmpy2.powmod(gmpy2.invert(u[fake], n2), e_fake, n2) % n2
    t = random_unit(n, rng)
    a_real = gmpy2.powmod(t, n, n2)
    a = (a_real, a_fake) if bit == 0 else (a_fake, a_real)
    e = _challenge(pk, index, c, (int(a[0]), int(a[1])), context)
    e_real = (e - e_fake) % (1 << CHALLENGE_BITS)
    z_real = t * gmpy2.powmod(r, e_real, n) % n
    es = (e_real, e_fake) if bit == 0 else (e_fake, e_real)
    zs = (z_real, z_fake) if bit == 0 else (z_fake, z_real)
    return BitProof((int(a[0]), int(a[1])), (int(es[0]), int(es[1])), (int(zs[0]), int(zs[1])))


def encrypt_in_range(pk: PublicKey, m: int, bits: int, *, context: bytes = b"",
                     rng: Any = None) -> tuple[Ciphertext, RangeProof]:
    """Encrypt ``m`` in ``[0, 2^bits)`` with a proof that it is in range (see the module
    docstring); ``rng`` (with ``randrange``) for tests, ``secrets`` otherwise.

    Raises:
        RangeProofError: ``m`` out of range, or ``bits`` outside ``[1, log2(max_int)]``.
    """
    _check_bits(pk, bits)
    if isinstance(m, bool) or not isinstance(m, int) or not 0 <= m < (1 << bits):
        raise RangeProofError(f"encrypt_in_range: expected a value in [0, 2^{bits}), found {m!r}")
    n, n2 = pk.n, pk.nsquare
    cts, proofs, total_r = [], [], gmpy2.mpz(1)
    for i in range(bits):
        bit = (m >> i) & 1
        r = random_unit(n, rng)
        c = (1 + bit * n) * gmpy2.powmod(r, n, n2) % n2
        cts.append(int(c))
        proofs.append(_prove_bit(pk, i, bit, c, r, context, rng))
        total_r = total_r * gmpy2.powmod(r, 1 << i, n) % n
    c_total = Ciphertext._raw(pk, _combine(pk, cts), m)
    return c_total, RangeProof(bits, tuple(cts), tuple(proofs))


def _combine(pk: PublicKey, cts: list[int] | tuple[int, ...]) -> Any:
    """``prod_i cts[i]^(2^i) mod n^2`` by Horner's rule."""
    acc = gmpy2.mpz(1)
    for c in reversed(cts):
        acc = acc * acc % pk.nsquare * c % pk.nsquare
    return acc


def _check_bits(pk: PublicKey, bits: object) -> int:
    top = _max_bits(pk)
    if isinstance(bits, bool) or not isinstance(bits, int) or not 1 <= bits <= top:
        raise RangeProofError(f"range proof: expected bits in [1, {top}] for a {pk.bits}-bit key, found {bits!r}")
    return bits


def _check_shape(pk: PublicKey, proof: object) -> RangeProof:
    if not isinstance(proof, RangeProof):
        raise RangeProofError(f"expected a RangeProof, found {type(proof).__name__}")
    bits = _check_bits(pk, proof.bits)
    if len(proof.bit_ciphertexts) != bits or len(proof.bit_proofs) != bits:
        raise RangeProofError(f"range proof: expected {bits} bit ciphertexts and proofs, found "
                              f"{len(proof.bit_ciphertexts)} and {len(proof.bit_proofs)}")
    for i, (c, bp) in enumerate(zip(proof.bit_ciphertexts, proof.bit_proofs)):
        Ciphertext(pk, c)  # 0 < c < n^2 and a unit, or InvalidCiphertextError
        ok = (isinstance(bp, BitProof) and all(len(t) == 2 for t in (bp.a, bp.e, bp.z))
              and all(_int_in(a, 1, pk.nsquare) for a in bp.a) and all(_int_in(e, 0, 1 << CHALLENGE_BITS) for e in bp.e)
              and all(_int_in(z, 1, pk.n) for z in bp.z))
        if not ok:
            raise RangeProofError(f"range proof: bit {i}: expected a = (2 values in (0, n^2)), e = (2 values in "
                                  f"[0, 2^{CHALLENGE_BITS})), z = (2 values in (0, n))")
    return proof


def _int_in(v: object, lo: int, hi: int) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v < hi


def _bit_ok(pk: PublicKey, index: int, c: int, bp: BitProof, context: bytes) -> bool:
    n, n2 = pk.n, pk.nsquare
    if (bp.e[0] + bp.e[1]) % (1 << CHALLENGE_BITS) != _challenge(pk, index, c, bp.a, context):
        return False
    u = (gmpy2.mpz(c), c * gmpy2.invert(1 + n, n2) % n2)
    return all(gmpy2.powmod(bp.z[j], n, n2) == bp.a[j] * gmpy2.powmod(u[j], bp.e[j], n2) % n2 for j in (0, 1))


def verify_range(pk: PublicKey, ciphertext: Ciphertext, proof: RangeProof, *, context: bytes = b"") -> bool:
    """True when ``proof`` shows that ``ciphertext`` encrypts a value in ``[0, 2^proof.bits)``
    under ``pk`` for this ``context``; False for a well-formed proof that does not.

    Raises:
        RangeProofError: a malformed proof (counts, ranges, bits for the key).
        KeyMismatchError: a ciphertext under another key.
    """
    pk.check_same(ciphertext.public_key)
    _check_shape(pk, proof)
    if _combine(pk, proof.bit_ciphertexts) != ciphertext.value:
        return False
    return all(_bit_ok(pk, i, c, bp, context) for i, (c, bp) in enumerate(zip(proof.bit_ciphertexts, proof.bit_proofs)))
