"""A workspace opened again, unchanged, is taken from the server's stored result of its
last scan: no record is decoded and no lesson runs, and the learner sees the same
diagnostics and milestones as with a new store. The first change gives what a full
evaluation gives; an edit's own lessons never wait for the records (only its
checkpoints do), a new file's do; other lesson settings are never answered from
a result stored under different ones."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsp_client import Coach, coach
from test_workspace_records import FILES, published, write

from roadmap_coach.lsp.stored_fold import ROW_SUFFIX

SQL_LINE = 13  # app.py: the f-string SQL that RC3xx teaches about
FIXED_APP = FILES["app.py"].replace(
    "db.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    'db.execute("SELECT * FROM users WHERE name = ?", (name,))',
)


async def scanned(session: Coach) -> dict[str, Any]:
    stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
    assert stats["scan"].startswith(f"{len(FILES)} files"), stats["scan"]
    await session.wait_for("the lessons", lambda: session.diagnostics("app.py"))
    return stats


async def scanned_once(workspace: Path, store: Path) -> None:
    """The workspace's files written and scanned in a session that then ends: the
    store holds the server's result for the next session to load."""
    write(workspace, FILES)
    async with coach(workspace, store) as session:
        await scanned(session)


async def test_a_reopened_workspace_shows_what_a_new_store_shows_without_decoding(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    write(workspace, FILES)
    async with coach(workspace, tmp_path / "new" / "progress.sqlite3") as session:
        fresh = await scanned(session)
        fresh_lessons = published(session)
    assert fresh["storedLoads"] == 0 and fresh["recordsLoaded"] == len(FILES)

    async with coach(workspace, store) as session:
        first = await scanned(session)
    assert first["storedLoads"] == 0

    async with coach(workspace, store) as session:
        again = await scanned(session)
        lessons = published(session)
    assert again["storedLoads"] == 1
    assert again["recordsLoaded"] == 0 and again["lessonsRun"] == 0
    assert again["scanAnalysed"] == 0 and again["files"] == len(FILES)
    assert sorted(again["milestones"]) == sorted(fresh["milestones"])
    assert lessons == fresh_lessons
    assert any(code.startswith("RC3") for code, *_ in lessons["app.py"])


async def test_an_edit_after_a_lazy_reopen_gives_what_a_full_evaluation_gives(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    await scanned_once(workspace, store)
    async with coach(workspace, store) as session:
        stats = await scanned(session)
        assert stats["storedLoads"] == 1 and stats["recordsLoaded"] == 0
        session.open("app.py")  # unchanged: still nothing decoded
        opened = await session.settled()
        assert opened["recordsLoaded"] == 0
        hover = await session.hover("app.py", SQL_LINE, 30)
        assert hover is not None and "RC3" in hover

        session.change("app.py", FIXED_APP)
        edited = await session.wait_stats(
            "the edit's analysis", lambda s: s["recordsLoaded"] == len(FILES)
        )
        await session.wait_for(
            "the fixed file's lessons",
            lambda: not any(str(d.code).startswith("RC3") for d in session.diagnostics("app.py")),
        )
        after = published(session)
        milestones = sorted(edited["milestones"])
    # the edit's lessons needed none of the stored records: only its checkpoints did
    assert edited["recordsLoadedForLessons"] == 0 and edited["lessonsRun"] == 1

    # the same content from a store that never saw the workspace
    write(workspace, {"app.py": FIXED_APP})
    async with coach(workspace, tmp_path / "new" / "progress.sqlite3") as session:
        fresh = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert sorted(fresh["milestones"]) == milestones
        assert published(session) == after


async def test_a_new_file_after_a_lazy_reopen_waits_for_the_records_an_edit_does_not(
    workspace: Path, store: Path
) -> None:
    await scanned_once(workspace, store)
    async with coach(workspace, store) as session:
        await scanned(session)
        session.open("app.py")
        session.change("app.py", FIXED_APP)
        edited = await session.wait_stats(
            "the edit's checkpoints", lambda s: s["recordsLoaded"] == len(FILES)
        )
        assert edited["recordsLoadedForLessons"] == 0
        assert edited["storedLoads"] == 1

    async with coach(workspace, store) as session:
        await scanned(session)
        session.open("new_module.py", "import os\n")  # a new file: the lessons' context moves
        opened = await session.settled()
        assert opened["recordsLoadedForLessons"] == opened["recordsLoaded"] == len(FILES)


async def test_other_lesson_settings_are_not_answered_from_the_stored_result(
    workspace: Path, store: Path
) -> None:
    write(workspace, FILES)
    async with coach(workspace, store) as session:
        await scanned(session)
        codes = {str(d.code) for d in session.diagnostics("app.py")}
    sql = next(code for code in codes if code.startswith("RC3"))
    async with coach(workspace, store, init_options={"disabledLessons": [sql]}) as session:
        stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert stats["storedLoads"] == 0 and stats["recordsLoaded"] == len(FILES)
        assert sql not in {str(d.code) for d in session.diagnostics("app.py")}


class _OnEnd(list[Any]):
    """A token's progress reports that call `on_end` the moment the `end` arrives."""

    def __init__(self, on_end: Callable[[], None]) -> None:
        super().__init__()
        self.on_end = on_end

    def append(self, value: Any) -> None:
        if type(value).__name__ == "WorkDoneProgressEnd":
            self.on_end()
        super().append(value)


class _Reports(dict[Any, list[Any]]):
    def __init__(self, on_end: Callable[[], None]) -> None:
        super().__init__()
        self.on_end = on_end

    def setdefault(self, key: Any, default: Any = None) -> list[Any]:
        return super().setdefault(key, _OnEnd(self.on_end))


def stored_folds(store: Path) -> int:
    """The server's stored results in the records cache beside `store`."""
    with contextlib.closing(sqlite3.connect(f"file:{store}-records?mode=ro", uri=True)) as db:
        rows = db.execute("SELECT root FROM scan_state WHERE fold IS NOT NULL").fetchall()
    return sum(1 for (root,) in rows if root.endswith(ROW_SUFFIX))


async def test_the_result_is_stored_before_the_scan_says_it_ended(
    workspace: Path, store: Path
) -> None:
    write(workspace, FILES)
    at_end: list[int] = []
    async with coach(workspace, store) as session:
        # set before any message after `initialize` is read
        session.client.progress_reports = _Reports(lambda: at_end.append(stored_folds(store)))
        await session.wait_for("the end of the scan", lambda: at_end)
    assert at_end == [1]
    async with coach(workspace, store) as session:
        again = await scanned(session)
    assert again["storedLoads"] == 1 and again["recordsLoaded"] == 0
