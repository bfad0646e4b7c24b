"""What the CLI tells a mentor is true and checkable: a log built from history carries
the security lessons open at HEAD, `verify --repo` re-checks every milestone against
the learner's repository (a forged one fails), the cohort page shows open and
silenced lessons and the re-check, and bad input gets clear words and exit 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from lesson_repos import commit_all, git, module, three_lessons_repo
from roadmap_coach.cli import main
from roadmap_coach.progress.chain import LOG_FORMAT, canonical_json, seal, utc_timestamp


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "ada-app"
    return root, three_lessons_repo(root)


@pytest.fixture
def recorded(tmp_path: Path, repo: tuple[Path, dict[str, str]]) -> Path:
    root, _shas = repo
    store = tmp_path / "ada.sqlite3"
    assert main(["history", str(root), "--record", "--store", str(store), "--learner", "Ada"]) == 0
    return store


def events_of(log: Path) -> list[dict]:
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    return [r for r in rows if "kind" in r]


def test_a_log_built_from_history_shows_the_lesson_open_at_head(
    tmp_path: Path,
    repo: tuple[Path, dict[str, str]],
    recorded: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _root, shas = repo
    capsys.readouterr()
    log = tmp_path / "ada.jsonl"
    assert main(["export", "--store", str(recorded), "-o", str(log)]) == 0
    lessons = [(e["kind"], e["payload"]["path"]) for e in events_of(log) if "lesson" in e["kind"]]
    assert ("lesson-shown", "users.py") in lessons
    assert ("lesson-fixed", "orders.py") in lessons
    assert ("lesson-suppressed", "items.py") in lessons
    assert not [k for k, p in lessons if p in ("users.py", "items.py") and k == "lesson-fixed"]
    shown = next(e for e in events_of(log) if e["kind"] == "lesson-shown")
    assert shown["payload"]["commit"] == shas["first"]
    assert shown["time"] == "2024-05-01T10:00:00Z"  # the commit's author time
    fixed = next(e for e in events_of(log) if e["kind"] == "lesson-fixed")
    assert fixed["payload"]["commit"] == shas["fixed"]

    assert main(["export", "--store", str(recorded), "--format", "md"]) == 0
    markdown = capsys.readouterr().out
    assert "**1 open** · **1 silenced** · **1 fixed**" in markdown
    open_part = markdown.split("### Open")[1].split("### Silenced")[0]
    silenced_part = markdown.split("### Silenced")[1].split("### Fixed")[0]
    fixed_part = markdown.split("### Fixed")[1]
    assert "`users.py:7`" in open_part and f"`{shas['first'][:10]}`" in open_part
    assert "`items.py:7`" in silenced_part and f"`{shas['silenced'][:10]}`" in silenced_part
    assert "`orders.py:7`" in fixed_part and f"`{shas['fixed'][:10]}`" in fixed_part
    # What to fix next is the lesson the learner sees, never the silenced one.
    assert "Fix the warning at users.py:7" in markdown and "at items.py:7" not in markdown

    assert main(["export", "--store", str(recorded), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert '<dt>Open security lessons</dt><dd class="warn">1</dd>' in page
    assert '<dt>Silenced security lessons</dt><dd class="warn">1</dd>' in page


def test_history_json_lists_the_lessons(
    repo: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, shas = repo
    store = tmp_path / "s.sqlite3"
    assert main(["history", str(root), "--format", "json", "--store", str(store)]) == 0
    data = json.loads(capsys.readouterr().out)
    steps = {(s["kind"], s["path"], s["commit"]) for s in data["lessons"]}
    assert ("lesson-fixed", "orders.py", shas["fixed"]) in steps
    assert ("lesson-suppressed", "items.py", shas["silenced"]) in steps
    assert sorted((x["state"], x["path"]) for x in data["lessons_at_head"]) == [
        ("open", "users.py"),
        ("silenced", "items.py"),
    ]


def test_silencing_in_history_never_earns_the_fixed_lesson_milestone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    query = "    cur.execute(f\"SELECT * FROM {table} WHERE name = '{{name}}'\")"
    (root / "db.py").write_text(module("users", query))
    commit_all(root, "q", "2024-05-01T10:00:00Z")
    (root / "db.py").write_text(module("users", query + "  # coach: ignore[RC301]"))
    commit_all(root, "silenced", "2024-05-02T10:00:00Z")
    store = tmp_path / "s.sqlite3"
    assert main(["history", str(root), "--record", "--store", str(store), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "sec.lesson-fixed" not in {m["id"] for m in data["milestones"]}
    log = tmp_path / "log.jsonl"
    assert main(["export", "--store", str(store), "-o", str(log)]) == 0
    kinds = [e["kind"] for e in events_of(log)]
    assert "lesson-suppressed" in kinds and "lesson-fixed" not in kinds
    assert "sec.lesson-fixed" not in {e["payload"].get("id") for e in events_of(log)}


def forge(log: Path, payload: dict) -> None:
    """Append a milestone and recompute every hash: what anyone can do without a key."""
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    events = [r for r in rows if "end" not in r]
    last = events[-1]
    event = seal(
        last["seq"] + 1,
        "2024-05-20T10:00:00Z",
        "milestone",
        last["learner"],
        last["workspace"],
        payload,
        last["hash"],
    )
    events.append(event.as_dict())
    end = {
        "end": LOG_FORMAT,
        "events": len(events),
        "head": event.hash,
        "exported": utc_timestamp(),
        "workspace": None,
    }
    log.write_text("".join(canonical_json(e) + "\n" for e in [*events, end]))


def test_verify_repo_re_checks_every_milestone_and_a_forged_one_fails(
    tmp_path: Path,
    repo: tuple[Path, dict[str, str]],
    recorded: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, shas = repo
    log = tmp_path / "ada.jsonl"
    assert main(["export", "--store", str(recorded), "-o", str(log)]) == 0
    capsys.readouterr()
    assert main(["verify", str(log), "--repo", str(root)]) == 0
    out = capsys.readouterr().out
    milestones = sum(1 for e in events_of(log) if e["kind"] == "milestone")
    assert f"chain intact; {milestones} of {milestones} milestones re-checked" in out

    forge(
        log,
        {
            "id": "web.flask-route",
            "step": "web-frameworks",
            "title": "Your first Flask route",
            "path": "users.py",
            "line": 4,
            "commit": shas["silenced"],
        },
    )
    assert main(["verify", str(log)]) == 0  # the chain alone cannot tell
    capsys.readouterr()
    assert main(["verify", str(log), "--repo", str(root)]) == 1
    out = capsys.readouterr().out
    assert "web.flask-route" in out and "does not give this checkpoint" in out
    assert f"{milestones} of {milestones + 1} milestones re-checked" in out

    forge(
        log,
        {
            "id": "api.json-response",
            "step": "apis",
            "title": "x",
            "path": "api.py",
            "line": 1,
            "commit": "0" * 40,
        },
    )
    assert main(["verify", str(log), "--repo", str(root), "--format", "json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert any("not in the repository" in f for f in result["repo"]["failures"])


def test_verify_repo_cost_follows_unique_blobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for index in range(8):  # eight files that never change, one that changes every commit
        (root / f"lib{index}.py").write_text(f"def helper_{index}():\n    return {index}\n")
    for number in range(12):
        (root / f"test_step{number}.py").write_text(f"def test_{number}():\n    assert True\n")
        commit_all(root, f"c{number}", f"2024-05-{number + 1:02d}T10:00:00Z")
    store = tmp_path / "s.sqlite3"
    assert main(["history", str(root), "--record", "--store", str(store)]) == 0
    log = tmp_path / "log.jsonl"
    assert main(["export", "--store", str(store), "-o", str(log)]) == 0
    capsys.readouterr()
    assert main(["verify", str(log), "--repo", str(root), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)["repo"]
    files = 8 + 12
    # Every blob of the repository at most once, never once per commit and file.
    assert result["blobs_analysed"] <= files
    assert result["commits"] >= 1


def test_the_cohort_page_shows_security_activity_and_the_re_check(
    tmp_path: Path, repo: tuple[Path, dict[str, str]], recorded: Path
) -> None:
    root, _shas = repo
    log = tmp_path / "ada.jsonl"
    assert main(["export", "--store", str(recorded), "-o", str(log)]) == 0
    page = tmp_path / "cohort.html"
    assert main(["report", str(log), "--repos", str(root.parent), "-o", str(page)]) == 0
    html = page.read_text()
    assert "1 open</span>" in html and "1 silenced</span>" in html
    assert 'class="t">Python basics</span>' in html  # a step title in its column header
    assert "next up: A login flow" in html  # the first open checkpoint of the current step
    assert "✓ matches" in html
    assert 'class="strip"' in html


# -- bad input -------------------------------------------------------------------------


def test_verify_and_report_call_other_files_not_a_log_and_exit_two(
    tmp_path: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, md, empty = tmp_path / "r.html", tmp_path / "notes.md", tmp_path / "empty.jsonl"
    assert main(["export", "--store", str(recorded), "--format", "html", "-o", str(html)]) == 0
    md.write_text("# Notes\n\nnothing here\n")
    empty.write_text("")
    capsys.readouterr()
    for verb in ("verify", "report"):
        for path, first in ((html, "'<!doctype html>'"), (md, "'# Notes'")):
            assert main([verb, str(path)]) == 2
            err = capsys.readouterr().err
            assert f"not a roadmap-coach log: {path} (line 1 is {first})" in err
            assert "edited" not in err and "tamper" not in err
        assert main([verb, str(empty)]) == 2
        assert "not a roadmap-coach log" in capsys.readouterr().err


def test_report_with_no_learners_exits_two_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "empty-store.jsonl"
    log.write_text(
        canonical_json(
            {"end": LOG_FORMAT, "events": 0, "head": None, "exported": "x", "workspace": None}
        )
        + "\n"
    )
    page = tmp_path / "cohort.html"
    assert main(["report", str(log), "-o", str(page)]) == 2
    assert "no learners" in capsys.readouterr().err
    assert not page.exists()


def test_export_with_nothing_to_export_exits_one_and_writes_nothing(
    tmp_path: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.html"
    fresh = tmp_path / "fresh.sqlite3"
    assert main(["export", "--store", str(fresh), "-o", str(out)]) == 1
    assert "nothing to export" in capsys.readouterr().err
    assert not out.exists() and not fresh.exists()
    other = tmp_path / "other-project"
    other.mkdir()
    assert (
        main(["export", "--store", str(recorded), "--workspace", str(other), "-o", str(out)]) == 1
    )
    assert "no events for the workspace" in capsys.readouterr().err
    assert not out.exists()


def test_export_into_a_missing_folder_is_refused_and_creates_nothing(
    tmp_path: Path, recorded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "dir" / "x.html"
    assert main(["export", "--store", str(recorded), "--format", "html", "-o", str(target)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_history_outside_a_repository_is_one_line_exit_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    assert main(["history", str(folder), "--store", str(tmp_path / "s.sqlite3")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1


def test_scan_of_a_folder_without_python_files_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "docs-only"
    folder.mkdir()
    (folder / "README.md").write_text("# hi\n")
    assert main(["scan", str(folder), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "no Python files" in out.split("\n\n")[-1] or "no Python files" in out
    assert os.path.isdir(folder)
