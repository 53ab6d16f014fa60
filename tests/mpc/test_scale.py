"""Dask scale-out: identical aggregates to the single-process path, on a LocalCluster."""

from __future__ import annotations

import random
from typing import Any, Iterator

import numpy as np
import pytest

from mpc import paillier
from mpc.errors import EncodingError, KeyMismatchError, MPCTypeError
from mpc.scale import cluster_client, dask_decrypt_many, dask_encrypt_sum, dask_sum


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with cluster_client(n_workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def keys() -> Any:
    return paillier.keygen(bits=1024, insecure=True, rng=random.Random(31))


def test_dask_matches_single_process(client: Any, keys: Any) -> None:
    pk, sk = keys
    rng = random.Random(1)
    values = [rng.randrange(-10**9, 10**9) for _ in range(1500)]
    total = dask_encrypt_sum(pk, np.array(values, dtype=np.int64), client=client, chunk_size=100)
    assert sk.decrypt(total) == sum(values) == sk.decrypt(paillier.sum_(paillier.encrypt_many(pk, values)))
    cts = paillier.encrypt_many(pk, values[:300])
    assert sk.decrypt(dask_sum(cts, client=client, chunk_size=7)) == sum(values[:300])
    assert dask_decrypt_many(sk, cts, client=client, chunk_size=64) == values[:300]
    djn = paillier.DJNRandomness(pk)
    assert sk.decrypt(dask_encrypt_sum(pk, values, client=client, chunk_size=400, djn=djn)) == sum(values)


def test_dask_refusals(client: Any, keys: Any) -> None:
    pk, sk = keys
    with pytest.raises(EncodingError):
        dask_encrypt_sum(pk, [pk.max_int, pk.max_int], client=client)
    with pytest.raises(MPCTypeError):
        dask_encrypt_sum(pk, [1.5], client=client)
    with pytest.raises(MPCTypeError):
        dask_encrypt_sum(pk, [], client=client)
    with pytest.raises(MPCTypeError):
        dask_sum([], client=client)
    other = paillier.keygen(bits=1024, insecure=True, rng=random.Random(32))[0]
    with pytest.raises(KeyMismatchError):
        dask_sum([pk.encrypt(1), other.encrypt(1)], client=client)
    with pytest.raises(MPCTypeError):
        dask_encrypt_sum(pk, [1], client=client, chunk_size=0)
