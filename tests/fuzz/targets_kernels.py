"""The fuzz target of the kernels' byte-buffer entry points, run on both twins."""

from __future__ import annotations

import functools
import importlib
import os
import random
import struct
from types import ModuleType
from typing import Any

from .mutators import mutate_region


# --------------------------------------------------------------------------- kernels (both twins)

#: each entry point with the kinds of its arguments: g1/g2 points (big-endian), fr scalars,
#: lem points (little-endian Montgomery), u32 arrays, raw bytes, a bool flag
KERNELS: list[tuple[str, tuple[str, ...]]] = [
    ("g1_validate", ("g1",)), ("g2_validate", ("g2",)), ("g1_msm", ("g1", "fr")), ("g2_msm", ("g2", "fr")),
    ("g1_batch_mul", ("g1", "fr")), ("g2_batch_mul", ("g2", "fr")), ("fr_batch_inverse", ("fr",)),
    ("fr_ntt", ("fr", "flag")), ("fr_coset_ntt", ("fr", "flag")), ("qap_odd_coset", ("fr", "fr", "fr")),
    ("g1_from_lem", ("lem1",)), ("g2_from_lem", ("lem2",)), ("g1_to_lem", ("g1",)), ("g2_to_lem", ("g2",)),
    ("g1_apply_key", ("g1", "fr", "fr")), ("g2_apply_key", ("g2", "fr", "fr")), ("g1_ifft", ("g1",)),
    ("g2_ifft", ("g2",)), ("g1_lincomb", ("g1", "u32", "u32", "fr")), ("g2_lincomb", ("g2", "u32", "u32", "fr")),
    ("pairing_check", ("g1", "g2")), ("blake2b_update", ("raw", "raw")),
]


def twins() -> list[ModuleType]:
    """The Python twin, and the C twin when it is built (required under ZKP_REQUIRE_C=1)."""
    out = [importlib.import_module("zkp._bn254_py")]
    try:
        out.append(importlib.import_module("zkp._bn254"))
    except ImportError:
        if os.environ.get("ZKP_REQUIRE_C") == "1":
            raise
    return out


def encode_call(index: int, args: list[bytes]) -> bytes:
    return bytes([index]) + b"".join(struct.pack("<I", len(a)) + a for a in args)


def decode_call(data: bytes) -> tuple[str, tuple[str, ...], list[Any]]:
    """Entry and arguments from bytes (lenient: missing arguments are empty, lengths are
    cut at the end of the input), so any bytes reach some kernel."""
    if not data:
        data = b"\0"
    name, kinds = KERNELS[data[0] % len(KERNELS)]
    pos, args = 1, []
    for kind in kinds:
        n = struct.unpack_from("<I", data, pos)[0] if pos + 4 <= len(data) else 0
        pos += 4
        arg = data[pos:pos + n]
        pos += len(arg)
        args.append(bool(arg and arg[0] & 1) if kind == "flag" else bytes(arg))
    return name, kinds, args


@functools.lru_cache(maxsize=None)
def kernel_seeds() -> list[bytes]:
    import numpy as np

    K = importlib.import_module("zkp._bn254_py")
    from zkp.curve import G1Point, G2Point
    from zkp.field import R

    rnd = random.Random(13)

    def fr(n: int) -> bytes:
        return b"".join(rnd.choice([0, 1, R - 1, rnd.randrange(R)]).to_bytes(32, "big") for _ in range(n))

    g1 = {n: K.g1_batch_mul(G1Point.generator().to_bytes(), fr(n)) for n in (1, 2, 4)}
    g2 = {n: K.g2_batch_mul(G2Point.generator().to_bytes(), fr(n)) for n in (1, 2)}
    ptr = np.array([0, 1, 1, 3], dtype="<u4").tobytes()
    idx = np.array([1, 0, 3], dtype="<u4").tobytes()
    args: dict[str, list[list[Any]]] = {
        "g1_validate": [[g1[4]]], "g2_validate": [[g2[2]]], "g1_msm": [[g1[4], fr(4)]], "g2_msm": [[g2[2], fr(2)]],
        "g1_batch_mul": [[g1[1], fr(3)]], "g2_batch_mul": [[g2[1], fr(2)]],
        "fr_batch_inverse": [[b"".join(rnd.randrange(1, R).to_bytes(32, "big") for _ in range(3))]],
        "fr_ntt": [[fr(4), b"\1"]], "fr_coset_ntt": [[fr(4), b""]], "qap_odd_coset": [[fr(4), fr(4), fr(4)]],
        "g1_from_lem": [[K.g1_to_lem(g1[2])]], "g2_from_lem": [[K.g2_to_lem(g2[2])]],
        "g1_to_lem": [[g1[2]]], "g2_to_lem": [[g2[1]]],
        "g1_apply_key": [[g1[4], fr(1), fr(1)]], "g2_apply_key": [[g2[2], fr(1), fr(1)]],
        "g1_ifft": [[g1[4]]], "g2_ifft": [[g2[2]]], "g1_lincomb": [[g1[4], ptr, idx, fr(3)]],
        "g2_lincomb": [[g2[2], np.array([0, 2], dtype="<u4").tobytes(), np.array([1, 0], dtype="<u4").tobytes(), fr(2)]],
        "pairing_check": [[g1[2][:64] + (-G1Point.generator()).to_bytes(), g2[1] + G2Point.generator().to_bytes()]],
        "blake2b_update": [[importlib.import_module("zkp._blake2b").Blake2b().partial(), b"abc" * 50]],
    }
    return [encode_call(i, a) for i, (name, _) in enumerate(KERNELS) for a in args[name]]


