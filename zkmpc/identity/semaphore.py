"""The membership proof with a nullifier and a message: Semaphore v4's circuit and its
semantics, on zkmpc's circuit language and Groth16.

The circuit (:func:`semaphore_circuit`) proves, for public ``merkle_tree_root``,
``nullifier``, ``message`` and ``scope`` (Semaphore's public signals, in its order), that
the prover knows a ``secret`` below the subgroup order ``l`` whose identity commitment
``Poseidon(secret * Base8)`` is a leaf of the LeanIMT of that root (a proof of variable
length, up to ``max_depth`` siblings), and that ``nullifier = Poseidon(scope, secret)``.
The message is bound by one constraint (``message * message``), so a proof made for one
message does not verify for another.

Message and scope enter hashed as Semaphore hashes them (:func:`hash_value`: keccak256 of
the 32-byte big-endian value, shifted right by 8 bits, so below 2^248), so a person's
nullifier for a scope is the same in both systems.

    >>> import warnings
    >>> from zkp import groth16
    >>> from zkmpc.identity import Identity, Group
    >>> circuit = semaphore_circuit(4)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
    ...     pk, vk = groth16.setup(circuit.r1cs)
    >>> alice = Identity("alice's key")
    >>> group = Group([alice.commitment, Identity("bob's key").commitment])
    >>> proof = generate_proof(alice, group, message=1, scope=2024, circuit=circuit, proving_key=pk)
    >>> verify_proof(proof, vk), proof.nullifier == nullifier_of(alice, 2024)
    (True, True)
    >>> verify_proof(replace(proof, message=2), vk)      # another message
    False

Security:
    ``secret < l`` is enforced: ``secret + l`` gives the same public key and would give a
    second nullifier. Development keys from ``groth16.setup`` are for tests; real ones come
    from a ceremony (:mod:`zkp.ceremony`). A verifier also checks that the root is one of
    the group's (recent) roots and that the nullifier was not used in that scope before:
    the proof alone says neither.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any, Sequence

from circuits import Circuit, CompiledCircuit, Field, Public, Secret, compile
from circuits.engine import hints
from circuits.gadgets import assert_bits_le_constant, lean_imt_root, mul_fixed, padded_proof, poseidon, to_bits
from circuits.native import babyjub as bj
from circuits.native.merkle import MerkleProof
from circuits.native.poseidon import poseidon as poseidon_native
from zkp import groth16
from zkp.evm.keccak import keccak256
from zkp.groth16.prover import PreparedProvingKey

from ..errors import MembershipProofError
from .group import Group
from .identity import Identity

__all__ = ["semaphore_circuit", "hash_value", "nullifier_of", "SemaphoreProof", "generate_proof",
           "verify_proof", "generate_proofs", "ProofJob", "Prover", "worker_cache_name", "witness_inputs", "circuit_depth", "semaphore_class", "MAX_DEPTH", "replace"]

#: Semaphore's deepest circuit (2^32 members)
MAX_DEPTH = 32
_SECRET_BITS = bj.SUBORDER.bit_length()  # 251


def hash_value(value: int) -> int:
    """Semaphore's hash of a message or scope: ``keccak256(value as 32 bytes) >> 8``.

    >>> hash_value(0) == int.from_bytes(keccak256(bytes(32)), "big") >> 8
    True

    Raises:
        MembershipProofError: a value that is not an int in ``[0, 2^256)``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 256:
        raise MembershipProofError(f"expected a message or scope as an int in [0, 2^256), found {value!r:.80}")
    return int.from_bytes(keccak256(value.to_bytes(32, "big")), "big") >> 8


def nullifier_of(identity: Identity, scope: int) -> int:
    """``Poseidon(hash_value(scope), secret)``: the identity's nullifier in ``scope``."""
    return poseidon_native([hash_value(scope), identity.secret_scalar])


def _check_depth(max_depth: object) -> int:
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 1 <= max_depth <= MAX_DEPTH:
        raise MembershipProofError(f"expected a circuit depth in 1..{MAX_DEPTH}, found {max_depth!r:.40}")
    return max_depth


