"""Secret sharing: Shamir (threshold), additive (n-of-n), Feldman/Pedersen VSS, robust
reconstruction and proactive resharing.

    >>> from mpc.sharing import split, combine
    >>> combine(split(5, n=3, threshold=2)[1:], threshold=2)
    5
"""

from .additive import AdditiveShare, additive_combine, additive_split
from .reshare import combine_reshares, reshare
from .robust import Recovery, berlekamp_welch, robust_combine
from .serial import dump_commitments, dump_share, load_commitments, load_share
from .shamir import MAX_SHARES, Share, combine, interpolate_at, split
from .vss import (PEDERSEN_H, Commitments, Dealing, check_dealing, combine_verified, feldman_deal, feldman_verify,
                  pedersen_deal, pedersen_verify)

__all__ = ["Share", "split", "combine", "MAX_SHARES", "interpolate_at", "Recovery", "robust_combine", "berlekamp_welch",
           "reshare", "combine_reshares", "AdditiveShare", "additive_split", "additive_combine", "Commitments",
           "Dealing", "PEDERSEN_H", "feldman_deal", "feldman_verify", "pedersen_deal", "pedersen_verify",
           "check_dealing", "combine_verified", "dump_share", "load_share", "dump_commitments", "load_commitments"]
