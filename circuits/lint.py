"""Under-constrained circuits: find witness variables no constraint determines.

Two checks. The static one (run by ``compile(C, strict=True)`` and by :func:`lint`): every
input and every wire a gadget made must appear in some constraint; a public input in none
is not bound by the circuit (only by the proof system), a secret input or internal wire in
none is a free variable a prover may set at will. The dynamic one (:func:`lint` with an
assignment, for circuits up to a few thousand wires): each non-input wire of a satisfying
witness is changed in turn, and a change that still satisfies every constraint names a
wire the constraints do not determine (documented free variables, such as ``is_zero``'s
inverse at 0, show up here too: read the finding's site).

    >>> from circuits import Circuit, Public, Secret, Field
    >>> from circuits.lint import lint
    >>> class Loose(Circuit):
    ...     out: Public[Field]
    ...     x: Secret[Field]
    ...     unused: Secret[Field]
    ...     def define(self, api):
    ...         api.assert_equal(self.x * self.x, self.out)
    >>> lint(Loose)
    ['secret input unused is used by no constraint']
"""

from __future__ import annotations

from typing import Any

from zkp.field import R

from .circuit import Circuit
from .errors import CircuitDefinitionError

__all__ = ["lint", "static_findings"]

_MAX_DYNAMIC_WIRES = 20_000


def static_findings(compiled: Any, sites: dict[int, str] | None) -> list[str]:
    r1cs = compiled.r1cs
    used: set[int] = set()
    for M in (r1cs.A, r1cs.B, r1cs.C):
        used.update(M.cols.tolist())
    findings = []
    inputs: dict[int, str] = {}
    for item in compiled.layout:
        names = [item.name] if not item.spec.shape else [f"{item.name}[{i}]" for i in range(item.spec.size)]
        for w, n in zip(item.wires, names):
            inputs[w] = ("public" if item.spec.public else "secret") + f" input {n}"
    kept = compiled._kept
    for new_w in range(1, r1cs.num_wires):
        if new_w in used:
            continue
        old_w = new_w if kept is None else kept[new_w]
        if old_w in inputs:
            findings.append(f"{inputs[old_w]} is used by no constraint")
        else:
            site = (sites or {}).get(old_w, "?")
            findings.append(f"wire {new_w} (made at {site}) is used by no constraint")
    return findings


def lint(circuit: type[Circuit], assignment: Circuit | None = None) -> list[str]:
    """Findings (empty when none) for ``circuit``; with a satisfying ``assignment`` the
    dynamic check runs too."""
    from .compiler import compile_with_sites

    compiled, sites = compile_with_sites(circuit)
    findings = static_findings(compiled, sites)
    if assignment is None:
        return findings
    w = compiled.solve(assignment).values()
    if len(w) > _MAX_DYNAMIC_WIRES:
        raise CircuitDefinitionError(f"lint: {len(w)} wires, the dynamic check stops at {_MAX_DYNAMIC_WIRES}")
    inputs = {wire for item in compiled.layout for wire in item.wires}
    kept = compiled._kept
    for new_w in range(1, len(w)):
        if new_w in inputs:
            continue
        trial = list(w)
        trial[new_w] = (trial[new_w] + 1) % R
        if compiled.r1cs.is_satisfied(trial):
            old_w = new_w if kept is None else kept[new_w]
            findings.append(f"wire {new_w} (made at {sites.get(old_w, '?')}) is not determined by the constraints")
    return findings
