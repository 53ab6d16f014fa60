"""A malicious-witness harness: search for witnesses that satisfy a circuit's R1CS while
supporting a false claim.

A circuit is sound when its constraints determine every wire from the inputs, and refuse
every input the gadgets promise to refuse. Testing it with honest witnesses (or with
``solve``, whose own Python checks refuse bad values before any constraint is evaluated)
proves nothing of the sort. This module plays the prover instead: it starts from an
honest witness, changes some wires to values of its choosing (the *claim*), then repairs
the constraints the change broke by re-solving other wires, and checks the result directly
against :class:`zkp.r1cs.R1CS`, never through ``solve``.

The repair is a local search. A broken row whose other wires are all locked is a dead end;
otherwise one unlocked wire of the row is solved for (a linear or quadratic equation in
it; a booleanity row over a linear combination of bits, such as ``to_bits``' linear bit,
is solved by re-decomposing the new value into those bits, ``x`` or its alias ``x + r``),
locked, and the rows it touches are checked in turn. So a forgery that needs several
wires moved together (an output and the hint behind it, a value and its bits) is found.

Strategies (each returns :class:`Forgery` objects, empty when none is found):

- :meth:`ForgerySearch.forge`: a chosen claim (input or output values), the rest re-derived;
- :meth:`ForgerySearch.sweep`: each wire moved alone (``h + 1``, ``h - 1``, 0, 1, ...);
- :meth:`ForgerySearch.pairs`: two wires moved together, to structured values;
- :meth:`ForgerySearch.non_boolean`: bit wires set to 2, ``r - 1`` and ``(r + 1) / 2``.

With the inputs unchanged, a satisfying witness that differs from the honest one outside
the ``free`` wires (documented free variables, e.g. ``is_zero``'s inverse at 0) is a
forgery: the constraints do not determine the gadget's result. ``movable`` names inputs
the forger may change to fit (typically the public outputs of a gadget under test).

    >>> from circuits import Circuit, Public, Secret, Field, Bool, compile
    >>> from circuits.testing import ForgerySearch, input_wires
    >>> class Z(Circuit):
    ...     out: Public[Bool]
    ...     x: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_equal(api.is_zero(self.x), self.out)
    >>> cs = compile(Z)
    >>> search = ForgerySearch(cs, cs.solve(Z(out=0, x=3)))
    >>> search.forge({input_wires(cs, "out")[0]: 1}) is None   # "3 is zero" has no witness
    True
    >>> search.sweep() + search.pairs() + search.non_boolean()
    []
    >>> class Loose(Circuit):
    ...     out: Public[Field]
    ...     x: Secret[Field]
    ...     def define(self, api):
    ...         api.enforce(self.out, self.out, self.out)   # out is 0 or 1, whatever x is
    ...         api.enforce(self.x, 1, self.x)
    >>> cs = compile(Loose)
    >>> found = ForgerySearch(cs, cs.solve(Loose(out=0, x=3))).forge({1: 1})
    >>> found.claim, found.changed
    (((1, 1),), (1,))
"""

from __future__ import annotations

import itertools
import random
import heapq
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from zkp.field import FR_GENERATOR, FR_TWO_ADICITY, R
from zkp.r1cs import R1CS
from zkp.witness import Witness

from .compiler import CompiledCircuit
from .errors import AssignmentError, CircuitDefinitionError

__all__ = ["Forgery", "ForgerySearch", "find_forgeries", "input_wires", "scope_wires", "bit_wires",
           "NON_BOOLEAN"]

