"""Phase-2 contributions and their verification, as snarkjs 0.7 does them.

A contribution multiplies delta by a secret ``x`` and divides the L (C) and H vectors by
it; it publishes ``g1_s`` (a random G1 point), ``g1_sx = x g1_s`` and ``g2_spx = x g2_sp``
where ``g2_sp`` is hashed from the transcript (the circuit hash, every earlier
contribution, ``g1_s`` and ``g1_sx``): the pairing checks ``e(g1_s, g2_spx) = e(g1_sx,
g2_sp)`` and ``e(delta_before, g2_spx) = e(delta_after, g2_sp)`` prove the contributor
knew ``x`` and applied it. A beacon is a contribution whose ``x`` anyone can recompute
from a public random value (SHA-256 iterated 2^exp times).

Security:
    ``x`` comes from :mod:`secrets` (``entropy``, if given, is mixed in, never used
    alone), lives only in this function's locals, and is dropped before it returns.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Callable

from .._backend import kernels
from ..curve import G1Point, G2Point
from ..errors import CeremonyError, SetupError
from ..field import R
from ..formats.zkey import Contribution, MPCParams, ZKey
from ..groth16._random import MAX_DRAWS, broken_source, drawer
from ._rng import beacon_rng, fr_from_rng, g1_from_rng, hash_to_g2

__all__ = ["contribute", "beacon", "verify_zkey", "CeremonyError", "contribution_hash"]


def _enc(k: int) -> bytes:
    return k.to_bytes(32, "big")


def _pub_key_bytes(c: Contribution) -> bytes:
    return (c.delta_after.to_bytes() + c.g1_s.to_bytes() + c.g1_sx.to_bytes() + c.g2_spx.to_bytes()
            + c.transcript)


def contribution_hash(c: Contribution) -> bytes:
    """The hash snarkjs prints for a contribution (BLAKE2b-512 of its public key)."""
    return hashlib.blake2b(_pub_key_bytes(c), digest_size=64).digest()


def _transcript_hasher(mpc: MPCParams) -> Any:
    h = hashlib.blake2b(digest_size=64)
    h.update(mpc.cs_hash)
    for c in mpc.contributions:
        h.update(_pub_key_bytes(c))
    return h


def _apply(zk: ZKey, x: int, g1_s: G1Point, contribution: dict[str, Any]) -> ZKey:
    h = _transcript_hasher(zk.mpc)
    g1_sx = g1_s * x
    h.update(g1_s.to_bytes() + g1_sx.to_bytes())
    transcript = h.digest()
    g2_sp = G2Point(*hash_to_g2(transcript))
    inv = pow(x, -1, R)
    delta_g1 = zk.delta_g1 * x
    c = Contribution(delta_after=delta_g1, g1_s=g1_s, g1_sx=g1_sx, g2_spx=g2_sp * x,
                     transcript=transcript, **contribution)
    fields = dict(zk.__dict__)
    fields.update(delta_g1=delta_g1, delta_g2=zk.delta_g2 * x,
                  c_g1=bytes(kernels.g1_apply_key(zk.c_g1, _enc(inv), _enc(1))),
                  h_g1=bytes(kernels.g1_apply_key(zk.h_g1, _enc(inv), _enc(1))),
                  mpc=MPCParams(zk.mpc.cs_hash, zk.mpc.contributions + (c,)))
    return ZKey(**fields)


def contribute(zk: ZKey, *, name: str = "", entropy: bytes | str = b"", rng: Any = None) -> ZKey:
    """Add a contribution to a phase-2 key (snarkjs's ``zkey contribute``).

    Args:
        zk: the key so far (from :func:`zkp.ceremony.new_zkey` or a previous contributor).
        name: recorded in the transcript (at most 64 bytes of it).
        entropy: optional extra bytes mixed into the secret (``secrets`` always is).
        rng: keyword-only, for reproducible tests: an object with ``randbelow``/``randrange``.
    """
    if not isinstance(zk, ZKey):
        raise SetupError(f"contribute: expected a ZKey, found {type(zk).__name__}")
    draw = drawer(rng)
    extra = entropy.encode() if isinstance(entropy, str) else bytes(entropy)
    x = _secret(draw, hashlib.blake2b(extra, digest_size=64).digest(), b"")
    g1_s = G1Point.generator() * (draw(R - 1) + 1)
    out = _apply(zk, x, g1_s, {"name": name})
    del x
    return out


def _secret(draw: Callable[[int], int], extra: bytes, label: bytes) -> int:
    """A non-zero secret: a hash of a fresh draw, the caller's entropy and ``label``."""
    for _ in range(MAX_DRAWS):
        seed = _enc(draw(R)) + extra + label
        x = int.from_bytes(hashlib.blake2b(seed, digest_size=64).digest(), "big") % R
        if x:
            return x
    raise broken_source("non-zero secret")


def beacon(zk: ZKey, beacon_hash: bytes | str, num_iterations_exp: int, *, name: str = "") -> ZKey:
    """Apply a random beacon (snarkjs's ``zkey beacon``): the secret is derived from
    ``beacon_hash`` (bytes or hex) by 2^num_iterations_exp SHA-256 rounds, so anyone can
    check it. snarkjs takes exponents 10..63."""
    raw = bytes.fromhex(beacon_hash) if isinstance(beacon_hash, str) else bytes(beacon_hash)
    if not 0 < len(raw) < 256:
        raise SetupError(f"beacon: the hash must be 1..255 bytes, found {len(raw)}")
    if not 10 <= num_iterations_exp <= 63:
        raise SetupError(f"beacon: num_iterations_exp must be in [10, 63], found {num_iterations_exp}")
    rng = beacon_rng(raw, num_iterations_exp)
    x = fr_from_rng(rng)
    g1_s = G1Point(*g1_from_rng(rng))
    return _apply(zk, x, g1_s, {"name": name, "beacon": True, "num_iterations_exp": num_iterations_exp,
                                "beacon_hash": raw})


def _same_ratio(a1: G1Point, b1: G1Point, a2: G2Point, b2: G2Point) -> bool:
    """``e(a1, b2) == e(b1, a2)``, none of them the identity."""
    if any(p.is_infinity() for p in (a1, b1, a2, b2)):
        return False
    return bool(kernels.pairing_check((-a1).to_bytes() + b1.to_bytes(), b2.to_bytes() + a2.to_bytes()))


def _vector_same_ratio(final: bytes, init: bytes, d_final: G2Point, d_init: G2Point) -> bool:
    """``e(sum r_i F_i, delta_final) == e(sum r_i I_i, delta_init)`` for random r."""
    n = len(final) // 64
    if n == 0:
        return True
    rs = b"".join(_enc(secrets.randbelow(R - 1) + 1) for _ in range(n))
    f = G1Point.from_bytes(bytes(kernels.g1_msm(final, rs)))
    i = G1Point.from_bytes(bytes(kernels.g1_msm(init, rs)))
    return bool(kernels.pairing_check((-f).to_bytes() + i.to_bytes(), d_final.to_bytes() + d_init.to_bytes()))


def _check_contributions(zk: ZKey) -> G1Point:
    acc = hashlib.blake2b(digest_size=64)
    acc.update(zk.mpc.cs_hash)
    cur = G1Point.generator()
    for i, c in enumerate(zk.mpc.contributions, 1):
        mine = acc.copy()
        mine.update(c.g1_s.to_bytes() + c.g1_sx.to_bytes())
        if mine.digest() != c.transcript:
            raise CeremonyError(f"contribution #{i} ({c.name or 'no name'}): the transcript hash does not "
                                "follow the earlier contributions (tampered or replayed)")
        g2_sp = G2Point(*hash_to_g2(c.transcript))
        if not _same_ratio(c.g1_s, c.g1_sx, g2_sp, c.g2_spx):
            raise CeremonyError(f"contribution #{i}: its G1 and G2 public keys do not have the same ratio")
        if not _same_ratio(cur, c.delta_after, g2_sp, c.g2_spx):
            raise CeremonyError(f"contribution #{i}: delta after it does not follow its public key")
        if c.delta_after == cur:
            raise CeremonyError(f"contribution #{i}: delta did not change (a secret of 1)")
        if c.beacon:
            rng = beacon_rng(c.beacon_hash, c.num_iterations_exp)
            x = fr_from_rng(rng)
            s = G1Point(*g1_from_rng(rng))
            if s != c.g1_s or s * x != c.g1_sx:
                raise CeremonyError(f"contribution #{i}: the beacon's key does not match its hash")
        acc.update(_pub_key_bytes(c))
        cur = c.delta_after
    return cur


def verify_zkey(zk: ZKey, init: ZKey) -> list[tuple[str, bytes]]:
    """Check a phase-2 key against the initial key of its circuit (``new_zkey(cs, ptau)``,
    or the ``_0000.zkey`` everyone started from): the transcript, every contribution's
    proof of knowledge, the unchanged sections, and that L and H were divided by the final
    delta. Returns ``[(name, contribution hash)]``; raises :class:`CeremonyError`."""
    if not zk.mpc.contributions:
        raise CeremonyError("the key has no contribution (delta is the generator: anyone can forge proofs)")
    delta = _check_contributions(zk)
    if (zk.num_wires, zk.num_public, zk.domain_size) != (init.num_wires, init.num_public, init.domain_size):
        raise CeremonyError("the key's wire, public-input or domain counts differ from the initial key's")
    for name in ("alpha_g1", "beta_g1", "beta_g2", "gamma_g2"):
        if getattr(zk, name) != getattr(init, name):
            raise CeremonyError(f"{name} differs from the initial key's")
    if zk.gamma_g2 == zk.delta_g2:
        raise CeremonyError("gamma equals delta")
    if zk.delta_g1 != delta:
        raise CeremonyError("delta_1 is not the last contribution's delta")
    if not _same_ratio(G1Point.generator(), delta, G2Point.generator(), zk.delta_g2):
        raise CeremonyError("delta_2 does not match delta_1")
    if init.cs_hash_exact and zk.mpc.cs_hash != init.mpc.cs_hash:
        # (when snarkjs's hash is not well defined, see cs_hash, every section is compared below)
        raise CeremonyError("the circuit hash differs from the initial key's (another circuit or ptau)")
    for name in ("ic", "a_g1", "b_g1", "b_g2"):
        if getattr(zk, name) != getattr(init, name):
            raise CeremonyError(f"section {name} differs from the initial key's")
    if zk.matrices.canonical() != init.matrices.canonical():
        raise CeremonyError("the coefficients differ from the initial key's")
    if not _vector_same_ratio(zk.c_g1, init.c_g1, zk.delta_g2, init.delta_g2):
        raise CeremonyError("the L (C) section was not divided by the final delta")
    if not _vector_same_ratio(zk.h_g1, init.h_g1, zk.delta_g2, init.delta_g2):
        raise CeremonyError("the H section was not divided by the final delta")
    return [(c.name, contribution_hash(c)) for c in zk.mpc.contributions]
