"""list_files / collect_workspace: the learner's own files, safely, with reasons for the rest."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.analysis import workspace
from roadmap_coach.analysis.facts import FileFacts, WorkspaceFacts
from roadmap_coach.analysis.workspace import cache_key, collect_workspace, list_files

APP = "from flask import Flask\napp = Flask(__name__)\n"


def reasons(skipped: list[Any]) -> dict[str, str]:
    return {s.path: s.reason for s in skipped}


def collect_within(root: Path, seconds: float = 20, **kwargs: Any) -> WorkspaceFacts:
    """Run a scan on a thread so a read that blocks fails the test instead of hanging it."""
    result: list[WorkspaceFacts] = []
    thread = threading.Thread(
        target=lambda: result.append(collect_workspace(str(root), **kwargs)), daemon=True
    )
    thread.start()
    thread.join(seconds)
    assert result, "the scan did not finish (blocked on a special file?)"
    return result[0]


def test_walk_skips_venv_node_modules_and_caches_but_records_pyvenv_cfg(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(
        tmp_path,
        {
            "app.py": APP,
            "tests/test_app.py": "def test_ok():\n    assert True\n",
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            ".venv/lib/python3.11/site-packages/flask/app.py": "x = 1\n",
            "env2/sub/pyvenv.cfg": "home = /usr/bin\n",
            "env2/sub/bin/tool.py": "x = 1\n",
            "node_modules/left-pad/index.js": "",
            "__pycache__/app.cpython-311.pyc": b"\x00",
            ".pytest_cache/v/cache": "",
            ".mypy_cache/x.json": "",
            ".ruff_cache/x": "",
            ".tox/py311/x.py": "",
            "build/lib/app.py": "",
            "dist/app.whl": "",
            "shop.egg-info/PKG-INFO": "",
            ".git/config": "",
            ".hg/store": "",
            "vendor/site-packages/six.py": "",
        },
    )
    paths, skipped = list_files(str(tmp_path))
    assert paths == [".venv/pyvenv.cfg", "app.py", "env2/sub/pyvenv.cfg", "tests/test_app.py"]
    assert skipped == []


def test_recorded_venv_marker_becomes_a_name_only_file(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(tmp_path, {"venv/pyvenv.cfg": "home = /usr/bin\n", "main.py": "print(1)\n"})
    facts = collect_workspace(str(tmp_path))
    assert facts.files["venv/pyvenv.cfg"].kind == "other"
    assert facts.files["main.py"].kind == "python"


def test_a_folder_named_like_a_venv_without_pyvenv_cfg_is_walked(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(tmp_path, {"venv/notes.py": "x = 1\n"})
    assert list_files(str(tmp_path))[0] == ["venv/notes.py"]


def test_fifo_is_skipped_and_never_opened(tmp_path: Path, write: Callable[..., None]) -> None:
    write(tmp_path, {"app.py": APP})
    os.mkfifo(tmp_path / "requirements.txt")
    facts = collect_within(tmp_path)
    assert reasons(facts.skipped) == {"requirements.txt": "not a regular file"}
    assert list(facts.files) == ["app.py"]


def test_symlinks_outside_looping_or_dangling_are_skipped_with_reasons(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    root = tmp_path / "ws"
    write(root, {"app.py": APP})
    write(tmp_path, {"secret/outside.py": "KEY = 'x'\n"})
    (root / "outside.py").symlink_to(tmp_path / "secret" / "outside.py")
    (root / "outside_dir").symlink_to(tmp_path / "secret")
    (root / "a.py").symlink_to(root / "b.py")
    (root / "b.py").symlink_to(root / "a.py")
    (root / "gone.py").symlink_to(root / "missing.py")
    (root / "pkg").mkdir()
    (root / "pkg" / "up").symlink_to(root)
    facts = collect_within(root)
    assert reasons(facts.skipped) == {
        "a.py": "symlink loop",
        "b.py": "symlink loop",
        "gone.py": "dangling symlink",
        "outside.py": "symlink points outside the workspace",
        "outside_dir": "symlink points outside the workspace",
        "pkg/up": "symlink loop",
    }
    assert list(facts.files) == ["app.py"]


def test_symlink_to_a_workspace_file_is_read_through_the_link(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(tmp_path, {"src/app.py": APP})
    (tmp_path / "app.py").symlink_to(tmp_path / "src" / "app.py")
    (tmp_path / "code").symlink_to(tmp_path / "src")  # a folder link: listed where it points
    facts = collect_workspace(str(tmp_path))
    assert sorted(facts.files) == ["app.py", "src/app.py"]
    assert facts.files["app.py"].imports[0].module == "flask"
    assert facts.skipped == []


def test_huge_file_is_skipped_with_its_size(tmp_path: Path, write: Callable[..., None]) -> None:
    write(tmp_path, {"data.py": "x = 1\n" * 1000, "small.py": "x = 1\n", "video.mp4": b"\0" * 6000})
    paths, skipped = list_files(str(tmp_path), max_bytes=5000)
    assert reasons(skipped) == {"data.py": "file too large (6000 bytes)"}
    # a name-only file is never read, so its size does not matter
    assert paths == ["small.py", "video.mp4"]


def test_default_size_cap_is_two_mebibytes(tmp_path: Path) -> None:
    (tmp_path / "generated.py").write_bytes(b"#" * (2 * 1024 * 1024 + 1))
    (tmp_path / "ok.py").write_bytes(b"#" * (2 * 1024 * 1024))
    paths, skipped = list_files(str(tmp_path))
    assert paths == ["ok.py"]
    assert reasons(skipped) == {"generated.py": f"file too large ({2 * 1024 * 1024 + 1} bytes)"}


def test_unreadable_python_is_skipped_with_reason_but_kept_as_facts(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(
        tmp_path,
        {
            "good.py": APP,
            "nul.py": b"import os\x00\n",
            "latin.py": b"# caf\xe9\nimport os\n",
            "new.py": "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            "typo.py": "def broken(:\n",
            "pyproject.toml": "[project\n",
        },
    )
    facts = collect_within(tmp_path)
    found = reasons(facts.skipped)
    assert found["nul.py"] == "binary file"
    assert found["latin.py"] == "not valid UTF-8 (or declared encoding)"
    assert "newer than this interpreter" in found["new.py"]
    assert found["typo.py"].startswith("syntax error")
    assert found["pyproject.toml"].startswith("invalid TOML")
    assert "good.py" not in found
    assert sorted(facts.files) == [
        "good.py",
        "latin.py",
        "new.py",
        "nul.py",
        "pyproject.toml",
        "typo.py",
    ]
    assert facts.files["nul.py"].kind == "binary"


def test_progress_counts_every_file(tmp_path: Path, write: Callable[..., None]) -> None:
    write(tmp_path, {"a.py": "", "b.py": "", "c.txt": ""})
    seen: list[tuple[int, int]] = []
    collect_workspace(str(tmp_path), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_missing_workspace_folder_is_reported_not_raised(tmp_path: Path) -> None:
    paths, skipped = list_files(str(tmp_path / "nope"))
    assert paths == []
    assert reasons(skipped) == {".": "workspace folder not found"}
    facts = collect_workspace(str(tmp_path / "nope"))
    assert facts.files == {} and not facts.git.is_repo


class CountingCache:
    def __init__(self) -> None:
        self.store: dict[str, FileFacts] = {}
        self.hits = 0

    def get(self, key: str) -> FileFacts | None:
        found = self.store.get(key)
        self.hits += found is not None
        return found

    def put(self, key: str, facts: FileFacts) -> None:
        self.store[key] = facts


def test_cache_is_keyed_by_path_and_content(tmp_path: Path, write: Callable[..., None]) -> None:
    write(tmp_path, {"app.py": APP, "copy.py": APP})
    cache = CountingCache()
    first = collect_workspace(str(tmp_path), cache=cache)
    assert len(cache.store) == 2 and cache.hits == 0  # same content, different modules
    second = collect_workspace(str(tmp_path), cache=cache)
    assert cache.hits == 2
    assert second.files["app.py"].to_json() == first.files["app.py"].to_json()
    (tmp_path / "app.py").write_text(APP + "x = 1\n")
    third = collect_workspace(str(tmp_path), cache=cache)
    assert cache.hits == 3
    assert [a.target for a in third.files["app.py"].assigns] == ["app", "x"]


class StatAwareCache(CountingCache):
    def __init__(self) -> None:
        super().__init__()
        self.stats: dict[tuple[str, int, int], str] = {}

    def digest_for(self, path: str, size: int, mtime_ns: int) -> str | None:
        return self.stats.get((path, size, mtime_ns))

    def remember(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        self.stats[(path, size, mtime_ns)] = digest


def test_unchanged_stat_skips_reading_and_hashing(
    tmp_path: Path, write: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, {"app.py": APP, "fresh.py": "y = 2\n"})
    old = time.time() - 60
    os.utime(tmp_path / "app.py", (old, old))
    cache = StatAwareCache()
    collect_workspace(str(tmp_path), cache=cache)
    assert [key[0] for key in cache.stats] == ["app.py"]  # a just-written file is not trusted

    def must_not_read(path: str, max_bytes: int) -> bytes:
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(workspace, "_read", must_not_read)
    digest = next(iter(cache.stats.values()))
    cache.store[cache_key("app.py", digest)] = FileFacts(
        path="app.py", kind="python", digest=digest
    )
    with pytest.raises(AssertionError, match=r"fresh\.py"):
        collect_workspace(str(tmp_path), cache=cache)
    (tmp_path / "fresh.py").unlink()
    again = collect_workspace(str(tmp_path), cache=cache)
    assert again.files["app.py"].imports == []  # came from the cache, not a new analysis


# -- inside a Git repository ------------------------------------------------------------


def test_gitignored_files_are_left_out_in_a_repo(
    make_repo: Callable[..., Any], write: Callable[..., None]
) -> None:
    root, git = make_repo()
    write(
        root,
        {
            ".gitignore": ".env\n*.sqlite3\n.venv/\nlocal/\n",
            "app.py": APP,
            ".env": "SECRET_KEY=abc\n",
            "db.sqlite3": "x",
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            ".venv/lib/python3.11/site-packages/flask/__init__.py": "",
            "local/scratch.py": "x = 1\n",
            "new_untracked.py": "y = 1\n",
        },
    )
    git("add", ".gitignore", "app.py")
    git("commit", "-qm", "first")
    paths, skipped = list_files(str(root))
    assert paths == [".gitignore", ".venv/pyvenv.cfg", "app.py", "new_untracked.py"]
    assert skipped == []


def test_unignored_venv_in_a_repo_is_not_listed_file_by_file(
    make_repo: Callable[..., Any], write: Callable[..., None]
) -> None:
    root, _ = make_repo()
    write(
        root,
        {
            "app.py": APP,
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/python3.11/site-packages/flask/__init__.py": "",
            "env/bin/activate": "",
            "node_modules/x/index.js": "",
            "pkg/__pycache__/m.cpython-311.pyc": b"\0",
        },
    )
    assert list_files(str(root))[0] == ["app.py", "env/pyvenv.cfg"]


def test_tracked_file_deleted_from_disk_is_not_listed(
    make_repo: Callable[..., Any], write: Callable[..., None]
) -> None:
    root, git = make_repo()
    write(root, {"app.py": APP, "old.py": "x = 1\n"})
    git("add", ".")
    git("commit", "-qm", "first")
    (root / "old.py").unlink()
    assert list_files(str(root)) == (["app.py"], [])


def test_garbage_git_folder_falls_back_to_walking(
    tmp_path: Path, write: Callable[..., None]
) -> None:
    write(
        tmp_path,
        {".git/HEAD": "garbage", ".gitignore": "ignored.py\n", "ignored.py": "", "app.py": APP},
    )
    paths, _ = list_files(str(tmp_path))
    assert paths == [".gitignore", "app.py", "ignored.py"]  # no git rules without a repo
    assert collect_workspace(str(tmp_path)).git.is_repo is False


def test_repository_config_cannot_run_commands_during_a_scan(
    make_repo: Callable[..., Any], write: Callable[..., None], tmp_path: Path
) -> None:
    root, git = make_repo()
    marker = tmp_path / "ran"
    write(root, {"app.py": APP})
    git("add", ".")
    git("commit", "-qm", "first")
    git("config", "core.fsmonitor", f"touch {marker}; false")
    facts = collect_workspace(str(root))
    assert facts.git.is_repo and list(facts.files) == ["app.py"]
    assert not marker.exists()
