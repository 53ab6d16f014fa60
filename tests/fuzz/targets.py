"""One fuzz target per parser: its valid seeds, its structure-aware mutator, the call that
parses, the package whose errors it documents and the modules whose lines measure depth.

Every target takes bytes, so the same table drives the seeded CI tests
(tests/fuzz/test_fuzz_parsers.py) and the coverage-guided run (tools/fuzz_atheris.py).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Callable

from .harness import Target
from .mutators import mutate_sectioned
from .targets_program import load_and_run_program, mutate_program, program_seeds
from .targets_kernels import _call_twins, _mutate_kernel_call, kernel_seeds
from .targets_mpc import (_b64_bytes, _mutate_announcement, _parse_announcement, announcement_seeds, _commitments_canonical, _decode_frame, _frame_canonical, _load_commitments,
                          _load_paillier, _load_share, _mutate_frame, _paillier_canonical, _paillier_docs,
                          _share_canonical, commitments_seeds, frame_seeds, share_seeds)
from .targets_zkp import (_json_seeds, _load_pk, _mutate_pk, _own_proof, _own_public, _own_vk, _point_coords,
                          _proof_canonical, _proof_from_json, _public_canonical, _public_from_json, _read_ptau,
                          _read_r1cs, _read_wtns, _read_zkey, _text_mutator, _vk_canonical, _vk_from_json,
                          pk_seeds, ptau_seeds, r1cs_seeds, wtns_seeds, zkey_seeds)

__all__ = ["TARGETS", "commitments_seeds"]

ROOT = Path(__file__).resolve().parents[2]


def _files(*names: str) -> Callable[[], list[str]]:
    """Module files (relative to the repository) that measure a target's depth."""
    return lambda: [str(ROOT / n) for n in names]


# --------------------------------------------------------------------------- the table

def _mutate_binary(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    return mutate_sectioned(rng, seed, seeds)


TARGETS: dict[str, Target] = {t.name: t for t in [
    Target("r1cs", r1cs_seeds, _mutate_binary, _read_r1cs, "zkp", _files("zkp/formats/circom.py", "zkp/r1cs.py"), 500),
    Target("wtns", wtns_seeds, _mutate_binary, _read_wtns, "zkp", _files("zkp/formats/circom.py", "zkp/witness.py"), 500),
    Target("zkey", zkey_seeds, _mutate_binary, _read_zkey, "zkp",
           _files("zkp/formats/zkey.py", "zkp/formats/circom.py", "zkp/curve.py", "zkp/groth16/keys.py"), 250),
    Target("ptau", ptau_seeds, _mutate_binary, _read_ptau, "zkp",
           _files("zkp/formats/ptau.py", "zkp/formats/zkey.py", "zkp/formats/circom.py"), 100),
    Target("proving_key", pk_seeds, _mutate_pk, _load_pk, "zkp",
           _files("zkp/formats/binary.py", "zkp/formats/circom.py", "zkp/curve.py", "zkp/groth16/keys.py"), 150),
    Target("vk_json", _json_seeds("verification_key.json", extra=_own_vk), _text_mutator(_point_coords), _vk_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py", "zkp/curve.py", "zkp/groth16/keys.py"), 150,
           canonical=_vk_canonical),
    Target("proof_json", _json_seeds("proof.json", extra=_own_proof), _text_mutator(_point_coords), _proof_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py", "zkp/curve.py", "zkp/groth16/keys.py"), 200,
           canonical=_proof_canonical),
    Target("public_json", _json_seeds("public.json", extra=_own_public), _text_mutator(), _public_from_json, "zkp",
           _files("zkp/formats/snarkjs_json.py", "zkp/formats/_json.py"), 400, canonical=_public_canonical),
    Target("share", share_seeds, _text_mutator(_b64_bytes), _load_share, "mpc",
           _files("mpc/sharing/serial.py", "mpc/serial.py", "mpc/sharing/shamir.py", "mpc/field.py"), 400,
           canonical=_share_canonical),
    Target("commitments", commitments_seeds, _text_mutator(_b64_bytes), _load_commitments, "mpc",
           _files("mpc/sharing/serial.py", "mpc/serial.py", "mpc/sharing/vss.py", "zkp/curve.py"), 300,
           canonical=_commitments_canonical),
    *(Target(name, _paillier_docs(kind), _text_mutator(), _load_paillier(kind), "mpc",
             _files("mpc/paillier/serial.py", "mpc/serial.py", module), budget,
             canonical=_paillier_canonical(kind))
      for name, kind, module, budget in (
          ("paillier_public_key", "public", "mpc/paillier/keys.py", 150),
          ("paillier_private_key", "private", "mpc/paillier/keys.py", 150),
          ("paillier_ciphertext", "ciphertext", "mpc/paillier/ciphertext.py", 250),
          ("paillier_ciphertexts", "ciphertexts", "mpc/paillier/ciphertext.py", 200))),
    Target("announcements", announcement_seeds, _mutate_announcement, _parse_announcement, "mpc",
           _files("mpc/protocols/verified.py", "mpc/protocols/base.py"), 500, prefixed_calibration=False),
    Target("frames", frame_seeds, _mutate_frame, _decode_frame, "mpc",
           _files("mpc/net/frames.py", "mpc/net/network.py"), 600, canonical=_frame_canonical),
    Target("kernels", kernel_seeds, _mutate_kernel_call, _call_twins, "zkp",
           _files("zkp/_bn254_py.py", "zkp/_bn254_py_codec.py", "zkp/_bn254_py_ceremony.py"), 150),
    Target("witness_program", program_seeds, mutate_program, load_and_run_program, "zkp",
           _files("zkp/program.py", "zkp/_bn254_py_witness.py"), 300),
]}
