"""The stdio transport under pygls's dispatch: our framing (`framing.py`), pygls's
protocol. Replaces pygls's own reader loop (`pygls.io_.run_async`) for `serve` on stdio.

The event loop reads what stdin has (one `os.read` per chunk, when the pipe is
readable), splits it into frames and dispatches each one. A body that is
not JSON, or not a JSON-RPC message, is dropped with one warning; a request whose
params do not fit its method is answered with `InvalidParams` by the protocol
(`protocol.py`); the next message is read either way.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any, BinaryIO

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCProtocol
from pygls.server import JsonRPCServer

from roadmap_coach.lsp.framing import FrameReader

log = logging.getLogger(__name__)
CHUNK = 64 * 1024
_QUEUED_CHUNKS = 16  # the reader thread waits when the loop is this far behind
_TURNS_BETWEEN_MESSAGES = 3


def serve_stdio(
    server: JsonRPCServer, stdin: BinaryIO, stdout: BinaryIO, waiting: bytes = b""
) -> None:
    """Serve one client on stdin/stdout until it leaves (EOF or `exit`); `waiting`: what
    was read of stdin before (it comes first)."""
    server.protocol.set_writer(StdoutWriter(stdout))
    try:
        asyncio.run(read_messages(stdin, server.protocol, waiting))
    except BrokenPipeError:
        log.error("roadmap-coach: the connection to the client is lost")
    except (KeyboardInterrupt, SystemExit):  # `exit` ends the server with SystemExit
        pass
    finally:
        server.shutdown()


async def read_messages(stdin: BinaryIO, protocol: JsonRPCProtocol, waiting: bytes = b"") -> None:
    frames = FrameReader()
    async for data in _chunks(stdin, waiting):
        for body in frames.feed(data):
            dispatch(protocol, body, frames)
            # pygls's own reader took several loop turns per message; so do we, so that
            # what a message set off (an async handler's first step, the code awaiting a
            # response to a server request: two turns through pygls's futures) runs
            # before the next message is handled.
            for _ in range(_TURNS_BETWEEN_MESSAGES):
                await asyncio.sleep(0)


async def _chunks(stdin: BinaryIO, waiting: bytes = b"") -> AsyncIterator[bytes]:
    """What stdin has, chunk by chunk (after `waiting`), until the client closes it.

    A pipe is read by the event loop itself when it is readable (no thread, so no
    hand-over of the GIL per message); anything the loop cannot watch (a regular file,
    Windows pipes) by a daemon thread.
    """
    if waiting:
        yield waiting
    loop = asyncio.get_running_loop()
    try:
        fd = stdin.fileno()
        loop.add_reader(fd, lambda: None)
        loop.remove_reader(fd)
    except (OSError, ValueError, AttributeError, NotImplementedError):
        queue: asyncio.Queue[bytes] = asyncio.Queue(_QUEUED_CHUNKS)
        threading.Thread(
            target=_pump, args=(stdin, loop, queue), name="roadmap-coach-stdin", daemon=True
        ).start()
        while data := await queue.get():
            yield data
        return
    while data := await _read_when_ready(loop, fd):
        yield data


def _read_when_ready(loop: asyncio.AbstractEventLoop, fd: int) -> asyncio.Future[bytes]:
    ready: asyncio.Future[bytes] = loop.create_future()

    def read() -> None:
        loop.remove_reader(fd)
        try:
            data = os.read(fd, CHUNK)  # readable: returns at once with what is there
        except OSError:
            data = b""
        if not ready.done():
            ready.set_result(data)

    loop.add_reader(fd, read)
    return ready


def _pump(stdin: BinaryIO, loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue[bytes]) -> None:
    """Stdin to the loop, chunk by chunk; an empty chunk says the client is gone."""
    read = _reader(stdin)
    while True:
        try:
            data = read(CHUNK)
        except (OSError, ValueError):
            data = b""
        try:
            asyncio.run_coroutine_threadsafe(chunks.put(data), loop).result()
        except (Exception, asyncio.CancelledError):  # the loop has ended
            return
        if not data:
            return


def _reader(stdin: BinaryIO) -> Callable[[int], bytes]:
    # The file descriptor itself where there is one: a thread blocked in a buffered
    # reader holds its lock, and the interpreter aborts when it cannot take that lock at
    # exit ("could not acquire lock ... possibly due to daemon threads").
    try:
        fd = stdin.fileno()
    except (OSError, ValueError, AttributeError):
        return getattr(stdin, "read1", None) or stdin.read
    return lambda size: os.read(fd, size)


def dispatch(protocol: JsonRPCProtocol, body: bytes, frames: FrameReader) -> None:
    """Decode one body and hand it to pygls; never raise for what the client sent."""
    try:
        message: Any = json.loads(body, object_hook=protocol.structure_message)
    except JsonRpcException as error:  # params that do not fit (a request is answered)
        log.warning("roadmap-coach: dropped a message the protocol could not read: %s", error)
        return
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep
        frames.lose("a message that is not JSON")
        return
    if not hasattr(message, "jsonrpc"):
        log.warning("roadmap-coach: dropped a message that is not JSON-RPC")
        return
    try:
        protocol.handle_message(message)
    except Exception:
        log.exception("roadmap-coach: could not handle a message")
