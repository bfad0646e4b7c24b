"""Typing: incremental sync keeps the server's text equal to the editor's, a burst of
edits costs one analysis (server-side debounce), and `debounceMs: 0` is immediate."""

from __future__ import annotations

from pathlib import Path

from lsp_client import coach

APP = "from flask import Flask\n\napp = Flask(__name__)\n"
ROUTE = '\n\n@app.route("/about")\ndef about():\n    return "about"\n'


async def test_incremental_edits_keep_the_servers_text_equal_to_the_buffer(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store) as session:
        session.open("app.py")
        session.insert("app.py", 3, 0, ROUTE)
        session.insert("app.py", 0, 5, "flask ")  # mid-line
        session.insert("app.py", 2, 0, "# héllo 😀 wörld\n")  # non-ASCII counted in UTF-16
        session.insert("app.py", 2, 10, "!")  # after the emoji: UTF-16 offset
        expected = (
            "from flask flask import Flask\n\n# héllo 😀! wörld\napp = Flask(__name__)\n" + ROUTE
        )
        assert await session.command("roadmapCoach.debugText", session.uri("app.py")) == expected


async def test_a_burst_of_edits_costs_one_analysis(workspace: Path, store: Path) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 300}) as session:
        session.open("app.py")
        before = (await session.stats())["analyses"]
        for index, char in enumerate(ROUTE):  # typed one character at a time
            line = 3 + ROUTE[:index].count("\n")
            col = len(ROUTE[:index].rsplit("\n", 1)[-1])
            session.insert("app.py", line, col, char)
        stats = await session.stats()
        assert stats["analyses"] - before == 1
        assert "web.flask-route" in stats["milestones"]


async def test_debounce_zero_analyses_every_change_at_once(workspace: Path, store: Path) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("app.py")
        await session.stats()
        before = (await session.stats())["analyses"]
        session.insert("app.py", 3, 0, ROUTE)
        await session.wait_for(
            "the route milestone",
            lambda: [m for m in session.client.messages if "Flask route" in m.message],
        )
        assert (await session.stats())["analyses"] - before == 1
