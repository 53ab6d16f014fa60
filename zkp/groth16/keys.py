"""Groth16 keys and proofs (names as in the paper and snarkjs: alpha_g1, gamma_abc_g1 = IC).

Keys hold their point vectors as packed buffers (EIP-196/197 encodings, see
``zkp/_bn254.pyi``), never as lists of Python point objects.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing on the prove path
if TYPE_CHECKING:
    from typing import Any

from ..curve import G1Point, G2Point
from ..errors import InputTypeError, MalformedInputError

if TYPE_CHECKING:
    from .proving_key import ProvingKey

__all__ = ["VerifyingKey", "PreparedVerifyingKey", "ProvingKey", "Proof"]


def _need(value: object, cls: type, what: str) -> None:
    if not isinstance(value, cls):
        raise InputTypeError(f"{what}: expected a {cls.__name__}, found {type(value).__name__}")


_FIX_DELTA = ("The key comes from a setup without a phase-2 contribution: add one to its .zkey "
              "(`zkmpc zkey contribute OLD.zkey NEW.zkey`, or `snarkjs zkey contribute OLD.zkey "
              "NEW.zkey`) or apply a random beacon (`zkmpc zkey beacon OLD.zkey NEW.zkey BEACON_HEX "
              "10`, or `snarkjs zkey beacon OLD.zkey NEW.zkey BEACON_HEX 10`), then export the "
              "verifying key again (`zkey export verificationkey NEW.zkey VK.json`)")


def _check_ic_distinct(ic: tuple[G1Point, ...]) -> None:
    """Refuse two IC points that are equal or opposite (one pass over x: P and -P share it).

    With IC[j] = +-IC[i] the public-input commitment ``sum x_k IC[k]`` takes the same value on
    different input vectors (add t to x_i and subtract or add t to x_j), so one proof fits all
    of them; IC[0] is held to the same rule. Wider linear relations between IC points
    (IC[j] = 2 IC[i]) cannot be found without discrete logarithms; an honest setup has them
    only when the circuit uses two public inputs in proportional ways.
    """
    seen: dict[int, int] = {}
    for j, p in enumerate(ic):
        i = seen.setdefault(p.x, j)
        if i != j:
            how = "equal" if p == ic[i] else "opposite"
            raise MalformedInputError(
                f"verifying key: IC[{i}] and IC[{j}] are {how} points, so one proof would fit "
                f"many public-input vectors; expected distinct, non-opposite IC points")


_DEV_NOTE = "development key: whoever ran the setup can forge proofs (production keys come from a ceremony)"


class _Frozen:
    """Immutable records without :mod:`dataclasses` (whose import, with :mod:`inspect`, is
    a tenth of a one-shot ``zkmpc prove``): fields set once in ``__init__``, equality and
    hash over :attr:`_KEY`, :meth:`replace` for a changed copy."""

    _KEY: tuple[str, ...] = ()

    def _set(self, **fields: object) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is immutable")

    def replace(self, **changes: Any) -> Any:
        """A copy with some fields changed (what :func:`dataclasses.replace` did when these
        were dataclasses), validated as a new one is.

        Example:
            >>> from zkp.curve import G1Point, G2Point
            >>> p = Proof(G1Point.generator(), G2Point.generator(), G1Point.generator())
            >>> p.replace(c=G1Point.generator() * 2) == p
            False
        """
        fields = {name: getattr(self, name) for name in self.__dict__}
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"{type(self).__name__}.replace: no field {sorted(unknown)[0]!r}")
        return type(self)(**{**fields, **changes})

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._KEY)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


class VerifyingKey(_Frozen):
    """The verifying key. ``ic[0] + sum(x_i * ic[i])`` is the public-input commitment.

    ``development`` is True for keys from a single-party :func:`zkp.groth16.setup`:
    whoever ran it can forge proofs (it takes no part in equality).
    """

    alpha_g1: G1Point
    beta_g2: G2Point
    gamma_g2: G2Point
    delta_g2: G2Point
    ic: tuple[G1Point, ...]
    development: bool
    _KEY = ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "ic")
    __match_args__ = ("alpha_g1", "beta_g2", "gamma_g2", "delta_g2", "ic")

    def __init__(self, alpha_g1: G1Point, beta_g2: G2Point, gamma_g2: G2Point, delta_g2: G2Point,
                 ic: tuple[G1Point, ...], development: bool = False) -> None:
        self._set(alpha_g1=alpha_g1, beta_g2=beta_g2, gamma_g2=gamma_g2, delta_g2=delta_g2, ic=ic,
                  development=development)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("alpha_g1",):
            _need(getattr(self, name), G1Point, name)
        for name in ("beta_g2", "gamma_g2", "delta_g2"):
            _need(getattr(self, name), G2Point, name)
        if not isinstance(self.ic, tuple) or not self.ic:
            raise MalformedInputError("verifying key: IC must be a non-empty tuple of G1 points")
        for i, p in enumerate(self.ic):
            _need(p, G1Point, f"IC[{i}]")
        self._check_degenerate()

    def _check_degenerate(self) -> None:
        pts: list[tuple[str, G1Point | G2Point]] = [("alpha_g1", self.alpha_g1), ("beta_g2", self.beta_g2),
               ("gamma_g2", self.gamma_g2), ("delta_g2", self.delta_g2)]
        pts += [(f"IC[{i}]", p) for i, p in enumerate(self.ic)]
        for name, p in pts:
            if p.is_infinity():
                raise MalformedInputError(f"verifying key: {name} is the point at infinity")
        _check_ic_distinct(self.ic)
        if self.gamma_g2 == self.delta_g2:
            raise MalformedInputError(f"verifying key: gamma equals delta, so anyone can forge "
                                      f"proofs (pi_c - IC[1] is a valid proof for public[0] + 1, "
                                      f"and snarkjs accepts it). {_FIX_DELTA}")
        if self.delta_g2 == G2Point.generator():
            raise MalformedInputError("verifying key: delta is the G2 generator (no phase-2 "
                                      f"contribution was made, so delta is known to all). {_FIX_DELTA}")

    @property
    def num_public(self) -> int:
        return len(self.ic) - 1

    def prepare(self) -> PreparedVerifyingKey:
        return PreparedVerifyingKey(self)

    def __repr__(self) -> str:
        dev = ", development=True" if self.development else ""
        return f"VerifyingKey(num_public={self.num_public}{dev})"

    def _repr_html_(self) -> str:
        from ..display import html_table, short  # html: loaded for notebooks, not for `zkmpc prove`

        rows = [("public inputs", self.num_public), ("alpha", short(self.alpha_g1.x)), ("IC points", len(self.ic))]
        return html_table("Groth16 verifying key (BN254)", rows, note=_DEV_NOTE if self.development else "")


class PreparedVerifyingKey:
    """A verifying key with its constant pairing operands encoded once, for repeated use."""

    __slots__ = ("vk", "ic_bytes", "g2_bytes", "alpha_bytes")

    def __init__(self, vk: VerifyingKey) -> None:
        _need(vk, VerifyingKey, "vk")
        self.vk = vk
        self.ic_bytes = b"".join(p.to_bytes() for p in vk.ic)
        self.alpha_bytes = vk.alpha_g1.to_bytes()
        self.g2_bytes = vk.beta_g2.to_bytes() + vk.gamma_g2.to_bytes() + vk.delta_g2.to_bytes()

    def __repr__(self) -> str:
        return f"PreparedVerifyingKey(num_public={self.vk.num_public})"


class Proof(_Frozen):
    """A Groth16 proof ``(A, B, C)``; 256 bytes in its canonical encoding."""

    a: G1Point
    b: G2Point
    c: G1Point
    _KEY = ("a", "b", "c")
    __match_args__ = ("a", "b", "c")

    def __init__(self, a: G1Point, b: G2Point, c: G1Point) -> None:
        self._set(a=a, b=b, c=c)
        self.__post_init__()

    def __post_init__(self) -> None:
        _need(self.a, G1Point, "proof A")
        _need(self.b, G2Point, "proof B")
        _need(self.c, G1Point, "proof C")

    def to_bytes(self) -> bytes:
        return self.a.to_bytes() + self.b.to_bytes() + self.c.to_bytes()

    def __repr__(self) -> str:
        from ..display import short

        return f"Proof(a={short(self.a.x)}, b={short(self.b.x[0])}, c={short(self.c.x)})"

    def _repr_html_(self) -> str:
        from ..display import html_table, short

        rows = [("A (G1)", f"({short(self.a.x)}, {short(self.a.y)})"),
                ("B (G2)", f"({short(self.b.x[0])}, {short(self.b.x[1])}), ({short(self.b.y[0])}, {short(self.b.y[1])})"),
                ("C (G1)", f"({short(self.c.x)}, {short(self.c.y)})")]
        return html_table("Groth16 proof (256 bytes)", rows)

    @classmethod
    def from_bytes(cls, data: bytes) -> Proof:
        """Decode 256 bytes, validating every point."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != 256:
            raise MalformedInputError(f"proof: expected 256 bytes, found {len(data) if isinstance(data, (bytes, bytearray)) else type(data).__name__}")
        return cls(G1Point.from_bytes(data[:64]), G2Point.from_bytes(data[64:192]),
                   G1Point.from_bytes(data[192:]))


def __getattr__(name: str) -> Any:
    # ProvingKey lives in zkp.groth16.proving_key (a dataclass: loaded where a key is built or
    # read whole, never by the .zkey prover); this name stays importable from here
    if name == "ProvingKey":
        from .proving_key import ProvingKey

        return ProvingKey
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
