"""The one place that picks the kernel twin: the C extension ``zkp._bn254`` when it is
built and not disabled, else the pure-Python ``zkp._bn254_py``.

Set ``ZKP_PURE_PYTHON=1`` in the environment to force the Python twin.
"""

from __future__ import annotations

import os
from types import ModuleType

from ._lazy import lazy_module

# the pure-Python twin (and gmpy2 with it) loads only when it is used
_bn254_py = lazy_module("zkp._bn254_py")

__all__ = ["kernels", "backend_info"]


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


#: The active kernel module (same functions and contract in both twins).
kernels: ModuleType = _pick()


def backend_info() -> dict[str, str]:
    """Which kernel twin is active: ``{"backend": "python" | "c", "reason": ...}``."""
    forced = os.environ.get("ZKP_PURE_PYTHON", "") not in ("", "0")
    name = str(getattr(kernels, "BACKEND", "python"))
    reason = "forced by ZKP_PURE_PYTHON" if forced else (
        "C extension built" if name == "c" else "C extension not built")
    return {"backend": name, "reason": reason}
