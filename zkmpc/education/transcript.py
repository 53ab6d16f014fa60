"""A GPA threshold from a signed transcript: the registrar signs a student's per-course
grades and credits (EdDSA-Poseidon), the student proves that the credit-weighted GPA is at
least a threshold and reveals nothing else.

Fixed point, explicitly: grade points are integers at scale 100 (``GRADE_SCALE``: 4.00 is
400, 3.67 is 367), from 0 to ``MAX_GRADE`` = 400; credits are integers from 0 to 63 per
course (a course of 0 credits is an empty slot; a transcript holds ``MAX_COURSES`` = 64
slots). The threshold ``min_gpa`` is at the same scale (3.50 is 350). The statement proven
is exact, with no rounding:

    sum(grade_i * credits_i) >= min_gpa * sum(credits_i)   and   sum(credits_i) >= 1

so a GPA of 3.49 (or 3.4999...) is below 3.50 and has no proof. Every value is range
checked in the circuit: each grade to 9 bits and at most 400, each credit to 6 bits, the
threshold to 9 bits; the sums stay below 2^21, far from the field's size, so nothing wraps.

What the registrar signs (:meth:`Transcript.message`): ``Poseidon(student, transcript_id,
w_0, w_1, w_2, w_3)`` where ``student`` is the student's commitment ``Poseidon(secret)``
and ``w_k`` packs courses ``16k .. 16k+15`` as ``sum_j (grade_j * 2^6 + credits_j) *
2^(15 j)`` (240 bits: injective for range-checked values). The registrar's identity is
``Poseidon(key.x, key.y)`` (:attr:`Registrar.id`).

Public signals, in order (:class:`TranscriptSignals`): ``registrar, min_gpa, session,
nullifier`` (``nullifier = Poseidon(secret, session)``).

    >>> import random
    >>> rng = random.Random(2)
    >>> registrar, ada = Registrar(b"registrar key"), Student.generate(rng=rng)
    >>> signed = registrar.sign(Transcript(ada.commitment, 1, (Course(400, 6), Course(300, 4))))
    >>> signed.transcript.gpa                                   # (400*6 + 300*4) / 10
    Fraction(360, 1)
    >>> statement = TranscriptStatement(min_gpa=350, session=5)
    >>> cs = compile_transcript_circuit()
    >>> w = cs.solve(transcript_assignment(ada, signed, statement))
    >>> w.public == [registrar.id, 350, 5, ada.nullifier(5)]
    True
    >>> transcript_assignment(ada, signed, TranscriptStatement(min_gpa=361, session=5))
    Traceback (most recent call last):
    ...
    zkmpc.errors.GpaBelowThresholdError: the transcript's GPA 3.6000 (x100: 360) is below the threshold 3.61

Security: the registrar's key is what the verifier trusts (on chain: an app contract whose
root set holds the trusted registrars' ids). The transcript id lets a registrar reissue a
corrected transcript; revoking the old one is not modelled.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Iterable, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_le, eddsa_poseidon_verify, nullifier, poseidon
from circuits.engine import hints
from circuits.native import poseidon as poseidon_native
from circuits.native import babyjub as bj
from circuits.native.eddsa import PrivateKey, Signature, verify as eddsa_verify
from zkp import groth16

from ..errors import (EducationError, EducationFormatError, GpaBelowThresholdError, InvalidEducationProofError,
                      PresentationReplayError, TranscriptSignatureError, UnknownRegistrarError)
from .student import Student, field_element, small_int

__all__ = ["Course", "Transcript", "SignedTranscript", "Registrar", "TranscriptStatement", "TranscriptSignals",
           "TranscriptVerifier", "transcript_circuit", "compile_transcript_circuit", "transcript_assignment",
           "transcript_assignment_unchecked", "transcript_refusal", "check_transcript", "registrar_id",
           "GRADE_SCALE", "MAX_GRADE", "GRADE_BITS", "CREDIT_BITS", "MAX_COURSES", "COURSES_PER_WORD", "SUM_BITS"]

GRADE_SCALE = 100
MAX_GRADE = 4 * GRADE_SCALE
GRADE_BITS = 9
CREDIT_BITS = 6
MAX_COURSES = 64
COURSES_PER_WORD = 16
_COURSE_BITS = GRADE_BITS + CREDIT_BITS
#: the sums' width: 64 * 400 * 63 and 511 * 64 * 63 are below 2^21
SUM_BITS = 21


@dataclass(frozen=True)
class Course:
    """One course: grade points at scale 100 (0..400) and its credits (0..63)."""

    grade: int
    credits: int

    def __post_init__(self) -> None:
        small_int(self.grade, "course grade (x100)", 0, MAX_GRADE)
        small_int(self.credits, "course credits", 0, 2**CREDIT_BITS - 1)


def _pack(grades: Sequence[int], credits: Sequence[int]) -> list[int]:
    words = []
    for k in range(0, MAX_COURSES, COURSES_PER_WORD):
        w = 0
        for j in range(COURSES_PER_WORD):
            w += ((grades[k + j] << CREDIT_BITS) + credits[k + j]) << (_COURSE_BITS * j)
        words.append(w)
    return words


@dataclass(frozen=True)
class Transcript:
    """A student's transcript: the student's commitment, an id, up to 64 courses."""

    student: int
    transcript_id: int
    courses: tuple[Course, ...]

    def __post_init__(self) -> None:
        field_element(self.student, "transcript student")
        field_element(self.transcript_id, "transcript id")
        if not 1 <= len(self.courses) <= MAX_COURSES or not all(isinstance(c, Course) for c in self.courses):
            raise EducationFormatError(f"transcript courses: expected 1..{MAX_COURSES} Course, "
                                       f"found {len(self.courses)} items")

    @property
    def grades(self) -> list[int]:
        """The grades, padded with 0 to 64 slots."""
        return [c.grade for c in self.courses] + [0] * (MAX_COURSES - len(self.courses))

    @property
    def credits(self) -> list[int]:
        """The credits, padded with 0 to 64 slots."""
        return [c.credits for c in self.courses] + [0] * (MAX_COURSES - len(self.courses))

    @property
    def gpa(self) -> Fraction:
        """The exact credit-weighted GPA at scale 100 (0 with no credits)."""
        total = sum(c.credits for c in self.courses)
        return Fraction(sum(c.grade * c.credits for c in self.courses), total) if total else Fraction(0)

    def message(self) -> int:
        """What the registrar signs (see the module)."""
        return poseidon_native([self.student, self.transcript_id, *_pack(self.grades, self.credits)])


def registrar_id(public_key: bj.Point) -> int:
    """``Poseidon(key.x, key.y)``: a registrar's public identity."""
    return poseidon_native([public_key[0], public_key[1]])


