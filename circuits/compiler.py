"""``compile(CircuitClass)``: the R1CS, the input layout and per-label constraint counts;
``CompiledCircuit.solve(assignment)``: the witness.

Wire layout (circom's): wire 0 is one, then the public inputs in declaration order
(arrays flattened row-major), then the secret inputs, then internal wires. Declaring
``UInt[n]`` adds an n-bit range check, ``Bool`` a booleanity check.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass
from typing import Any

from zkp.field import R, to_words
from zkp.errors import MalformedInputError
from zkp.program import ProgramCheckFailed, WitnessProgram
from zkp.r1cs import R1CS, R1CSBuilder
from zkp.witness import Witness

from .api import API
from .circuit import Circuit
from .engine import Compiler, Solver, Trace
from .errors import (AssignmentError, CircuitDefinitionError, UnderconstrainedError, UnsatisfiedConstraintError,
                     UnusedPublicInputWarning)
from .optimize import eliminate_linear
from .types import InputSpec
from .var import Var

__all__ = ["compile", "CompiledCircuit", "InputLayout", "UnusedPublicInputWarning", "input_values"]


@dataclass(frozen=True)
class InputLayout:
    """Where a declared input lives: its first wire and how many wires it spans."""

    name: str
    spec: InputSpec
    first_wire: int

    @property
    def wires(self) -> range:
        return range(self.first_wire, self.first_wire + self.spec.size)


def _flatten(name: str, spec: InputSpec, value: Any) -> list[tuple[str, Any]]:
    if not spec.shape:
        return [(name, value)]
    out: list[tuple[str, Any]] = []

    def walk(v: Any, dims: tuple[int, ...], path: str) -> None:
        if not dims:
            out.append((path, v))
            return
        if isinstance(v, (str, bytes, dict)) or not hasattr(v, "__len__") or len(v) != dims[0]:
            found = len(v) if hasattr(v, "__len__") else type(v).__name__
            raise AssignmentError(f"input {path}: expected {dims[0]} elements, found {found}")
        for i, item in enumerate(v):
            walk(item, dims[1:], f"{path}[{i}]")

    walk(value, spec.shape, name)
    return out


def _integer(v: Any) -> Any:
    """numpy integers (and numpy bools) as Python ints and bools; anything else as it is."""
    if type(v).__module__ == "numpy" and getattr(getattr(v, "dtype", None), "kind", "") in ("i", "u", "b"):
        return v.item()
    return v


def _check_value(path: str, spec: InputSpec, v: Any) -> int:
    t = spec.type
    v = _integer(v)
    if t.name == "Bool" and isinstance(v, bool):
        return int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        hint = " (a fixed-point value is an int: scale it first, e.g. round(x * 100))" if isinstance(v, float) else ""
        raise AssignmentError(f"input {path} ({t!r}): expected an int, found {type(v).__name__}{hint}")
    hi = R if t.bits is None else 1 << t.bits
    if not 0 <= v < hi:
        raise AssignmentError(f"input {path} ({t!r}): expected 0 <= value < "
                              f"{'r' if t.bits is None else f'2^{t.bits}'}, found {v}")
    return int(v)


def _nest(flat: list[Var], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _specs(cls: type[Circuit]) -> list[tuple[str, InputSpec]]:
    return sorted(cls.__zk_inputs__, key=lambda item: not item[1].public)


def input_values(cls: type[Circuit], assignment: Circuit) -> list[int]:
    """The assignment's values in wire order (public first, arrays row-major), each checked
    against its declared type: the inputs of the circuit's witness program.

    Raises:
        AssignmentError: a value is missing, of the wrong shape, or outside its type.
    """
    return [_check_value(p, spec, v) for name, spec in _specs(cls)
            for p, v in _flatten(name, spec, getattr(assignment, name))]


def _allocate(api: API, cls: type[Circuit], assignment: Circuit | None) -> tuple[Circuit, list[InputLayout]]:
    obj = cls.__new__(cls)
    layout, typed = [], []
    for name, spec in _specs(cls):
        layout.append(InputLayout(name, spec, api.num_wires))
        if assignment is None:
            vals: list[int | None] = [None] * spec.size
        else:
            vals = [_check_value(p, spec, v)
                    for p, v in _flatten(name, spec, getattr(assignment, name))]
        flat = [api._input(v, spec.type.bits, spec.type.name == "Bool") for v in vals]
        typed.append((name, spec, flat))
        object.__setattr__(obj, name, _nest(flat, spec.shape))
    for name, spec, flat in typed:
        if spec.type.bits is None:
            continue
        with api.scope(f"input {name}: {spec.type!r}"):
            for var in flat:
                if spec.type.name == "Bool":
                    api.assert_bool(var)
                else:
                    api.to_bits(var, spec.type.bits)
    return obj, layout


class CompiledCircuit:
    """A compiled circuit: ``.r1cs``, ``.layout``, ``.program`` (the witness program),
    ``stats()`` and ``solve(assignment)``."""

    def __init__(self, circuit: type[Circuit], r1cs: R1CS, layout: list[InputLayout],
                 stats: dict[str, int], program: WitnessProgram, check_labels: list[str], *,
                 kept: tuple[int, ...] | None = None, built: tuple[int, int] | None = None) -> None:
        self.circuit = circuit
        self.r1cs = r1cs
        self.layout = tuple(layout)
        self.program = program
        self._check_labels = check_labels  # the label of the row behind each CHECK
        self._stats = dict(sorted(stats.items(), key=lambda kv: (-kv[1], kv[0])))
        self._kept = kept  # old wire of each wire after linear elimination (None: identity)
        self._built = built or (r1cs.num_wires, r1cs.num_constraints)  # what define makes

    @property
    def num_public(self) -> int:
        return self.r1cs.num_public

    @property
    def public_names(self) -> list[str]:
        """Names of the public wires in order (array elements as ``name[i]``)."""
        out = []
        for item in self.layout:
            if item.spec.public:
                out.extend([item.name] if not item.spec.shape
                           else [p for p, _ in _flatten(item.name, item.spec, _shape_dummy(item.spec))])
        return out

    def stats(self) -> dict[str, int]:
        """Constraint count per label (gadget scope and operation), largest first."""
        return dict(self._stats)

    def solve(self, assignment: Circuit, *, debug: bool = False) -> Witness:
        """The full witness: the witness program run on the assignment's values (in the
        C kernel, or its Python twin). With ``debug``, ``define`` runs again instead,
        computing values as it goes, and stops at the first broken constraint; a failed
        program check falls back to it, so the error names the ``file:line`` and values.

        Raises:
            AssignmentError: an input is missing or does not fit its declared type.
            UnsatisfiedConstraintError: a constraint fails (names its ``file:line``).
            CircuitDefinitionError: a Python hint returned something other than ints.
        """
        if not isinstance(assignment, self.circuit):
            raise AssignmentError(f"solve: expected a {self.circuit.__name__} instance, "
                                  f"found {type(assignment).__name__}")
        if debug:
            return self._solve_debug(assignment)
        values = input_values(self.circuit, assignment)
        try:
            data = self.program.run_bytes(to_words(values))
        except ProgramCheckFailed as exc:
            self._solve_debug(assignment)  # raises with the line and the values
            label = self._check_labels[exc.check]
            raise UnsatisfiedConstraintError(f"{label} is not satisfied (the witness program's check "
                                             f"{exc.check}; define passed it when run again)",
                                             location=label.rsplit(" @ ", 1)[-1], label=label) from None
        except MalformedInputError:
            if self.program.hint_names:  # a Python hint misbehaved: define names it and its line
                self._solve_debug(assignment)
            raise
        return Witness(data, self.num_public)

    def _solve_debug(self, assignment: Circuit) -> Witness:
        api = Solver()
        obj, _ = _allocate(api, self.circuit, assignment)
        obj.define(api)
        wires, rows = self._built
        if api.num_wires != wires or api.num_constraints != rows:
            raise CircuitDefinitionError(
                f"{self.circuit.__name__}.define built a different circuit while solving "
                f"({api.num_constraints} constraints, {api.num_wires} wires) than while "
                f"compiling ({rows}, {wires}); define must not depend on values or outside state")
        values = api.values if self._kept is None else [api.values[w] for w in self._kept]
        return Witness(to_words(values), self.num_public)

    def __repr__(self) -> str:
        r = self.r1cs
        return (f"CompiledCircuit({self.circuit.__name__}: {r.num_constraints} constraints, "
                f"{r.num_wires} wires, {r.num_public} public)")

    def _repr_html_(self) -> str:
        """The circuit's sizes and its constraints by label (as :meth:`stats`), largest first."""
        from zkp.display import html_table

        r = self.r1cs
        rows: list[tuple[str, object]] = [("constraints", f"{r.num_constraints:,}"), ("wires", f"{r.num_wires:,}"),
                                          ("public inputs", ", ".join(self.public_names) or "none")]
        by_label = sorted(self.stats().items(), key=lambda kv: -kv[1])
        rows += [(f"  {label}", f"{count:,}") for label, count in by_label[:20]]
        if len(by_label) > 20:
            rows.append(("  ...", f"{sum(c for _, c in by_label[20:]):,} in {len(by_label) - 20} more labels"))
        return html_table(f"Circuit {self.circuit.__name__}", rows)


