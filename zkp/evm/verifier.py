"""Solidity source of a Groth16 verifier for one verifying key.

    >>> import warnings
    >>> from zkp import groth16
    >>> from zkp.r1cs import R1CSBuilder
    >>> from zkp.evm import export_verifier
    >>> b = R1CSBuilder(num_public=1); x = b.new_wire(); y = b.new_wire()
    >>> _ = b.add({y: 1}, {y: 1}, {x: 1}, "y*y == x")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     pk, vk = groth16.setup(b.build())
    >>> try:  # a single-party setup: whoever ran it can forge proofs
    ...     export_verifier(vk)
    ... except ValueError as exc:
    ...     print(type(exc).__name__, "zkmpc zkey contribute" in str(exc))
    SetupError True
    >>> src = export_verifier(vk, contract_name="SquareVerifier", allow_development=True)
    >>> "contract SquareVerifier" in src and "uint256[1] calldata pubSignals" in src
    True
    >>> export_verifier(vk, contract_name="SquareVerifier", allow_development=True) == src
    True
"""

from __future__ import annotations

import re
from importlib import resources

from ..errors import InputTypeError, MalformedInputError, SetupError
from ..groth16.keys import VerifyingKey
from .keccak import keccak256

__all__ = ["export_verifier", "verify_signature", "verify_batch_signature", "DEFAULT_PRAGMA"]

DEFAULT_PRAGMA = ">=0.8.4 <0.9.0"
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}")
_PRAGMA = re.compile(r"[0-9<>=^~. ]{1,64}")
_BLOCKS = {"IC_CONSTANTS", "INPUT_CHECKS", "VK_X_TERMS", "BATCH_INPUTS", "BATCH_VK_TERMS"}
_MAX_PUBLIC = 1024  # far above what fits the 24 KiB contract-size limit; refuses absurd keys early

# where production keys come from, for the error that refuses a development key
_PRODUCTION_KEYS = (
    "production keys come from a phase-2 ceremony on a powers-of-tau file: `zkmpc zkey new "
    "CIRCUIT.r1cs POT.ptau c0.zkey`, then `zkmpc zkey contribute` by at least two independent "
    "parties and `zkmpc zkey beacon`, then `zkmpc zkey export verificationkey` (or "
    "zkp.ceremony.new_zkey / contribute / beacon in Python)")


def _refuse_development(vk: VerifyingKey, allow_development: object) -> None:
    """A development key (``vk.development``) only with ``allow_development=True``."""
    if not isinstance(allow_development, bool):
        raise InputTypeError(f"allow_development: expected a bool, found {type(allow_development).__name__}")
    if vk.development and not allow_development:
        raise SetupError(
            "verifying key: expected a production key, found a development key (a single-party "
            "setup, or fewer than two phase-2 contributions: whoever made it can forge proofs); "
            "its verifier is exported or deployed only with allow_development=True (command "
            "line: --allow-development-key), for tests and demos; "
            + _PRODUCTION_KEYS)


def _template() -> str:
    return resources.files("zkp.evm").joinpath("templates/Groth16Verifier.sol.tmpl").read_text("utf-8")


def verify_signature(num_public: int) -> str:
    """The canonical signature of ``verifyProof`` (snarkjs's; no ``pubSignals`` when there are
    no public inputs, since Solidity has no zero-length arrays)."""
    tail = f",uint256[{num_public}]" if num_public else ""
    return f"verifyProof(uint256[2],uint256[2][2],uint256[2]{tail})"


def verify_batch_signature(num_public: int) -> str:
    tail = f",uint256[{num_public}][]" if num_public else ""
    return f"verifyProofs(uint256[8][]{tail})"


