"""An application's proofs on chain, for any circuit: :class:`AppLayout` says which public
signals are roots (each checked against its own window of recorded roots), which one is a
nullifier (recorded once) and which one a scope (opened by the admin); the contract checks
them, calls the exported Groth16 verifier, and reverts with a named error otherwise.

    >>> from zkp.evm import EmbeddedEVM
    >>> from zkmpc.contracts import AppContract, AppLayout
    >>> layout = AppLayout(num_public=3, roots=(0,), nullifier=1)
    >>> app = AppContract.deploy(EmbeddedEVM(), "0x" + "11" * 20, layout, root_window=2)
    >>> for root in (101, 102, 103):
    ...     _ = app.add_root(root)
    >>> app.current_root(), app.root_count(), app.is_root_valid(102), app.is_root_valid(101)
    (103, 3, True, False)

:class:`RelayedAppContract` is the same application on a second chain, its root set 0
relayed from the first with signed attestations (:class:`~zkmpc.contracts.Relayer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from zkp.evm import CompiledContract, compile_solidity
from zkp.evm.chain import Chain, Receipt
from zkp.groth16 import Proof

from ..errors import ContractInputError, ContractRevertError
from .abi import encode_call, need_address, need_uint
from .client import ContractClient, deploy_words
from .group import proof_words
from .source import DEFAULT_PRAGMA, DEFAULT_ROOT_WINDOW, render

__all__ = ["APP_CONTRACTS", "AppContract", "AppContractBase", "AppLayout", "app_source", "compile_app"]

APP_CONTRACTS = ("ZkApp", "ZkRelayedApp")
MAX_PUBLIC = 256  # public signals a layout may have (calldata of the verifier call grows with them)


def _index(value: object, what: str, n: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < n:
        raise ContractInputError(f"{what}: expected a public signal's index in [0, {n}), found {value!r}")
    return value


@dataclass(frozen=True)
class AppLayout:
    """Where the contract finds what it checks among a circuit's ``num_public`` public
    signals (in the order of ``w.public``): ``roots`` (root set ``s`` is the signal at
    ``roots[s]``), ``nullifier`` and ``scope`` (None: the application has none).

    >>> AppLayout(num_public=4, roots=(0,), nullifier=1, scope=3)
    AppLayout(num_public=4, roots=(0,), nullifier=1, scope=3)
    >>> AppLayout(num_public=2, roots=(0,), nullifier=0)
    Traceback (most recent call last):
    ...
    zkmpc.errors.ContractInputError: layout: expected distinct signals for roots, nullifier and scope, found [0, 0]
    """

    num_public: int
    roots: tuple[int, ...] = ()
    nullifier: int | None = None
    scope: int | None = None

    def __post_init__(self) -> None:
        n = self.num_public
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_PUBLIC:
            raise ContractInputError(f"num_public: expected an int in [1, {MAX_PUBLIC}], found {n!r}")
        if not isinstance(self.roots, tuple):
            raise ContractInputError(f"roots: expected a tuple of indices, found {type(self.roots).__name__}")
        used = [_index(i, f"roots[{k}]", n) for k, i in enumerate(self.roots)]
        used += [_index(i, name, n) for name, i in (("nullifier", self.nullifier), ("scope", self.scope))
                 if i is not None]
        if len(set(used)) != len(used):
            raise ContractInputError(f"layout: expected distinct signals for roots, nullifier and scope, found {used}")

    def solidity(self) -> dict[str, str]:
        """The template's fields for this layout."""
        checks = [f"        checkRoot({s}, signals[{i}]);" for s, i in enumerate(self.roots)]
        if self.scope is not None:
            checks.append(f"        if (!scopeOpen[signals[{self.scope}]]) revert ScopeNotOpen(signals[{self.scope}]);")
        if self.nullifier is None:
            null_check, null_record = "        uint256 nullifier = 0;  // no nullifier signal", ""
        else:
            null_check = (f"        uint256 nullifier = signals[{self.nullifier}];\n"
                          "        if (nullifierUsed[nullifier]) revert NullifierUsed(nullifier);")
            null_record = "        nullifierUsed[nullifier] = true;"
        doc = {"ROOTS_DOC": "signals " + ", ".join(f"{i} (set {s})" for s, i in enumerate(self.roots))
               if self.roots else "none",
               "SCOPE_DOC": f"signal {self.scope}" if self.scope is not None else "none",
               "NULLIFIER_DOC": f"signal {self.nullifier}" if self.nullifier is not None else "none"}
        return {"N": str(self.num_public), "ROOT_SETS": str(len(self.roots)),
                "CHECKS": "\n".join(checks) or "        // no root or scope signal",
                "NULLIFIER_CHECK": null_check, "NULLIFIER_RECORD": null_record,
                "SIGNAL_BYTES": hex(32 * self.num_public), "CALL_BYTES": hex(4 + 256 + 32 * self.num_public),
                **doc}


