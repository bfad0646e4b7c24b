"""The progress commands as a mentor runs them: export, verify, report, history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roadmap_coach.cli import main
from roadmap_coach.progress.store import Store


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    path = tmp_path / "progress.sqlite3"
    with Store(path, learner="ann") as store:
        store.record_milestone(
            "web.flask-route", "web-frameworks", "Route", str(tmp_path), "app.py", 6,
            time="2024-05-02T10:00:00Z",
        )  # fmt: skip
    return path


def test_export_then_verify_exits_zero_and_an_edit_exits_one_naming_the_line(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "ann.jsonl"
    assert main(["export", "--store", str(store_file), "-o", str(log)]) == 0
    assert main(["verify", str(log)]) == 0
    assert "chain intact" in capsys.readouterr().out
    log.write_text(log.read_text().replace('"line":6', '"line":60'))
    assert main(["verify", "--format", "json", str(log)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["line"] == 1


def test_verify_with_bad_arguments_exits_two(tmp_path: Path) -> None:
    assert main(["verify", str(tmp_path / "missing.jsonl")]) == 2
    log = tmp_path / "x.jsonl"
    log.write_text("")
    assert main(["verify", "--head", "nonsense", str(log)]) == 2


def test_export_formats_go_to_stdout_without_an_output_file(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--store", str(store_file), "--format", "md"]) == 0
    assert "Your first Flask route" in capsys.readouterr().out
    assert main(["export", "--store", str(store_file), "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")


def test_report_writes_one_page_and_refuses_missing_logs(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "ann.jsonl"
    main(["export", "--store", str(store_file), "-o", str(log)])
    page = tmp_path / "cohort.html"
    assert main(["report", str(log), "-o", str(page)]) == 0
    assert "ann" in page.read_text(encoding="utf-8")
    assert "1 learners" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "nope.jsonl"), "-o", str(page)]) == 2


def test_history_of_a_folder_without_git_is_one_line_and_exits_two(
    tmp_path: Path, store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", str(tmp_path), "--store", str(store_file), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "not a Git repository" in captured.err
