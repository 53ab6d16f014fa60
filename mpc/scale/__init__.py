"""Scale-out on Dask: the same aggregations as the single-process path, over a cluster."""

from .dask import cluster_client, dask_decrypt_many, dask_encrypt_sum, dask_sum

__all__ = ["cluster_client", "dask_encrypt_sum", "dask_sum", "dask_decrypt_many"]
