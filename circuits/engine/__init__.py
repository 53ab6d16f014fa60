"""The two engines behind :class:`circuits.api.API`: the :class:`Compiler` (rows and the
witness program) and the :class:`Solver` (values, the debug mode), and the native
:mod:`~circuits.engine.hints`."""

from . import hints
from .compiler import Compiler, Trace
from .solver import Solver

__all__ = ["Compiler", "Solver", "Trace", "hints"]
