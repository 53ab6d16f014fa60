"""Under-constrained circuits: find witness variables no constraint determines.

The static checks (run by ``compile(C, strict=True)`` and by :func:`lint`), each sound in
what it reports (a finding is a real defect, not a guess; a circuit with no finding may
still have defects the checks do not model):

- every input and every wire a gadget made appears in some constraint; a public input in
  none is not bound by the circuit (only by the proof system), a secret input or internal
  wire in none is a free variable a prover may set at will;
- every result of an operation whose rows constrain only that result (``*``, ``is_zero``,
  ``==``, comparisons, ``select``, the comparator gadgets) is used by a later constraint:
  a comparison computed and dropped proves nothing about its operands;
- no output of ``api.hint`` can change, alone or together with one other wire, while every
  constraint holds and all other wires keep their values. For each hint wire and each wire
  sharing a row with it, the rows touching the pair are linear in the move (the pair never
  meets itself across a product); their coefficients are linear functions of the other
  wires, and when the resulting matrix has rank below 2 at two random points it has it
  everywhere (but with probability below 2^-500), so every witness can be moved. A hint
  that linear elimination replaced by a public input moves with that input: the circuit
  then accepts two values of it for the same other inputs (a quotient whose remainder no
  range check pins). Moves that need a third wire to follow (the bits of a range-checked
  value) are not modelled.

The dynamic checks (:func:`lint` with an assignment, for circuits up to a few thousand
wires): each non-input wire of a satisfying witness is changed in turn, and a change that
still satisfies every constraint names a wire the constraints do not determine (documented
free variables, such as ``is_zero``'s inverse at 0, show up here too: read the finding's
site); and each hint wire, alone or with a wire sharing a row, is moved along the direction
the rows allow at that witness (rows where the pair meets itself across a product fix the
step; a pair that only meets in products, ``h * g = out``, is also moved along both at once,
which finds ``(h, g) -> (-g, -h)``), and a moved witness that satisfies every constraint is
reported with its values.

    >>> from circuits import Circuit, Public, Secret, Field, UInt
    >>> from circuits.lint import lint
    >>> class Loose(Circuit):
    ...     out: Public[Field]
    ...     x: Secret[Field]
    ...     unused: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_equal(self.x * self.x, self.out)
    >>> lint(Loose)
    ['secret input unused is used by no constraint']
    >>> class Dropped(Circuit):
    ...     a: Secret[UInt[8]]
    ...     b: Public[UInt[8]]
    ...     def define(self, api):
    ...         self.a < self.b   # never asserted
    >>> [f.split(" made at ")[0] for f in lint(Dropped)]
    ['the result of comparison']
"""

from __future__ import annotations

import secrets
from typing import Any, Iterator

import numpy as np

from zkp.field import R

from .engine import Trace
from .circuit import Circuit
from .errors import CircuitDefinitionError

__all__ = ["lint", "static_findings"]

_MAX_DYNAMIC_WIRES = 20_000
_POINTS = 2  # random points at which a pair's matrix must lose rank

LC = dict[int, int]
_Row = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]  # linear part, A and B terms of a move


def static_findings(compiled: Any, trace: Trace | None) -> list[str]:
    """The static checks of the module docstring, as messages (empty when none)."""
    trace = trace or Trace()
    inputs = _input_names(compiled)
    findings = _unused_wires(compiled, trace.sites, inputs)
    if trace.built is not None:
        findings += _dropped_results(trace.built, trace.results)
    findings += _movable_hints(compiled, trace, inputs)
    return findings


def _input_names(compiled: Any) -> dict[int, str]:
    inputs: dict[int, str] = {}
    for item in compiled.layout:
        names = [item.name] if not item.spec.shape else [f"{item.name}[{i}]" for i in range(item.spec.size)]
        for w, n in zip(item.wires, names):
            inputs[w] = ("public" if item.spec.public else "secret") + f" input {n}"
    return inputs


def _unused_wires(compiled: Any, sites: dict[int, str], inputs: dict[int, str]) -> list[str]:
    r1cs = compiled.r1cs
    used: set[int] = set()
    for M in (r1cs.A, r1cs.B, r1cs.C):
        used.update(M.cols.tolist())
    findings = []
    kept = compiled._kept
    for new_w in range(1, r1cs.num_wires):
        if new_w in used:
            continue
        old_w = new_w if kept is None else kept[new_w]
        if old_w in inputs:
            findings.append(f"{inputs[old_w]} is used by no constraint")
        else:
            findings.append(f"wire {new_w} (made at {sites.get(old_w, '?')}) is used by no constraint")
    return findings


