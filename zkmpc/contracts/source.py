"""The group contracts' Solidity, rendered from ``templates/ZkGroup.sol.tmpl``; the root
relay of ``ZkRelayedGroup`` and ``ZkRelayedApp`` is one piece, ``templates/RootRelay.sol.tmpl``,
that both templates include.

    >>> from zkmpc.contracts import group_source
    >>> src = group_source(root_window=8)
    >>> "uint256 public constant ROOT_WINDOW = 8;" in src and "contract ZkRelayedGroup" in src
    True
    >>> group_source(root_window=8) == src
    True
"""

from __future__ import annotations

import re
from importlib import resources

from zkp.evm import CompiledContract, compile_solidity

from ..errors import ContractInputError

__all__ = ["CONTRACTS", "DEFAULT_ROOT_WINDOW", "compile_group", "group_source"]

DEFAULT_ROOT_WINDOW = 30  # roots a proof may lag behind the current one (Tornado Cash keeps 30)
DEFAULT_PRAGMA = ">=0.8.4 <0.9.0"
CONTRACTS = ("ZkGroup", "ZkRelayedGroup")
_PRAGMA = re.compile(r"[0-9<>=^~. ]{1,64}")
_MAX_WINDOW = 1 << 32


def group_source(*, root_window: int = DEFAULT_ROOT_WINDOW, pragma: str = DEFAULT_PRAGMA) -> str:
    """Solidity source of ``ZkGroup`` (admin-recorded roots) and ``ZkRelayedGroup`` (roots
    relayed from another chain with a signed attestation), sharing ``ZkGroupBase``.

    Args:
        root_window: how many recent roots a proof may use (the current one included; at
            least 1).
        pragma: the version range after ``pragma solidity`` (0.8.4 or newer: custom errors).

    Raises:
        ContractInputError: a window outside [1, 2^32], or a pragma with other characters
            than digits, dots, spaces and ``<>=^~``.
    """
    return render("ZkGroup.sol.tmpl", root_window=root_window, pragma=pragma)


def _relay_fields(template: str) -> dict[str, str]:
    """How ``templates/RootRelay.sol.tmpl`` reads in ``template``: ZkRelayedApp relays its
    root set 0, ZkRelayedGroup its only one."""
    if template == "ZkApp.sol.tmpl":
        return {"RELAY_SET": "set 0", "RELAY_BASE": "ZkAppBase", "RELAY_CURRENT": "currentRoot[0]",
                "RELAY_ROOTS": "roots[0]", "RELAY_RECORD": "0, "}
    return {"RELAY_SET": "the group", "RELAY_BASE": "ZkGroupBase", "RELAY_CURRENT": "currentRoot",
            "RELAY_ROOTS": "roots", "RELAY_RECORD": ""}


def render(template: str, *, root_window: int, pragma: str, fields: dict[str, str] | None = None) -> str:
    """``templates/<template>`` with the root relay (``templates/RootRelay.sol.tmpl``), the
    pragma, the root window and ``fields`` filled in.

    Raises:
        ContractInputError: a window outside [1, 2^32], or a pragma with other characters
            than digits, dots, spaces and ``<>=^~``.
    """
    if not isinstance(root_window, int) or isinstance(root_window, bool) or not 1 <= root_window <= _MAX_WINDOW:
        raise ContractInputError(f"root_window: expected an int in [1, 2^32], found {root_window!r}")
    if not isinstance(pragma, str) or not _PRAGMA.fullmatch(pragma):
        raise ContractInputError(f"pragma: expected a version range such as {DEFAULT_PRAGMA!r}, found {pragma!r}")
    templates = resources.files("zkmpc.contracts").joinpath("templates")
    src = templates.joinpath(template).read_text("utf-8")
    values = {"RELAY": templates.joinpath("RootRelay.sol.tmpl").read_text("utf-8").rstrip("\n"),
              **_relay_fields(template), "PRAGMA": pragma, "ROOT_WINDOW": str(root_window), **(fields or {})}
    for key, value in values.items():
        src = src.replace("{{" + key + "}}", value)
    if "{{" in src:
        raise AssertionError("unfilled template placeholder")  # a template/renderer mismatch
    return src


def compile_group(name: str = "ZkGroup", *, root_window: int = DEFAULT_ROOT_WINDOW,
                  pragma: str = DEFAULT_PRAGMA) -> CompiledContract:
    """Compile one of :data:`CONTRACTS` with solc (see :func:`zkp.evm.compile_solidity`).

    Raises:
        ContractInputError: ``name`` is not one of :data:`CONTRACTS`.
        ToolError: no Solidity compiler.
    """
    if name not in CONTRACTS:
        raise ContractInputError(f"contract: expected one of {CONTRACTS}, found {name!r}")
    return compile_solidity(group_source(root_window=root_window, pragma=pragma), name)
