"""Fixed-point model gadgets, twins of :mod:`circuits.native.ml` (equal exactly).

Values are signed fixed-point integers of a :class:`~circuits.native.ml.FixedPoint`
format (``bits`` wide with the sign, ``frac_bits`` fractional), as field elements
``q mod r``. The widths come from the format; each range is enforced by one bit
decomposition. Costs, for ``b = bits`` and ``f = frac_bits``:

========================================  =========================================
``linear`` (public weights: ints)          the products are free; ``b + f`` per output (rescale)
``linear`` (private weights: Vars)         1 per product, plus ``b + f`` per output
``rescale``                                ``b + shift`` (exact rounding half up, range checked)
``sign`` / ``relu``                        ``b`` / ``b + 1`` (``relu`` after ``rescale_signed``: 1)
``sigmoid`` (PLAN, piecewise linear)       ``4 b + f + 14`` (after ``rescale_signed``: ``3 b + f + 14``)
``argmax`` of n values                     ``n (b + 2) + 1``
``commit`` of n values                     one Poseidon(16) per 15 values
========================================  =========================================

Inputs of ``relu``, ``sign``, ``sigmoid`` are range-checked by their decomposition;
``argmax`` needs values already in range (outputs of ``linear``/``rescale``/``relu``, or
checked with ``sign``).

    >>> from circuits import Circuit, Public, Secret, Field, compile
    >>> from circuits.native import ml as native
    >>> fmt = native.FixedPoint(frac_bits=8, bits=16)
    >>> W, b = [[512, -256], [128, 64]], [0, 256]
    >>> class Layer(Circuit):
    ...     y: Public[Field, 2]
    ...     x: Secret[Field, 2]
    ...     def define(self, api):
    ...         xs = [sign_checked(api, v, fmt) for v in self.x]
    ...         for out, want in zip(linear(api, xs, W, b, fmt), self.y):
    ...             api.assert_equal(relu(api, out, fmt), want)
    >>> cs = compile(Layer)
    >>> x = [fmt.encode(1.5), fmt.encode(2.0)]
    >>> y = [native.relu(v, fmt) for v in native.linear(x, W, b, fmt)]
    >>> cs.solve(Layer(y=[native.to_field(v) for v in y], x=[native.to_field(v) for v in x])).public == y
    True
"""

from __future__ import annotations

from typing import Any, Sequence

from zkp.field import R

from ..api import API
from ..engine import hints
from ..errors import CircuitTypeError
from ..native.ml import COMMIT_CHUNK, FixedPoint
from ..var import Operand, Var
from .poseidon import poseidon

__all__ = ["rescale", "rescale_signed", "linear", "linear_signed", "sign", "sign_checked", "relu", "sigmoid", "argmax",
           "commit", "one_hot_argmax"]


def _fmt(fmt: Any, what: str) -> FixedPoint:
    if not isinstance(fmt, FixedPoint):
        raise CircuitTypeError(f"{what}: expected a FixedPoint format, found {type(fmt).__name__}")
    return fmt


def rescale(api: API, y: Operand, fmt: FixedPoint, *, shift: int | None = None) -> Var:
    """``y / 2**shift`` rounded half up (``shift`` defaults to ``frac_bits``), constrained
    to the format's range: one decomposition of ``y + 2**(bits-1+shift) + 2**(shift-1)``
    into ``bits + shift`` bits (``bits + shift`` constraints); the quotient is its high bits,
    so the remainder's bits (``shift`` of them) make the rounding exact."""
    return rescale_signed(api, y, fmt, shift=shift)[0]


def rescale_signed(api: API, y: Operand, fmt: FixedPoint, *, shift: int | None = None) -> tuple[Var, Var]:
    """:func:`rescale` and the result's sign bit (1 iff it is ``>= 0``), which is the
    decomposition's top bit: no constraint more. Pass it as ``nonneg=`` to :func:`relu` or
    :func:`sigmoid` to spare their own decomposition."""
    fmt = _fmt(fmt, "rescale")
    s = fmt.frac_bits if shift is None else shift
    if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= 128:
        raise CircuitTypeError(f"rescale: expected 1 <= shift <= 128, found {shift!r}")
    with api.scope("rescale"):
        bits = api.to_bits(api.lift(y) + ((1 << (fmt.bits - 1 + s)) + (1 << (s - 1))), fmt.bits + s)
    return api.from_bits(bits[s:]) - (1 << (fmt.bits - 1)), bits[-1]


def linear(api: API, x: Sequence[Operand], weights: Sequence[Sequence[int | Var]], bias: Sequence[int | Var],
           fmt: FixedPoint) -> list[Var]:
    """``rescale(W x + b * 2**frac_bits)`` per row: int weights (public, part of the
    circuit) are free linear combinations; Var weights (private inputs, range-checked by
    the caller) cost one constraint per product."""
    return [q for q, _ in linear_signed(api, x, weights, bias, fmt)]


def linear_signed(api: API, x: Sequence[Operand], weights: Sequence[Sequence[int | Var]], bias: Sequence[int | Var],
                  fmt: FixedPoint) -> list[tuple[Var, Var]]:
    """:func:`linear` with each output's sign bit (see :func:`rescale_signed`)."""
    fmt = _fmt(fmt, "linear")
    if len(weights) != len(bias) or any(len(row) != len(x) for row in weights):
        raise CircuitTypeError(f"linear: expected weights of shape ({len(bias)}, {len(x)}) and {len(bias)} biases, "
                               f"found rows of {sorted({len(row) for row in weights})} for {len(x)} inputs")
    xs = [api.lift(v) for v in x]
    out = []
    for row, b in zip(weights, bias):
        terms: list[tuple[Operand, int]] = []
        with api.scope("products"):
            for w, v in zip(row, xs):
                if isinstance(w, Var):
                    terms.append((api.mul(w, v), 1))
                elif w:
                    terms.append((v, w))
        acc = api.lincomb([*terms, (api.lift(b), 1 << fmt.frac_bits)])
        out.append(rescale_signed(api, acc, fmt))
    return out


