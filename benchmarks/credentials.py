"""Credentials: constraints per query type and prove time, beside published iden3 figures.

    python -m benchmarks.credentials [--levels 40] [--repeat 3] [--vs-snarkjs] [--gas] [--ops eq,ge,...]

For the circuit with the operator as a public input (one circuit for every query) and for
each operator compiled alone: constraints, public signals, and the time to solve and prove
(best of ``--repeat``), verify, peak RSS. With ``--vs-snarkjs``, snarkjs (pinned in
package-lock.json) proves the same R1CS and witness in the same run (a cached
powers-of-tau file is made once with snarkjs) and the ratio is printed. Published iden3
figures are printed beside ours with their sources (they are not measured here: their
circuits do more, see docs/credentials.md).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import warnings
from typing import Any, Callable

from benchmarks.groth16 import vs_snarkjs

NOW = 1_800_000_000
AGE_SCHEMA = "bench/age/v1"

#: (figure, value, source): published, not measured here
PUBLISHED = (
    ("iden3 credentialAtomicQuerySigV2, non-linear constraints", "57,184",
     "github.com/iden3/circuits pull 98 (2023-08-07, circom --r1cs)"),
    ("iden3 credentialAtomicQueryMTPV2, non-linear constraints", "40,372", "same pull request"),
    ("iden3 credentialAtomicQuerySigV2OnChain, non-linear constraints", "92,343",
     "github.com/iden3/circuits pull 77 (2023-01-26)"),
    ("iden3 query circuits' tree levels / value array", "40 / 64",
     "iden3/circuits circuits/offchain/credentialAtomicQuerySigV2.circom: (40, 32, 64)"),
    ("Privado ID proof from a credential, as a user reports it", "6-9 s",
     "github.com/PrivadoID/contracts issue 29 (2024-03-11; device not stated)"),
)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall-clock time of ``repeat`` runs and the last result."""
    out, times = None, []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def query_for(op: Any) -> Any:
    """A true query of ``op`` on slot 0 (= 34) or slot 1 (= 250)."""
    from zkmpc.credentials import Op, Query

    values = {Op.EQ: (34,), Op.NE: (35,), Op.LT: (35,), Op.LE: (34,), Op.GT: (18,), Op.GE: (18,),
              Op.IN: (250, 276, 380, 724, 826, 840, 56, 40, 528, 620), Op.NIN: (276, 380), Op.BETWEEN: (18, 65)}
    return Query(1 if op in (Op.IN, Op.NIN) else 0, op, values[op])


def world(rng: random.Random, revoked: int) -> tuple[Any, Any, Any, Any]:
    """A registry, an issuer with ``revoked`` revoked claims, a holder and its credential."""
    from zkmpc.credentials import Holder, Issuer, StateRegistry, schema_hash

    registry, issuer, holder = StateRegistry(), Issuer(rng=rng), Holder.generate(rng=rng)
    schema = schema_hash(AGE_SCHEMA)
    for i in range(revoked):
        issuer.revoke(issuer.issue(schema, 10**6 + i, slots=[i], expiration=NOW, rng=rng).claim.nonce, at=NOW - 10)
    cred = issuer.issue(schema, holder.commitment, slots=[34, 250], expiration=NOW + 86400, rng=rng)
    issuer.publish(registry, at=NOW - 5)
    return registry, issuer, holder, cred


def measure(params: Any, op: Any, ctx: tuple[Any, Any, Any, Any], repeat: int, snarkjs: bool,
            rng: random.Random, gas: bool = False) -> dict[str, Any]:
    """Compile, set up, solve, prove, verify one shape for one query; the figures."""
    from zkmpc.credentials import CredentialKeys, Verifier, schema_hash
    from zkp import groth16

    registry, issuer, holder, cred = ctx
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        keys = CredentialKeys.setup(params, rng=rng)
    t_setup = time.perf_counter() - t0
    verifier = Verifier(params, keys.verifying_key, registry)
    req = verifier.request(schema_hash(AGE_SCHEMA), query_for(op), disclose=[1], now=NOW, rng=rng)
    status = issuer.revocation_status(cred.claim.nonce)
    assignment = holder.assignment_unchecked(params, cred, status, req)
    t_solve, w = best(lambda: keys.circuit.solve(assignment), repeat)
    t_prove, proof = best(lambda: groth16.prove(keys.proving_key, w), repeat)
    t_all, pres = best(lambda: holder.prove(keys, cred, status, req), 1)
    t_verify, _ = best(lambda: verifier.check(pres, req), 1)
    row = {"constraints": keys.circuit.r1cs.num_constraints, "public": params.num_public, "setup": t_setup,
           "solve": t_solve, "prove": t_prove, "holder.prove": t_all, "verify": t_verify,
           "depth": status.proof.depth}
    if gas:  # the exported Solidity verifier on the embedded EVM
        from zkp.evm import OnchainVerifier

        chain = OnchainVerifier.deploy(keys.verifying_key, allow_development=True)
        assert chain.verify(pres.proof, list(pres.signals))
        row["gas"] = chain.gas(pres.proof, list(pres.signals))
    if snarkjs:
        vs_snarkjs(keys.circuit.r1cs, w, t_prove)
    return row


