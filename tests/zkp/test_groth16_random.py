"""The default randomness of Groth16 and the ceremonies (:class:`zkp.groth16._random.OsRandom`:
``os.urandom`` with rejection sampling, no ``random``/``secrets`` import on the prove path)."""

from __future__ import annotations

from collections import Counter

import pytest

from zkp.field import R
from zkp.groth16._random import OsRandom, drawer, random_fr


@pytest.mark.parametrize("n", [1, 2, 3, 5, 255, 256, 257])
def test_randbelow_is_uniform_over_small_ranges(n: int) -> None:
    """Every value of [0, n) comes up about as often (3,000 draws a value for n <= 5, 200
    above; slack of 7 standard deviations: by the exact binomial tails a correct source
    fails all seven cases together about once in 3.5 * 10^7 runs, n = 255 to 257 dominating),
    none outside."""
    src = OsRandom()
    per = 3000 if n <= 5 else 200
    counts = Counter(src.randbelow(n) for _ in range(per * n))
    assert set(counts) == set(range(n))
    slack = 7 * per ** 0.5
    assert all(abs(c - per) < slack for c in counts.values()), counts


def test_randbelow_reaches_the_top_of_fr_and_the_default_source_is_it() -> None:
    src = OsRandom()
    draws = [src.randbelow(R) for _ in range(400)]
    assert all(0 <= v < R for v in draws)
    assert max(draws) > R // 2 and len(set(draws)) == 400  # the top bit is drawn, values differ
    assert 0 < random_fr() < R and 0 <= drawer()(7) < 7
    with pytest.raises(ValueError, match="expected n > 0, found 0"):
        src.randbelow(0)
