"""The kernel entry points other packages call: stable, documented, and run by the C
extension or its pure-Python twin (whichever ``zkp._backend`` picked: ``ZKP_PURE_PYTHON=1``
forces the twin). Values cross as packed 32-byte big-endian words; points as 64-byte
uncompressed G1 encodings (``G1Point.to_bytes``).

    >>> from zkp.curve import G1Point
    >>> from zkp.kernels import g1_multiply, g1_validate
    >>> g = G1Point.generator().to_bytes()
    >>> g1_multiply(g + g, 3) == (G1Point.generator() * 3).to_bytes() * 2
    True
    >>> g1_validate(g)                       # silent for points on the curve
"""

from __future__ import annotations

from ._backend import backend_info, kernels

__all__ = ["backend_info", "g1_multiply", "g1_validate", "poseidon_permute"]


def poseidon_permute(round_constants: bytes, mds: bytes, full_rounds: int, states: bytes) -> bytes:
    """The Poseidon permutation of each packed state (circomlib's constants, as
    ``circuits.native.poseidon`` encodes them); returns the packed output states."""
    return bytes(kernels.fr_poseidon(round_constants, mds, full_rounds, states))


def g1_multiply(points: bytes, k: int) -> bytes:
    """Each packed G1 point times the scalar ``k`` (0 <= k < 2^256), in one kernel call."""
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < 1 << 256:
        raise ValueError(f"k: expected an int in [0, 2^256), found {k!r}")
    if not points:
        return b""
    return bytes(kernels.g1_apply_key(points, k.to_bytes(32, "big"), (1).to_bytes(32, "big")))


def g1_validate(points: bytes) -> None:
    """Raise ValueError unless every packed 64-byte point is on the curve (coordinates < p)."""
    kernels.g1_validate(points)
