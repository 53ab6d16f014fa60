"""Statistics across data holders with Paillier: each holder sends one encrypted report,
the key holder learns only aggregates over at least ``min_reports`` holders.

Every holder encrypts, under the key holder's public key and the protocol's encoding,
its count, sum, sum of squares, per-bin counts (a histogram) and, for weighted
averages, the sums of weights and of weighted values. The :class:`Aggregator` adds the
reports homomorphically and decrypts the totals only; it has no way to decrypt one report.

    >>> from decimal import Decimal
    >>> from mpc import paillier
    >>> from mpc.encoding import FixedPoint
    >>> pk, sk = paillier.keygen(bits=1024, insecure=True)
    >>> spec = StatsSpec(FixedPoint(2, Decimal(10**6)), min_reports=2, bins=(Decimal(0), Decimal(50000)))
    >>> agg = Aggregator(sk, spec)
    >>> agg.add(make_report(pk, "bank A", ["41000.00", "52000.50"], spec))
    >>> agg.add(make_report(pk, "bank B", ["61000.25"], spec))
    >>> agg.add(make_report(pk, "bank A", ["1.00"], spec))
    Traceback (most recent call last):
    ...
    mpc.errors.EncodingError: a second report from 'bank A'
    >>> s = agg.result()
    >>> s.count, s.total, s.mean, s.histogram
    (3, Decimal('154000.75'), Decimal('51333.58333333333333333333333'), (0, 1, 2))
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from .encoding import Encoding, check_capacity
from .errors import EncodingError, KeyMismatchError, MPCTypeError, TooFewReportsError
from .paillier import Ciphertext, PrivateKey, PublicKey, RandomnessPool
from .paillier.batch import sum_
from .paillier.rangeproof import RangeProof, RangeProofError, encrypt_in_range, verify_range
from .paillier.serial import fingerprint
from .serial import MAX_DOCUMENT, VERSION, MalformedDataError, decode_int, dumps, encode_int, loads

#: the size limit of a range-proven report's JSON (each proven bit adds about 5 KB at 2048 bits)
MAX_PROVEN_DOCUMENT = 64 << 20

__all__ = ["StatsSpec", "Report", "make_report", "Aggregator", "Summary", "TooFewReportsError", "RangeProofError",
           "proof_context"]


@dataclass(frozen=True)
class StatsSpec:
    """What every party agrees on: the value encoding, the minimum number of reports the
    key holder may decrypt, the most values one report may hold, and histogram bin edges
    (``bins`` = (e1, ..., ek) makes k + 1 bins: below e1, [e1, e2), ..., at or above ek)."""

    encoding: Encoding
    min_reports: int = 3
    max_values_per_report: int = 10**7
    bins: tuple[Decimal, ...] = ()
    range_bits: int | None = None

    def __post_init__(self) -> None:
        if self.range_bits is not None and (isinstance(self.range_bits, bool) or not isinstance(self.range_bits, int)
                                            or not 1 <= self.range_bits <= 256):
            raise MPCTypeError(f"StatsSpec.range_bits: expected None or an int in [1, 256], found {self.range_bits!r}")
        for name in ("min_reports", "max_values_per_report"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise MPCTypeError(f"StatsSpec.{name}: expected an int >= 1, found {v!r}")
        edges = tuple(Decimal(e) if isinstance(e, (int, str)) and not isinstance(e, bool) else e for e in self.bins)
        if any(not isinstance(e, Decimal) or not e.is_finite() for e in edges) or list(edges) != sorted(set(edges)):
            raise EncodingError("StatsSpec.bins: expected strictly increasing finite Decimals")
        object.__setattr__(self, "bins", edges)

    def squares(self) -> Encoding:
        return self.encoding.squared()

    def proof_bits(self, weighted: bool) -> list[int]:
        """With ``range_bits``, the bits each ciphertext of a report is proven to fit, in
        :meth:`Report.ciphertexts` order: a count or bin below ``2^c`` (``c`` the bits of
        ``max_values_per_report``), a total below ``2^(b + c)``, squares below ``2^(2b + c)``
        for encoded values below ``2^b``, ``b = range_bits``."""
        b, c = self.range_bits or 0, self.max_values_per_report.bit_length()
        return [c, b + c, 2 * b + c] + [c] * (len(self.bins) + 1) + ([b + c, 2 * b + c] if weighted else [])

    def bin_of(self, x: Decimal | int) -> int:
        return sum(1 for e in self.bins if x >= e)


@dataclass(frozen=True)
class Report:
    """One holder's encrypted report (fresh encryptions: nothing links it to the data)."""

    holder: str
    count: Ciphertext
    total: Ciphertext
    squares: Ciphertext
    bins: tuple[Ciphertext, ...]
    weight_total: Ciphertext | None = None
    weighted_total: Ciphertext | None = None
    range_proofs: tuple[RangeProof, ...] | None = None

    def ciphertexts(self) -> list[Ciphertext]:
        extra = [c for c in (self.weight_total, self.weighted_total) if c is not None]
        return [self.count, self.total, self.squares, *self.bins, *extra]

    def to_json(self) -> str:
        """The report as versioned JSON, every ciphertext re-randomised (a range-proven
        report's ciphertexts are kept as proven, with their proofs in ``proofs``)."""
        cts = self.ciphertexts()
        proven = self.range_proofs is not None
        vals = [encode_int((c if proven else c.rerandomize()).value) for c in cts]
        doc = {"type": "paillier-stats-report", "version": VERSION, "holder": self.holder,
               "key": fingerprint(self.count.public_key), "weighted": self.weight_total is not None, "c": vals}
        if self.range_proofs is not None:
            doc["proofs"] = [p.to_list() for p in self.range_proofs]
        return dumps(doc)

    @classmethod
    def from_json(cls, text: str | bytes, public_key: PublicKey, spec: StatsSpec) -> "Report":
        """Parse a report for ``spec`` under ``public_key`` (strict: see :mod:`mpc.serial`)."""
        proven = spec.range_bits is not None
        fields = {"holder", "key", "weighted", "c"} | ({"proofs"} if proven else set())
        doc = loads(text, "paillier-stats-report", fields, max_size=MAX_PROVEN_DOCUMENT if proven else MAX_DOCUMENT)
        holder, weighted, vals = doc["holder"], doc["weighted"], doc["c"]
        if not isinstance(holder, str) or not 0 < len(holder) <= 200:
            raise MalformedDataError("holder: expected a name of 1..200 characters")
        if not isinstance(weighted, bool):
            raise MalformedDataError("weighted: expected true or false")
        if doc["key"] != fingerprint(public_key):
            raise KeyMismatchError(f"report from {holder!r} is under another public key")
        expected = 3 + len(spec.bins) + 1 + 2 * weighted
        if not isinstance(vals, list) or len(vals) != expected:
            raise MalformedDataError(f"report from {holder!r}: expected {expected} ciphertexts")
        cts = [Ciphertext(public_key, decode_int(v, "c", max_bits=2 * public_key.bits)) for v in vals]
        nb = len(spec.bins) + 1
        extra = (cts[3 + nb], cts[4 + nb]) if weighted else (None, None)
        proofs = None
        if proven:
            if not isinstance(doc["proofs"], list) or len(doc["proofs"]) != expected:
                raise MalformedDataError(f"report from {holder!r}: expected {expected} range proofs")
            proofs = tuple(RangeProof.from_list(p, public_key) for p in doc["proofs"])
        return cls(holder, cts[0], cts[1], cts[2], tuple(cts[3:3 + nb]), extra[0], extra[1], range_proofs=proofs)


