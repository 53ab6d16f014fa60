"""Groth16 proofs published with their keys, run through zkmpc's verifier and compared with
snarkjs's recorded verdicts.

    python -m benchmarks.realworld [--corpus PATH]

The corpus (kept outside the repository: other people's files) is ``--corpus``, else
``$ZKMPC_REALWORLD``, else ``../shared/realworld`` next to the repository. Its layout:
``cases/<case>/{verification_key.json, proof.json, public.json}`` and ``verdicts.json``,
``{case: {mutation: {"snarkjs": {"verdict": "accept" | "reject" | "error"}, ...}}}``, for
the mutations ``orig`` (the files as published), ``pub0_plus1`` (public[0] + 1),
``pub0_plus_r`` (public[0] + r) and ``pia_negy`` (pi_a negated: y -> p - y).

zkmpc's outcome is ``accept``, ``reject`` or ``refuse`` (a documented error: malformed
input, or a key without a phase-2 contribution, which zkmpc refuses by design because
anyone can forge under it). Every accept/reject zkmpc reaches must be snarkjs's verdict:
the exit status is 1 when one differs, 0 otherwise (and when the corpus is absent).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTATIONS = ("orig", "pub0_plus1", "pub0_plus_r", "pia_negy")
FILES = ("verification_key.json", "proof.json", "public.json")
#: what zkmpc says for a key from a setup without a phase-2 contribution
_UNCONTRIBUTED = ("gamma equals delta", "delta is the G2 generator")


@dataclass(frozen=True)
class Outcome:
    """zkmpc's answer on one case and mutation: ``accept``, ``reject`` or ``refuse``."""

    verdict: str
    stage: str = ""
    message: str = ""

    @property
    def uncontributed(self) -> bool:
        return self.verdict == "refuse" and any(m in self.message for m in _UNCONTRIBUTED)


def default_corpus() -> Path:
    env = os.environ.get("ZKMPC_REALWORLD")
    return Path(env) if env else ROOT.parent / "shared" / "realworld"


