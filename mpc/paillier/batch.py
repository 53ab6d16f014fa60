"""Vectorised Paillier: precomputed randomness, batch encryption and decryption, sums and
weighted sums, on every core.

The cost of an encryption is the exponentiation ``r^n mod n^2``; it does not depend on the
plaintext, so a :class:`RandomnessPool` computes many ahead of time (in worker processes;
by CRT when the key holder fills it), and the online encryption is one multiplication.
Each pooled value is handed out once and then forgotten.

    >>> from mpc.paillier import keygen
    >>> pk, sk = keygen(bits=1024, insecure=True)
    >>> pool = RandomnessPool(pk)
    >>> pool.fill(8, processes=1)
    >>> cts = encrypt_many(pk, [1, -2, 3, 4], pool=pool)
    >>> len(pool), decrypt_many(sk, cts), sk.decrypt(sum_(cts)), sk.decrypt(dot(cts, [1, 2, 3, 4]))
    (4, [1, -2, 3, 4], 6, 22)
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import gmpy2
from gmpy2 import mpz

from zkp.progress import Progress, reporter

from .._intmath import Rng, require_int
from ..errors import MPCTypeError
from .ciphertext import Ciphertext
from .djn import DJNRandomness
from .keys import PrivateKey, PublicKey, same_key

if TYPE_CHECKING:
    from .threshold import ThresholdPublicKey

__all__ = ["RandomnessPool", "encrypt_many", "decrypt_many", "sum_", "dot", "as_int_list"]


def paillier_key(key: Any) -> PublicKey:
    """``key`` itself, or the Paillier key inside a threshold public key; else
    :class:`~mpc.errors.MPCTypeError` saying what was expected."""
    if isinstance(key, PublicKey):
        return key
    inner = getattr(key, "public_key", None)
    if type(key).__name__ == "ThresholdPublicKey" and isinstance(inner, PublicKey):
        return inner
    raise MPCTypeError(f"public_key: expected a paillier PublicKey or ThresholdPublicKey, found {type(key).__name__}")


def as_int_list(values: Any, what: str = "values") -> list[int]:
    """Python ints from a sequence or a numpy integer array (floats, bools, NaN refused)."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        np = None  # type: ignore[assignment]
    if np is not None and isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu" and values.dtype != object:
            raise MPCTypeError(f"{what}: expected an integer array, found dtype {values.dtype} "
                               "(encode floats explicitly with a fixed-point encoding)")
        values = values.ravel().tolist()
    return [require_int(v, f"{what}[{i}]") for i, v in enumerate(values)]


def _rn_chunk(n: int, count: int, factors: tuple[int, int] | None, djn: tuple[int, int, int] | None) -> list[bytes]:
    """Worker: ``count`` fresh ``r^n mod n^2`` (randomness drawn here, from ``secrets``)."""
    pk = PublicKey(n, insecure=True)
    maker: Any = pk
    if djn is not None:
        maker = DJNRandomness(pk, base=djn[0], exponent_bits=djn[1], window=djn[2])
    elif factors:
        maker = PrivateKey(pk, *factors)
    return [gmpy2.to_binary(maker.random_rn()) for _ in range(count)]


class RandomnessPool:
    """Precomputed encryption randomness ``r^n mod n^2`` for one public key.

    ``fill(count)`` computes ``count`` values on ``processes`` worker processes (all cores
    by default); pass ``private_key`` when the key holder encrypts, to use the CRT (about 2x
    faster), or ``djn`` to opt in to short-exponent randomness (about 10x faster, under the
    extra assumption stated in :mod:`mpc.paillier.djn`). ``take()`` hands out each value
    once; an empty pool computes on demand.
    """

    def __init__(self, public_key: PublicKey, *, private_key: PrivateKey | None = None,
                 djn: DJNRandomness | None = None) -> None:
        for other in (private_key, djn):
            if other is not None:
                public_key.check_same(other.public_key)
        self.public_key = public_key
        self._private = private_key
        self._djn = djn
        self._values: deque[mpz] = deque()

    def _maker(self) -> Any:
        return self._djn or self._private or self.public_key

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"RandomnessPool(bits={self.public_key.bits}, ready={len(self)})"

    def fill(self, count: int, *, processes: int | None = None, progress: Progress = None) -> None:
        """Compute ``count`` values ``r^n mod n^2`` ahead of time on ``processes`` worker
        processes (default: all cores); ``progress`` as in :mod:`zkp.progress` (the count
        done after each chunk)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise MPCTypeError(f"fill: count must be an int >= 0, found {count!r}")
        report = reporter(progress, "randomness")
        procs = max(1, min(processes or os.cpu_count() or 1, count or 1))
        if procs == 1:
            maker = self._maker()
            for done in range(1, count + 1):
                self._values.append(maker.random_rn())
                if done % 64 == 0 or done == count:
                    report("r^n mod n^2", done, count)
            return
        factors = (int(self._private.p), int(self._private.q)) if self._private else None
        djn = (int(self._djn.base), self._djn.exponent_bits, self._djn.window) if self._djn else None
        chunks = min(count, procs * 16)  # small enough chunks for a progress that moves
        sizes = [count // chunks + (i < count % chunks) for i in range(chunks)]
        done = 0
        with ProcessPoolExecutor(procs) as ex:
            for chunk in ex.map(_rn_chunk, [int(self.public_key.n)] * chunks, sizes, [factors] * chunks,
                                [djn] * chunks):
                self._values.extend(gmpy2.from_binary(b) for b in chunk)
                done += len(chunk)
                report("r^n mod n^2", done, count)

    def take(self) -> mpz:
        if self._values:
            return self._values.popleft()
        return self._maker().random_rn()


def encrypt_many(public_key: PublicKey | ThresholdPublicKey, values: Any, *, pool: RandomnessPool | None = None,
                 rng: Rng | None = None) -> list[Ciphertext]:
    """Encrypt a sequence or numpy integer array (randomness from ``pool`` when given);
    ``public_key`` may be a threshold key's (its Paillier key encrypts)."""
    public_key = paillier_key(public_key)
    ints = as_int_list(values)
    if pool is not None:
        public_key.check_same(pool.public_key)
        return [public_key._encrypt_with(v, pool.take()) for v in ints]
    return [public_key.encrypt(v, rng=rng) for v in ints]


