"""Notebook display (issue 19): short plain reprs and ``_repr_html_`` for what a notebook
shows, never a secret."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from circuits import Circuit, Public, Secret, UInt, compile
from circuits.native import MerkleTree
from zkp import groth16
from zkp.display import html_table, short
from zkp.evm import calldata

SECRET = 987654321987654321987654321


class Holder(Circuit):
    threshold: Public[UInt[8]]
    secret: Secret[UInt[100]]
    age: Secret[UInt[8]]

    def define(self, api: Any) -> None:
        api.assert_true(self.age >= self.threshold)
        api.assert_true(self.secret * self.secret == self.secret * self.secret)


@pytest.fixture(scope="module")
def objects() -> list[Any]:
    from zkmpc.identity import Group

    cs = compile(Holder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.DevelopmentKeyWarning)
        pk, vk = groth16.setup(cs)
    w = cs.solve(Holder(threshold=18, secret=SECRET, age=40))
    proof = groth16.prove(pk, w)
    group = Group(list(range(1, 1000)))
    return [cs, pk, vk, proof, w, calldata(proof, w.public), MerkleTree(20, [5, 6]).proof(1), group,
            group.proof(500)]


def test_plain_reprs_are_short(objects: list[Any]) -> None:
    for obj in objects:
        assert len(repr(obj)) <= 130, repr(obj)
        assert not re.search(r"[0-9a-f]{20}", repr(obj)), repr(obj)  # no full field element


def test_html_for_each_and_never_a_secret(objects: list[Any]) -> None:
    for obj in objects:
        html = obj._repr_html_() if hasattr(obj, "_repr_html_") else None
        if type(obj).__name__ in ("SolidityCalldata",):
            continue
        assert html and html.startswith("<div>"), type(obj).__name__
        for secret in (str(SECRET), hex(SECRET)[2:12], "40"):
            assert f">{secret}<" not in html and str(SECRET) not in html, (type(obj).__name__, html)
    cs, pk = objects[0], objects[1]
    assert "constraints" in cs._repr_html_() and "cmp" in cs._repr_html_()
    assert "development key" in pk._repr_html_()


def test_helpers_escape_and_cut() -> None:
    assert short(2**254) == "0x4000000…000000" and short(-5) == "-5"
    assert "&lt;script&gt;" in html_table("t", [("<script>", 1)])
