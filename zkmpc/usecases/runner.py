"""What every use case in ``examples/<sector>/`` shares: its command line (``--members``,
``--rpc``), the chain it runs on, the circuit's keys, verifier and app contract deployed in
one call, timed proofs, and the report it prints (what was proven, constraints, prove time,
gas, every refusal) and returns to the tests.

    >>> import io
    >>> from zkmpc.usecases import Report, parse_args
    >>> args = parse_args(["--members", "64"], "A use case.", members=10_000)
    >>> args.members, args.rpc
    (64, None)
    >>> report = Report(io.StringIO(), title="demo")
    >>> report.fact("members", 64)
    >>> report.figures["facts"]
    {'members': 64}
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence, TextIO

from circuits import CompiledCircuit
from zkp import groth16
from zkp.evm import EmbeddedEVM, RpcChain, compile_solidity, export_verifier
from zkp.evm.chain import Chain, Receipt

from ..contracts import DEFAULT_ROOT_WINDOW, AppContract, AppLayout, RelayedAppContract, Relayer, signer_address
from ..errors import UseCaseError

__all__ = ["KeyCache", "OnChain", "Proved", "Report", "UseCaseError", "open_chain", "options", "parse_args",
           "parser"]


def _members(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of members, found {text!r}") from None
    if not 2 <= n <= 1 << 32:
        raise argparse.ArgumentTypeError(f"expected between 2 and 2^32 members, found {n}")
    return n


def parser(doc: str | None, *, members: int) -> argparse.ArgumentParser:
    """The command line every use case takes; ``doc`` is the example's module docstring."""
    lines = (doc or "").strip().splitlines()
    p = argparse.ArgumentParser(description=lines[0] if lines else None,
                                epilog="\n".join(lines[1:]).strip() or None,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--members", type=_members, default=members,
                   help=f"how many members, holders or records to build (default {members:,})")
    p.add_argument("--rpc", metavar="URL", help="an Ethereum node's JSON-RPC URL (default: the embedded EVM)")
    p.add_argument("--rpc-b", metavar="URL", help="the second chain's node, for use cases on two chains")
    p.add_argument("--private-key", metavar="HEX", help="the sender's key on --rpc nodes (default: the node's "
                                                        "first unlocked account)")
    p.add_argument("--dev-keys", action="store_true",
                   help="allow the development keys this demo makes to reach a node given by --rpc "
                        "(a deployment uses a ceremony's keys)")
    return p


def parse_args(argv: Sequence[str] | None, doc: str | None, *, members: int,
               extend: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """Parse a use case's command line (``extend`` adds the example's own options).

    Raises:
        SystemExit: argparse's usage error, as every command line.
    """
    p = parser(doc, members=members)
    if extend is not None:
        extend(p)
    args = p.parse_args(list(argv) if argv is not None else None)
    if (args.rpc or args.rpc_b) and not args.dev_keys:
        p.error("--rpc: this demo's keys come from a development setup (toxic waste known to this process); "
                "add --dev-keys to send them to a node anyway")
    return args


def options(argv: Sequence[str] | None, doc: str | None, **defaults: int) -> argparse.Namespace:
    """A small command line of integer options ``--name N`` with the given defaults (for
    the examples that need no chain), e.g. ``options(argv, __doc__, seed=7)``.

    >>> options(["--seed", "3"], "Doc.", seed=7, bits=2048)
    Namespace(seed=3, bits=2048)
    """
    p = argparse.ArgumentParser(description=(doc or "").strip().split("\n")[0] or None)
    for name, default in defaults.items():
        p.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, default=default,
                       help=f"(default {default})")
    return p.parse_args(list(argv) if argv is not None else [])


def open_chain(args: argparse.Namespace, second: bool = False) -> Chain:
    """The chain a use case runs on: ``--rpc`` (or ``--rpc-b`` for the second chain) when
    given, else a fresh embedded EVM."""
    url = args.rpc_b if second else args.rpc
    if url:
        return RpcChain(url, private_key=args.private_key)
    return EmbeddedEVM()


