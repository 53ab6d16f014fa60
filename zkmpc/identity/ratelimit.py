"""A rate-limiting nullifier: each member of a Semaphore group makes at most ``limit``
valid proofs per epoch (a day, a month), and nobody learns which member made which.

The circuit (:func:`ratelimit_circuit`) proves, for public ``merkle_tree_root``,
``nullifier``, ``message`` and ``epoch``, that the prover knows a ``secret`` below the
subgroup order ``l`` whose identity commitment ``Poseidon(secret * Base8)`` is a leaf of
the LeanIMT of that root (the groups and identities of :mod:`zkmpc.identity`, Semaphore
v4's), and a ``counter`` with ``counter < limit`` such that
``nullifier = Poseidon(secret, epoch, counter)``. A member has ``limit`` counters per
epoch, so ``limit`` nullifiers; a verifier that records nullifiers accepts each once, so at
most ``limit`` proofs per member per epoch. The message (e.g. the hash of a request) is
bound as in Semaphore: a proof made for one message does not verify for another.

``limit`` is a constant of the circuit: public (the verifying key, hence the contract's
verifier, fixes it), never chosen by the prover. The epoch is public and opaque; derive it
with :func:`epoch_of` from the service and the period (:func:`day`, :func:`month`), so two
services that share a group see unrelated nullifiers.

    >>> import warnings
    >>> from zkp import groth16
    >>> from zkmpc.identity import Identity, Group
    >>> circuit = ratelimit_circuit(4, limit=2)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
    ...     pk, vk = groth16.setup(circuit.compiled.r1cs)
    >>> alice = Identity("alice's key")
    >>> group = Group([alice.commitment, Identity("bob's key").commitment])
    >>> today = epoch_of(service=7, period=day(1_800_000_000))
    >>> limiter = RateLimiter(circuit, vk)
    >>> limiter.add_root(group.root)
    >>> ride = generate_proof(alice, group, epoch=today, counter=0, message=1, circuit=circuit, proving_key=pk)
    >>> limiter.accept(ride, epoch=today) == ride.nullifier
    True
    >>> limiter.accept(ride, epoch=today)
    Traceback (most recent call last):
    ...
    zkmpc.errors.RateLimitReplayError: nullifier 0x... was already accepted in epoch 0x...
    >>> generate_proof(alice, group, epoch=today, counter=2, message=1, circuit=circuit, proving_key=pk)
    Traceback (most recent call last):
    ...
    zkmpc.errors.RateLimitExceededError: expected a counter below the limit 2, found 2

Security:
    ``secret < l`` is enforced (``secret + l`` has the same public key and would give a
    second set of nullifiers), and ``counter < limit`` by a bit decomposition compared with
    the constant ``limit - 1``. A verifier must check the root (a recent root of the
    group), the epoch (the current one) and that the nullifier is new: the proof alone says
    none of these. There is no slashing: a member who tries a counter twice is refused, not
    punished. Development keys from ``groth16.setup`` are for tests.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.engine import hints
from circuits.gadgets import assert_bits_le_constant, lean_imt_root, mul_fixed, padded_proof, poseidon, to_bits
from circuits.native import babyjub as bj
from circuits.native.poseidon import poseidon as poseidon_native
from zkp import groth16
from zkp.field import R

from ..contracts import AppLayout
from ..errors import (MembershipProofError, RateLimitEpochError, RateLimitError, RateLimitExceededError,
                      RateLimitProofError, RateLimitReplayError, RateLimitRootError)
from .group import Group, MerkleProof
from .identity import Identity
from .semaphore import MAX_DEPTH, hash_value

__all__ = ["RateLimitCircuit", "RateLimitProof", "RateLimiter", "ratelimit_circuit", "ratelimit_class",
           "rate_nullifier", "epoch_of", "day", "month", "witness_inputs", "generate_proof", "verify_proof",
           "ratelimit_layout", "PUBLIC_SIGNALS", "MAX_LIMIT", "DEFAULT_ROOT_WINDOW"]

#: the circuit's public signals, in order (root set 0, the nullifier, the message, the epoch)
PUBLIC_SIGNALS = ("merkle_tree_root", "nullifier", "message", "epoch")
#: the largest limit (counters are range-checked in at most 32 bits)
MAX_LIMIT = 1 << 32
#: recent roots a :class:`RateLimiter` accepts (as the group contract's window)
DEFAULT_ROOT_WINDOW = 30
_SECRET_BITS = bj.SUBORDER.bit_length()  # 251


def _int(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value < high:
        raise RateLimitError(f"expected {what} as an int in [{low}, {high}), found {value!r:.80}")
    return value


def day(timestamp: int) -> int:
    """The day (UTC) of a Unix time: ``timestamp // 86400``.

    >>> day(86_400 * 3 + 5)
    3
    """
    return _int(timestamp, "a Unix time", 0, 1 << 64) // 86_400


def month(timestamp: int) -> int:
    """The month (UTC) of a Unix time, counted from January 1970 (``12 * (year - 1970) +
    month - 1``).

    >>> import calendar
    >>> month(0), month(calendar.timegm((2026, 12, 4, 0, 0, 0)))
    (0, 683)
    """
    t = time.gmtime(_int(timestamp, "a Unix time", 0, 1 << 40))
    return 12 * (t.tm_year - 1970) + t.tm_mon - 1


def epoch_of(service: int, period: int) -> int:
    """The epoch of ``period`` (a :func:`day` or :func:`month`) for ``service`` (any
    identifier below r): ``Poseidon(service, period)``, so two services' nullifiers differ.

    >>> epoch_of(1, 20_000) != epoch_of(2, 20_000)
    True
    """
    return poseidon_native([_int(service, "a service id", 0, R), _int(period, "a period", 0, R)])


def rate_nullifier(identity: Identity, epoch: int, counter: int) -> int:
    """``Poseidon(secret, epoch, counter)``: the member's nullifier for one use in ``epoch``."""
    return poseidon_native([identity.secret_scalar, _int(epoch, "an epoch", 0, R), _int(counter, "a counter", 0, R)])


