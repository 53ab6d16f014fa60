"""Paillier aggregation over a Dask cluster (``distributed.LocalCluster`` by default, any
``Client`` for a real one), with results identical to the single-process functions.

Only plain ints and bytes cross to the workers (n, plaintext chunks, ciphertext values):
never our objects. Workers draw their own encryption randomness from ``secrets``.

    >>> from mpc import paillier
    >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
    >>> with cluster_client(n_workers=1, processes=False) as client:  # one thread here; default: 2 processes
    ...     total = dask_encrypt_sum(pk, range(1000), client=client)
    >>> sk.decrypt(total)
    499500

Security: Dask moves data between its processes with its own protocol (pickle among
trusted workers); run it only on machines you trust with the plaintexts you send them.
:func:`dask_decrypt_many` ships the private key's factors to the workers.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import gmpy2
from gmpy2 import mpz

from ..errors import MissingExtraError, MPCTypeError
from ..paillier import Ciphertext, DJNRandomness, PrivateKey, PublicKey
from ..paillier.batch import _decrypt_chunk, as_int_list

__all__ = ["distributed_module", "cluster_client", "dask_encrypt_sum", "dask_sum", "dask_decrypt_many"]


def distributed_module() -> Any:
    """``distributed`` (Dask's cluster package), or :class:`~mpc.errors.MissingExtraError`
    saying which extra installs it."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtraError("Dask is an optional extra: pip install 'zkmpc[dask]' (dask[distributed]); "
                                f"found no module: {exc}") from exc
    return distributed


@contextmanager
def cluster_client(n_workers: int = 2, **kwargs: Any) -> Iterator[Any]:
    """A ``distributed.Client`` on a fresh ``LocalCluster`` of single-threaded worker
    processes (closed on exit)."""
    dist = distributed_module()
    opts = {"threads_per_worker": 1, "processes": True, "dashboard_address": None, **kwargs}
    with dist.LocalCluster(n_workers=n_workers, **opts) as cluster, dist.Client(cluster) as client:
        yield client


def _encrypt_chunk_sum(n: int, values: list[int], djn: tuple[int, int, int] | None = None) -> bytes:
    """Worker: the product of fresh encryptions of ``values`` (= an encryption of their sum),
    with DJN randomness when ``djn`` = (base, exponent bits, window) is given."""
    pk = PublicKey(n, insecure=True)
    maker: Any = pk if djn is None else DJNRandomness(pk, base=djn[0], exponent_bits=djn[1], window=djn[2])
    acc = mpz(1)
    for v in values:
        acc = acc * pk._encrypt_with(v, maker.random_rn()).value % pk.nsquare  # our own draws
    return bytes(gmpy2.to_binary(acc))


def _product(n: int, parts: list[bytes]) -> bytes:
    nsq = mpz(n) * n
    acc = mpz(1)
    for p in parts:
        acc = acc * gmpy2.from_binary(p) % nsq
    return bytes(gmpy2.to_binary(acc))


def _chunks(seq: Sequence[Any], size: int) -> list[Sequence[Any]]:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise MPCTypeError(f"chunk_size must be an int >= 1, found {size!r}")
    return [seq[i:i + size] for i in range(0, len(seq), size)]


def _tree_product(client: Any, n: int, futures: list[Any], fan_in: int = 16) -> bytes:
    while len(futures) > 1:
        futures = [client.submit(_product, n, futures[i:i + fan_in], pure=False)
                   for i in range(0, len(futures), fan_in)]
    return bytes(futures[0].result())


def dask_encrypt_sum(public_key: PublicKey, values: Any, *, client: Any, chunk_size: int = 2000,
                     djn: DJNRandomness | None = None) -> Ciphertext:
    """An encryption of ``sum(values)``: workers encrypt chunks and multiply them, the
    partial products are combined on the cluster. Values are checked against the key's
    plaintext range here, before any work. ``djn`` opts in to short-exponent randomness
    (see :mod:`mpc.paillier.djn` for its assumption)."""
    ints = as_int_list(values)
    for v in ints:
        public_key.encode(v)
    public_key.encode(sum(ints))
    n = int(public_key.n)
    params = None
    if djn is not None:
        public_key.check_same(djn.public_key)
        params = (int(djn.base), djn.exponent_bits, djn.window)
    futures = [client.submit(_encrypt_chunk_sum, n, list(c), params, pure=False) for c in _chunks(ints, chunk_size)]
    if not futures:
        raise MPCTypeError("dask_encrypt_sum of no values")
    return Ciphertext(public_key, gmpy2.from_binary(_tree_product(client, n, futures)))


def dask_sum(ciphertexts: Sequence[Ciphertext], *, client: Any, chunk_size: int = 5000) -> Ciphertext:
    """The homomorphic sum of ``ciphertexts`` computed on the cluster."""
    if not ciphertexts:
        raise MPCTypeError("dask_sum of no ciphertexts")
    pk = ciphertexts[0].public_key
    for c in ciphertexts:
        pk.check_same(c.public_key)
    n = int(pk.n)
    blobs = [bytes(gmpy2.to_binary(c.value)) for c in ciphertexts]
    futures = [client.submit(_product, n, list(c), pure=False) for c in _chunks(blobs, chunk_size)]
    return Ciphertext(pk, gmpy2.from_binary(_tree_product(client, n, futures)))


def dask_decrypt_many(private_key: PrivateKey, ciphertexts: Sequence[Ciphertext], *, client: Any,
                      chunk_size: int = 500) -> list[int]:
    """Decrypt on the cluster (the workers receive the key's factors: trusted workers only)."""
    pk = private_key.public_key
    for c in ciphertexts:
        pk.check_same(c.public_key)
    args = (int(pk.n), int(private_key.p), int(private_key.q))
    blobs = [bytes(gmpy2.to_binary(c.value)) for c in ciphertexts]
    futures = [client.submit(_decrypt_chunk, *args, list(c), pure=False) for c in _chunks(blobs, chunk_size)]
    return [m for f in futures for m in f.result()]
