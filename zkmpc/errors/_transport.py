"""The errors of :mod:`zkmpc.transport`: driver-licence eligibility and road pricing."""

from __future__ import annotations

from ._base import ZkmpcError

__all__ = ["LicenceError", "LicenceFormatError", "LicenceSignatureError", "LicenceClassError", "UnderAgeError",
           "LicenceExpiredError", "LicenceSuspendedError", "RoadPricingError", "TripRecordError",
           "SpotCheckOpeningError", "SpotCheckMismatchError"]


# --- transport (zkmpc.transport: driver-licence eligibility)


class LicenceError(ZkmpcError, ValueError):
    """Base class of the driver-licence refusals."""


class LicenceFormatError(LicenceError):
    """A malformed licence, date, class set or request."""


class LicenceSignatureError(LicenceError):
    """The licensing authority's signature does not verify on the licence."""


class LicenceClassError(LicenceError):
    """The licence does not hold every class the request requires."""


class UnderAgeError(LicenceError):
    """The holder is younger than the request's minimum age on its date."""


class LicenceExpiredError(LicenceError):
    """The licence's expiry date is not after the request's date."""


class LicenceSuspendedError(LicenceError):
    """The licence number is in the authority's suspension list."""


# --- transport (road pricing)


class RoadPricingError(ZkmpcError, ValueError):
    """A road-pricing declaration that cannot be made or accepted (a wrong fee, another
    vehicle's secret, a tariff other than the published one)."""


class TripRecordError(RoadPricingError):
    """A malformed trip record, tariff or slot count: a zone or band out of range, a
    distance or price past its bits, a number of slots that is not a power of two."""


class SpotCheckOpeningError(RoadPricingError):
    """A spot check answered with an opening that is for another slot or does not reach
    the declared trip root."""


class SpotCheckMismatchError(RoadPricingError):
    """A committed segment that disagrees with what the roadside camera saw: the vehicle
    declared another zone or band than the one it drove in."""
