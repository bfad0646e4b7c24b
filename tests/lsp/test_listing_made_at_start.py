"""`roadmap-coach serve` started with the client's `initialize` already on stdin (as
editors write it) lists the workspace in a child while it imports, and its first scan
takes that listing: the learner sees the same files and lessons, a file changed before
the scan is seen with its new content, and the session ends cleanly.

Driven with raw JSON-RPC over pipes: `initialize` is written before the server starts,
and `initialized` once the child has listed, so the early listing is certain (pytest-lsp's
client writes `initialize` once the server runs)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest
from lsp_client import WAIT_S
from test_reopened_workspace import FIXED_APP, SQL_LINE
from test_workspace_records import FILES, write

from roadmap_coach.lsp import early_listing
from roadmap_coach.lsp.framing import FrameReader

pytestmark = pytest.mark.skipif(not early_listing.supported(), reason="Linux only")
Message = dict[str, Any]
_CHUNK = 64 * 1024


def frame(message: Message) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """Just enough of a client: answers the server's requests with null (or a list of
    nulls for `workspace/configuration`) and queues everything else it sends."""

    def __init__(self, root: Path, store: Path, first: Message) -> None:
        read, write = os.pipe()
        os.write(write, frame(first))  # before the server runs: it finds it at start
        env = {**os.environ, "ROADMAP_COACH_STORE": str(store), "GIT_CONFIG_NOSYSTEM": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "roadmap_coach", "serve"],
            stdin=read,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
            env=env,
        )
        os.close(read)
        self.stdin = os.fdopen(write, "wb")
        self.inbox: Queue[Message] = Queue()
        self.seen: list[Message] = []  # every message taken from the inbox so far
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        frames = FrameReader()
        while chunk := stream.read1(_CHUNK):
            for body in frames.feed(chunk):
                self._take(json.loads(body))

    def _take(self, message: Message) -> None:
        if "method" in message and "id" in message:
            items = (message.get("params") or {}).get("items", [])
            answer = [None] * len(items) if message["method"].endswith("configuration") else None
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": answer})
        else:
            self.inbox.put(message)

    def send(self, message: Message) -> None:
        with self.lock:
            self.stdin.write(frame(message))
            self.stdin.flush()

    def wait(self, what: str, matches: Any) -> Message:
        while True:
            try:
                message = self.inbox.get(timeout=WAIT_S)
            except Empty:
                raise AssertionError(f"timed out waiting for {what}") from None
            self.seen.append(message)
            if matches(message):
                return message

    def request(self, ident: int, method: str, params: Any) -> Any:
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return self.wait(method, lambda m: m.get("id") == ident and "method" not in m)["result"]


def children_done(pid: int) -> None:
    """Until every child of `pid` has exited (the early listing's child, done)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        states = []
        for child in children:
            with contextlib.suppress(OSError):
                states.append(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0])
        if all(state == "Z" for state in states):
            return
        time.sleep(0.01)
    raise AssertionError("the early listing's child did not finish")


def test_the_first_scan_takes_the_listing_made_while_the_server_started(
    workspace: Path, store: Path
) -> None:
    write(workspace, {**FILES, "app.py": FIXED_APP})
    uri = workspace.as_uri()
    client = RawClient(
        workspace,
        store,
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "processId": os.getpid(),
                "rootUri": uri,
                "capabilities": {"window": {"workDoneProgress": True}},
            },
        },
    )
    try:
        client.wait("the answer to initialize", lambda m: m.get("id") == 1)
        children_done(client.process.pid)  # slow on a busy machine: never waited for
        # changed before the scan, after the child may have listed it: seen as it is now
        (workspace / "app.py").write_text(FILES["app.py"])
        client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        end = client.wait(
            "the end of the scan",
            lambda m: m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end",
        )
        assert end["params"]["value"]["message"].startswith(f"{len(FILES)} files")
        stats = client.request(
            2, "workspace/executeCommand", {"command": "roadmapCoach.debugStats"}
        )
        assert stats["earlyListings"] == 1 and stats["files"] == len(FILES)
        app = f"{uri}/app.py"
        published = [
            m["params"]
            for m in client.seen
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == app
        ]
        # the lessons of app.py as it is now: its f-string SQL
        lines = [d["range"]["start"]["line"] for d in published[-1]["diagnostics"]]
        assert SQL_LINE in lines
        client.request(3, "shutdown", None)
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert client.process.wait(timeout=WAIT_S) == 0
    finally:
        if client.process.poll() is None:
            client.process.kill()
        client.process.wait()
        client.stdin.close()
