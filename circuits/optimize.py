"""Linear-constraint elimination, the R1CS pass ``compile`` runs by default.

A row whose A or B side is a constant is a linear equation ``L(w) = 0``. Where ``L`` has a
wire that is not a declared input (nor the constant wire), that wire is a linear function
of the others: it is substituted into every other row, the row is dropped, and the wire
disappears from the system (and from the witness). Rows that become linear are processed
in turn; rows that become ``0 = 0`` are dropped; a row that becomes ``0 = c`` (c != 0) means
no witness can exist and is reported. This is what circom's ``--O2`` does.

The solution set on the remaining wires is unchanged: every eliminated wire was determined
by the equation that eliminated it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Collection

import numpy as np

from zkp.field import R
from zkp.r1cs import R1CS, SparseMatrix

from .errors import CircuitDefinitionError

__all__ = ["eliminate_linear", "Elimination"]

LC = dict[int, int]


@dataclass(frozen=True)
class Elimination:
    """The optimised system and ``kept``: the old wire index of each new wire; ``tracked``:
    for each removed wire that the caller asked to track, the linear combination of kept
    wires (old indices) it equals."""

    r1cs: R1CS
    kept: tuple[int, ...]
    removed_rows: int
    tracked: dict[int, LC] = field(default_factory=dict)

    @property
    def identity(self) -> bool:
        return self.removed_rows == 0


def _linear_rows(r1cs: R1CS) -> list[int]:
    """Rows whose A or B side has no wire but the constant one."""
    out: list[int] = []
    for M in (r1cs.A, r1cs.B):
        ptr, cols = M.indptr, M.cols
        nonconst = (cols != 0).astype(np.int64)
        counts = np.add.reduceat(nonconst, ptr[:-1]) if len(cols) else np.zeros(len(ptr) - 1, np.int64)
        empty = ptr[1:] == ptr[:-1]
        counts = np.where(empty, 0, counts)
        out.extend(np.nonzero(counts == 0)[0].tolist())
    return sorted(set(out))


def _add_scaled(dst: LC, src: LC, k: int) -> None:
    for w, c in src.items():
        v = (dst.get(w, 0) + c * k) % R
        if v:
            dst[w] = v
        else:
            dst.pop(w, None)


def _as_linear(a: LC, b: LC, c: LC) -> LC | None:
    """``L`` with ``L(w) = 0`` when the row ``a * b = c`` is linear, else None."""
    if not a or not b:
        out: LC = {}
        _add_scaled(out, c, R - 1)
        return out
    if set(a) == {0}:
        out = {}
        _add_scaled(out, b, a[0])
        _add_scaled(out, c, R - 1)
        return out
    if set(b) == {0}:
        out = {}
        _add_scaled(out, a, b[0])
        _add_scaled(out, c, R - 1)
        return out
    return None


class _Rows:
    """Rows of an R1CS, converted to dicts only when touched; ``wire -> rows`` from a
    column index built once with numpy, plus the occurrences substitution adds."""

    def __init__(self, r1cs: R1CS) -> None:
        self.r1cs = r1cs
        self.touched: dict[int, tuple[LC, LC, LC] | None] = {}  # None: deleted
        self.extra: dict[int, set[int]] = {}
        self._rows_by_col, self._start = r1cs.rows_by_wire()

    def get(self, i: int) -> tuple[LC, LC, LC] | None:
        if i in self.touched:
            return self.touched[i]
        row = self.r1cs.row(i)
        self.touched[i] = row
        return row

    def occurrences(self, w: int) -> set[int]:
        lo, hi = int(self._start[w]), int(self._start[w + 1])
        out = set(self._rows_by_col[lo:hi].tolist()) | self.extra.get(w, set())
        return {i for i in out if (r := self.get(i)) is not None and any(w in lc for lc in r)}

    def count(self, w: int) -> int:
        return int(self._start[w + 1] - self._start[w]) + len(self.extra.get(w, ()))


class _Tracker:
    """The current expression of each tracked wire that has been removed, kept up to date
    as later substitutions remove the wires it is written in."""

    def __init__(self, track: Collection[int]) -> None:
        self.track = set(track)
        self.exprs: dict[int, LC] = {}
        self.users: dict[int, set[int]] = {}  # wire -> tracked wires whose expression has it

    def removed(self, v: int, subst: LC) -> None:
        for t in self.users.pop(v, ()):
            e = self.exprs[t]
            if v in e:
                k = e.pop(v)
                _add_scaled(e, subst, k)
                for w in subst:
                    self.users.setdefault(w, set()).add(t)
        if v in self.track:
            self.exprs[v] = dict(subst)
            for w in subst:
                self.users.setdefault(w, set()).add(v)


def eliminate_linear(r1cs: R1CS, protected: set[int], track: Collection[int] = ()) -> Elimination:
    """Remove linear rows by substitution; ``protected`` wires (inputs) are never removed.
    For each wire of ``track`` that is removed, ``tracked`` gives what it equals."""
    lin = _linear_rows(r1cs)
    if not lin:
        return Elimination(r1cs, tuple(range(r1cs.num_wires)), 0)
    rows = _Rows(r1cs)
    tracker = _Tracker(track)
    keep_safe = protected | {0} | set(range(r1cs.num_public + 1))
    removed: set[int] = set()
    queue = list(lin)
    queued = set(lin)
    while queue:
        i = queue.pop()
        queued.discard(i)
        row = rows.get(i)
        if row is None:
            continue
        L = _as_linear(*row)
        if L is None:
            continue
        wires = [w for w in L if w not in keep_safe]
        if not wires:
            if not L or set(L) == {0}:
                if L.get(0, 0):
                    raise CircuitDefinitionError(
                        f"constraint {i} ({r1cs.label(i)}) reduces to {L[0]} == 0: no witness can satisfy it")
                rows.touched[i] = None  # 0 == 0
            continue
        v = min(wires, key=lambda w: (rows.count(w), -w))
        inv = pow(L[v], -1, R)
        subst: LC = {w: (-c * inv) % R for w, c in L.items() if w != v}  # v = -(L - c_v v) / c_v
        rows.touched[i] = None
        for j in rows.occurrences(v):
            rj = rows.get(j)
            assert rj is not None
            for lc in rj:
                if v in lc:
                    k = lc.pop(v)
                    before = set(lc)
                    _add_scaled(lc, subst, k)
                    for w in set(lc) - before:
                        rows.extra.setdefault(w, set()).add(j)
            na, nb, nc = rj
            if (not na or not nb) and not nc:
                rows.touched[j] = None
                continue
            if j not in queued and _as_linear(na, nb, nc) is not None:
                queue.append(j)
                queued.add(j)
        removed.add(v)
        tracker.removed(v, subst)
    out = _rebuild(r1cs, rows.touched, removed)
    return Elimination(out.r1cs, out.kept, out.removed_rows, tracker.exprs)


def _rebuild(r1cs: R1CS, touched: dict[int, tuple[LC, LC, LC] | None], removed: set[int]) -> Elimination:
    """The new system: untouched rows copied as arrays, touched rows re-encoded, wires renumbered."""
    m = r1cs.num_constraints
    kept = tuple(w for w in range(r1cs.num_wires) if w not in removed)
    new_index = np.full(r1cs.num_wires, -1, dtype=np.int64)
    new_index[list(kept)] = np.arange(len(kept))
    alive = np.ones(m, dtype=bool)
    changed = np.zeros(m, dtype=bool)
    for i, row in touched.items():
        changed[i] = True
        alive[i] = row is not None
    new_row = np.cumsum(alive) - 1
    coeffs = list(r1cs.coeffs)
    coeff_index = {k: j for j, k in enumerate(coeffs)}
    mats = []
    for side, M in enumerate((r1cs.A, r1cs.B, r1cs.C)):
        lengths = np.diff(M.indptr)
        row_of_term = np.repeat(np.arange(m), lengths)
        keep_terms = (~changed)[row_of_term]
        rows_part = [new_row[row_of_term[keep_terms]]]
        cols_part = [new_index[M.cols[keep_terms].astype(np.int64)]]
        ks_part = [M.coeff_ids[keep_terms].astype(np.int64)]
        extra_r, extra_c, extra_k = [], [], []
        for i, row in touched.items():
            if row is None:
                continue
            for w, k in sorted(row[side].items()):
                j = coeff_index.get(k)
                if j is None:
                    j = coeff_index[k] = len(coeffs)
                    coeffs.append(k)
                extra_r.append(int(new_row[i]))
                extra_c.append(int(new_index[w]))
                extra_k.append(j)
        rows_part.append(np.array(extra_r, dtype=np.int64))
        cols_part.append(np.array(extra_c, dtype=np.int64))
        ks_part.append(np.array(extra_k, dtype=np.int64))
        rr, cc, kk = (np.concatenate(p) for p in (rows_part, cols_part, ks_part))
        order = np.argsort(rr, kind="stable")
        rr, cc, kk = rr[order], cc[order], kk[order]
        if len(cc) and int(cc.min()) < 0:
            raise AssertionError("a removed wire is still referenced")  # an optimiser bug, never input
        indptr = np.zeros(int(alive.sum()) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rr, minlength=len(indptr) - 1), out=indptr[1:])
        mats.append(SparseMatrix(indptr, cc.astype(np.uint32), kk.astype(np.uint32)))
    out = R1CS(num_wires=len(kept), num_public=r1cs.num_public, A=mats[0], B=mats[1], C=mats[2],
               coeffs=coeffs, labels=r1cs.labels, label_ids=r1cs.label_ids[alive].copy())
    return Elimination(out, kept, int((~alive).sum()))
