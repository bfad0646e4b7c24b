"""The LSP framing under the server (lsp/framing.py): well-formed frames come out whole
however the bytes are chunked; bad input costs at most the message after it, is never
allocated beyond the limit, and is logged once per stretch."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmap_coach.lsp.framing import MAX_HEADER_LINE, FrameReader
from roadmap_coach.lsp.protocol import lsp_lines


def frame(body: bytes, *, length: int | None = None, extra: bytes = b"") -> bytes:
    size = len(body) if length is None else length
    return extra + b"Content-Length: %d\r\n\r\n" % size + body


def request(ident: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": "m", "params": {}}).encode()


def feed_all(reader: FrameReader, data: bytes, cuts: list[int]) -> list[bytes]:
    bodies: list[bytes] = []
    start = 0
    for cut in [*sorted({c % (len(data) + 1) for c in cuts}), len(data)]:
        bodies += list(reader.feed(data[start:cut]))
        start = cut
    return bodies


@given(
    bodies=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6),
    cuts=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_well_formed_frames_come_out_whole_however_the_bytes_arrive(
    bodies: list[bytes], cuts: list[int]
) -> None:
    data = b"".join(frame(b, extra=b"Content-Type: application/vscode-jsonrpc\r\n") for b in bodies)
    reader = FrameReader()
    assert feed_all(reader, data, cuts) == bodies
    assert reader.dropped == 0


@pytest.mark.parametrize("delta", [-5, -1, +1, +5])
def test_a_frame_with_a_wrong_length_costs_at_most_the_next_message(delta: int) -> None:
    first, second, third = request(1), request(2), request(3)
    data = frame(first, length=len(first) + delta) + frame(second) + frame(third)
    reader = FrameReader()
    bodies = list(reader.feed(data))
    assert bodies[-1] == third
    assert reader.dropped == 1


def test_a_header_found_mid_line_resynchronises() -> None:
    reader = FrameReader()
    assert list(reader.feed(b'"tail of a body"}' + frame(request(7)))) == [request(7)]


def test_an_absurd_length_is_refused_without_allocating_it() -> None:
    reader = FrameReader()
    bodies = list(reader.feed(b"Content-Length: 999999999999\r\n\r\n{}" + frame(request(9))))
    assert bodies == [request(9)]
    assert reader.dropped == 1


def test_a_frame_over_the_limit_is_skipped_and_the_next_one_read() -> None:
    reader = FrameReader(max_frame=100)
    big = json.dumps({"jsonrpc": "2.0", "method": "m", "params": {"x": "y" * 500}}).encode()
    bodies = feed_all(reader, frame(big) + frame(request(4)), list(range(0, 2000, 37)))
    assert bodies == [request(4)]


def test_an_endless_line_is_not_kept_in_memory() -> None:
    reader = FrameReader()
    for _ in range(100):
        assert list(reader.feed(b"x" * 65536)) == []
    assert len(reader._buf) <= MAX_HEADER_LINE + 65536
    assert list(reader.feed(frame(request(5)))) == [request(5)]


@pytest.mark.parametrize(
    "garbage",
    [b"Nonsense\r\n\r\n", b"Content-Length: abc\r\n\r\n", b"Content-Length: 0\r\n\r\n"],
)
def test_broken_headers_are_dropped_with_one_warning(
    garbage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    reader = FrameReader()
    with caplog.at_level(logging.WARNING, logger="roadmap_coach.lsp.framing"):
        assert list(reader.feed(garbage * 3 + frame(request(6)))) == [request(6)]
    assert len(caplog.records) == 1
    assert "next Content-Length header" in caplog.records[0].getMessage()


@given(
    garbage=st.lists(
        st.one_of(
            st.binary(max_size=200).map(frame),  # framed, any body
            st.binary(max_size=200).filter(lambda b: b"\n" not in b),  # unframed noise
            st.tuples(st.binary(min_size=1, max_size=100), st.integers(-20, 20)).map(
                lambda bd: frame(bd[0], length=max(len(bd[0]) + bd[1], 0))
            ),
            st.sampled_from([b"Content-Length: 99999999999\r\n\r\n", b"X-Y: z\r\n\r\n"]),
        ),
        max_size=8,
    ),
    cuts=st.lists(st.integers(0, 100_000), max_size=8),
)
def test_after_any_framed_garbage_a_request_gets_through_within_three_tries(
    garbage: list[bytes], cuts: list[int]
) -> None:
    probes = [request(100 + n) for n in range(3)]
    data = b"".join(garbage) + b"".join(frame(p) for p in probes)
    bodies = feed_all(FrameReader(), data, cuts)
    assert any(p in bodies for p in probes)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\nb\r\nc\rd", ["a\n", "b\r\n", "c\r", "d"]),
        ("x\x0cy\u2028z\x85w\n\n", ["x\x0cy\u2028z\x85w\n", "\n"]),
        ("\r\r\n\n", ["\r", "\r\n", "\n"]),
    ],
)
def test_lines_end_only_where_lsp_says(text: str, lines: list[str]) -> None:
    assert lsp_lines(text) == lines


def test_a_body_found_unreadable_is_dropped_without_losing_the_frame_after_it() -> None:
    reader = FrameReader()
    read = []
    for body in reader.feed(frame(b"not json") + frame(request(8))):
        if body == b"not json":
            reader.lose("a message that is not JSON")
        else:
            read.append(body)
    assert read == [request(8)]
    assert reader.dropped == 1
