"""MiMC7 and MiMCSponge with circomlib's parameters (the native twins).

Round constants: ``c_0 = 0``, ``c_i = keccak256^i(seed) mod r`` with the seeds ``"mimc"``
(MiMC7: 91 rounds of x^7) and ``"mimcsponge"`` (MiMCSponge: a 220-round Feistel network
of x^5, whose last constant is 0 too), as in circomlibjs.

    >>> mimc7(1, 2)
    10594780656576967754230020536574539122676596303354946869887184401991294982664
    >>> mimc_sponge([1, 2], key=3)
    20225509322021146255705869525264566735642015554514977326536820959638320229084
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from zkp.evm.keccak import keccak256
from zkp.field import R

from ..errors import CircuitTypeError
from ._check import field_element

__all__ = ["mimc7", "multi_mimc7", "mimc_feistel", "mimc_sponge", "mimc7_constants",
           "mimc_sponge_constants", "MIMC7_ROUNDS", "MIMC_SPONGE_ROUNDS"]

MIMC7_ROUNDS = 91
MIMC_SPONGE_ROUNDS = 220


def _chain(seed: str, n: int) -> list[int]:
    out = [0] * n
    c = keccak256(seed.encode())
    for i in range(1, n):
        c = keccak256(c)
        out[i] = int.from_bytes(c, "big") % R
    return out


@lru_cache(maxsize=None)
def mimc7_constants() -> tuple[int, ...]:
    return tuple(_chain("mimc", MIMC7_ROUNDS))


@lru_cache(maxsize=None)
def mimc_sponge_constants() -> tuple[int, ...]:
    cts = _chain("mimcsponge", MIMC_SPONGE_ROUNDS)
    cts[-1] = 0
    return tuple(cts)


def mimc7(x: int, key: int) -> int:
    """circomlib's ``MiMC7(91)``: the keyed permutation ``E_k(x)`` (x^7 rounds, + k at the end)."""
    x, k = field_element(x, "mimc7 x"), field_element(key, "mimc7 key")
    r = 0
    for i, c in enumerate(mimc7_constants()):
        t = (x + k) % R if i == 0 else (r + k + c) % R
        r = pow(t, 7, R)
    return (r + k) % R


def multi_mimc7(values: Sequence[int], key: int = 0) -> int:
    """circomlib's ``MultiMiMC7(n, 91)``: ``r = r + x_i + E_r(x_i)`` over the inputs."""
    r = field_element(key, "key")
    for i, v in enumerate(values):
        x = field_element(v, f"input {i}")
        r = (r + x + mimc7(x, r)) % R
    return r


def mimc_feistel(left: int, right: int, key: int) -> tuple[int, int]:
    """circomlib's ``MiMCFeistel(220)``: the permutation of ``(xL, xR)`` under ``key``."""
    xl, xr, k = left % R, right % R, key % R
    cts = mimc_sponge_constants()
    for i, c in enumerate(cts):
        t = (xl + k) % R if i == 0 else (xl + k + c) % R
        t5 = pow(t, 5, R)
        if i < len(cts) - 1:
            xl, xr = (xr + t5) % R, xl
        else:
            xr = (xr + t5) % R
    return xl, xr


def mimc_sponge(values: Sequence[int], key: int = 0, outputs: int = 1) -> int | list[int]:
    """circomlib's ``MiMCSponge(n, 220, outputs)``: one value for ``outputs=1``, else a list."""
    if isinstance(outputs, bool) or not isinstance(outputs, int) or outputs < 1:
        raise CircuitTypeError(f"mimc_sponge: outputs must be an int >= 1, found {outputs!r}")
    k = field_element(key, "key")
    rr, cc = 0, 0
    for i, v in enumerate(values):
        rr = (rr + field_element(v, f"input {i}")) % R
        rr, cc = mimc_feistel(rr, cc, k)
    outs = [rr]
    for _ in range(1, outputs):
        rr, cc = mimc_feistel(rr, cc, k)
        outs.append(rr)
    return outs[0] if outputs == 1 else outs