def query_gadget_counts() -> dict[str, int]:
    """Constraints of the query gadget alone (operator public, and each operator fixed)."""
    from circuits import Circuit, Field, Public, Secret, compile
    from zkmpc.credentials import MAX_VALUES, Op, query_holds

    def count(op: Any, n: int) -> int:
        ann = {"values": Public[Field, n], "x": Secret[Field]}
        if op is None:
            ann["op"] = Public[Field]

        def define(self: Any, api: Any) -> None:
            holds = query_holds(api, self.x, self.op if op is None else op, list(self.values))
            api.assert_true(holds)

        cls = type("Q", (Circuit,), {"__annotations__": ann, "define": define})
        return compile(cls).r1cs.num_constraints

    out = {"any (public operator)": count(None, MAX_VALUES)}
    out.update({o.name.lower(): count(o, o.arity[1]) for o in Op})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--levels", type=int, default=40, help="revocation tree levels (iden3: 40)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--revoked", type=int, default=1000, help="claims the issuer revoked before")
    ap.add_argument("--ops", default="eq,ne,lt,le,gt,ge,in,nin,between")
    ap.add_argument("--vs-snarkjs", action="store_true")
    ap.add_argument("--gas", action="store_true", help="verifyProof gas of the exported verifier (embedded EVM)")
    args = ap.parse_args(argv)
    from zkmpc.credentials import Op, Params
    from zkp import backend_info

    rng = random.Random(2026)
    ops = [Op.parse(o) for o in args.ops.split(",") if o]
    print(f"Credentials: issuer with {args.revoked:,} revoked claims, revocation tree of {args.levels} levels, "
          f"kernels: {backend_info()['backend']}, python {sys.version.split()[0]}")
    print("\nquery gadget alone (width 64):")
    for name, n in query_gadget_counts().items():
        print(f"  {name:<24} {n:>6} constraints")
    ctx = world(rng, args.revoked)
    print(f"\n{'circuit / query':<28} {'constraints':>11} {'public':>6} {'setup s':>8} {'solve s':>8} "
          f"{'prove s':>8} {'holder s':>9} {'verify s':>9}  peak RSS")
    rows: dict[str, dict[str, Any]] = {}
    for fixed in (False, True):
        for op in ops:
            params = Params(levels=args.levels, operator=op if fixed else None)
            label = f"{'fixed' if fixed else 'public-op'} {op.name.lower()}"
            first_row = not fixed and op is ops[0]
            r = measure(params, op, ctx, args.repeat, args.vs_snarkjs and first_row, rng, gas=first_row and args.gas)
            rows[label] = r
            print(f"{label:<28} {r['constraints']:>11,} {r['public']:>6} {r['setup']:>8.2f} {r['solve']:>8.3f} "
                  f"{r['prove']:>8.3f} {r['holder.prove']:>9.3f} {r['verify']:>9.3f}  {_rss_mb():.0f} MB", flush=True)
    first = rows[f"public-op {ops[0].name.lower()}"]
    if "gas" in first:
        print(f"\nverifyProof on the embedded EVM ({first['public']} public signals): {first['gas']:,} gas "
              "(transaction: 21,000 + calldata + execution)")
    print(f"\n(revocation proof depth {first['depth']}; holder s = checks + solve + prove; best of {args.repeat} "
          f"for solve and prove)")
    print("\npublished figures (not measured here; see docs/credentials.md for what differs):")
    for what, value, source in PUBLISHED:
        print(f"  {what:<62} {value:>8}   {source}")
    sig_v2 = 57184
    print(f"\nratio of constraints, ours (public operator, {args.levels} levels) / iden3 SigV2: "
          f"{first['constraints'] / sig_v2:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