def make_report(public_key: PublicKey, holder: str, values: Sequence[Any], spec: StatsSpec, *,
                weights: Sequence[Any] | None = None, pool: RandomnessPool | None = None) -> Report:
    """Encode and encrypt one holder's values (and optional weights, same encoding)."""
    if not isinstance(holder, str) or not holder:
        raise MPCTypeError(f"holder: expected a non-empty name, found {holder!r}")
    if len(values) > spec.max_values_per_report:
        raise EncodingError(f"{len(values)} values in one report, the protocol allows {spec.max_values_per_report}")
    enc = spec.encoding
    check_capacity(spec.squares(), spec.max_values_per_report, int(public_key.max_int))
    encoded = [enc.encode(v) for v in values]
    rn = (lambda: None) if pool is None else pool.take

    def e(m: int) -> Ciphertext:  # a pool's values are this package's own CSPRNG draws
        r = rn()
        return public_key.encrypt(m) if r is None else public_key._encrypt_with(m, r)

    counts = [0] * (len(spec.bins) + 1)
    for m in encoded:
        counts[spec.bin_of(enc.decode(m))] += 1
    plain = [len(encoded), sum(encoded), sum(m * m for m in encoded), *counts]
    if weights is not None:
        if len(weights) != len(values):
            raise MPCTypeError(f"{len(weights)} weights for {len(values)} values")
        ws = [enc.encode(w) for w in weights]
        plain += [sum(ws), sum(w * m for w, m in zip(ws, encoded))]
    if spec.range_bits is not None:
        return _proven_report(public_key, holder, plain, encoded + (ws if weights is not None else []), spec)
    cts = [e(m) for m in plain]
    nb = len(counts)
    extra = (cts[3 + nb], cts[4 + nb]) if weights is not None else (None, None)
    return Report(holder, cts[0], cts[1], cts[2], tuple(cts[3:3 + nb]), *extra)


def proof_context(holder: str, index: int) -> bytes:
    """The Fiat-Shamir context of a report's ``index``-th ciphertext: its holder and place."""
    return f"mpc.stats/{len(holder)}:{holder}/{index}".encode()


