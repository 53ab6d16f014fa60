"""Conversions to and from python-paillier (``phe``), both ways.

    >>> import phe
    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> phe_pk, phe_sk = to_phe_keys(pk, sk)
    >>> phe_sk.decrypt(to_phe(pk.encrypt(-5)))
    -5
    >>> sk.decrypt(from_phe(phe_pk.encrypt(12), pk))
    12
"""

from __future__ import annotations

from typing import Any

from ..errors import EncodingError, MPCTypeError
from .ciphertext import Ciphertext
from .keys import PrivateKey, PublicKey

__all__ = ["to_phe", "from_phe", "to_phe_keys", "from_phe_keys"]


def to_phe_keys(public_key: PublicKey, private_key: PrivateKey | None = None) -> tuple[Any, Any]:
    """phe's ``(PaillierPublicKey, PaillierPrivateKey or None)`` for the same key."""
    import phe

    ppk = phe.PaillierPublicKey(int(public_key.n))
    psk = None if private_key is None else phe.PaillierPrivateKey(ppk, int(private_key.p), int(private_key.q))
    return ppk, psk


def from_phe_keys(phe_public: Any, phe_private: Any = None, *, insecure: bool = False) -> tuple[PublicKey, PrivateKey | None]:
    """Our keys from phe's (validated as ours are)."""
    pk = PublicKey(phe_public.n, insecure=insecure)
    return pk, None if phe_private is None else PrivateKey(pk, phe_private.p, phe_private.q)


def to_phe(c: Ciphertext) -> Any:
    """A phe ``EncryptedNumber`` (exponent 0: an integer) holding the same ciphertext."""
    import phe

    return phe.EncryptedNumber(to_phe_keys(c.public_key)[0], int(c.value), 0)


def from_phe(enc: Any, public_key: PublicKey) -> Ciphertext:
    """Our ciphertext from a phe ``EncryptedNumber`` of an integer under ``public_key``
    (validated; phe's floats carry a per-value exponent, which we refuse).

    Security: phe hands out unobfuscated ciphertexts (``raw_encrypt``, ``r_value=1``,
    ``be_secure=False``) equal to ``1 + m n``, which anyone can read; such a value
    (``c = 1 mod n``) is re-randomised here with fresh ``secrets`` randomness."""
    import phe

    if not isinstance(enc, phe.EncryptedNumber):
        raise MPCTypeError(f"from_phe: expected a phe.EncryptedNumber, found {type(enc).__name__}")
    if enc.public_key.n != public_key.n:
        from ..errors import KeyMismatchError

        raise KeyMismatchError("from_phe: the EncryptedNumber is under another public key")
    if enc.exponent != 0:
        raise EncodingError(f"from_phe: exponent {enc.exponent} (phe's per-value float encoding); encode with "
                            "one fixed exponent per protocol and decrease_exponent_to it first")
    c = Ciphertext(public_key, enc.ciphertext(be_secure=False))
    return c.rerandomize() if c.value % public_key.n == 1 else c
