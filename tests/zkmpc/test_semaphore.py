"""The Semaphore v4 membership proof: constraint count, the LeanIMT gadget against its
native twin, proofs over edge-case groups, Semaphore's nullifier and hashes (node), and the
malicious-witness harness on the circuit (forged root, nullifier, message, scope, a second
nullifier from ``secret + l``)."""

from __future__ import annotations

import json
import random
import time
import warnings
from typing import Any

import pytest

from circuits import Bool, Circuit, Field, Public, Secret, UnusedPublicInputWarning, compile
from circuits.errors import UnsatisfiedConstraintError
from circuits.gadgets import lean_imt_root, padded_proof
from circuits.native import babyjub as bj
from circuits.native.lean_imt import LeanIMT
from circuits.native.poseidon import poseidon
from circuits.testing import ForgerySearch, input_wires, scope_wires
from zkp.field import R
from zkmpc.errors import MembershipProofError
from zkmpc.identity import Group, Identity
from zkmpc.identity import semaphore as sem

from ..conftest import ROOT, dev_setup
from .test_identity import semaphore_js

#: Semaphore v4's count at depth 20 (circom --O2), the issue's ceiling
SEMAPHORE_CONSTRAINTS = 6431


@pytest.fixture(scope="module")
def small() -> Any:
    """The depth-6 circuit and development keys."""
    cs = sem.semaphore_circuit(6)
    pk, vk = dev_setup(cs.r1cs)
    return cs, pk, vk


def test_constraints_at_depth_20_and_public_signal_order() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnusedPublicInputWarning)  # the message is bound by the circuit itself
        cs = sem.semaphore_circuit(20)
    assert cs.r1cs.num_constraints == 6369 <= SEMAPHORE_CONSTRAINTS
    assert cs.public_names == ["merkle_tree_root", "nullifier", "message", "scope"]
    counts = [sem.semaphore_circuit(d).r1cs.num_constraints for d in (1, 2, 32)]
    assert counts[1] - counts[0] == 244 and counts[2] == counts[0] + 31 * 244  # 243 + an index bit


def _member_circuit(depth: int) -> type:
    class Member(Circuit):
        root: Public[Field]
        leaf: Secret[Field]
        length: Secret[Field]
        path: Secret[Bool, depth]
        siblings: Secret[Field, depth]

        def define(self, api: Any) -> None:
            api.assert_equal(lean_imt_root(api, self.leaf, self.length, self.path, self.siblings), self.root)

    return Member


def test_the_gadget_equals_its_native_twin_on_random_trees(rng: random.Random) -> None:
    member = _member_circuit(6)
    cs = compile(member)
    for size in [1, 2, 3, 5, 8, 9, 33, 64]:
        tree = LeanIMT([rng.randrange(1, 1 << 250) for _ in range(size)])
        if size > 2:
            tree.update(rng.randrange(size), 0)  # a removed leaf
        for index in {0, size - 1, rng.randrange(size)}:
            p = tree.proof(index)
            length, bits, sibs = padded_proof(p, 6)
            assert length == len(p.siblings) <= tree.depth
            w = cs.solve(member(root=tree.root, leaf=p.leaf, length=length, path=bits, siblings=sibs))
            assert w.public == [tree.root] and cs.r1cs.is_satisfied(w.values())
            for wrong in {length + 1, length - 1} - {-1}:
                if wrong <= 6:
                    with pytest.raises(UnsatisfiedConstraintError):
                        cs.solve(member(root=tree.root, leaf=p.leaf, length=wrong, path=bits, siblings=sibs))


