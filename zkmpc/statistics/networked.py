"""Run the parties of an MPC use case as separate processes talking TLS on this machine.

:func:`run_local_parties` writes certificates and a ``parties.toml`` for ``n`` parties on
127.0.0.1, starts ``python -m MODULE --party I --config PATH [--party-file F] ARGS`` for
each, hands party ``I`` its secret file (its preprocessing or key share from the dealer:
readable by its owner only) and collects the one JSON line each prints. The module's party
side runs :func:`party_document`, which runs the protocol with
:func:`~mpc.protocols.party.run_party` and turns its outcome into that line; the parent
raises again, with :func:`raise_refusal`, an error a party's protocol refused with.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping, Sequence, TextIO, TypeVar

from mpc.net.config import free_local_ports, load_config, write_local_config
from mpc.protocols.base import Context
from mpc.protocols.party import run_party

from ..errors import PartyFailedError

__all__ = ["run_local_parties", "party_document", "raise_refusal", "party_parser", "as_party",
           "PartyFailedError"]

T = TypeVar("T")


def run_local_parties(module: str, n: int, *, threshold: int, root: Path, args: Sequence[str] = (),
                      secrets: Mapping[int, bytes] | None = None, round_timeout: float = 120.0,
                      timeout: float = 1800.0, link_timeout: float | None = None) -> dict[int, dict[str, Any]]:
    """Run the ``n`` parties of ``module`` (importable from ``root``) over TLS; returns
    each party's JSON document. ``link_timeout`` (seconds, at most 3600) replaces the
    connect, handshake and read timeouts of the links: raise it when a party's CPU work
    (blinding or encrypting 10^4 values) keeps its event loop busy for longer than they allow.

    Raises:
        PartyFailedError: a party printed nothing (a crash, not a protocol abort: aborts
            are documents naming the parties at fault).
    """
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        config = write_local_config(tmp, n=n, threshold=threshold, ports=free_local_ports(n),
                                    round_timeout=round_timeout, connect_timeout=link_timeout or 30)
        if link_timeout is not None:
            _set_link_timeout(config, link_timeout)
        procs = {}
        for p in range(1, n + 1):
            cmd = [sys.executable, "-m", module, "--party", str(p), "--config", str(config), *args]
            if secrets is not None and p in secrets:
                path = Path(tmp) / f"party{p}.secret"
                path.touch(mode=0o600)
                path.write_bytes(secrets[p])
                cmd += ["--party-file", str(path)]
            procs[p] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                        cwd=root)
        return {p: _document(p, proc, timeout) for p, proc in procs.items()}


def _set_link_timeout(config: Path, seconds: float) -> None:
    """Write the handshake and read timeouts into ``config``, beside its other settings."""
    text = config.read_text()
    head, sep, parties = text.partition("[[party]]")
    config.write_text(f"{head}handshake_timeout = {float(seconds)}\nread_timeout = {float(seconds)}\n\n{sep}{parties}")


def _document(party: int, proc: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    stdout, stderr = proc.communicate(timeout=timeout)
    lines = stdout.strip().splitlines()
    if not lines:
        raise PartyFailedError(f"party {party} printed no result (exit {proc.returncode}): {stderr[-1500:]}")
    return dict(json.loads(lines[-1]))


def party_document(config: str, party: int, job: Callable[[Context], Awaitable[T]],
                   result: Callable[[T], dict[str, Any]], *,
                   refusals: tuple[type[Exception], ...] = ()) -> dict[str, Any]:
    """Run ``job`` as ``party`` of ``config`` over TLS: ``result(value)``, or the abort
    (its message, round, missing and misbehaving parties), or the error of one of the
    ``refusals`` classes the job raised (its message and class name, under ``refused``)."""
    try:
        outcome = run_party(load_config(config), party, job)
    except refusals as exc:
        return {"party": party, "error": str(exc), "refused": type(exc).__name__, "violations": []}
    doc: dict[str, Any] = {"party": party}
    if outcome.error is not None:
        e = outcome.error
        doc.update(error=str(e), round=e.round, missing=list(e.missing), bad=list(e.bad))
    else:
        doc.update(result(outcome.result))
    doc["violations"] = [[v.peer, v.reason] for v in outcome.violations]
    return doc


def raise_refusal(docs: Mapping[int, Mapping[str, Any]], classes: Sequence[type[Exception]],
                  names: Callable[[int], str] = lambda p: f"party {p}") -> None:
    """Raise again the first refusal or abort in ``docs`` (as :func:`party_document` writes
    them), naming the party that reported it; its class when among ``classes``, else
    :class:`PartyFailedError`. Nothing when every party finished.

    >>> raise_refusal({1: {"party": 1, "cardinality": 3}}, [ValueError])
    >>> raise_refusal({2: {"party": 2, "error": "too small", "refused": "ValueError"}}, [ValueError])
    Traceback (most recent call last):
    ...
    ValueError: party 2: too small
    """
    by_name = {c.__name__: c for c in classes}
    for p, doc in docs.items():
        if "error" in doc:
            raise by_name.get(str(doc.get("refused")), PartyFailedError)(f"{names(p)}: {doc['error']}")


def party_parser(doc: str | None, parties: str, **defaults: int) -> argparse.ArgumentParser:
    """The command line of a use case whose ``parties`` run as processes: integer options
    ``--name N`` with ``defaults``, ``--processes`` (1, the default: processes over TLS; 0:
    all in this process) and the hidden options :func:`run_local_parties` starts a party
    with (``--party``, ``--config``, ``--party-file``).

    >>> party_parser("Two banks.", "the banks", seed=7).parse_args(["--processes", "0"])
    Namespace(seed=7, processes=0, party=None, config=None, party_file=None)
    """
    p = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else None)
    for name, default in defaults.items():
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, default=default, help=f"(default {default})")
    p.add_argument("--processes", type=int, choices=(0, 1), default=1,
                   help=f"1: {parties} as processes over TLS (default); 0: in this process")
    p.add_argument("--party", type=int, help=argparse.SUPPRESS)
    p.add_argument("--config", help=argparse.SUPPRESS)
    p.add_argument("--party-file", help=argparse.SUPPRESS)
    return p


def as_party(opts: argparse.Namespace, party: Callable[[argparse.Namespace], dict[str, Any]],
             out: TextIO) -> dict[str, Any] | None:
    """In a party's process (``--party`` given): ``party(opts)``, printed to ``out`` as the
    one JSON line :func:`run_local_parties` reads, and returned; elsewhere None.

    >>> import io
    >>> as_party(argparse.Namespace(party=None), lambda o: {}, io.StringIO()) is None
    True
    """
    if opts.party is None:
        return None
    doc = party(opts)
    print(json.dumps(doc), file=out, flush=True)
    return doc
