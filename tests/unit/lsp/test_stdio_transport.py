"""The stdio loop under the server (lsp/transport.py): every message of a stream reaches
the protocol in order, from a pipe (read by the event loop) or from anything else (read
by a thread); broken bodies are dropped and the stream read on."""

from __future__ import annotations

import asyncio
import io
import json
import os
import threading
from types import SimpleNamespace
from typing import Any

from roadmap_coach.lsp.transport import read_messages


class Recorder:
    def __init__(self) -> None:
        self.handled: list[Any] = []

    def structure_message(self, data: dict[str, Any]) -> Any:
        return SimpleNamespace(**data) if "jsonrpc" in data else data

    def handle_message(self, message: Any) -> None:
        self.handled.append(message.id)


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


STREAM = b"".join(
    [
        frame(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "a", "params": {}}).encode()),
        frame(b"not json"),
        frame(b"[1, 2]"),
        frame(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "b", "params": {}}).encode()),
        b"Content-Length: 999999999999\r\n\r\n",
        frame(json.dumps({"jsonrpc": "2.0", "id": 3, "method": "c", "params": {}}).encode()),
    ]
)


def test_a_pipe_is_read_to_its_end_in_order() -> None:
    read, write = os.pipe()
    recorder = Recorder()

    def writer() -> None:
        for start in range(0, len(STREAM), 7):  # arriving in small pieces
            os.write(write, STREAM[start : start + 7])
        os.close(write)

    thread = threading.Thread(target=writer)
    thread.start()
    with os.fdopen(read, "rb") as stdin:
        asyncio.run(read_messages(stdin, recorder))  # type: ignore[arg-type]
    thread.join()
    assert recorder.handled == [1, 2, 3]


def test_a_stream_without_a_file_descriptor_is_read_by_a_thread() -> None:
    recorder = Recorder()
    asyncio.run(read_messages(io.BytesIO(STREAM), recorder))  # type: ignore[arg-type]
    assert recorder.handled == [1, 2, 3]
