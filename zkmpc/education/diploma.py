"""Diplomas issued in batches: one Poseidon Merkle root per batch, published on chain by
the university; a graduate proves "I hold a diploma of degree X, year >= Y, from a batch of
this university" and reveals only X, Y and a session nullifier.

A diploma leaf is ``Poseidon(holder, degree, year, honours, serial)`` (:class:`Diploma`;
``holder`` is the graduate's commitment ``Poseidon(secret)``, :class:`~.student.Student`).
A batch (:class:`DiplomaBatch`) is a fixed-depth binary Merkle tree of leaves
(:class:`circuits.native.MerkleTree`, depth 20 by default: 2^20 diplomas); the
university (:class:`University`) publishes each batch's root, several batches over the
years giving several roots.

The circuit (:func:`diploma_circuit`) proves, for public signals, in order
(:class:`DiplomaSignals`): ``root, degree, min_year, session, nullifier``

- ``batch``: the leaf of (``Poseidon(secret)``, ``degree``, ``year``, ``honours``,
  ``serial``) is in the tree of ``root`` (the year, honours and serial stay secret);
- ``year``: ``year >= min_year`` (both 16-bit);
- ``session``: ``nullifier = Poseidon(secret, session)``: one presentation per verifier
  session, unlinkable across sessions and unknown to the university.

    >>> import random, warnings
    >>> from zkp import groth16
    >>> rng = random.Random(3)
    >>> ada = Student.generate(rng=rng)
    >>> uni = University("Example University", depth=4)
    >>> cs_degree = degree_code("BSc Computer Science")
    >>> batch = uni.issue_batch([Diploma(ada.commitment, cs_degree, 2024, 1, 1),
    ...                          Diploma(Student.generate(rng=rng).commitment, cs_degree, 2024, 0, 2)])
    >>> statement = DiplomaStatement(degree=cs_degree, min_year=2020, session=99)
    >>> cs = compile_diploma_circuit(4)
    >>> w = cs.solve(diploma_assignment(ada, batch.diploma(1), batch.proof(1), statement))
    >>> DiplomaSignals.from_list(w.public) == DiplomaSignals(batch.root, cs_degree, 2020, 99, ada.nullifier(99))
    True
    >>> diploma_assignment(ada, batch.diploma(1), batch.proof(1), replace(statement, min_year=2025))
    Traceback (most recent call last):
    ...
    zkmpc.errors.YearBelowThresholdError: the diploma's year 2024 is below the minimum 2025

Security: the batch root is what the university vouches for; a verifier accepts only roots
the university published (on chain: :class:`DiplomaVerifier` or an app contract whose root
set is the university's). Revocation of a single diploma is not modelled (a new batch root
without it replaces the old one in the verifier's set).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, Sequence

from circuits import Bool, Circuit, CompiledCircuit, Field, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_ge, assert_member, nullifier, poseidon
from circuits.native import MerkleTree, poseidon as poseidon_native
from circuits.native.merkle import MerkleProof
from zkp import groth16

from ..errors import (DegreeMismatchError, DiplomaNotIssuedError, EducationError, EducationFormatError,
                      InvalidEducationProofError, PresentationReplayError, UnknownBatchRootError,
                      YearBelowThresholdError)
from .student import Student, field_element, small_int

__all__ = ["Diploma", "DiplomaBatch", "University", "DiplomaStatement", "DiplomaSignals", "DiplomaVerifier",
           "degree_code", "diploma_circuit", "compile_diploma_circuit", "diploma_assignment",
           "diploma_assignment_unchecked", "diploma_refusal", "check_diploma", "YEAR_BITS", "DEFAULT_DEPTH",
           "replace"]

#: years are 16-bit (0..65535)
YEAR_BITS = 16
#: batch trees hold up to 2^20 diplomas by default
DEFAULT_DEPTH = 20


def degree_code(name: str) -> int:
    """The code of a degree name: SHA-256 of ``b"zkmpc/degree:" + name``, its first 31 bytes.

    >>> degree_code("MSc Physics") == degree_code("MSc Physics") != degree_code("MSc Maths")
    True
    """
    if not isinstance(name, str) or not name:
        raise EducationFormatError(f"degree_code: expected a non-empty str, found {name!r:.80}")
    return int.from_bytes(hashlib.sha256(b"zkmpc/degree:" + name.encode()).digest()[:31], "big")


@dataclass(frozen=True)
class Diploma:
    """One diploma: the holder's commitment, a degree code, the year, an honours code and a
    serial number (unique in the university)."""

    holder: int
    degree: int
    year: int
    honours: int
    serial: int

    def __post_init__(self) -> None:
        field_element(self.holder, "diploma holder")
        field_element(self.degree, "diploma degree")
        small_int(self.year, "diploma year", 0, 2**YEAR_BITS - 1)
        field_element(self.honours, "diploma honours")
        field_element(self.serial, "diploma serial")

    @property
    def leaf(self) -> int:
        """``Poseidon(holder, degree, year, honours, serial)``."""
        return poseidon_native([self.holder, self.degree, self.year, self.honours, self.serial])


class DiplomaBatch:
    """A batch of diplomas committed as the root of a Merkle tree of their leaves."""

    def __init__(self, label: str, diplomas: Sequence[Diploma], *, depth: int = DEFAULT_DEPTH) -> None:
        if not diplomas or not all(isinstance(d, Diploma) for d in diplomas):
            raise EducationFormatError("a batch: expected a non-empty sequence of Diploma")
        self.label = label
        self._diplomas = tuple(diplomas)
        self._by_serial = {d.serial: i for i, d in enumerate(self._diplomas)}
        if len(self._by_serial) != len(self._diplomas):
            raise EducationFormatError("a batch: two diplomas with the same serial")
        self.tree = MerkleTree(depth, [d.leaf for d in self._diplomas])

    def __len__(self) -> int:
        return len(self._diplomas)

    def __repr__(self) -> str:
        return f"DiplomaBatch({self.label!r}, {len(self)} diplomas, root={self.root:#x})"

    @property
    def root(self) -> int:
        return self.tree.root

    @property
    def depth(self) -> int:
        return self.tree.depth

    def diploma(self, serial: int) -> Diploma:
        """The diploma of ``serial`` (:class:`DiplomaNotIssuedError` if not in this batch)."""
        return self._diplomas[self._index(serial)]

    def proof(self, serial: int) -> MerkleProof:
        """The Merkle proof of the diploma of ``serial``, for its holder."""
        return self.tree.proof(self._index(serial))

    def _index(self, serial: int) -> int:
        if serial not in self._by_serial:
            raise DiplomaNotIssuedError(f"no diploma of serial {serial!r:.80} in batch {self.label!r}")
        return self._by_serial[serial]


class University:
    """An issuing university: its batches (in issue order) and their roots."""

    def __init__(self, name: str, *, depth: int = DEFAULT_DEPTH) -> None:
        self.name, self.depth = name, depth
        self.batches: list[DiplomaBatch] = []

    def issue_batch(self, diplomas: Sequence[Diploma], label: str | None = None) -> DiplomaBatch:
        """Commit ``diplomas`` as a new batch and return it (publish ``batch.root``)."""
        batch = DiplomaBatch(label or f"{self.name} #{len(self.batches) + 1}", diplomas, depth=self.depth)
        self.batches.append(batch)
        return batch

    @property
    def roots(self) -> tuple[int, ...]:
        """Every batch root, oldest first."""
        return tuple(b.root for b in self.batches)


@dataclass(frozen=True)
class DiplomaStatement:
    """What the verifier asks: a degree, a minimum year, its session (a field element)."""

    degree: int
    min_year: int
    session: int

    def __post_init__(self) -> None:
        field_element(self.degree, "statement degree")
        small_int(self.min_year, "statement min_year", 0, 2**YEAR_BITS - 1)
        field_element(self.session, "statement session")


@dataclass(frozen=True)
class DiplomaSignals:
    """The public signals, in order: ``root, degree, min_year, session, nullifier``."""

    root: int
    degree: int
    min_year: int
    session: int
    nullifier: int

    def to_list(self) -> list[int]:
        return [self.root, self.degree, self.min_year, self.session, self.nullifier]

    @classmethod
    def from_list(cls, signals: Sequence[int]) -> DiplomaSignals:
        vals = [field_element(v, f"public signal {i}") for i, v in enumerate(signals)]
        if len(vals) != 5:
            raise EducationFormatError(f"diploma public signals: expected 5, found {len(vals)}")
        return cls(*vals)


def _define(self: Any, api: Any) -> None:
    with api.scope("holder"):
        holder = poseidon(api, [self.holder_secret])
    with api.scope("leaf"):
        leaf = poseidon(api, [holder, self.degree, self.year, self.honours, self.serial])
    with api.scope("batch"):
        assert_member(api, self.root, leaf, list(self.path), list(self.siblings))
    with api.scope("year"):
        assert_ge(api, self.year, self.min_year)
    with api.scope("session"):
        api.assert_equal(nullifier(api, self.holder_secret, self.session), self.nullifier)


@lru_cache(maxsize=8)
def diploma_circuit(depth: int = DEFAULT_DEPTH) -> type[Circuit]:
    """The circuit class for batches of ``depth`` (1..32) levels (see the module)."""
    small_int(depth, "depth", 1, 32)
    inputs = {"root": Public[Field], "degree": Public[Field], "min_year": Public[UInt[YEAR_BITS]],
              "session": Public[Field], "nullifier": Public[Field], "holder_secret": Secret[Field],
              "year": Secret[UInt[YEAR_BITS]], "honours": Secret[Field], "serial": Secret[Field],
              "path": Secret[Bool, depth], "siblings": Secret[Field, depth]}
    name = f"DiplomaProof{depth}"
    return type(name, (Circuit,), {"__annotations__": inputs, "define": _define, "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def compile_diploma_circuit(depth: int = DEFAULT_DEPTH) -> CompiledCircuit:
    """The compiled circuit (5,662 constraints at depth 20)."""
    return compile(diploma_circuit(depth))


def check_diploma(student: Student, diploma: Diploma, proof: MerkleProof, statement: DiplomaStatement) -> None:
    """Raise the named error of the first reason ``diploma`` cannot answer ``statement``."""
    if diploma.holder != student.commitment:
        raise DiplomaNotIssuedError("the diploma's holder is not this student's commitment")
    if proof.leaf != diploma.leaf or not proof.verify():
        raise DiplomaNotIssuedError("the Merkle proof does not lead from this diploma's leaf to its root")
    if diploma.degree != statement.degree:
        raise DegreeMismatchError(f"the diploma is of degree {diploma.degree:#x}, the statement asks for "
                                  f"{statement.degree:#x}")
    if diploma.year < statement.min_year:
        raise YearBelowThresholdError(f"the diploma's year {diploma.year} is below the minimum {statement.min_year}")


def diploma_assignment_unchecked(student: Student, diploma: Diploma, proof: MerkleProof,
                                 statement: DiplomaStatement) -> Circuit:
    """The circuit's assignment without :func:`check_diploma` (the circuit refuses what
    the checks would: see :func:`diploma_refusal`)."""
    cls = diploma_circuit(proof.depth)
    return cls(root=proof.root, degree=statement.degree, min_year=statement.min_year, session=statement.session,
               nullifier=student.nullifier(statement.session), holder_secret=student.secret, year=diploma.year,
               honours=diploma.honours, serial=diploma.serial, path=list(proof.path_bits),
               siblings=list(proof.siblings))


def diploma_assignment(student: Student, diploma: Diploma, proof: MerkleProof,
                       statement: DiplomaStatement) -> Circuit:
    """The circuit's assignment for ``student``'s ``diploma`` (a leaf of the batch of
    ``proof``) answering ``statement``, after :func:`check_diploma`."""
    check_diploma(student, diploma, proof, statement)
    return diploma_assignment_unchecked(student, diploma, proof, statement)


_REFUSALS: tuple[tuple[str, type[EducationError], str], ...] = (
    ("batch", DiplomaNotIssuedError, "the diploma is not a leaf of the batch root"),
    ("year", YearBelowThresholdError, "the diploma's year is below the minimum"),
)


def diploma_refusal(exc: UnsatisfiedConstraintError) -> EducationError:
    """The named error for a broken constraint of the diploma circuit (by its scope)."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    for scope, cls, text in _REFUSALS:
        if scope in path:
            return cls(f"{text} (constraint {exc.label})")
    return EducationFormatError(f"the witness breaks constraint {exc.label}: {exc}")


