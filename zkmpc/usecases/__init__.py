"""The use cases: what every example shares (:mod:`zkmpc.usecases.runner`) and the
catalogue that lists and runs them by sector (:mod:`zkmpc.usecases.catalogue`)."""

from .runner import KeyCache, OnChain, Proved, Report, UseCaseError, open_chain, options, parse_args, parser

__all__ = ["KeyCache", "OnChain", "Proved", "Report", "UseCaseError", "open_chain", "options", "parse_args", "parser"]