_WIDTH = {"g1": 64, "g2": 128, "fr": 32, "lem1": 64, "lem2": 128, "u32": 4, "raw": 1, "flag": 1}


def _mutate_kernel_call(rng: random.Random, seed: bytes, seeds: list[bytes]) -> bytes:
    name, kinds, args = decode_call(seed)
    index = seed[0]
    args = [bytes([1 if a else 0]) if isinstance(a, bool) else a for a in args]
    i = rng.randrange(len(args))
    kind, arg = kinds[i], bytearray(args[i])
    w = _WIDTH[kind]
    c = rng.random()
    if c < 0.3:  # a length: one element more or fewer, a partial element, empty
        delta = rng.choice([-w, w, -1, 1, -w // 2 or -1, 2 * w, -2 * w])
        arg = arg[:max(0, len(arg) + delta)] if delta < 0 else arg + bytes(arg[:delta] or bytes(delta))
        if rng.random() < 0.1:
            arg = bytearray()
    elif c < 0.4 and kind == "u32" and arg:  # an offset or an index out of range, decreasing
        at = 4 * rng.randrange(len(arg) // 4)
        arg[at:at + 4] = struct.pack("<I", rng.choice([0, 1, 3, 4, 5, 2**31, 2**32 - 1]))
    elif c < 0.55 and kind in ("g1", "g2", "lem1", "lem2") and arg:  # the point at infinity
        at = w * rng.randrange(len(arg) // w)
        arg[at:at + w] = bytes(w)
    elif arg:
        order = "little" if kind.startswith("lem") or kind == "u32" else "big"
        mutate_region(rng, arg, 0, len(arg), byteorder=order, point=w if w >= 64 else 64)
    args[i] = bytes(arg)
    return encode_call(index, args)


def _valid_points(kinds: tuple[str, ...], args: list[Any]) -> bool:
    """Every point argument on its curve and in the subgroup (the Python twin's check)."""
    K = importlib.import_module("zkp._bn254_py")
    from zkp.errors import MalformedInputError

    try:
        for kind, arg in zip(kinds, args):
            if kind in ("g1", "g2"):
                getattr(K, f"{kind}_validate")(arg)
    except MalformedInputError:
        return False
    return True


def _call_twins(data: bytes) -> Any:
    """Both twins must return the same value, or both raise the same MalformedInputError
    subclass. Kernels other than the validators take points on trust (zkp/_bn254.pyi):
    for points off the curve or outside the subgroup only whether they raise must agree."""
    from zkp.errors import MalformedInputError

    name, kinds, args = decode_call(data)
    outcomes: list[tuple[str, Any]] = []
    for K in twins():
        try:
            outcomes.append(("ok", getattr(K, name)(*args)))
        except MalformedInputError as exc:
            outcomes.append(("error", exc))
    if len(outcomes) == 2:
        (s0, v0), (s1, v1) = outcomes
        if s0 != s1 or (s0 == "error" and type(v0) is not type(v1)):
            raise AssertionError(f"{name}: the twins disagree: Python {s0} {v0!r:.120}, C {s1} {v1!r:.120}")
        if s0 == "ok" and v0 != v1 and name != "pairing_check" and _valid_points(kinds, args):
            raise AssertionError(f"{name}: the twins return different values on valid points")
    status, value = outcomes[0]
    if status == "error":
        raise value
    return value
