"""Issue 19's rough edges, each as a new user met it: the error says what to do instead."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from circuits import Bool, Circuit, Public, Secret, UInt, compile
from circuits.errors import AssignmentError
from mpc import paillier
from mpc.errors import MPCTypeError


class Small(Circuit):
    x: Public[UInt[8]]
    flag: Secret[Bool]

    def define(self, api):  # type: ignore[no-untyped-def]
        api.assert_true(self.x >= 1)


def test_numpy_integers_are_circuit_inputs_and_floats_get_a_pointer() -> None:
    cs = compile(Small)
    for x in (np.int64(5), np.uint8(5), np.int32(5)):
        assert cs.solve(Small(x=x, flag=np.bool_(True))).public == [5]
    with pytest.raises(AssignmentError, match=r"expected an int, found float \(a fixed-point value is an int"):
        cs.solve(Small(x=5.0, flag=True))
    with pytest.raises(AssignmentError, match="expected 0 <= value < 2\\^8, found 256"):
        cs.solve(Small(x=np.int64(256), flag=True))


@pytest.fixture(scope="module")
def keys() -> tuple[paillier.PublicKey, paillier.PrivateKey]:
    return paillier.keygen(bits=512, insecure=True)


def test_paillier_floats_point_to_fixed_point(keys: tuple[paillier.PublicKey, paillier.PrivateKey]) -> None:
    pk, _ = keys
    for bad in (1.5, Decimal("1.5"), "12"):
        with pytest.raises(MPCTypeError, match="FixedPoint"):
            pk.encrypt(bad)  # type: ignore[arg-type]
    with pytest.raises(MPCTypeError, match=r"values\[1\]: expected an int, found float .*FixedPoint"):
        paillier.encrypt_many(pk, [1, 2.5])


def test_keygen_says_what_size_to_use() -> None:
    with pytest.raises(MPCTypeError, match="expected an even number of at least 128 .* found 2047; e.g. 2048"):
        paillier.keygen(bits=2047)
    with pytest.raises(MPCTypeError, match="expected an int .* found str"):
        paillier.keygen(bits="2048")  # type: ignore[arg-type]


def test_a_threshold_public_key_encrypts_many() -> None:
    tpk, shares = paillier.threshold_keygen(n=3, threshold=2, bits=512, insecure=True)
    cts = paillier.encrypt_many(tpk, [3, 4])
    total = paillier.sum_(cts)
    assert paillier.combine(tpk, total, [paillier.partial_decrypt(s, total) for s in shares[:2]]) == 7
    with pytest.raises(MPCTypeError, match="expected a paillier PublicKey or ThresholdPublicKey, found int"):
        paillier.encrypt_many(12345, [1])  # type: ignore[arg-type]


def test_a_missing_dask_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from mpc.errors import MissingExtraError
    from mpc.scale import cluster_client

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'zkmpc\[dask\]'"):
        with cluster_client():
            pass
    assert issubclass(MissingExtraError, ImportError)


def test_zkmpc_version(capsys: pytest.CaptureFixture[str]) -> None:
    from zkmpc import __version__
    from zkmpc.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"zkmpc {__version__}"


def test_run_in_process_raises_a_partys_bug_and_keeps_protocol_outcomes() -> None:
    from mpc.net.errors import ProtocolAbort
    from mpc.protocols import run_in_process

    async def buggy(ctx):  # type: ignore[no-untyped-def]
        if ctx.party == 2:
            raise KeyError("a bug in party 2's code")
        return ctx.party

    with pytest.raises(KeyError, match="a bug in party 2") as err:
        run_in_process(buggy, parties=3, threshold=2)
    assert "raised by party 2" in "".join(getattr(err.value, "__notes__", []))

    outcomes = run_in_process(_abort_or_value, parties=3, threshold=2)
    assert isinstance(outcomes[1], ProtocolAbort) and outcomes[3] == 3


async def _abort_or_value(ctx):  # type: ignore[no-untyped-def]
    from mpc.net.errors import ProtocolAbort

    if ctx.party == 3:
        return 3
    raise ProtocolAbort("a protocol's refusal is an outcome, not a bug")
