"""Education: diplomas from batch-issued Merkle roots, GPA thresholds from signed
transcripts, one-student-one-vote course evaluations.

- :mod:`.diploma`: a university commits each batch of diplomas as one Poseidon Merkle
  root; a graduate proves "degree X, year >= Y" from a published root.
- :mod:`.transcript`: a registrar signs a transcript (EdDSA-Poseidon); a student proves a
  credit-weighted GPA at or above a threshold, in fixed point.
- :mod:`.evaluation`: enrolled students form a Semaphore group; each rates a course once
  per evaluation (scope), the tally reads the validated votes.
"""

from .diploma import (DEFAULT_DEPTH, YEAR_BITS, Diploma, DiplomaBatch, DiplomaSignals, DiplomaStatement,
                      DiplomaVerifier, University, check_diploma, compile_diploma_circuit, degree_code,
                      diploma_assignment, diploma_assignment_unchecked, diploma_circuit, diploma_refusal)
from .evaluation import (PROOF_VALIDATED, RATINGS, BallotBox, Tally, ballot_message, cast_vote, evaluation_scope,
                         tally, votes_from_logs)
from .student import Rng, Student
from .transcript import (CREDIT_BITS, GRADE_BITS, GRADE_SCALE, MAX_COURSES, MAX_GRADE, Course, Registrar,
                         SignedTranscript, Transcript, TranscriptSignals, TranscriptStatement, TranscriptVerifier,
                         check_transcript, compile_transcript_circuit, registrar_id, transcript_assignment,
                         transcript_assignment_unchecked, transcript_circuit, transcript_refusal)

__all__ = ["Student", "Rng", "Diploma", "DiplomaBatch", "University", "DiplomaStatement", "DiplomaSignals",
           "DiplomaVerifier", "degree_code", "diploma_circuit", "compile_diploma_circuit", "diploma_assignment",
           "diploma_assignment_unchecked", "diploma_refusal", "check_diploma", "YEAR_BITS", "DEFAULT_DEPTH",
           "Course", "Transcript", "SignedTranscript", "Registrar", "TranscriptStatement", "TranscriptSignals",
           "TranscriptVerifier", "transcript_circuit", "compile_transcript_circuit", "transcript_assignment",
           "transcript_assignment_unchecked", "transcript_refusal", "check_transcript", "registrar_id",
           "GRADE_SCALE", "MAX_GRADE", "GRADE_BITS", "CREDIT_BITS", "MAX_COURSES", "evaluation_scope",
           "ballot_message", "cast_vote", "Tally", "tally", "votes_from_logs", "BallotBox", "RATINGS",
           "PROOF_VALIDATED"]
