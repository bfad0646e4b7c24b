"""Fuzzed transport: whatever framed garbage a client sends (any body, a wrong or absurd
`Content-Length`, headers without a body, noise between frames), a valid request that
follows gets its answer from the real server on stdio. A frame with a wrong length may
swallow the message after it (nobody can tell where it ends), so up to three probes
are sent; the server must be back in step within them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from coach_runner import isolated_env
from fuzz_budget import scaled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from raw_jsonrpc import RawServer

HOSTILE_JSON = [
    b"{}",
    b"[]",
    b"null",
    b'{"jsonrpc": "2.0"}',
    b'{"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": 5}',
    b'{"jsonrpc": "2.0", "id": [], "method": "roadmapCoach/getProgress"}',
    b'{"jsonrpc": "1.0", "id": 2, "method": "roadmapCoach/getProgress", "params": {}}',
    b'{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"x": 1}}',
]


def frame(body: bytes, length: int | None = None) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


GARBAGE = st.lists(
    st.one_of(
        st.binary(max_size=300).map(frame),
        st.sampled_from(HOSTILE_JSON).map(frame),
        st.binary(max_size=120).filter(lambda b: b"\n" not in b),
        st.tuples(st.sampled_from(HOSTILE_JSON), st.integers(-10, 10)).map(
            lambda pair: frame(pair[0], max(len(pair[0]) + pair[1], 1))
        ),
        st.sampled_from(
            [
                b"Content-Length: 999999999999\r\n\r\n",
                b"Content-Length: -3\r\n\r\n",
                b"Content-Length: 5\r\nContent-Length: 7\r\n\r\n{}{}{}{",
                b"Content-Type: text/plain\r\n\r\n",
                b"\r\n\r\n\n\r",
            ]
        ),
    ),
    min_size=1,
    max_size=6,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawServer]:
    base = tmp_path_factory.mktemp("fuzz-framing")
    root = base / "ws"
    root.mkdir()
    (root / "app.py").write_text("def f():\n    return 1\n")
    raw = RawServer(root, isolated_env(base / "home", base / "store.sqlite3"), base / "err.log")
    raw.initialize(root)
    try:
        yield raw
    finally:
        raw.kill()


@settings(scaled(25), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=GARBAGE)
def test_after_framed_garbage_a_valid_request_is_answered(
    server: RawServer, garbage: list[bytes]
) -> None:
    server.send_bytes(b"".join(garbage))
    assert server.alive_and_answering(attempts=3, timeout=2)


def test_dropped_input_is_logged_once_per_stretch(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    stderr = tmp_path / "stderr.log"
    raw = RawServer(root, isolated_env(tmp_path / "home", tmp_path / "store.sqlite3"), stderr)
    try:
        raw.initialize(root)
        body = json.dumps({"jsonrpc": "2.0", "id": 5, "method": "x", "params": {}}).encode()
        raw.send_bytes(frame(body, len(body) - 5) + b"noise\r\n" * 20)
        assert raw.alive_and_answering(attempts=2, timeout=3)
    finally:
        raw.close()
    warnings = [line for line in stderr.read_text().splitlines() if "dropped" in line]
    assert len(warnings) == 1, warnings
