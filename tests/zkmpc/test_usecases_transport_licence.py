"""The driver-licence use case (examples/transportation/driver_licence.py) end to end at a
small size on the embedded EVM: the presentation is validated on chain, and every refusal
the example claims happens, with the named error it claims."""

from __future__ import annotations

import datetime
import io
import types

import pytest

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


# the day the example runs on: its "18 today" driver is born on March 1 when the date
# 18 years back does not exist, so on a February 29 she is 17 and the example fails
# (about one run in 1,461 on the real clock); every other check is the same on any day
TODAY = datetime.date(2026, 12, 4)


class _Today(datetime.date):
    @classmethod
    def today(cls) -> _Today:
        return cls(TODAY.year, TODAY.month, TODAY.day)


def test_driver_licence(monkeypatch: pytest.MonkeyPatch) -> None:
    from examples.transportation import driver_licence

    monkeypatch.setattr(driver_licence, "datetime", types.SimpleNamespace(date=_Today, timedelta=datetime.timedelta))
    out = io.StringIO()
    figures = driver_licence.main(["--members", "64"], out=out)
    [proof] = figures["proofs"]
    assert proof["constraints"] == 16_480 and 200_000 < proof["gas"] < 400_000
    assert [e for _, e in figures["refused"]] == [
        "LicenceClassError", "UnderAgeError", "LicenceExpiredError", "LicenceSuspendedError", "LicenceSignatureError",
        "NullifierUsedError", "ScopeNotOpenError", "UnknownRootError", "InvalidProofError"]
    assert figures["facts"]["licences on the suspension list (a sparse Merkle tree in SQLite)"] == 65
    assert "refused: a driver who turns 18 tomorrow (UnderAgeError)" in out.getvalue()
    assert figures["facts"]["the verifier requires"] == "class C, age >= 18 on 20261204"  # the pinned day


def test_birthdays_move_to_the_first_of_march_in_common_years() -> None:
    from examples.transportation.driver_licence import years_before

    assert years_before(datetime.date(2026, 2, 28), 18) == datetime.date(2008, 2, 28)
    assert years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 3, 1)
    assert years_before(datetime.date(2026, 12, 4), -5) == datetime.date(2031, 12, 4)
