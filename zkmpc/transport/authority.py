"""Driver licences and the licensing authority that signs and suspends them.

A :class:`Licence` is signed by the authority's EdDSA-Poseidon key over

``message = Poseidon(LICENCE_TAG, number, classes, birth_date, expiry, subject)``

- ``number``: the licence number (64 bits); ``classes``: the categories held, a bit mask
  over :data:`CLASSES` (bit 2 = B, bit 4 = C ...); ``birth_date`` and ``expiry``: dates as
  ``YYYYMMDD`` integers (:func:`date_code`); ``subject``: the driver's commitment
  ``Poseidon(secret)``.

The suspension list is a sparse Merkle tree of suspended licence numbers (the revocation
tree of :mod:`zkmpc.credentials.revocation`, its nodes in the authority's SQLite file); the
authority posts its state ``Poseidon(key.x, key.y, suspension_root)`` on chain.

    >>> import random, datetime
    >>> authority = Authority(rng=random.Random(2))
    >>> lic = authority.issue(subject=99, number=4711, classes=class_mask("B", "C"),
    ...                       birth_date=date_code(datetime.date(2001, 5, 17)), expiry=20310517)
    >>> lic.signature_valid(), sorted(class_names(lic.classes))
    (True, ['B', 'C'])
    >>> authority.status(4711).revoked
    False
    >>> _ = authority.suspend(4711)
    >>> authority.status(4711).revoked, authority.status(4711).state == authority.state
    (True, True)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Iterable

from circuits.native import poseidon
from circuits.native.eddsa import Signature, verify
from zkp.field import R

from ..credentials import RevocationStatus
from ..credentials.signer import SigningStore
from ..errors import LicenceFormatError, UnknownClaimError

__all__ = ["Licence", "Authority", "CLASSES", "LICENCE_TAG", "NUMBER_BITS", "DATE_BITS", "class_mask",
           "class_names", "date_code", "licence_message"]

#: the licence categories, by bit of the class mask
CLASSES = ("AM", "A", "B", "BE", "C", "CE", "D", "DE")
#: domain tag of licence messages
LICENCE_TAG = int.from_bytes(b"zkmpc/transport/licence/v1", "big")
NUMBER_BITS = 64
#: dates are YYYYMMDD integers, below 2^32
DATE_BITS = 32

Point = tuple[int, int]


def class_mask(*names: str) -> int:
    """The bit mask of the named categories (:data:`CLASSES`).

    >>> class_mask("B"), class_mask("B", "C")
    (4, 20)
    """
    mask = 0
    for name in names:
        if name not in CLASSES:
            raise LicenceFormatError(f"licence class: expected one of {', '.join(CLASSES)}, found {name!r:.20}")
        mask |= 1 << CLASSES.index(name)
    return mask


def class_names(mask: int) -> list[str]:
    """The categories of a mask."""
    return [name for i, name in enumerate(CLASSES) if _uint(mask, len(CLASSES), "classes") >> i & 1]


def date_code(day: datetime.date) -> int:
    """``YYYYMMDD`` as an int: date order is integer order, and someone born on ``b`` is
    ``n`` years old on ``t`` iff ``b + 10000 n <= t`` (born on 29 February: of age on
    1 March in a common year).

    >>> date_code(datetime.date(2008, 2, 29)) + 180000 <= date_code(datetime.date(2026, 3, 1))
    True
    """
    if not isinstance(day, datetime.date):
        raise LicenceFormatError(f"date: expected a datetime.date, found {type(day).__name__}")
    return day.year * 10000 + day.month * 100 + day.day


def latest_birth_date(on: datetime.date, age: int) -> datetime.date:
    """The latest birth date of someone ``age`` years old on ``on``, by :func:`date_code`'s
    rule: the same day ``age`` years earlier, or 28 February when that day would be a
    29 February the earlier year did not have (one day later is not yet of age).

    >>> latest_birth_date(datetime.date(2026, 12, 4), 18)
    datetime.date(2008, 12, 4)
    >>> latest_birth_date(datetime.date(2028, 2, 29), 18)  # 2010 had no 29 February
    datetime.date(2010, 2, 28)
    >>> born = latest_birth_date(datetime.date(2028, 2, 29), 18)
    >>> date_code(born) + 180000 <= date_code(datetime.date(2028, 2, 29)) < date_code(born + datetime.timedelta(days=1)) + 180000
    True

    Raises:
        LicenceFormatError: ``on`` is not a date, or ``age`` is not an int from 0 to 150.
    """
    if not isinstance(on, datetime.date):
        raise LicenceFormatError(f"on: expected a datetime.date, found {type(on).__name__}")
    if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150 or on.year - age < 1:
        raise LicenceFormatError(f"age: expected an int from 0 to 150 years before {on}, found {age!r:.40}")
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February, in a common year
        return datetime.date(on.year - age, 2, 28)


def check_date(code: object, what: str) -> int:
    """``code`` if it is a valid ``YYYYMMDD`` date, else :class:`LicenceFormatError`."""
    if isinstance(code, bool) or not isinstance(code, int) or not 10000101 <= code <= 99991231:
        raise LicenceFormatError(f"{what}: expected a YYYYMMDD date, found {code!r:.40}")
    try:
        datetime.date(code // 10000, code // 100 % 100, code % 100)
    except ValueError:
        raise LicenceFormatError(f"{what}: expected a YYYYMMDD date, found {code} (no such day)") from None
    return code


def _uint(v: object, bits: int, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 1 << bits:
        raise LicenceFormatError(f"{what}: expected an int in [0, 2**{bits}), found {v!r:.80}")
    return v


def _field(v: object, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < R:
        raise LicenceFormatError(f"{what}: expected a field element (an int in [0, r)), found {v!r:.80}")
    return v


def licence_message(number: int, classes: int, birth_date: int, expiry: int, subject: int) -> int:
    """``Poseidon(LICENCE_TAG, number, classes, birth_date, expiry, subject)`` (checked)."""
    return poseidon([LICENCE_TAG, _uint(number, NUMBER_BITS, "licence number"),
                     _uint(classes, len(CLASSES), "classes"), check_date(birth_date, "birth date"),
                     check_date(expiry, "expiry"), _field(subject, "subject")])


@dataclass(frozen=True)
class Licence:
    """A signed driver licence (see the module docstring)."""

    number: int
    classes: int
    birth_date: int
    expiry: int
    subject: int
    authority_key: Point
    signature: Signature

    def message(self) -> int:
        return licence_message(self.number, self.classes, self.birth_date, self.expiry, self.subject)

    def signature_valid(self) -> bool:
        return verify(self.authority_key, self.message(), self.signature)


class Authority(SigningStore):
    """The licensing authority: its key and suspension list in the SQLite file ``path``
    (created with a fresh key from ``rng`` when new, reopened otherwise); its
    :attr:`state` ``Poseidon(key.x, key.y, suspension_root)`` is what it posts on chain.

    Security: the file holds the private key in the clear (created with mode 0600)."""

    KEY_TABLE = "authority"
    FORMAT_ERROR = LicenceFormatError

    def __repr__(self) -> str:
        return f"Authority(state={self.state:#x})"

    @property
    def suspension_root(self) -> int:
        return self._tree.root

    def issue(self, *, subject: int, number: int, classes: int, birth_date: int, expiry: int) -> Licence:
        """Sign a licence (every field checked)."""
        sig = self._key.sign(licence_message(number, classes, birth_date, expiry, subject))
        return Licence(number, classes, birth_date, expiry, subject, self.public_key, sig)

    def suspend(self, number: int) -> int:
        """Add a licence number to the suspension list; returns the new root."""
        return self.suspend_many([number])

    def suspend_many(self, numbers: Iterable[int]) -> int:
        """Suspend several licences in one transaction (all or none); returns the root."""
        try:
            with self._transaction():
                for n in numbers:
                    self._tree.insert(_uint(n, NUMBER_BITS, "licence number"))
        except UnknownClaimError as exc:
            raise LicenceFormatError(f"suspend: {exc}") from None
        return self._tree.root

    def status(self, number: int) -> RevocationStatus:
        """The suspension list's root and a (non-)membership proof of ``number``."""
        return self._status(_uint(number, NUMBER_BITS, "licence number"))
