"""Build the optional C twin of the BN254 kernels (zkp._bn254).

It needs only libc (with pthreads) and the Python headers. When it cannot be built
(no compiler, another platform), the install still succeeds and zkp uses the pure-Python
twin; set ZKP_REQUIRE_C=1 to make a failed build an error (CI does).
"""

import os
import sys

from setuptools import Extension, setup

flags = ["-O3", "-std=gnu11", "-Wall", "-Wextra", "-fno-strict-aliasing"]
if os.environ.get("ZKP_SANITIZE"):
    flags += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1"]
if os.environ.get("ZKP_WERROR"):  # CI's sanitizer build: -Wall -Wextra must stay clean
    flags += ["-Werror"]
if os.environ.get("ZKP_PORTABLE", "0") not in ("", "0"):  # the portable C field arithmetic, not the x86-64 one
    flags += ["-DBN254_PORTABLE"]
link = ["-pthread"] + (["-fsanitize=address,undefined"] if os.environ.get("ZKP_SANITIZE") else [])

ext = Extension(
    "zkp._bn254",
    sources=["zkp/_bn254_src/module.c"],
    depends=["zkp/_bn254_src/field.h", "zkp/_bn254_src/mont_mulx.h", "zkp/_bn254_src/curve_impl.h", "zkp/_bn254_src/curve_ops.h", "zkp/_bn254_src/curve_batch.h", "zkp/_bn254_src/ceremony.h", "zkp/_bn254_src/blake2b.h", "zkp/_bn254_src/pairing.h",
             "zkp/_bn254_src/constants.h", "zkp/_bn254_src/glv.h", "zkp/_bn254_src/ntt.h", "zkp/_bn254_src/poseidon.h",
             "zkp/_bn254_src/prove.h", "zkp/_bn254_src/witness.h"],
    extra_compile_args=flags if sys.platform != "win32" else [],
    extra_link_args=link if sys.platform != "win32" else [],
    optional=not os.environ.get("ZKP_REQUIRE_C"),
)

setup(ext_modules=[ext])