def _dropped_results(r1cs: Any, results: list[tuple[tuple[int, ...], int, str, str]]) -> list[str]:
    """Results no row made after them mentions (checked on the system ``define`` built)."""
    last = np.full(r1cs.num_wires, -1, dtype=np.int64)
    for M in (r1cs.A, r1cs.B, r1cs.C):
        rows = np.repeat(np.arange(len(M.indptr) - 1, dtype=np.int64), np.diff(M.indptr))
        np.maximum.at(last, M.cols.astype(np.int64), rows)
    dropped: dict[tuple[str, str], int] = {}
    for wires, made, what, site in results:
        if int(last[list(wires)].max()) < made:
            dropped[(what, site)] = dropped.get((what, site), 0) + 1
    return [f"the result of {what} made at {site} is used by no constraint"
            f"{f' ({n} results)' if n > 1 else ''}: it is computed and dropped, so nothing is "
            "proved about it (assert it, or remove it)" for (what, site), n in dropped.items()]


def _rows_by_wire(M: Any, num_wires: int) -> tuple[Any, Any]:
    """One matrix's index from wires to rows: those of ``w`` are ``rows[start[w]:start[w+1]]``."""
    import numpy as np

    rows = np.repeat(np.arange(len(M.indptr) - 1, dtype=np.int64), np.diff(M.indptr))
    order = np.argsort(M.cols, kind="stable")
    start = np.searchsorted(M.cols[order], np.arange(num_wires + 1))
    return rows[order], start


class _System:
    """Rows of an R1CS by wire, read lazily, evaluated at random points."""

    def __init__(self, r1cs: Any, witness: list[int] | None = None) -> None:
        self.r1cs = r1cs
        self._by_col, self._start = r1cs.rows_by_wire()
        self._rows: dict[int, tuple[LC, LC, LC]] = {}
        self._points: list[dict[int, int]] = ([{0: 1} for _ in range(_POINTS)] if witness is None
                                              else [dict(enumerate(witness))])
        self._ab: dict[tuple[int, int], tuple[int, int]] = {}
        self._sides: dict[int, tuple[set[int], set[int]]] = {}
        self._ab_index = [_rows_by_wire(M, r1cs.num_wires) for M in (r1cs.A, r1cs.B)]
        self._occ: dict[int, set[int]] = {}

    def occurrences(self, w: int) -> set[int]:
        got = self._occ.get(w)
        if got is None:
            got = self._occ[w] = set(self._by_col[int(self._start[w]):int(self._start[w + 1])].tolist())
        return got

    def sides(self, w: int) -> tuple[set[int], set[int]]:
        """The rows whose ``a`` holds ``w``, and those whose ``b`` does (cached: the pair
        search asks for the same wires many times)."""
        got = self._sides.get(w)
        if got is None:
            (a_rows, a_start), (b_rows, b_start) = self._ab_index
            got = self._sides[w] = (set(a_rows[int(a_start[w]):int(a_start[w + 1])].tolist()),
                                    set(b_rows[int(b_start[w]):int(b_start[w + 1])].tolist()))
        return got

    def row(self, i: int) -> tuple[LC, LC, LC]:
        r = self._rows.get(i)
        if r is None:
            r = self._rows[i] = self.r1cs.row(i)
        return r

    def _eval(self, lc: LC, p: int) -> int:
        x = self._points[p]
        total = 0
        for w, k in lc.items():
            v = x.get(w)
            if v is None:
                v = x[w] = secrets.randbelow(R)
            total += k * v
        return total % R

    def coeff(self, i: int, w: int, p: int) -> int:
        """How row ``i``'s ``a*b - c`` changes per unit of ``w`` (the others fixed), at point
        ``p``, for a row where ``w`` is not on both sides of the product."""
        a, b, c = self.row(i)
        ab = self._ab.get((i, p))
        if ab is None:
            ab = self._ab[(i, p)] = (self._eval(a, p), self._eval(b, p))
        return (ab[0] * b.get(w, 0) + ab[1] * a.get(w, 0) - c.get(w, 0)) % R

    def linear_in(self, wires: tuple[int, ...]) -> bool:
        """No row multiplies a move of ``wires`` by itself: no row holds one of them in its
        ``a`` and one in its ``b`` (pairwise disjointness, no union built: the pair search
        asks this of millions of pairs and keeps few)."""
        sides = [self.sides(w) for w in wires]
        return all(a.isdisjoint(b) for a, _ in sides for _, b in sides)

    def rows_of(self, wires: tuple[int, ...]) -> set[int]:
        """The rows touching any of ``wires``."""
        if len(wires) == 1:
            return self.occurrences(wires[0])
        return set().union(*(self.occurrences(w) for w in wires))

    def rank_below(self, rows: set[int], wires: tuple[int, ...]) -> bool:
        """The rows' coefficient matrix in ``wires`` has rank below ``len(wires)`` (1 or 2)
        at every point."""
        for p in range(len(self._points)):
            vecs = [tuple(self.coeff(i, w, p) for w in wires) for i in rows]
            if len(wires) == 1:
                if any(v[0] for v in vecs):
                    return False
                continue
            first = next((v for v in vecs if any(v)), None)
            if first is not None and any((first[0] * v[1] - first[1] * v[0]) % R for v in vecs):
                return False
        return True


