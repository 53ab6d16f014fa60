"""Non-native integers: numbers of any size as limbs in base ``2**width``.

A :class:`BigInt` is ``sum(limbs[i] * 2**(width * i))`` where every limb is an integer
known to lie in ``bounds[i] = (lo, hi)``: the type says what range checks have proved (or
what addition of such limbs gives). Adding and subtracting are free (limb by limb, the
bounds add up); everything else is one identity between integers checked with carries:

- ``A * B - C * D - E = 0`` (a product modulo ``M``: ``A * B = Q * M + R``, ``Q`` and
  ``R`` native hints, range-checked limb by limb) is the polynomial identity
  ``A(X) B(X) - C(X) D(X) - E(X) = (2**width - X) Carry(X)``, checked at the ``n``
  points ``X = 0 .. n-1`` (``n`` columns): one constraint per point (two when neither
  ``C`` nor ``D`` is a constant); of the ``n - 1`` carries (a native hint) only one per
  group of columns is range-checked, groups as long as r allows (:func:`_group_carries`);
- a linear identity (``A = B``, the normalisation of ``b - a - 1`` for ``a < b``) has its
  carries as linear combinations of the columns: only their range checks and one row;
- :func:`mod_div` reduces a sum of products (or divides it) modulo a constant ``M``: ``X``
  from one ``MODDIV`` hint, range-checked, and ``T = A * B - C * D - E - X * F == 0 (mod
  M)`` checked folded (:func:`_folded_zero`): the columns of ``T`` (products at the points,
  Lagrange's coefficients), those past ``M``'s limbs folded onto the low ones with small
  digits of ``2**(width i) mod M``, the quotient of the folded number by ``M`` and one
  carry as linear combinations, each range-checked: a check modulo r (free) and one modulo
  ``2**(width g)``, no limbs of the quotient. Limbs too wide for that keep the identity
  with carries above (elliptic-curve slopes and coordinates: :mod:`~circuits.gadgets.ecdsa`).

Every identity also checks that no column, carry or product can wrap modulo r (the
coefficients of the polynomial identity hold in the field; bounded below r/2 they hold in
the integers), so limb widths up to about 120 bits work for 2048-bit numbers.

Costs for 2048-bit numbers, a product modulo a constant ``n`` (quotient and remainder
range-checked) for the ``n`` of the golden counts: 17 limbs of 121 bits, 8,149 constraints
(33 points, each carry checked); 64 limbs of 32 bits, 5,019 (127 points, one carry in five
checked); 128 limbs of 16 bits 4,764 (LCs of 128 terms). A modulus that is a circuit input
adds one product per point.

    >>> from circuits import Circuit, Secret, UInt, compile
    >>> from circuits.gadgets import bigint as bi
    >>> P = 2**255 - 19
    >>> class MulMod(Circuit):
    ...     a: Secret[UInt[64], 4]
    ...     b: Secret[UInt[64], 4]
    ...     c: Secret[UInt[64], 4]
    ...     def define(self, api):
    ...         a, b, c = (bi.from_limbs(api, list(x), 64) for x in (self.a, self.b, self.c))
    ...         bi.assert_equal(api, bi.mul_mod(api, a, b, P, canonical=True), c)
    >>> cs = compile(MulMod)
    >>> from circuits.native.bigint import to_limbs
    >>> x, y = 3**150, 5**100
    >>> w = cs.solve(MulMod(a=to_limbs(x, 64, 4), b=to_limbs(y, 64, 4), c=to_limbs(x * y % P, 64, 4)))
    >>> cs.r1cs.is_satisfied(w.values())
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from zkp.field import R

from ..api import API
from ..engine import hints
from ..errors import CircuitDefinitionError, CircuitTypeError
from ..var import Operand, Var
from ._fold import _HALF, Bound, _eval, _fold_plan, _folded_zero, _product_columns, _range

__all__ = ["BigInt", "constant", "from_limbs", "from_bits", "add", "sub", "scale", "mul", "mul_mod",
           "assert_mul_mod", "assert_equal", "assert_less_than", "is_less_than", "normalize", "mod_div",
           "mod_div_bits", "assert_zero_mod"]



@dataclass(frozen=True)
class BigInt:
    """``sum(limbs[i] * 2**(width * i))`` with limb ``i`` an integer in ``bounds[i]``
    (inclusive; what the range checks proved). Made by :func:`from_limbs`,
    :func:`from_bits`, :func:`constant` and the operations of this module."""

    limbs: tuple[Var, ...]
    width: int
    bounds: tuple[Bound, ...]

    @property
    def lo(self) -> int:
        """The least value the limbs allow."""
        return sum(lo << (self.width * i) for i, (lo, _) in enumerate(self.bounds))

    @property
    def hi(self) -> int:
        """The greatest value the limbs allow."""
        return sum(hi << (self.width * i) for i, (_, hi) in enumerate(self.bounds))

    def __len__(self) -> int:
        return len(self.limbs)

    def is_constant(self) -> bool:
        return all(x.is_constant() for x in self.limbs)


def _check_width(width: int) -> None:
    if isinstance(width, bool) or not isinstance(width, int) or not 1 <= width <= 125:
        raise CircuitTypeError(f"bigint: expected a limb width in 1..125, found {width!r}")


def constant(api: API, value: int, width: int, k: int | None = None) -> BigInt:
    """The constant ``value >= 0`` in ``k`` limbs (as few as hold it by default): free."""
    _check_width(width)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CircuitTypeError(f"bigint.constant: expected an int >= 0, found {value!r:.60}")
    n = max(1, -(-value.bit_length() // width)) if k is None else k
    if value >> (width * n):
        raise CircuitDefinitionError(f"bigint.constant: {value.bit_length()} bits do not fit in {n} limbs "
                                     f"of {width} bits")
    vals = [(value >> (width * i)) & ((1 << width) - 1) for i in range(n)]
    return BigInt(tuple(api.constant(v) for v in vals), width, tuple((v, v) for v in vals))


def from_limbs(api: API, limbs: Sequence[Operand], width: int, *, bits: Sequence[int] | None = None,
               low: Sequence[int] | None = None) -> BigInt:
    """The integer of ``limbs`` (least significant first), limb ``i`` checked to
    ``low[i] <= limb < low[i] + 2**bits[i]`` (default ``0 <= limb < 2**width``): ``bits[i]``
    constraints per limb, none for a limb already typed ``UInt[bits[i]]`` (with ``low`` 0)."""
    _check_width(width)
    n = len(limbs)
    bits = [width] * n if bits is None else list(bits)
    low = [0] * n if low is None else list(low)
    if len(bits) != n or len(low) != n or n == 0:
        raise CircuitTypeError(f"bigint.from_limbs: expected {n} >= 1 limbs, bits and lows, found "
                               f"{n}, {len(bits)} and {len(low)}")
    out, bounds = [], []
    for x, b, lo in zip(limbs, bits, low):
        v = api.lift(x)
        if not 1 <= b <= 252 or lo < 0:
            raise CircuitTypeError(f"bigint.from_limbs: expected 1 <= bits <= 252 and low >= 0, found {b}, {lo}")
        if v.is_constant():
            c = v.constant_value()
            if not lo <= c < lo + (1 << b):
                raise CircuitDefinitionError(f"bigint.from_limbs: the constant limb {c} is not in "
                                             f"[{lo}, {lo} + 2**{b})")
            bounds.append((c, c))
        elif lo == 0 and v.bits is not None and v.bits <= b:
            bounds.append((0, (1 << v.bits) - 1))
        else:
            bounds.append(_range(api, v, lo, lo + (1 << b) - 1))
        out.append(v)
    return BigInt(tuple(out), width, tuple(bounds))


def from_bits(api: API, bits: Sequence[Var], width: int) -> BigInt:
    """The integer of Bools ``bits`` (least significant first): limbs are sums of bits, free."""
    _check_width(width)
    limbs, bounds = [], []
    for i in range(0, len(bits), width):
        chunk = [api.lift(b) for b in bits[i:i + width]]
        for b in chunk:
            api.require_bool(b, "bigint.from_bits")
        limbs.append(api.lincomb([(b, 1 << j) for j, b in enumerate(chunk)]))
        bounds.append((0, (1 << len(chunk)) - 1))
    if not limbs:
        raise CircuitTypeError("bigint.from_bits: expected at least one bit")
    return BigInt(tuple(limbs), width, tuple(bounds))


def _same_width(a: BigInt, b: BigInt) -> int:
    if a.width != b.width:
        raise CircuitTypeError(f"bigint: limbs of {a.width} and {b.width} bits cannot be mixed")
    return a.width


def _lift(api: API, x: BigInt | int, width: int) -> BigInt:
    return constant(api, x, width) if isinstance(x, int) else x


def _combine(api: API, a: BigInt, b: BigInt, sign: int) -> BigInt:
    w = _same_width(a, b)
    n = max(len(a), len(b))
    zero = api.constant(0)
    limbs, bounds = [], []
    for i in range(n):
        x = a.limbs[i] if i < len(a) else zero
        y = b.limbs[i] if i < len(b) else zero
        (alo, ahi), (blo, bhi) = (a.bounds[i] if i < len(a) else (0, 0)), (b.bounds[i] if i < len(b) else (0, 0))
        limbs.append(x + y if sign > 0 else x - y)
        bounds.append((alo + blo, ahi + bhi) if sign > 0 else (alo - bhi, ahi - blo))
    return BigInt(tuple(limbs), w, tuple(bounds))


def add(api: API, a: BigInt, b: BigInt | int) -> BigInt:
    """``a + b`` limb by limb (free; the limbs' bounds add up)."""
    return _combine(api, a, _lift(api, b, a.width), 1)


def sub(api: API, a: BigInt, b: BigInt | int) -> BigInt:
    """``a - b`` limb by limb (free; limbs may be negative: use it in :func:`assert_equal`
    or :func:`normalize`, not as a factor of :func:`mul_mod`)."""
    return _combine(api, a, _lift(api, b, a.width), -1)


def scale(api: API, a: BigInt, k: int) -> BigInt:
    """``a * k`` for a constant ``k >= 0``: limbs linear in ``a``'s (free; the columns of the
    product, their bounds the products of the bounds)."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise CircuitTypeError(f"bigint.scale: expected a constant int >= 0, found {k!r:.60}")
    return _times_constant(api, a, k)


# ------------------------------------------------------------ the carry check


def _poly_bounds(x: BigInt, y: BigInt, n: int) -> list[Bound]:
    out = [(0, 0)] * n
    for i, (alo, ahi) in enumerate(x.bounds):
        for j, (blo, bhi) in enumerate(y.bounds):
            corners = (alo * blo, alo * bhi, ahi * blo, ahi * bhi)
            lo, hi = out[i + j]
            out[i + j] = (lo + min(corners), hi + max(corners))
    return out


def _columns(terms: Sequence[tuple[int, BigInt, BigInt | None]]) -> list[Bound]:
    """The bounds of the columns of ``sum(sign * x * y)`` (``y`` None: ``sign * x``)."""
    n = max(len(x) + (len(y) - 1 if y is not None else 0) for _, x, y in terms)
    cols = [(0, 0)] * n
    for sign, x, y in terms:
        if sign not in (1, -1):
            raise CircuitDefinitionError(f"bigint: a term's sign must be 1 or -1, found {sign!r}")
        part = _poly_bounds(x, y, n) if y is not None else list(x.bounds) + [(0, 0)] * (n - len(x))
        for i, (lo, hi) in enumerate(part):
            clo, chi = cols[i]
            cols[i] = (clo + lo, chi + hi) if sign > 0 else (clo - hi, chi - lo)
    return cols


def _carry_bounds(cols: Sequence[Bound], width: int) -> list[Bound]:
    """The interval of each honest carry ``c_i = (col_i + c_{i-1}) >> width``."""
    out, lo, hi = [], 0, 0
    for clo, chi in cols[:-1]:
        lo, hi = (clo + lo) >> width, (chi + hi) >> width
        out.append((lo, hi))
    return out


def _check_no_wrap(cols: Sequence[Bound], carries: Sequence[Bound], width: int) -> None:
    """``col_i + c_{i-1} - 2**width c_i`` must not reach r/2 in absolute value (then the
    field identity is the integer one)."""
    def big(b: Bound) -> int:
        return max(abs(b[0]), abs(b[1]))

    for i, col in enumerate(cols):
        total = big(col) + (big(carries[i]) << width if i < len(carries) else 0) + \
            (big(carries[i - 1]) if i else 0)
        if total >= _HALF:
            raise CircuitDefinitionError(f"bigint: column {i} may reach {total.bit_length()} bits, past r/2: "
                                         "use narrower limbs")


def _group_carries(cols: Sequence[Bound], width: int) -> list[tuple[int, int, int]]:
    """The carries to range-check, ``(index, lo, hi)``: one per group of columns.

    The identity at the points makes every column's relation ``col_i + c_{i-1} = 2**width
    c_i`` hold modulo r; summed over columns ``s..e`` with weights ``2**(width (i - s))``,
    the carries inside telescope away: ``sum(col_i 2**(width (i - s))) + c_{s-1} =
    2**(width (e - s + 1)) c_e``. With ``c_{s-1}`` and ``c_e`` range-checked and that sum
    below r/2 in absolute value, it holds in the integers, and the groups telescope to the
    whole identity (``c_e`` of the last column is 0: no carry out). So only the carry at
    the end of each group is checked, and groups are as long as r allows: one column each
    for limbs of 120 bits, five for limbs of 32."""
    def big(b: Bound) -> int:
        return max(abs(b[0]), abs(b[1]))

    out: list[tuple[int, int, int]] = []
    n, start, prev = len(cols), 0, (0, 0)
    while start < n:
        best: tuple[int, Bound] | None = None
        lo = hi = 0
        for end in range(start, n):
            shift = width * (end - start)
            lo, hi = lo + (cols[end][0] << shift), hi + (cols[end][1] << shift)
            size = shift + width
            if end == n - 1:
                checked = (0, 0)
            else:
                clo, chi = (lo + prev[0]) >> size, (hi + prev[1]) >> size
                checked = (clo, clo + (1 << max(1, (chi - clo).bit_length())) - 1)
            if max(abs(lo), abs(hi)) + big(prev) + (big(checked) << size) >= _HALF:
                break
            best = (end, checked)
        if best is None:
            raise CircuitDefinitionError(f"bigint: column {start} may reach r/2: use narrower limbs")
        end, checked = best
        if end < n - 1:
            out.append((end, checked[0], checked[1]))
        start, prev = end + 1, checked
    return out


def _assert_linear_zero(api: API, x: BigInt) -> None:
    """``x == 0`` as an integer for limbs that are linear combinations: carries as linear
    combinations of the columns, each range-checked, and the top column's sum is 0."""
    cols = list(x.bounds)
    carries = _carry_bounds(cols, x.width)
    checked, carry = [], api.constant(0)
    inv = pow(1 << x.width, -1, R)
    for i, (lo, hi) in enumerate(carries):
        carry = api.scale(x.limbs[i] + carry, inv)
        checked.append(_range(api, carry, lo, hi))
    _check_no_wrap(cols, checked, x.width)
    api.assert_equal(x.limbs[-1] + carry, 0)


def _assert_product_identity(api: API, a: BigInt, b: BigInt, c: BigInt | None, d: BigInt | None,
                             e: BigInt | None) -> None:
    """``a * b - c * d - e == 0`` as integers (see the module docstring)."""
    w = a.width
    terms: list[tuple[int, BigInt, BigInt | None]] = [(1, a, b)]
    if c is not None and d is not None:
        terms.append((-1, c, d))
    if e is not None:
        terms.append((-1, e, None))
    cols = _columns(terms)
    n = len(cols)
    if n == 1:
        prod = api.mul(a.limbs[0], b.limbs[0])
        cd = api.mul(c.limbs[0], d.limbs[0]) if c is not None and d is not None else api.constant(0)
        api.assert_equal(prod - cd - (e.limbs[0] if e is not None else 0), 0)
        _check_no_wrap(cols, [], w)
        return
    ks = (len(a), len(b), len(c) if c else 0, len(d) if d else 0, len(e) if e else 0)
    ins = [*a.limbs, *b.limbs, *(c.limbs if c else ()), *(d.limbs if d else ()), *(e.limbs if e else ())]
    with api.scope("bigint.carries"):
        wires = api.hint(hints.carries(w, *ks), *ins, outputs=n - 1)
    for at, lo, hi in _group_carries(cols, w):
        _range(api, wires[at], lo, hi)
    carry = BigInt(tuple(wires), w, tuple((0, 0) for _ in wires))  # bounds unused: evaluated only
    for t in range(n):
        rhs = api.scale(_eval(api, carry, t), (1 << w) - t)
        if c is not None and d is not None:
            ct, dt = _eval(api, c, t), _eval(api, d, t)
            rhs = rhs + (api.mul(ct, dt) if not (ct.is_constant() or dt.is_constant()) else ct * dt)
        if e is not None:
            rhs = rhs + _eval(api, e, t)
        api.enforce(_eval(api, a, t), _eval(api, b, t), rhs, "bigint/identity")


# ------------------------------------------------------------ products


def _nonnegative(x: BigInt, what: str) -> None:
    if any(lo < 0 for lo, _ in x.bounds):
        raise CircuitDefinitionError(f"bigint.{what}: expected limbs >= 0, found bounds {x.bounds[:3]}...; "
                                     "normalize it first")


def _split_bound(value_max: int, width: int) -> list[int]:
    """Bits of each limb of a number ``<= value_max``: ``width`` each, the top one the rest."""
    k = max(1, -(-value_max.bit_length() // width))
    return [width] * (k - 1) + [max(1, (value_max >> (width * (k - 1))).bit_length())]


def _checked(api: API, wires: Sequence[Var], bits: Sequence[int], width: int) -> BigInt:
    """Limbs range-checked to ``[0, 2**bits[i])`` whatever their type says."""
    return BigInt(tuple(wires), width, tuple(_range(api, v, 0, (1 << b) - 1) for v, b in zip(wires, bits)))


def _divmod(api: API, a: BigInt, b: BigInt, m: BigInt, r_bits: Sequence[int]) -> tuple[BigInt | None, BigInt | None]:
    """Quotient and remainder of ``a * b`` by ``m`` as range-checked native hints (None
    when the bound is 0: no quotient possible, or no remainder wanted)."""
    w = _same_width(a, b)
    _same_width(a, m)
    for x in (a, b, m):
        _nonnegative(x, "mul_mod")
    if m.lo == 0:
        raise CircuitDefinitionError("bigint.mul_mod: the modulus may be 0; give its limbs a lower bound "
                                     "(from_limbs(..., low=...))")
    q_max = a.hi * b.hi // m.lo
    q_bits = _split_bound(q_max, w) if q_max else []
    kq, kr = len(q_bits), len(r_bits)
    with api.scope("bigint.divmod"):  # the quotient's wires, then the remainder's
        outs = api.hint(hints.divmod_limbs(w, len(a), len(b), len(m), kq, kr), *a.limbs, *b.limbs, *m.limbs,
                        outputs=kq + kr)
    q = _checked(api, outs[:kq], q_bits, w) if kq else None
    r = _checked(api, outs[kq:], r_bits, w) if kr else None
    return q, r


def mul_mod(api: API, a: BigInt, b: BigInt, m: BigInt | int, *, canonical: bool = False) -> BigInt:
    """``a * b`` modulo ``m`` (a constant or a BigInt whose lower bound is not 0): the
    quotient and the remainder are native hints, range-checked (the remainder to the limbs
    of ``m``: below ``2**bits(m.hi)``, not necessarily below ``m`` unless ``canonical``,
    which adds :func:`assert_less_than`), and ``a * b = q * m + r`` checked with carries."""
    m = _lift(api, m, a.width)
    q, r = _divmod(api, a, b, m, _split_bound(m.hi, a.width))
    if r is None:  # pragma: no cover  (r_bits is never empty)
        raise CircuitDefinitionError("bigint.mul_mod: no remainder")
    _assert_product_identity(api, a, b, q, m if q is not None else None, r)
    if canonical:
        assert_less_than(api, r, m)
    return r


def assert_mul_mod(api: API, a: BigInt, b: BigInt, m: BigInt | int, r: BigInt) -> None:
    """Constrain ``a * b = q * m + r`` for an integer ``q >= 0`` (a range-checked native
    hint, ``a * b // m``): so ``a * b == r (mod m)``, and a witness exists when ``r`` is the
    remainder ``a * b % m`` (the caller's, with its own bounds)."""
    m = _lift(api, m, a.width)
    _nonnegative(r, "assert_mul_mod")
    q, _ = _divmod(api, a, b, m, [])
    _assert_product_identity(api, a, b, q, m if q is not None else None, r)


def mul(api: API, a: BigInt, b: BigInt) -> BigInt:
    """The exact product ``a * b``, its limbs normalised (below ``2**width``, the top
    limb to what ``a.hi * b.hi`` needs): a native hint checked with carries."""
    _nonnegative(a, "mul")
    _nonnegative(b, "mul")
    w = _same_width(a, b)
    bits = _split_bound(a.hi * b.hi, w)
    k = len(bits)
    m = constant(api, 1 << (w * k), w)
    with api.scope("bigint.divmod"):
        outs = api.hint(hints.divmod_limbs(w, len(a), len(b), len(m), 0, k), *a.limbs, *b.limbs, *m.limbs,
                        outputs=k)
    prod = _checked(api, outs, bits, w)
    _assert_product_identity(api, a, b, None, None, prod)
    return prod


# ------------------------------------------------------------ comparisons


def assert_equal(api: API, a: BigInt, b: BigInt | int) -> None:
    """``a == b`` as integers (limbs may differ: carries): a few constraints per limb."""
    diff = sub(api, a, b)
    if len(diff) == 1:
        api.assert_equal(diff.limbs[0], 0)
        return
    _assert_linear_zero(api, diff)


def normalize(api: API, x: BigInt, *, top_bits: int | None = None) -> BigInt:
    """The same integer with limbs in ``[0, 2**width)`` (the top one in ``[0, 2**top_bits)``,
    by default what ``x.hi`` needs): refuses (no witness) a negative ``x`` or one that does
    not fit. Native hint of the carries; the limbs are linear in them."""
    w = x.width
    k = len(x)
    top = top_bits if top_bits is not None else max(1, (max(x.hi, 0) >> (w * (k - 1))).bit_length())
    if k == 1:
        return from_limbs(api, [x.limbs[0]], w, bits=[top])
    one = constant(api, 1, w)
    cols = list(x.bounds)
    with api.scope("bigint.carries"):
        carries = api.hint(hints.carries(w, k, 1, 0, 0, 0), *x.limbs, *one.limbs, outputs=k - 1)
    checked = [_range(api, v, lo, hi) for v, (lo, hi) in zip(carries, _carry_bounds(cols, w))]
    limbs: list[Var] = []
    for i in range(k):
        y = x.limbs[i] + (carries[i - 1] if i else 0)
        if i < k - 1:
            y = y - api.scale(carries[i], 1 << w)
        limbs.append(y)
    out = _checked(api, limbs, [w] * (k - 1) + [top], w)
    # each limb equation y_i + 2**w c_i = x_i + c_{i-1} holds in the integers when nothing wraps
    _check_no_wrap([(lo - (1 << w), hi + (1 << w)) for lo, hi in cols], checked, w)
    return out


def assert_less_than(api: API, a: BigInt, b: BigInt | int) -> None:
    """``a < b`` as integers: ``b - a - 1`` normalised (so non-negative): about ``width``
    constraints per limb."""
    b = _lift(api, b, a.width)
    d = sub(api, b, add(api, a, 1))
    normalize(api, d, top_bits=max(1, (max(b.hi, 1) >> (a.width * (len(d) - 1))).bit_length()))


def is_less_than(api: API, a: BigInt, b: BigInt | int) -> Var:
    """A Bool, 1 iff ``a < b`` (limbs of ``a`` and ``b`` non-negative): ``b - a - 1 + 2**K``
    normalised, its bit ``K`` read (``2**K`` above both)."""
    b = _lift(api, b, a.width)
    _nonnegative(a, "is_less_than")
    _nonnegative(b, "is_less_than")
    w = a.width
    big = max(a.hi, b.hi).bit_length() + 1
    k = max(len(a), len(b), big // w + 1)
    d = add(api, sub(api, b, add(api, a, 1)), constant(api, 1 << big, w, k))
    top = big - w * (k - 1) + 1
    norm = normalize(api, d, top_bits=top)
    bit = api.to_bits(norm.limbs[-1], top)[big - w * (k - 1)]
    return api.result(bit, "bigint.is_less_than")


# ------------------------------------------------------------ sums of products modulo a constant


def _span(x: BigInt | None, y: BigInt | None) -> Bound:
    """The interval of ``x * y`` (``x`` alone when ``y`` is None, 0 when ``x`` is None)."""
    if x is None:
        return 0, 0
    if y is None:
        return x.lo, x.hi
    corners = (x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi)
    return min(corners), max(corners)


def _times_constant(api: API, q: BigInt, m: int) -> BigInt:
    """``q * m`` for a constant ``m``: limbs linear in ``q``'s (free)."""
    mc = constant(api, m, q.width)
    n = len(q) + len(mc) - 1
    limbs = [api.lincomb([(q.limbs[i], mc.bounds[k - i][0]) for i in range(len(q)) if 0 <= k - i < len(mc)])
             for k in range(n)]
    return BigInt(tuple(limbs), q.width, tuple(_poly_bounds(q, mc, n)))


Pair = tuple[BigInt, BigInt]


def mod_div(api: API, m: int, ab: Pair | None = None, cd: Pair | None = None, e: BigInt | None = None,
            f: BigInt | None = None) -> BigInt:
    """``X = (a * b - c * d - e) / f mod m`` for a constant modulus ``m > 1`` (each part
    optional, ``f`` 1 by default; limbs may be negative): ``X`` (limbs below ``2**width``,
    the value below ``2**bits(m - 1)``, not necessarily below ``m``) is a native hint
    (``MODDIV``), range-checked, and ``X * f == a * b - c * d - e (mod m)`` is checked folded
    (:func:`~circuits.gadgets._fold._folded_zero`: a quotient and a carry of about 40 bits each, no limbs of the
    quotient) or, for limbs too wide for that, as ``X * f + Q * m == a * b - c * d - e``
    with carries. At most two products in all (``f`` and ``cd`` not both). With ``f`` not
    invertible modulo ``m`` there is no witness. Costs for 256-bit numbers on limbs of 32
    bits: about 350 constraints (256 of them ``X``'s range), 15 more per product of two
    variables past the first.

        >>> from circuits import Circuit, Secret, UInt, compile
        >>> from circuits.native.bigint import to_limbs
        >>> P = 2**61 - 1
        >>> class Slope(Circuit):
        ...     n: Secret[UInt[32], 2]
        ...     d: Secret[UInt[32], 2]
        ...     x: Secret[UInt[32], 2]
        ...     def define(self, api):
        ...         n, d, x = (from_limbs(api, list(v), 32) for v in (self.n, self.d, self.x))
        ...         assert_equal(api, mod_div(api, P, e=sub(api, constant(api, 0, 32), n), f=d), x)
        >>> cs = compile(Slope)
        >>> ok = Slope(n=to_limbs(10, 32, 2), d=to_limbs(3, 32, 2), x=to_limbs(10 * pow(3, -1, P) % P, 32, 2))
        >>> cs.r1cs.is_satisfied(cs.solve(ok).values())
        True
    """
    return mod_div_bits(api, m, ab, cd, e, f)[0]


def mod_div_bits(api: API, m: int, ab: Pair | None = None, cd: Pair | None = None, e: BigInt | None = None,
                 f: BigInt | None = None) -> tuple[BigInt, list[Var]]:
    """:func:`mod_div` and the bits of ``X`` (least significant first) its range checks made:
    free, for a scalar multiplication that reads them."""
    x, bits = _mod_div(api, m, ab, cd, e, f, True)
    if x is None:  # pragma: no cover  (want_x)
        raise CircuitDefinitionError("bigint.mod_div_bits: no result")
    return x, bits


def assert_zero_mod(api: API, m: int, ab: Pair | None = None, cd: Pair | None = None,
                    e: BigInt | None = None) -> None:
    """``a * b - c * d - e == 0 (mod m)``: the signed quotient a native hint, range-checked,
    and ``a * b - c * d - e == Q * m`` checked with carries (as :func:`mod_div`, no ``X``)."""
    _mod_div(api, m, ab, cd, e, None, False)


def _mod_div(api: API, m: int, ab: Pair | None, cd: Pair | None, e: BigInt | None, f: BigInt | None,
             want_x: bool) -> tuple[BigInt | None, list[Var]]:
    if isinstance(m, bool) or not isinstance(m, int) or m < 2:
        raise CircuitTypeError(f"bigint.mod_div: expected a constant modulus >= 2, found {m!r:.60}")
    if f is not None and cd is not None:
        raise CircuitDefinitionError("bigint.mod_div: at most two products (f and cd not both)")
    parts = [x for x in (*(ab or ()), *(cd or ()), e, f) if x is not None]
    if not parts:
        raise CircuitDefinitionError("bigint.mod_div: expected at least one of ab, cd, e")
    w = parts[0].width
    for x in parts:
        _same_width(parts[0], x)
    zero = constant(api, 0, w)
    a, b = ab if ab is not None else (zero, zero)
    c, d = cd if cd is not None else (zero, zero)
    ee = e if e is not None else zero
    ff = f if f is not None else constant(api, 1, w)
    n_lo = _span(a, b)[0] - _span(c, d)[1] - ee.hi
    n_hi = _span(a, b)[1] - _span(c, d)[0] - ee.lo
    x_bits = _split_bound(m - 1, w) if want_x else []
    x_max = (1 << sum(x_bits)) - 1
    xf = (0, 0) if f is None else (min(0, x_max * ff.lo), max(0, x_max * ff.hi))
    if f is None:
        xf = (0, x_max)
    q_lo, q_hi = (n_lo - xf[1]) // m, -((xf[0] - n_hi) // m)
    kq = max(1, -(-max(abs(q_lo), abs(q_hi), 1).bit_length() // w))
    kr = len(x_bits)
    ins = [*a.limbs, *b.limbs, *c.limbs, *d.limbs, *ee.limbs, *ff.limbs]
    mc = constant(api, m, w)
    folded = _mod_div_folded(api, m, (a, b) if ab else None, (c, d) if cd else None, e, f, x_bits, ins)
    if folded is not None:  # cheaper: no limbs of the quotient, two range checks of ~40 bits
        return folded
    with api.scope("bigint.moddiv"):
        outs = api.hint(hints.moddiv(w, len(a), len(b), len(c), len(d), len(ee), len(ff), len(mc), kq, kr),
                        *ins, *mc.limbs, outputs=kq + kr)
    top = w * (kq - 1)
    q_bounds = [_range(api, v, 0, (1 << w) - 1) for v in outs[:kq - 1]]
    q_bounds.append(_range(api, outs[kq - 1], q_lo >> top, q_hi >> top))
    q = BigInt(tuple(outs[:kq]), w, tuple(q_bounds))
    bits: list[Var] = []
    for v, nb in zip(outs[kq:], x_bits):
        bits.extend(api.to_bits(v, nb))
    x = BigInt(tuple(outs[kq:]), w, tuple((0, (1 << nb) - 1) for nb in x_bits)) if want_x else zero
    qm = _times_constant(api, q, m)
    if f is None:  # a*b - c*d - (e + X + Q*m) = 0
        _assert_product_identity(api, a, b, c if cd else None, d if cd else None, add(api, add(api, ee, x), qm))
    elif ab is not None:  # X*f - a*b - (-(e + Q*m)) = 0
        _assert_product_identity(api, x, ff, a, b, sub(api, zero, add(api, ee, qm)))
    else:  # X*f - (-(e + Q*m)) = 0
        _assert_product_identity(api, x, ff, None, None, sub(api, zero, add(api, ee, qm)))
    return (x if want_x else None), bits


# ------------------------------------------------------------ the folded check of mod_div


def _mod_div_folded(api: API, m: int, ab: Pair | None, cd: Pair | None, e: BigInt | None, f: BigInt | None,
                    x_bits: Sequence[int], ins: Sequence[Var]) -> tuple[BigInt | None, list[Var]] | None:
    """:func:`_mod_div` by :func:`_folded_zero` (``X`` wanted when ``x_bits``; ``ins`` the
    ``MODDIV`` inputs but ``m``), or None, nothing added, when the columns are too wide."""
    w = next(x.width for x in (*(ab or ()), *(cd or ()), e, f) if x is not None)
    k = len(_split_bound(m - 1, w))
    zero = constant(api, 0, w)
    proto = BigInt(tuple(zero.limbs[0] for _ in x_bits), w, tuple((0, (1 << nb) - 1) for nb in x_bits))
    parts: list[tuple[int, BigInt, BigInt | None]] = [(1, *ab)] if ab is not None else []
    parts += [(-1, *cd)] if cd is not None else []
    parts += [(-1, e, None)] if e is not None else []
    parts += [(-1, proto, f)] if x_bits else []
    plan = _fold_plan(_columns(parts), m, w, k)
    if plan is None:
        return None
    x, bits = zero, []
    if x_bits:
        mc = constant(api, m, w)
        (ka, kb), (kc, kd) = ((len(u), len(v)) for u, v in (ab or (zero, zero), cd or (zero, zero)))
        ke, kf = len(e) if e is not None else 1, len(f) if f is not None else 1
        with api.scope("bigint.moddiv"):
            outs = api.hint(hints.moddiv(w, ka, kb, kc, kd, ke, kf, len(mc), 0, len(x_bits)), *ins, *mc.limbs,
                            outputs=len(x_bits))
        for v, nb in zip(outs, x_bits):
            bits.extend(api.to_bits(v, nb))
        x = BigInt(tuple(outs), w, proto.bounds)
    terms = [(sign, _product_columns(api, x if u is proto else u, v)) for sign, u, v in parts]
    _folded_zero(api, terms, m, w, k, plan)
    return (x if x_bits else None), bits