def semaphore_class(max_depth: int) -> type[Circuit]:
    """The circuit class for proofs of up to ``max_depth`` siblings (see the module)."""
    depth = _check_depth(max_depth)

    class Semaphore(Circuit):
        merkle_tree_root: Public[Field]
        nullifier: Public[Field]
        message: Public[Field]
        scope: Public[Field]
        secret: Secret[Field]
        merkle_proof_length: Secret[Field]
        merkle_proof_index: Secret[Field]
        merkle_proof_siblings: Secret[Field, depth]

        def define(self, api: Any) -> None:
            bits = to_bits(api, self.secret, _SECRET_BITS)
            assert_bits_le_constant(api, bits, bj.SUBORDER - 1)  # secret < l: one nullifier per key
            ax, ay = mul_fixed(api, bits, bj.BASE8)
            commitment = poseidon(api, [ax, ay])
            index_bits = to_bits(api, self.merkle_proof_index, depth)
            root = lean_imt_root(api, commitment, self.merkle_proof_length, index_bits,
                                 list(self.merkle_proof_siblings))
            api.assert_equal(root, self.merkle_tree_root)
            api.assert_equal(poseidon(api, [self.scope, self.secret]), self.nullifier)
            square = api.hint(hints.muladd, self.message, self.message, 0)
            api.enforce(self.message, self.message, square, "bind the message")

    Semaphore.__name__ = Semaphore.__qualname__ = f"Semaphore{depth}"
    return Semaphore


def semaphore_circuit(max_depth: int = 20) -> CompiledCircuit:
    """The compiled circuit for proofs of up to ``max_depth`` siblings (1..32)."""
    return compile(semaphore_class(max_depth))


def circuit_depth(circuit: CompiledCircuit) -> int:
    """The ``max_depth`` a compiled Semaphore circuit was built for.

    Raises:
        MembershipProofError: a circuit that is not one of :func:`semaphore_circuit`'s.
    """
    for item in circuit.layout:
        if item.name == "merkle_proof_siblings" and item.spec.shape:
            return item.spec.shape[0]
    raise MembershipProofError(f"expected a circuit from semaphore_circuit(), found {circuit.circuit.__name__}")


@dataclass(frozen=True)
class SemaphoreProof:
    """Semaphore's proof object: the circuit depth, the root, the nullifier, the message
    and scope as given (unhashed), and the Groth16 proof."""

    merkle_tree_depth: int
    merkle_tree_root: int
    nullifier: int
    message: int
    scope: int
    points: groth16.Proof

    def public_signals(self) -> list[int]:
        """``[root, nullifier, hash(message), hash(scope)]``, the circuit's public inputs."""
        return [self.merkle_tree_root, self.nullifier, hash_value(self.message), hash_value(self.scope)]


def _merkle_proof(identity: Identity, group: Group | MerkleProof) -> MerkleProof:
    if isinstance(group, MerkleProof):
        proof = group
    elif isinstance(group, Group):
        index = group.index_of(identity.commitment)
        if index is None:
            raise MembershipProofError("generate_proof: the identity's commitment is not a member of the group")
        proof = group.proof(index)
    else:
        raise MembershipProofError(f"expected a Group or a MerkleProof, found {type(group).__name__}")
    if proof.leaf != identity.commitment:
        raise MembershipProofError("generate_proof: the Merkle proof's leaf is not the identity's commitment")
    return proof


def witness_inputs(circuit: CompiledCircuit, identity: Identity, group: Group | MerkleProof, *, message: int,
                   scope: int) -> Circuit:
    """The circuit's assignment for ``identity`` (a member of ``group``, or of the tree of
    the given Merkle proof), ``message`` and ``scope``."""
    depth = circuit_depth(circuit)
    proof = _merkle_proof(identity, group)
    if len(proof.siblings) > depth:
        raise MembershipProofError(f"expected a Merkle proof of at most {depth} siblings (the circuit's depth), "
                                   f"found {len(proof.siblings)}")
    length, _, siblings = padded_proof(proof, depth)
    cls: type[Circuit] = circuit.circuit
    hashed_scope = hash_value(scope)  # keccak in Python: once
    return cls(merkle_tree_root=proof.root, nullifier=poseidon_native([hashed_scope, identity.secret_scalar]),
               message=hash_value(message), scope=hashed_scope, secret=identity.secret_scalar,
               merkle_proof_length=length, merkle_proof_index=proof.index, merkle_proof_siblings=siblings)


def generate_proof(identity: Identity, group: Group | MerkleProof, *, message: int, scope: int,
                   circuit: CompiledCircuit, proving_key: groth16.ProvingKey | PreparedProvingKey,
                   rng: Any = None) -> SemaphoreProof:
    """Prove membership of ``identity`` in ``group`` with a nullifier for ``scope`` and the
    ``message`` bound (Semaphore's ``generateProof``). To prove many times, give a
    prepared key, or use a :class:`Prover`.

    Raises:
        MembershipProofError: the identity is not in the group, a proof deeper than the
            circuit, a message or scope outside ``[0, 2^256)``.
    """
    assignment = witness_inputs(circuit, identity, group, message=message, scope=scope)
    witness = circuit.solve(assignment)
    root, nullifier = witness.public[0], witness.public[1]
    return SemaphoreProof(circuit_depth(circuit), root, nullifier, message, scope, groth16.prove(proving_key, witness, rng=rng))


