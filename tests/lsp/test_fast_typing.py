"""Typing fast with `debounceMs: 0`: every edit's diagnostics come back for its version,
the checkpoints are evaluated when the typing pauses (not once per keystroke), the
milestone still arrives, and fixing a lesson's cause removes its hint at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsp_client import coach
from lsprotocol import types
from pytest_lsp import client as pytest_lsp_client

APP = (
    "import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n"
    'app.config["SECRET_KEY"] = "hunter2-s3cr3t-value"\n'
)
ROUTE = '\n\n@app.route("/about")\ndef about():\n    return "about"\n'
FIXED = 'app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]'


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[types.PublishDiagnosticsParams]:
    """Every publishDiagnostics the client receives (pytest-lsp keeps only the last)."""
    seen: list[types.PublishDiagnosticsParams] = []
    features = pytest_lsp_client.DEFAULT_CLIENT_FEATURES
    method = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    original = features[method]

    def record(ls: Any, params: types.PublishDiagnosticsParams) -> None:  # `ls`: pygls binds it
        seen.append(params)
        original(ls, params)

    monkeypatch.setitem(features, method, record)
    return seen


def _codes(params: types.PublishDiagnosticsParams) -> set[str]:
    return {str(d.code) for d in params.diagnostics}


async def test_typing_fast_publishes_every_edit_and_the_milestone_after_a_pause(
    workspace: Path, store: Path, published: list[types.PublishDiagnosticsParams]
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("app.py")
        uri = session.uri("app.py")

        def answered(version: int) -> list[types.PublishDiagnosticsParams]:
            return [p for p in published if p.uri == uri and p.version == version]

        first = await session.wait_for("the open's diagnostics", lambda: answered(1))
        assert "RC501" in _codes(first[-1])
        before = await session.wait_stats("the first scan", lambda s: s["scan"] != "")
        shown = len(session.client.messages)
        line, col = 6, 0
        for char in ROUTE:  # one character at a time, each answered before the next
            session.insert("app.py", line, col, char)
            line, col = (line + 1, 0) if char == "\n" else (line, col + 1)
            version = session.versions["app.py"]
            await session.wait_for(
                f"diagnostics for version {version}", lambda v=version: answered(v)
            )
        await session.wait_for(
            "the route milestone",
            lambda: [m for m in session.client.messages[shown:] if "Flask route" in m.message],
        )
        after = await session.stats()
        typed = after["analyses"] - before["analyses"]
        assert typed == len(ROUTE)  # each keystroke analysed and answered
        # the checkpoints ran when typing paused, not once per keystroke
        assert after["updates"] - before["updates"] <= typed // 2
        assert "web.flask-route" in after["milestones"]

        # the fix: the hint goes with the edit that removes its cause
        start = types.Position(5, 0)
        end = types.Position(5, len('app.config["SECRET_KEY"] = "hunter2-s3cr3t-value"'))
        session.change("app.py", FIXED, types.Range(start, end))
        version = session.versions["app.py"]
        fixed = await session.wait_for("the fix's diagnostics", lambda: answered(version))
        assert "RC501" not in _codes(fixed[-1])
