"""mpc: computing on data nobody pools.

* :mod:`mpc.paillier`: additively homomorphic encryption (phe-compatible, vectorised),
  threshold decryption; :mod:`mpc.stats` aggregates reports from many holders.
* :mod:`mpc.sharing` (and the short :mod:`mpc.shamir`): Shamir, additive and verifiable
  secret sharing over :mod:`mpc.field` (BN254 Fr, or vectorised GF(2^61 - 1)), robust
  reconstruction, resharing.
* :mod:`mpc.protocols` over :mod:`mpc.net`: secure sum, mean and variance, Beaver
  multiplication, between processes over TLS or in one process.
* :mod:`mpc.scale`: Dask for large batches.

Every error is an :class:`mpc.errors.MPCError` (and a ``ValueError`` or ``TypeError``).
"""