def _replace_after(text: str, anchor: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` after ``anchor`` replaced (the rest byte for byte)."""
    at = text.index(old, text.index(anchor) + len(anchor))
    return text[:at] + new + text[at + len(old):]


def mutate(texts: dict[str, str], mutation: str) -> dict[str, str]:
    """The three documents with one mutation applied to their text (nothing reformatted)."""
    from zkp.field import P, R

    out = dict(texts)
    if mutation in ("pub0_plus1", "pub0_plus_r"):
        first = json.loads(texts["public.json"])[0]
        value = int(first) + (1 if mutation == "pub0_plus1" else R)
        out["public.json"] = _replace_after(texts["public.json"], "[", json.dumps(first), f'"{value}"')
    elif mutation == "pia_negy":
        y = json.loads(texts["proof.json"])["pi_a"][1]
        out["proof.json"] = _replace_after(texts["proof.json"], '"pi_a"', json.dumps(y),
                                           f'"{(P - int(y)) % P}"')
    elif mutation != "orig":
        raise ValueError(f"unknown mutation {mutation!r}; expected one of {MUTATIONS}")
    return out


def run_zkmpc(texts: dict[str, str]) -> Outcome:
    """Read the three documents with zkmpc's strict readers and verify."""
    from zkp import groth16
    from zkp.errors import ZkpError
    from zkp.formats.snarkjs_json import proof_from_json, public_from_json, vk_from_json

    stage = "vk"
    try:
        vk = vk_from_json(texts["verification_key.json"])
        stage = "proof"
        proof = proof_from_json(texts["proof.json"])
        stage = "public"
        public = public_from_json(texts["public.json"], num_public=vk.num_public)
        stage = "verify"
        return Outcome("accept" if groth16.verify(vk, public, proof) else "reject", stage)
    except ZkpError as exc:
        return Outcome("refuse", stage, f"{type(exc).__name__}: {exc}")


def run_case(folder: Path, mutations: list[str]) -> dict[str, Outcome]:
    texts = {name: (folder / name).read_text(encoding="utf-8", errors="replace") for name in FILES}
    out = {}
    for m in mutations:
        try:
            mutated = mutate(texts, m)
        except (ValueError, KeyError, IndexError, TypeError) as exc:  # not a document to mutate
            out[m] = Outcome("refuse", "mutation", f"cannot apply {m}: {type(exc).__name__}: {exc}")
        else:
            out[m] = run_zkmpc(mutated)
    return out


def classify(ours: Outcome, theirs: str) -> str:
    """One cell of the agreement table."""
    if ours.verdict == "refuse":
        if ours.uncontributed:
            return "refused: uncontributed key"
        return "refused: snarkjs accepts" if theirs == "accept" else "refused: snarkjs refuses too"
    if theirs not in ("accept", "reject"):
        return "verdict where snarkjs errs"
    return f"agree: {theirs}" if ours.verdict == theirs else "DISAGREE"


COLUMNS = ("agree: accept", "agree: reject", "DISAGREE", "refused: uncontributed key", "refused: snarkjs refuses too",
           "refused: snarkjs accepts", "verdict where snarkjs errs")


def evaluate(corpus: Path) -> list[tuple[str, str, Outcome, str]]:
    """``(case, mutation, zkmpc's outcome, snarkjs's verdict)`` for every recorded verdict."""
    verdicts: dict[str, Any] = json.loads((corpus / "verdicts.json").read_text())
    rows = []
    for case in sorted(verdicts):
        recorded = {m: v["snarkjs"]["verdict"] for m, v in verdicts[case].items() if m in MUTATIONS}
        outcomes = run_case(corpus / "cases" / case, [m for m in MUTATIONS if m in recorded])
        rows += [(case, m, outcomes[m], recorded[m]) for m in outcomes]
    return rows


def table(rows: list[tuple[str, str, Outcome, str]]) -> str:
    """The agreement table (mutations by outcome class), counts, and the cases to look at."""
    cells = Counter((m, classify(o, t)) for _, m, o, t in rows)
    width = max(len(c) for c in COLUMNS)
    head = f"{'outcome (zkmpc vs snarkjs)':<{width}}" + "".join(f"{m:>13}" for m in MUTATIONS) + f"{'total':>8}"
    lines = [head, "-" * len(head)]
    for col in COLUMNS:
        counts = [cells[(m, col)] for m in MUTATIONS]
        lines.append(f"{col:<{width}}" + "".join(f"{c:>13}" for c in counts) + f"{sum(counts):>8}")
    per = Counter(m for _, m, _, _ in rows)
    lines.append(f"{'runs':<{width}}" + "".join(f"{per[m]:>13}" for m in MUTATIONS) + f"{len(rows):>8}")
    cases = len({c for c, _, _, _ in rows})
    reached = sum(1 for _, _, o, _ in rows if o.verdict != "refuse")
    lines.append(f"\n{cases} cases, {len(rows)} runs; zkmpc reached {reached} verdicts, "
                 f"{cells_total(cells, 'agree: ')} agree with snarkjs, "
                 f"{cells_total(cells, 'DISAGREE')} disagree")
    notes = [(c, m, o, t) for c, m, o, t in rows
             if classify(o, t) in ("DISAGREE", "refused: snarkjs accepts", "verdict where snarkjs errs")]
    if notes:
        lines.append("\ncases to look at:")
        lines += [f"  {c} [{m}]: zkmpc {o.verdict}{f' at {o.stage}' if o.message else ''}, snarkjs "
                  f"{t}{f' -- {o.message[:160]}' if o.message else ''}" for c, m, o, t in notes]
    return "\n".join(lines)


def cells_total(cells: Counter[tuple[str, str]], col: str) -> int:
    return sum(v for (_, c), v in cells.items() if c.startswith(col))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=None,
                    help="the corpus folder (default: $ZKMPC_REALWORLD or ../shared/realworld)")
    args = ap.parse_args(argv)
    corpus = args.corpus or default_corpus()
    if not (corpus / "verdicts.json").is_file():
        print(f"no corpus at {corpus} (no verdicts.json): nothing to compare; pass --corpus "
              f"or set ZKMPC_REALWORLD")
        return 0
    rows = evaluate(corpus)
    print(f"corpus: {corpus}\n")
    print(table(rows))
    return 1 if any(classify(o, t) == "DISAGREE" for _, _, o, t in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