def _ic_blocks(vk: VerifyingKey) -> tuple[str, str, str, str, str]:
    n = vk.num_public
    consts = "".join(f"    uint256 internal constant IC{i}_X = {p.x};\n"
                     f"    uint256 internal constant IC{i}_Y = {p.y};\n" for i, p in enumerate(vk.ic))
    checks = "".join(f"            ok := and(ok, lt(calldataload(add(pubSignals, {hex(32 * i)})), R))\n"
                     for i in range(n))
    terms = []
    for i in range(1, n + 1):
        terms.append(
            f"            {{\n"
            f"                let s := calldataload(add(pubSignals, {hex(32 * (i - 1))}))\n"
            f"                if s {{\n"
            f"                    mstore(0x1c0, IC{i}_X)\n"
            f"                    mstore(0x1e0, IC{i}_Y)\n"
            f"                    if gt(s, 1) {{\n"
            f"                        mstore(0x200, s)\n"
            f"                        ok := and(ok, staticcall(gas(), 0x07, 0x1c0, 0x60, 0x1c0, 0x40))\n"
            f"                    }}\n"
            f"                    ok := and(ok, staticcall(gas(), 0x06, 0x180, 0x80, 0x180, 0x40))\n"
            f"                }}\n"
            f"            }}\n")
    batch_terms = "".join(
        f"            mstore(add(pv, 0x40), IC{j}_X)\n"
        f"            mstore(add(pv, 0x60), IC{j}_Y)\n"
        f"            mstore(add(pv, 0x80), mload({hex(0x120 + 32 * (j - 1))}))\n"
        f"            status := and(status, staticcall(gas(), 0x07, add(pv, 0x40), 0x60, add(pv, 0x40), 0x40))\n"
        f"            status := and(status, staticcall(gas(), 0x06, pv, 0x80, pv, 0x40))\n" for j in range(1, n + 1))
    batch_inputs = "" if n == 0 else (
        f"                let ia := add(pub, mul(i, {hex(32 * n)}))\n"
        f"                for {{ let j := 0 }} lt(j, {n}) {{ j := add(j, 1) }} {{\n"
        f"                    let x := calldataload(add(ia, shl(5, j)))\n"
        f"                    ok := and(ok, lt(x, R))\n"
        f"                    let vp := add(0x120, shl(5, j))\n"
        f"                    mstore(vp, addmod(mload(vp), mulmod(ri, x, R), R))\n"
        f"                }}\n")
    return consts, checks, "".join(terms), batch_terms, batch_inputs


def _check_arguments(vk: object, contract_name: object, pragma: object) -> None:
    if not isinstance(vk, VerifyingKey):
        raise InputTypeError(f"vk: expected a VerifyingKey, found {type(vk).__name__}")
    for what, value, rx in (("contract_name", contract_name, _IDENT), ("pragma", pragma, _PRAGMA)):
        if not isinstance(value, str):
            raise InputTypeError(f"{what}: expected a str, found {type(value).__name__}")
        if not rx.fullmatch(value):
            raise MalformedInputError(f"{what}: {value!r} is not allowed here")
    if vk.num_public > _MAX_PUBLIC:
        raise MalformedInputError(
            f"verifying key: {vk.num_public} public inputs, at most {_MAX_PUBLIC} supported")


def _key_values(vk: VerifyingKey) -> dict[str, str]:
    """The key's constants (G2 coordinates in EIP-197 order: c1 before c0) and digest."""
    out = {"ALPHA_X": str(vk.alpha_g1.x), "ALPHA_Y": str(vk.alpha_g1.y)}
    for name, pt in (("BETA", vk.beta_g2), ("GAMMA", vk.gamma_g2), ("DELTA", vk.delta_g2)):
        (x0, x1), (y0, y1) = pt.x, pt.y
        out.update({f"{name}_X1": str(x1), f"{name}_X0": str(x0), f"{name}_Y1": str(y1), f"{name}_Y0": str(y0)})
    encoded = (vk.alpha_g1.to_bytes() + vk.beta_g2.to_bytes() + vk.gamma_g2.to_bytes() + vk.delta_g2.to_bytes()
               + b"".join(p.to_bytes() for p in vk.ic))
    out["VK_DIGEST"] = "0x" + keccak256(encoded).hex()
    out["DEV_NOTE"] = ("// WARNING: development key from a single-party setup; whoever ran it can forge proofs.\n"
                       if vk.development else "")
    return out