def _check_depth(max_depth: object) -> int:
    return _int(max_depth, "a circuit depth", 1, MAX_DEPTH + 1)


def ratelimit_class(max_depth: int, limit: int) -> type[Circuit]:
    """The circuit class for groups of up to ``2^max_depth`` members and ``limit`` proofs per
    member per epoch (see the module)."""
    depth, top = _check_depth(max_depth), _int(limit, "a limit", 1, MAX_LIMIT + 1) - 1
    width = max(1, top.bit_length())

    class RateLimit(Circuit):
        merkle_tree_root: Public[Field]
        nullifier: Public[Field]
        message: Public[Field]
        epoch: Public[Field]
        secret: Secret[Field]
        counter: Secret[Field]
        merkle_proof_length: Secret[Field]
        merkle_proof_index: Secret[Field]
        merkle_proof_siblings: Secret[Field, depth]

        def define(self, api: Any) -> None:
            bits = to_bits(api, self.secret, _SECRET_BITS)
            assert_bits_le_constant(api, bits, bj.SUBORDER - 1)  # secret < l: one set of nullifiers per key
            ax, ay = mul_fixed(api, bits, bj.BASE8)
            index_bits = to_bits(api, self.merkle_proof_index, depth)
            root = lean_imt_root(api, poseidon(api, [ax, ay]), self.merkle_proof_length, index_bits,
                                 list(self.merkle_proof_siblings))
            api.assert_equal(root, self.merkle_tree_root)
            with api.scope("counter"):
                assert_bits_le_constant(api, to_bits(api, self.counter, width), top)  # counter < limit
            api.assert_equal(poseidon(api, [self.secret, self.epoch, self.counter]), self.nullifier)
            square = api.hint(hints.muladd, self.message, self.message, 0)
            api.enforce(self.message, self.message, square, "bind the message")

    RateLimit.__name__ = RateLimit.__qualname__ = f"RateLimit{depth}x{top + 1}"
    return RateLimit


@dataclass(frozen=True)
class RateLimitCircuit:
    """A compiled rate-limit circuit with its depth and limit."""

    compiled: CompiledCircuit
    max_depth: int
    limit: int


def ratelimit_circuit(max_depth: int = 20, *, limit: int) -> RateLimitCircuit:
    """The compiled circuit for proofs of up to ``max_depth`` siblings (1..32) and
    ``limit`` (1..2^32) proofs per member per epoch."""
    return RateLimitCircuit(compile(ratelimit_class(max_depth, limit)), max_depth, limit)