@dataclass(frozen=True)
class Proved:
    """A proof, its public signals, and how long the witness and the proof took."""

    proof: groth16.Proof
    public: list[int]
    solve_seconds: float
    prove_seconds: float


Keys = tuple[groth16.ProvingKey, groth16.VerifyingKey]


def _development_keys(circuit: CompiledCircuit) -> Keys:
    """A Groth16 setup of ``circuit`` whose toxic waste this process knew (a demo's keys; the
    development-key warning is silenced: the verifier export says so instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        return groth16.setup(circuit.r1cs)


class KeyCache:
    """Development keys per compiled circuit, made once: :meth:`OnChain.deploy` with
    ``cache=`` runs the Groth16 setup the first time it sees a circuit (the same
    :class:`~circuits.CompiledCircuit` object, which the cache keeps alive) and reuses its keys
    afterwards: the same circuit on a second chain, behind a second app, or in every test of a
    module. The caller owns the cache (one per run or test session), so nothing is kept
    between runs behind the caller's back.

        >>> from circuits import Circuit, Field, Public, Secret, compile
        >>> class Square(Circuit):
        ...     y: Public[Field]
        ...     x: Secret[Field]
        ...     def define(self, api):
        ...         api.assert_equal(self.x * self.x, self.y)
        >>> cs, cache = compile(Square), KeyCache()
        >>> cache.keys(cs) is cache.keys(cs), len(cache), cache.setups
        (True, 1, 1)
    """

    def __init__(self) -> None:
        self._keys: dict[CompiledCircuit, Keys] = {}
        self.setups = 0  # how many setups this cache ran (the rest were reuses)

    def keys(self, circuit: CompiledCircuit) -> Keys:
        """``circuit``'s keys: made by a development setup on first sight, else reused."""
        found = self._keys.get(circuit)
        if found is None:
            found = self._keys[circuit] = _development_keys(circuit)
            self.setups += 1
        return found

    def __contains__(self, circuit: object) -> bool:
        return circuit in self._keys

    def __len__(self) -> int:
        return len(self._keys)


@dataclass
class OnChain:
    """A compiled circuit with its keys, its exported verifier and an app contract on one
    chain."""

    circuit: CompiledCircuit
    keys: Keys
    app: AppContract | RelayedAppContract
    setup_seconds: float = 0.0
    #: the proving key prepared for the in-place prover on the first :meth:`prove`
    #: (about a fifth faster a proof than from the key's lists; no tables)
    prepared: groth16.PreparedProvingKey | None = field(default=None, repr=False, compare=False)

    @classmethod
    def deploy(cls, chain: Chain, circuit: CompiledCircuit, layout: AppLayout, *, keys: Keys | None = None,
               cache: KeyCache | None = None, relayed_from: tuple[AppContract, bytes] | None = None,
               max_age: int = 0, root_window: int = DEFAULT_ROOT_WINDOW) -> OnChain:
        """Make development keys (unless ``keys`` are given: the same circuit on a second
        chain reuses them; with a :class:`KeyCache` ``cache``, the keys it holds for
        ``circuit``, made there on its first deploy), export and deploy the verifier, deploy
        the app contract: a :class:`RelayedAppContract` whose root set 0 comes from
        ``relayed_from = (app on chain A, the relay signer's key)`` (the signer is authorised
        here), else an :class:`AppContract` administered by the chain's sender.
        ``root_window`` and ``max_age`` as in :meth:`AppContract.deploy` (a revocation or
        suspension list wants ``root_window=1``: the state before a revocation stops
        verifying at once)."""
        t0 = time.perf_counter()
        if keys is None:
            keys = cache.keys(circuit) if cache is not None else _development_keys(circuit)
        setup_seconds = time.perf_counter() - t0
        source = export_verifier(keys[1], contract_name="UseCaseVerifier", allow_development=True)
        verifier = chain.deploy(compile_solidity(source, "UseCaseVerifier").bytecode)
        app: AppContract | RelayedAppContract
        if relayed_from is None:
            app = AppContract.deploy(chain, verifier, layout, max_age=max_age, root_window=root_window)
        else:
            source_app, signing_key = relayed_from
            app = RelayedAppContract.deploy(chain, verifier, layout, source_chain_id=source_app.chain.chain_id,
                                            source_group=source_app.address, max_age=max_age,
                                            root_window=root_window)
            app.set_signer(signer_address(signing_key))
        return cls(circuit, keys, app, setup_seconds)

    def relayer(self, source: AppContract, signing_key: bytes) -> Relayer:
        """The relayer posting ``source``'s root set 0 on this (relayed) app."""
        if not isinstance(self.app, RelayedAppContract):
            raise UseCaseError("relayer: this app was not deployed with relayed_from=")
        return Relayer(source, self.app, signing_key)

    def prove(self, assignment: Any) -> Proved:
        """Solve the circuit for ``assignment`` (an instance of its class) and prove.

        Raises:
            UnsatisfiedConstraintError (circuits.errors): the statement is false for it.
        """
        t0 = time.perf_counter()
        w = self.circuit.solve(assignment)
        t1 = time.perf_counter()
        if self.prepared is None:
            self.prepared = groth16.PreparedProvingKey(self.keys[0], tables=False)
        proof = groth16.prove(self.prepared, w)
        t2 = time.perf_counter()
        return Proved(proof, list(w.public), t1 - t0, t2 - t1)

    def verify(self, proved: Proved) -> bool:
        """The proof checked in Python (no chain)."""
        return groth16.verify(self.keys[1], proved.public, proved.proof)

    def validate(self, proved: Proved, *, sender: str | None = None) -> Receipt:
        """``validateProof`` on chain (see :meth:`AppContract.validate` for the refusals)."""
        return self.app.validate(proved.proof, proved.public, sender=sender)


