"""Calldata for the exported verifier, in EIP-197 order.

G2 coordinates are stored in zkmpc as ``(c0, c1)`` (``x = c0 + c1 * u``) and go on chain as
``(c1, c0)``: that swap happens here, once, and nowhere else. ``str()`` of the result is the
line snarkjs's ``zkey export soliditycalldata`` prints for the same proof and inputs.

    >>> from zkp.curve import G1Point, G2Point
    >>> from zkp.groth16 import Proof
    >>> g1, g2 = G1Point.generator(), G2Point.generator()
    >>> cd = calldata(Proof(g1, g2, g1 * 2), [33, 36])
    >>> cd.a, cd.inputs
    ((1, 2), (33, 36))
    >>> cd.b[0] == (g2.x[1], g2.x[0])
    True
    >>> str(cd).endswith('"0x' + format(33, "064x") + '","0x' + format(36, "064x") + '"]')
    True
    >>> len(cd.to_bytes()) == 4 + 32 * 10
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from ..display import short
from ..errors import InputTypeError, MalformedInputError
from ..field import check_fr_list
from ..groth16.keys import Proof
from .keccak import selector
from .verifier import verify_batch_signature, verify_signature

__all__ = ["SolidityCalldata", "calldata", "batch_calldata"]


def _hex(v: int) -> str:
    return f'"0x{v:064x}"'


@dataclass(frozen=True, repr=False)
class SolidityCalldata:
    """The arguments of ``verifyProof``: ``a``, ``b`` (EIP-197 order), ``c``, ``inputs``."""

    a: tuple[int, int]
    b: tuple[tuple[int, int], tuple[int, int]]
    c: tuple[int, int]
    inputs: tuple[int, ...]

    def args(self) -> tuple[Any, ...]:
        """The arguments as lists, for web3.py's ``contract.functions.verifyProof(*args)``."""
        base: tuple[Any, ...] = (list(self.a), [list(self.b[0]), list(self.b[1])], list(self.c))
        return base + ((list(self.inputs),) if self.inputs else ())

    def words(self) -> list[int]:
        """The 8 proof words then the inputs: the ABI body of ``verifyProof``."""
        return [*self.a, *self.b[0], *self.b[1], *self.c, *self.inputs]

    def to_bytes(self) -> bytes:
        """Selector and ABI encoding: a transaction's complete ``data`` for ``verifyProof``."""
        sel = selector(verify_signature(len(self.inputs)))
        return sel + b"".join(w.to_bytes(32, "big") for w in self.words())

    def __repr__(self) -> str:
        inputs = ", ".join(short(x) for x in self.inputs[:4]) + (", ..." if len(self.inputs) > 4 else "")
        return f"SolidityCalldata(a=({short(self.a[0])}, ...), inputs=[{inputs}]; str() is snarkjs's line)"

    def __str__(self) -> str:
        a, b, c = self.a, self.b, self.c
        return (f"[{_hex(a[0])}, {_hex(a[1])}],"
                f"[[{_hex(b[0][0])}, {_hex(b[0][1])}],[{_hex(b[1][0])}, {_hex(b[1][1])}]],"
                f"[{_hex(c[0])}, {_hex(c[1])}],"
                f"[{','.join(_hex(x) for x in self.inputs)}]")


def calldata(proof: Proof, public: Sequence[int]) -> SolidityCalldata:
    """The verifier's arguments for ``proof`` and ``public``.

    Raises:
        InputTypeError: ``proof`` is not a :class:`~zkp.groth16.Proof`.
        MalformedInputError: a public input that is not an int in ``[0, r)``: inputs are
            never reduced (a contract would refuse ``x + r``; so does this).
    """
    if not isinstance(proof, Proof):
        raise InputTypeError(f"proof: expected a Proof, found {type(proof).__name__}")
    xs = tuple(check_fr_list(public))
    (bx0, bx1), (by0, by1) = proof.b.x, proof.b.y
    return SolidityCalldata(a=(proof.a.x, proof.a.y), b=((bx1, bx0), (by1, by0)),
                            c=(proof.c.x, proof.c.y), inputs=xs)


def batch_calldata(items: Sequence[tuple[Sequence[int], Proof]]) -> bytes:
    """The complete ``data`` of a ``verifyProofs`` call for ``[(public, proof), ...]``, in
    the canonical ABI encoding the contract requires.

    Raises:
        MalformedInputError: an empty batch, or proofs with different numbers of inputs.
    """
    cds = [calldata(proof, public) for public, proof in items]
    if not cds:
        raise MalformedInputError("batch: at least one proof is needed")
    n = len(cds[0].inputs)
    if any(len(cd.inputs) != n for cd in cds):
        raise MalformedInputError("batch: every proof must have the same number of public inputs")
    k = len(cds)
    words: list[int] = []
    if n:
        words += [0x40, 0x40 + 32 + 256 * k]
    else:
        words += [0x20]
    words.append(k)
    for cd in cds:
        words += cd.words()[:8]
    if n:
        words.append(k)
        for cd in cds:
            words += cd.inputs
    return selector(verify_batch_signature(n)) + b"".join(w.to_bytes(32, "big") for w in words)