def _hint_wires(compiled: Any, trace: Trace, inputs: dict[int, str]) -> dict[int, str]:
    """The wire (new index) that holds each hint after elimination, with a description:
    the hint's own wire, or the one wire (often a public input) it was set equal to."""
    kept = compiled._kept
    new_of = {old: new for new, old in enumerate(kept)} if kept is not None else None
    out: dict[int, str] = {}
    for h in trace.hints:
        site = trace.sites.get(h, "?")
        if new_of is None or h in new_of:
            out[new_of[h] if new_of is not None else h] = f"the hint made at {site}"
            continue
        wires = [w for w in trace.eliminated.get(h, {}) if w]
        if len(wires) == 1 and wires[0] in new_of:
            w = wires[0]
            what = inputs.get(w, f"wire {new_of[w]} (made at {trace.sites.get(w, '?')})")
            out.setdefault(new_of[w], f"{what} (which the hint made at {site} was set to)")
    return out


def _describe(w: int, hints: dict[int, str], compiled: Any, trace: Trace, inputs: dict[int, str]) -> str:
    if w in hints:
        return hints[w]
    old = w if compiled._kept is None else compiled._kept[w]
    return inputs.get(old, f"wire {w} (made at {trace.sites.get(old, '?')})")


def _candidates(sys_: _System, hints: dict[int, str], movable: set[int]) -> Iterator[tuple[int, ...]]:
    """Each hint wire alone, then each pair of a hint wire and a movable wire sharing a row
    with it (``sys_.rows_of`` gives the rows touching them)."""
    for h in sorted(hints):
        if sys_.occurrences(h):
            yield (h,)
    seen: set[tuple[int, int]] = set()
    for h in sorted(hints):
        rows_h = sys_.occurrences(h)
        near = {w for i in rows_h for lc in sys_.row(i) for w in lc} & movable
        for w in sorted(near - {h}):
            pair = (min(h, w), max(h, w))
            if pair not in seen:
                seen.add(pair)
                yield pair


def _movable_hints(compiled: Any, trace: Trace, inputs: dict[int, str]) -> list[str]:
    hints = _hint_wires(compiled, trace, inputs)
    if not hints:
        return []
    sys_ = _System(compiled.r1cs)
    movable = set(range(1, compiled.r1cs.num_wires)) - set(inputs) | set(hints)
    findings: list[str] = []
    free: set[int] = set()
    for wires in _candidates(sys_, hints, movable):
        if free & set(wires) or not sys_.linear_in(wires) or not sys_.rank_below(sys_.rows_of(wires), wires):
            continue
        if len(wires) == 1:
            free.add(wires[0])
            findings.append(f"{hints[wires[0]]} can change alone while every constraint holds")
            continue
        h, w = wires if wires[0] in hints else wires[::-1]
        findings.append(
            f"{hints[h]} and {_describe(w, hints, compiled, trace, inputs)} can change "
            "together while every constraint holds: the constraints do not determine "
            "them (a range check or an equation that pins the hint is missing)")
    return findings