@dataclass(frozen=True)
class RateLimitProof:
    """A proof: the circuit's depth and limit, the root, the nullifier, the message as given
    (unhashed), the epoch and the Groth16 proof."""

    merkle_tree_depth: int
    limit: int
    merkle_tree_root: int
    nullifier: int
    message: int
    epoch: int
    points: groth16.Proof

    def public_signals(self) -> list[int]:
        """``[root, nullifier, hash(message), epoch]``, the circuit's public inputs."""
        return [self.merkle_tree_root, self.nullifier, hash_value(self.message), self.epoch]


def _merkle_proof(identity: Identity, group: Group | MerkleProof) -> MerkleProof:
    if isinstance(group, Group):
        index = group.index_of(identity.commitment)
        if index is None:
            raise MembershipProofError("rate limit: the identity's commitment is not a member of the group")
        group = group.proof(index)
    if not isinstance(group, MerkleProof):
        raise MembershipProofError(f"expected a Group or a MerkleProof, found {type(group).__name__}")
    if group.leaf != identity.commitment:
        raise MembershipProofError("rate limit: the Merkle proof's leaf is not the identity's commitment")
    return group


def witness_inputs(circuit: RateLimitCircuit, identity: Identity, group: Group | MerkleProof, *, epoch: int,
                   counter: int, message: int) -> Circuit:
    """The circuit's assignment for ``identity`` (a member of ``group``, or of the tree of
    the given Merkle proof), its ``counter``-th use of ``epoch`` and ``message``.

    Raises:
        RateLimitExceededError: ``counter >= limit``.
        MembershipProofError: not a member, or a Merkle proof deeper than the circuit.
    """
    if not isinstance(circuit, RateLimitCircuit):
        raise RateLimitError(f"expected a RateLimitCircuit, found {type(circuit).__name__}")
    _int(counter, "a counter", 0, R)
    if counter >= circuit.limit:
        raise RateLimitExceededError(f"expected a counter below the limit {circuit.limit}, found {counter}")
    proof = _merkle_proof(identity, group)
    if len(proof.siblings) > circuit.max_depth:
        raise MembershipProofError(f"expected a Merkle proof of at most {circuit.max_depth} siblings "
                                   f"(the circuit's depth), found {len(proof.siblings)}")
    length, _, siblings = padded_proof(proof, circuit.max_depth)
    cls: type[Circuit] = circuit.compiled.circuit
    return cls(merkle_tree_root=proof.root, nullifier=rate_nullifier(identity, epoch, counter),
               message=hash_value(message), epoch=epoch, secret=identity.secret_scalar, counter=counter,
               merkle_proof_length=length, merkle_proof_index=proof.index, merkle_proof_siblings=siblings)


def generate_proof(identity: Identity, group: Group | MerkleProof, *, epoch: int, counter: int, message: int,
                   circuit: RateLimitCircuit, proving_key: groth16.ProvingKey, rng: Any = None) -> RateLimitProof:
    """Prove the ``counter``-th use (from 0) of ``epoch`` by a member of ``group``, bound to
    ``message`` (any int in ``[0, 2^256)``, hashed as Semaphore hashes messages).

    Raises:
        RateLimitExceededError: ``counter >= limit``.
        RateLimitError: an epoch or counter that is not a field element.
        MembershipProofError: not a member, a proof deeper than the circuit, a message
            outside ``[0, 2^256)``.
    """
    assignment = witness_inputs(circuit, identity, group, epoch=epoch, counter=counter, message=message)
    witness = circuit.compiled.solve(assignment)
    root, nullifier = witness.public[0], witness.public[1]
    points = groth16.prove(proving_key, witness, rng=rng)
    return RateLimitProof(circuit.max_depth, circuit.limit, root, nullifier, message, epoch, points)


def verify_proof(proof: RateLimitProof, verifying_key: groth16.VerifyingKey | groth16.PreparedVerifyingKey) -> bool:
    """True iff the Groth16 proof holds for the proof's public signals (the caller checks
    the root, the epoch and the nullifier's freshness: :class:`RateLimiter` does).

    Raises:
        RateLimitError: not a :class:`RateLimitProof`; MembershipProofError: a message
            outside ``[0, 2^256)``.
    """
    if not isinstance(proof, RateLimitProof):
        raise RateLimitError(f"expected a RateLimitProof, found {type(proof).__name__}")
    return groth16.verify(verifying_key, proof.public_signals(), proof.points)


