"""Paillier over exact encodings: encrypt values with a protocol's encoding, aggregate
with the capacity checked first, decrypt with the bound checked.

    >>> from decimal import Decimal
    >>> from mpc.encoding import FixedPoint
    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> enc = FixedPoint(decimals=2, bound=Decimal(10**6))
    >>> cts = encrypt_encoded(pk, ["1.25", Decimal("-0.50"), 3], enc)
    >>> decrypt_encoded(sk, aggregate(cts, enc), enc, terms=len(cts))
    Decimal('3.75')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Sequence

from ..encoding import Encoding, check_capacity
from ..errors import MPCTypeError
from .batch import RandomnessPool, sum_
from .ciphertext import Ciphertext
from .keys import PrivateKey, PublicKey, same_key

__all__ = ["encrypt_encoded", "aggregate", "decrypt_encoded"]


def encrypt_encoded(public_key: PublicKey, values: Iterable[Any], encoding: Encoding, *,
                    pool: RandomnessPool | None = None) -> list[Ciphertext]:
    """Encrypt each value under ``encoding`` (the encoding must fit the key for one term)."""
    check_capacity(encoding, 1, int(public_key.max_int))
    if pool is not None:
        public_key.check_same(pool.public_key)
    encoded = [encoding.encode(v) for v in values]
    if pool is None:
        return [public_key.encrypt(m) for m in encoded]
    return [public_key._encrypt_with(m, pool.take()) for m in encoded]


def aggregate(ciphertexts: Sequence[Ciphertext], encoding: Encoding) -> Ciphertext:
    """The encrypted sum, refused before any work if ``len(ciphertexts) * bound`` could
    leave the plaintext range."""
    key = same_key(ciphertexts)
    if key is None:
        raise MPCTypeError("aggregate of no ciphertexts")
    check_capacity(encoding, len(ciphertexts), int(key.max_int))
    return sum_(ciphertexts)


def decrypt_encoded(private_key: PrivateKey, c: Ciphertext, encoding: Encoding, *, terms: int = 1) -> int | Decimal:
    """Decrypt and decode an aggregate of ``terms`` values (bound-checked)."""
    return encoding.decode(private_key.decrypt(c), terms=terms)
