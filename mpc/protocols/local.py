"""Run a protocol among parties in one process (notebooks, tests, teaching).

The parties are coroutines on one event loop connected by an
:class:`~mpc.net.network.InProcessHub`: every frame is still encoded, capped and checked.
Inside Jupyter (where a loop is already running) the protocol runs on a helper thread.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any, Awaitable, Callable, Mapping, Sequence, TypeVar

from ..errors import Crashed, MPCError
from ..field import FR, PrimeField
from ..net.network import InProcessHub
from .base import Context

__all__ = ["run_in_process", "Crashed"]

T = TypeVar("T")


def _crash_hook(hub: InProcessHub, party: int, when: str | None) -> Callable[[str], None] | None:
    if when is None:
        return None

    def hook(round_name: str) -> None:
        if round_name == when:
            hub.disconnect(party)
            raise Crashed(f"party {party} crashed after round {round_name!r}")
    return hook


async def _run_all(fn: Callable[[Context], Awaitable[T]], ids: Sequence[int], threshold: int, field: PrimeField,
                   timeout: float, crash: Mapping[int, str]) -> dict[int, T | BaseException]:
    hub = InProcessHub(ids, session=secrets.token_bytes(16))
    contexts = [Context(hub.network(p), threshold, field, timeout, _crash_hook(hub, p, crash.get(p))) for p in ids]

    async def one(ctx: Context) -> T:
        try:
            return await fn(ctx)
        finally:
            hub.disconnect(ctx.party)  # like a process that exits: the others stop waiting for it

    results = await asyncio.gather(*(one(c) for c in contexts), return_exceptions=True)
    return dict(zip(ids, results))


def run_in_process(fn: Callable[[Context], Awaitable[T]], *, parties: int | Sequence[int], threshold: int,
                   field: PrimeField = FR, timeout: float = 10.0,
                   crash: Mapping[int, str] | None = None) -> dict[int, T | BaseException]:
    """Run ``fn(ctx)`` for every party; returns each party's result, or the protocol's
    refusal it met (an :class:`~mpc.errors.MPCError` such as
    :class:`~mpc.net.errors.ProtocolAbort` naming the parties at fault, or :class:`Crashed`
    for the parties in ``crash``, which disconnect after the named round): outcomes a
    protocol run can have.

    Raises:
        Exception: any other exception a party raised (a bug in ``fn``, a wrong argument),
            the first party's, with a note naming the party: never hidden in the results.
    """
    ids = list(range(1, parties + 1)) if isinstance(parties, int) else list(parties)
    job = _run_all(fn, ids, threshold, field, timeout, dict(crash or {}))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        out = asyncio.run(job)
    else:
        box: dict[str, Any] = {}
        thread = threading.Thread(target=lambda: box.setdefault("out", asyncio.run(job)))
        thread.start()
        thread.join()
        out = box["out"]
    for party, result in out.items():
        if isinstance(result, BaseException) and not isinstance(result, (MPCError, Crashed)):
            result.add_note(f"raised by party {party} in run_in_process")
            raise result
    return out
