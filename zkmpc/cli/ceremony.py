"""``zkmpc zkey ...`` and ``zkmpc ptau ...``: snarkjs's verbs where zkmpc has them.

    zkmpc zkey new CIRCUIT.r1cs POT.ptau CIRCUIT_0000.zkey   (= snarkjs groth16 setup)
    zkmpc zkey contribute OLD.zkey NEW.zkey [--name N] [-e ENTROPY]
    zkmpc zkey beacon OLD.zkey NEW.zkey BEACON_HEX NUM_ITERATIONS_EXP [--name N]
    zkmpc zkey verify CIRCUIT.r1cs POT.ptau CIRCUIT.zkey     (exit 0 and "ZKey Ok!")
    zkmpc zkey export verificationkey CIRCUIT.zkey VK.json
    zkmpc ptau new POWER OUT.ptau                            (= snarkjs powersoftau new bn128)
    zkmpc ptau contribute IN.ptau OUT.ptau [--name N] [-e ENTROPY]
    zkmpc ptau beacon IN.ptau OUT.ptau BEACON_HEX NUM_ITERATIONS_EXP [--name N]
    zkmpc ptau prepare IN.ptau OUT.ptau                      (= snarkjs powersoftau prepare phase2)
    zkmpc ptau verify POT.ptau                               (exit 0 and "Powers of Tau Ok!")
    zkmpc ptau info POT.ptau                                 (power, contributions, hash)

Long steps print their progress on stderr; every file written is followed by its BLAKE2b
hash, so it can be pinned.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

__all__ = ["add_zkey", "add_ptau"]


def cmd_zkey_new(args: argparse.Namespace) -> int:
    from zkp.ceremony import new_zkey
    from zkp.formats.circom import read_r1cs
    from zkp.formats.zkey import write_zkey

    t0 = time.perf_counter()
    with open(args.r1cs, "rb") as f:
        cs = read_r1cs(f.read())
    zk = new_zkey(cs, args.ptau)
    write_zkey(zk, args.zkey)
    print(f"circuit hash: {zk.mpc.cs_hash.hex()}")
    print(f"wrote {args.zkey}: {zk!r} in {time.perf_counter() - t0:.2f} s; it needs phase-2 "
          "contributions before use", file=sys.stderr)
    return 0


def _add_to_zkey(args: argparse.Namespace, step: Any) -> int:
    """Read ``args.old``, apply ``step`` (a contribution or a beacon), write ``args.new``."""
    from zkp.ceremony import contribution_hash
    from zkp.formats.zkey import read_zkey, write_zkey

    zk = step(read_zkey(args.old))
    write_zkey(zk, args.new)
    print(f"contribution hash: {contribution_hash(zk.mpc.contributions[-1]).hex()}")
    return 0


def cmd_zkey_contribute(args: argparse.Namespace) -> int:
    from zkp.ceremony import contribute

    return _add_to_zkey(args, lambda zk: contribute(zk, name=args.name, entropy=args.entropy))


def cmd_zkey_beacon(args: argparse.Namespace) -> int:
    from zkp.ceremony import beacon

    return _add_to_zkey(args, lambda zk: beacon(zk, args.beacon, args.exp, name=args.name))


def cmd_zkey_verify(args: argparse.Namespace) -> int:
    from zkp.ceremony import CeremonyError, new_zkey, verify_zkey
    from zkp.formats.circom import read_r1cs
    from zkp.formats.zkey import read_zkey

    with open(args.r1cs, "rb") as f:
        cs = read_r1cs(f.read())
    zk = read_zkey(args.zkey)
    try:
        report = verify_zkey(zk, new_zkey(cs, args.ptau))
    except CeremonyError as exc:
        print(f"INVALID: {exc}")
        return 1
    print(f"circuit hash: {zk.mpc.cs_hash.hex()}")
    for i, (name, digest) in enumerate(report, 1):
        print(f"contribution #{i} {name}: {digest.hex()}")
    print("ZKey Ok!")
    return 0


def cmd_zkey_export_vk(args: argparse.Namespace) -> int:
    from zkp.formats.snarkjs_json import vk_to_json
    from zkp.formats.zkey import read_zkey

    vk = read_zkey(args.zkey).verifying_key()
    with open(args.json, "w") as f:
        f.write(vk_to_json(vk))
    print(f"wrote {args.json}")
    if vk.development:
        print("warning: a DEVELOPMENT key (fewer than two contributions: a contributor alone can "
              "forge proofs), marked so in the file (\"zkmpc_development\": true); export-verifier "
              "refuses it without --allow-development-key; add contributions (zkmpc zkey contribute)",
              file=sys.stderr)
    return 0


def _progress(label: str) -> Any:
    from zkp.progress import terminal

    return terminal(label)


def _write_ptau(pt: Any, path: str) -> None:
    from zkp.formats.ptau import file_hash

    data = pt.to_bytes()
    with open(path, "wb") as f:
        f.write(data)
    print(file=sys.stderr)
    print(f"wrote {path}: {pt!r}")
    print(f"file hash (BLAKE2b-512): {file_hash(data)}")


def cmd_ptau_new(args: argparse.Namespace) -> int:
    from zkp.ceremony import ptau_new

    _write_ptau(ptau_new(args.power), args.out)
    return 0


def cmd_ptau_contribute(args: argparse.Namespace) -> int:
    from zkp.ceremony import ptau_contribute
    from zkp.formats.ptau import read_ptau

    pt = ptau_contribute(read_ptau(args.inp), name=args.name, entropy=args.entropy,
                         progress=_progress("contribute"))
    _write_ptau(pt, args.out)
    return 0


def cmd_ptau_beacon(args: argparse.Namespace) -> int:
    from zkp.ceremony import ptau_beacon
    from zkp.formats.ptau import read_ptau

    pt = ptau_beacon(read_ptau(args.inp), args.beacon, args.exp, name=args.name,
                     progress=_progress("beacon"))
    _write_ptau(pt, args.out)
    return 0


def cmd_ptau_prepare(args: argparse.Namespace) -> int:
    from zkp.ceremony import ptau_prepare
    from zkp.formats.ptau import read_ptau

    _write_ptau(ptau_prepare(read_ptau(args.inp), progress=_progress("prepare")), args.out)
    return 0


def cmd_ptau_verify(args: argparse.Namespace) -> int:
    from zkp.ceremony import CeremonyError, ptau_verify
    from zkp.formats.ptau import read_ptau

    pt = read_ptau(args.ptau)
    try:
        report = ptau_verify(pt, progress=_progress("verify"))
    except CeremonyError as exc:
        print(file=sys.stderr)
        print(f"INVALID: {exc}")
        return 1
    print(file=sys.stderr)
    for i, (name, digest) in enumerate(report, 1):
        print(f"contribution #{i} {name}: response hash {digest.hex()}")
    print(f"file hash (BLAKE2b-512): {pt.hash()}")
    print("Powers of Tau Ok!")
    return 0


def cmd_ptau_info(args: argparse.Namespace) -> int:
    from zkp.formats.ptau import read_ptau

    pt = read_ptau(args.ptau)
    print(f"power:          {pt.power} (ceremony {pt.ceremony_power})")
    print(f"prepared:       {pt.prepared}")
    for i, c in enumerate(pt.contributions):
        kind = "beacon" if c.beacon else "contribution"
        print(f"{kind} #{i + 1}: {c.name or '(no name)'}")
    print(f"file hash:      {pt.hash()}")
    return 0


def _step_parser(sub: Any, verb: str, help: str, src: str, dst: str, fn: Any, kind: str) -> None:
    """A contribution or a beacon (``verb``) from ``src`` to ``dst``, as snarkjs takes them
    (``kind``: the files' extension, .zkey or .ptau)."""
    p = sub.add_parser(verb, help=help)
    p.add_argument(src, help=f"the {kind} to add to")
    p.add_argument(dst, help=f"the {kind} to write")
    if verb == "beacon":
        p.add_argument("beacon", help="the beacon's value, hex")
        p.add_argument("exp", type=int, help="2^exp SHA-256 iterations (10..63)")
    p.add_argument("--name", "-n", default="", help="the contributor's name, recorded in the file")
    if verb == "contribute":
        p.add_argument("--entropy", "-e", default="", help="extra entropy (mixed with the CSPRNG's)")
    p.set_defaults(fn=fn)


def _add_r1cs_ptau_zkey(p: Any, zkey_help: str) -> None:
    p.add_argument("r1cs", help="the circuit's .r1cs")
    p.add_argument("ptau", help="a prepared .ptau (powers of tau, phase 2)")
    p.add_argument("zkey", help=zkey_help)


def add_zkey(sub: Any) -> None:
    """Register ``zkmpc zkey ...`` on the command line's subparsers."""
    z = sub.add_parser("zkey", help="snarkjs .zkey files: new, contribute, beacon, verify, export")
    zs = z.add_subparsers(dest="zkey_command", required=True)
    n = zs.add_parser("new", help="the initial key of a circuit from a prepared ptau")
    _add_r1cs_ptau_zkey(n, "the initial .zkey to write")
    n.set_defaults(fn=cmd_zkey_new)
    _step_parser(zs, "contribute", "add a phase-2 contribution", "old", "new", cmd_zkey_contribute, ".zkey")
    _step_parser(zs, "beacon", "apply a public random beacon", "old", "new", cmd_zkey_beacon, ".zkey")
    v = zs.add_parser("verify", help="check a key's whole transcript against the circuit and ptau")
    _add_r1cs_ptau_zkey(v, "the .zkey to check")
    v.set_defaults(fn=cmd_zkey_verify)
    e = zs.add_parser("export", help="export verificationkey ZKEY JSON")
    e.add_argument("what", choices=("verificationkey",), help="what to export: verificationkey")
    e.add_argument("zkey", help="the .zkey to read")
    e.add_argument("json", help="the verification key to write (snarkjs JSON)")
    e.set_defaults(fn=cmd_zkey_export_vk)


def add_ptau(sub: Any) -> None:
    """Register ``zkmpc ptau ...`` on the command line's subparsers."""
    p = sub.add_parser("ptau", help="powers of tau (snarkjs .ptau): new, contribute, beacon, "
                                    "prepare, verify, info")
    ps = p.add_subparsers(dest="ptau_command", required=True)
    n = ps.add_parser("new", help="a new file of 2^POWER powers")
    n.add_argument("power", type=int, help="log2 of the number of powers (the largest circuit's size)")
    n.add_argument("out", help="the .ptau to write")
    n.set_defaults(fn=cmd_ptau_new)
    _step_parser(ps, "contribute", "add a contribution", "inp", "out", cmd_ptau_contribute, ".ptau")
    _step_parser(ps, "beacon", "apply a public random beacon", "inp", "out", cmd_ptau_beacon, ".ptau")
    pr = ps.add_parser("prepare", help="add the Lagrange bases phase 2 needs")
    pr.add_argument("inp", help="the .ptau to prepare")
    pr.add_argument("out", help="the prepared .ptau to write")
    pr.set_defaults(fn=cmd_ptau_prepare)
    v = ps.add_parser("verify", help="check every contribution and the points")
    v.add_argument("ptau", help="the .ptau to check")
    v.set_defaults(fn=cmd_ptau_verify)
    i = ps.add_parser("info", help="power, contributions and the file's hash (to pin it)")
    i.add_argument("ptau", help="the .ptau to describe")
    i.set_defaults(fn=cmd_ptau_info)