def _decrypt_chunk(n: int, p: int, q: int, values: list[bytes]) -> list[int]:
    sk = PrivateKey(PublicKey(n, insecure=True), p, q)
    return [sk.decrypt(Ciphertext._raw(sk.public_key, gmpy2.from_binary(v))) for v in values]


def decrypt_many(private_key: PrivateKey, ciphertexts: Iterable[Ciphertext], *, processes: int = 1) -> list[int]:
    """Signed plaintexts of ``ciphertexts`` (all under ``private_key``'s public key), on
    ``processes`` worker processes (0: all cores) for large batches. Overflows are refused
    as by :meth:`PrivateKey.decrypt <mpc.paillier.PrivateKey.decrypt>` (every tracked
    bound is checked before any work)."""
    cts = list(ciphertexts)
    for c in cts:
        private_key.public_key.check_same(c.public_key)
        private_key.public_key.assert_decryptable(c)
    procs = max(1, min(processes or os.cpu_count() or 1, len(cts) // 64 or 1))
    if procs == 1:
        return [private_key.decrypt(c) for c in cts]
    blobs = [gmpy2.to_binary(c.value) for c in cts]
    size = -(-len(blobs) // procs)
    args = (int(private_key.public_key.n), int(private_key.p), int(private_key.q))
    with ProcessPoolExecutor(procs) as ex:
        parts = ex.map(_decrypt_chunk, *zip(*[(*args, blobs[i:i + size]) for i in range(0, len(blobs), size)]))
        return [m for part in parts for m in part]


def sum_(ciphertexts: Sequence[Ciphertext]) -> Ciphertext:
    """The encryption of the sum (one multiplication mod n^2 per term). Its ``bound`` is
    the sum of the terms' bounds (unknown if any is): decryption refuses a sum that can
    wrap past the overflow band (:meth:`PrivateKey.decrypt <mpc.paillier.PrivateKey.decrypt>`)."""
    key = same_key(ciphertexts)
    if key is None:
        raise MPCTypeError("sum of no ciphertexts: the public key is unknown")
    acc = mpz(1)
    bound: int | None = 0
    for c in ciphertexts:
        acc = acc * c.value % key.nsquare
        bound = None if bound is None or c.bound is None else bound + c.bound
    return Ciphertext._raw(key, acc, bound)


def _scale(c: mpz, w: int, key: PublicKey) -> mpz:
    """``c^w mod n^2``; a negative weight inverts ``c`` (a short exponent, not ``w mod n``)."""
    if w < 0:
        return gmpy2.powmod(gmpy2.invert(c, key.nsquare), -w, key.nsquare)
    return gmpy2.powmod(c, w, key.nsquare)


def dot(ciphertexts: Sequence[Ciphertext], weights: Any) -> Ciphertext:
    """The encryption of ``sum(w_i * m_i)`` for plain integer weights (``bound``:
    ``sum(|w_i| * bound_i)``, unknown if any bound is)."""
    ws = as_int_list(weights, "weights")
    if len(ws) != len(ciphertexts):
        raise MPCTypeError(f"dot: {len(ciphertexts)} ciphertexts for {len(ws)} weights")
    key = same_key(ciphertexts)
    if key is None:
        raise MPCTypeError("dot of no ciphertexts: the public key is unknown")
    acc = mpz(1)
    bound: int | None = 0
    for c, w in zip(ciphertexts, ws):
        acc = acc * _scale(c.value, w, key) % key.nsquare
        bound = None if bound is None or c.bound is None else bound + abs(w) * c.bound
    return Ciphertext._raw(key, acc, bound)
