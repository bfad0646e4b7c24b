"""A bare JSON-RPC client over the server's stdio, so tests can send what no LSP library
would: broken headers, wrong lengths, invalid JSON, unknown methods, wrong params.

A reader thread splits the server's output into messages; requests the server sends to
the client (configuration, capability registration, progress tokens) are answered with
`null` so the server never waits on this client.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ANSWER_S = 20.0


class RawServer:
    def __init__(self, root: Path, env: dict[str, str], stderr: Path) -> None:
        self._stderr = stderr.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "roadmap_coach", "serve"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self._next_id = 1000
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    # -- sending ---------------------------------------------------------------------------
    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def send(self, message: dict[str, Any] | bytes) -> None:
        body = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params: Any = None, *, timeout: float = ANSWER_S) -> Any:
        """Send a request and wait for its response (the whole response message)."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(ident, timeout=timeout)

    def notify(self, method: str, params: Any = None) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # -- receiving -------------------------------------------------------------------------
    def response(self, ident: Any, *, timeout: float = ANSWER_S) -> dict[str, Any] | None:
        """The response to `ident`, or None if none came in time."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                return None
            if message.get("id") == ident and "method" not in message:
                return message

    def alive_and_answering(self, attempts: int = 3, timeout: float = 8.0) -> bool:
        """Does a fresh request get its answer? A broken frame may swallow the message that
        follows it (no server can tell where a frame with a wrong length ends), so a few
        probes are sent; the server must resynchronise within them."""
        for _ in range(attempts):
            if self.process.poll() is not None:
                return False
            self._next_id += 1
            ident = self._next_id
            probe = {"jsonrpc": "2.0", "id": ident, "method": "roadmapCoach/getProgress"}
            self.send({**probe, "params": {}})
            answer = self.response(ident, timeout=timeout)
            if answer is not None:
                return "result" in answer and answer["result"]["steps"] != []
        return False

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                continue
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:  # the server asks the client
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            if "method" in message:
                self.notifications.append(message)
                continue
            self.messages.put(message)

    # -- lifecycle -------------------------------------------------------------------------
    def initialize(self, root: Path) -> dict[str, Any]:
        answer = self.request(
            "initialize",
            {"processId": None, "rootUri": root.as_uri(), "capabilities": {}},
        )
        assert answer is not None and "result" in answer, answer
        self.notify("initialized", {})
        return answer["result"]

    def kill(self) -> None:
        """End a server that stopped answering (no shutdown handshake to wait for)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.close()

    def close(self) -> int:
        if self.process.poll() is None:
            try:
                if self.request("shutdown", timeout=3) is None:
                    raise subprocess.TimeoutExpired("shutdown", 3)  # a deaf server: kill it
                self.notify("exit")
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)
        self._stderr.close()
        return self.process.returncode
