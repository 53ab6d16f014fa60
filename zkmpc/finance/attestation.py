"""Bank-signed credit attestations and the regulator's registry of licensed banks.

A bank attests, about a customer's commitment ``Poseidon(holder_secret)``, a credit
``score`` (16 bits), a yearly ``income`` and a total ``debt`` (in cents, 64 bits) and an
``expiry`` (unix seconds, 64 bits), signing with EdDSA-Poseidon over Baby Jubjub:

``message = Poseidon(ATTESTATION_TAG, score, income, debt, expiry, subject)``

(the tag keeps a signature on anything else, e.g. a credential claim of the same key, from
passing as an attestation). Licensed banks are the leaves ``Poseidon(key.x, key.y)`` of a
Merkle tree of depth 20 (:class:`BankRegistry`) whose root the regulator posts on chain;
a proof shows that *some* licensed bank signed, not which.

    >>> import random
    >>> rng = random.Random(3)
    >>> bank = Bank(rng=rng)
    >>> att = bank.attest(subject=12345, score=712, income=5_400_000, debt=1_200_000, expiry=2_000_000_000)
    >>> att.signature_valid(), att.bank == bank.id
    (True, True)
    >>> registry = BankRegistry([bank.id, 777], depth=4)
    >>> proof = registry.proof(bank.id)
    >>> proof.verify(), proof.root == registry.root
    (True, True)
    >>> bank.attest(subject=12345, score=2**16, income=0, debt=0, expiry=1)
    Traceback (most recent call last):
    ...
    zkmpc.errors.FinanceFormatError: score: expected an int in [0, 2**16), found 65536
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from circuits.native import MerkleProof, MerkleTree, poseidon
from circuits.native.eddsa import PrivateKey, Signature, verify

from ..credentials import Rng
from ..errors import FinanceFormatError, UnlicensedBankError
from ._check import field_element, random_below, uint

__all__ = ["Attestation", "Bank", "BankRegistry", "ATTESTATION_TAG", "SCORE_BITS", "MONEY_BITS", "TIME_BITS",
           "bank_id", "attestation_message"]

#: domain tag of attestation messages (the first 31 bytes of "zkmpc/finance/attestation/v1")
ATTESTATION_TAG = int.from_bytes(b"zkmpc/finance/attestation/v1"[:31], "big")
SCORE_BITS = 16
MONEY_BITS = 64
TIME_BITS = 64

Point = tuple[int, int]


def bank_id(public_key: Point) -> int:
    """A bank's registry leaf: ``Poseidon(key.x, key.y)``."""
    return poseidon([field_element(public_key[0], "bank key x"), field_element(public_key[1], "bank key y")])


def attestation_message(subject: int, score: int, income: int, debt: int, expiry: int) -> int:
    """``Poseidon(ATTESTATION_TAG, score, income, debt, expiry, subject)``, every value
    range-checked (:class:`FinanceFormatError`)."""
    return poseidon([ATTESTATION_TAG, uint(score, SCORE_BITS, "score"), uint(income, MONEY_BITS, "income"),
                     uint(debt, MONEY_BITS, "debt"), uint(expiry, TIME_BITS, "expiry"),
                     field_element(subject, "subject")])


@dataclass(frozen=True)
class Attestation:
    """What a bank signs about a customer (see the module docstring), with the signature."""

    subject: int
    score: int
    income: int
    debt: int
    expiry: int
    bank_key: Point
    signature: Signature

    def __post_init__(self) -> None:
        field_element(self.subject, "subject")
        uint(self.score, SCORE_BITS, "score")
        uint(self.income, MONEY_BITS, "income")
        uint(self.debt, MONEY_BITS, "debt")
        uint(self.expiry, TIME_BITS, "expiry")

    def message(self) -> int:
        """The signed field element."""
        return attestation_message(self.subject, self.score, self.income, self.debt, self.expiry)

    @property
    def bank(self) -> int:
        return bank_id(self.bank_key)

    def signature_valid(self) -> bool:
        """True iff the signature verifies on :meth:`message` under ``bank_key``."""
        return verify(self.bank_key, self.message(), self.signature)


class Bank:
    """A bank's signing key (from ``key`` bytes, or 32 random bytes from ``rng``/``secrets``).

    Security: the key signs every attestation; a leaked key lets anyone attest anything
    until the regulator removes the bank from the registry.
    """

    def __init__(self, key: bytes | None = None, *, rng: Rng | None = None) -> None:
        raw = key if key is not None else random_below(1 << 256, rng=rng).to_bytes(32, "little")
        self._key = PrivateKey(raw)

    @property
    def public_key(self) -> Point:
        return self._key.public_key

    @property
    def id(self) -> int:
        return bank_id(self.public_key)

    def __repr__(self) -> str:
        return f"Bank(id={self.id:#x})"

    def attest(self, *, subject: int, score: int, income: int, debt: int, expiry: int) -> Attestation:
        """Sign an attestation (every value range-checked first)."""
        sig = self._key.sign(attestation_message(subject, score, income, debt, expiry))
        return Attestation(subject, score, income, debt, expiry, self.public_key, sig)


class BankRegistry:
    """The regulator's Merkle tree (fixed ``depth``, Poseidon) of licensed banks' ids."""

    def __init__(self, banks: Iterable[int] = (), *, depth: int = 20) -> None:
        ids = [field_element(b, "bank id") for b in banks]
        if len(set(ids)) != len(ids):
            raise FinanceFormatError("bank registry: expected distinct bank ids, found a repeated one")
        self._tree = MerkleTree(depth, ids)
        self._index = {b: i for i, b in enumerate(ids)}

    @property
    def depth(self) -> int:
        return self._tree.depth

    @property
    def root(self) -> int:
        return self._tree.root

    def __len__(self) -> int:
        return len(self._index)

    def add(self, bank: int) -> int:
        """License ``bank`` (an id); returns the new root."""
        if field_element(bank, "bank id") in self._index:
            raise FinanceFormatError(f"bank registry: bank {bank:#x} is licensed already")
        self._index[bank] = self._tree.append(bank)
        return self.root

    def proof(self, bank: int) -> MerkleProof:
        """The membership proof of ``bank`` (:class:`UnlicensedBankError` if absent)."""
        index = self._index.get(bank)
        if index is None:
            raise UnlicensedBankError(f"bank {bank:#x} is not in the registry of licensed banks (root {self.root:#x})")
        return self._tree.proof(index)
