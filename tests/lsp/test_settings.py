"""Settings: from `initializationOptions`, from `workspace/configuration` (section
`roadmapCoach`), live on `workspace/didChangeConfiguration`."""

from __future__ import annotations

import sys
from pathlib import Path

from lsp_client import HERE, coach
from lsprotocol import types

from roadmap_coach.progress.store import Store

SERVER = [sys.executable, str(HERE / "lesson_server.py")]
APP = (
    'from flask import Flask\n\napp = Flask(__name__)\nDEBUG = True\n\n\n@app.route("/")\n'
    'def index():\n    print("hi")\n    return "hello"\n\n\ndef collect(item, into=[]):\n'
    "    into.append(item)\n    return into\n"
)
COURSE = """[step]
id = "course"
number = 12
title = "Our course"

[[checkpoint]]
id = "course.hello"
title = "Said hello"
teaches = "print() writes to the terminal."
[[checkpoint.detect]]
call = ["print"]

[[checkpoint]]
id = "course.broken"
title = "Broken"
teaches = "A typo in a matcher name."
[[checkpoint.detect]]
colour = "blue"
"""


def _codes(session, rel: str) -> list[str]:
    return [str(d.code) for d in session.diagnostics(rel)]


async def test_initialization_options_choose_store_learner_and_hints(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    chosen = tmp_path / "chosen" / "mine.sqlite3"
    options = {"storePath": str(chosen), "learner": "Ada", "hints": "off", "debounceMs": 0}
    async with coach(workspace, store, server=SERVER, init_options=options) as session:
        session.open("app.py")
        stats = await session.settled()
        assert stats["settings"]["hints"] == "off" and stats["settings"]["debounceMs"] == 0
        assert stats["storePath"] == str(chosen) and stats["learner"] == "Ada"
        # hints "off": no learning hints (RC102, a mutable default); security lessons stay
        assert "RC102" not in _codes(session, "app.py") and "RC599" in _codes(session, "app.py")
    with Store(chosen) as log:
        assert log.achieved("Ada")["web.flask-route"].path == "app.py"
    assert not store.exists()  # the env default was not used


async def test_settings_change_live_when_the_client_pushes_them(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, server=SERVER) as session:
        session.open("app.py")
        await session.wait_for(
            "the lessons", lambda: {"RC599", "RC102"} <= set(_codes(session, "app.py"))
        )
        settings = {"roadmapCoach": {"disabledLessons": ["rc599"]}}
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings)
        )
        await session.wait_for("the lesson to go", lambda: "RC599" not in _codes(session, "app.py"))
        settings = {"roadmapCoach": {"disabledLessons": [], "hints": "milestones"}}
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=settings)
        )
        # hints = "milestones": the learning hint goes, the security lesson comes back
        await session.wait_for(
            "the security lesson back and the hint gone",
            lambda: (
                "RC599" in _codes(session, "app.py") and "RC102" not in _codes(session, "app.py")
            ),
        )


async def test_settings_are_pulled_from_workspace_configuration(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    chosen = tmp_path / "pulled.sqlite3"
    config = {"storePath": str(chosen), "debounceMs": 0}
    async with coach(
        workspace, store, server=SERVER, editor="visual-studio-code", configuration=config
    ) as session:
        session.open("app.py")
        stats = await session.settled()
        assert stats["storePath"] == str(chosen) and stats["settings"]["debounceMs"] == 0
        await session.wait_for("the lesson", lambda: "RC599" in _codes(session, "app.py"))
        session.client.set_configuration(
            {**config, "disabledLessons": ["RC599"]}, section="roadmapCoach"
        )
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )
        await session.wait_for("the lesson to go", lambda: "RC599" not in _codes(session, "app.py"))


async def test_bad_setting_values_are_ignored_with_a_warning(workspace: Path, store: Path) -> None:
    async with coach(workspace, store, init_options={"hints": "loud", "debounceMs": -5}) as session:
        stats = await session.settled()
        assert stats["settings"]["hints"] == "all" and stats["settings"]["debounceMs"] == 200
        warnings = [
            m.message for m in session.client.log_messages if m.type == types.MessageType.Warning
        ]
        assert any("roadmapCoach.hints" in w for w in warnings)
        assert any("roadmapCoach.debounceMs" in w for w in warnings)


async def test_course_roadmaps_add_checkpoints_and_their_problems_become_diagnostics(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    course = tmp_path / "course"
    course.mkdir()
    (course / "12-course.toml").write_text(COURSE)
    (workspace / "app.py").write_text(APP)
    async with coach(
        workspace, store, rich=True, init_options={"roadmapPaths": [str(course)]}
    ) as session:
        session.open("app.py")
        toml_uri = (course / "12-course.toml").as_uri()
        problems = await session.wait_for(
            "the TOML diagnostic", lambda: session.client.diagnostics.get(toml_uri)
        )
        assert problems[0].range.start.line == 17 and "colour" in problems[0].message
        assert problems[0].severity == types.DiagnosticSeverity.Error
        await session.wait_for(
            "the course milestone",
            lambda: [m for m in session.milestones if m["id"] == "course.hello"],
        )
        (course / "12-course.toml").write_text(
            COURSE.replace('colour = "blue"', 'call = ["input"]')
        )
        session.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(toml_uri))
        )
        await session.wait_for(
            "the TOML diagnostic to clear", lambda: not session.client.diagnostics.get(toml_uri)
        )
