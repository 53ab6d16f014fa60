"""Progress of long steps (issue 19): callbacks, tqdm bars, and a terminal report that
redraws in place on a terminal but prints plain lines into files."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from mpc import paillier
from zkp import groth16
from zkp.progress import reporter, terminal
from zkp.r1cs import R1CSBuilder


def _square() -> Any:
    b = R1CSBuilder(num_public=1)
    x, y = b.new_wire(), b.new_wire()
    b.add({y: 1}, {y: 1}, {x: 1})
    return b.build()


def test_setup_reports_each_step_to_a_callback() -> None:
    seen: list[tuple[str, int, int]] = []
    groth16.setup(_square(), warn=False, progress=lambda *a: seen.append(a))
    assert seen[0] == ("polynomials at tau", 0, 7) and seen[-1] == ("done", 7, 7)
    assert [d for _, d, _ in seen] == list(range(8))


@pytest.mark.parametrize("processes", [1, 2])
def test_randomness_pool_fill_reports_until_done(processes: int) -> None:
    pk, _ = paillier.keygen(bits=512, insecure=True)
    pool = paillier.RandomnessPool(pk)
    seen: list[int] = []
    pool.fill(150, processes=processes, progress=lambda step, done, total: seen.append(done))
    assert seen[-1] == 150 and seen == sorted(seen) and len(seen) >= 2
    assert len(pool._values) == 150


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_redraws_on_a_tty_and_prints_lines_into_files() -> None:
    log = io.StringIO()
    report = terminal("verify", log, interval=3600)
    for i in range(5):
        report("powers", i, 4)
    assert "\r" not in log.getvalue() and log.getvalue().count("\n") == 2  # the first and the last
    tty = _Tty()
    report = terminal("verify", tty)
    for i in range(5):
        report("powers", i, 4)
    assert tty.getvalue().count("\r") == 5 and tty.getvalue().endswith("\n")


class FakeBar:
    made: list[FakeBar] = []

    def __init__(self, total: int, desc: str, leave: bool) -> None:
        self.total, self.n, self.desc, self.closed = total, 0, desc, False
        FakeBar.made.append(self)

    def set_description(self, desc: str, refresh: bool = True) -> None:
        self.desc = desc

    def update(self, k: int) -> None:
        self.n += k

    def close(self) -> None:
        self.closed = True


def test_a_tqdm_class_gets_a_bar_and_bad_values_are_refused() -> None:
    groth16.setup(_square(), warn=False, progress=FakeBar)
    (bar,) = FakeBar.made
    assert bar.n == bar.total == 7 and bar.closed and bar.desc == "done"
    with pytest.raises(TypeError, match="progress: expected None, True, a callable"):
        reporter(42)  # type: ignore[arg-type]


def test_prove_reports_every_step_in_order_on_both_provers() -> None:
    """``progress=`` on ``groth16.prove``, a PreparedProvingKey and the .zkey Prover: the
    steps of PROVE_STEPS in order, ending at total/total (seen red with a step skipped)."""
    import warnings

    from zkp import groth16
    from zkp.groth16.zkey_prover import PROVE_STEPS
    from zkp.r1cs import R1CSBuilder

    b = R1CSBuilder(num_public=1)
    x, y = b.new_wire(), b.new_wire()
    _ = b.add({y: 1}, {y: 1}, {x: 1})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk, vk = groth16.setup(b.build(), rng=random.Random(3))
    total = len(PROVE_STEPS)
    expected = [(step, i, total) for i, step in enumerate(PROVE_STEPS)] + [(PROVE_STEPS[-1], total, total)]
    for target in (pk, groth16.PreparedProvingKey(pk, tables=False)):
        seen: list[tuple[str, int, int]] = []
        proof = groth16.prove(target, [1, 9, 3], rng=random.Random(4),
                              progress=lambda *a: seen.append(a))
        assert groth16.verify(vk, [9], proof)
        assert seen == expected
