"""zkmpc: the command line (``zkmpc ...``) and the demo. The library lives in ``zkp``,
``circuits`` and ``mpc``."""

__version__ = "0.1.0"
