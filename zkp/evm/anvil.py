"""Start and stop a local anvil node (Foundry's EVM node) for tests, benchmarks and demos::

    with Anvil() as node:
        chain = RpcChain(node.url)

The binary is ``$ZKMPC_ANVIL``, ``anvil`` in a ``node_modules/.bin`` (the npm package
``@foundry-rs/anvil-linux-amd64`` pinned in package.json), or ``anvil`` on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from ..errors import ChainError, ToolError

__all__ = ["Anvil", "find_anvil"]


def find_anvil() -> str:
    env = os.environ.get("ZKMPC_ANVIL")
    if env:
        return env
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        exe = base / "node_modules" / ".bin" / "anvil"
        if exe.exists():
            return str(exe)
    found = shutil.which("anvil")
    if found:
        return found
    raise ToolError("anvil not found: `npm install @foundry-rs/anvil-linux-amd64` (`make tools` in a "
                    "checkout), install Foundry, or set $ZKMPC_ANVIL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Anvil:
    """An anvil process on 127.0.0.1 at a free port; ``url`` is its JSON-RPC endpoint."""

    def __init__(self, *, startup_timeout: float = 30.0) -> None:
        self.exe = find_anvil()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None

    def __repr__(self) -> str:
        state = "running" if self._proc and self._proc.poll() is None else "stopped"
        return f"Anvil({self.url}, {state})"

    def _rpc_ready(self) -> bool:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=1) as resp:
                return "result" in json.loads(resp.read())
        except (OSError, ValueError):
            return False

    def start(self) -> Anvil:
        self._proc = subprocess.Popen(
            [self.exe, "--host", "127.0.0.1", "--port", str(self.port), "--silent"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise ChainError(f"anvil exited with status {self._proc.returncode}: {err[:1000]}")
            if self._rpc_ready():
                return self
            time.sleep(0.05)
        self.stop()
        raise ChainError(f"anvil did not answer on {self.url} within {self._timeout} s")

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc is not None and self._proc.stderr:
            self._proc.stderr.close()

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
