"""The errors of the ``mpc`` package (subclasses of ``ValueError`` / ``TypeError``)."""

from __future__ import annotations

from typing import Sequence

__all__ = ["MPCError", "MPCTypeError", "InvalidKeyError", "InsecureKeyError", "InvalidCiphertextError",
           "KeyMismatchError", "EncodingError", "SharingError", "TooFewSharesError", "InconsistentSharesError",
           "DealerError", "InvalidRandomnessError", "PlaintextOverflowError", "MissingExtraError",
           # secure aggregation and private set intersection
           "SecAggError", "SecAggAbort", "SecAggMessageError", "SecAggShareError", "PSIError", "PSIMessageError",
           "PSIThresholdError",
           # moved here from their modules (issue 19), still importable there
           "RangeProofError", "TooFewReportsError", "FieldValueError", "PartialDecryptionError",
           "MalformedDataError", "Crashed"]


class MPCError(Exception):
    """Base class of every error raised by ``mpc``."""


class MPCTypeError(MPCError, TypeError):
    """An argument of the wrong type: a float where an int is expected, a bool, a
    ciphertext multiplied by a ciphertext."""


class MissingExtraError(MPCError, ImportError):
    """An optional dependency is not installed (the message names the extra to install)."""


class InvalidKeyError(MPCError, ValueError):
    """A key that is not a valid Paillier key (even, prime, a square, small factors, or a
    private key that does not match its public key)."""


class InsecureKeyError(InvalidKeyError):
    """A key shorter than 2048 bits without ``insecure=True``."""


class InvalidCiphertextError(MPCError, ValueError):
    """A ciphertext outside ``Z*_{n^2}`` (0, >= n^2, or sharing a factor with n)."""


class KeyMismatchError(MPCError, ValueError):
    """Ciphertexts (or a ciphertext and a key) under different public keys."""


class EncodingError(MPCError, ValueError):
    """A plaintext that does not fit the encoding (out of bounds, NaN, infinite), or a
    decryption that falls outside the bounds the aggregate must respect (overflow)."""


class SharingError(MPCError, ValueError):
    """Shares that cannot be combined: malformed, duplicate or zero indices, mixed fields or
    thresholds, too few of them, or values that do not lie on one polynomial."""


class TooFewSharesError(SharingError):
    """Fewer shares than the threshold (the secret is information-theoretically hidden)."""


class InconsistentSharesError(SharingError):
    """Shares that do not lie on one polynomial of degree ``threshold - 1``.

    ``bad`` names the share indices found to be wrong when they could be identified
    (robust reconstruction), else it is empty."""

    def __init__(self, message: str, bad: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.bad = bad


class DealerError(SharingError):
    """A verifiable-sharing dealer whose shares do not match its commitments, or whose
    commitments are malformed: ``dealer`` and the complaining ``parties`` are named."""

    def __init__(self, message: str, dealer: object = None, parties: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.dealer = dealer
        self.parties = parties


class InvalidRandomnessError(InvalidCiphertextError):
    """Caller-supplied Paillier randomness ``rn`` (or a DJN base) that is not ``r^n mod n^2``
    for a unit ``r`` other than +-1: 0, out of range, sharing a factor with n, or congruent
    to +-1 mod n (a deterministic or plaintext-shifting encryption)."""


class PlaintextOverflowError(EncodingError, OverflowError):
    """A decryption that cannot be read as a signed plaintext: it lies in the overflow band
    ``(max_int, n - max_int)``, or the plaintext bound this process tracked for the
    ciphertext can reach past the band, where a wrapped total would read as a small value.
    Also an ``OverflowError``, which is what phe raises for the same band."""


# --- secure aggregation and private set intersection (issue 18)

class SecAggError(MPCError, ValueError):
    """A secure aggregation (:mod:`mpc.protocols.secagg`) that cannot give a right result.

    ``parties`` names the parties at fault or missing, ``round`` the round it happened in.
    No partial or unchecked total is ever returned with it."""

    def __init__(self, message: str, *, parties: tuple[int, ...] = (), round: str = "") -> None:
        super().__init__(message)
        self.parties = parties
        self.round = round


class SecAggAbort(SecAggError):
    """Fewer than ``threshold`` parties left in a round (the survivors cannot unmask the
    total, or a total over so few inputs would reveal too much); ``parties`` are the missing."""


class SecAggMessageError(SecAggError):
    """A message that is malformed, of the wrong size, inconsistent with an earlier round or
    fails to decrypt; ``parties`` names its sender."""


class SecAggShareError(SecAggError):
    """Shares that reconstruct a seed or key other than the one its owner committed to in
    the first round; ``parties`` names the owner and the share holders found wrong."""


class PSIError(MPCError, ValueError):
    """A private set intersection (:mod:`mpc.psi`) that cannot go on; ``party`` names who
    sent the offending message, when known."""

    def __init__(self, message: str, *, party: int = 0) -> None:
        super().__init__(message)
        self.party = party


class PSIMessageError(PSIError):
    """A PSI message that is malformed, oversized, of the wrong count, or holds a point off
    the group or a ciphertext outside ``Z*_{n^2}``."""


class PSIThresholdError(PSIError):
    """An intersection smaller than the agreed minimum: nothing about it is revealed."""


# --- errors that lived in their modules (issue 19: every error in errors.py; each is still
# importable from its old module)

class RangeProofError(MPCError, ValueError):
    """A range proof that cannot be made (a value out of range, too many bits for the key)
    or that is malformed (wrong counts, values outside their groups); a well-formed proof
    that does not verify makes :func:`mpc.paillier.verify_range` return False instead."""


class TooFewReportsError(MPCError, ValueError):
    """Fewer reports than the protocol's minimum: decrypting would reveal too much about
    individual holders."""


class FieldValueError(MPCError, ValueError):
    """A field element outside ``[0, p)``, or a modulus that is not a usable prime."""


class PartialDecryptionError(MPCError, ValueError):
    """Partial decryptions that cannot be combined: too few, duplicated, for another
    ciphertext, or failing their proofs (``bad`` lists the culprits' indices)."""

    def __init__(self, message: str, bad: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.bad = tuple(bad)


class MalformedDataError(MPCError, ValueError):
    """A serialised document that is not exactly what its type and version prescribe."""


class Crashed(Exception):
    """Stands for the result of a party that was made to crash (``crash={party: round}``
    of :func:`mpc.protocols.run_in_process`): an outcome in the results, never raised."""