def _shape_dummy(spec: InputSpec) -> Any:
    v: Any = 0
    for d in reversed(spec.shape):
        v = [v] * d
    return v


def compile(circuit: type[Circuit], *, optimize: bool = True, strict: bool = False) -> CompiledCircuit:  # noqa: A001
    """Compile a circuit class into an R1CS with its layout and statistics.

    With ``optimize`` (the default) linear constraints are eliminated by substitution
    (:mod:`circuits.optimize`, as circom's ``--O2``): the wires they determine leave the
    system, so the R1CS and the witness are smaller; inputs always stay. With ``strict``,
    the static checks of :mod:`circuits.lint` run and any finding raises
    :class:`UnderconstrainedError` naming it: inputs and wires that no constraint uses,
    results computed and dropped (a comparison never asserted), and hint outputs that can
    change together while every constraint holds.

    Example:
        >>> from circuits import Circuit, Public, Secret, UInt, compile
        >>> class Adult(Circuit):
        ...     age: Secret[UInt[8]]
        ...     threshold: Public[UInt[8]]
        ...     def define(self, api):
        ...         api.assert_true(self.age >= self.threshold)
        >>> cs = compile(Adult)
        >>> cs.r1cs.num_constraints, cs.num_public
        (24, 1)
        >>> cs.solve(Adult(age=29, threshold=18)).public
        [18]
    """
    compiled, trace = _compile(circuit, optimize, strict)
    if strict:
        from .lint import static_findings

        findings = static_findings(compiled, trace)
        if findings:
            raise UnderconstrainedError(f"{circuit.__name__} is under-constrained: " + "; ".join(findings), findings)
    return compiled


