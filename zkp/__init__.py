"""zkp: Groth16 over BN254, with snarkjs-compatible formats.

Example:
    >>> from zkp import backend_info
    >>> backend_info()["backend"] in ("python", "c")
    True
"""

from ._backend import backend_info
from .curve import G1Point, G2Point
from .errors import MalformedInputError, ZkpError
from .field import P, R

__all__ = ["backend_info", "G1Point", "G2Point", "MalformedInputError", "ZkpError", "P", "R"]
__version__ = "0.1.0"
