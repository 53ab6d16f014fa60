"""Driver-licence eligibility (zkmpc.transport): dates and class masks, the authority's
key and suspension list persist, the native checks equal the circuit at every boundary
(classes, the 18th birthday, 29 February, expiry, suspension) with the same named errors,
and the malicious-witness harness finds no added class, younger driver, softer request or
suspended licence, beside true claims it does complete."""

from __future__ import annotations

import dataclasses
import datetime
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from circuits import CompiledCircuit, UnsatisfiedConstraintError
from circuits.native import SparseMerkleTree
from circuits.testing import input_wires, scope_wires
from zkmpc.credentials import RevocationStatus
from zkmpc.errors import (LicenceClassError, LicenceExpiredError, LicenceFormatError, LicenceSignatureError,
                          LicenceSuspendedError, UnderAgeError)
from zkmpc.transport import (Authority, Driver, Licence, LicenceRequest, check_licence, class_mask, class_names,
                             date_code, licence_circuit, licence_refusal)

from .._helpers import ForgeryCase

pytestmark = pytest.mark.app_layer

#: bugs planted in scratch edits to see these tests fail (each alone, then restored)
PLANTED_BUGS: tuple[tuple[str, str, str], ...] = (
    ("zkmpc/transport/licence.py", "the required-class constraint removed", "test_the_native_checks_equal_the_circuit"),
    ("zkmpc/transport/licence.py", "age scaled by 1000 instead of 10000", "test_the_native_checks_equal_the_circuit"),
    ("zkmpc/transport/licence.py", "the suspension non-membership removed",
     "test_a_suspended_licence_cannot_be_presented_against_the_new_state"),
    ("zkmpc/transport/licence.py", "check_licence's expiry inclusive", "test_the_native_checks_equal_the_circuit"),
)

LEVELS = 8
TODAY = 20260301
NUMBER = 4711


@lru_cache(maxsize=None)
def circuit() -> CompiledCircuit:
    return licence_circuit(LEVELS)


class Case(ForgeryCase):
    """A class B + C licence of a driver born 2008-03-01 (18 on TODAY), proven against the
    state with 3 others suspended; then another one (and with ``suspend_first`` this one)."""

    def __init__(self, suspend_first: bool = False) -> None:
        rng = random.Random(31)
        self.cs = circuit()
        self.authority, self.driver = Authority(rng=rng), Driver.generate(rng=rng)
        self.licence = self.issue()
        self.request = LicenceRequest(session=77, required=class_mask("C"), today=TODAY)
        self.authority.suspend_many([12, 99, 5000])
        self.old_state = self.authority.state
        self.status = self.authority.status(NUMBER)  # before any suspension of NUMBER
        self.authority.suspend(31337)  # the state moves on either way
        if suspend_first:
            self.authority.suspend(NUMBER)
        self.attack(self.cs, self.cs.solve(self.driver.assignment(self.cs, self.licence, self.status, self.request)))

    def issue(self, **changes: int) -> Licence:
        values = dict(subject=self.driver.commitment, number=NUMBER, classes=class_mask("B", "C"),
                      birth_date=20080301, expiry=20300101)
        values.update(changes)
        return self.authority.issue(**values)

    def request_claim(self, request: LicenceRequest) -> dict[int, int]:
        return {self.w("required"): request.required, self.w("min_age"): request.min_age,
                self.w("today"): request.today, self.w("scope"): request.scope}


@pytest.fixture(scope="module")
def case() -> Case:
    return Case()


