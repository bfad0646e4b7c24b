"""Real Git repositories built in tmp_path with the real `git` binary."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from workspace_files import write_tree

GitRunner = Callable[..., str]


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Isolate git from the machine's config and give commits a fixed author."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Learner")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "learner@example.invalid")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def make_repo(tmp_path: Path, git_env: None) -> Callable[[str], tuple[Path, GitRunner]]:
    """`root, git = make_repo("name")`; `git("commit", "-m", "x")` runs in the repo."""

    def build(name: str = "repo") -> tuple[Path, GitRunner]:
        root = tmp_path / name
        root.mkdir()

        def git(*args: str, check: bool = True) -> str:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=False
            )
            if check and done.returncode != 0:
                raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
            return done.stdout

        git("init", "-q", "-b", "main")
        return root, git

    return build


Writer = Callable[[Path, dict[str, str | bytes]], None]


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    write_tree(root, files)


@pytest.fixture
def write() -> Writer:
    """`write(root, {"app/main.py": "...", "logo.png": b"..."})`"""
    return _write
