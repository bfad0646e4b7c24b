"""Builds the pages the browser test renders: one learner's HTML export and a cohort page.

The data looks like a real few weeks of learning (times fixed, so screenshots are
comparable run to run) and carries hostile names that must show up as text.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from roadmap_coach.progress.exports import export
from roadmap_coach.progress.report import cohort_report
from roadmap_coach.progress.store import Store
from roadmap_coach.roadmap.loader import load_roadmap

NOW = datetime(2024, 6, 30, 12, tzinfo=UTC)
HOSTILE_LEARNER = "<script>alert(1)</script>"
HOSTILE_FILE = "app/<img src=x onerror=alert(1)>.py"
WORKSPACE = "/home/ada/projects/bookshop"

# (checkpoint id, day of 2024, file, line, commit)
ADA = [
    ("basics.function", "2024-05-02T09:10:00Z", "bookshop/prices.py", 3, "4be1c0d9a2"),
    ("basics.control-flow", "2024-05-02T09:40:00Z", "bookshop/prices.py", 8, "4be1c0d9a2"),
    ("basics.class", "2024-05-04T18:02:00Z", "bookshop/models.py", 5, "91fe0a7713"),
    ("git.init", "2024-05-04T18:05:00Z", ".git", None, None),
    ("git.first-commit", "2024-05-04T18:06:00Z", ".git", None, "91fe0a7713"),
    ("web.flask-route", "2024-05-09T20:15:00Z", "bookshop/views.py", 12, "c0ffee1234"),
    ("web.flask-template", "2024-05-12T19:30:00Z", "bookshop/views.py", 20, "d15ea5e000"),
    ("db.sql-query", "2024-05-20T17:45:00Z", HOSTILE_FILE, 9, None),
    ("db.sqlalchemy-model", "2024-05-27T21:00:00Z", "bookshop/models.py", 14, "5eed5eed11"),
    ("api.json-response", "2024-06-03T18:20:00Z", "bookshop/api.py", 7, "a11ce0ffee"),
    ("test.pytest-file", "2024-06-10T16:00:00Z", "tests/test_api.py", 4, "b0b0b0b0b0"),
    ("sec.secrets-from-env", "2024-06-18T20:40:00Z", "bookshop/config.py", 3, "e4e4e4e4e4"),
]


@dataclass(frozen=True, slots=True)
class Pages:
    progress: Path
    cohort: Path


def build(out: Path) -> Pages:
    out.mkdir(parents=True, exist_ok=True)
    roadmap, _problems = load_roadmap()
    titles = {c.id: (c.step, c.title) for c in roadmap.checkpoints}
    logs = []
    for learner, milestones, lessons in (
        ("Ada Lovelace", ADA, True),
        ("Grace Hopper", ADA[:9], False),
        (HOSTILE_LEARNER, ADA[:3], False),
        ("Linus", ADA[:6], False),
    ):
        store_path = out / f"store-{len(logs)}.sqlite3"
        for stale in out.glob(f"{store_path.name}*"):
            stale.unlink()
        with Store(store_path, learner=learner) as store:
            for mid, when, path, line, commit in milestones:
                step, title = titles.get(mid, ("other", mid))
                store.record_milestone(mid, step, title, WORKSPACE, path, line, commit, when)
            if lessons:
                db = "bookshop/db.py"
                store.sync_lessons(WORKSPACE, db, [("RC301", 14), ("RC501", 3)], time=ADA[7][1])
                store.sync_lessons(WORKSPACE, db, [("RC501", 3)], time="2024-05-22T19:00:00Z")
                store.sync_lessons(WORKSPACE, HOSTILE_FILE, [("RC502", 30)], time=ADA[9][1])
            if not logs:
                progress = out / "progress.html"
                export(store, "html", progress, roadmap=roadmap, now=NOW)
            log = out / f"learner-{len(logs)}.jsonl"
            export(store, "jsonl", log, now=NOW)
            logs.append(log)
        if learner == "Linus":
            # A learner "improving" their log: the cohort page must flag it.
            log.write_text(log.read_text(encoding="utf-8").replace('"line":12', '"line":13'))
    cohort = out / "cohort.html"
    cohort_report(logs, cohort, roadmap, now=NOW)
    return Pages(progress, cohort)


if __name__ == "__main__":
    pages = build(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/e2e/artifacts/browser"))
    print(pages.progress)
    print(pages.cohort)
