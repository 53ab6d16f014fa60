"""RSA signature verification in circuit: PKCS#1 v1.5 with SHA-256 (RFC 8017), the scheme
of India's Aadhaar QR code and of many e-passport document signers.

``rsa_verify_pkcs1_sha256(api, digest, signature, modulus)`` constrains ``signature <
modulus`` and ``signature ** e mod modulus`` (``e = 65537`` by default) to equal the encoded
message ``00 01 FF..FF 00 || DigestInfo(SHA-256) || digest``; a wrong signature, ``s >= n``,
a wrong padding byte or another hash leaves no witness. It takes the digest (256 Bools, most
significant bit first as :func:`~circuits.gadgets.sha256_bits` returns them, or 32 bytes
typed ``UInt[8]``): hashing is the caller's. Numbers are :mod:`~circuits.gadgets.bigint`
integers of 64 limbs of 32 bits (2048 bits): the signature's limbs come from
:func:`circuits.native.rsa.signature_limbs`, typed ``UInt[32]``.

The modulus is either a constant (one issuer's key compiled in: cheapest) or a circuit input,
public or secret (limbs from :func:`circuits.native.rsa.modulus_limbs`, its top limb checked
so that ``n >= 2**(bits - 1)``). The Anon Aadhaar pattern keeps it a *public* input: the
verifier must know which issuer signed (it compares the key, or a hash of it, with the
issuer's published one), the key is no secret, and one circuit then serves every key. A
secret modulus costs the same but proves only "some key signed": it needs a membership
proof of the key in a set of issuers to mean anything.

Costs (2048 bits, e = 65537: 16 squarings and one product modulo n, each with its quotient
and remainder range-checked, the last remainder being the encoded message itself, plus
``s < n``): the modulus an input 89,677 constraints; a constant 85,386 for the key of the
golden counts (the quotient's bound depends on the key: within a few hundred of that);
e = 3: 12,412 and 10,101. RSA-4096 (128 limbs), e = 65537, a constant key: about 171,500.
The best published circom R1CS for RSA-2048: 157,746 (kroma-network/tachyon#460, zk-email's
circuit, 121-bit limbs: our layer at 121 bits gives 8,149 per product modulo n, at 32 bits
5,019, the carries of five columns checked at once).

    >>> import hashlib
    >>> from cryptography.hazmat.primitives import hashes
    >>> from cryptography.hazmat.primitives.asymmetric import padding, rsa
    >>> from circuits import Circuit, Secret, Bool, UInt, compile
    >>> from circuits.gadgets import rsa_verify_pkcs1_sha256
    >>> from circuits.native.rsa import signature_limbs
    >>> key = rsa.generate_private_key(public_exponent=3, key_size=1024)
    >>> N = key.public_key().public_numbers().n
    >>> class Signed(Circuit):
    ...     digest: Secret[UInt[8], 32]
    ...     sig: Secret[UInt[32], 32]
    ...     def define(self, api):
    ...         rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), N, e=3, bits=1024)
    >>> cs = compile(Signed)
    >>> sig = key.sign(b"hello", padding.PKCS1v15(), hashes.SHA256())
    >>> ok = Signed(digest=list(hashlib.sha256(b"hello").digest()),
    ...             sig=signature_limbs(int.from_bytes(sig, "big"), 1024))
    >>> cs.r1cs.is_satisfied(cs.solve(ok).values())
    True
    >>> cs.solve(Signed(digest=list(hashlib.sha256(b"hellO").digest()), sig=ok.sig))
    Traceback (most recent call last):
    ...
    circuits.errors.UnsatisfiedConstraintError: rsa/bigint/identity at ...
"""

from __future__ import annotations

from typing import Sequence

from ..api import API
from ..errors import CircuitDefinitionError, CircuitTypeError
from ..native.bigint import limb_count
from ..native.rsa import WIDTH, encode_pkcs1_sha256
from ..var import Operand, Var
from . import bigint as bi

__all__ = ["rsa_verify_pkcs1_sha256"]


def _digest_pieces(api: API, digest: Sequence[Operand]) -> list[tuple[Var, int, int]]:
    """The digest as ``(value, position of its lowest bit in the integer, width)`` pieces:
    256 Bools (most significant first) or 32 bytes typed ``UInt[8]`` (big-endian)."""
    items = [api.lift(x) for x in digest]
    if len(items) == 256:
        for b in items:
            api.require_bool(b, "rsa digest bit")
        return [(b, 255 - i, 1) for i, b in enumerate(items)]
    if len(items) == 32:
        for byte in items:
            if byte.bits is None or byte.bits > 8:
                raise CircuitTypeError(f"rsa: digest bytes must be typed UInt[8], found {byte!r}")
        return [(byte, 8 * (31 - i), 8) for i, byte in enumerate(items)]
    raise CircuitTypeError(f"rsa: expected the digest as 256 Bools or 32 bytes, found {len(items)} items")


