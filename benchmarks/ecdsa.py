"""ECDSA verification in circuit (secp256k1 or P-256): constraints, compile, solve (the
witness program in C), and with ``--prove`` Groth16 setup (development keys), prove and verify.

    python -m benchmarks.ecdsa [--curve secp256k1|P-256] [--prove]

The key and the signature are made by ``cryptography`` (SHA-256 digest); peak memory is the
process's max RSS after each stage. circomlib has no ECDSA, so there is no ``snarkjs wtns
calculate`` to compare the solve with; the best published constraint counts are in
benchmarks.gadget_catalog (beside ours).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from typing import Any

from benchmarks.groth16 import compile_solve_prove


def ecdsa_circuit(curve: str) -> tuple[type, Any]:
    """The circuit (key and digest public, ``r`` and ``s`` secret) and a satisfying
    assignment from a key and signature ``cryptography`` makes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    from circuits import Circuit, Public, Secret, UInt
    from circuits.gadgets import ecdsa_verify
    from circuits.native import ecdsa as ne

    c, lib = {"secp256k1": (ne.SECP256K1, ec.SECP256K1()), "P-256": (ne.P256, ec.SECP256R1())}[curve]
    key = ec.generate_private_key(lib)
    msg = b"passport data groups"
    r, s = decode_dss_signature(key.sign(msg, ec.ECDSA(hashes.SHA256())))
    pub = key.public_key().public_numbers()
    z = ne.digest_int(c, hashlib.sha256(msg).digest())

    class Ecdsa(Circuit):
        qx: Public[UInt[32], 8]
        qy: Public[UInt[32], 8]
        z: Public[UInt[32], 8]
        r: Secret[UInt[32], 8]
        s: Secret[UInt[32], 8]

        def define(self, api: Any) -> None:
            ecdsa_verify(api, c, self.qx, self.qy, self.z, self.r, self.s)

    return Ecdsa, Ecdsa(qx=ne.limbs(pub.x), qy=ne.limbs(pub.y), z=ne.limbs(z), r=ne.limbs(r), s=ne.limbs(s))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--curve", choices=["secp256k1", "P-256"], default="secp256k1")
    ap.add_argument("--prove", action="store_true")
    args = ap.parse_args(argv)
    from zkp import backend_info

    print(f"ECDSA {args.curve} verify, SHA-256 digest, kernels: {backend_info()['backend']}, "
          f"python {sys.version.split()[0]}")
    cls, assignment = ecdsa_circuit(args.curve)
    return compile_solve_prove(cls, assignment, args.prove)


if __name__ == "__main__":
    raise SystemExit(main())