def test_dates_and_classes() -> None:
    assert date_code(datetime.date(2008, 2, 29)) == 20080229
    assert class_names(class_mask("AM", "DE")) == ["AM", "DE"]
    for bad in ("X", "b"):
        with pytest.raises(LicenceFormatError):
            class_mask(bad)
    a = Authority(rng=random.Random(1))
    for kw in ({"birth_date": 20080230}, {"expiry": 2030}, {"number": 2**64}, {"classes": 256}, {"subject": -1}):
        values: dict[str, Any] = dict(subject=1, number=1, classes=4, birth_date=20000101, expiry=20300101)
        values.update(kw)
        with pytest.raises(LicenceFormatError):
            a.issue(**values)
    for kw2 in ({"required": 256}, {"today": 20261301}, {"min_age": 256}, {"session": -1}):
        args: dict[str, Any] = dict(session=1, required=4, today=TODAY)
        args.update(kw2)
        with pytest.raises(LicenceFormatError):
            LicenceRequest(**args)
    with pytest.raises(LicenceFormatError):
        licence_circuit(1)


def test_the_authority_persists(tmp_path: Path) -> None:
    path = tmp_path / "authority.db"
    a = Authority(path, rng=random.Random(5))
    a.suspend_many([3, 7])
    b = Authority(path)
    assert (b.public_key, b.state) == (a.public_key, a.state)
    assert b.status(7).revoked and not b.status(8).revoked
    with pytest.raises(LicenceFormatError):
        b.suspend_many([9, 7])  # 7 again: nothing of the batch is kept
    assert b.state == a.state and not b.status(9).revoked  # in memory too: the tree is read back
    assert not Authority(path).status(9).revoked
    assert (path.stat().st_mode & 0o777) == 0o600


#: (licence changes, request changes, suspended?, the expected refusal or None)
BOUNDARIES: list[tuple[dict[str, int], dict[str, int], bool, type[Exception] | None]] = [
    ({}, {}, False, None),
    ({}, {"required": class_mask("B", "C")}, False, None),
    ({}, {"required": 0}, False, None),
    ({}, {"required": class_mask("D")}, False, LicenceClassError),
    ({}, {"required": class_mask("C", "CE")}, False, LicenceClassError),
    ({"classes": 0}, {"required": class_mask("C")}, False, LicenceClassError),
    ({"birth_date": 20080302}, {}, False, UnderAgeError),  # 18 tomorrow
    ({}, {"today": 20260228}, False, UnderAgeError),
    ({}, {"min_age": 19}, False, UnderAgeError),
    ({"birth_date": 20080229}, {"today": 20260228}, False, UnderAgeError),  # born on 29 February
    ({"birth_date": 20080229}, {"today": 20260301}, False, None),
    ({"expiry": TODAY + 1}, {}, False, None),
    ({"expiry": TODAY}, {}, False, LicenceExpiredError),
    ({}, {}, True, LicenceSuspendedError),
]


@pytest.mark.parametrize("lic_changes, req_changes, suspended, expected", BOUNDARIES)
def test_the_native_checks_equal_the_circuit(lic_changes: dict[str, int], req_changes: dict[str, int], suspended: bool,
                                            expected: type[Exception] | None) -> None:
    c = _fresh()
    lic = c.issue(**lic_changes)
    request = dataclasses.replace(c.request, **req_changes)
    if suspended:
        c.authority.suspend(NUMBER)
    status = c.authority.status(NUMBER)
    unchecked = c.driver.assignment_unchecked(c.cs, lic, status, request)
    if expected is None:
        w = c.cs.solve(c.driver.assignment(c.cs, lic, status, request))
        assert w.public == request.signals(c.authority.state, c.driver.nullifier(request.session))
        return
    with pytest.raises(expected):
        check_licence(lic, status, request)
    with pytest.raises(UnsatisfiedConstraintError) as info:  # a driver that skips the checks
        c.cs.solve(unchecked)
    assert type(licence_refusal(info.value)) is expected


def _fresh() -> Case:
    c = Case.__new__(Case)
    rng = random.Random(31)
    c.cs = circuit()
    c.authority, c.driver = Authority(rng=rng), Driver.generate(rng=rng)
    c.request = LicenceRequest(session=77, required=class_mask("C"), today=TODAY)
    c.authority.suspend_many([12, 99, 5000])
    return c


