"""The CLI side of guidance: `explain ID|CODE` prints a checkpoint's or lesson's page in a
terminal (with the store's evidence, never creating a store), `scan` shows each step's
state and the one ranked next step, `roadmap --format json` carries short titles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from roadmap_coach.progress.store import Store

DB = (
    "import sqlite3\n\n\ndef find(name):\n"
    '    conn = sqlite3.connect("shop.db")\n'
    "    return conn.execute(f\"SELECT * FROM users WHERE name = '{name}'\").fetchall()\n"
)
APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n'


def cli(*args: str, store: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ROADMAP_COACH_STORE": str(store), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(
        [sys.executable, "-m", "roadmap_coach", *args],
        capture_output=True, text=True, timeout=120, check=False, env=env, cwd=cwd,
    )  # fmt: skip


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent),
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_explain_prints_a_checkpoint_page_without_creating_a_store(tmp_path: Path) -> None:
    store = tmp_path / "none" / "progress.sqlite3"
    done = cli("explain", "web.flask-route", store=store)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("Your first Flask route\n\nStep 2: Choose a web framework")
    assert "not reached yet" in text
    for heading in ("What it teaches", "Example", "Try next", "Read more"):
        assert f"\n{heading}\n" in text
    assert "\nEvidence\n" not in text
    assert '    @app.route("/")' in text  # the example, as code
    assert "`" not in text and "**" not in text
    assert not store.exists() and not store.parent.exists()


def test_explain_shows_the_evidence_the_store_recorded(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    with Store(store, learner="ada") as opened:
        opened.record_milestone(
            "web.flask-route", "web-frameworks", "Your first Flask route",
            "/home/ada/shop", "app.py", 6, "0123456789abcdef",
        )  # fmt: skip
    done = cli("explain", "web.flask-route", "--learner", "ada", store=store)
    assert done.returncode == 0, done.stderr
    assert "✓ reached on" in done.stdout
    evidence = done.stdout.split("\nEvidence\n", 1)[1]
    assert "app.py:6" in evidence and "/home/ada/shop" in evidence and "0123456789ab" in evidence
    as_json = json.loads(
        cli(
            "explain", "web.flask-route", "--format", "json", "--learner", "ada", store=store
        ).stdout
    )
    assert as_json["kind"] == "checkpoint" and as_json["achieved"] is True
    assert "## Evidence" in as_json["markdown"] and as_json["text"] == done.stdout.rstrip("\n")


def test_explain_prints_a_lesson_page_and_refuses_unknown_ids(tmp_path: Path) -> None:
    store = tmp_path / "progress.sqlite3"
    lesson = cli("explain", "rc301", store=store)
    assert lesson.returncode == 0, lesson.stderr
    assert lesson.stdout.startswith("RC301: SQL built from values (SQL injection)\n")
    assert "Why it matters" in lesson.stdout and "Silencing it" in lesson.stdout
    markdown = cli("explain", "RC301", "--format", "markdown", store=store).stdout
    assert markdown.startswith("# RC301:") and "## Why it matters" in markdown
    unknown = cli("explain", "web.flask-rout", store=store)
    assert unknown.returncode == 2
    assert "did you mean web.flask-route" in unknown.stderr


def test_scan_shows_step_states_and_the_open_lesson_first_in_next_up(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "app.py").write_text(APP)
    (root / "db.py").write_text(DB)
    git(root, "init", "-q")
    store = tmp_path / "none.sqlite3"
    text = cli("scan", str(root), "--no-cache", store=store).stdout
    lines = text.splitlines()
    assert "steps complete" in lines[1]
    assert lines[3] == "Next up:"
    assert lines[4] == "  1. Fix the warning at db.py:6: SQL built from values (SQL injection)"
    assert any(line.startswith(" 2. Choose a web framework  (1/8, started)") for line in lines)
    assert any(line.startswith(" 7. Learn deployment  (0/6, not started)") for line in lines)
    report = json.loads(
        cli("scan", str(root), "--format", "json", "--no-cache", store=store).stdout
    )
    assert report["nextUp"][0] == {
        "kind": "lesson", "id": "RC301", "reason": "open-lesson", "step": "security",
        "title": "Fix the warning at db.py:6: SQL built from values (SQL injection)",
        "evidence": {"path": "db.py", "line": 6},
    }  # fmt: skip
    web = next(s for s in report["steps"] if s["id"] == "web-frameworks")
    assert (web["state"], web["short"], web["coreAchieved"]) == ("started", "Web frameworks", 1)
    assert report["stepsComplete"] == 0
    assert not store.exists()  # scan only reads a store that is there


def test_scan_follows_the_latest_milestone_the_store_recorded_for_the_folder(
    tmp_path: Path,
) -> None:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "app.py").write_text(APP)
    git(root, "init", "-q")
    git(root, "config", "user.name", "ada")  # the learner the server would record
    store = tmp_path / "progress.sqlite3"
    with Store(store, learner="ada") as opened:
        opened.record_milestone(
            "web.flask-route", "web-frameworks", "Your first Flask route",
            str(root.resolve()), "app.py", 6, None,
        )  # fmt: skip
    report = json.loads(cli("scan", str(root), "--format", "json", store=store).stdout)
    assert [i["id"] for i in report["nextUp"][:2]] == ["web.flask-template", "api.json-response"]
    assert report["nextUp"][0]["reason"] == "after-milestone"


def test_roadmap_json_carries_short_titles_examples_and_core(tmp_path: Path) -> None:
    data = json.loads(cli("roadmap", "--format", "json", store=tmp_path / "s.sqlite3").stdout)
    web = next(s for s in data["steps"] if s["id"] == "web-frameworks")
    assert web["title"] == "Choose a web framework" and web["short"] == "Web frameworks"
    route = next(c for c in web["checkpoints"] if c["id"] == "web.flask-route")
    assert route["example"].startswith("```python\n") and route["core"] is True
    assert any(c["core"] is False for c in web["checkpoints"])