#: one proof request: the member's identity, their Merkle proof, the message and the scope
ProofJob = tuple[Identity, MerkleProof, int, int]


class Prover:
    """Membership proofs with one circuit and one proving key, many times: the circuit is
    compiled once and the key prepared once (:class:`~zkp.groth16.prover.PreparedProvingKey`:
    laid out for the C kernels, tables of shifted bases), so a proof costs the witness and
    the Groth16 prove only.

    Args:
        circuit: a circuit from :func:`semaphore_circuit`, or its depth (compiled here).
        proving_key: its proving key, or one already prepared.
        tables: build the tables (a few seconds and about 60 MB at depth 20; each proof is
            then 30 to 45% faster, measured): for a service that proves many times.

    Examples:
        >>> import warnings
        >>> from zkp import groth16
        >>> from zkmpc.identity import Identity, Group
        >>> circuit = semaphore_circuit(4)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        ...     pk, vk = groth16.setup(circuit.r1cs)
        >>> prover = Prover(circuit, pk)
        >>> alice = Identity("alice's key")
        >>> group = Group([alice.commitment, Identity("bob's key").commitment])
        >>> proofs = [prover.prove(alice, group, message=m, scope=9) for m in (1, 2)]
        >>> [verify_proof(p, vk) for p in proofs], proofs[0].nullifier == proofs[1].nullifier
        ([True, True], True)

    Raises:
        MembershipProofError: a circuit that is not a Semaphore circuit, or a key for
            another circuit.
    """

    def __init__(self, circuit: CompiledCircuit | int, proving_key: groth16.ProvingKey | PreparedProvingKey, *,
                 tables: bool = True) -> None:
        self.circuit = circuit if isinstance(circuit, CompiledCircuit) else semaphore_circuit(circuit)
        self.max_depth = circuit_depth(self.circuit)
        key = proving_key.pk if isinstance(proving_key, PreparedProvingKey) else proving_key
        if not isinstance(key, groth16.ProvingKey):
            raise MembershipProofError(f"expected a ProvingKey or a PreparedProvingKey, found {type(key).__name__}")
        r1cs = self.circuit.r1cs
        if (key.num_wires, key.num_public, key.num_constraints) != (r1cs.num_wires, r1cs.num_public,
                                                                    r1cs.num_constraints):
            raise MembershipProofError(f"expected the proving key of the depth-{self.max_depth} circuit "
                                       f"({r1cs.num_constraints} constraints, {r1cs.num_wires} wires), found {key!r}")
        self.key = (proving_key if isinstance(proving_key, PreparedProvingKey)
                    else PreparedProvingKey(proving_key, tables=tables))
        self._key_bytes: bytes | None = None  # the key's encoding, made once if it goes to a cluster

    def prove(self, identity: Identity, group: Group | MerkleProof, *, message: int, scope: int,
              rng: Any = None) -> SemaphoreProof:
        """As :func:`generate_proof`, with this prover's circuit and key."""
        return generate_proof(identity, group, message=message, scope=scope, circuit=self.circuit,
                              proving_key=self.key, rng=rng)

    def prove_many(self, jobs: Sequence[ProofJob]) -> list[SemaphoreProof]:
        """A proof for each ``(identity, Merkle proof or group, message, scope)``, in order."""
        return [self.prove(ident, proof, message=message, scope=scope) for ident, proof, message, scope in jobs]

    def prove_raw(self, jobs: Sequence[ProofJob]) -> list[tuple[int, int, bytes]]:
        """``(root, nullifier, proof bytes)`` for each job: plain values, cheap to send."""
        return [(p.merkle_tree_root, p.nullifier, p.points.to_bytes()) for p in self.prove_many(jobs)]

    def __repr__(self) -> str:
        return f"Prover(max_depth={self.max_depth}, {self.key!r})"


#: proofs past which a one-process batch builds the key's tables (2-4 s, saving about 0.1 s
#: a proof at depth 20)
_TABLES_FROM = 32


def worker_cache_name(max_depth: int, proving_key: groth16.ProvingKey | PreparedProvingKey | Prover) -> str:
    """The name under which :func:`generate_proofs` keeps its prover on a Dask cluster's
    workers (``client.unregister_worker_plugin(name)`` frees them): the depth and a digest
    of the key."""
    return _cache_name(_check_depth(max_depth), _key_bytes(proving_key))


def _key_bytes(proving_key: groth16.ProvingKey | PreparedProvingKey | Prover) -> bytes:
    """The key's canonical binary encoding (a Prover encodes its key once)."""
    from zkp.formats.binary import dump_proving_key

    if isinstance(proving_key, Prover):
        if proving_key._key_bytes is None:
            proving_key._key_bytes = dump_proving_key(proving_key.key.pk)
        return proving_key._key_bytes
    key = proving_key.pk if isinstance(proving_key, PreparedProvingKey) else proving_key
    if not isinstance(key, groth16.ProvingKey):
        raise MembershipProofError(f"expected a ProvingKey or a PreparedProvingKey, found {type(key).__name__}")
    return dump_proving_key(key)