def test_a_forged_licence_is_refused(case: Case) -> None:
    upgraded = dataclasses.replace(case.licence, classes=0xFF)
    with pytest.raises(LicenceSignatureError):
        case.driver.assignment(case.cs, upgraded, case.status, case.request)
    with pytest.raises(UnsatisfiedConstraintError) as info:
        case.cs.solve(case.driver.assignment_unchecked(case.cs, upgraded, case.status, case.request))
    assert type(licence_refusal(info.value)) is LicenceSignatureError
    with pytest.raises(LicenceFormatError):  # another licence's status
        case.driver.assignment(case.cs, case.licence, case.authority.status(12), case.request)
    with pytest.raises(LicenceFormatError):  # not this driver's
        Driver(5).assignment(case.cs, case.licence, case.status, case.request)


def test_no_added_class_younger_driver_or_softer_request(case: Case) -> None:
    assert case.forge({case.w("classes"): 0xFF}) is None
    assert case.forge({case.w("classes"): 0xFF}, movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("birth_date"): 20080228}, movable=("sig_r8", "sig_s")) is None
    assert case.forge({case.w("required"): class_mask("B")}) is None  # the scope no longer matches
    # requirements and scope moved together: true claims complete, false ones do not
    r = case.request
    assert case.forge(case.request_claim(dataclasses.replace(r, required=class_mask("B", "C")))) is not None
    assert case.forge(case.request_claim(dataclasses.replace(r, required=class_mask("D")))) is None
    assert case.forge(case.request_claim(dataclasses.replace(r, required=class_mask("C", "CE")))) is None
    assert case.forge(case.request_claim(dataclasses.replace(r, min_age=17))) is not None
    assert case.forge(case.request_claim(dataclasses.replace(r, min_age=19))) is None
    assert case.forge(case.request_claim(dataclasses.replace(r, today=20260228))) is None
    assert case.forge(case.request_claim(dataclasses.replace(r, today=20300101))) is None  # expired then
    assert case.forge({case.w("nullifier"): case.witness.public[-1] + 1}) is None
    assert case.forge({case.w("session"): 78}) is None
    classes = scope_wires(case.cs, "classes")
    assert len(classes) >= 8  # the bits of both masks (the compiler substitutes some)
    assert not case.search.non_boolean(classes)
    assert not case.search.sweep(classes)


def _smt_claim(case: Case, proof: Any) -> dict[int, int]:
    p = proof.circuit_inputs(LEVELS)
    claim = {case.w("suspension_root"): p["root"], case.w("old_key"): p["old_key"],
             case.w("old_value"): p["old_value"], case.w("is_old0"): p["is_old0"]}
    claim.update(dict(zip(input_wires(case.cs, "siblings"), p["siblings"])))
    return claim


def test_a_suspended_licence_cannot_be_presented_against_the_new_state() -> None:
    ok, suspended = Case(), Case(suspend_first=True)
    assert ok.witness.public[0] == ok.old_state == suspended.old_state
    new = {ok.w("authority_state"): ok.authority.state}
    assert ok.forge({**new, **_smt_claim(ok, ok.authority.status(NUMBER).proof)}) is not None  # not suspended
    new = {suspended.w("authority_state"): suspended.authority.state}
    assert suspended.forge(new) is None  # the new state with the old root's proof
    status = suspended.authority.status(NUMBER)
    assert status.revoked
    assert suspended.forge({**new, **_smt_claim(suspended, status.proof)}) is None  # its membership path
    assert suspended.forge({**new, suspended.w("suspension_root"): suspended.authority.suspension_root},
                           movable=("siblings", "old_key", "old_value", "is_old0")) is None
    claim = {**new, **_smt_claim(suspended, status.proof), suspended.w("is_old0"): 0,
             suspended.w("old_key"): NUMBER, suspended.w("old_value"): 1}
    assert suspended.forge(claim) is None  # "excluded" by its own leaf
    empty = RevocationStatus(suspended.licence.authority_key, 0, SparseMerkleTree().prove(NUMBER))
    assert empty.state != suspended.authority.state  # the state of an empty list is another root
