"""LSP base-protocol framing that survives a buggy client: bytes in, message bodies out.

A frame is header lines (`Content-Length: N`, maybe others) ending at an empty line,
then N bytes of body. pygls's reader only finds a header at the start of a line and
allocates whatever length it is told, so one wrong `Content-Length` leaves it deaf for
good and a huge one kills it (docs/RELIABILITY.md, "Upstream reproductions"). This
reader

- finds the next `Content-Length:` header anywhere in a line, so after a frame with a
  wrong length (its body runs into the next header) it is back in step at the latest
  one message later;
- refuses a frame longer than `MAX_FRAME_BYTES` without reading it as one: its bytes are
  skipped like any garbage until the next header;
- never holds a header line longer than `MAX_HEADER_LINE` bytes.

Each stretch of dropped input is logged as one warning. The reader is sans-IO (tested
on its own); `transport.py` feeds it what stdin delivers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

log = logging.getLogger(__name__)

MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024
_TAIL = 64  # bytes kept of an over-long line: room for a whole `Content-Length: <digits>`
# At the end of a line (a JSON body can never put this before a raw line break, so a
# match inside skipped input is a real header).
_CONTENT_LENGTH = re.compile(rb"Content-Length:[ \t]*(\d{1,20})[ \t]*$", re.IGNORECASE)
_HEADER = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:")


class FrameReader:
    """Splits a byte stream into LSP message bodies, resynchronising after bad input."""

    def __init__(self, max_frame: int = MAX_FRAME_BYTES) -> None:
        self.max_frame = max_frame
        self.dropped = 0  # stretches of input dropped so far (one warning each)
        self._buf = bytearray()
        self._length: int | None = None  # Content-Length of the headers being read
        self._need: int | None = None  # body bytes still to come (None: reading headers)
        self._headers = False  # a header line has been read since the last frame
        self._lost = False  # skipping input until the next Content-Length header

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The bodies completed by `data`, in order. Each is handed out before the bytes
        after it are read, so a caller that finds a body unreadable can `lose()` it."""
        self._buf += data
        return self._bodies()

    def _bodies(self) -> Iterator[bytes]:
        while True:
            if self._need is not None:
                if len(self._buf) < self._need:
                    break
                body = bytes(self._buf[: self._need])
                del self._buf[: self._need]
                self._need = None
                yield body
                continue
            end = self._buf.find(b"\n")
            if end < 0:
                if len(self._buf) > MAX_HEADER_LINE:
                    self.lose(f"a header line longer than {MAX_HEADER_LINE} bytes")
                    del self._buf[:-_TAIL]
                break
            line = bytes(self._buf[:end]).rstrip(b"\r")
            del self._buf[: end + 1]
            self._header_line(line)

    def lose(self, why: str) -> None:
        """Drop input until the next `Content-Length` header; warn once per stretch."""
        self._length = None
        self._headers = False
        if not self._lost:
            self._lost = True
            self.dropped += 1
            log.warning(
                "roadmap-coach: dropped %s from the client; reading on from the next "
                "Content-Length header",
                why,
            )

    def _header_line(self, line: bytes) -> None:
        if not line.strip():
            self._end_of_headers()
            return
        match = _CONTENT_LENGTH.search(line)
        if match is not None:
            if match.start() > 0:  # the tail of a frame whose length was wrong
                self.lose("a message with a wrong Content-Length")
            self._length = int(match.group(1))
            self._headers = True
        elif _HEADER.match(line) is not None:
            self._headers = True  # Content-Type or a header nobody defined: ignored
        else:
            self.lose("input that is not an LSP header")

    def _end_of_headers(self) -> None:
        length, headers = self._length, self._headers
        self._length, self._headers = None, False
        if length is None:
            if headers:
                self.lose("headers without a Content-Length")
            return
        if length == 0:
            self.lose("an empty message")
        elif length > self.max_frame:
            # Not allocated, not read as a frame: its bytes are skipped like garbage.
            self.lose(f"a {length}-byte message (over the {self.max_frame}-byte limit)")
        else:
            self._need = length
            self._lost = False
