"""Silencing a security lesson is not fixing it: `# coach: ignore[…]` hides the warning,
the progress log lists the lesson as silenced (never fixed) and `sec.lesson-fixed` waits
for a real fix."""

from __future__ import annotations

import sys
from pathlib import Path

from lsp_client import HERE, coach

from roadmap_coach.progress.chain import LESSON_FIXED
from roadmap_coach.progress.store import Store

# RC599 (a test-only lesson) and the shipped RC502 both flag `DEBUG = True`
SERVER = [sys.executable, str(HERE / "lesson_server.py")]
SETTINGS = 'import os\n\nDEBUG = True\nSECRET_KEY = os.environ["SECRET_KEY"]\n'


def _rc599(session, rel: str) -> list:
    return [d for d in session.diagnostics(rel) if d.code == "RC599"]


async def test_an_ignore_comment_hides_the_lesson_without_counting_as_a_fix(
    workspace: Path, store: Path
) -> None:
    (workspace / "settings.py").write_text(SETTINGS)
    async with coach(
        workspace, store, server=SERVER, rich=True, init_options={"debounceMs": 0}
    ) as session:
        session.open("settings.py")
        await session.wait_for("the lesson", lambda: _rc599(session, "settings.py"))
        silenced = SETTINGS.replace("DEBUG = True", "DEBUG = True  # coach: ignore[RC599, RC502]")
        session.change("settings.py", silenced)
        await session.wait_for("the lesson to hide", lambda: not _rc599(session, "settings.py"))
        await session.settled()
        assert "sec.lesson-fixed" not in await session.achieved()
        with Store(store) as log:
            assert [e for e in log.events() if e.kind == LESSON_FIXED] == []
            silenced_now = sorted((p, c) for _, p, c, _ in log.silenced_lessons())
            assert silenced_now == [("settings.py", "RC502"), ("settings.py", "RC599")]
        session.change("settings.py", SETTINGS.replace("DEBUG = True", "DEBUG = False"))
        note = await session.wait_for(
            "sec.lesson-fixed",
            lambda: [m for m in session.milestones if m["id"] == "sec.lesson-fixed"],
        )
        assert note[0]["evidence"]["uri"] == session.uri("settings.py")


async def test_a_lesson_silenced_before_it_was_ever_shown_is_not_opened(
    workspace: Path, store: Path
) -> None:
    silenced = SETTINGS.replace("DEBUG = True", "DEBUG = True  # coach: ignore[RC599, RC502]")
    (workspace / "settings.py").write_text(silenced)
    async with coach(
        workspace, store, server=SERVER, rich=True, init_options={"debounceMs": 0}
    ) as session:
        session.open("settings.py")
        await session.settled()
        session.change("settings.py", SETTINGS.replace("DEBUG = True", "DEBUG = False"))
        await session.settled()
        with Store(store) as log:
            assert log.open_lessons() == []
            # the code was fixed (the log may say so), but a lesson nobody was shown
            # taught nothing: no fixed lesson counts as shown
            fixed = [e for e in log.events() if e.kind == LESSON_FIXED]
            assert all(not isinstance(e.payload.get("shown"), int) for e in fixed)
        assert "sec.lesson-fixed" not in await session.achieved()