def test_proofs_verify_for_edge_groups_and_tampering_is_refused(small: Any) -> None:
    cs, pk, vk = small
    people = [Identity(f"resident {i}") for i in range(9)]
    groups = {
        "one member": Group([people[0].commitment]),
        "two members": Group([p.commitment for p in people[:2]]),
        "a removal, proof shorter than the depth": Group([p.commitment for p in people[:5]]),
        "nine": Group([p.commitment for p in people]),
    }
    groups["a removal, proof shorter than the depth"].remove_member(1)
    for name, group in groups.items():
        proof = sem.generate_proof(people[0], group, message=1 << 255, scope=77, circuit=cs, proving_key=pk)
        assert sem.verify_proof(proof, vk), name
        assert proof.merkle_tree_root == group.root and proof.merkle_tree_depth == 6
        assert proof.nullifier == sem.nullifier_of(people[0], 77)
        changes: list[dict[str, Any]] = [dict(message=2), dict(scope=78), dict(merkle_tree_root=group.root + 1),
                                         dict(nullifier=proof.nullifier + 1)]
        for tampered in changes:
            assert not sem.verify_proof(sem.replace(proof, **tampered), vk), (name, tampered)
    assert len(groups["a removal, proof shorter than the depth"].proof(4).siblings) == 1


def test_refusals(small: Any) -> None:
    cs, pk, _ = small
    alice, mallory = Identity("alice"), Identity("mallory")
    group = Group([alice.commitment])
    with pytest.raises(MembershipProofError, match="not a member"):
        sem.generate_proof(mallory, group, message=1, scope=1, circuit=cs, proving_key=pk)
    with pytest.raises(MembershipProofError, match="leaf"):
        sem.generate_proof(mallory, group.proof(0), message=1, scope=1, circuit=cs, proving_key=pk)
    big = Group(range(1, 200))
    big.update_member(0, alice.commitment)
    with pytest.raises(MembershipProofError, match="at most 6 siblings"):
        sem.generate_proof(alice, big, message=1, scope=1, circuit=cs, proving_key=pk)
    for bad in (-1, 1 << 256, True, "1"):
        with pytest.raises(MembershipProofError, match="expected a message or scope"):
            sem.hash_value(bad)  # type: ignore[arg-type]
    for depth in (0, 33, True):
        with pytest.raises(MembershipProofError, match="depth"):
            sem.semaphore_circuit(depth)


NULLIFIER_JS = """
const fromIdentity = createRequire(req.resolve('@semaphore-protocol/identity'));
const { poseidon2 } = fromIdentity('poseidon-lite/poseidon2');
const ethers = createRequire(input.utils)('ethers');
const hash = (v) => BigInt(ethers.keccak256(ethers.toBeHex(BigInt(v), 32))) >> 8n;
out({hashes: input.values.map(hash),
     nullifiers: input.cases.map(([key, scope]) => poseidon2([hash(scope), new Identity(key).secretScalar]))});
"""


@pytest.mark.interop
def test_nullifiers_and_hashes_equal_semaphore(rng: random.Random) -> None:
    values = [0, 1, (1 << 256) - 1] + [rng.randrange(1 << 256) for _ in range(50)]
    cases = [(f"person {i}", rng.randrange(1 << rng.choice([8, 64, 256]))) for i in range(40)]
    # ethers 6, as @semaphore-protocol/proof uses it (npm installs it beside the LeanIMT)
    utils = ROOT / "node_modules" / "@zk-kit" / "lean-imt" / "package.json"
    theirs = semaphore_js(NULLIFIER_JS, {"values": [str(v) for v in values], "cases": [[k, str(s)] for k, s in cases],
                                         "utils": str(utils)})
    assert [int(h) for h in theirs["hashes"]] == [sem.hash_value(v) for v in values]
    assert [int(n) for n in theirs["nullifiers"]] == [sem.nullifier_of(Identity(k), s) for k, s in cases]


# ------------------------------------------------------------------ the malicious prover


def _honest(max_depth: int = 4) -> tuple[Any, Any, Identity, int]:
    cs = sem.semaphore_circuit(max_depth)
    # a secret with secret + l < 2^251: the 251 bits could then encode secret + l
    ident = next(i for i in (Identity(f"k{k}") for k in range(100)) if i.secret_scalar + bj.SUBORDER < 1 << 251)
    group = Group([Identity("a").commitment, ident.commitment, Identity("b").commitment])
    return cs, cs.solve(sem.witness_inputs(cs, ident, group, message=5, scope=6)), ident, group.root


