"""From an R1CS to its QAP: the evaluation domain, the witness's evaluations on it, and the
wire polynomials at a point (for setup).

The domain has ``n = 2**k >= m + num_public + 1`` points. As snarkjs does, rows
``m .. m + num_public`` are added with ``A = wire_i`` (i = 0 .. num_public) and ``B = C = 0``:
they make the public wires' polynomials independent, which binds every public input to
the proof even when no constraint uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import numpy.typing as npt

from ._arith import mpz
from .errors import SetupError, UnsatisfiedError
from .field import FR_TWO_ADICITY, R, from_words, fr_root_of_unity, to_words
from .r1cs import R1CS

__all__ = ["domain_size", "witness_evaluations", "lagrange_at", "wire_polys_at", "QapMatrices"]


def domain_size(cs: R1CS) -> tuple[int, int]:
    """``(n, log2 n)`` of the evaluation domain of ``cs``."""
    rows = cs.num_constraints + cs.num_public + 1
    log_n = max(1, (rows - 1).bit_length())
    if log_n >= FR_TWO_ADICITY:
        raise SetupError(f"R1CS too large: {rows} rows exceed the 2^{FR_TWO_ADICITY - 1} domain (the prover needs the 2n-th roots of unity)")
    return 1 << log_n, log_n


def _enc(values: Sequence[int], n: int) -> bytes:
    return to_words(values) + bytes(32 * (n - len(values)))


def witness_evaluations(cs: R1CS, w: Sequence[int]) -> tuple[bytes, bytes, bytes]:
    """The witness's A, B, C evaluations on the domain, packed; raises
    :class:`UnsatisfiedError` naming the first row the witness breaks."""
    n, _ = domain_size(cs)
    a, b, c = cs.evaluate(w)
    for i, (x, y, z) in enumerate(zip(a, b, c)):
        if x * y % R != z:
            raise UnsatisfiedError(f"witness breaks constraint {i} ({cs.label(i)}): "
                                   f"{x} * {y} != {z}", index=i, label=cs.label(i))
    a.extend(w[i] for i in range(cs.num_public + 1))
    return _enc(a, n), _enc(b, n), _enc(c, n)


def lagrange_at(tau: int, log_n: int, *, odd: bool = False) -> list[int]:
    """``L_j(tau)`` for the Lagrange basis of the 2**log_n domain (tau outside it); with
    ``odd``, only the odd ``j`` (a setup's ``h`` terms: the odd half of the doubled domain).

    ``L_j(tau) = (tau**n - 1) / n * w**j / (tau - w**j)``, the inverses in one batch by the
    kernels (the C twin when loaded).

    Example:
        >>> sum(lagrange_at(5, 3)) % R  # the basis sums to the constant 1
        1
        >>> lagrange_at(5, 3, odd=True) == lagrange_at(5, 3)[1::2]
        True
    """
    from ._backend import kernels

    n = 1 << log_n
    omega = mpz(fr_root_of_unity(log_n))
    t = mpz(tau)
    z = (pow(t, n, R) - 1) % R
    if not z:
        raise SetupError("tau lies in the evaluation domain")
    start, step = (omega, omega * omega % R) if odd else (mpz(1), omega)
    pows = [start] * (n >> 1 if odd else n)
    for j in range(1, len(pows)):
        pows[j] = pows[j - 1] * step % R
    invs = from_words(kernels.fr_batch_inverse(to_words((t - wj) % R for wj in pows)))
    zn = z * pow(mpz(n), -1, R) % R
    return [int(zn * wj % R * iv % R) for wj, iv in zip(pows, invs)]


def wire_polys_at(cs: R1CS, lag: Sequence[int]) -> tuple[list[int], list[int], list[int]]:
    """``(u_i(tau), v_i(tau), w_i(tau))`` for every wire, from the Lagrange values."""
    m = cs.num_constraints
    out = []
    for M in (cs.A, cs.B, cs.C):
        acc = [0] * cs.num_wires
        ptr, cols = M.indptr.tolist(), M.cols.tolist()
        ks = [cs.coeffs[k] for k in M.coeff_ids.tolist()]
        for i in range(m):
            li = lag[i]
            for t in range(ptr[i], ptr[i + 1]):
                acc[cols[t]] += ks[t] * li
        out.append(acc)
    for i in range(cs.num_public + 1):
        out[0][i] += lag[m + i]
    u, v, w = ([x % R for x in acc] for acc in out)
    return u, v, w


@dataclass(frozen=True, eq=False)
class QapMatrices:
    """The A and B matrices of a QAP as snarkjs keeps them (section 4 of a ``.zkey``).

    One entry per nonzero: ``matrix`` (0 = A, 1 = B), ``rows``, ``wires`` and ``coeff_ids``
    (into ``coeffs``), in snarkjs's order (row by row, A before B, terms as in the
    ``.r1cs``), the
    public rows ``m + i`` (``A = wire i``) last. C is not needed to prove: on the domain it
    equals ``A * B`` for a satisfying witness.
    """

    num_wires: int
    num_public: int
    num_constraints: int
    matrix: npt.NDArray[np.uint8]
    rows: npt.NDArray[np.uint32]
    wires: npt.NDArray[np.uint32]
    coeff_ids: npt.NDArray[np.uint32]
    coeffs: tuple[int, ...]

    @classmethod
    def from_r1cs(cls, cs: R1CS) -> QapMatrices:
        """A and B of ``cs`` in snarkjs's order, with snarkjs's coefficient table: the
        distinct values in the order the entries first use them, then 1 if no entry did
        (the public rows' coefficient). Vectorised: a stable sort of A's and B's entries by
        ``2 row + matrix`` keeps each row's terms in their order."""
        m = cs.num_constraints
        ka, kb = (np.diff(M.indptr[:m + 1]).astype(np.int64) for M in (cs.A, cs.B))
        key = np.concatenate([np.repeat(np.arange(m, dtype=np.int64) * 2, ka),
                              np.repeat(np.arange(m, dtype=np.int64) * 2 + 1, kb)])
        order = np.argsort(key, kind="stable")
        na = int(ka.sum())
        matrix = (order >= na).astype(np.uint8)
        rows = (key[order] >> 1).astype(np.uint32)
        wires = np.concatenate([cs.A.cols[:na], cs.B.cols[:int(kb.sum())]])[order].astype(np.uint32)
        ids = np.concatenate([cs.A.coeff_ids[:na], cs.B.coeff_ids[:int(kb.sum())]])[order].astype(np.int64)
        # the same value may sit at two ids of cs.coeffs: one class per value
        classes: dict[int, int] = {}
        class_of = np.array([classes.setdefault(k, len(classes)) for k in cs.coeffs] or [0], dtype=np.int64)
        values = list(classes)
        entry_class = class_of[ids]
        used, first = np.unique(entry_class, return_index=True)
        by_first = used[np.argsort(first, kind="stable")]
        rank = np.zeros(max(len(values), 1), dtype=np.int64)
        rank[by_first] = np.arange(len(by_first))
        table = [values[c] for c in by_first.tolist()]
        if 1 not in table:
            table.append(1)
        one = table.index(1)
        npub = cs.num_public + 1
        return cls(cs.num_wires, cs.num_public, m,
                   np.concatenate([matrix, np.zeros(npub, dtype=np.uint8)]),
                   np.concatenate([rows, np.arange(m, m + npub, dtype=np.uint32)]),
                   np.concatenate([wires, np.arange(npub, dtype=np.uint32)]),
                   np.concatenate([rank[entry_class].astype(np.uint32), np.full(npub, one, dtype=np.uint32)]),
                   tuple(table))

    @classmethod
    def _from_r1cs_rows(cls, cs: R1CS) -> QapMatrices:
        """:meth:`from_r1cs` row by row (the reference the tests compare it with)."""
        entries: list[tuple[int, int, int, int]] = []
        table: dict[int, int] = {}
        for i in range(cs.num_constraints):
            for mat, M in ((0, cs.A), (1, cs.B)):
                lo, hi = int(M.indptr[i]), int(M.indptr[i + 1])
                for wire, k in zip(M.cols[lo:hi].tolist(), M.coeff_ids[lo:hi].tolist()):
                    entries.append((mat, i, wire, table.setdefault(cs.coeffs[k], len(table))))
        one = table.setdefault(1, len(table))
        entries += [(0, cs.num_constraints + i, i, one) for i in range(cs.num_public + 1)]
        cols = list(zip(*entries)) if entries else [(), (), (), ()]
        return cls(cs.num_wires, cs.num_public, cs.num_constraints,
                   np.array(cols[0], dtype=np.uint8), np.array(cols[1], dtype=np.uint32),
                   np.array(cols[2], dtype=np.uint32), np.array(cols[3], dtype=np.uint32),
                   tuple(table))

    def canonical(self) -> list[tuple[int, int, int, int]]:
        """The entries as sorted ``(matrix, row, wire, coefficient)`` (order-free comparison)."""
        ks = self.coeffs
        return sorted(zip(self.matrix.tolist(), self.rows.tolist(), self.wires.tolist(),
                          [ks[k] for k in self.coeff_ids.tolist()]))

    @property
    def num_entries(self) -> int:
        return int(self.rows.shape[0])

    def zkey_coefficients(self) -> bytes:
        """The entries as a ``.zkey``'s section 4: ``u32`` count, then 44-byte records
        (matrix, row, wire as ``u32``; the coefficient ``k R^2 mod r``, 32 bytes little-endian)."""
        import struct

        mont2 = pow(2, 512, R)
        table = np.frombuffer(b"".join((k * mont2 % R).to_bytes(32, "little") for k in self.coeffs), dtype="V32")
        rec = np.empty(self.num_entries, dtype=[("m", "<u4"), ("c", "<u4"), ("s", "<u4"), ("v", "V32")])
        rec["m"], rec["c"], rec["s"] = self.matrix, self.rows, self.wires
        if self.num_entries:
            rec["v"] = table[self.coeff_ids]
        return struct.pack("<I", self.num_entries) + rec.tobytes()

    def evaluations(self, w: Sequence[int], n: int) -> tuple[bytes, bytes, bytes]:
        """``(A.w, B.w, A.w * B.w)`` on the ``n`` rows of the domain, packed."""
        acc = ([0] * n, [0] * n)
        ks = self.coeffs
        for mat, row, wire, k in zip(self.matrix.tolist(), self.rows.tolist(),
                                     self.wires.tolist(), self.coeff_ids.tolist()):
            acc[mat][row] += ks[k] * w[wire]
        a = [x % R for x in acc[0]]
        b = [x % R for x in acc[1]]
        return _enc(a, n), _enc(b, n), _enc([x * y % R for x, y in zip(a, b)], n)
