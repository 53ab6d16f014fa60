"""Paillier homomorphic encryption (g = n + 1, CRT decryption), interoperable with phe.

    >>> from mpc import paillier
    >>> pk, sk = paillier.keygen(bits=1024, insecure=True)  # >= 2048 bits outside tests
    >>> sk.decrypt(paillier.sum_(paillier.encrypt_many(pk, [3, 4, -5])))
    2
"""

from .batch import RandomnessPool, decrypt_many, dot, encrypt_many, sum_
from .ciphertext import Ciphertext
from .djn import DJNRandomness
from .encoded import aggregate, decrypt_encoded, encrypt_encoded
from .interop import from_phe, from_phe_keys, to_phe, to_phe_keys
from .serial import (dump_ciphertext, dump_ciphertexts, dump_private_key, dump_public_key, fingerprint,
                     load_ciphertext, load_ciphertexts, load_private_key, load_public_key)
from .threshold import (KeyShare, PartialDecryption, PartialDecryptionError, ThresholdPublicKey, combine,
                        partial_decrypt, threshold_keygen, verify_partial)
from .keys import DEFAULT_BITS, MIN_BITS, PrivateKey, PublicKey, keygen
from .rangeproof import RangeProof, RangeProofError, encrypt_in_range, verify_range

__all__ = ["ThresholdPublicKey", "KeyShare", "PartialDecryption", "PartialDecryptionError", "threshold_keygen",
           "partial_decrypt", "verify_partial", "combine", "DJNRandomness", "keygen", "PublicKey", "PrivateKey", "Ciphertext", "RandomnessPool", "encrypt_many", "decrypt_many",
           "sum_", "dot", "to_phe", "from_phe", "to_phe_keys", "from_phe_keys", "MIN_BITS", "DEFAULT_BITS",
           "encrypt_encoded", "aggregate", "decrypt_encoded", "fingerprint", "dump_public_key", "load_public_key",
           "dump_private_key", "load_private_key", "dump_ciphertext", "load_ciphertext", "dump_ciphertexts",
           "load_ciphertexts", "RangeProof", "RangeProofError", "encrypt_in_range", "verify_range"]
