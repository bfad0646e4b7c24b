"""The server's scan runs on the evaluation pipeline and the records cache in the
progress store: a workspace opened again with the same store analyses no file (its
records come from the cache, most through the stat fast path), a file changed on disk
between sessions is analysed again, and what the learner sees is the same either way."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from lsp_client import Coach, coach

FILES = {
    "app.py": (
        "import sqlite3\n\nfrom flask import Flask, request\n\nfrom models import User\n\n"
        "app = Flask(__name__)\n\n\n"
        '@app.route("/users")\n'
        "def users():\n"
        '    name = request.args["name"]\n'
        "    db = sqlite3.connect('app.db')\n"
        "    return str(db.execute(f\"SELECT * FROM users WHERE name = '{name}'\").fetchall())\n"
    ),
    "models.py": (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass User:\n    name: str\n"
    ),
    "settings.py": "DEBUG = True\nSECRET_KEY = 'dev'\n",
    "tests/test_app.py": "def test_adds():\n    assert 1 + 1 == 2\n",
    "requirements.txt": "flask==3.0.3\n",
    "README.md": "# the app\n",
}
READ = len(FILES) - 1  # README.md is known by its name and size only: never read
CHANGED = "DEBUG = False\n\n\ndef greet(name):\n    return f'hello {name}'\n"


def write(root: Path, files: dict[str, str]) -> None:
    # older than two seconds: a stat the cache may trust (Git's "racy" rule)
    past = time.time() - 60
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (past, past))


async def scanned(session: Coach) -> dict[str, Any]:
    stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
    assert stats["scan"].startswith(f"{len(FILES)} files"), stats["scan"]
    return stats


Lessons = dict[str, list[tuple[str, int, int, str]]]


def published(session: Coach) -> Lessons:
    """Every file's lessons as the editor shows them."""
    return {
        rel: sorted(
            (str(d.code), d.range.start.line, d.range.start.character, d.message)
            for d in session.diagnostics(rel)
        )
        for rel in FILES
    }


async def session_view(root: Path, store: Path) -> tuple[dict[str, Any], list[str], Lessons]:
    """One session from start to the end of its scan: its stats, milestones and lessons."""
    async with coach(root, store) as session:
        stats = await scanned(session)
        await session.wait_for("the lessons", lambda: session.diagnostics("app.py"))
        return stats, sorted(stats["milestones"]), published(session)


async def test_a_workspace_opened_again_is_not_analysed_again(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    write(workspace, FILES)
    first, milestones, lessons = await session_view(workspace, store)
    python = sum(1 for rel in FILES if rel.endswith(".py"))
    assert first["scanAnalysed"] >= python and first["scanCached"] == 0
    assert {"web.flask-route", "deps.requirements"} <= set(milestones)
    assert any(code.startswith("RC3") for code, *_ in lessons["app.py"])  # the SQL lesson

    again, milestones_again, lessons_again = await session_view(workspace, store)
    assert again["scanAnalysed"] == 0 and again["recordsMade"] == 0
    assert again["scanCached"] == len(FILES) and again["scanStatHits"] == READ
    assert (milestones_again, lessons_again) == (milestones, lessons)

    # changed between sessions: that file alone is analysed again
    write(workspace, {"settings.py": CHANGED})
    changed, milestones_changed, lessons_changed = await session_view(workspace, store)
    assert changed["scanAnalysed"] == 1 and changed["scanStatHits"] == READ - 1
    assert changed["scanCached"] == len(FILES) - 1

    # the same as a server that never saw the workspace before
    fresh, milestones_fresh, lessons_fresh = await session_view(
        workspace, tmp_path / "new-store" / "progress.sqlite3"
    )
    assert fresh["scanCached"] == 0
    assert (milestones_changed, lessons_changed) == (milestones_fresh, lessons_fresh)
    assert lessons_changed["settings.py"] != lessons["settings.py"]


async def test_the_scan_reports_its_phases_in_order_and_100_only_at_the_end(
    workspace: Path, store: Path
) -> None:
    write(workspace, FILES)
    async with coach(workspace, store) as session:
        await session.wait_for(
            "the end of the scan",
            lambda: any(
                type(v).__name__ == "WorkDoneProgressEnd"
                for reports in session.client.progress_reports.values()
                for v in reports
            ),
        )
        reports = next(iter(session.client.progress_reports.values()))
        percentages = [v.percentage for v in reports if getattr(v, "percentage", None) is not None]
        assert percentages == sorted(percentages) and percentages[-1] == 100
        assert percentages.count(100) == 1
        kinds = [type(v).__name__ for v in reports]
        assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
        # the full bar comes after the lessons were published
        assert session.diagnostics("app.py")
