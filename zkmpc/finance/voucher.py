"""A subsidy voucher pool (as Privacy Pools): deposit a commitment, withdraw to any address.

A depositor (a subsidy programme funding one voucher) keeps a :class:`VoucherNote`, two
random field elements ``(nullifier_secret, secret)``, and deposits its commitment
``Poseidon(nullifier_secret, secret)``. Deposits are recorded **off chain** by the pool
operator (:class:`VoucherPool`, in SQLite), whose admin posts the deposit tree's root on
chain (root set 0 of the app contract); an association-set provider approves deposits
(e.g. those of eligible households) into a second tree whose root is root set 1. Both
trees are LeanIMTs (:class:`~zkmpc.identity.Group`), proofs of up to ``depth`` siblings.

To withdraw, the holder of a note proves (:func:`voucher_circuit`), to any ``recipient``
address:

- ``deposit``: the commitment is a leaf of the deposit tree of ``deposit_root``;
- ``association``: the same commitment is a leaf of the approved set of
  ``association_root``;
- ``nullifier = Poseidon(nullifier_secret)``: one withdrawal per deposit (the contract
  records it), unlinkable to the deposit;
- ``recipient`` is declared ``UInt[160]`` (an address): its range check binds it, so a
  front-runner who copies the proof with another recipient has a proof that does not verify.

Public signals, in order: ``deposit_root, association_root, nullifier, recipient``.

    >>> import random
    >>> rng = random.Random(11)
    >>> pool = VoucherPool()
    >>> notes = [VoucherNote.generate(rng=rng) for _ in range(3)]
    >>> [pool.deposit(n.commitment) for n in notes]
    [0, 1, 2]
    >>> pool.approve(notes[0].commitment); pool.approve(notes[2].commitment)
    >>> cs = voucher_circuit(depth=4)
    >>> w = cs.solve(pool.assignment(cs, notes[2], recipient=0xC0FFEE))
    >>> w.public == [pool.deposit_root, pool.association_root, notes[2].nullifier, 0xC0FFEE]
    True
    >>> pool.assignment(cs, notes[1], recipient=0xC0FFEE)
    Traceback (most recent call last):
    ...
    zkmpc.errors.UnapprovedDepositError: deposit 1 is not in the approved association set
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

from circuits import Bool, Circuit, CircuitTypeError, CompiledCircuit, Field, Public, Secret, UInt, UnsatisfiedConstraintError, compile
from circuits.gadgets import assert_lean_imt_member, padded_proof, poseidon
from circuits.native import poseidon as native_poseidon
from circuits.native.merkle import MerkleProof
from circuits.types import InputSpec
from zkp import groth16
from zkp.field import R

from ..credentials import Rng
from ..errors import (DoubleWithdrawalError, FinanceError, FinanceFormatError, InvalidWithdrawalError,
                      UnapprovedDepositError, UnknownDepositError)
from ..identity import Group
from ..identity.storage import SQLiteStorage
from ._check import field_element, random_below, uint
from .loan import input_length

__all__ = ["VoucherNote", "VoucherPool", "voucher_circuit", "voucher_class", "voucher_refusal", "withdrawal_unchecked",
           "ADDRESS_BITS"]

#: an address's width
ADDRESS_BITS = 160


@dataclass(frozen=True)
class VoucherNote:
    """A deposit's secrets: ``commitment = Poseidon(nullifier_secret, secret)``, spent
    with ``nullifier = Poseidon(nullifier_secret)``.

    Security: whoever holds the note can withdraw the voucher; keep it like cash."""

    nullifier_secret: int
    secret: int

    def __post_init__(self) -> None:
        for name in ("nullifier_secret", "secret"):
            if field_element(getattr(self, name), name) == 0:
                raise FinanceFormatError(f"{name}: expected a non-zero field element, found 0")

    @classmethod
    def generate(cls, *, rng: Rng | None = None) -> VoucherNote:
        return cls(random_below(R, floor=1, rng=rng), random_below(R, floor=1, rng=rng))

    @property
    def commitment(self) -> int:
        return native_poseidon([self.nullifier_secret, self.secret])

    @property
    def nullifier(self) -> int:
        return native_poseidon([self.nullifier_secret])

    def __repr__(self) -> str:  # never print the secrets
        return f"VoucherNote(commitment={self.commitment:#x})"


def _inputs(depth: int) -> dict[str, InputSpec]:
    return {"deposit_root": Public[Field], "association_root": Public[Field], "nullifier": Public[Field],
            "recipient": Public[UInt[ADDRESS_BITS]], "nullifier_secret": Secret[Field], "secret": Secret[Field],
            "deposit_length": Secret[Field], "deposit_path": Secret[Bool, depth],
            "deposit_siblings": Secret[Field, depth], "association_length": Secret[Field],
            "association_path": Secret[Bool, depth], "association_siblings": Secret[Field, depth]}


def _define(self: Any, api: Any) -> None:
    with api.scope("commitment"):
        commitment = poseidon(api, [self.nullifier_secret, self.secret])
    with api.scope("deposit"):
        assert_lean_imt_member(api, self.deposit_root, commitment, self.deposit_length, list(self.deposit_path),
                               list(self.deposit_siblings))
    with api.scope("association"):
        assert_lean_imt_member(api, self.association_root, commitment, self.association_length,
                               list(self.association_path), list(self.association_siblings))
    with api.scope("nullifier"):
        api.assert_equal(poseidon(api, [self.nullifier_secret]), self.nullifier)


@lru_cache(maxsize=8)
def voucher_class(depth: int = 20) -> type[Circuit]:
    """The withdrawal circuit class for trees of up to ``depth`` levels (1..32)."""
    if isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= 32:
        raise FinanceFormatError(f"depth: expected an int in [1, 32], found {depth!r}")
    name = f"VoucherWithdrawal{depth}"
    return type(name, (Circuit,), {"__annotations__": _inputs(depth), "define": _define, "__module__": __name__,
                                   "__qualname__": name})


@lru_cache(maxsize=8)
def voucher_circuit(depth: int = 20) -> CompiledCircuit:
    """The compiled withdrawal circuit (10,377 constraints at depth 20)."""
    return compile(voucher_class(depth))


def voucher_refusal(exc: UnsatisfiedConstraintError) -> FinanceError:
    """The named error for a broken constraint of the withdrawal circuit (by scope)."""
    path = (exc.label or "").split(" @ ", 1)[0].split("/")
    if "deposit" in path:
        return UnknownDepositError(f"the commitment is not in the deposit tree (constraint {exc.label})")
    if "association" in path:
        return UnapprovedDepositError(f"the commitment is not in the association set (constraint {exc.label})")
    return FinanceFormatError(f"the witness breaks constraint {exc.label}: {exc}")


_SPENT = "CREATE TABLE IF NOT EXISTS voucher_spent (nullifier TEXT PRIMARY KEY, recipient TEXT NOT NULL)"


class VoucherPool:
    """The pool operator's books: the deposit tree, the association set and the spent
    nullifiers, in the SQLite file ``path`` (``None``: in memory)."""

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            self.deposits, self.association = Group(), Group()
            self._db = sqlite3.connect(":memory:", isolation_level=None)
        else:
            self.deposits = Group(storage=SQLiteStorage(path, "voucher-deposits"))
            self.association = Group(storage=SQLiteStorage(path, "voucher-association"))
            self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute(_SPENT)

    def __repr__(self) -> str:
        return f"VoucherPool(deposits={self.deposits.size}, approved={self.association.size})"

    @property
    def deposit_root(self) -> int:
        return self.deposits.root

    @property
    def association_root(self) -> int:
        return self.association.root

    def deposit(self, commitment: int) -> int:
        """Record a deposit (a new commitment); returns its index."""
        if self.deposits.index_of(field_element(commitment, "commitment")) is not None:
            raise FinanceFormatError(f"commitment {commitment:#x} was deposited already")
        self.deposits.add_member(commitment)
        return self.deposits.size - 1

    def deposit_many(self, commitments: list[int]) -> None:
        """Record a batch of deposits (one transaction; distinctness is the caller's)."""
        self.deposits.add_members(commitments)

    def approve(self, commitment: int) -> None:
        """Add a deposited commitment to the association set."""
        if self.deposits.index_of(field_element(commitment, "commitment")) is None:
            raise UnknownDepositError(f"commitment {commitment:#x} is not a deposit of this pool")
        self.association.add_member(commitment)

    def approve_many(self, commitments: list[int]) -> None:
        """Approve a batch of deposited commitments (one transaction; checked by the caller)."""
        self.association.add_members(commitments)

    def is_spent(self, nullifier: int) -> bool:
        row = self._db.execute("SELECT 1 FROM voucher_spent WHERE nullifier = ?", (str(nullifier),)).fetchone()
        return row is not None

    def spend(self, nullifier: int, recipient: int) -> None:
        """Record a withdrawal (:class:`DoubleWithdrawalError` if the nullifier is spent)."""
        try:
            self._db.execute("INSERT INTO voucher_spent (nullifier, recipient) VALUES (?, ?)",
                             (str(field_element(nullifier, "nullifier")), str(uint(recipient, ADDRESS_BITS,
                                                                                     "recipient"))))
        except sqlite3.IntegrityError:
            raise DoubleWithdrawalError(f"nullifier {nullifier:#x} was already spent") from None

    def redeem(self, verifying_key: groth16.VerifyingKey, proof: groth16.Proof, public: Sequence[int]) -> int:
        """Check a withdrawal off chain and record its nullifier; returns the recipient.

        Raises:
            FinanceFormatError: not 4 field elements.
            UnknownDepositError, UnapprovedDepositError: roots other than the pool's current ones.
            DoubleWithdrawalError: the nullifier is spent.
            InvalidWithdrawalError: the proof does not verify for these signals (another recipient...).
        """
        signals = [field_element(v, f"public signal {i}") for i, v in enumerate(public)]
        if len(signals) != 4:
            raise FinanceFormatError(f"withdrawal: expected 4 public signals, found {len(signals)}")
        deposit_root, association_root, null, recipient = signals
        if deposit_root != self.deposit_root:
            raise UnknownDepositError(f"deposit root {deposit_root:#x} is not the pool's ({self.deposit_root:#x})")
        if association_root != self.association_root:
            raise UnapprovedDepositError(f"association root {association_root:#x} is not the approved set's "
                                         f"({self.association_root:#x})")
        if self.is_spent(null):
            raise DoubleWithdrawalError(f"nullifier {null:#x} was already spent")
        if not groth16.verify(verifying_key, signals, proof):
            raise InvalidWithdrawalError("the withdrawal proof does not verify for these signals (another recipient?)")
        self.spend(null, uint(recipient, ADDRESS_BITS, "recipient"))
        return recipient

    def _proof(self, group: Group, commitment: int, missing: type[FinanceError], what: str) -> MerkleProof:
        index = group.index_of(commitment)
        if index is None:
            raise missing(what)
        return group.proof(index)

    def assignment(self, circuit: CompiledCircuit, note: VoucherNote, *, recipient: int) -> Circuit:
        """The withdrawal circuit's assignment for ``note`` to ``recipient``; refuses an
        unknown deposit, an unapproved one, a spent note, with their named errors."""
        uint(recipient, ADDRESS_BITS, "recipient")
        c = note.commitment
        deposit = self._proof(self.deposits, c, UnknownDepositError, "the note's commitment is not a deposit")
        index = self.deposits.index_of(c)
        approved = self._proof(self.association, c, UnapprovedDepositError,
                               f"deposit {index} is not in the approved association set")
        if self.is_spent(note.nullifier):
            raise DoubleWithdrawalError(f"deposit {index} was withdrawn already (nullifier {note.nullifier:#x})")
        return withdrawal_unchecked(circuit, note, deposit, approved, recipient)


def withdrawal_unchecked(circuit: CompiledCircuit, note: VoucherNote, deposit: MerkleProof, approved: MerkleProof,
                         recipient: int) -> Circuit:
    """The assignment from two LeanIMT proofs, unchecked (the constraints still hold)."""
    depth = input_length(circuit, "deposit_siblings")
    try:
        d_len, d_bits, d_sibs = padded_proof(deposit, depth)
        a_len, a_bits, a_sibs = padded_proof(approved, depth)
    except CircuitTypeError as exc:
        raise FinanceFormatError(f"a tree proof is deeper than the circuit: {exc}") from None
    cls: type[Circuit] = circuit.circuit
    return cls(deposit_root=deposit.root, association_root=approved.root, nullifier=note.nullifier,
               recipient=recipient, nullifier_secret=note.nullifier_secret, secret=note.secret,
               deposit_length=d_len, deposit_path=d_bits, deposit_siblings=d_sibs, association_length=a_len,
               association_path=a_bits, association_siblings=a_sibs)