class DiplomaVerifier:
    """An off-chain verifier: the university's published roots, its verifying key, the
    session nullifiers it accepted (the on-chain twin is an app contract: roots = set 0,
    session = scope, nullifier recorded)."""

    def __init__(self, verifying_key: groth16.VerifyingKey, roots: Iterable[int] = ()) -> None:
        self.verifying_key = verifying_key
        self.roots = set(roots)
        self._used: set[int] = set()

    def accept(self, proof: groth16.Proof, public: Sequence[int], statement: DiplomaStatement) -> DiplomaSignals:
        """Check a presentation for ``statement`` and record its nullifier.

        Raises:
            EducationFormatError: signals of another statement. UnknownBatchRootError: a root
                the university did not publish. PresentationReplayError: a used nullifier.
                InvalidEducationProofError: a proof that does not verify.
        """
        s = DiplomaSignals.from_list(public)
        if (s.degree, s.min_year, s.session) != (statement.degree, statement.min_year, statement.session):
            raise EducationFormatError(f"the presentation answers degree {s.degree:#x}, year >= {s.min_year}, "
                                       f"session {s.session}; the statement is {statement}")
        if s.root not in self.roots:
            raise UnknownBatchRootError(f"batch root {s.root:#x} was not published by the university")
        if s.nullifier in self._used:
            raise PresentationReplayError(f"nullifier {s.nullifier:#x} was already accepted")
        if not groth16.verify(self.verifying_key, s.to_list(), proof):
            raise InvalidEducationProofError("the diploma proof does not verify against its public signals")
        self._used.add(s.nullifier)
        return s
