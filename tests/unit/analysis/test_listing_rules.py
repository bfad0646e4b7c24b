"""What a file watcher may drop before reading anything: the places a listing never
lists, judged by path (and a `stat` per folder for virtualenvs)."""

from __future__ import annotations

from pathlib import Path

from roadmap_coach.analysis.files import file_kind, read_patterns
from roadmap_coach.analysis.listing_rules import may_be_listed
from roadmap_coach.analysis.workspace import list_files


def test_a_virtualenv_is_left_out_but_its_marker_is_kept(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    (venv / "lib" / "python3.12" / "site-packages" / "flask").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "bin").mkdir()
    assert may_be_listed(str(tmp_path), ".venv/pyvenv.cfg")
    assert not may_be_listed(str(tmp_path), ".venv/bin/activate")
    assert not may_be_listed(str(tmp_path), ".venv/lib/python3.12/site-packages/flask/app.py")
    assert ".venv/pyvenv.cfg" in list_files(str(tmp_path))[0]  # the same as the listing


def test_vcs_folders_caches_and_node_modules_are_left_out(tmp_path: Path) -> None:
    root = str(tmp_path)
    for rel in (".git/HEAD", "node_modules/x/index.js", "pkg/__pycache__/m.pyc", "build/lib/a.py"):
        assert not may_be_listed(root, rel), rel
    for rel in ("app.py", "Dockerfile", "blog/models.py", "deploy/entrypoint.sh", "node_modules"):
        assert may_be_listed(root, rel), rel


def test_every_file_kind_read_has_a_pattern_and_names_compare_without_case() -> None:
    patterns = read_patterns()
    assert {"*.py", "*.sh", "entrypoint*", "*.service", "pyvenv.cfg"} <= set(patterns)
    assert all(p == p.lower() for p in patterns)  # file_kind compares names in lower case
    assert file_kind("deploy/ENTRYPOINT.SH") == file_kind("deploy/entrypoint.sh") == "text"
