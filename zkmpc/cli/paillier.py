"""``zkmpc paillier``: private aggregation for analysts who do not write Python.

```text
zkmpc paillier keygen PUBLIC_KEY PRIVATE_KEY [--bits 3072]
zkmpc paillier encrypt PUBLIC_KEY DATA.csv COLUMN REPORT [--holder NAME] [--decimals 2]
                       [--bound 1000000000] [--bins E1,E2,...]
zkmpc paillier aggregate PUBLIC_KEY REPORT [REPORT ...] --out AGGREGATE
zkmpc paillier decrypt PRIVATE_KEY AGGREGATE [--min-reports 3]
```

The key holder makes the keys and hands out the public one. Each data holder encrypts one
column of a CSV file into a report: its count, sum, sum of squares and histogram, each a
Paillier ciphertext (:func:`mpc.stats.make_report`; decimals in exact fixed point,
:class:`mpc.encoding.FixedPoint`, never rounded). Anyone adds the reports up without a
key; the key holder decrypts only the aggregate, and only of ``--min-reports`` holders or
more, printing the count, total, mean, variance, standard deviation and histogram.

Every error names the file, and for a CSV value its line (``data.csv:7: column 'salary':
...``).

Security: the key holder learns the aggregate of the holders the aggregate file lists; an
aggregator who is not trusted could list holders whose reports it left out, so the key
holder who needs the list to be right aggregates the reports itself. The private key file
holds the factors in the clear (written with mode 0600, never over an existing file).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
from decimal import Decimal
from typing import Any, Iterator

from .common import read_file

__all__ = ["add_paillier"]

#: the largest CSV file ``encrypt`` reads
MAX_CSV = 1 << 30
_REPORT, _AGGREGATE = "zkmpc-paillier-report", "zkmpc-paillier-aggregate"


def _fail(path: str, exc: Exception) -> Exception:
    from ..errors import PaillierFileError

    return PaillierFileError(f"{path}: {exc}")


def _load_public_key(path: str) -> Any:
    from mpc.errors import MPCError
    from mpc.paillier import load_public_key

    try:
        return load_public_key(read_file(path, limit=1 << 20))
    except MPCError as exc:
        raise _fail(path, exc) from None


def cmd_keygen(args: argparse.Namespace) -> int:
    from mpc import paillier

    pk, sk = paillier.keygen(bits=args.bits)
    from ..errors import PaillierFileError

    try:
        fd = os.open(args.private_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never over a key
    except FileExistsError:
        raise PaillierFileError(f"{args.private_key}: exists already (keygen never overwrites a private "
                                "key: move it away or name another file)") from None
    with os.fdopen(fd, "w") as f:
        f.write(paillier.dump_private_key(sk))
    with open(args.public_key, "w") as f:
        f.write(paillier.dump_public_key(pk))
    print(f"wrote {args.public_key} (hand it to the data holders) and {args.private_key} "
          f"(keep it: it decrypts), {args.bits}-bit modulus")
    return 0


def _spec(decimals: int, bound: str, bins: list[str]) -> Any:
    """The statistics spec of these options (the key holder's minimum is checked apart)."""
    from mpc.encoding import FixedPoint
    from mpc.errors import EncodingError
    from mpc.stats import StatsSpec

    def number(what: str, v: str) -> Decimal:
        if not re.fullmatch(r"-?[0-9]{1,60}(\.[0-9]{1,60})?", v):
            raise EncodingError(f"{what}: expected plain decimal numbers like 50000 or -12.5, found {v[:40]!r}")
        return Decimal(v)

    encoding = FixedPoint(decimals, number("bound", bound))
    return StatsSpec(encoding, min_reports=1, bins=tuple(number("bins", b) for b in bins))


def _column(path: str, column: str, skip_empty: bool) -> Iterator[tuple[int, str]]:
    """``(line, cell)`` of ``column`` in the CSV file at ``path`` (the header is line 1;
    blank lines are skipped, an empty cell is given as ``""`` unless ``skip_empty``)."""
    from ..errors import PaillierFileError

    if os.path.getsize(path) > MAX_CSV:
        raise PaillierFileError(f"{path}: over the {MAX_CSV}-byte limit")
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None or column not in [h.strip() for h in header]:
            raise PaillierFileError(f"{path}:1: expected a header with a column {column!r}, found "
                                    f"{[h.strip() for h in header or []]}")
        at = [h.strip() for h in header].index(column)
        for row in reader:
            if not row:
                continue  # a blank line is no record
            cell = row[at].strip() if at < len(row) else ""
            if cell or not skip_empty:
                yield reader.line_num, cell


def _encoded_column(args: argparse.Namespace, spec: Any) -> list[str]:
    """The column's values, each checked against the encoding (errors name file and line)."""
    from mpc.errors import MPCError

    from ..errors import PaillierFileError

    values = []
    for line, cell in _column(args.data, args.column, args.skip_empty):
        try:
            if not cell:
                raise PaillierFileError("an empty cell (--skip-empty leaves such rows out)")
            spec.encoding.encode(cell)
        except (MPCError, PaillierFileError) as exc:
            raise PaillierFileError(f"{args.data}:{line}: column {args.column!r}: {exc}") from None
        values.append(cell)
    if not values:
        raise PaillierFileError(f"{args.data}: no values in column {args.column!r}")
    return values


def cmd_encrypt(args: argparse.Namespace) -> int:
    from mpc.serial import VERSION, dumps
    from mpc.stats import make_report

    pk = _load_public_key(args.public_key)
    bins = [b.strip() for b in args.bins.split(",")] if args.bins else []
    spec = _spec(args.decimals, args.bound, bins)
    values = _encoded_column(args, spec)
    holder = args.holder or os.path.splitext(os.path.basename(args.data))[0]
    report = make_report(pk, holder, values, spec)
    doc = {"type": _REPORT, "version": VERSION, "decimals": args.decimals, "bound": str(spec.encoding.bound),
           "bins": [str(b) for b in spec.bins], "report": report.to_json()}
    with open(args.report, "w") as f:
        f.write(dumps(doc))
    print(f"wrote {args.report}: {len(values)} values of {args.data} column {args.column!r}, encrypted "
          f"as holder {holder!r}")
    return 0


def _spec_of(doc: dict[str, Any]) -> Any:
    from mpc.errors import MalformedDataError

    decimals, bound, bins = doc["decimals"], doc["bound"], doc["bins"]
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not isinstance(bound, str) \
            or not isinstance(bins, list) or not all(isinstance(b, str) for b in bins) or len(bins) > 1000:
        raise MalformedDataError("expected decimals (an int), bound (a string) and bins (strings)")
    return _spec(decimals, bound, bins)


def _read_doc(path: str, type_: str, fields: set[str]) -> dict[str, Any]:
    from mpc.errors import MPCError
    from mpc.serial import loads

    try:
        doc = loads(read_file(path, limit=64 << 20), type_, fields | {"decimals", "bound", "bins"},
                    max_size=64 << 20)
        doc["spec"] = _spec_of(doc)
    except MPCError as exc:
        raise _fail(path, exc) from None
    return doc


def cmd_aggregate(args: argparse.Namespace) -> int:
    from mpc.errors import MPCError
    from mpc.paillier import sum_
    from mpc.serial import VERSION, dumps
    from mpc.stats import Report

    from ..errors import PaillierFileError

    pk = _load_public_key(args.public_key)
    reports: list[Any] = []
    first: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for path in args.reports:
        doc = _read_doc(path, _REPORT, {"report"})
        first = first or doc
        if doc["spec"] != first["spec"]:
            raise PaillierFileError(f"{path}: encoded with {_describe(doc)}, but {args.reports[0]} with "
                                    f"{_describe(first)}: every holder must use the same options")
        try:
            report = Report.from_json(doc["report"], pk, doc["spec"])
        except MPCError as exc:
            raise _fail(path, exc) from None
        if report.holder in seen:
            raise PaillierFileError(f"{path}: a second report from {report.holder!r} (first in {seen[report.holder]})")
        seen[report.holder] = path
        reports.append(report)
    bins = tuple(sum_([r.bins[i] for r in reports]) for i in range(len(first["spec"].bins) + 1))
    total = Report(f"aggregate of {len(reports)}", sum_([r.count for r in reports]), sum_([r.total for r in reports]),
                   sum_([r.squares for r in reports]), bins)
    doc = {"type": _AGGREGATE, "version": VERSION, "decimals": first["decimals"], "bound": first["bound"],
           "bins": first["bins"], "holders": sorted(seen), "report": total.to_json()}
    with open(args.out, "w") as f:
        f.write(dumps(doc))
    print(f"wrote {args.out}: the sum of {len(reports)} reports ({', '.join(sorted(seen))})")
    return 0


def _describe(doc: dict[str, Any]) -> str:
    return f"--decimals {doc['decimals']} --bound {doc['bound']} --bins {','.join(doc['bins']) or '(none)'}"


def cmd_decrypt(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from mpc.errors import MPCError
    from mpc.paillier import load_private_key
    from mpc.stats import Aggregator, Report

    from ..errors import PaillierFileError

    try:
        sk = load_private_key(read_file(args.private_key, limit=1 << 20))
    except MPCError as exc:
        raise _fail(args.private_key, exc) from None
    doc = _read_doc(args.aggregate, _AGGREGATE, {"holders", "report"})
    holders = doc["holders"]
    if not isinstance(holders, list) or not all(isinstance(h, str) for h in holders) or len(set(holders)) != len(holders):
        raise PaillierFileError(f"{args.aggregate}: holders: expected a list of distinct names")
    if len(holders) < args.min_reports:
        raise PaillierFileError(f"{args.aggregate}: the aggregate of {len(holders)} reports, at least "
                                f"{args.min_reports} are needed to decrypt (--min-reports)")
    # one report that is the sum of k: the capacity and count checks are those of k reports
    spec = doc["spec"]
    spec = replace(spec, max_values_per_report=spec.max_values_per_report * len(holders))
    try:
        summed = Report.from_json(doc["report"], sk.public_key, spec)
        aggregator = Aggregator(sk, spec)
        aggregator.add(summed)
        s = aggregator.result()
    except MPCError as exc:
        raise _fail(args.aggregate, exc) from None
    _print_summary(len(holders), s, spec)
    return 0


def _print_summary(reports: int, s: Any, spec: Any) -> None:
    print(f"reports:   {reports}\ncount:     {s.count}\ntotal:     {s.total}\nmean:      {s.mean:.6f}\n"
          f"variance:  {s.variance:.6f}\nstd:       {s.std:.6f}")
    edges = [str(e) for e in spec.bins]
    labels = ([f"< {edges[0]}"] + [f"[{a}, {b})" for a, b in zip(edges, edges[1:])] + [f">= {edges[-1]}"]
              if edges else ["all"])
    for label, n in zip(labels, s.histogram):
        print(f"  {label:>24}  {n}")


def add_paillier(sub: Any) -> None:
    """Register ``zkmpc paillier keygen|encrypt|aggregate|decrypt``."""
    p = sub.add_parser("paillier", help="private aggregation of CSV columns: keygen, encrypt, aggregate, decrypt")
    ps = p.add_subparsers(dest="paillier_command", required=True)
    k = ps.add_parser("keygen", help="a key pair, written to two files")
    k.add_argument("public_key", help="the public key to write (JSON; hand it to the data holders)")
    k.add_argument("private_key", help="the private key to write (JSON, mode 0600; never overwritten)")
    k.add_argument("--bits", type=int, default=3072, help="modulus size (default 3072; at least 2048)")
    k.set_defaults(fn=cmd_keygen)
    e = ps.add_parser("encrypt", help="encrypt one column of a CSV file into a report")
    e.add_argument("public_key", help="the key holder's public key (JSON)")
    e.add_argument("data", help="the CSV file (a header line, then one row per record)")
    e.add_argument("column", help="the header of the column to encrypt")
    e.add_argument("report", help="the encrypted report to write (JSON)")
    e.add_argument("--holder", default=None, help="this data holder's name (default: the CSV file's name)")
    e.add_argument("--decimals", type=int, default=2, help="fractional digits kept exactly (default 2)")
    e.add_argument("--bound", default="1000000000", help="the largest magnitude of a value (default 10^9)")
    e.add_argument("--bins", default="", help="histogram bin edges, comma-separated (e.g. 0,50000,100000)")
    e.add_argument("--skip-empty", action="store_true", help="leave out rows whose cell is empty")
    e.set_defaults(fn=cmd_encrypt)
    a = ps.add_parser("aggregate", help="add encrypted reports up (no key needed)")
    a.add_argument("public_key", help="the key holder's public key (JSON)")
    a.add_argument("reports", nargs="+", help="the holders' reports (zkmpc paillier encrypt writes them)")
    a.add_argument("--out", "-o", required=True, help="the aggregate to write (JSON)")
    a.set_defaults(fn=cmd_aggregate)
    d = ps.add_parser("decrypt", help="decrypt an aggregate: count, total, mean, variance, histogram")
    d.add_argument("private_key", help="the private key (JSON)")
    d.add_argument("aggregate", help="the aggregate (zkmpc paillier aggregate writes it)")
    d.add_argument("--min-reports", type=int, default=3, help="refuse aggregates of fewer holders (default 3)")
    d.set_defaults(fn=cmd_decrypt)