@dataclass(frozen=True)
class SignedTranscript:
    """A transcript, the registrar's public key and its signature on the message."""

    transcript: Transcript
    registrar_key: bj.Point
    signature: Signature

    def signature_valid(self) -> bool:
        return eddsa_verify(self.registrar_key, self.transcript.message(), self.signature)


class Registrar:
    """A registrar's EdDSA-Poseidon key (any bytes; 32 random ones by default)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = PrivateKey(key if key is not None else secrets.token_bytes(32))
        self.public_key: bj.Point = self._key.public_key
        self.id = registrar_id(self.public_key)

    def __repr__(self) -> str:
        return f"Registrar(id={self.id:#x})"

    def sign(self, transcript: Transcript) -> SignedTranscript:
        """Sign ``transcript``'s message."""
        return SignedTranscript(transcript, self.public_key, self._key.sign(transcript.message()))


@dataclass(frozen=True)
class TranscriptStatement:
    """What the verifier asks: ``min_gpa`` at scale 100 (0..511) and its session."""

    min_gpa: int
    session: int

    def __post_init__(self) -> None:
        small_int(self.min_gpa, "statement min_gpa (x100)", 0, 2**GRADE_BITS - 1)
        field_element(self.session, "statement session")


@dataclass(frozen=True)
class TranscriptSignals:
    """The public signals, in order: ``registrar, min_gpa, session, nullifier``."""

    registrar: int
    min_gpa: int
    session: int
    nullifier: int

    def to_list(self) -> list[int]:
        return [self.registrar, self.min_gpa, self.session, self.nullifier]

    @classmethod
    def from_list(cls, signals: Sequence[int]) -> TranscriptSignals:
        vals = [field_element(v, f"public signal {i}") for i, v in enumerate(signals)]
        if len(vals) != 4:
            raise EducationFormatError(f"transcript public signals: expected 4, found {len(vals)}")
        return cls(*vals)