def compile_with_sites(circuit: type[Circuit]) -> tuple[CompiledCircuit, Trace]:
    """Compile, recording where each wire was made, the hints and the results of
    operations (slower; for :mod:`circuits.lint`)."""
    compiled, trace = _compile(circuit, True, True)
    return compiled, trace or Trace()


def _compile(circuit: type[Circuit], optimize: bool, sites: bool) -> tuple[CompiledCircuit, Trace | None]:
    if not (isinstance(circuit, type) and issubclass(circuit, Circuit)):
        raise CircuitDefinitionError(f"compile: expected a Circuit subclass, found {circuit!r}")
    npub = sum(spec.size for _, spec in circuit.__zk_inputs__ if spec.public)
    builder = R1CSBuilder(num_public=npub)
    api = Compiler(builder, sum(spec.size for _, spec in circuit.__zk_inputs__), sites=sites)
    obj, layout = _allocate(api, circuit, None)
    obj.define(api)
    r1cs = builder.build()
    built = (r1cs.num_wires, r1cs.num_constraints)
    check_labels = [r1cs.label(i) for i in api.check_rows]
    trace = api.trace
    if trace is not None:
        trace.built = r1cs
    kept = None
    if optimize:
        elim = eliminate_linear(r1cs, {w for item in layout for w in item.wires},
                                trace.hints if trace is not None else ())
        if not elim.identity:
            r1cs, kept = elim.r1cs, elim.kept
            if trace is not None:
                trace.eliminated = elim.tracked
    _warn_unused(r1cs, circuit)
    stats = Counter(r1cs.label(i).rsplit(" @ ", 1)[0] for i in range(r1cs.num_constraints)) if kept else api.stats
    program = api.program.build(built[0], kept if kept is not None else range(built[0]))
    return CompiledCircuit(circuit, r1cs, layout, dict(stats), program, check_labels,
                           kept=kept, built=built), trace


def _warn_unused(r1cs: R1CS, circuit: type) -> None:
    used: set[int] = set()
    for M in (r1cs.A, r1cs.B, r1cs.C):
        used.update(int(c) for c in set(M.cols.tolist()) if c <= r1cs.num_public)
    unused = [w for w in range(1, r1cs.num_public + 1) if w not in used]
    if unused:
        warnings.warn(f"{circuit.__name__}: public wire(s) {unused} appear in no constraint; "
                      "the proof binds them, but the circuit does not use them",
                      UnusedPublicInputWarning, stacklevel=3)
