"""What the server writes to the progress log is true: silencing a security lesson is
`lesson-suppressed` (never a fix, never `sec.lesson-fixed`), a real fix is, a lesson
that is there when the server starts is logged, and a milestone's commit holds its
evidence (or is null until an `evidence-committed` event names one that does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lsp_client import Coach, coach, git
from lsprotocol import types

from roadmap_coach.progress.store import Store

DB = """import sqlite3


def find(name):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cur.fetchall()
"""
SILENCED = DB.replace("'\")\n", "'\")  # coach: ignore[RC301]\n")
FIXED = DB.replace(
    "cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    'cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
)
TEST = "def test_adds():\n    assert 1 + 1 == 2\n"


def events(store: Path, kind: str | None = None) -> list[Any]:
    with Store(store) as s:
        return [e for e in s.events() if kind is None or e.kind == kind]


async def wait_kind(session: Coach, store: Path, kind: str, count: int = 1) -> list[Any]:
    return await session.wait_for(
        f"{count} {kind} event(s)",
        lambda: store.exists() and len(found := events(store, kind)) >= count and found,
    )


def rc301(session: Coach) -> list[types.Diagnostic]:
    return [d for d in session.diagnostics("db.py") if d.code == "RC301"]


async def test_silencing_a_lesson_is_logged_as_suppressed_and_earns_nothing(
    workspace: Path, store: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    async with coach(workspace, store, rich=True, init_options={"debounceMs": 0}) as session:
        session.open("db.py")
        await session.wait_for("RC301", lambda: rc301(session))
        (shown,) = await wait_kind(session, store, "lesson-shown")
        session.change("db.py", SILENCED)
        await session.wait_for("RC301 to go", lambda: not rc301(session))
        (suppressed,) = await wait_kind(session, store, "lesson-suppressed")
        assert suppressed.payload == {
            "code": "RC301",
            "path": "db.py",
            "line": 7,
            "shown": shown.seq,
        }
        await session.settled()
        assert events(store, "lesson-fixed") == []
        assert "sec.lesson-fixed" not in {m["id"] for m in session.milestones}
        with Store(store) as s:
            assert "sec.lesson-fixed" not in s.achieved()
            assert s.open_lessons() == []
            assert [(p, c, line) for _w, p, c, line in s.silenced_lessons()] == [
                ("db.py", "RC301", 7)
            ]
        # Really fixing the silenced lesson later is a fix, and it counts then.
        session.change("db.py", FIXED.replace("(name,))", "(name,))  # coach: ignore[RC301]"))
        (fixed,) = await wait_kind(session, store, "lesson-fixed")
        assert fixed.payload["shown"] == shown.seq
        assert fixed.payload["suppressed"] == suppressed.seq
        await session.wait_for(
            "sec.lesson-fixed", lambda: "sec.lesson-fixed" in {m["id"] for m in session.milestones}
        )


async def test_disabling_a_lesson_in_the_settings_is_not_a_fix(
    workspace: Path, store: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("db.py")
        await wait_kind(session, store, "lesson-shown")
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"roadmapCoach": {"disabledLessons": ["RC301"], "debounceMs": 0}}
            )
        )
        await wait_kind(session, store, "lesson-suppressed")
        await session.settled()
        assert events(store, "lesson-fixed") == []


async def test_a_real_fix_is_logged_as_fixed_and_earns_the_milestone(
    workspace: Path, store: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    async with coach(workspace, store, rich=True, init_options={"debounceMs": 0}) as session:
        session.open("db.py")
        (shown,) = await wait_kind(session, store, "lesson-shown")
        session.change("db.py", FIXED)
        (fixed,) = await wait_kind(session, store, "lesson-fixed")
        assert fixed.payload["shown"] == shown.seq and "removed" not in fixed.payload
        await session.wait_for(
            "sec.lesson-fixed", lambda: "sec.lesson-fixed" in {m["id"] for m in session.milestones}
        )
        assert events(store, "lesson-suppressed") == []


async def test_a_lesson_in_committed_code_at_start_up_is_logged(
    workspace: Path, store: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "db.py")
    git(workspace, "commit", "-q", "-m", "db")
    head = git(workspace, "rev-parse", "HEAD").strip()
    # No document is opened: the lesson comes from the start-up scan alone.
    async with coach(workspace, store) as session:
        (shown,) = await wait_kind(session, store, "lesson-shown")
        assert shown.payload == {"code": "RC301", "path": "db.py", "line": 7, "commit": head}
    # Fixed while the server was off: the next start logs the fix.
    (workspace / "db.py").write_text(FIXED)
    async with coach(workspace, store) as session:
        (fixed,) = await wait_kind(session, store, "lesson-fixed")
        assert fixed.payload["shown"] == shown.seq and "commit" not in fixed.payload


async def test_a_file_created_in_a_terminal_is_logged_without_a_commit_until_committed(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text("print('hi')\n")
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "app.py")
    git(workspace, "commit", "-q", "-m", "first")
    async with coach(workspace, store, editor="visual-studio-code", rich=True) as session:
        await session.settled()
        (workspace / "test_lib.py").write_text(TEST)
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(session.uri("test_lib.py"), types.FileChangeType.Created)]
            )
        )
        milestones = await session.wait_for(
            "test.pytest-file",
            lambda: [
                e for e in events(store, "milestone") if e.payload["id"] == "test.pytest-file"
            ],
        )
        assert milestones[0].payload["path"] == "test_lib.py"
        assert milestones[0].payload["commit"] is None  # HEAD has no test_lib.py
        git(workspace, "add", "test_lib.py")
        git(workspace, "commit", "-q", "-m", "tests")
        head = git(workspace, "rev-parse", "HEAD").strip()
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[
                    types.FileEvent(session.uri(".git/HEAD"), types.FileChangeType.Changed),
                    types.FileEvent(
                        session.uri(".git/refs/heads/main"), types.FileChangeType.Changed
                    ),
                ]
            )
        )
        committed = await wait_kind(session, store, "evidence-committed")
        assert [e.payload for e in committed if e.payload["id"] == "test.pytest-file"] == [
            {"id": "test.pytest-file", "commit": head, "path": "test_lib.py", "line": 1}
        ]
        shown = git(workspace, "show", f"{head}:test_lib.py")
        assert shown == TEST


async def test_a_milestone_whose_file_matches_head_is_logged_at_head(
    workspace: Path, store: Path
) -> None:
    (workspace / "test_lib.py").write_text(TEST)
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "test_lib.py")
    git(workspace, "commit", "-q", "-m", "first")
    head = git(workspace, "rev-parse", "HEAD").strip()
    async with coach(workspace, store) as session:
        found = await session.wait_for(
            "test.pytest-file",
            lambda: [
                e for e in events(store, "milestone") if e.payload["id"] == "test.pytest-file"
            ],
        )
        assert found[0].payload["commit"] == head


async def test_lessons_already_shown_go_into_a_new_store_when_the_store_changes(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    (workspace / "db.py").write_text(DB)
    other = tmp_path / "other" / "progress.sqlite3"
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        session.open("db.py")
        await wait_kind(session, store, "lesson-shown")
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"roadmapCoach": {"storePath": str(other), "debounceMs": 0}}
            )
        )
        (shown,) = await wait_kind(session, other, "lesson-shown")
        assert (shown.payload["code"], shown.payload["path"]) == ("RC301", "db.py")