def _gpa(api: Any, grades: list[Any], credits: list[Any], min_gpa: Any) -> None:
    """``total >= 1`` and the gap ``weighted - min_gpa * total`` in ``[0, 2^21)``: both
    sides are below 2^21 (9-bit grades and thresholds, 6-bit credits, 64 courses), so a
    negative gap is a field element above ``r - 2^21`` and has no 21-bit form. The gap is
    its own wire, defined by the row ``min_gpa * total = weighted - gap``."""
    weighted = api.lincomb([(api.mul(g, c), 1) for g, c in zip(grades, credits)])
    total = api.lincomb([(c, 1) for c in credits])
    api.to_bits(total - 1, SUM_BITS)
    gap = api.hint(hints.muladd, min_gpa, api.scale(total, -1), weighted)
    api.enforce(min_gpa, total, weighted - gap, "gap")
    api.to_bits(gap, SUM_BITS)


def _define(self: Any, api: Any) -> None:
    grades, credits = list(self.grades), list(self.credits)
    with api.scope("range"):
        for g in grades:
            assert_le(api, g, MAX_GRADE)
    with api.scope("message"):
        student = poseidon(api, [self.student_secret])
        words = [api.lincomb([(g, 1 << (_COURSE_BITS * j + CREDIT_BITS)) for j, g in enumerate(grades[k:k + 16])]
                             + [(c, 1 << (_COURSE_BITS * j)) for j, c in enumerate(credits[k:k + 16])])
                 for k in range(0, MAX_COURSES, COURSES_PER_WORD)]
        msg = poseidon(api, [student, self.transcript_id, *words])
    with api.scope("signature"):
        eddsa_poseidon_verify(api, (self.registrar_key[0], self.registrar_key[1]),
                              (self.sig_r8[0], self.sig_r8[1]), self.sig_s, msg)
        api.assert_equal(poseidon(api, list(self.registrar_key)), self.registrar)
    with api.scope("gpa"):
        _gpa(api, grades, credits, self.min_gpa)
    with api.scope("session"):
        api.assert_equal(nullifier(api, self.student_secret, self.session), self.nullifier)


@lru_cache(maxsize=1)
def transcript_circuit() -> type[Circuit]:
    """The circuit class (see the module)."""
    inputs = {"registrar": Public[Field], "min_gpa": Public[UInt[GRADE_BITS]], "session": Public[Field],
              "nullifier": Public[Field], "student_secret": Secret[Field], "transcript_id": Secret[Field],
              "grades": Secret[UInt[GRADE_BITS], MAX_COURSES], "credits": Secret[UInt[CREDIT_BITS], MAX_COURSES],
              "registrar_key": Secret[Field, 2], "sig_r8": Secret[Field, 2], "sig_s": Secret[Field]}
    return type("TranscriptGpa", (Circuit,), {"__annotations__": inputs, "define": _define,
                                              "__module__": __name__, "__qualname__": "TranscriptGpa"})


@lru_cache(maxsize=1)
def compile_transcript_circuit() -> CompiledCircuit:
    """The compiled circuit."""
    return compile(transcript_circuit())


def _gpa_text(v: Fraction | int) -> str:
    return f"{float(v) / GRADE_SCALE:.4f}"


