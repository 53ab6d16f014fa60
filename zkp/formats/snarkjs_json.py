"""snarkjs 0.7.6 JSON: ``verification_key.json``, ``proof.json``, ``public.json``.

Written byte for byte as snarkjs writes them (one-space indent, decimal strings, no
trailing newline, ``vk_alphabeta_12`` included). Read strictly: every number a canonical
decimal string below its modulus, every point validated (G2 in the subgroup), public
inputs below r (never reduced), no floats, duplicate keys or extra nesting.

Example:
    >>> from zkp.formats.snarkjs_json import public_to_json, public_from_json
    >>> public_to_json([33, 36])
    '[\\n "33",\\n "36"\\n]'
    >>> public_from_json(public_to_json([33, 36]))
    [33, 36]
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any, Sequence

from ..curve import G1Point, G2Point
from ..errors import FormatError, MalformedInputError
from ..field import P, R, check_fr

if TYPE_CHECKING:  # the readers import these and the strict reader: a prover writing a proof needs neither
    from ..groth16.keys import Proof, VerifyingKey

__all__ = ["vk_to_json", "vk_from_json", "proof_to_json", "proof_from_json",
           "public_to_json", "public_from_json", "alphabeta_tower"]

_MAX_PROOF_BYTES = 64 * 1024
_DEV_KEY = "zkmpc_development"  # marks a development verifying key (see vk_to_json)


def _dumps(doc: Any, newline: str = "\n") -> str:
    """``json.dumps(doc, indent=1)``, written here so that a prover writing a proof does not
    import json: lists, objects, bools, ints and plain ASCII names are spelled directly,
    anything else (escapes, floats, None) by json itself.

    Example:
        >>> _dumps({"pi_a": ["1", "2"], "n": 3, "dev": True, "e": []})
        '{\\n "pi_a": [\\n  "1",\\n  "2"\\n ],\\n "n": 3,\\n "dev": true,\\n "e": []\\n}'
    """
    inner = newline + " "
    if isinstance(doc, list) and doc:
        return "[" + inner + ("," + inner).join(_dumps(v, inner) for v in doc) + newline + "]"
    if isinstance(doc, dict) and doc:
        items = (f"{_dumps(k)}: {_dumps(v, inner)}" for k, v in doc.items())
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(doc, bool):
        return "true" if doc else "false"
    if type(doc) is int:
        return str(doc)
    if isinstance(doc, str) and doc.isascii() and doc.replace("_", "").isalnum():
        return f'"{doc}"'
    import json

    return json.dumps(doc, indent=1)


def _g1(p: G1Point) -> list[str]:
    return ["0", "1", "0"] if p.is_infinity() else [str(p.x), str(p.y), "1"]


def _g2(p: G2Point) -> list[list[str]]:
    if p.is_infinity():
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(p.x[0]), str(p.x[1])], [str(p.y[0]), str(p.y[1])], ["1", "0"]]


def _list(v: Any, n: int, what: str) -> list[Any]:
    if not isinstance(v, list) or len(v) != n:
        found = f"a list of {len(v)}" if isinstance(v, list) else type(v).__name__
        raise FormatError(f"{what}: expected a list of {n}, found {found}")
    return v


def _read_g1(v: Any, what: str) -> G1Point:
    from .strict_json import parse_decimal

    x, y, z = (parse_decimal(c, what, P) for c in _list(v, 3, what))
    if (x, y, z) == (0, 1, 0):
        return G1Point.infinity()
    if z != 1:
        raise FormatError(f"{what}: expected affine coordinates (z = 1), found z = {z}")
    try:
        return G1Point(x, y)
    except MalformedInputError as exc:
        raise FormatError(f"{what}: {exc}") from None


def _read_g2(v: Any, what: str) -> G2Point:
    from .strict_json import parse_decimal

    rows = _list(v, 3, what)
    x, y, z = (tuple(parse_decimal(c, what, P) for c in _list(r, 2, what)) for r in rows)
    if z == (0, 0) and x == (0, 0) and y == (1, 0):
        return G2Point.infinity()
    if z != (1, 0):
        raise FormatError(f"{what}: expected affine coordinates (z = 1), found z = {z}")
    try:
        return G2Point(x, y)  # type: ignore[arg-type]
    except MalformedInputError as exc:
        raise FormatError(f"{what}: {exc}") from None


def _object(doc: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise FormatError(f"{what}: expected a JSON object, found {type(doc).__name__}")
    missing = keys - set(doc)
    if missing:
        raise FormatError(f"{what}: missing keys {sorted(missing)}")
    # snarkjs never reads "curve" and some published files lack it (iden3's JWZ proofs): an
    # absent field means groth16 on bn128, any other value is refused
    protocol, curve = doc.get("protocol", "groth16"), doc.get("curve", "bn128")
    if protocol != "groth16" or curve != "bn128":
        raise FormatError(f"{what}: expected protocol 'groth16' on curve 'bn128' (or neither "
                          f"field), found {protocol!r} on {curve!r}")
    return doc


def alphabeta_tower(vk: VerifyingKey) -> list[list[list[str]]]:
    """``e(alpha, beta)`` as snarkjs writes it: ffjavascript's tower (Fq12 = Fq6[w],
    Fq6 = Fq2[v], w^2 = v, v^3 = 9 + u), raised to ``2u(6u^2 + 3u + 1)`` as its final
    exponentiation (Fuentes-Castaneda et al.) does."""
    from py_ecc.fields import optimized_bn128_FQ as FQ
    from py_ecc.fields import optimized_bn128_FQ2 as FQ2
    from py_ecc.optimized_bn128 import pairing  # type: ignore[attr-defined,unused-ignore]

    a, b = vk.alpha_g1, vk.beta_g2
    e = pairing((FQ2(list(b.x)), FQ2(list(b.y)), FQ2.one()), (FQ(a.x), FQ(a.y), FQ.one()))
    u = 4965661367192848881
    e = e ** (2 * u * (6 * u * u + 3 * u + 1) % R)
    c = [int(x) for x in e.coeffs]
    tower = [((c[k] + 9 * c[k + 6]) % P, c[k + 6]) for k in range(6)]
    return [[[str(x), str(y)] for x, y in tower[i::2]] for i in (0, 1)]


def vk_to_json(vk: VerifyingKey) -> str:
    """``verification_key.json`` exactly as ``snarkjs zkey export verificationkey``; a
    development key (``vk.development``) has ``"zkmpc_development": true`` at the end, so
    the mark survives the file (:func:`zkp.evm.export_verifier` refuses such a key)."""
    doc = {
        "protocol": "groth16",
        "curve": "bn128",
        "nPublic": vk.num_public,
        "vk_alpha_1": _g1(vk.alpha_g1),
        "vk_beta_2": _g2(vk.beta_g2),
        "vk_gamma_2": _g2(vk.gamma_g2),
        "vk_delta_2": _g2(vk.delta_g2),
        "vk_alphabeta_12": alphabeta_tower(vk),
        "IC": [_g1(p) for p in vk.ic],
    }
    if vk.development:  # one extra key, which snarkjs ignores; absent for production keys
        doc[_DEV_KEY] = True
    return _dumps(doc)


def vk_from_json(text: str | bytes) -> VerifyingKey:
    """Read a snarkjs verifying key (``vk_alphabeta_12`` is not trusted, only skipped)."""
    from ..groth16.keys import VerifyingKey
    from .strict_json import load_strict

    doc = _object(load_strict(text, what="verification key"),
                  {"nPublic", "vk_alpha_1", "vk_beta_2", "vk_gamma_2",
                   "vk_delta_2", "IC"}, "verification key")
    dev = doc.get(_DEV_KEY, False)
    if not isinstance(dev, bool):
        raise FormatError(f"verification key: {_DEV_KEY} must be true or false, found {dev!r}")
    n = doc["nPublic"]
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise FormatError(f"verification key: nPublic must be an int >= 0, found {n!r}")
    ic = _list(doc["IC"], n + 1, "verification key IC")
    try:
        return VerifyingKey(
            alpha_g1=_read_g1(doc["vk_alpha_1"], "vk_alpha_1"),
            beta_g2=_read_g2(doc["vk_beta_2"], "vk_beta_2"),
            gamma_g2=_read_g2(doc["vk_gamma_2"], "vk_gamma_2"),
            delta_g2=_read_g2(doc["vk_delta_2"], "vk_delta_2"),
            ic=tuple(_read_g1(p, f"IC[{i}]") for i, p in enumerate(ic)), development=dev)
    except FormatError:
        raise
    except MalformedInputError as exc:
        raise FormatError(str(exc)) from None


def proof_to_json(proof: Proof) -> str:
    """``proof.json`` exactly as ``snarkjs groth16 prove``."""
    doc = {"pi_a": _g1(proof.a), "pi_b": _g2(proof.b), "pi_c": _g1(proof.c),
           "protocol": "groth16", "curve": "bn128"}
    return _dumps(doc)


def proof_from_json(text: str | bytes) -> Proof:
    from ..groth16.keys import Proof
    from .strict_json import load_strict

    doc = _object(load_strict(text, max_bytes=_MAX_PROOF_BYTES, what="proof"),
                  {"pi_a", "pi_b", "pi_c"}, "proof")
    return Proof(_read_g1(doc["pi_a"], "pi_a"), _read_g2(doc["pi_b"], "pi_b"),
                 _read_g1(doc["pi_c"], "pi_c"))


def public_to_json(values: Sequence[int]) -> str:
    """``public.json``: the public signals as decimal strings."""
    return _dumps([str(check_fr(v, f"public input {i}")) for i, v in enumerate(values)])


def public_from_json(text: str | bytes, *, num_public: int | None = None) -> list[int]:
    """Read ``public.json``; with ``num_public`` (the key's count) the number of values is
    compared before any of them is parsed, so a wrong-sized document fails at once.

    Raises:
        FormatError: not a list of canonical decimal strings below r, or not ``num_public``
            of them.
    """
    from .strict_json import load_strict, parse_decimal

    doc = load_strict(text, what="public inputs")
    if not isinstance(doc, list):
        raise FormatError(f"public inputs: expected a JSON list, found {type(doc).__name__}")
    if num_public is not None and len(doc) != num_public:
        raise FormatError(f"public inputs: expected {num_public}, found {len(doc)}")
    return [parse_decimal(v, f"public input {i}", R) for i, v in enumerate(doc)]