def test_forged_public_signals_have_no_witness() -> None:
    cs, w, ident, root = _honest()
    s = ForgerySearch(cs, w)
    wire = {name: input_wires(cs, name)[0] for name in ("merkle_tree_root", "nullifier", "message", "scope", "secret")}
    h6, n = sem.hash_value(6), w.public[1]
    claims = [
        {wire["merkle_tree_root"]: root + 1},                       # another root
        {wire["nullifier"]: n + 1},                                 # another nullifier
        {wire["scope"]: h6 + 1},                                    # another scope, same nullifier
        {wire["message"]: 99, wire["nullifier"]: n + 1},            # a message does not move the rest
        {wire["secret"]: ident.secret_scalar + bj.SUBORDER,         # same key, a second nullifier
         wire["nullifier"]: poseidon([h6, ident.secret_scalar + bj.SUBORDER])},
        {wire["secret"]: ident.secret_scalar + 1},
        {input_wires(cs, "merkle_proof_length")[0]: 3},             # another length, same root
        {input_wires(cs, "merkle_proof_index")[0]: 3},              # another position, same root
    ]
    assert s.forge_all(claims) == []
    hashing = set(scope_wires(cs, "poseidon2"))
    picking = [x for x in scope_wires(cs, "lean_imt") if x not in hashing]  # selector, products, selects
    assert len(picking) >= 2 * 5
    assert s.non_boolean(picking) + s.sweep(picking) + s.pairs(picking, max_pairs=100) == []
    # the message is free (any message can be proved), bound by the proof, not the witness
    assert s.forge({wire["message"]: 99}) is not None


def test_a_non_boolean_selector_cannot_pick_a_forged_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """A prover whose hint returns the selector ``onehot(L) + t (1, -2, 1)`` at levels
    ``L - 1, L, L + 1`` keeps both linear checks and picks ``root + t (n_{L-1} - 2 n_L +
    n_{L+1})``, any value: only the selector's booleanity refuses it."""
    import circuits.gadgets.lean_imt as gadget
    from circuits.engine import hints

    tree = LeanIMT([11, 22, 33])
    assert tree.root is not None
    p = tree.proof(2)  # one sibling: L = 1, nodes n_0 (leaf), n_1 (the root), n_2 (padding)
    length, bits, sibs = padded_proof(p, 4)
    nodes = [p.leaf]
    for bit, sib in zip(bits, sibs):
        nodes.append(poseidon([sib, nodes[-1]] if bit else [nodes[-1], sib]))
    t = 5
    forged_root = (tree.root + t * (nodes[0] - 2 * nodes[1] + nodes[2])) % R
    selector = {0: t, 1: 1 - 2 * t, 2: t}

    def evil_div(a: int, b: int) -> int:  # the hint behind e_i = 1 - nonzero_i
        i = (length - a) % R
        return (1 - selector.get(i, 0)) % R if a == b and i <= 4 else hints.div.python(a, b)

    class Evil:
        div = staticmethod(evil_div)
        muladd = hints.muladd

    monkeypatch.setattr(gadget, "hints", Evil)
    member = _member_circuit(4)
    cs = compile(member)
    with pytest.raises(UnsatisfiedConstraintError):
        w = cs.solve(member(root=forged_root, leaf=p.leaf, length=length, path=bits, siblings=sibs))
        assert not cs.r1cs.is_satisfied(w.values())
        raise UnsatisfiedConstraintError("the R1CS refused the forged witness")


def test_without_the_order_check_secret_plus_l_forges_a_second_nullifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """The harness sees the double-signal bug when the ``secret < l`` check is removed."""
    monkeypatch.setattr(sem, "assert_bits_le_constant", lambda api, bits, c: None)
    cs, w, ident, _ = _honest()
    s = ForgerySearch(cs, w)
    secret, nullifier = input_wires(cs, "secret")[0], input_wires(cs, "nullifier")[0]
    forged = ident.secret_scalar + bj.SUBORDER
    assert s.forge({secret: forged, nullifier: poseidon([sem.hash_value(6), forged])}) is not None


def test_prove_time_at_depth_20() -> None:
    """Recorded, not a gate: the machine is shared (benchmarks/groups.py reports it)."""
    cs = sem.semaphore_circuit(20)
    pk, vk = dev_setup(cs.r1cs)
    people = [Identity(f"p{i}") for i in range(3)]
    group = Group([p.commitment for p in people])
    t0 = time.perf_counter()
    proof = sem.generate_proof(people[2], group, message=3, scope=4, circuit=cs, proving_key=pk)
    elapsed = time.perf_counter() - t0
    assert sem.verify_proof(proof, vk)
    print(json.dumps({"prove_seconds_depth_20": round(elapsed, 3)}))