def _proven_report(public_key: PublicKey, holder: str, plain: list[int], encoded: list[int], spec: StatsSpec) -> Report:
    """A report whose every ciphertext carries a range proof (``spec.range_bits``)."""
    top = 1 << (spec.range_bits or 0)
    bad = [m for m in encoded if not 0 <= m < top]
    if bad:
        raise EncodingError(f"{holder!r}: an encoded value is {bad[0]}, the spec's range proofs need [0, 2^{spec.range_bits})")
    bits = spec.proof_bits(len(plain) > 4 + len(spec.bins))
    made = [encrypt_in_range(public_key, m, b, context=proof_context(holder, i)) for i, (m, b) in enumerate(zip(plain, bits))]
    cts = [c for c, _ in made]
    nb = len(spec.bins) + 1
    extra = (cts[3 + nb], cts[4 + nb]) if len(cts) > 3 + nb else (None, None)
    return Report(holder, cts[0], cts[1], cts[2], tuple(cts[3:3 + nb]), extra[0], extra[1],
                  range_proofs=tuple(p for _, p in made))


@dataclass(frozen=True)
class Summary:
    """Decrypted aggregates over ``reports`` holders."""

    reports: int
    count: int
    total: Decimal | int
    mean: Decimal
    variance: Decimal  # population variance
    std: Decimal
    histogram: tuple[int, ...]
    weighted_mean: Decimal | None = None


@dataclass
class Aggregator:
    """The key holder's side: collects reports (one per holder) and decrypts aggregates only."""

    private_key: PrivateKey
    spec: StatsSpec
    _reports: dict[str, Report] = field(default_factory=dict)

    def add(self, report: Report) -> None:
        if not isinstance(report, Report):
            raise MPCTypeError(f"expected a Report, found {type(report).__name__}")
        if report.holder in self._reports:
            raise EncodingError(f"a second report from {report.holder!r}")
        if len(report.bins) != len(self.spec.bins) + 1:
            raise EncodingError(f"{report.holder!r}: {len(report.bins)} bins, expected {len(self.spec.bins) + 1}")
        for c in report.ciphertexts():
            self.private_key.public_key.check_same(c.public_key)
        if self.spec.range_bits is not None:
            self._check_proofs(report)
        self._reports[report.holder] = report

    def _check_proofs(self, report: Report) -> None:
        """Refuse a report of a range-proven spec whose proofs are missing, malformed, for
        other bounds than the spec's, or false (:class:`RangeProofError` naming the holder)."""
        cts, proofs = report.ciphertexts(), report.range_proofs
        bits = self.spec.proof_bits(report.weight_total is not None)
        if proofs is None or len(proofs) != len(cts):
            raise RangeProofError(f"{report.holder!r}: expected {len(cts)} range proofs, found "
                                  f"{'none' if proofs is None else len(proofs)}")
        pk = self.private_key.public_key
        for i, (c, proof, b) in enumerate(zip(cts, proofs, bits)):
            if not isinstance(proof, RangeProof) or proof.bits != b:
                raise RangeProofError(f"{report.holder!r}: ciphertext {i}: expected a range proof of {b} bits")
            try:
                ok = verify_range(pk, c, proof, context=proof_context(report.holder, i))
            except RangeProofError as exc:
                raise RangeProofError(f"{report.holder!r}: ciphertext {i}: {exc}") from None
            if not ok:
                raise RangeProofError(f"{report.holder!r}: ciphertext {i}: the range proof does not verify")

    def __len__(self) -> int:
        return len(self._reports)

    def result(self) -> Summary:
        k = len(self._reports)
        if k < self.spec.min_reports:
            raise TooFewReportsError(f"{k} reports, at least {self.spec.min_reports} are needed to decrypt")
        reps = list(self._reports.values())
        check_capacity(self.spec.squares(), self.spec.max_values_per_report * k, int(self.private_key.public_key.max_int))
        dec = self.private_key.decrypt

        def total(get: Any) -> int:
            return dec(sum_([get(r) for r in reps]))

        n = total(lambda r: r.count)
        if not 0 < n <= k * self.spec.max_values_per_report:
            raise EncodingError(f"the reports hold {n} values in all: nothing to summarise, or a bad report")
        enc, sq = self.spec.encoding, self.spec.squares()
        s = enc.decode(total(lambda r: r.total), terms=n)
        s2 = sq.decode(total(lambda r: r.squares), terms=n)
        hist = tuple(total(lambda r, i=i: r.bins[i]) for i in range(len(self.spec.bins) + 1))
        with decimal.localcontext() as ctx:
            ctx.prec = 28 + 2 * len(str(n)) + 2 * len(str(abs(s2)))
            mean = Decimal(s) / n
            var = max(Decimal(s2) / n - mean * mean, Decimal(0))
            std = var.sqrt()
        wmean = None
        if all(r.weight_total is not None for r in reps):
            w = total(lambda r: r.weight_total)
            wv = total(lambda r: r.weighted_total)
            wmean = Decimal(wv) / Decimal(w) / enc.scale if w else None
        return Summary(k, n, s, +mean, +var, +std, hist, wmean)
