"""The driver-licence use case (examples/transportation/driver_licence.py) end to end at a
small size on the embedded EVM: the presentation is validated on chain, and every refusal
the example claims happens, with the named error it claims."""

from __future__ import annotations

import datetime
import io
import types

import pytest

pytestmark = [pytest.mark.app_layer, pytest.mark.interop]


# the example reads the clock: it runs here on 29 February, the day whose date 18 years back
# does not exist (a birthday moved to 1 March made its "18 today" driver 17 on it, about one
# run in 1,461 on the real clock); the rule itself is checked on every day of 8 years below
TODAY = datetime.date(2028, 2, 29)


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
    assert "refused: a driver one day short of 18 (UnderAgeError)" in out.getvalue()
    assert figures["facts"]["the verifier requires"] == "class C, age >= 18 on 20280229"  # the pinned day


def test_the_latest_birth_date_of_age_is_of_age_and_the_next_day_is_not() -> None:
    """On every day from 2024 to 2031 (two 29 Februaries), for the ages the use cases ask:
    by the circuit's rule (born ``b`` is ``n`` on ``t`` iff ``b + 10000 n <= t``)."""
    from zkmpc.errors import LicenceFormatError
    from zkmpc.transport import date_code, latest_birth_date

    day = datetime.date(2024, 1, 1)
    while day.year < 2032:
        for age in (0, 1, 18, 21, 65):
            born = latest_birth_date(day, age)
            assert date_code(born) + 10000 * age <= date_code(day), (day, age, born)
            assert date_code(born + datetime.timedelta(days=1)) + 10000 * age > date_code(day), (day, age, born)
        day += datetime.timedelta(days=1)
    assert latest_birth_date(datetime.date(2028, 2, 29), 18) == datetime.date(2010, 2, 28)
    for bad in (-1, 151, True, 18.0):
        with pytest.raises(LicenceFormatError, match="age: expected an int from 0 to 150"):
            latest_birth_date(datetime.date(2028, 2, 29), bad)  # type: ignore[arg-type]
    with pytest.raises(LicenceFormatError, match="on: expected a datetime.date, found str"):
        latest_birth_date("2028-02-29", 18)  # type: ignore[arg-type]