def _need_layout(layout: object) -> AppLayout:
    if not isinstance(layout, AppLayout):
        raise ContractInputError(f"layout: expected an AppLayout, found {type(layout).__name__}")
    return layout


def app_source(layout: AppLayout, *, root_window: int = DEFAULT_ROOT_WINDOW, pragma: str = DEFAULT_PRAGMA) -> str:
    """Solidity source of ``ZkApp`` (admin-recorded roots) and ``ZkRelayedApp`` (root set 0
    relayed from another chain) for ``layout``.

    >>> src = app_source(AppLayout(num_public=2, roots=(0,), nullifier=1))
    >>> "uint256[2] calldata signals" in src and "contract ZkRelayedApp" in src
    True

    Raises:
        ContractInputError: not an AppLayout, a window outside [1, 2^32], a bad pragma.
    """
    return render("ZkApp.sol.tmpl", root_window=root_window, pragma=pragma, fields=_need_layout(layout).solidity())


def compile_app(layout: AppLayout, name: str = "ZkApp", *, root_window: int = DEFAULT_ROOT_WINDOW,
                pragma: str = DEFAULT_PRAGMA) -> CompiledContract:
    """Compile one of :data:`APP_CONTRACTS` for ``layout`` with solc.

    Raises:
        ContractInputError: ``name`` is not one of :data:`APP_CONTRACTS`, or as :func:`app_source`.
        ToolError: no Solidity compiler.
    """
    if name not in APP_CONTRACTS:
        raise ContractInputError(f"contract: expected one of {APP_CONTRACTS}, found {name!r}")
    return compile_solidity(app_source(layout, root_window=root_window, pragma=pragma), name)