def test_a_prover_gives_the_proofs_of_generate_proof_and_snarkjs_verifies_them(small: Any, snarkjs: Any,
                                                                            tmp_path: Any) -> None:
    from zkp.formats.snarkjs_json import proof_to_json, public_to_json, vk_to_json

    cs, pk, vk = small
    people = [Identity(f"member {i}") for i in range(3)]
    group = Group([p.commitment for p in people])
    prover = sem.Prover(cs, pk, tables=True)
    assert prover.key.has_tables and prover.max_depth == 6
    for i, person in enumerate(people):
        made = prover.prove(person, group, message=i, scope=8, rng=random.Random(i))
        assert made == sem.generate_proof(person, group, message=i, scope=8, circuit=cs, proving_key=pk,
                                          rng=random.Random(i))
        assert sem.verify_proof(made, vk)
    (tmp_path / "vk.json").write_text(vk_to_json(vk))
    (tmp_path / "proof.json").write_text(proof_to_json(made.points))
    (tmp_path / "public.json").write_text(public_to_json(made.public_signals()))
    assert "OK!" in snarkjs("groth16", "verify", "vk.json", "public.json", "proof.json", cwd=tmp_path).stdout
    assert sem.generate_proofs([(people[0], group.proof(0), 1, 2)], max_depth=6, proving_key=prover)[0].nullifier \
        == sem.nullifier_of(people[0], 2)


def test_prover_refusals(small: Any) -> None:
    cs, pk, _ = small
    with pytest.raises(MembershipProofError, match="proving key of the depth-5 circuit"):
        sem.Prover(5, pk)
    with pytest.raises(MembershipProofError, match="expected a ProvingKey or a PreparedProvingKey"):
        sem.Prover(cs, "key")  # type: ignore[arg-type]
    with pytest.raises(MembershipProofError, match="expected a circuit from semaphore_circuit"):
        sem.Prover(compile(_member_circuit(2)), pk)
    prover = sem.Prover(cs, pk, tables=False)
    with pytest.raises(MembershipProofError, match="expected a Prover of depth 7, found 6"):
        sem.generate_proofs([], max_depth=7, proving_key=prover)


def test_many_proofs_on_a_dask_cluster_equal_local_ones(small: Any) -> None:
    pytest.importorskip("distributed")
    from mpc.scale import cluster_client

    cs, pk, vk = small
    people = [Identity(f"voter {i}") for i in range(5)]
    group = Group([p.commitment for p in people])
    jobs = [(p, group.proof(i), 1000 + i, 42) for i, p in enumerate(people)]
    local = sem.generate_proofs(jobs, max_depth=6, proving_key=pk)
    name = sem.worker_cache_name(6, pk)

    def provers(dask_worker: Any) -> int:  # which prepared prover each worker holds
        return id(dask_worker.plugins[name].prover)

    with cluster_client(2) as client:
        remote = sem.generate_proofs(jobs, max_depth=6, proving_key=pk, client=client, chunk_size=2)
        held = client.run(provers)
        again = sem.generate_proofs(jobs[:2], max_depth=6, proving_key=sem.Prover(cs, pk, tables=False),
                                    client=client, chunk_size=1)
        assert client.run(provers) == held and len(held) == 2  # compiled and prepared once per worker
    assert [p.public_signals() for p in remote] == [p.public_signals() for p in local]
    assert [p.public_signals() for p in again] == [p.public_signals() for p in local[:2]]
    assert all(sem.verify_proof(p, vk) for p in remote + local + again)
    assert len({p.nullifier for p in remote}) == 5
    with pytest.raises(MembershipProofError, match="chunk_size"):
        sem.generate_proofs(jobs, max_depth=6, proving_key=pk, chunk_size=0)


# The application layer on the kernels: `make test` runs it on the C pass; its kernel calls are
# the ones the zkp tests compare twin against twin, so the pure-Python pass skips it (app_layer).
pytestmark = pytest.mark.app_layer
