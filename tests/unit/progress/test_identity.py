"""Who the learner is: the setting, else Git's user.name, else the OS user."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from roadmap_coach.progress.identity import resolve_learner


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No global or system Git config, so only what a test sets is seen."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    monkeypatch.setenv("USER", "os-user")
    monkeypatch.setenv("LOGNAME", "os-user")
    return home


def test_the_learner_setting_wins(isolated_git: Path) -> None:
    (isolated_git / ".gitconfig").write_text("[user]\n\tname = Git Name\n")
    assert resolve_learner("  Ada Lovelace ") == "Ada Lovelace"


def test_git_user_name_of_the_workspace_repo_comes_next(isolated_git: Path, tmp_path: Path) -> None:
    (isolated_git / ".gitconfig").write_text("[user]\n\tname = Global Name\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "config", "user.name", "Repo Name"], check=True)
    assert resolve_learner(None, repo) == "Repo Name"
    assert resolve_learner("", tmp_path) == "Global Name"


def test_os_user_when_git_has_no_name(isolated_git: Path, tmp_path: Path) -> None:
    assert resolve_learner(None, tmp_path) == "os-user"


def test_os_user_when_git_is_not_installed(
    isolated_git: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_git / ".gitconfig").write_text("[user]\n\tname = Git Name\n")
    monkeypatch.setenv("PATH", str(isolated_git))  # no git executable here
    assert resolve_learner() == "os-user"
