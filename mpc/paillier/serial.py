"""Versioned JSON for Paillier keys and ciphertexts (strict parsing, see :mod:`mpc.serial`).

A ciphertext names its key by a fingerprint (SHA-256 of n) and is re-randomised when
written, so the bytes that leave the process cannot be linked to the computation that
produced them.

    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> pk2 = load_public_key(dump_public_key(pk), insecure=True)
    >>> c = load_ciphertext(dump_ciphertext(pk.encrypt(7)), pk2)
    >>> sk.decrypt(c)
    7
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from ..errors import KeyMismatchError
from ..serial import MalformedDataError, VERSION, decode_int, dumps, encode_int, loads
from .ciphertext import Ciphertext
from .keys import PrivateKey, PublicKey

__all__ = ["fingerprint", "dump_public_key", "load_public_key", "dump_private_key", "load_private_key",
           "dump_ciphertext", "load_ciphertext", "dump_ciphertexts", "load_ciphertexts", "MAX_KEY_BITS"]

MAX_KEY_BITS = 16384
MAX_BATCH = 10_000


def fingerprint(public_key: PublicKey) -> str:
    n = int(public_key.n)
    return hashlib.sha256(n.to_bytes((n.bit_length() + 7) // 8, "big")).hexdigest()[:32]


def dump_public_key(pk: PublicKey) -> str:
    return dumps({"type": "paillier-public-key", "version": VERSION, "n": encode_int(pk.n)})


def load_public_key(text: str | bytes, *, insecure: bool = False) -> PublicKey:
    doc = loads(text, "paillier-public-key", {"n"})
    return PublicKey(decode_int(doc["n"], "n", max_bits=MAX_KEY_BITS), insecure=insecure)


def dump_private_key(sk: PrivateKey) -> str:
    """The factors in the clear: store it as you would any private key."""
    return dumps({"type": "paillier-private-key", "version": VERSION, "n": encode_int(sk.public_key.n),
                  "p": encode_int(sk.p), "q": encode_int(sk.q)})


def load_private_key(text: str | bytes, *, insecure: bool = False) -> PrivateKey:
    doc = loads(text, "paillier-private-key", {"n", "p", "q"})
    pk = PublicKey(decode_int(doc["n"], "n", max_bits=MAX_KEY_BITS), insecure=insecure)
    half = MAX_KEY_BITS // 2 + 1
    return PrivateKey(pk, decode_int(doc["p"], "p", max_bits=half), decode_int(doc["q"], "q", max_bits=half))


def _values(cts: Sequence[Ciphertext], rerandomize: bool) -> tuple[PublicKey, list[str]]:
    if not cts:
        raise MalformedDataError("no ciphertexts to write")
    pk = cts[0].public_key
    for c in cts:
        pk.check_same(c.public_key)
    return pk, [encode_int((c.rerandomize() if rerandomize else c).value) for c in cts]


def dump_ciphertexts(cts: Sequence[Ciphertext], *, rerandomize: bool = True) -> str:
    pk, vals = _values(cts, rerandomize)
    return dumps({"type": "paillier-ciphertexts", "version": VERSION, "key": fingerprint(pk), "c": vals})


def load_ciphertexts(text: str | bytes, public_key: PublicKey) -> list[Ciphertext]:
    """Ciphertexts under ``public_key`` (each checked to lie in Z*_{n^2})."""
    doc = loads(text, "paillier-ciphertexts", {"key", "c"}, max_size=MAX_BATCH * (public_key.bits // 3 + 8) + 1024)
    _check_key(doc["key"], public_key)
    if not isinstance(doc["c"], list) or not 0 < len(doc["c"]) <= MAX_BATCH:
        raise MalformedDataError(f"expected a list of 1..{MAX_BATCH} ciphertexts")
    bits = 2 * public_key.bits
    return [Ciphertext(public_key, decode_int(v, f"c[{i}]", max_bits=bits)) for i, v in enumerate(doc["c"])]


def dump_ciphertext(c: Ciphertext, *, rerandomize: bool = True) -> str:
    pk, (val,) = _values([c], rerandomize)
    return dumps({"type": "paillier-ciphertext", "version": VERSION, "key": fingerprint(pk), "c": val})


def load_ciphertext(text: str | bytes, public_key: PublicKey) -> Ciphertext:
    doc = loads(text, "paillier-ciphertext", {"key", "c"}, max_size=public_key.bits + 1024)
    _check_key(doc["key"], public_key)
    return Ciphertext(public_key, decode_int(doc["c"], "c", max_bits=2 * public_key.bits))


def _check_key(fp: object, public_key: PublicKey) -> None:
    if not isinstance(fp, str):
        raise MalformedDataError("key: expected a fingerprint string")
    if fp != fingerprint(public_key):
        raise KeyMismatchError(f"the ciphertext is under key {fp[:32]!r}, not {fingerprint(public_key)}")
