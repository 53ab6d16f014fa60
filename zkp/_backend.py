"""The one place that picks the kernel twin: the C extension ``zkp._bn254`` when it is
built and not disabled, else the pure-Python ``zkp._bn254_py``.

Set ``ZKP_PURE_PYTHON=1`` in the environment to force the Python twin. ``ZKP_THREADS=N``
caps the C kernels' worker threads (read here, when zkp is imported, and passed to the
extension: the C code reads no environment); :func:`set_threads` changes it later.
``ZKP_NO_MULX=1`` keeps the C kernels off their BMI2/ADX product (the tests run the portable
one with it), read and passed in the same way; :func:`set_mulx` changes it later.
"""

from __future__ import annotations

import os
from types import ModuleType

from ._lazy import lazy_module

# the pure-Python twin (and gmpy2 with it) loads only when it is used
_bn254_py = lazy_module("zkp._bn254_py")

__all__ = ["kernels", "backend_info", "set_threads", "set_mulx"]


def _pick() -> ModuleType:
    if os.environ.get("ZKP_PURE_PYTHON", "") not in ("", "0"):
        return _bn254_py
    try:
        from . import _bn254  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return _bn254_py
    if getattr(_bn254, "BACKEND", None) != "c":  # never a stray namespace package
        return _bn254_py
    return _bn254


def _threads_from_env() -> int:
    """``ZKP_THREADS`` as a thread count (0, one per CPU, when unset or empty)."""
    raw = os.environ.get("ZKP_THREADS", "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ValueError(f"ZKP_THREADS: expected a whole number of threads (0: one per CPU), found {raw!r}")
    return int(raw)


def set_threads(n: int | None = None) -> None:
    """Cap the worker threads of the C kernels at ``n`` (0: one per online CPU, at most 16);
    ``None`` reads ``ZKP_THREADS`` again. The Python twin computes on the calling thread.

        >>> set_threads(1); set_threads()

    Raises:
        ValueError: ``ZKP_THREADS`` is not a whole number.
        zkp.errors.MalformedInputError: ``n`` is not an int >= 0.
    """
    count = _threads_from_env() if n is None else n
    try:
        from . import _bn254  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        from . import _bn254_py as twin  # checks n the same way

        twin.set_threads(count)
        return
    _bn254.set_threads(count)


def _mulx_from_env() -> bool:
    """False when ``ZKP_NO_MULX`` is set to anything but empty or ``0``."""
    return os.environ.get("ZKP_NO_MULX", "").strip() in ("", "0")


def set_mulx(enabled: bool | None = None) -> bool:
    """Let the C kernels use their BMI2/ADX product where the CPU has it (``True``) or keep
    them on the portable one (``False``, same bytes, slower); ``None`` reads ``ZKP_NO_MULX``
    again. Returns whether the BMI2/ADX product is used now (always False for the Python twin).

        >>> set_mulx(False)
        False
        >>> _ = set_mulx()

    Raises:
        zkp.errors.MalformedInputError: ``enabled`` is not a bool.
    """
    flag = _mulx_from_env() if enabled is None else enabled
    try:
        from . import _bn254  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        from . import _bn254_py as twin  # checks the flag the same way

        return bool(twin.set_mulx(flag))
    return bool(_bn254.set_mulx(flag))


#: The active kernel module (same functions and contract in both twins).
kernels: ModuleType = _pick()


def backend_info() -> dict[str, str]:
    """Which kernel twin is active: ``{"backend": "python" | "c", "reason": ...}``."""
    forced = os.environ.get("ZKP_PURE_PYTHON", "") not in ("", "0")
    name = str(getattr(kernels, "BACKEND", "python"))
    reason = "forced by ZKP_PURE_PYTHON" if forced else (
        "C extension built" if name == "c" else "C extension not built")
    return {"backend": name, "reason": reason}


_threads = _threads_from_env()  # a typo is named whichever twin runs
if kernels is not _bn254_py:
    kernels.set_threads(_threads)
    kernels.set_mulx(_mulx_from_env())