def check_transcript(student: Student, signed: SignedTranscript, statement: TranscriptStatement) -> None:
    """Raise the named error of the first reason ``signed`` cannot answer ``statement``."""
    t = signed.transcript
    if t.student != student.commitment:
        raise EducationFormatError("the transcript's student is not this student's commitment")
    if not signed.signature_valid():
        raise TranscriptSignatureError("the registrar's signature does not verify on this transcript")
    if sum(t.credits) == 0:
        raise GpaBelowThresholdError("the transcript has no credits: no GPA to prove")
    if t.gpa < statement.min_gpa:
        raise GpaBelowThresholdError(f"the transcript's GPA {_gpa_text(t.gpa)} (x100: {float(t.gpa):g}) is below "
                                     f"the threshold {statement.min_gpa / GRADE_SCALE:.2f}")


def transcript_assignment_unchecked(student: Student, signed: SignedTranscript,
                                    statement: TranscriptStatement) -> Circuit:
    """The circuit's assignment without :func:`check_transcript`."""
    t, sig = signed.transcript, signed.signature
    return transcript_circuit()(
        registrar=registrar_id(signed.registrar_key), min_gpa=statement.min_gpa, session=statement.session,
        nullifier=student.nullifier(statement.session), student_secret=student.secret,
        transcript_id=t.transcript_id, grades=t.grades, credits=t.credits, registrar_key=list(signed.registrar_key),
        sig_r8=list(sig.R8), sig_s=sig.S)


def transcript_assignment(student: Student, signed: SignedTranscript, statement: TranscriptStatement) -> Circuit:
    """The circuit's assignment for ``student``'s ``signed`` transcript answering
    ``statement``, after :func:`check_transcript`."""
    check_transcript(student, signed, statement)
    return transcript_assignment_unchecked(student, signed, statement)


_REFUSALS: tuple[tuple[str, type[EducationError], str], ...] = (
    ("signature", TranscriptSignatureError, "the registrar's signature does not verify on this transcript"),
    ("gpa", GpaBelowThresholdError, "the credit-weighted GPA is below the threshold"),
)


def transcript_refusal(exc: UnsatisfiedConstraintError) -> EducationError:
    """The named error for a broken constraint of the transcript circuit (by its scope)."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    for scope, cls, text in _REFUSALS:
        if scope in path:
            return cls(f"{text} (constraint {exc.label})")
    return EducationFormatError(f"the witness breaks constraint {exc.label}: {exc}")


class TranscriptVerifier:
    """An off-chain verifier: the registrars it trusts (ids), its verifying key, the
    session nullifiers it accepted."""

    def __init__(self, verifying_key: groth16.VerifyingKey, registrars: Iterable[int] = ()) -> None:
        self.verifying_key = verifying_key
        self.registrars = set(registrars)
        self._used: set[int] = set()

    def accept(self, proof: groth16.Proof, public: Sequence[int],
               statement: TranscriptStatement) -> TranscriptSignals:
        """Check a presentation for ``statement`` and record its nullifier.

        Raises:
            EducationFormatError: signals of another statement. UnknownRegistrarError: an
                untrusted registrar. PresentationReplayError: a used nullifier.
                InvalidEducationProofError: a proof that does not verify.
        """
        s = TranscriptSignals.from_list(public)
        if (s.min_gpa, s.session) != (statement.min_gpa, statement.session):
            raise EducationFormatError(f"the presentation answers GPA >= {s.min_gpa} in session {s.session}; "
                                       f"the statement is {statement}")
        if s.registrar not in self.registrars:
            raise UnknownRegistrarError(f"registrar {s.registrar:#x} is not trusted by this verifier")
        if s.nullifier in self._used:
            raise PresentationReplayError(f"nullifier {s.nullifier:#x} was already accepted")
        if not groth16.verify(self.verifying_key, s.to_list(), proof):
            raise InvalidEducationProofError("the transcript proof does not verify against its public signals")
        self._used.add(s.nullifier)
        return s
