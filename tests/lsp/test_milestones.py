"""Milestones reach every editor: the rich notification for clients that asked for it,
`window/showMessage` for everyone else — never both — and the store keeps them."""

from __future__ import annotations

from pathlib import Path

from lsp_client import Coach, coach

from roadmap_coach.progress.store import Store

FLASK_APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'
ROUTE_LINE = 5


def _shown(session: Coach, text: str) -> list[str]:
    return [m.message for m in session.client.messages if text in m.message]


async def test_plain_client_hears_milestones_through_show_message(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store) as session:
        session.open("app.py")
        await session.wait_for("the showMessage", lambda: _shown(session, "Your first Flask route"))
        await session.settled()
        message = _shown(session, "Your first Flask route")[0]
        # titles only, one message for what arrived together, the ranked next step
        assert "web.flask-route" not in message and "roadmap-coach:" not in message
        assert "— next: A page rendered from a template" in message
        info = next(m for m in session.client.messages if "Your first Flask route" in m.message)
        assert info.type.value == 3  # Info
        assert session.milestones == [] and session.progress == []


async def test_hints_off_records_milestones_without_announcing_them(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store, init_options={"hints": "off"}) as session:
        session.open("app.py")
        await session.wait_for(
            "the milestone", lambda: "web.flask-route" in Store(store).achieved()
        )
        await session.settled()
        assert "web.flask-route" in await session.achieved()
        assert not _shown(session, "Your first Flask route")


async def test_opted_in_client_gets_the_notification_and_no_show_message(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store, rich=True) as session:
        session.open("app.py")
        note = await session.wait_for(
            "roadmapCoach/milestone",
            lambda: next((m for m in session.milestones if m["id"] == "web.flask-route"), None),
        )
        await session.settled()
        assert note["step"] == "web-frameworks" and note["title"] == "Your first Flask route"
        assert "route maps a URL" in note["teaches"]
        assert {"id": "web.flask-template", "title": "A page rendered from a template"} in note[
            "next"
        ]
        assert note["evidence"]["uri"] == session.uri("app.py")
        assert note["evidence"]["range"]["start"]["line"] == ROUTE_LINE
        assert session.progress and session.progress[-1]["achieved"] >= 2
        assert not [m for m in session.client.messages if "milestone" in m.message]


async def test_first_achieved_wins_and_is_announced_once(workspace: Path, store: Path) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store, rich=True) as session:
        session.open("app.py")
        await session.wait_for("the milestone", lambda: session.milestones)
        await session.settled()
    with Store(store) as log:
        record = log.achieved()["web.flask-route"]
    assert (record.path, record.line, record.workspace) == (
        "app.py",
        ROUTE_LINE + 1,
        str(workspace.resolve()),
    )
    (workspace / "app.py").write_text(
        "\n\n" + FLASK_APP
    )  # the route moved: still the same milestone
    async with coach(workspace, store, rich=True) as again:
        again.open("app.py")
        stats = await again.settled()
        assert "web.flask-route" in stats["milestones"]
        assert again.milestones == []
    with Store(store) as log:
        assert log.achieved()["web.flask-route"].seq == record.seq


async def test_syntax_error_mid_typing_keeps_milestones_and_hover_answers(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(FLASK_APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("app.py")
        await session.wait_for("the showMessage", lambda: _shown(session, "Your first Flask route"))
        session.insert("app.py", 8, 0, "\ndef half_typed(:\n")
        stats = await session.settled()
        assert "web.flask-route" in stats["milestones"]
        assert "web.flask-route" in await session.achieved()
        hover = await session.hover("app.py", ROUTE_LINE, 2)
        assert hover is not None and "Milestone: Your first Flask route" in hover
        session.change("app.py", "")  # the learner deleted everything
        await session.settled()
        progress = await session.progress_now()
        route = next(
            c for s in progress["steps"] for c in s["checkpoints"] if c["id"] == "web.flask-route"
        )
        assert route["achieved"] and route["achievedAt"].endswith("Z")
        assert route["evidence"]["uri"] == session.uri("app.py")


async def test_library_code_opened_from_the_virtualenv_earns_nothing(
    workspace: Path, store: Path
) -> None:
    venv = workspace / ".venv"
    library = venv / "lib" / "python3.11" / "site-packages" / "shop"
    library.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (library / "app.py").write_text(FLASK_APP)  # go-to-definition lands here
    async with coach(workspace, store) as session:
        session.open(".venv/lib/python3.11/site-packages/shop/app.py")
        stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert stats["openDocuments"] == 0
        assert "web.flask-route" not in stats["milestones"]
        assert "deps.venv" in stats["milestones"]  # the venv itself is the learner's doing
