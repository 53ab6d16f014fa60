"""A subsidy voucher pool (as Privacy Pools): withdraw to any address with a nullifier, from an approved deposit set.

A subsidy programme funds vouchers: each deposit is a commitment ``Poseidon(nullifier
secret, secret)`` whose note the beneficiary keeps. Deposits are recorded **off chain**
by the pool operator (its SQLite book), whose admin posts the deposit tree's root on
chain (root set 0 of the app contract); an association-set provider approves deposits
(e.g. households found eligible) and posts the approved set's root (root set 1). A
beneficiary withdraws to any address by proving, without revealing which deposit:

- the commitment is in the deposit tree and in the approved association set;
- the nullifier ``Poseidon(nullifier secret)``, recorded on chain: one withdrawal per
  deposit;
- the recipient address is a public signal of the proof, so a front-runner who copies
  the proof with their own address is refused.

Double withdrawal, an unapproved deposit, an unknown one and a changed recipient are
refused off chain (the operator's book) and on chain (the contract's reverts).

    python -m examples.finance.voucher_pool [--members N] [--rpc URL --dev-keys]
"""

from __future__ import annotations

import dataclasses
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence, TextIO

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from zkmpc.contracts import AppLayout
from zkmpc.errors import (DoubleWithdrawalError, InvalidProofError, InvalidWithdrawalError, NullifierUsedError,
                          UnapprovedDepositError, UnknownDepositError, UnknownRootError)
from zkmpc.finance import VoucherNote, VoucherPool, voucher_circuit
from zkmpc.usecases import OnChain, Report, open_chain, parse_args

DEPTH = 20
LAYOUT = AppLayout(num_public=4, roots=(0, 1), nullifier=2)  # deposit_root, association_root, nullifier, recipient
UNAPPROVED_EVERY = 10  # every 10th deposit is left out of the association set


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    args = parse_args(argv, __doc__, members=10_000)
    report = Report(out, title="finance: a subsidy voucher pool with an association set")
    with tempfile.TemporaryDirectory() as tmp:
        pool = VoucherPool(str(Path(tmp) / "pool.db"))
        notes = [VoucherNote.generate() for _ in range(args.members)]
        pool.deposit_many([n.commitment for n in notes])
        pool.approve_many([n.commitment for i, n in enumerate(notes) if i % UNAPPROVED_EVERY])
        report.fact("deposits (off chain, in the operator's SQLite book)", pool.deposits.size)
        report.fact("approved in the association set", pool.association.size)
        cs = voucher_circuit(DEPTH)
        onchain = OnChain.deploy(open_chain(args), cs, LAYOUT)
        onchain.app.add_root(pool.deposit_root, set=0)
        onchain.app.add_root(pool.association_root, set=1)
        note, recipient = notes[len(notes) // 2 + 1], secrets.randbits(160)
        proved = onchain.prove(pool.assignment(cs, note, recipient=recipient))
        stolen = dataclasses.replace(proved, public=[*proved.public[:3], secrets.randbits(160)])
        report.expect_refusal("the proof copied by a front-runner with their own address (off chain)",
                              lambda: pool.redeem(onchain.keys[1], stolen.proof, stolen.public), InvalidWithdrawalError)
        report.expect_refusal("the proof copied by a front-runner with their own address (on chain)",
                              lambda: onchain.validate(stolen), InvalidProofError)
        receipt = onchain.validate(proved)
        pool.redeem(onchain.keys[1], proved.proof, proved.public)
        report.proof(proved, receipt, what=f"an approved deposit withdrawn to {recipient:#042x} (deposit hidden)",
                     onchain=onchain)
        report.expect_refusal("a second withdrawal of the same note (off chain)",
                              lambda: pool.assignment(cs, note, recipient=recipient), DoubleWithdrawalError)
        report.expect_refusal("a second withdrawal of the same note (off chain, the proof again)",
                              lambda: pool.redeem(onchain.keys[1], proved.proof, proved.public), DoubleWithdrawalError)
        report.expect_refusal("a second withdrawal of the same note (on chain)", lambda: onchain.validate(proved),
                              NullifierUsedError)
        _unapproved(report, pool, onchain, notes[0], recipient)
        report.fact("withdrawals recorded", sum(pool.is_spent(n.nullifier) for n in notes))
    return report.figures


def _unapproved(report: Report, pool: VoucherPool, onchain: OnChain, flagged: VoucherNote, recipient: int) -> None:
    cs = onchain.circuit
    report.expect_refusal("a deposit left out of the association set (off chain)",
                          lambda: pool.assignment(cs, flagged, recipient=recipient), UnapprovedDepositError)
    # the flagged depositor builds an association set of its own that includes itself
    own = VoucherPool()
    own.deposit_many(pool.deposits.members())
    own.approve(flagged.commitment)
    forged = onchain.prove(own.assignment(cs, flagged, recipient=recipient))
    report.expect_refusal("the same deposit proven against an association set nobody posted (on chain)",
                          lambda: onchain.validate(forged), UnknownRootError)
    stranger = VoucherNote.generate()
    report.expect_refusal("a note that was never deposited (off chain)",
                          lambda: pool.assignment(cs, stranger, recipient=recipient), UnknownDepositError)
    fake = VoucherPool()
    fake.deposit(stranger.commitment)
    fake.approve(stranger.commitment)
    invented = onchain.prove(fake.assignment(cs, stranger, recipient=recipient))
    report.expect_refusal("a deposit proven against a deposit tree nobody posted (on chain)",
                          lambda: onchain.validate(invented), UnknownRootError)


if __name__ == "__main__":
    main(sys.argv[1:])
