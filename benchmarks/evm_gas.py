"""Gas of the exported Groth16 verifier against snarkjs's, on one anvil node in one run.

    python -m benchmarks.evm_gas [--publics 1,2,8] [--batches 1,4,16]

For each number of public inputs: one verifying key, one proof with random (full-size)
inputs; zkmpc's verifier and snarkjs's (snarkjs's own template, rendered by its own ejs
for the same key) are compiled by the same solc and deployed on the same anvil; the gas
of a ``verifyProof`` transaction (receipt gasUsed) is printed beside the floor
21,000 + calldata + 181,000 (ecPairing, 4 pairs) + nPublic * 6,150 (ecMul + ecAdd).
Then ``verifyProofs`` gas per proof for batches of k proofs, and Python's ``verify_batch``
time against k ``verify`` calls.
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any

from zkp import groth16
from zkp.evm import OnchainVerifier, RpcChain, calldata, compile_solidity
from zkp.evm.anvil import Anvil
from zkp.field import R
from zkp.formats.snarkjs_json import vk_to_json
from zkp.r1cs import R1CSBuilder

ROOT = Path(__file__).resolve().parent.parent

_EJS = r"""
const fs = require('fs'), path = require('path');
const nm = process.argv[1];
const ejs = require(path.join(nm, 'ejs'));
const tmpl = fs.readFileSync(path.join(nm, 'snarkjs', 'templates', 'verifier_groth16.sol.ejs'), 'utf8');
const vk = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(ejs.render(tmpl, vk));
"""


def square_circuit(n_public: int) -> tuple[Any, Any, list[int], Any]:
    """x_i = y_i^2 for n public x_i: a key, a proof with random inputs, and the inputs."""
    b = R1CSBuilder(num_public=n_public)
    xs = [b.new_wire() for _ in range(n_public)]
    ys = [b.new_wire() for _ in range(n_public)]
    for x, y in zip(xs, ys):
        b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, vk = groth16.setup(b.build())
    roots = [secrets.randbelow(R - 2) + 2 for _ in range(n_public)]
    public = [r * r % R for r in roots]
    proof = groth16.prove(pk, [1, *public, *roots])
    return pk, vk, public, proof


def snarkjs_source(vk: Any) -> str:
    doc = json.loads(vk_to_json(vk))
    return subprocess.run(["node", "-e", _EJS, str(ROOT / "node_modules")], input=json.dumps(doc),
                          capture_output=True, text=True, check=True, timeout=120).stdout


def calldata_gas(data: bytes) -> int:
    return sum(4 if byte == 0 else 16 for byte in data)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--publics", default="1,2,8")
    ap.add_argument("--batches", default="1,4,16")
    args = ap.parse_args(argv)
    publics = [int(s) for s in args.publics.split(",")]
    batches = [int(s) for s in args.batches.split(",")]
    with Anvil() as node:
        chain = RpcChain(node.url)
        print(f"verifyProof gas on anvil ({node.exe.split('/')[-1]}), one transaction each")
        print(f"  {'nPublic':>7} {'zkmpc':>9} {'snarkjs':>9} {'floor':>9} {'zkmpc/floor':>12} {'zkmpc/snarkjs':>14}")
        for n in publics:
            _, vk, public, proof = square_circuit(n)
            ours = OnchainVerifier.deploy(vk, chain, allow_development=True)
            theirs_c = compile_solidity(snarkjs_source(vk), "Groth16Verifier")
            theirs = chain.deploy(theirs_c.bytecode)
            data = calldata(proof, public).to_bytes()
            assert ours.verify(proof, public) and chain.call(theirs, data).as_bool()
            g_ours, g_theirs = ours.gas(proof, public), chain.transaction_gas(theirs, data)
            floor = 21_000 + calldata_gas(data) + 181_000 + n * 6_150
            print(f"  {n:>7} {g_ours:>9,} {g_theirs:>9,} {floor:>9,} {g_ours / floor - 1:>+11.2%} "
                  f"{g_ours / g_theirs:>13.3f}x", flush=True)
        print("verifyProofs (batch) gas per proof, nPublic = 1")
        pk, vk, _, _ = square_circuit(1)
        ours = OnchainVerifier.deploy(vk, chain, allow_development=True)
        items = []
        for _ in range(max(batches)):
            root = secrets.randbelow(R - 2) + 2
            items.append(([root * root % R], groth16.prove(pk, [1, root * root % R, root])))
        for k in batches:
            batch = items[:k]
            assert ours.verify_batch(batch)
            gas = ours.batch_gas(batch)
            print(f"  k = {k:>3}: {gas:>10,} gas, {gas / k:>9,.0f} per proof", flush=True)
    print("Python verify_batch against k verify calls (C kernels when built)")
    for k in batches:
        batch = items[:k]
        t0 = time.perf_counter()
        assert groth16.verify_batch(vk, batch)
        t1 = time.perf_counter()
        assert all(groth16.verify(vk, pub, pr) for pub, pr in batch)
        t2 = time.perf_counter()
        print(f"  k = {k:>3}: batch {1e3 * (t1 - t0):7.2f} ms, one by one {1e3 * (t2 - t1):7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
