"""``from mpc import shamir``: the Shamir functions under a short name (see
:mod:`mpc.sharing.shamir`).

    >>> from mpc import shamir
    >>> shamir.combine(shamir.split(99, n=5, threshold=3)[2:], threshold=3)
    99
"""

from .sharing.robust import robust_combine
from .sharing.shamir import Share, combine, split

__all__ = ["Share", "split", "combine", "robust_combine"]