@dataclass
class Report:
    """What a use case prints, kept for the tests in :attr:`figures`."""

    out: TextIO
    title: str
    figures: dict[str, Any] = field(default_factory=lambda: {"facts": {}, "proofs": [], "refused": []})

    def __post_init__(self) -> None:
        self.figures["title"] = self.title
        print(f"== {self.title}", file=self.out)

    def fact(self, what: str, value: Any) -> None:
        """A line ``what: value``."""
        self.figures["facts"][what] = value
        print(f"   {what}: {value:,}" if isinstance(value, int) and not isinstance(value, bool)
              else f"   {what}: {value}", file=self.out)

    def proof(self, proved: Proved, receipt: Receipt | None, *, what: str, onchain: OnChain | None = None,
              constraints: int | None = None) -> None:
        """A proven statement: its constraints, witness and prove times, the gas of its
        ``validateProof`` (None: not sent on chain)."""
        if constraints is None and onchain is not None:
            constraints = onchain.circuit.r1cs.num_constraints
        gas = None if receipt is None else receipt.gas_used
        self.figures["proofs"].append({"what": what, "constraints": constraints, "solve_s": proved.solve_seconds,
                                       "prove_s": proved.prove_seconds, "gas": gas})
        size = f"{constraints:,} constraints, " if constraints is not None else ""
        chain = f", validateProof {gas:,} gas" if gas is not None else ""
        print(f"   proven: {what}\n      {size}witness {proved.solve_seconds * 1e3:.0f} ms, "
              f"prove {proved.prove_seconds * 1e3:.0f} ms{chain}", file=self.out)

    def refused(self, what: str, exc: BaseException) -> None:
        """A refusal the use case demonstrates (``exc``: the error it raised)."""
        self.figures["refused"].append((what, type(exc).__name__))
        print(f"   refused: {what} ({type(exc).__name__})", file=self.out)

    def expect_refusal(self, what: str, action: Callable[[], Any], *errors: type[BaseException]) -> None:
        """Run ``action``, which must raise one of ``errors``; report the refusal.

        Raises:
            UseCaseError: ``action`` succeeded (the use case's claim is wrong).
        """
        try:
            action()
        except errors as exc:
            self.refused(what, exc)
            return
        raise UseCaseError(f"{what}: expected a refusal ({', '.join(e.__name__ for e in errors)}), found success")