#: The non-boolean values tried for bit wires: 2, -1 and 1/2.
NON_BOOLEAN = (2, R - 1, (R + 1) // 2)

Row = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Forgery:
    """A witness that satisfies every constraint while supporting ``claim``.

    ``strategy`` names the search that found it, ``claim`` the ``(wire, value)`` pairs the
    forger chose, ``changed`` every wire that differs from the honest witness, and
    ``witness`` the full forged assignment (wire 0 first)."""

    strategy: str
    claim: tuple[tuple[int, int], ...]
    changed: tuple[int, ...]
    witness: tuple[int, ...]

    def __str__(self) -> str:
        claim = ", ".join(f"w{w}={v}" for w, v in self.claim)
        more = "..." if len(self.changed) > 8 else ""
        return f"{self.strategy} [{claim}]: satisfied with wires {list(self.changed[:8])}{more} changed"


def _sqrt(a: int) -> int | None:
    """A square root of ``a`` modulo r (Tonelli-Shanks), or None."""
    a %= R
    if a == 0:
        return 0
    if pow(a, (R - 1) // 2, R) != 1:
        return None
    q, s = (R - 1) >> FR_TWO_ADICITY, FR_TWO_ADICITY
    c, x, t = pow(FR_GENERATOR, q, R), pow(a, (q + 1) // 2, R), pow(a, q, R)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2, i = t2 * t2 % R, i + 1
        b = pow(c, 1 << (s - i - 1), R)
        x, c, t, s = x * b % R, b * b % R, t * b * b % R, i
    return x


def _roots(qa: int, qb: int, qc: int) -> list[int]:
    """Roots of ``qa x^2 + qb x + qc`` modulo r (a linear equation when ``qa`` is 0)."""
    if qa == 0:
        return [] if qb == 0 else [(-qc) * pow(qb, -1, R) % R]
    d = _sqrt(qb * qb - 4 * qa * qc)
    if d is None:
        return []
    inv = pow(2 * qa, -1, R)
    return sorted({(-qb + d) * inv % R, (-qb - d) * inv % R})


def _power_of_two(k: int) -> int | None:
    """``e`` when ``k == 2**e`` (e < 254), ``-e - 1`` when ``k == -2**e`` mod r, else None."""
    for sign, v in ((1, k), (-1, (-k) % R)):
        if v and v & (v - 1) == 0 and v.bit_length() <= 254:
            return v.bit_length() - 1 if sign == 1 else -v.bit_length()
    return None


class ForgerySearch:
    """The malicious prover for one compiled circuit and one honest witness.

    Args:
        circuit: a :class:`~circuits.CompiledCircuit` (its declared inputs are locked) or a
            bare :class:`~zkp.r1cs.R1CS` (then only the public wires are).
        witness: an honest, satisfying witness (a :class:`~zkp.witness.Witness` or ints).
        movable: input wires the forger may change to make a claim fit.
        free: wires whose change alone is not a forgery (documented free variables).

    Raises:
        AssignmentError: the witness has the wrong length or does not satisfy the system.
    """

    def __init__(self, circuit: CompiledCircuit | R1CS, witness: Witness | Sequence[int], *,
                 movable: Iterable[int] = (), free: Iterable[int] = ()) -> None:
        r1cs = circuit.r1cs if isinstance(circuit, CompiledCircuit) else circuit
        values = witness.values() if isinstance(witness, Witness) else [int(v) for v in witness]
        if len(values) != r1cs.num_wires:
            raise AssignmentError(f"ForgerySearch: expected a witness of {r1cs.num_wires} wires, "
                                  f"found {len(values)}")
        bad = r1cs.first_unsatisfied(values)
        if bad is not None:
            raise AssignmentError(f"ForgerySearch: the honest witness breaks constraint {bad} "
                                  f"({r1cs.label(bad)})")
        self.r1cs = r1cs
        self.honest = tuple(values)
        if isinstance(circuit, CompiledCircuit):
            declared = {w for item in circuit.layout for w in item.wires}
        else:
            declared = set(range(1, r1cs.num_public + 1))
        self.movable = frozenset(movable)
        self.free = frozenset(free)
        self.inputs = frozenset(declared) - self.movable
        self.rows: list[Row] = [self._row(i) for i in range(r1cs.num_constraints)]
        self.touches: list[list[int]] = [[] for _ in range(r1cs.num_wires)]
        for i, row in enumerate(self.rows):
            for w in sorted({w for side in row for w, _ in side}):
                self.touches[w].append(i)

    def _row(self, i: int) -> Row:
        a, b, c = self.r1cs.row(i)
        return (tuple(a.items()), tuple(b.items()), tuple(c.items()))

    # ------------------------------------------------------------ wires

    @property
    def internal(self) -> list[int]:
        """Every wire but the constant one and the locked inputs (movable ones included)."""
        return [w for w in range(1, self.r1cs.num_wires) if w not in self.inputs]

    def bit_rows(self) -> list[int]:
        """Rows of the form ``L * L = L`` (a booleanity constraint on ``L``)."""
        return [i for i, (a, b, c) in enumerate(self.rows) if a and a == b == c]

    # ------------------------------------------------------------ the repair

    def _ok(self, i: int, vals: list[int]) -> bool:
        a, b, c = (sum(k * vals[w] for w, k in side) for side in self.rows[i])
        return (a * b - c) % R == 0

    def _solve_for(self, i: int, x: int, vals: list[int]) -> list[int]:
        parts = []
        for side in self.rows[i]:
            coef = sum(k for w, k in side if w == x) % R
            rest = sum(k * vals[w] for w, k in side if w != x) % R
            parts.append((coef, rest))
        (al, a0), (be, b0), (ga, c0) = parts
        return _roots(al * be % R, (al * b0 + be * a0 - ga) % R, (a0 * b0 - c0) % R)

    def _redecompose(self, i: int, cands: list[int], vals: list[int]) -> list[int] | None:
        """For a booleanity row over ``L = c + sum k_j b_j`` with the ``b_j`` unlocked bits,
        choose the bits so that ``L`` is 0 or 1: the new value's own bits, else its alias
        (value + r) when that fits."""
        lc = dict(self.rows[i][0])
        exps: dict[int, int | None] = {}
        for scale_exp in range(255):
            g = (-(1 << scale_exp)) % R  # to_bits' linear bit l has k_j = -2^i / 2^l
            exps = {w: _power_of_two(lc[w] * g % R) for w in cands}
            if all(e is not None for e in exps.values()):
                break
        else:
            return None
        pos = {w: (e if e >= 0 else -e - 1) for w, e in exps.items() if e is not None}
        neg = {w for w, e in exps.items() if e is not None and e < 0}  # read as (1 - b_j)
        const = sum(k * vals[w] for w, k in lc.items() if w not in pos) * g % R
        first = _first_target(sum(k * vals[w] for w, k in lc.items()) % R)
        for alias, target in itertools.product((0, R), (first, 1 - first)):
            m = (g * target - const + sum(1 << pos[w] for w in neg)) % R + alias
            got = self._bits_of(m, pos)
            if got is not None:
                for w in cands:
                    vals[w] = 1 - got[w] if w in neg else got[w]
                return list(cands)
        return None

    @staticmethod
    def _bits_of(m: int, pos: Mapping[int, int]) -> dict[int, int] | None:
        by_exp = {e: w for w, e in pos.items()}
        if len(by_exp) != len(pos) or any(e not in by_exp for e in range(m.bit_length()) if m >> e & 1):
            return None
        return {w: m >> e & 1 for w, e in pos.items()}

    def _fix(self, i: int, vals: list[int], locked: set[int], high_first: bool) -> list[int] | None:
        a, b, c = self.rows[i]
        # the wires this row is the first to use (it defines them) first, then by index
        sign = -1 if high_first else 1
        cands = sorted({w for side in self.rows[i] for w, _ in side if w not in locked},
                       key=lambda w: (self.touches[w][0] != i, sign * w))
        if a and a == b == c and len(cands) > 1:
            done = self._redecompose(i, cands, vals)
            if done is not None:
                return done
        for w in cands:
            before, h = vals[w], self.honest[w]
            for root in sorted(self._solve_for(i, w, vals), key=lambda v: v != h):
                vals[w] = root
                if self._consistent(w, vals, locked):
                    return [w]
            vals[w] = before
        return None

    def _consistent(self, w: int, vals: list[int], locked: set[int]) -> bool:
        """Look ahead one step: the rows of ``w`` whose other wires are all locked hold."""
        return all(self._ok(j, vals) for j in self.touches[w]
                   if all(u == w or u in locked for side in self.rows[j] for u, _ in side))

    def complete(self, claim: Mapping[int, int], *, high_first: bool = True,
                 max_steps: int | None = None) -> list[int] | None:
        """A full assignment with the ``claim`` wires at their values, the inputs (but
        ``movable``) at their honest values, and every row satisfied; None if the repair
        finds none (which is not a proof that none exists)."""
        vals = list(self.honest)
        for w, v in claim.items():
            if not 0 < w < len(vals):
                raise AssignmentError(f"claim: expected wires 1..{len(vals) - 1}, found {w}")
            vals[w] = v % R
        locked = set(self.inputs) | set(claim) | {0}
        queue = sorted({i for w in claim for i in self.touches[w]})  # a heap: rows in creation order
        queued = set(queue)
        steps = max_steps if max_steps is not None else 4 * len(self.rows) + 16
        while queue:
            steps -= 1
            if steps < 0:
                return None
            i = heapq.heappop(queue)
            queued.discard(i)
            if self._ok(i, vals):
                continue
            fixed = self._fix(i, vals, locked, high_first)
            if fixed is None:
                return None
            locked.update(fixed)
            for j in {j for w in fixed for j in self.touches[w]} - queued:
                heapq.heappush(queue, j)
                queued.add(j)
        return vals if self.r1cs.is_satisfied(vals) else None

    def _forgery(self, strategy: str, claim: Mapping[int, int]) -> Forgery | None:
        for high_first in (True, False):
            vals = self.complete(claim, high_first=high_first)
            if vals is None:
                continue
            changed = tuple(w for w, (v, h) in enumerate(zip(vals, self.honest)) if v != h)
            if set(changed) - self.free:
                return Forgery(strategy, tuple(sorted((w, v % R) for w, v in claim.items())), changed,
                               tuple(vals))
        return None

    # ------------------------------------------------------------ strategies

    def forge(self, claim: Mapping[int, int], *, strategy: str = "claim") -> Forgery | None:
        """Try to support ``claim`` (``{wire: value}``, any wires, inputs included) with a
        satisfying witness; None when the search finds none."""
        return self._forgery(strategy, claim)

    def forge_all(self, claims: Iterable[Mapping[int, int]], *, strategy: str = "claim") -> list[Forgery]:
        """:meth:`forge` over several claims; the forgeries found."""
        return [f for c in claims if (f := self._forgery(strategy, c)) is not None]

    def _moves(self, w: int) -> list[int]:
        h = self.honest[w]
        return [v for v in dict.fromkeys(((h + 1) % R, 0, (1 - h) % R, 2, (h - 1) % R)) if v != h]

    def _targets(self, wires: Iterable[int] | None) -> list[int]:
        ws = self.internal if wires is None else sorted(set(wires))
        for w in ws:
            if not 0 < w < self.r1cs.num_wires:
                raise AssignmentError(f"wires: expected 1..{self.r1cs.num_wires - 1}, found {w}")
        return [w for w in ws if w not in self.free]

    def sweep(self, wires: Iterable[int] | None = None) -> list[Forgery]:
        """Each wire (default: every non-input wire) moved alone to ``h + 1``, 0,
        ``1 - h``, 2 and ``h - 1``, the rest repaired; the forgeries found (one per wire)."""
        out = []
        for w in self._targets(wires):
            for v in self._moves(w):
                f = self._forgery("single", {w: v})
                if f is not None:
                    out.append(f)
                    break
        return out

    def pairs(self, wires: Iterable[int] | None = None, *, max_pairs: int = 300,
              rng: random.Random | None = None) -> list[Forgery]:
        """Two wires moved together to structured values (``h + 1``, 0, ``1 - h``), the
        rest repaired. Pairs that share a constraint come first, then random ones, up to
        ``max_pairs`` (all pairs when there are fewer); one forgery per pair at most."""
        ws = self._targets(wires)
        rng = rng or random.Random(len(ws))
        wanted = set(ws)
        shared: dict[tuple[int, int], None] = {}
        for w in ws:
            for i in self.touches[w]:
                for u in {u for side in self.rows[i] for u, _ in side}:
                    if u in wanted and u != w:
                        shared[(min(u, w), max(u, w))] = None
        picked = list(shared)
        if len(picked) > max_pairs:
            picked = rng.sample(picked, max_pairs)
        elif len(ws) * (len(ws) - 1) // 2 <= max_pairs:
            picked = list(itertools.combinations(ws, 2))
        else:
            rest = max_pairs - len(picked)
            while rest > 0:
                u, w = sorted(rng.sample(ws, 2))
                if (u, w) not in shared:
                    picked.append((u, w))
                    rest -= 1
        out = []
        for u, w in picked:
            for vu, vw in itertools.product(self._moves(u)[:3], self._moves(w)[:3]):
                f = self._forgery("pair", {u: vu, w: vw})
                if f is not None:
                    out.append(f)
                    break
        return out

    def non_boolean(self, wires: Iterable[int] | None = None) -> list[Forgery]:
        """Bit wires (default: every wire with a booleanity row of its own) set to each of
        :data:`NON_BOOLEAN`, the rest repaired. Inputs are allowed here (a Bool input at 2
        is the claim); name the wires meant to be bits that have no such row."""
        if wires is None:
            ws = sorted({w for i in self.bit_rows() if len(self.rows[i][0]) == 1
                         for w, _ in self.rows[i][0] if w})
        else:
            ws = sorted(set(wires))
        ws = [w for w in ws if w not in self.free]
        out = []
        for w in ws:
            for v in NON_BOOLEAN:
                f = self._forgery("non-boolean", {w: v})
                if f is not None:
                    out.append(f)
                    break
        return out

    def search(self, wires: Iterable[int] | None = None, *, bits: Iterable[int] | None = None,
               claims: Iterable[Mapping[int, int]] = (), max_pairs: int = 300,
               rng: random.Random | None = None) -> list[Forgery]:
        """Every strategy: the ``claims``, then sweep and pairs over ``wires`` and
        non-boolean values on ``bits``."""
        ws = None if wires is None else list(wires)
        return (self.forge_all(claims) + self.sweep(ws) + self.pairs(ws, max_pairs=max_pairs, rng=rng)
                + self.non_boolean(bits))


def _first_target(v: int) -> int:
    """``v`` when it is 0 or 1, else 0 (the first booleanity target tried)."""
    return v if v in (0, 1) else 0


def find_forgeries(circuit: CompiledCircuit, witness: Witness | Sequence[int], *,
                   claims: Iterable[Mapping[int, int]] = (), wires: Iterable[int] | None = None,
                   bits: Iterable[int] | None = None, movable: Iterable[int] = (),
                   free: Iterable[int] = (), max_pairs: int = 300,
                   rng: random.Random | None = None) -> list[Forgery]:
    """Every strategy of :class:`ForgerySearch` at once; the forgeries found (a sound
    circuit gives ``[]``)."""
    search = ForgerySearch(circuit, witness, movable=movable, free=free)
    return search.search(wires, bits=bits, claims=claims, max_pairs=max_pairs, rng=rng)


def input_wires(circuit: CompiledCircuit, name: str) -> list[int]:
    """The wires of the declared input ``name`` (flattened, in order).

    Raises:
        AssignmentError: the circuit declares no input of that name.
    """
    for item in circuit.layout:
        if item.name == name:
            return list(item.wires)
    names = [item.name for item in circuit.layout]
    raise AssignmentError(f"input_wires: expected one of {names}, found {name!r}")


def scope_wires(circuit: CompiledCircuit, scope: str, *, outputs: bool = False) -> list[int]:
    """The wires made inside ``api.scope(scope)`` (at any depth), after the compiler's
    linear elimination; with ``outputs``, only those used by a constraint made outside
    the scope (the gadget's results as the rest of the circuit sees them). The circuit is
    compiled again with wire sites recorded.

    Raises:
        CircuitDefinitionError: the circuit was not compiled with the default options.
    """
    from .compiler import compile_with_sites

    again, trace = compile_with_sites(circuit.circuit)
    sites = trace.sites
    if again.r1cs.num_wires != circuit.r1cs.num_wires:
        raise CircuitDefinitionError("scope_wires: compile the circuit with the default options "
                                     f"({again.r1cs.num_wires} wires expected, found {circuit.r1cs.num_wires})")
    kept = again._kept or tuple(range(again.r1cs.num_wires))

    def inside(where: str, *, label: bool = False) -> bool:
        path = where.split(" @ ", 1)[0].split("/")
        return scope in (path[:-1] if label else path)

    found = [w for w in range(1, len(kept)) if inside(sites.get(kept[w], ""))]
    if not outputs:
        return found
    r1cs, mine = again.r1cs, set(found)
    used_outside: set[int] = set()
    for i in range(r1cs.num_constraints):
        if not inside(r1cs.label(i), label=True):
            used_outside.update(w for side in r1cs.row(i) for w in side if w in mine)
    return sorted(used_outside)


def bit_wires(circuit: CompiledCircuit | R1CS) -> list[int]:
    """Wires constrained alone to be 0 or 1 (``w * w = w``)."""
    r1cs = circuit.r1cs if isinstance(circuit, CompiledCircuit) else circuit
    out: set[int] = set()
    for i in range(r1cs.num_constraints):
        a, b, c = r1cs.row(i)
        if len(a) == 1 and a == b == c and 0 not in a:
            out.update(a)
    return sorted(out)
