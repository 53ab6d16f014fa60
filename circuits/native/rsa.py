"""Native twin of :mod:`circuits.gadgets.rsa`: RSA PKCS#1 v1.5 verification with SHA-256.

``verify(n, signature, digest)`` is what the gadget constrains: ``signature < n`` and
``signature ** e mod n`` equal to the encoded message ``00 01 FF..FF 00 || DigestInfo ||
digest`` (RFC 8017 EMSA-PKCS1-v1_5), as :mod:`cryptography` verifies it.

    >>> import hashlib
    >>> digest = hashlib.sha256(b"abc").digest()
    >>> em = encode_pkcs1_sha256(digest, 2048)
    >>> em.to_bytes(256, "big")[:3].hex(), len(em.to_bytes(256, "big"))
    ('0001ff', 256)
    >>> verify(61 * 53, 5, digest, e=17)   # a modulus too small for PKCS#1: refused
    False
"""

from __future__ import annotations

from .bigint import limb_count, to_limbs

__all__ = ["SHA256_DIGEST_INFO", "WIDTH", "encode_pkcs1_sha256", "verify", "signature_limbs", "modulus_limbs"]

#: the DER prefix of a SHA-256 DigestInfo (RFC 8017, section 9.2, note 1)
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
#: the limb width the gadget uses (64 limbs for 2048 bits: narrow limbs let one range check
#: cover the carries of five columns, see circuits.gadgets.bigint; bytes fall in whole limbs)
WIDTH = 32


def encode_pkcs1_sha256(digest: bytes, bits: int) -> int:
    """The EMSA-PKCS1-v1_5 encoding of a SHA-256 ``digest`` for a ``bits``-bit modulus (a
    multiple of 8, at least 512), as an integer.

    Raises:
        ValueError: the digest is not 32 bytes or the modulus is too small or unaligned.
    """
    if len(digest) != 32:
        raise ValueError(f"encode_pkcs1_sha256: expected a 32-byte digest, found {len(digest)} bytes")
    if bits % 8 or bits < 512:
        raise ValueError(f"encode_pkcs1_sha256: expected a modulus of a multiple of 8 bits >= 512, found {bits}")
    k = bits // 8
    t = SHA256_DIGEST_INFO + bytes(digest)
    return int.from_bytes(b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t, "big")


def verify(n: int, signature: int, digest: bytes, *, e: int = 65537) -> bool:
    """``signature`` is a PKCS#1 v1.5 SHA-256 signature of ``digest`` under ``(n, e)``."""
    bits = n.bit_length()
    if bits % 8 or bits < 512 or len(digest) != 32 or not 0 <= signature < n:
        return False
    return pow(signature, e, n) == encode_pkcs1_sha256(digest, bits)


def signature_limbs(signature: int, bits: int = 2048) -> list[int]:
    """The gadget's input limbs of a signature (or any value below ``2**bits``)."""
    return to_limbs(signature, WIDTH, limb_count(bits, WIDTH))


def modulus_limbs(n: int) -> list[int]:
    """The gadget's input limbs of a modulus of a multiple of 8 bits."""
    return to_limbs(n, WIDTH, limb_count(n.bit_length(), WIDTH))
