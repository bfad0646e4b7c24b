"""Guidance a learner can follow (docs/protocol.md): one definition of done, one ranked next
step, no celebration over a warning, a page for every checkpoint, plain text where text is
plain, and lenses only where the store recorded the milestone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lsp_client import Coach, coach, plain
from lsprotocol import types
from pygls.exceptions import JsonRpcException

APP = """from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
db = SQLAlchemy(app)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)


@app.route("/")
def index():
    return "hello"
"""
CLASS_LINE, ROUTE_LINE, INDEX_LINE = 7, 11, 12
DB = """import sqlite3


def find(name):
    conn = sqlite3.connect("shop.db")
    return conn.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()
"""
SQL_LINE = 5
TEST = """from app import app


def helper():
    return app.test_client()


def test_index():
    assert helper().get("/").status_code == 200
"""


def shown(session: Coach) -> list[str]:
    return [m.message for m in session.client.messages if m.type == types.MessageType.Info]


async def lenses(session: Coach, rel: str) -> list[tuple[int, str, str, list[Any]]]:
    found = await session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(session.uri(rel)))
    )
    return [
        (
            lens.range.start.line,
            lens.command.title,
            lens.command.command,
            lens.command.arguments or [],
        )
        for lens in found or []
        if lens.command is not None
    ]


async def explain(session: Coach, wanted: str) -> dict[str, Any]:
    result = await session.client.protocol.send_request_async(
        "roadmapCoach/explain", {"id": wanted}
    )
    return plain(result)


async def test_next_up_puts_the_open_security_lesson_first_and_steps_carry_one_state(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    (workspace / "db.py").write_text(DB)
    async with coach(workspace, store) as session:
        session.open("db.py")
        await session.wait_for("RC301", lambda: session.diagnostics("db.py"))
        await session.settled()
        progress = await session.progress_now()
        first = progress["nextUp"][0]
        assert first["kind"] == "lesson" and first["id"] == "RC301"
        assert first["title"] == (
            f"Fix the warning at db.py:{SQL_LINE + 1}: SQL built from values (SQL injection)"
        )
        assert first["evidence"]["uri"] == session.uri("db.py")
        assert first["evidence"]["range"]["start"]["line"] == SQL_LINE
        assert 1 <= len(progress["nextUp"]) <= 3
        assert all(item["kind"] == "checkpoint" for item in progress["nextUp"][1:])
        steps = {s["id"]: s for s in progress["steps"]}
        assert steps["databases"]["state"] == "started"
        assert steps["deployment"]["state"] == "not-started"
        assert steps["web-frameworks"]["short"] == "Web frameworks"
        assert progress["stepsComplete"] == sum(s["state"] == "complete" for s in progress["steps"])
        for step in progress["steps"]:
            core = [c for c in step["checkpoints"] if c["core"]]
            assert step["core"] == len(core)
            assert step["coreAchieved"] == sum(c["achieved"] for c in core)


async def test_milestones_arriving_together_are_one_plain_message_with_the_same_next_step(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store) as session:
        await session.wait_for("the scan's message", lambda: shown(session))
        await session.settled()
        messages = shown(session)
        assert len(messages) == 1
        message = messages[0]
        assert message.startswith("Milestones reached:\n")  # more than three: one line each
        assert "✓ Your first Flask route" in message and "✓ A SQLAlchemy model" in message
        assert "web.flask-route" not in message and "roadmap-coach:" not in message
        assert "`" not in message and "*" not in message
        progress = await session.progress_now()
        assert message.endswith(f"\n4 milestones — next: {progress['nextUp'][0]['title']}")


async def test_two_or_three_milestones_share_one_line(workspace: Path, store: Path) -> None:
    async with coach(workspace, store) as session:
        session.open(
            "shapes.py", "class Square:\n    pass\n\n\ndef area(side):\n    return side * side\n"
        )
        await session.wait_for("the message", lambda: shown(session))
        await session.settled()
        progress = await session.progress_now()
        assert shown(session) == [
            "2 milestones: Your first function · Your first class — next: "
            + progress["nextUp"][0]["title"]
        ]


async def test_a_milestone_on_a_warned_line_points_at_the_fix(workspace: Path, store: Path) -> None:
    async with coach(workspace, store) as session:
        session.open("db.py", DB)
        await session.wait_for(
            "the message", lambda: [m for m in shown(session) if "SQL query" in m]
        )
        await session.settled()
        message = next(m for m in shown(session) if "SQL query" in m)
        assert "Your first SQL query from Python" in message
        assert f"now fix the warning at db.py:{SQL_LINE + 1}" in message
        found = await lenses(session, "db.py")
        assert (
            SQL_LINE,
            "✓ Milestone: Your first SQL query from Python — now fix the warning on this line",
        ) in [(line, title) for line, title, _, _ in found]
        hover = await session.hover("db.py", SQL_LINE, 30)
        assert hover is not None
        assert "### RC301" in hover and "now fix the warning on this line" in hover
        diagnostic = next(d for d in session.diagnostics("db.py") if d.code == "RC301")
        assert diagnostic.message not in hover  # the editor shows it already
        assert "`" not in diagnostic.message


async def test_rich_clients_get_plain_texts_the_ranking_and_the_warning(
    workspace: Path, store: Path
) -> None:
    async with coach(workspace, store, rich=True) as session:
        session.open("db.py", DB)
        note = await session.wait_for(
            "the notification",
            lambda: next((m for m in session.milestones if m["id"] == "db.sql-query"), None),
        )
        assert "`" in note["teaches"] and "`" not in note["teachesText"]
        assert note["warning"]["code"] == "RC301"
        assert note["text"].startswith(
            "Milestone reached: Your first SQL query from Python — now fix"
        )
        assert note["nextUp"][0]["id"] == "RC301"


async def test_lenses_sit_only_on_recorded_lines_one_per_line_never_in_tests(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    # a test file that sorts before app.py: its helper is not "your first function"
    (workspace / "api").mkdir()
    (workspace / "api" / "test_api.py").write_text(TEST)
    async with coach(workspace, store) as session:
        await session.wait_for("the scan", lambda: shown(session))
        await session.settled()
        app = await lenses(session, "app.py")
        assert [(line, title) for line, title, _, _ in app] == [
            (CLASS_LINE, "✓ Milestone: Your first class · A SQLAlchemy model"),
            (ROUTE_LINE, "✓ Milestone: Your first Flask route"),
            (INDEX_LINE, "✓ Milestone: Your first function"),
        ]
        assert all(cmd == "roadmapCoach.explain" for _, _, cmd, _ in app)
        in_tests = await lenses(session, "api/test_api.py")
        titles = [title for _, title, _, _ in in_tests]
        assert "✓ Milestone: Your first function" not in " ".join(titles)
        assert any("Your first pytest test" in t for t in titles)
        # a lens click on a plain client: the page, as plain text, in a message
        _, _, command, arguments = app[1]
        page = await session.command(command, *arguments)
        assert page["id"] == "web.flask-route" and page["achieved"] is True
        assert shown(session)[-1] == page["text"] and "`" not in page["text"]
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"roadmapCoach": {"codeLens": "off"}})
        )
        await session.wait_for("no lenses", lambda: True)
        assert (await session.stats())["settings"]["codeLens"] == "off"
        assert await lenses(session, "app.py") == []


async def test_explain_gives_every_checkpoint_and_lesson_a_page(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store) as session:
        await session.wait_for("the scan", lambda: shown(session))
        await session.settled()
        reached = await explain(session, "web.flask-route")
        assert reached["kind"] == "checkpoint" and reached["achieved"] is True
        assert reached["evidence"]["uri"] == session.uri("app.py")
        assert reached["step"]["short"] == "Web frameworks"
        for heading in (
            "## What it teaches",
            "## Example",
            "## Try next",
            "## Read more",
            "## Evidence",
        ):
            assert heading in reached["markdown"]
        assert f"app.py:{ROUTE_LINE + 1}" in reached["text"] and "`" not in reached["text"]
        unreached = await explain(session, "deploy.dockerfile")
        assert unreached["achieved"] is False and unreached["evidence"] is None
        assert "## Evidence" not in unreached["markdown"] and "FROM python" in unreached["markdown"]
        lesson = await explain(session, "rc301")
        assert lesson["kind"] == "lesson" and lesson["id"] == "RC301"
        assert "Why it matters" in lesson["markdown"] and lesson["url"].endswith(
            "/docs/rules/RC301.md"
        )
        with pytest.raises(JsonRpcException):
            await explain(session, "no.such-thing")


async def test_clients_that_open_pages_get_their_command_on_lenses_and_hovers(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, rich=True, pages=True) as session:
        await session.wait_for("the scan", lambda: session.milestones)
        await session.settled()
        found = await lenses(session, "app.py")
        assert found and all(cmd == "roadmapCoach.openCheckpoint" for _, _, cmd, _ in found)
        hover = await session.hover("app.py", ROUTE_LINE, 2)
        assert hover is not None and "command:roadmapCoach.openCheckpoint?" in hover


async def test_a_warning_that_appears_or_goes_updates_next_up_without_a_milestone(
    workspace: Path, store: Path
) -> None:
    # the same milestones either way (a query, a parametrised one); only RC301 comes and goes
    head = (
        "import sqlite3\n\nconn = sqlite3.connect('shop.db')\n\n\n"
        "def by_id(i):\n    return conn.execute('SELECT * FROM users WHERE id = ?', (i,))\n\n\n"
        "def everyone(name):\n"
    )
    safe = head + "    return conn.execute('SELECT * FROM users')\n"
    unsafe = head + "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n"
    async with coach(workspace, store, rich=True) as session:
        session.open("db.py", safe)
        await session.wait_for(
            "the milestones",
            lambda: (
                {"db.sql-query", "sec.parametrized-sql"} <= {m["id"] for m in session.milestones}
            ),
        )
        await session.settled()
        ids = (await session.stats())["milestones"]
        seen = len(session.progress)
        session.change("db.py", unsafe)

        def lesson_first() -> bool:
            return any(
                p["nextUp"] and p["nextUp"][0]["id"] == "RC301" for p in session.progress[seen:]
            )

        await session.wait_for("progress with the lesson first", lesson_first)
        assert (await session.stats())["milestones"] == ids  # no milestone changed
        seen = len(session.progress)
        session.change("db.py", safe)
        await session.wait_for(
            "progress without it",
            lambda: any(
                all(i["kind"] != "lesson" for i in p["nextUp"]) for p in session.progress[seen:]
            ),
        )


async def test_a_warning_follows_its_line_while_the_file_does_not_parse(
    workspace: Path, store: Path
) -> None:
    def rc301_lines() -> list[int]:
        return [d.range.start.line for d in session.diagnostics("db.py") if d.code == "RC301"]

    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("db.py", DB)
        await session.wait_for("RC301", lambda: rc301_lines() == [SQL_LINE])
        session.insert("db.py", 0, 0, "def half_typed(:\n")  # the file stops parsing
        await session.settled()
        assert rc301_lines() == [SQL_LINE + 1]  # still on the query, one line down
        end_of_query = len(DB.splitlines()[SQL_LINE])
        session.insert("db.py", SQL_LINE + 1, end_of_query, "  # users")  # the warned line
        await session.settled()
        assert rc301_lines() == []  # not vouched for while that line is being typed
        start, end = types.Position(0, 0), types.Position(1, 0)
        session.change("db.py", "", types.Range(start, end))  # it parses again
        await session.settled()
        assert rc301_lines() == [SQL_LINE]


async def test_a_lens_follows_its_line_while_the_file_does_not_parse(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        await session.wait_for("the scan", lambda: shown(session))
        session.open("app.py")
        await session.settled()
        before = [line for line, *_ in await lenses(session, "app.py")]
        assert before == [CLASS_LINE, ROUTE_LINE, INDEX_LINE]
        session.insert("app.py", 0, 0, "def half_typed(:\n")  # the file stops parsing
        await session.settled()
        moved = [line for line, *_ in await lenses(session, "app.py")]
        assert moved == [CLASS_LINE + 1, ROUTE_LINE + 1, INDEX_LINE + 1]
        session.insert("app.py", ROUTE_LINE + 1, 0, "#")  # the route's own line, being typed
        await session.settled()
        titles = [title for _, title, _, _ in await lenses(session, "app.py")]
        assert [line for line, *_ in await lenses(session, "app.py")] == [
            CLASS_LINE + 1,
            INDEX_LINE + 1,
        ]
        assert not any("Flask route" in title for title in titles)
        start, end = types.Position(0, 0), types.Position(1, 0)
        session.change("app.py", "", types.Range(start, end))  # it parses again
        await session.settled()
        after = [line for line, *_ in await lenses(session, "app.py")]
        assert after == [CLASS_LINE, INDEX_LINE]  # the route is commented out now
