"""`roadmap-coach roadmap` and `scan`: the documented JSON shapes (docs/cli.md), the
exit codes, and a scan that survives whatever a learner's folder holds."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.cli import main
from roadmap_coach.progress.records_cache import cache_path
from roadmap_coach.roadmap.loader import load_roadmap
from workspace_files import write_tree

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "flask-learner"
FLASK_APP = (
    "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    '@app.route("/")\ndef index():\n    return "hi"\n'
)


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (`python -m roadmap_coach`)."""
    return subprocess.run(
        [sys.executable, "-m", "roadmap_coach", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def scan_json(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> dict[str, Any]:
    assert main(["scan", str(root), "--format", "json", "--no-cache", *extra]) == 0
    return json.loads(capsys.readouterr().out)


write = write_tree


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The bundled learner project, copied so the scan sees exactly its files."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "flask-learner"))


# -- roadmap ---------------------------------------------------------------------------


def test_roadmap_json_lists_every_step_and_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roadmap", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shipped, _ = load_roadmap()
    assert isinstance(data["title"], str) and data["title"]
    assert [s["id"] for s in data["steps"]] == [s.id for s in shipped.steps]
    for step in data["steps"]:
        assert set(step) >= {"id", "number", "title", "summary", "checkpoints"}
        for checkpoint in step["checkpoints"]:
            assert set(checkpoint) >= {"id", "title", "teaches", "next", "links"}
            assert isinstance(checkpoint["next"], list) and isinstance(checkpoint["links"], list)
    ids = [c["id"] for s in data["steps"] for c in s["checkpoints"]]
    assert ids == shipped.ids and len(ids) == 81


def test_roadmap_text_names_every_checkpoint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roadmap"]) == 0
    out = capsys.readouterr().out
    shipped, _ = load_roadmap()
    assert all(cid in out for cid in shipped.ids)
    assert " 6. Automate testing [testing]" in out


# -- scan: the JSON document -----------------------------------------------------------


def test_scan_json_has_the_documented_shape(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = scan_json(capsys, example)
    assert set(report) == {
        "schema", "root", "milestones", "lessons", "skipped", "steps", "stepsComplete", "nextUp",
    }  # fmt: skip
    assert report["schema"] == 1
    assert report["root"] == str(example.resolve())
    assert report["skipped"] == []
    for milestone in report["milestones"]:
        assert set(milestone) >= {"id", "step", "title", "evidence"}
        assert 1 <= len(milestone["evidence"]) <= 10
        for evidence in milestone["evidence"]:
            assert set(evidence) == {"path", "line"}
            assert (example / evidence["path"]).is_file(), evidence
            assert "\\" not in evidence["path"] and not evidence["path"].startswith("/")
            assert isinstance(evidence["line"], int) and evidence["line"] >= 1
    for lesson in report["lessons"]:
        assert set(lesson) >= {
            "code",
            "path",
            "line",
            "column",
            "severity",
            "message",
            "step",
            "fix",
        }
        assert lesson["line"] >= 1 and lesson["column"] >= 1


def test_scan_json_steps_count_the_milestones(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = scan_json(capsys, example)
    per_step = Counter(m["step"] for m in report["milestones"])
    shipped, _ = load_roadmap()
    assert [s["id"] for s in report["steps"]] == [s.id for s in shipped.steps]
    for step in report["steps"]:
        assert step["achieved"] == per_step[step["id"]]
        assert step["total"] == len([c for c in shipped.checkpoints if c.step == step["id"]])
    assert sum(s["total"] for s in report["steps"]) == 81


def test_scan_evidence_lines_are_where_the_code_is(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = scan_json(capsys, example)
    milestones = {m["id"]: m["evidence"] for m in report["milestones"]}
    for evidence in milestones["web.flask-route"]:
        line = (example / evidence["path"]).read_text().splitlines()[evidence["line"] - 1]
        assert line.lstrip().startswith("@"), line
    for evidence in milestones["test.pytest-file"]:
        line = (example / evidence["path"]).read_text().splitlines()[evidence["line"] - 1]
        assert line.startswith("def test_"), line


def test_scan_paths_are_relative_with_slashes_and_lines_one_based(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"app/api/v1/routes.py": FLASK_APP})
    report = scan_json(capsys, tmp_path)
    route = next(m for m in report["milestones"] if m["id"] == "web.flask-route")
    assert route["evidence"] == [{"path": "app/api/v1/routes.py", "line": 6}]
    assert route["step"] == "web-frameworks"


def test_scan_text_is_a_per_step_view_with_evidence(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(example), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert " 2. Choose a web framework  (" in out
    assert "✓ Your first Flask route [web.flask-route]  app/routes.py:" in out
    assert "· A Django project [web.django-project]" in out


# -- scan: whatever the folder holds ---------------------------------------------------


def test_newer_syntax_is_skipped_and_other_files_still_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        {
            "app.py": FLASK_APP,
            "handlers.py": "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
        },
    )
    report = scan_json(capsys, tmp_path)
    (skipped,) = report["skipped"]
    assert skipped["path"] == "handlers.py"
    assert skipped["reason"].startswith("Python syntax newer than this interpreter")
    assert "(line 3)" in skipped["reason"]
    assert "web.flask-route" in {m["id"] for m in report["milestones"]}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs need a POSIX system")
def test_scan_survives_every_kind_of_bad_file(tmp_path: Path) -> None:
    root = write(
        tmp_path / "ws",
        {
            "app.py": FLASK_APP,
            "broken.py": "def broken(:\n    pass\n",
            "newer.py": "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            "nul.py": b"x = 1\n\x00\x00\x00y = 2\n",
            "blob.py": bytes(range(256)) * 8,
            "latin.py": b'name = "caf\xe9"\n',
            "huge.py": "x = 1\n" * 400_000,
            "logo.gif": b"GIF89a\x00\x01\x00\x01\x00",
        },
    )
    os.mkfifo(root / "pipe.py")
    (root / "loop.py").symlink_to("loop.py")
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")
    (root / "outside.py").symlink_to(tmp_path / "elsewhere.py")
    (tmp_path / "elsewhere.py").write_text(FLASK_APP)

    done = cli("scan", str(root), "--format", "json", "--no-cache", timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert reasons["broken.py"].startswith("syntax error")
    assert reasons["newer.py"].startswith("Python syntax newer than this interpreter")
    assert reasons["nul.py"] == reasons["blob.py"] == "binary file"
    assert reasons["latin.py"].startswith("not valid UTF-8")
    assert reasons["huge.py"].startswith("file too large")
    assert reasons["pipe.py"] == "not a regular file"
    assert reasons["loop.py"] == reasons["sub/up"] == "symlink loop"
    assert reasons["outside.py"] == "symlink points outside the workspace"
    assert "logo.gif" not in reasons  # an image is not code: not read, not a problem
    route = next(m for m in report["milestones"] if m["id"] == "web.flask-route")
    assert route["evidence"] == [{"path": "app.py", "line": 6}]  # not outside.py


def test_empty_folder_scans_to_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = scan_json(capsys, tmp_path)
    assert report["milestones"] == [] and report["lessons"] == [] and report["skipped"] == []
    assert all(s["achieved"] == 0 for s in report["steps"])


def test_scan_of_a_file_or_a_missing_path_exits_2(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FLASK_APP)
    for target in (tmp_path / "app.py", tmp_path / "missing"):
        done = cli("scan", str(target), "--format", "json")
        assert done.returncode == 2
        assert done.stdout == ""
        assert "not a folder" in done.stderr


def test_unknown_option_exits_2() -> None:
    assert cli("scan", "--colour").returncode == 2


def test_scan_fills_the_records_cache_but_records_no_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write(tmp_path / "ws", {"app.py": FLASK_APP})
    store = tmp_path / "store.db"
    for _ in range(2):  # the second run reads the records cache
        assert main(["scan", str(root), "--format", "json", "--store", str(store)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert "web.flask-route" in {m["id"] for m in report["milestones"]}
    with sqlite3.connect(cache_path(store)) as db:
        assert db.execute("SELECT count(*) FROM records").fetchone() == (1,)  # app.py
    assert not store.exists()  # no progress store: a scan records nothing


def test_module_entry_point_reports_its_version() -> None:
    done = cli("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("roadmap-coach ")


def test_scan_text_names_each_line_once_when_two_places_share_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.py").write_text(
        "import os\n\n"
        "URL = os.environ.get('DATABASE_URL', '').replace('postgres://', 'postgresql://')\n"
    )
    assert main(["scan", str(tmp_path), "--no-cache"]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "db.server-database" in x]
    assert line.rstrip().endswith("]  config.py:3")