class AppContractBase(ContractClient):
    """What both app contracts answer: root sets, scopes, nullifiers, proofs."""

    def __init__(self, chain: Chain, address: str, layout: AppLayout, compiled: CompiledContract | None = None) -> None:
        super().__init__(chain, address, compiled)
        self.layout = _need_layout(layout)

    def _set(self, root_set: object) -> int:
        return _index(root_set, "set", max(len(self.layout.roots), 1))

    # ------------------------------------------------------------------ reads

    def current_root(self, set: int = 0) -> int:  # noqa: A002 (the contract's word)
        return self._read("currentRoot(uint256)", [self._set(set)])[0]

    def root_count(self, set: int = 0) -> int:  # noqa: A002
        """How many roots set ``set`` ever recorded (its current root's sequence number)."""
        return self._read("rootCount(uint256)", [self._set(set)])[0]

    def root_info(self, root: int, set: int = 0) -> tuple[int, int]:  # noqa: A002
        """(sequence number, timestamp) of a recorded root of ``set``; (0, 0) for an unknown one."""
        seq, ts = self._read("roots(uint256,uint256)", [self._set(set), need_uint(root, "root")])
        return seq, ts

    def check_root(self, root: int, set: int = 0) -> None:  # noqa: A002
        """Raise the contract's refusal for ``root`` in ``set`` (unknown, stale, expired), if any."""
        self._read("checkRoot(uint256,uint256)", [self._set(set), need_uint(root, "root")])

    def is_root_valid(self, root: int, set: int = 0) -> bool:  # noqa: A002
        try:
            self.check_root(root, set)
        except ContractRevertError:
            return False
        return True

    # ------------------------------------------------------------------ proofs

    def proof_calldata(self, function: str, proof: Proof, signals: Sequence[int]) -> bytes:
        """The complete ``data`` of a ``validateProof`` or ``verifyProof`` call."""
        if function not in ("validateProof", "verifyProof"):
            raise ContractInputError(f"function: expected validateProof or verifyProof, found {function!r}")
        n = self.layout.num_public
        if isinstance(signals, (str, bytes)) or not isinstance(signals, Sequence) or len(signals) != n:
            raise ContractInputError(f"signals: expected a sequence of {n} public signals, found {signals!r:.80}")
        words = [need_uint(v, f"signals[{i}]") for i, v in enumerate(signals)]
        return encode_call(f"{function}(uint256[8],uint256[{n}])", proof_words(proof) + words)

    def validate(self, proof: Proof, signals: Sequence[int], *, sender: str | None = None,
                 gas: int | None = None) -> Receipt:
        """Send ``validateProof``: check the roots and the scope, verify, record the
        nullifier (its event ``ProofValidated`` is in the receipt's logs).

        Raises:
            ContractRevertError: the contract's refusals, each its own subclass
                (NullifierUsedError, UnknownRootError, StaleRootError, ExpiredRootError,
                ScopeNotOpenError, InvalidProofError, VerifierRevertedError); the
                transaction is not sent when the node's estimate shows one.
            ContractError: a revert without a known error (too little ``gas``).
        """
        receipt = self.chain.transact(self.address, self.proof_calldata("validateProof", proof, signals),
                                      sender=sender, gas=gas)
        if receipt.reverted:
            raise self._refusal(receipt.revert_data, "validateProof")
        return receipt

    def verify(self, proof: Proof, signals: Sequence[int]) -> bool:
        """Call the view ``verifyProof``: the verifier's answer, recording nothing (the
        nullifier is not looked at: see :meth:`is_nullifier_used`).

        Raises:
            ContractRevertError: as :meth:`validate` (UnknownRootError, StaleRootError,
                ExpiredRootError, ScopeNotOpenError, VerifierRevertedError).
        """
        res = self.chain.call(self.address, self.proof_calldata("verifyProof", proof, signals))
        if res.reverted:
            raise self._refusal(res.output, "verifyProof")
        return res.as_bool()


class AppContract(AppContractBase):
    """``ZkApp``: an application whose admin records each root set's new roots."""

    @classmethod
    def deploy(cls, chain: Chain, verifier: str, layout: AppLayout, *, admin: str | None = None,
               max_age: int = 0, root_window: int = DEFAULT_ROOT_WINDOW,
               compiled: CompiledContract | None = None) -> AppContract:
        """Compile (unless ``compiled`` is given: :func:`compile_app`) and deploy the app for
        ``layout``, using the verifier at ``verifier`` (exported by
        :func:`zkp.evm.export_verifier` for the circuit); ``admin`` defaults to the chain's
        sender. A root stays valid while it is one of the last ``root_window`` roots of its
        set and, when ``max_age`` is not 0, for ``max_age`` seconds after it was recorded."""
        compiled = compiled if compiled is not None else compile_app(layout, "ZkApp", root_window=root_window)
        if compiled.name != "ZkApp":
            raise ContractInputError(f"compiled: expected ZkApp, found {compiled.name}")
        return cls(chain, chain.deploy(compiled.bytecode + deploy_words(chain, verifier, admin, max_age)), layout,
                   compiled)

    def add_root(self, root: int, set: int = 0, *, sender: str | None = None) -> Receipt:  # noqa: A002
        """Record ``root`` as set ``set``'s current root (admin only); its previous roots stay
        valid while in the window."""
        return self._send("addRoot(uint256,uint256)", [self._set(set), need_uint(root, "root")], sender=sender)
