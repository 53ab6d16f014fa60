"""Benchmarks: scripts that print figures, measured side by side with the ecosystem's tools."""
