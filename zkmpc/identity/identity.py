"""Identities: a BabyJubJub EdDSA-Poseidon key pair and its commitment, as Semaphore v4.

The derivation is ``@semaphore-protocol/identity`` 4.x's (through ``@zk-kit/eddsa-poseidon``),
so the same private key gives the same identity in both systems:

1. the private key is bytes (text is taken as its UTF-8 bytes);
2. ``h = BLAKE-512(private key)``, the 64-byte digest of BLAKE (the SHA-3 finalist, not
   BLAKE2);
3. the low 32 bytes of ``h`` are pruned: byte 0 ``&= 0xF8``, byte 31 ``&= 0x7F`` then
   ``|= 0x40``;
4. ``secret_scalar = (little-endian integer of those bytes >> 3) mod l``, with ``l`` the
   order of Baby Jubjub's prime-order subgroup;
5. ``public_key = secret_scalar * Base8`` (a point of that subgroup);
6. ``commitment = Poseidon(public_key.x, public_key.y)`` (circomlib's Poseidon, 2 inputs):
   the value a group holds.

The export format is Semaphore's: the private key's bytes in base64 (a text key is
exported as its UTF-8 bytes, and comes back as bytes: the same identity).

    >>> alice = Identity("alice's private key")
    >>> alice.commitment == poseidon([*alice.public_key])
    True
    >>> Identity.load(alice.dump()).commitment == alice.commitment
    True
    >>> Identity.verify(42, alice.sign(42), alice.public_key)
    True

Security:
    A text key is only as strong as the text: a passphrase that can be guessed gives the
    identity away (and every nullifier with it). ``Identity()`` draws 32 bytes from
    ``secrets``. The private key and the secret scalar are secrets; ``repr`` shows only the
    commitment. Arithmetic is variable time (Python integers).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from circuits.native import babyjub as bj
from circuits.native.blake512 import blake512
from circuits.native.eddsa import PrivateKey, Signature
from circuits.native.eddsa import verify as eddsa_verify
from circuits.native.poseidon import poseidon

from ..errors import IdentityError

__all__ = ["Identity", "derive_secret_scalar", "commitment_of", "MAX_PRIVATE_KEY_BYTES"]

#: the longest private key accepted (bytes): far above any real key, small enough that a
#: hostile export cannot make the hash run for long
MAX_PRIVATE_KEY_BYTES = 1 << 16


def _key_bytes(private_key: object) -> bytes:
    if isinstance(private_key, str):
        try:
            data = private_key.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise IdentityError(f"Identity: expected a private key text that is valid Unicode, found "
                                f"a lone surrogate at {exc.start}") from None
    elif isinstance(private_key, (bytes, bytearray, memoryview)):
        data = bytes(private_key)
    else:
        raise IdentityError(f"Identity: expected a private key as str or bytes, found "
                            f"{type(private_key).__name__}")
    if not data:
        raise IdentityError("Identity: expected a non-empty private key, found an empty one")
    if len(data) > MAX_PRIVATE_KEY_BYTES:
        raise IdentityError(f"Identity: expected a private key of at most {MAX_PRIVATE_KEY_BYTES} bytes, "
                            f"found {len(data)}")
    return data


def derive_secret_scalar(private_key: str | bytes) -> int:
    """The secret scalar of a private key (steps 1 to 4 of the module's derivation).

    >>> 0 < derive_secret_scalar("secret") < bj.SUBORDER
    True
    """
    digest = bytearray(blake512(_key_bytes(private_key))[:32])
    digest[0] &= 0xF8
    digest[31] &= 0x7F
    digest[31] |= 0x40
    return (int.from_bytes(digest, "little") >> 3) % bj.SUBORDER


def commitment_of(public_key: bj.Point) -> int:
    """``Poseidon(x, y)`` of a public key of Baby Jubjub's prime-order subgroup.

    Raises:
        IdentityError: the point is not on the curve or not in the subgroup.
    """
    if not bj.in_subgroup(public_key):
        raise IdentityError(f"commitment_of: expected a point of Baby Jubjub's prime-order subgroup, "
                            f"found {public_key!r:.120}")
    return poseidon([public_key[0], public_key[1]])


def _random_key(rng: Any) -> bytes:
    if rng is None:
        return secrets.token_bytes(32)
    draw = getattr(rng, "randbelow", None) or getattr(rng, "randrange", None)
    if not callable(draw):
        raise IdentityError(f"Identity: expected rng with randbelow(n) or randrange(n), found {type(rng).__name__}")
    value = draw(1 << 256)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 256:
        raise IdentityError(f"Identity: rng returned {value!r:.60}, expected an int in [0, 2^256)")
    return value.to_bytes(32, "big")


class Identity:
    """A Semaphore v4 identity: ``private_key`` (as given), ``secret_scalar``,
    ``public_key`` and ``commitment``.

    Args:
        private_key: text (its UTF-8 bytes are the key) or bytes; 32 bytes from ``secrets``
            when omitted.
        rng: for tests only, a source with ``randbelow(n)`` or ``randrange(n)`` to draw the
            random key from.

    Raises:
        IdentityError: an empty key, a key longer than :data:`MAX_PRIVATE_KEY_BYTES`, text that
            is not valid Unicode, or a key of another type.
    """

    __slots__ = ("_private_key", "_key", "secret_scalar", "public_key", "commitment")

    def __init__(self, private_key: str | bytes | None = None, *, rng: Any = None) -> None:
        if private_key is None:
            private_key = _random_key(rng)
        self._key = _key_bytes(private_key)
        self._private_key: str | bytes = private_key if isinstance(private_key, str) else self._key
        self.secret_scalar: int = derive_secret_scalar(self._key)
        self.public_key: bj.Point = bj.mul(bj.BASE8, self.secret_scalar)
        self.commitment: int = poseidon([self.public_key[0], self.public_key[1]])

    @property
    def private_key(self) -> str | bytes:
        """The private key as it was given (text or bytes)."""
        return self._private_key

    def __repr__(self) -> str:
        return f"Identity(commitment={self.commitment})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.secret_scalar == self.secret_scalar

    def __hash__(self) -> int:
        return hash(self.commitment)

    def dump(self) -> str:
        """Semaphore's export: the private key's bytes in base64."""
        return base64.b64encode(self._key).decode("ascii")

    @classmethod
    def load(cls, exported: str) -> Identity:
        """The identity of a Semaphore export (base64 of the private key; the key comes back
        as bytes, as in Semaphore).

        Raises:
            IdentityError: text that is not canonical base64 of a non-empty key.
        """
        if not isinstance(exported, str):
            raise IdentityError(f"Identity.load: expected base64 text, found {type(exported).__name__}")
        if len(exported) > 4 * (MAX_PRIVATE_KEY_BYTES // 3 + 1):
            raise IdentityError(f"Identity.load: expected at most {MAX_PRIVATE_KEY_BYTES} bytes of key, "
                                f"found {len(exported)} characters of base64")
        try:
            key = base64.b64decode(exported.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise IdentityError(f"Identity.load: expected base64 text, found {exported[:40]!r}") from None
        if base64.b64encode(key).decode("ascii") != exported:
            raise IdentityError(f"Identity.load: expected canonical base64 (padded, no spaces), "
                                f"found {exported[:40]!r}")
        return cls(key)

    def sign(self, message: int) -> Signature:
        """An EdDSA-Poseidon signature of a field element, equal to Semaphore's
        ``identity.signMessage(message)``."""
        return PrivateKey(self._key).sign(message)

    @staticmethod
    def verify(message: int, signature: Signature, public_key: bj.Point) -> bool:
        """True iff ``signature`` signs ``message`` under ``public_key``
        (Semaphore's ``Identity.verifySignature``)."""
        return eddsa_verify(public_key, message, signature)