def _encoded_message(api: API, digest: Sequence[Operand], bits: int) -> bi.BigInt:
    """EMSA-PKCS1-v1_5(digest) as limbs: constants above the digest, its pieces below (free;
    a byte across two limbs is split into bits, 8 constraints, never with 32-bit limbs)."""
    k = limb_count(bits, WIDTH)
    pieces: list[tuple[Var, int, int]] = []
    for v, at, width in _digest_pieces(api, digest):
        if at // WIDTH == (at + width - 1) // WIDTH:
            pieces.append((v, at, width))
        else:
            pieces.extend((bit, at + j, 1) for j, bit in enumerate(api.to_bits(v, width)))
    const = encode_pkcs1_sha256(bytes(32), bits)  # the digest's 256 bits are 0 here
    limbs, bounds = [], []
    for i in range(k):
        c = (const >> (WIDTH * i)) & ((1 << WIDTH) - 1)
        terms = [(v, 1 << (at - WIDTH * i)) for v, at, _ in pieces if at // WIDTH == i]
        limbs.append(api.lincomb(terms, c))
        top = sum(((1 << width) - 1) << (at - WIDTH * i) for _, at, width in pieces if at // WIDTH == i)
        bounds.append((c, c + top))
    return bi.BigInt(tuple(limbs), WIDTH, tuple(bounds))


def _modulus(api: API, modulus: int | Sequence[Operand], bits: int) -> bi.BigInt | int:
    if isinstance(modulus, int):
        if modulus.bit_length() != bits or modulus % 2 == 0:
            raise CircuitDefinitionError(f"rsa: expected an odd modulus of {bits} bits, found one of "
                                         f"{modulus.bit_length()} bits")
        return modulus
    k = limb_count(bits, WIDTH)
    if len(modulus) != k:
        raise CircuitTypeError(f"rsa: expected the modulus as {k} limbs of {WIDTH} bits, found {len(modulus)}")
    top = bits - WIDTH * (k - 1)  # the top limb in [2**(top-1), 2**top): n >= 2**(bits-1)
    return bi.from_limbs(api, list(modulus), WIDTH, bits=[WIDTH] * (k - 1) + [top - 1],
                         low=[0] * (k - 1) + [1 << (top - 1)])


def rsa_verify_pkcs1_sha256(api: API, digest: Sequence[Operand], signature: Sequence[Operand],
                            modulus: int | Sequence[Operand], *, e: int = 65537, bits: int = 2048) -> None:
    """Constrain ``signature`` (limbs of :func:`circuits.native.rsa.signature_limbs`) to be
    a PKCS#1 v1.5 SHA-256 signature of ``digest`` under ``(modulus, e)``: ``signature <
    modulus`` and ``signature ** e mod modulus == EMSA-PKCS1-v1_5(digest)``. ``modulus``: a
    constant int or its limbs (an input, see the module docstring); ``e`` odd, at least 3;
    ``bits`` a multiple of 8 (2048, 3072, 4096...).

    Raises:
        CircuitTypeError: the digest, signature or modulus has the wrong shape.
        CircuitDefinitionError: ``e`` is even or below 3, or a constant modulus is not of ``bits`` bits.
    """
    if isinstance(e, bool) or not isinstance(e, int) or e < 3 or e % 2 == 0:
        raise CircuitDefinitionError(f"rsa: expected an odd public exponent >= 3, found {e!r}")
    if bits % 8 or bits < 512:
        raise CircuitDefinitionError(f"rsa: expected a modulus of a multiple of 8 bits >= 512, found {bits}")
    k = limb_count(bits, WIDTH)
    if len(signature) != k:
        raise CircuitTypeError(f"rsa: expected the signature as {k} limbs of {WIDTH} bits, found {len(signature)}")
    with api.scope("rsa"):
        n = _modulus(api, modulus, bits)
        em = _encoded_message(api, digest, bits)
        s = bi.from_limbs(api, list(signature), WIDTH)
        bi.assert_less_than(api, s, n)
        x = s
        ebits = bin(e)[3:]  # after the leading 1; the last bit is 1 (e odd): the final product
        for i, bit in enumerate(ebits):
            last = i == len(ebits) - 1
            x = bi.mul_mod(api, x, x, n)
            if bit == "1" and not last:
                x = bi.mul_mod(api, x, s, n)
        bi.assert_mul_mod(api, x, s, n, em)
