"""`roadmap-coach check-roadmap`: a course author's mistakes come back as
`file:line:col: message`, all of them at once, and the exit code is 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_coach.cli import main

STEP = '[step]\nid = "extras"\nnumber = 12\ntitle = "Extras"\n'


def checkpoint(cid: str, *, body: str = "", detect: str = 'call = ["print"]') -> str:
    return (
        f'\n[[checkpoint]]\nid = "{cid}"\ntitle = "A checkpoint"\n'
        f'teaches = "What it teaches."\n{body}[[checkpoint.detect]]\n{detect}\n'
    )


def course(tmp_path: Path, text: str, name: str = "12-extras.toml") -> Path:
    folder = tmp_path / "course"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["check-roadmap", *args])
    return code, capsys.readouterr().out.splitlines()


def test_valid_course_folder_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = course(
        tmp_path,
        STEP
        + checkpoint("extras.hello", body='next = ["extras.bye"]\n')
        + checkpoint("extras.bye"),
    )
    assert check(capsys, str(folder)) == (0, [])


def test_shipped_roadmap_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys) == (0, [])


def test_toml_syntax_error_points_at_the_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = STEP + '\n[[checkpoint]]\nid = "extras.hello"\ntitle = = "Hello"\n'
    folder = course(tmp_path, text)
    path = folder / "12-extras.toml"
    # line 8 is `title = = "Hello"`; the unexpected second `=` is its 9th character
    assert path.read_text().splitlines()[7][8] == "="
    code, out = check(capsys, str(folder))
    assert code == 1
    assert out == [f"{path}:8:9: TOML syntax error: Unexpected character: '='"]


def test_unknown_matcher_points_at_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(tmp_path, STEP + checkpoint("extras.hello", detect='funktion = "main"'))
    code, out = check(capsys, str(folder))
    assert code == 1
    assert out == [
        f"{folder / '12-extras.toml'}:11:1: detect alternative of `extras.hello` has no matcher;"
        " unknown matcher `funktion`"
    ]


def test_unknown_condition_points_at_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(
        tmp_path, STEP + checkpoint("extras.hello", detect='  call = ["print"]\n  with_args = 2')
    )
    code, out = check(capsys, str(folder))
    assert code == 1
    assert len(out) == 1
    assert out[0].startswith(
        f"{folder / '12-extras.toml'}:12:3: unknown condition `with_args` for matcher `call`"
    )


def test_duplicate_id_points_at_the_second_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(tmp_path, STEP + checkpoint("extras.hello") + checkpoint("extras.hello"))
    path = folder / "12-extras.toml"
    code, out = check(capsys, str(folder))
    assert code == 1
    assert out == [
        f"{path}:14:1: duplicate checkpoint id `extras.hello` (first defined at {path}:7)"
    ]


def test_next_naming_an_unknown_id_points_at_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(
        tmp_path, STEP + checkpoint("extras.hello", body='next = ["extras.hello", "extras.nope"]\n')
    )
    code, out = check(capsys, str(folder))
    assert code == 1
    assert out == [
        f"{folder / '12-extras.toml'}:10:25: `next` names unknown checkpoint `extras.nope`"
    ]


def test_missing_field_points_at_the_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        STEP
        + '\n[[checkpoint]]\nid = "extras.hello"\ntitle = "Hello"\n[[checkpoint.detect]]\ncall = "print"\n'
    )
    folder = course(tmp_path, text)
    code, out = check(capsys, str(folder))
    assert code == 1
    assert out == [f"{folder / '12-extras.toml'}:6:1: checkpoint is missing `teaches`"]


def test_unknown_git_fact_and_aggregate_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        STEP
        + checkpoint("extras.a", detect='git = "rebase"')
        + checkpoint("extras.b", detect='aggregate = "verbs"\nrequire = ["GET"]')
    )
    folder = course(tmp_path, text)
    code, out = check(capsys, str(folder))
    assert code == 1
    assert [line.split(": ", 1)[0].rsplit(":", 2)[1:] for line in out] == [["11", "1"], ["18", "1"]]
    assert "unknown git fact 'rebase'" in out[0]
    assert "unknown aggregate 'verbs'" in out[1]


def test_all_problems_of_all_files_are_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course(tmp_path, STEP + checkpoint("extras.hello", detect='funktion = "x"'))
    folder = course(
        tmp_path, '[step]\nid = "more"\ntitle = "More"\n\n[[checkpoint]\n', "13-more.toml"
    )
    code, out = check(capsys, str(folder))
    assert code == 1
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in out] == [
        "12-extras.toml",
        "13-more.toml",
    ]


def test_course_may_point_next_at_shipped_ids_with_the_shipped_roadmap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = course(
        tmp_path, STEP + checkpoint("extras.hello", body='next = ["test.pytest-file"]\n')
    )
    assert check(capsys, str(folder))[0] == 1
    assert check(capsys, str(folder), "--with-shipped") == (0, [])


def test_missing_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-roadmap", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_console_script_prints_problems_and_exits_1(tmp_path: Path) -> None:
    folder = course(tmp_path, STEP + checkpoint("extras.hello", detect='funktion = "x"'))
    done = subprocess.run(
        [sys.executable, "-m", "roadmap_coach", "check-roadmap", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout.startswith(f"{folder / '12-extras.toml'}:11:1: ")
    assert "1 problem(s)" in done.stderr