def _moved_witnesses(compiled: Any, trace: Trace, w: list[int]) -> list[str]:
    """The pair check at a witness: a move ``t * u`` of a hint wire and one other wire, with
    ``u`` spanning the rows linear in the move and ``t`` solving the others, kept only when
    the moved witness satisfies the whole system."""
    inputs = _input_names(compiled)
    hints = _hint_wires(compiled, trace, inputs)
    if not hints:
        return []
    sys_ = _System(compiled.r1cs, w)
    movable = set(range(1, compiled.r1cs.num_wires)) - set(inputs) | set(hints)
    findings = []
    for wires in _candidates(sys_, hints, movable):
        move = _solve_move(sys_, sys_.rows_of(wires), wires)
        if move is None:
            continue
        trial = list(w)
        for wire, d in zip(wires, move):
            trial[wire] = (trial[wire] + d) % R
        if compiled.r1cs.is_satisfied(trial):
            names = " and ".join(_describe(x, hints, compiled, trace, inputs) for x in wires)
            now = " and ".join(str(w[x]) for x in wires)
            moved = " and ".join(str(trial[x]) for x in wires)
            findings.append(f"{names}, now {now}, can also be {moved}: that witness satisfies every constraint too")
    return findings


def _solve_move(sys_: _System, rows: set[int], wires: tuple[int, ...]) -> tuple[int, ...] | None:
    lin: list[_Row] = []
    quad: list[_Row] = []
    for i in rows:
        a, b, _ = sys_.row(i)
        vec = tuple(sys_.coeff(i, x, 0) for x in wires)
        qa, qb = tuple(a.get(x, 0) for x in wires), tuple(b.get(x, 0) for x in wires)
        (quad if any(qa) and any(qb) else lin).append((vec, qa, qb))
    first = next((v for v, _, _ in lin if any(v)), None)
    if first is None:
        # each wire alone, and both at once: a move of two wires that only meet in products
        # (h * g = out) is along neither axis, (h, g) -> (-g, -h) is along (1, 1)
        directions = [(1,)] if len(wires) == 1 else [(1, 0), (0, 1), (1, 1)]
    elif len(wires) == 1 or any((first[0] * v[1] - first[1] * v[0]) % R for v, _, _ in lin):
        return None
    else:
        directions = [(first[1], (-first[0]) % R)]
    for u in directions:
        t = _step(u, quad)
        if t:
            return tuple(t * x % R for x in u)
    return None


def _step(u: tuple[int, ...], quad: list[_Row]) -> int | None:
    """A nonzero ``t`` with ``l.u t + (qa.u)(qb.u) t^2 = 0`` for every quadratic row, if any."""
    t: int | None = None
    for vec, qa, qb in quad:
        lu = sum(x * y for x, y in zip(vec, u)) % R
        qu = sum(x * y for x, y in zip(qa, u)) * sum(x * y for x, y in zip(qb, u)) % R
        if qu == 0:
            if lu:
                return None
            continue
        ti = (-lu) * pow(qu, -1, R) % R
        if ti == 0 or (t is not None and ti != t):
            return None
        t = ti
    return 1 if t is None else t


def lint(circuit: type[Circuit], assignment: Circuit | None = None) -> list[str]:
    """Findings (empty when none) for ``circuit``; with a satisfying ``assignment`` the
    dynamic check runs too."""
    from .compiler import compile_with_sites

    compiled, trace = compile_with_sites(circuit)
    findings = static_findings(compiled, trace)
    if assignment is None:
        return findings
    w = compiled.solve(assignment).values()
    if len(w) > _MAX_DYNAMIC_WIRES:
        raise CircuitDefinitionError(f"lint: {len(w)} wires, the dynamic check stops at {_MAX_DYNAMIC_WIRES}")
    findings += _moved_witnesses(compiled, trace, w)
    inputs = {wire for item in compiled.layout for wire in item.wires}
    kept = compiled._kept
    for new_w in range(1, len(w)):
        if new_w in inputs:
            continue
        trial = list(w)
        trial[new_w] = (trial[new_w] + 1) % R
        if compiled.r1cs.is_satisfied(trial):
            old_w = new_w if kept is None else kept[new_w]
            findings.append(f"wire {new_w} (made at {trace.sites.get(old_w, '?')}) is not determined by the constraints")
    return findings
