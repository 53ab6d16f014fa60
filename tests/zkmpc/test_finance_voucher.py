"""The voucher pool (zkmpc.finance.voucher): the withdrawal circuit's signals equal the
natives, the operator's book refuses double withdrawals, unknown and unapproved deposits
(and keeps them across a reopen), a proof verifies for its own recipient only, and the
malicious-witness harness finds no other nullifier, no unapproved deposit and no bent
path, beside the true claim (another recipient, with a new proof) it does complete."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import pytest

from circuits import CompiledCircuit, UnsatisfiedConstraintError
from circuits.native import poseidon
from circuits.testing import input_wires
from zkp import groth16
from zkmpc.errors import (DoubleWithdrawalError, FinanceFormatError, InvalidWithdrawalError, UnapprovedDepositError,
                          UnknownDepositError)
from zkmpc.finance import VoucherNote, VoucherPool, voucher_circuit, voucher_refusal, withdrawal_unchecked

from .._helpers import ForgeryCase
from ..conftest import dev_setup

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail (each alone, then restored)
PLANTED_BUGS: tuple[tuple[str, str, str], ...] = (
    ("zkmpc/finance/voucher.py", "the association proof checked against the deposit root",
     "the Case fixture (the honest witness no longer solves)"),
    ("zkmpc/finance/voucher.py", "recipient declared Field, not UInt[160]", "test_no_other_nullifier_deposit_or_path"),
    ("zkmpc/finance/voucher.py", "redeem without the proof's verification",
     "test_a_proof_is_for_its_recipient_and_is_spent_once"),
)

DEPTH = 4
ALICE = 0xA11CE


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return voucher_circuit(DEPTH)


class Case(ForgeryCase):
    """Six deposits, the first five approved; note 2 withdraws to ALICE."""

    def __init__(self) -> None:
        rng = random.Random(21)
        self.cs = circuit()
        self.notes = [VoucherNote.generate(rng=rng) for _ in range(6)]
        self.pool = VoucherPool()
        for n in self.notes:
            self.pool.deposit(n.commitment)
        for n in self.notes[:5]:
            self.pool.approve(n.commitment)
        self.attack(self.cs, self.cs.solve(self.pool.assignment(self.cs, self.notes[2], recipient=ALICE)))


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_the_signals_equal_the_natives(case: Case) -> None:
    note = case.notes[2]
    assert note.commitment == poseidon([note.nullifier_secret, note.secret])
    assert note.nullifier == poseidon([note.nullifier_secret])
    assert case.witness.public == [case.pool.deposit_root, case.pool.association_root, note.nullifier, ALICE]
    assert "secret" not in repr(note).replace("commitment", "")


def test_the_book_refuses_what_the_circuit_refuses(case: Case) -> None:
    flagged, stranger = case.notes[5], VoucherNote(5, 6)
    with pytest.raises(UnapprovedDepositError):
        case.pool.assignment(case.cs, flagged, recipient=ALICE)
    with pytest.raises(UnknownDepositError):
        case.pool.assignment(case.cs, stranger, recipient=ALICE)
    with pytest.raises(UnknownDepositError):
        case.pool.approve(stranger.commitment)
    with pytest.raises(FinanceFormatError):
        case.pool.deposit(case.notes[0].commitment)  # twice
    with pytest.raises(FinanceFormatError):
        case.pool.assignment(case.cs, case.notes[0], recipient=2**160)
    # a holder that skips the book's checks: the constraints refuse with the same names
    approved_proof = case.pool.association.proof(0)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(withdrawal_unchecked(case.cs, flagged, case.pool.deposits.proof(5), approved_proof, ALICE))
    assert type(voucher_refusal(info.value)) is UnapprovedDepositError
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(withdrawal_unchecked(case.cs, stranger, case.pool.deposits.proof(0), approved_proof, ALICE))
    assert type(voucher_refusal(info.value)) is UnknownDepositError
    with pytest.raises(FinanceFormatError):
        voucher_circuit(0)
    for bad in ((0, 1), (1, 0), (-1, 1), (1, 2**254)):
        with pytest.raises(FinanceFormatError):
            VoucherNote(*bad)


def test_a_proof_is_for_its_recipient_and_is_spent_once(case: Case) -> None:
    pk, vk = dev_setup(case.cs.r1cs)
    proof = groth16.prove(pk, case.witness, rng=random.Random(2))
    public = list(case.witness.public)
    pool = case.pool
    with pytest.raises(InvalidWithdrawalError):
        pool.redeem(vk, proof, [*public[:3], 0xBAD])  # a front-runner's address
    with pytest.raises(UnknownDepositError):
        pool.redeem(vk, proof, [public[0] + 1, *public[1:]])
    with pytest.raises(UnapprovedDepositError):
        pool.redeem(vk, proof, [public[0], public[1] + 1, *public[2:]])
    with pytest.raises(FinanceFormatError):
        pool.redeem(vk, proof, public[:3])
    assert pool.redeem(vk, proof, public) == ALICE
    with pytest.raises(DoubleWithdrawalError):
        pool.redeem(vk, proof, public)
    with pytest.raises(DoubleWithdrawalError):
        pool.assignment(case.cs, case.notes[2], recipient=0xB0B)  # to anyone else either


def test_the_book_persists(tmp_path: Path) -> None:
    path = str(tmp_path / "pool.db")
    notes = [VoucherNote.generate(rng=random.Random(i)) for i in range(3)]
    pool = VoucherPool(path)
    pool.deposit_many([n.commitment for n in notes])
    pool.approve(notes[1].commitment)
    pool.spend(notes[1].nullifier, ALICE)
    again = VoucherPool(path)
    assert (again.deposit_root, again.association_root) == (pool.deposit_root, pool.association_root)
    assert again.is_spent(notes[1].nullifier) and not again.is_spent(notes[0].nullifier)
    with pytest.raises(DoubleWithdrawalError):
        again.spend(notes[1].nullifier, ALICE)


def test_no_other_nullifier_deposit_or_path(case: Case) -> None:
    null = case.witness.public[2]
    assert case.forge({case.w("nullifier"): null + 1}) is None
    assert case.forge({case.w("nullifier"): case.notes[3].nullifier}) is None  # another deposit's
    assert case.forge({case.w("nullifier_secret"): case.notes[2].nullifier_secret + 1}) is None
    assert case.forge({case.w("association_root"): case.pool.association_root + 1}) is None
    assert case.forge({case.w("deposit_root"): case.pool.deposit_root + 1}) is None
    flagged = case.notes[5]
    claim = {case.w("nullifier_secret"): flagged.nullifier_secret, case.w("secret"): flagged.secret,
             case.w("nullifier"): flagged.nullifier}
    moving = ("deposit_length", "deposit_path", "deposit_siblings", "association_length", "association_path",
              "association_siblings")
    assert case.forge(claim, movable=moving) is None  # an unapproved deposit under the approved root
    for name in ("deposit_length", "association_length"):
        assert case.forge({case.w(name): case.witness.values()[case.w(name)] + 1}) is None
    assert case.forge({case.w("association_siblings"): 0}) is None
    assert not case.search.non_boolean(input_wires(case.cs, "deposit_path") + input_wires(case.cs, "association_path"))
    # the control: the same note to another recipient is a true claim (a new proof is needed)
    assert case.forge({case.w("recipient"): 0xB0B}) is not None
    assert case.forge({case.w("recipient"): 2**160}) is None  # not an address
