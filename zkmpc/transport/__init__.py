"""Transportation use cases: driver-licence eligibility (:mod:`.authority`: licences, the
licensing authority and its suspension list; :mod:`.licence`: the circuit and the driver)."""

from .authority import (CLASSES, LICENCE_TAG, Authority, Licence, class_mask, class_names, date_code,
                        latest_birth_date, licence_message)
from .licence import (DEFAULT_LEVELS, REQUEST_TAG, Driver, LicenceRequest, check_licence, licence_circuit,
                      licence_class, licence_refusal)

__all__ = ["Authority", "Licence", "CLASSES", "LICENCE_TAG", "class_mask", "class_names", "date_code",
           "latest_birth_date", "licence_message", "Driver", "LicenceRequest", "check_licence",
           "licence_circuit", "licence_class", "licence_refusal", "REQUEST_TAG", "DEFAULT_LEVELS"]
