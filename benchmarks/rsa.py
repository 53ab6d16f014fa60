"""RSA PKCS#1 v1.5 SHA-256 verification in circuit: constraints, compile, solve (the witness
program in C), and with ``--prove`` Groth16 setup (development keys), prove and verify.

    python -m benchmarks.rsa [--bits 2048] [--e 65537] [--key input|constant] [--prove]

The key and the signature are made by ``cryptography``; peak memory is the process's max RSS
after each stage. There is no circom equivalent in node_modules to compare the solve with
(circomlib has no RSA); the best published constraint count is in benchmarks.gadgets.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from typing import Any

from benchmarks.groth16 import compile_solve_prove


def rsa_circuit(bits: int, e: int, key_input: bool) -> tuple[type, Any]:
    """The circuit (digest public, signature secret, the modulus a public input or a
    constant) and a satisfying assignment from a key ``cryptography`` makes."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from circuits import Bool, Circuit, Field, Public, Secret, UInt
    from circuits.gadgets import rsa_verify_pkcs1_sha256
    from circuits.native.bigint import limb_count
    from circuits.native.rsa import WIDTH, modulus_limbs, signature_limbs

    key = rsa.generate_private_key(public_exponent=e, key_size=bits)
    n = key.public_key().public_numbers().n
    k = limb_count(bits, WIDTH)
    msg = b"name=Test Holder;dob=1990-01-01;region=KA"
    sig = int.from_bytes(key.sign(msg, padding.PKCS1v15(), hashes.SHA256()), "big")
    digest = hashlib.sha256(msg).digest()
    dbits = [(digest[i // 8] >> (7 - i % 8)) & 1 for i in range(256)]
    if key_input:
        class KeyInput(Circuit):
            n: Public[Field, k]
            digest: Public[Bool, 256]
            sig: Secret[UInt[WIDTH], k]

            def define(self, api: Any) -> None:
                rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), list(self.n), e=e, bits=bits)

        return KeyInput, KeyInput(n=modulus_limbs(n), digest=dbits, sig=signature_limbs(sig, bits))

    class KeyConstant(Circuit):
        digest: Public[Bool, 256]
        sig: Secret[UInt[WIDTH], k]

        def define(self, api: Any) -> None:
            rsa_verify_pkcs1_sha256(api, list(self.digest), list(self.sig), n, e=e, bits=bits)

    return KeyConstant, KeyConstant(digest=dbits, sig=signature_limbs(sig, bits))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bits", type=int, default=2048)
    ap.add_argument("--e", type=int, default=65537)
    ap.add_argument("--key", choices=["input", "constant"], default="input")
    ap.add_argument("--prove", action="store_true")
    args = ap.parse_args(argv)
    from zkp import backend_info

    print(f"RSA-{args.bits} e={args.e} PKCS#1 v1.5 SHA-256, key {args.key}, kernels: "
          f"{backend_info()['backend']}, python {sys.version.split()[0]}")
    cls, assignment = rsa_circuit(args.bits, args.e, args.key == "input")
    return compile_solve_prove(cls, assignment, args.prove)


if __name__ == "__main__":
    raise SystemExit(main())
