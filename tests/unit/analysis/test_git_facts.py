"""read_git: what the learner did with Git, from real repositories; never an exception."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roadmap_coach.analysis.git_facts import read_git, remote_host

Repo = tuple[Path, Callable[..., str]]


def commit_file(root: Path, git: Callable[..., str], name: str, text: str, message: str) -> None:
    (root / name).write_text(text)
    git("add", name)
    git("commit", "-qm", message)


@pytest.fixture
def repo(make_repo: Callable[..., Repo]) -> Repo:
    root, git = make_repo()
    commit_file(root, git, "app.py", "one\ntwo\nthree\n", "Start the shop")
    return root, git


def test_folder_without_repository_is_not_a_repo(tmp_path: Path) -> None:
    facts = read_git(str(tmp_path))
    assert facts.is_repo is False
    assert facts.error == "not a Git repository"


def test_git_init_without_commits_is_a_repo_with_zero_commits(
    make_repo: Callable[..., Repo],
) -> None:
    root, _ = make_repo()
    facts = read_git(str(root))
    assert facts.is_repo and facts.error is None
    assert facts.commits == 0
    assert facts.first_commit is None and facts.head_commit is None


def test_first_and_head_commit(repo: Repo) -> None:
    root, git = repo
    commit_file(root, git, "models.py", "x = 1\n", "Add models\n\nLonger body.")
    facts = read_git(str(root))
    assert facts.commits == 2
    assert facts.first_commit is not None and facts.head_commit is not None
    assert facts.first_commit.summary == "Start the shop"
    assert facts.first_commit.parents == 0
    assert facts.head_commit.summary == "Add models"
    assert facts.head_commit.sha == git("rev-parse", "HEAD").strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", facts.head_commit.time)
    assert facts.tracked == ["app.py", "models.py"]
    assert facts.branches == ["main"]
    assert facts.merges == [] and facts.conflict_merges == []


def test_author_time_is_reported_in_utc(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    root, git = repo
    monkeypatch.setenv("GIT_AUTHOR_DATE", "2024-03-01T09:30:00+02:00")
    commit_file(root, git, "b.py", "", "Later")
    facts = read_git(str(root))
    assert facts.head_commit is not None
    assert facts.head_commit.time == "2024-03-01T07:30:00Z"


def test_a_new_branch_is_listed(repo: Repo) -> None:
    root, git = repo
    git("branch", "feature/login")
    assert read_git(str(root)).branches == ["feature/login", "main"]


def test_clean_merge_is_a_merge_but_not_a_resolved_conflict(repo: Repo) -> None:
    root, git = repo
    git("checkout", "-qb", "feature")
    commit_file(root, git, "routes.py", "x = 1\n", "Add routes")
    git("checkout", "-q", "main")
    commit_file(root, git, "models.py", "y = 1\n", "Add models")
    git("merge", "-q", "--no-edit", "feature")
    facts = read_git(str(root))
    assert [m.summary for m in facts.merges] == ["Merge branch 'feature'"]
    assert facts.merges[0].parents == 2
    assert facts.conflict_merges == []


def make_conflict(root: Path, git: Callable[..., str]) -> None:
    git("checkout", "-qb", "feature")
    commit_file(root, git, "app.py", "one\nTWO from feature\nthree\n", "Feature edit")
    git("checkout", "-q", "main")
    commit_file(root, git, "app.py", "one\nTWO from main\nthree\n", "Main edit")
    git("merge", "feature", check=False)  # stops on the conflict


def test_merge_that_resolved_a_conflict_is_recognised(repo: Repo) -> None:
    root, git = repo
    make_conflict(root, git)
    (root / "app.py").write_text("one\nTWO from both\nthree\n")
    git("add", "app.py")
    git("commit", "-qm", "Resolve the conflict")
    facts = read_git(str(root))
    assert [m.summary for m in facts.conflict_merges] == ["Resolve the conflict"]
    assert facts.conflict_merges[0].sha == git("rev-parse", "HEAD").strip()


def test_conflict_resolved_by_taking_one_side_is_only_a_merge(repo: Repo) -> None:
    root, git = repo
    make_conflict(root, git)
    git("checkout", "--ours", "app.py")
    git("add", "app.py")
    git("commit", "-qm", "Keep ours")
    facts = read_git(str(root))
    assert [m.summary for m in facts.merges] == ["Keep ours"]
    assert facts.conflict_merges == []


def test_hand_edited_merge_of_a_one_sided_change_is_not_a_conflict(repo: Repo) -> None:
    root, git = repo
    git("checkout", "-qb", "feature")
    commit_file(root, git, "app.py", "one\ntwo\nthree\nfour\n", "Feature edit")
    git("checkout", "-q", "main")
    commit_file(root, git, "other.py", "", "Main edit elsewhere")
    git("merge", "--no-commit", "feature")
    (root / "app.py").write_text("edited during the merge\n")
    git("add", "app.py")
    git("commit", "-qm", "Evil merge")
    facts = read_git(str(root))
    assert [m.summary for m in facts.merges] == ["Evil merge"]
    assert facts.conflict_merges == []


def test_remote_shows_only_the_host_never_credentials(repo: Repo) -> None:
    root, git = repo
    git(
        "remote", "add", "origin", "https://learner:ghp_s3cretToken@GitHub.com:443/learner/shop.git"
    )
    git("remote", "add", "school", "git@gitlab.example.edu:class/shop.git")
    facts = read_git(str(root))
    assert facts.remotes == {"origin": "github.com", "school": "gitlab.example.edu"}
    assert "s3cret" not in repr(facts)
    assert "learner" not in json.dumps(facts.remotes)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://github.com/a/b.git", "github.com"),
        ("https://user:token@bitbucket.org/a/b.git", "bitbucket.org"),
        ("ssh://git@github.com:22/a/b.git", "github.com"),
        ("git@github.com:a/b.git", "github.com"),
        ("gitlab.com:a/b.git", "gitlab.com"),
        ("/srv/git/shop.git", "local"),
        ("../shop.git", "local"),
        ("file:///srv/git/shop.git", "local"),
        ("C:\\repos\\shop", "local"),
    ],
)
def test_remote_host_shapes(url: str, host: str) -> None:
    assert remote_host(url) == host


def test_tracked_lists_index_paths_including_mistakes(repo: Repo) -> None:
    root, git = repo
    (root / ".env").write_text("SECRET_KEY=abc\n")
    (root / "untracked.py").write_text("")
    git("add", ".env")
    assert read_git(str(root)).tracked == [".env", "app.py"]


def test_garbage_git_folder_is_not_a_repo(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("not a ref")
    facts = read_git(str(tmp_path))
    assert facts.is_repo is False
    assert facts.error is not None and "broken" in facts.error


def test_garbage_git_file_is_not_a_repo(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: /nowhere/at/all\n")
    facts = read_git(str(tmp_path))
    assert facts.is_repo is False and facts.error


def test_a_folder_inside_a_repository_does_not_borrow_its_history(repo: Repo) -> None:
    root, _ = repo
    (root / "lesson1").mkdir()
    facts = read_git(str(root / "lesson1"))
    assert facts.is_repo is False


NO_GIT_SCRIPT = """
import dataclasses, json, sys
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.workspace import collect_workspace
ws = collect_workspace(sys.argv[1])
print(json.dumps({"git": dataclasses.asdict(ws.git), "files": sorted(ws.files)}))
"""


def test_without_a_git_binary_there_are_no_git_facts_and_no_exception(
    repo: Repo, tmp_path: Path
) -> None:
    root, _ = repo
    (root / ".gitignore").write_text("ignored.py\n")
    (root / "ignored.py").write_text("")
    empty_bin = tmp_path / "empty-bin"
    empty_bin.mkdir()
    env = {
        **os.environ,
        "PATH": str(empty_bin),
        "GIT_PYTHON_GIT_EXECUTABLE": str(tmp_path / "missing" / "git"),
    }
    env.pop("GIT_PYTHON_REFRESH", None)
    done = subprocess.run(
        [sys.executable, "-c", NO_GIT_SCRIPT, str(root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["git"]["is_repo"] is False
    assert "git is not installed" in result["git"]["error"]
    # the listing falls back to a walk: everything on disk, ignore rules unknown
    assert result["files"] == [".gitignore", "app.py", "ignored.py"]


def test_an_opened_repository_runs_git_with_the_safe_settings_and_the_callers(repo: Repo) -> None:
    from roadmap_coach.analysis.git_facts import open_repo

    root, _ = repo
    opened, error = open_repo(str(root), ("core.deltaBaseCacheLimit=8m",))
    assert error is None and opened is not None
    try:
        assert opened.git.config("--get", "core.deltaBaseCacheLimit") == "8m"
        assert opened.git.config("--get", "core.fsmonitor") == "false"  # never a hook's daemon
    finally:
        opened.close()
    plain, _ = open_repo(str(root))
    assert plain is not None
    try:
        assert plain.git.config("--get", "core.fsmonitor") == "false"
    finally:
        plain.close()