def sign(api: API, x: Operand, fmt: FixedPoint) -> Var:
    """A Bool, 1 iff ``x >= 0``, constraining ``x`` to the format's range (``bits``
    constraints: the top bit of ``x + 2**(bits-1)``)."""
    fmt = _fmt(fmt, "sign")
    with api.scope("sign"):
        bits = api.to_bits(api.lift(x) + (1 << (fmt.bits - 1)), fmt.bits)
    return bits[-1]


def sign_checked(api: API, x: Operand, fmt: FixedPoint) -> Var:
    """``x`` itself, range-checked to the format (a private input or weight): ``bits``
    constraints."""
    sign(api, x, fmt)
    return api.lift(x)


def relu(api: API, x: Operand, fmt: FixedPoint, *, nonneg: Var | None = None) -> Var:
    """``max(x, 0)``: ``bits + 1`` constraints, 1 with ``nonneg``, the sign bit of ``x``
    that :func:`rescale_signed` proved (``x`` is then in range already)."""
    x = api.lift(x)
    if nonneg is None:
        nonneg = sign(api, x, fmt)
    with api.scope("relu"):
        return api.select(nonneg, x, 0)


def sigmoid(api: API, x: Operand, fmt: FixedPoint, *, nonneg: Var | None = None) -> Var:
    """The PLAN sigmoid (see :mod:`circuits.native.ml`): ``|x|`` by the sign bit,
    three comparisons with 1, 2.375 and 5 pick the segment (telescoped selections), one
    rescale by 32 rounds it, the sign bit mirrors it (``4 bits + frac_bits + 14``;
    ``bits`` fewer with ``nonneg``, the sign bit from :func:`rescale_signed`)."""
    fmt = _fmt(fmt, "sigmoid")
    x = api.lift(x)
    one = fmt.one
    if nonneg is None:
        nonneg = sign(api, x, fmt)
    with api.scope("sigmoid"):
        a = api.typed(api.select(nonneg, x, -x), fmt.bits)  # |x| <= 2**(bits-1): bound by the sign bit
        ge1, ge2, ge5 = (~api.less_than(a, api.constant(t)) for t in (one, 19 * one // 8, 5 * one))
        seg0 = api.lincomb([(a, 8)], 16 * one)
        seg1 = api.lincomb([(a, 4)], 20 * one)
        seg2 = api.lincomb([(a, 1)], 27 * one)
        t = (seg0 + api.mul(ge1, seg1 - seg0) + api.mul(ge2, seg2 - seg1)
             + api.mul(ge5, api.lincomb([(a, -1)], 5 * one)))
        bits = api.to_bits(t + 16, fmt.frac_bits + 6)  # 16 one <= t <= 32 one
        q = api.from_bits(bits[5:])
        return api.select(nonneg, q, api.lincomb([(q, -1)], one))


@hints.named("circuits.ml.one_hot_argmax")
def one_hot_argmax(*values: int) -> list[int]:
    """The hint behind :func:`argmax`: the one-hot vector of the first largest value
    (values read as signed field elements)."""
    signed = [v - R if v > R // 2 else v for v in values]
    k = signed.index(max(signed))
    return [int(i == k) for i in range(len(values))]


def argmax(api: API, xs: Sequence[Operand], fmt: FixedPoint) -> Var:
    """The first index of the largest of ``xs`` (values in the format's range): a hinted
    one-hot vector (``n`` booleans summing to 1), the selected value ``m`` (``n``
    products), and ``m - x_j - [j < k]`` in ``bits`` bits for every ``j`` (``m`` is at
    least every value and above those before it): ``n (bits + 2) + 1`` constraints."""
    fmt = _fmt(fmt, "argmax")
    vs = [api.lift(v) for v in xs]
    n = len(vs)
    if n < 1:
        raise CircuitTypeError("argmax: expected at least one value, found none")
    with api.scope("argmax"):
        hot = api.hint(one_hot_argmax, *vs, outputs=n)
        hot = [api.as_bool(h) for h in hot]
        api.assert_equal(api.lincomb([(h, 1) for h in hot]), 1)
        m = api.lincomb([(api.mul(h, v), 1) for h, v in zip(hot, vs)])
        for j, v in enumerate(vs):
            after = api.lincomb([(h, 1) for h in hot[j + 1:]])  # 1 iff the index is past j
            api.to_bits(m - v - after, fmt.bits)
        return api.lincomb([(h, i) for i, h in enumerate(hot)])


def commit(api: API, values: Sequence[Operand], salt: Operand) -> Var:
    """The Poseidon chain of :func:`circuits.native.ml.commit`: ``h = salt``, then
    ``h = poseidon([h, *chunk])`` per chunk of 15 values."""
    h = api.lift(salt)
    vs = list(values)
    with api.scope("commit"):
        for i in range(0, len(vs), COMMIT_CHUNK):
            h = poseidon(api, [h, *vs[i:i + COMMIT_CHUNK]])
    return h