def _cache_name(depth: int, key: bytes) -> str:
    return f"zkmpc-semaphore-{depth}-{hashlib.sha256(key).hexdigest()[:32]}"


def _has_plugin(name: str, dask_scheduler: Any = None) -> bool:
    return name in dask_scheduler.worker_plugins


def _install(client: Any, depth: int, proving_key: groth16.ProvingKey | PreparedProvingKey | Prover) -> str:
    """Register the worker cache for this depth and key unless the cluster has it (the key
    crosses the wire once per cluster, not once per call)."""
    key = _key_bytes(proving_key)
    name = _cache_name(depth, key)
    if not client.run_on_scheduler(_has_plugin, name):
        client.register_plugin(_worker_cache(name, depth, key), name=name)
    return name


def _worker_cache(name: str, depth: int, key: bytes) -> Any:
    """A Dask worker plugin that, on each worker (and on workers that join later), compiles
    the circuit and prepares the key once; tasks find the prover under ``name``."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class SemaphoreProverCache(WorkerPlugin):
        idempotent = True  # registered again under the same name (same depth and key): kept as is

        def __init__(self) -> None:
            self.name, self.depth, self.key = name, depth, key
            self.prover: Prover | None = None

        def setup(self, worker: Any) -> None:
            from zkp.formats.binary import load_proving_key

            self.prover = Prover(self.depth, load_proving_key(self.key))

        def teardown(self, worker: Any) -> None:
            self.prover = None

    return SemaphoreProverCache()


def _prove_chunk(name: str, jobs: list[ProofJob]) -> list[tuple[int, int, bytes]]:
    """Worker: prove each job with the worker's cached prover."""
    from distributed import get_worker

    cache: Any = get_worker().plugins[name]
    prover: Prover = cache.prover
    return prover.prove_raw(jobs)


def generate_proofs(jobs: Sequence[ProofJob], *, max_depth: int,
                    proving_key: groth16.ProvingKey | PreparedProvingKey | Prover,
                    client: Any = None, chunk_size: int = 4) -> list[SemaphoreProof]:
    """Proofs for many members, in order: in this process, or on a Dask cluster when
    ``client`` (a ``distributed.Client``, e.g. from :func:`mpc.scale.cluster_client`) is
    given, in tasks of ``chunk_size`` jobs.

    In this process, a :class:`Prover` (or a prepared key) is used as it is; a plain key is
    prepared for the batch (with tables from a few dozen proofs). On a cluster, each worker
    compiles the circuit and prepares the key once (a worker plugin named by
    :func:`worker_cache_name`, sent once): later calls with the same depth and key, and
    workers that join later, reuse it; ``client.unregister_worker_plugin(name)`` frees it
    (about 60 MB a worker at depth 20).

    Security:
        The jobs hold the members' identities: the cluster sees every secret. This suits
        a custodial service or a simulation, not members who keep their own keys.
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise MembershipProofError(f"expected chunk_size >= 1, found {chunk_size!r:.40}")
    depth = _check_depth(max_depth)
    items = list(jobs)
    if isinstance(proving_key, Prover) and proving_key.max_depth != depth:
        raise MembershipProofError(f"expected a Prover of depth {depth}, found {proving_key.max_depth}")
    if client is None:
        prover = (proving_key if isinstance(proving_key, Prover)
                  else Prover(depth, proving_key, tables=len(items) >= _TABLES_FROM))
        return prover.prove_many(items)
    name = _install(client, depth, proving_key)
    futures = [client.submit(_prove_chunk, name, items[i:i + chunk_size], pure=False)
               for i in range(0, len(items), chunk_size)]
    made = [row for chunk in client.gather(futures) for row in chunk]
    return [SemaphoreProof(depth, root, nullifier, message, scope, groth16.Proof.from_bytes(data))
            for (root, nullifier, data), (_, _, message, scope) in zip(made, items)]


def verify_proof(proof: SemaphoreProof, verifying_key: groth16.VerifyingKey | groth16.PreparedVerifyingKey) -> bool:
    """True iff the Groth16 proof holds for the proof's public signals (Semaphore's
    ``verifyProof``; the caller checks the root and the nullifier's freshness).

    Raises:
        MembershipProofError: a message or scope outside ``[0, 2^256)``.
    """
    if not isinstance(proof, SemaphoreProof):
        raise MembershipProofError(f"expected a SemaphoreProof, found {type(proof).__name__}")
    return groth16.verify(verifying_key, proof.public_signals(), proof.points)
