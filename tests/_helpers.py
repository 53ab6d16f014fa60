"""Test helpers: py_ecc conversions and points on the twist outside the G2 subgroup."""

from __future__ import annotations

from typing import Any

from py_ecc.fields import optimized_bn128_FQ as FQ, optimized_bn128_FQ2 as FQ2
from py_ecc.optimized_bn128.optimized_curve import Z1, Z2, is_inf, normalize

from zkp import _arith as A
from zkp.curve import G1Point, G2Point
from zkp.field import P


def to_pyecc_g1(p: G1Point) -> Any:
    return Z1 if p.is_infinity() else (FQ(p.x), FQ(p.y), FQ.one())


def to_pyecc_g2(p: G2Point) -> Any:
    return Z2 if p.is_infinity() else (FQ2(list(p.x)), FQ2(list(p.y)), FQ2.one())


def from_pyecc_g1(q: Any) -> G1Point:
    if is_inf(q):
        return G1Point.infinity()
    x, y = normalize(q)
    return G1Point(x.n, y.n)


def from_pyecc_g2(q: Any) -> G2Point:
    if is_inf(q):
        return G2Point.infinity()
    x, y = normalize(q)
    return G2Point(tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))  # type: ignore[arg-type]


def _fq_sqrt(a: int) -> int | None:
    s = pow(a, (P + 1) // 4, P)
    return s if s * s % P == a % P else None


def fq2_sqrt(a: tuple[int, int]) -> tuple[int, int] | None:
    a0, a1 = a
    n = _fq_sqrt((a0 * a0 + a1 * a1) % P)
    if n is None:
        return None
    for cand in ((a0 + n) * pow(2, -1, P) % P, (a0 - n) * pow(2, -1, P) % P):
        x0 = _fq_sqrt(cand)
        if x0:
            x1 = a1 * pow(2 * x0, -1, P) % P
            if ((x0 * x0 - x1 * x1) % P, 2 * x0 * x1 % P) == (a0 % P, a1 % P):
                return (x0, x1)
    return None


def twist_point_outside_subgroup(seed: int = 1) -> tuple[tuple[int, int], tuple[int, int]]:
    """An affine point on the twist whose order is not r (found by search from ``seed``)."""
    x0 = seed
    while True:
        x = (x0, 1)
        rhs = A.f2_add(A.f2_mul(A.f2_sqr(x), x), A.B2)
        y = fq2_sqrt((int(rhs[0]), int(rhs[1])))
        if y is not None:
            return x, y
        x0 += 1


def peak_bytes_refusing(error: type[BaseException], fn: Any, *args: Any) -> int:
    """Call ``fn(*args)``, which must raise ``error``, and return the peak of Python's traced
    allocations during the call: a refusal that allocated what a forged length prefix asked
    for shows here (the kernels allocate through PyMem, which is traced too)."""
    import tracemalloc

    import pytest

    tracemalloc.start()
    try:
        with pytest.raises(error):
            fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def c_twin() -> Any:
    """The C kernels ``zkp._bn254``: a missing build fails under ``ZKP_REQUIRE_C=1`` (CI) and
    skips otherwise."""
    import importlib
    import os

    import pytest

    try:
        return importlib.import_module("zkp._bn254")
    except ImportError:
        if os.environ.get("ZKP_REQUIRE_C") == "1":
            pytest.fail("ZKP_REQUIRE_C=1 but the C extension zkp._bn254 was not built")
        pytest.skip("C extension not built (ZKP_REQUIRE_C=1 makes this a failure)")


class ForgeryCase:
    """An honest witness of a compiled circuit under attack by the malicious-witness harness
    (``circuits.testing.ForgerySearch``): a test's case computes its witness, calls
    :meth:`attack`, and asks :meth:`forge` whether a claim completes to a satisfying witness.

    ``free`` (the wires whose change alone is no forgery, ``unbound_wires``) and ``search``
    (the harness with every input locked) are computed once per case."""

    cs: Any
    witness: Any
    free: list[int]
    search: Any

    def attack(self, cs: Any, witness: Any) -> None:
        from circuits.testing import ForgerySearch

        from .conftest import unbound_wires

        self.cs, self.witness = cs, witness
        self.free = unbound_wires(cs, witness)
        self.search = ForgerySearch(cs, witness, free=self.free)

    def w(self, name: str, i: int = 0) -> int:
        """The ``i``-th wire of the input ``name``."""
        from circuits.testing import input_wires

        return input_wires(self.cs, name)[i]

    def forge(self, claim: dict[int, int], *, movable: tuple[str, ...] = ()) -> Any:
        """A satisfying witness with the ``claim`` (wire: value), the inputs named in
        ``movable`` free to change, or None when the harness finds none."""
        from circuits.testing import ForgerySearch, input_wires

        if not movable:
            return self.search.forge(claim)
        moving = [x for name in movable for x in input_wires(self.cs, name)]
        return ForgerySearch(self.cs, self.witness, movable=moving, free=self.free).forge(claim)
