"""Rank-1 constraint systems: ``(A.w) * (B.w) = (C.w)`` row by row, over Fr.

Wire 0 is the constant one; wires ``1 .. num_public`` are the public inputs (the circom
and snarkjs layout); the rest are private. Rows are stored in compact CSR arrays (numpy
``uint32``); coefficients are interned in one table, so a row costs a few machine words
however large its coefficients are. Every row has a label (the gadget and ``file:line``
that made it), stored as an index into a table of strings.

Example:
    >>> from zkp.r1cs import R1CSBuilder
    >>> b = R1CSBuilder(num_public=1)
    >>> x, y = b.new_wire(), b.new_wire()     # wire 1 public (x), wire 2 private (y)
    >>> b.add({2: 1}, {2: 1}, {1: 1}, "y*y == x")   # the index of the new constraint
    0
    >>> cs = b.build()
    >>> cs.is_satisfied([1, 9, 3]), cs.first_unsatisfied([1, 9, 4])
    (True, 0)
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from .errors import MalformedInputError, SetupError, UnsatisfiedError
from .field import R

__all__ = ["SparseMatrix", "R1CS", "R1CSBuilder"]

U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SparseMatrix:
    """CSR rows: row ``i`` has terms ``indptr[i]:indptr[i+1]`` of ``cols`` (wire ids) and
    ``coeff_ids`` (indices into the system's coefficient table)."""

    indptr: I64
    cols: U32
    coeff_ids: U32

    def row(self, i: int, coeffs: Sequence[int]) -> dict[int, int]:
        lo, hi = int(self.indptr[i]), int(self.indptr[i + 1])
        return {int(c): coeffs[int(k)] for c, k in zip(self.cols[lo:hi], self.coeff_ids[lo:hi])}

    def evaluate(self, w: Sequence[int], coeffs: Sequence[int]) -> list[int]:
        """``M . w`` for every row, reduced mod r."""
        ptr = self.indptr.tolist()
        cols = self.cols.tolist()
        ks = [coeffs[k] for k in self.coeff_ids.tolist()]
        out = []
        for i in range(len(ptr) - 1):
            s = 0
            for t in range(ptr[i], ptr[i + 1]):
                s += ks[t] * w[cols[t]]
            out.append(s % R)
        return out

    @property
    def num_terms(self) -> int:
        return int(self.cols.shape[0])


class R1CS:
    """An immutable rank-1 constraint system over BN254's Fr."""

    __slots__ = ("num_wires", "num_public", "A", "B", "C", "coeffs", "labels", "label_ids")

    def __init__(self, *, num_wires: int, num_public: int, A: SparseMatrix, B: SparseMatrix,
                 C: SparseMatrix, coeffs: Sequence[int], labels: Sequence[str],
                 label_ids: U32) -> None:
        if not 0 <= num_public < num_wires:
            raise SetupError(f"R1CS: expected 0 <= num_public < num_wires, found {num_public}, {num_wires}")
        m = len(A.indptr) - 1
        if not (len(B.indptr) - 1 == len(C.indptr) - 1 == m == len(label_ids)):
            raise SetupError("R1CS: A, B, C and the labels must have one row per constraint")
        for M in (A, B, C):
            if M.num_terms and int(M.cols.max()) >= num_wires:
                raise SetupError(f"R1CS: a term names wire {int(M.cols.max())} of {num_wires}")
        for k in coeffs:
            if not 0 <= k < R:
                raise SetupError("R1CS: coefficients must be ints in [0, r)")
        self.num_wires = num_wires
        self.num_public = num_public
        self.A, self.B, self.C = A, B, C
        self.coeffs = tuple(coeffs)
        self.labels = tuple(labels)
        self.label_ids = label_ids

    @property
    def num_constraints(self) -> int:
        return len(self.label_ids)

    def label(self, i: int) -> str:
        """The label of constraint ``i`` (gadget and source location)."""
        return self.labels[int(self.label_ids[i])]

    def row(self, i: int) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
        """Constraint ``i`` as three ``{wire: coefficient}`` dicts."""
        return (self.A.row(i, self.coeffs), self.B.row(i, self.coeffs), self.C.row(i, self.coeffs))

    def _check_witness(self, w: Sequence[int]) -> None:
        if len(w) != self.num_wires:
            raise MalformedInputError(f"witness: expected {self.num_wires} values, found {len(w)}")
        if w[0] != 1:
            raise MalformedInputError(f"witness: wire 0 must be 1, found {w[0]}")

    def evaluate(self, w: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
        """``(A.w, B.w, C.w)`` row by row."""
        self._check_witness(w)
        return (self.A.evaluate(w, self.coeffs), self.B.evaluate(w, self.coeffs),
                self.C.evaluate(w, self.coeffs))

    def first_unsatisfied(self, w: Sequence[int]) -> int | None:
        """Index of the first row with ``a*b != c``, or None if ``w`` satisfies all."""
        a, b, c = self.evaluate(w)
        for i, (x, y, z) in enumerate(zip(a, b, c)):
            if x * y % R != z:
                return i
        return None

    def is_satisfied(self, w: Sequence[int]) -> bool:
        return self.first_unsatisfied(w) is None

    def assert_satisfied(self, w: Sequence[int]) -> None:
        """Raise :class:`UnsatisfiedError` naming the first failing row and its label."""
        i = self.first_unsatisfied(w)
        if i is not None:
            raise UnsatisfiedError(f"constraint {i} ({self.label(i)}) is not satisfied",
                                   index=i, label=self.label(i))

    def rows_by_wire(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """An index from wires to the rows that mention them (in A, B or C): the rows of wire
        ``w`` are ``rows[start[w]:start[w + 1]]`` (a row appears once per matrix it uses ``w``
        in). Built with one sort over all terms.

            >>> b = R1CSBuilder(num_public=1); x, y = b.new_wire(), b.new_wire()
            >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
            >>> _ = b.add({x: 1}, {0: 1}, {y: 2}, "x == 2y")
            >>> rows, start = b.build().rows_by_wire()
            >>> sorted(rows[start[y]:start[y + 1]].tolist())
            [0, 0, 1]
        """
        cols, rows = [], []
        for M in (self.A, self.B, self.C):
            cols.append(M.cols.astype(np.int64))
            rows.append(np.repeat(np.arange(len(M.indptr) - 1, dtype=np.int64), np.diff(M.indptr)))
        allc, allr = np.concatenate(cols), np.concatenate(rows)
        order = np.argsort(allc, kind="stable")
        start = np.searchsorted(allc[order], np.arange(self.num_wires + 1)).astype(np.int64)
        return allr[order], start

    def __repr__(self) -> str:
        return (f"R1CS(constraints={self.num_constraints}, wires={self.num_wires}, "
                f"public={self.num_public})")


class R1CSBuilder:
    """Appends constraints into compact arrays; ``build()`` freezes them into an R1CS."""

    def __init__(self, num_public: int = 0) -> None:
        self.num_public = num_public
        self.num_wires = 1
        self._coeff_index: dict[int, int] = {}
        self._coeffs: list[int] = []
        self._label_index: dict[str, int] = {}
        self._labels: list[str] = []
        self._label_ids = array("I")
        self._mats = [(array("q", [0]), array("I"), array("I")) for _ in range(3)]

    def new_wire(self) -> int:
        self.num_wires += 1
        return self.num_wires - 1

    def label_id(self, label: str) -> int:
        i = self._label_index.get(label)
        if i is None:
            i = self._label_index[label] = len(self._labels)
            self._labels.append(label)
        return i

    def add(self, a: Mapping[int, int], b: Mapping[int, int], c: Mapping[int, int],
            label: str | int = "") -> int:
        """Append ``a * b = c`` (dicts ``{wire: coeff}``, coefficients reduced mod r)."""
        idx = self._coeff_index
        for lc, (ptr, cols, ks) in zip((a, b, c), self._mats):
            for wire, k in lc.items():
                k %= R
                if not k:
                    continue
                j = idx.get(k)
                if j is None:
                    j = idx[k] = len(self._coeffs)
                    self._coeffs.append(k)
                cols.append(wire)
                ks.append(j)
            ptr.append(len(cols))
        self._label_ids.append(label if isinstance(label, int) else self.label_id(label))
        return len(self._label_ids) - 1

    @property
    def num_constraints(self) -> int:
        return len(self._label_ids)

    def build(self) -> R1CS:
        mats = [SparseMatrix(np.frombuffer(p, dtype=np.int64).copy(),
                             np.frombuffer(c, dtype=np.uint32).copy(),
                             np.frombuffer(k, dtype=np.uint32).copy()) for p, c, k in self._mats]
        return R1CS(num_wires=self.num_wires, num_public=self.num_public, A=mats[0], B=mats[1],
                    C=mats[2], coeffs=self._coeffs, labels=self._labels,
                    label_ids=np.frombuffer(self._label_ids, dtype=np.uint32).copy())
