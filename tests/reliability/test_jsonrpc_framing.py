"""Malformed JSON-RPC from a buggy or hostile client never takes the server down: broken
header lines, bodies that are not JSON (or not JSON-RPC), unknown methods and wrong
params are logged or answered with an error, and the next request is answered.

The server runs as a plain subprocess on stdio, driven byte by byte (raw_jsonrpc.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from coach_runner import isolated_env
from raw_jsonrpc import RawServer

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef i():\n    return "hi"\n'


def framed(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(ident: object, method: str, params: object) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}).encode()


# Each is a complete frame (or header) whose content is wrong.
BROKEN = {
    "a header line that is not a header": b"Nonsense\r\n\r\n",
    "a non-numeric Content-Length": b"Content-Length: abc\r\n\r\n",
    "a zero Content-Length": b"Content-Length: 0\r\n\r\n",
    "an unknown header": b"X-Whatever: 1\r\n" + framed(request(1, "roadmapCoach/getProgress", {})),
    "a body that is not JSON": framed(b'{"jsonrpc": "2.0", "id": '),
    "a body that is not UTF-8": framed(b"\xff\xfe\xfd\xfc"),
    "a JSON array": framed(b"[1, 2]"),
    "JSON null": framed(b"null"),
    "a string": framed(b'"initialize"'),
    "an object without jsonrpc": framed(b'{"id": 3, "method": "textDocument/hover"}'),
    "a response nobody asked for": framed(b'{"jsonrpc": "2.0", "id": 987, "result": {}}'),
    "an error nobody asked for": framed(b'{"jsonrpc": "2.0", "id": 988, "error": {"code": 1}}'),
    "an out-of-range number": framed(request(1e300, "roadmapCoach/getProgress", {})),
    "nesting deeper than the JSON parser goes": framed(
        b'{"jsonrpc":"2.0","id":4,"method":"x","params":' + b"[" * 60_000 + b"]" * 60_000 + b"}"
    ),
    "an unknown notification": framed(b'{"jsonrpc": "2.0", "method": "foo/bar", "params": {}}'),
    "a change to a document never opened": framed(
        json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": "file:///never/opened.py", "version": 2},
                    "contentChanges": [{"text": "x = 1\n"}],
                },
            }
        ).encode()
    ),
    "documents with odd URIs": b"".join(
        framed(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "textDocument/didOpen",
                    "params": {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "python",
                            "version": 1,
                            "text": "x = 1\n",
                        }
                    },
                }
            ).encode()
        )
        for uri in ("untitled:Untitled-1", "http://example.com/a.py", "file:///../../etc/x.py")
    ),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RawServer]:
    base = tmp_path_factory.mktemp("framing")
    root = base / "ws"
    root.mkdir()
    (root / "app.py").write_text(APP)
    env = isolated_env(base / "home", base / "store.sqlite3")
    raw = RawServer(root, env, base / "stderr.log")
    raw.initialize(root)
    try:
        yield raw
    finally:
        raw.close()


@pytest.mark.parametrize("what", list(BROKEN))
def test_a_broken_message_is_dropped_and_the_next_request_answered(
    server: RawServer, what: str
) -> None:
    server.send_bytes(BROKEN[what])
    assert server.alive_and_answering(attempts=1)


def test_an_unknown_request_gets_method_not_found(server: RawServer) -> None:
    answer = server.request("roadmapCoach/noSuchThing", {})
    assert answer is not None and answer["error"]["code"] == -32601


def test_unknown_commands_and_wrong_arguments_get_errors_not_silence(server: RawServer) -> None:
    for command, arguments in (
        ("roadmapCoach.noSuchCommand", []),
        ("roadmapCoach.exportProgress", ["not an object", 5]),
        ("roadmapCoach.exportProgress", [{"format": "pdf", "path": "/tmp/x"}]),
        ("roadmapCoach.resetProgress", [{"confirm": "yes"}]),
        ("roadmapCoach.explainMilestone", [{"id": 5}]),
    ):
        answer = server.request(
            "workspace/executeCommand", {"command": command, "arguments": arguments}
        )
        assert answer is not None and answer["error"]["code"] in (-32602, -32603), answer
    assert server.alive_and_answering()


def test_requests_about_documents_nobody_opened_are_answered(server: RawServer) -> None:
    unknown = {"textDocument": {"uri": "file:///no/such/file.py"}}
    position = {"line": 0, "character": 0}
    hover = server.request("textDocument/hover", {**unknown, "position": position})
    assert hover is not None and hover["result"] is None
    lens = server.request("textDocument/codeLens", unknown)
    assert lens is not None and lens["result"] == []
    text = server.request(
        "workspace/executeCommand",
        {"command": "roadmapCoach.debugText", "arguments": ["file:///no/such/file.py"]},
    )
    assert text is not None and text["result"] is None


# -- what pygls's own reader did not survive (docs/RELIABILITY.md, upstream reproductions) --


def fresh(tmp_path: Path) -> RawServer:
    root = tmp_path / "ws"
    root.mkdir()
    env = isolated_env(tmp_path / "home", tmp_path / "store.sqlite3")
    raw = RawServer(root, env, tmp_path / "stderr.log")
    raw.initialize(root)
    assert raw.alive_and_answering()
    return raw


def test_a_request_with_wrong_params_gets_invalid_params(server: RawServer) -> None:
    answer = server.request("textDocument/hover", {"position": {"line": "x"}}, timeout=3)
    assert answer is not None and answer["error"]["code"] == -32602


def test_get_progress_without_params_is_answered(server: RawServer) -> None:
    server.send(b'{"jsonrpc": "2.0", "id": 77, "method": "roadmapCoach/getProgress"}')
    answer = server.response(77, timeout=3)
    assert answer is not None and "result" in answer


@pytest.mark.parametrize("delta", [-5, +5])
def test_a_frame_with_a_wrong_length_costs_at_most_the_next_message(
    tmp_path: Path, delta: int
) -> None:
    raw = fresh(tmp_path)
    try:
        body = request(5, "roadmapCoach/getProgress", {})
        raw.send_bytes(b"Content-Length: %d\r\n\r\n" % (len(body) + delta) + body)
        assert raw.alive_and_answering(attempts=2, timeout=2)
    finally:
        raw.kill()


def test_an_absurd_content_length_does_not_kill_the_server(tmp_path: Path) -> None:
    raw = fresh(tmp_path)
    try:
        raw.send_bytes(b"Content-Length: 999999999999\r\n\r\n{}")
        assert raw.alive_and_answering(attempts=1, timeout=3)
    finally:
        raw.close()