def _shape_values(vk: VerifyingKey) -> dict[str, str]:
    """What depends on the number of public inputs: signatures, offsets, unrolled Yul."""
    n = vk.num_public
    consts, checks, terms, batch_terms, batch_inputs = _ic_blocks(vk)
    params = "uint256[2] calldata a, uint256[2][2] calldata b, uint256[2] calldata c"
    batch = "uint256[8][] calldata proofs"
    if n:
        params += f", uint256[{n}] calldata pubSignals"
        batch += f", uint256[{n}][] calldata pubSignals"
    head = 4 + 32 * (2 if n else 1)  # selector and one offset word per dynamic argument
    return {
        "IC_CONSTANTS": consts, "VERIFY_PARAMS": params, "CALLDATA_SIZE": str(4 + 32 * (8 + n)),
        "INPUT_CHECKS": checks, "VK_X_TERMS": terms,
        "BATCH_PARAMS": batch, "PROOFS_OFFSET": hex(head + 32),
        "BATCH_SHAPE": "and(eq(pubSignals.length, k), eq(pubSignals.offset, pub))" if n else "1",
        "PUB_START": "add(proofs.offset, add(mul(k, 0x100), 0x20))" if n else "add(proofs.offset, mul(k, 0x100))",
        "INPUT_BYTES": hex(32 * n), "PAIRING_START": hex(0x120 + 32 * n),
        "BATCH_INPUTS": batch_inputs, "BATCH_VK_TERMS": batch_terms,
    }


def export_verifier(vk: VerifyingKey, *, contract_name: str = "Groth16Verifier",
                    pragma: str = DEFAULT_PRAGMA, allow_development: bool = False) -> str:
    """Render the Solidity verifier of ``vk``.

    The contract has snarkjs's ABI, ``verifyProof(uint[2] a, uint[2][2] b, uint[2] c,
    uint[N] pubSignals) returns (bool)`` (without ``pubSignals`` when N = 0), plus
    ``verifyProofs(uint[8][] proofs, uint[N][] pubSignals)`` for batches. The same key
    always gives byte-identical source. ``pragma`` is the version range after ``pragma
    solidity`` (the code needs 0.8.4 or newer: calldata ``.offset`` in assembly).

    The contract returns false for a wrong proof, an input >= r, ``A.y >= q`` or a proof
    point at infinity, and reverts when a precompile call fails (a point the precompile
    refuses, or too little gas): a call that returns has its true answer at any gas limit.

    Security:
        A development key (``vk.development``: a single-party :func:`zkp.groth16.setup`,
        or a ``.zkey`` with fewer than two contributions) lets whoever made it forge
        proofs; it is refused unless ``allow_development=True`` (tests, demos), and its
        source then carries a warning. The mark survives ``verification_key.json``
        (see :func:`zkp.formats.snarkjs_json.vk_to_json`).

    Raises:
        InputTypeError: ``vk`` is not a :class:`VerifyingKey`, or a name is not a str.
        MalformedInputError: a contract name that is not a Solidity identifier, a pragma with
            other characters than digits, dots, spaces and ``<>=^~``, or over 1024 inputs.
        SetupError: a development key without ``allow_development=True``; the message
            says how to make a production key.
    """
    _check_arguments(vk, contract_name, pragma)
    _refuse_development(vk, allow_development)
    values = {"CONTRACT": contract_name, "PRAGMA": pragma, **_key_values(vk), **_shape_values(vk)}
    src = _template()
    for key, value in values.items():
        if key in _BLOCKS:  # on lines of their own, bringing their own newlines (or none)
            src = src.replace("{{" + key + "}}\n", value)
        else:
            src = src.replace("{{" + key + "}}", value)
    if "{{" in src:
        raise AssertionError("unfilled template placeholder")  # a template/renderer mismatch
    return src
