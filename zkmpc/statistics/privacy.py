"""Differential-privacy noise for published counts: the discrete Laplace (geometric)
mechanism for epsilon-DP, the discrete Gaussian for (epsilon, delta)-DP, both sampled exactly.

**What is protected.** Two datasets are neighbours when one has one contributor more than
the other. ``sensitivity`` is how much one contributor can move the released counts: 1 for
a histogram where everyone votes once (add or remove a person: one cell moves by 1); a
contributor counted in ``c`` cells of a table has L1 sensitivity ``c`` (Laplace) and L2
sensitivity ``sqrt(c)`` (Gaussian: pass the L2 bound rounded up, or ``c`` to be safe).

- :class:`DiscreteLaplace` (``epsilon``, ``sensitivity`` = L1): ``P(z) ~ exp(-epsilon |z| /
  sensitivity)`` added to every cell; the released vector is epsilon-DP (the geometric
  mechanism, Ghosh, Roughgarden and Sundararajan 2009).
- :class:`DiscreteGaussian` (``epsilon``, ``delta``, ``sensitivity`` = L2): ``P(z) ~
  exp(-z^2 / 2 sigma^2)`` with ``sigma^2 = sensitivity^2 / (2 rho)`` and ``rho`` the largest
  with ``epsilon = rho + 2 sqrt(rho ln(1/delta))``: rho-zCDP, hence (epsilon, delta)-DP
  (Canonne, Kamath and Steinke 2020, who show the discrete Gaussian has the continuous one's
  zCDP guarantee).

**Sampling.** Exact, in rational arithmetic (no floating-point Laplace, whose rounding leaks:
Mironov 2012): Canonne-Kamath-Steinke's algorithms 1-3 (Bernoulli(exp(-g)) by von Neumann's
method, discrete Laplace from a uniform and a geometric count of exp(-1) coins, discrete
Gaussian by rejection from the discrete Laplace). Randomness is ``secrets`` (the OS CSPRNG);
``rng=`` (a seeded ``random.Random``) is for tests only. Sampling time depends on the
values drawn (a timing side channel on the noise; the published result reveals it anyway).

**Who adds it, and once.** The party that learns the exact counts and releases them (the
Paillier key holder, the PSI party that decrypts, the publisher of an audited histogram)
adds the noise once, just before release; everything after (clamping at 0, suppression,
quantiles, plots) is post-processing and keeps the guarantee. DP protects the contributors
against the readers of the release, not against that party, which saw the exact counts.
:meth:`zkmpc.statistics.Histogram.noised` records the mechanism and refuses a second one.

    >>> import random
    >>> lap = DiscreteLaplace(epsilon=1.0)
    >>> lap.describe()
    'discrete Laplace, epsilon = 1, sensitivity 1 (epsilon-DP)'
    >>> noisy = lap.add([120, 7, 0], rng=random.Random(5))
    >>> len(noisy), all(isinstance(v, int) for v in noisy)
    (3, True)
    >>> round(float(DiscreteGaussian(epsilon=1.0, delta=1e-6).sigma2), 2)
    28.62
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Protocol, Sequence

from ..errors import PrivacyParameterError

__all__ = ["Mechanism", "DiscreteLaplace", "DiscreteGaussian", "sample_discrete_laplace", "sample_discrete_gaussian"]


class Uniform(Protocol):
    """A source of uniform ints: ``random.SystemRandom()`` (the default) or ``random.Random``."""

    def randrange(self, stop: int, /) -> int: ...


def _source(rng: Uniform | None) -> Uniform:
    return random.SystemRandom() if rng is None else rng


def _bernoulli(p: Fraction, rng: Uniform) -> bool:
    """True with probability ``p`` in [0, 1], exactly."""
    return rng.randrange(p.denominator) < p.numerator


def _bernoulli_exp(gamma: Fraction, rng: Uniform) -> bool:
    """True with probability ``exp(-gamma)``, ``gamma >= 0`` rational (CKS algorithm 1)."""
    while gamma > 1:
        if not _bernoulli_exp(Fraction(1), rng):
            return False
        gamma -= 1
    k = 1
    while _bernoulli(gamma / k, rng):
        k += 1
    return k % 2 == 1


def sample_discrete_laplace(scale: Fraction, rng: Uniform | None = None) -> int:
    """One draw with ``P(z) ~ exp(-|z| / scale)`` (CKS algorithm 2), ``scale > 0`` rational.

        >>> sample_discrete_laplace(Fraction(2), random.Random(1)) in range(-100, 100)
        True
    """
    src = _source(rng)
    s, t = scale.denominator, scale.numerator  # exp(-|z| s / t)
    while True:
        u = src.randrange(t)
        if not _bernoulli_exp(Fraction(u, t), src):
            continue
        v = 0
        while _bernoulli_exp(Fraction(1), src):
            v += 1
        y = (u + t * v) // s
        negative = src.randrange(2) == 1
        if negative and y == 0:
            continue
        return -y if negative else y


def sample_discrete_gaussian(sigma2: Fraction, rng: Uniform | None = None) -> int:
    """One draw with ``P(z) ~ exp(-z^2 / (2 sigma2))`` (CKS algorithm 3), ``sigma2 > 0`` rational.

        >>> sample_discrete_gaussian(Fraction(9), random.Random(1)) in range(-100, 100)
        True
    """
    src = _source(rng)
    t = math.isqrt(math.floor(sigma2)) + 1
    while True:
        y = sample_discrete_laplace(Fraction(t), src)
        gamma = (abs(y) - sigma2 / t) ** 2 / (2 * sigma2)
        if _bernoulli_exp(gamma, src):
            return y


def _positive(name: str, value: float | Fraction) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)) or not 0 < value < math.inf:
        raise PrivacyParameterError(f"{name}: expected a finite number > 0, found {value!r}")
    return Fraction(value).limit_denominator(10**6) or Fraction(1, 10**6)


def _sensitivity(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PrivacyParameterError(f"sensitivity: expected an int >= 1, found {value!r}")
    return value


class Mechanism(Protocol):
    """A noise mechanism: :meth:`add` noises a vector of counts, :meth:`describe` says what
    guarantee it gives."""

    def add(self, counts: Sequence[int], *, rng: Uniform | None = None) -> list[int]: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class DiscreteLaplace:
    """epsilon-DP for counts whose L1 sensitivity is ``sensitivity`` (see the module docstring)."""

    epsilon: float
    sensitivity: int = 1
    scale: Fraction = field(init=False)

    def __post_init__(self) -> None:
        eps = _positive("epsilon", self.epsilon)
        object.__setattr__(self, "scale", _sensitivity(self.sensitivity) / eps)

    def add(self, counts: Sequence[int], *, rng: Uniform | None = None) -> list[int]:
        """``counts`` with independent noise of scale ``sensitivity / epsilon`` on each."""
        src = _source(rng)
        return [int(c) + sample_discrete_laplace(self.scale, src) for c in counts]

    def describe(self) -> str:
        return f"discrete Laplace, epsilon = {self.epsilon:g}, sensitivity {self.sensitivity} (epsilon-DP)"


def _rho(epsilon: float, delta: float) -> float:
    """The largest rho with ``rho + 2 sqrt(rho ln(1/delta)) <= epsilon``."""
    log = math.log(1 / delta)
    return (math.sqrt(log + epsilon) - math.sqrt(log)) ** 2


@dataclass(frozen=True)
class DiscreteGaussian:
    """(epsilon, delta)-DP (through rho-zCDP) for counts whose L2 sensitivity is at most
    ``sensitivity`` (see the module docstring)."""

    epsilon: float
    delta: float
    sensitivity: int = 1
    sigma2: Fraction = field(init=False)

    def __post_init__(self) -> None:
        _positive("epsilon", self.epsilon)
        if isinstance(self.delta, bool) or not isinstance(self.delta, (int, float)) or not 0 < self.delta < 1:
            raise PrivacyParameterError(f"delta: expected a number in (0, 1), found {self.delta!r}")
        d = _sensitivity(self.sensitivity)
        # rounded up: a slightly larger variance only strengthens the guarantee
        sigma2 = Fraction(d * d / (2 * _rho(float(self.epsilon), float(self.delta)))).limit_denominator(10**6)
        object.__setattr__(self, "sigma2", sigma2 + Fraction(1, 10**6))

    def add(self, counts: Sequence[int], *, rng: Uniform | None = None) -> list[int]:
        """``counts`` with independent discrete Gaussian noise of variance ``sigma2`` on each."""
        src = _source(rng)
        return [int(c) + sample_discrete_gaussian(self.sigma2, src) for c in counts]

    def describe(self) -> str:
        return (f"discrete Gaussian, epsilon = {self.epsilon:g}, delta = {self.delta:g}, sensitivity "
                f"{self.sensitivity} (sigma = {math.sqrt(self.sigma2):.2f}; (epsilon, delta)-DP via zCDP)")