class RateLimiter:
    """The off-chain verifier of one rate-limited service: the group's recent roots, the
    nullifiers accepted per epoch (SQLite: ``":memory:"`` by default, a file path persists).

    Args:
        circuit: the service's circuit (its depth and limit).
        verifying_key: the circuit's verifying key.
        path: where accepted nullifiers persist.
        root_window: how many recent roots stay acceptable.
    """

    def __init__(self, circuit: RateLimitCircuit, verifying_key: groth16.VerifyingKey | groth16.PreparedVerifyingKey,
                 *, path: str = ":memory:",
                 root_window: int = DEFAULT_ROOT_WINDOW) -> None:
        if not isinstance(circuit, RateLimitCircuit):
            raise RateLimitError(f"expected a RateLimitCircuit, found {type(circuit).__name__}")
        self.circuit, self.root_window = circuit, _int(root_window, "a root window", 1, 1 << 16)
        self._vk = verifying_key.prepare() if isinstance(verifying_key, groth16.VerifyingKey) else verifying_key
        self._roots: list[int] = []
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS used (epoch TEXT NOT NULL, nullifier TEXT NOT NULL, "
                         "PRIMARY KEY (epoch, nullifier))")
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def add_root(self, root: int) -> None:
        """Make ``root`` the group's current root (the oldest leaves the window)."""
        self._roots = [*self._roots, _int(root, "a root", 1, R)][-self.root_window:]

    def is_used(self, epoch: int, nullifier: int) -> bool:
        row = self._db.execute("SELECT 1 FROM used WHERE epoch = ? AND nullifier = ?", (str(epoch), str(nullifier)))
        return row.fetchone() is not None

    def check(self, proof: RateLimitProof, *, epoch: int) -> None:
        """Every check of :meth:`accept`, recording nothing.

        Raises:
            RateLimitError: a proof of another circuit; RateLimitEpochError,
                RateLimitRootError, RateLimitReplayError, RateLimitProofError: see
                :mod:`zkmpc.errors`.
        """
        if not isinstance(proof, RateLimitProof):
            raise RateLimitError(f"expected a RateLimitProof, found {type(proof).__name__}")
        shape = (self.circuit.max_depth, self.circuit.limit)
        if (proof.merkle_tree_depth, proof.limit) != shape:
            raise RateLimitError(f"expected a proof of depth {shape[0]} and limit {shape[1]}, "
                                 f"found depth {proof.merkle_tree_depth} and limit {proof.limit}")
        if proof.epoch != epoch:
            raise RateLimitEpochError(f"expected a proof for epoch {epoch:#x}, found one for {proof.epoch:#x}")
        if proof.merkle_tree_root not in self._roots:
            raise RateLimitRootError(f"expected one of the group's {len(self._roots)} recent roots, "
                                     f"found {proof.merkle_tree_root:#x}")
        if self.is_used(epoch, proof.nullifier):
            raise RateLimitReplayError(f"nullifier {proof.nullifier:#x} was already accepted in epoch {epoch:#x}")
        if not verify_proof(proof, self._vk):
            raise RateLimitProofError("the proof does not verify against its public signals")

    def accept(self, proof: RateLimitProof, *, epoch: int) -> int:
        """Check ``proof`` for the current ``epoch`` and record its nullifier (returned).

        Raises:
            as :meth:`check`.
        """
        self.check(proof, epoch=epoch)
        with self._db:
            self._db.execute("INSERT INTO used VALUES (?, ?)", (str(epoch), str(proof.nullifier)))
        return proof.nullifier


def ratelimit_layout() -> AppLayout:
    """The :class:`zkmpc.contracts.AppLayout` of a rate-limited service's contract: the
    group's root is root set 0, the nullifier is recorded once, the epoch must be an open
    scope (the service opens today's or this month's epoch).

    >>> ratelimit_layout().nullifier, ratelimit_layout().scope
    (1, 3)
    """
    return AppLayout(num_public=len(PUBLIC_SIGNALS), roots=(0,), nullifier=1, scope=3)
