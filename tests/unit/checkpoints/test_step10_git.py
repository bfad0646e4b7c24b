"""Step 10, Git: milestones read from real repositories built with the `git` binary."""

from __future__ import annotations

from pathlib import Path

import pytest
from learner_projects import Repo, git_environment, milestones, write

PYTHON_GITIGNORE = (
    "# Byte-compiled\n__pycache__/\n*.py[cod]\n\n# Environments\n.venv/\nvenv/\n.env\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A fresh `git init` on `main`, nothing committed yet."""
    learner = Repo(tmp_path / "shop", git_environment(tmp_path / "home"))
    learner.git("init", "-q", "-b", "main")
    return learner


def conflict(repo: Repo) -> None:
    """`main` and `feature` both change the same line of app.py; the merge stops."""
    repo.commit({"app.py": "title = 'Shop'\nprice = 10\n"}, "Start the shop")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"app.py": "title = 'Shop'\nprice = 12\n"}, "Raise the price")
    repo.git("checkout", "-q", "main")
    repo.commit({"app.py": "title = 'Shop'\nprice = 9\n"}, "Sale")
    repo.git("merge", "feature", check=False)


# -- git.init / git.first-commit -------------------------------------------------------


def test_git_init_is_a_milestone_before_any_commit(repo: Repo) -> None:
    write(repo.root, {"app.py": "print('hello')\n"})
    repo.git("add", "app.py")
    found = milestones(repo.root)
    assert found["git.init"] == [".git:1"]
    assert "git.first-commit" not in found  # staged is not committed


def test_first_commit_is_a_milestone(repo: Repo) -> None:
    repo.commit({"app.py": "print('hello')\n"}, "First commit")
    assert milestones(repo.root)["git.first-commit"] == [".git:1"]


def test_plain_folder_is_not_a_repository(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": "print('hello')\n"})
    found = milestones(tmp_path)
    assert "git.init" not in found and "git.first-commit" not in found


def test_folder_inside_someone_elses_repository_is_not_the_learners_repository(
    repo: Repo,
) -> None:
    repo.commit({"course/week1/app.py": "print('hello')\n"}, "Course material")
    found = milestones(repo.root / "course" / "week1")
    assert "git.init" not in found and "git.first-commit" not in found


# -- git.gitignore ---------------------------------------------------------------------


def test_python_gitignore_is_a_milestone(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": PYTHON_GITIGNORE})
    assert milestones(tmp_path)["git.gitignore"] == [".gitignore:2"]


def test_gitignore_of_a_nested_project_counts(tmp_path: Path) -> None:
    write(tmp_path, {"backend/.gitignore": "*.log\n/env/\n"})
    assert milestones(tmp_path)["git.gitignore"] == ["backend/.gitignore:2"]


def test_gitignore_that_ignores_only_logs_does_not_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".gitignore": "*.log\n.DS_Store\nnode_modules/\n# TODO: add venv and __pycache__\n"},
    )
    assert "git.gitignore" not in milestones(tmp_path)


# -- git.branch ------------------------------------------------------------------------


def test_second_branch_is_a_milestone(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("branch", "feature/login")
    assert milestones(repo.root)["git.branch"] == [".git:1"]


def test_many_commits_on_one_branch_are_not_a_branch(repo: Repo) -> None:
    for n in range(3):
        repo.commit({"app.py": f"x = {n}\n"}, f"Change {n}")
    assert "git.branch" not in milestones(repo.root)


def test_merged_and_deleted_branch_still_counts(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"routes.py": "y = 1\n"}, "Routes")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-edit", "feature")
    repo.git("branch", "-d", "feature")
    assert milestones(repo.root)["git.branch"] == [".git:1"]


# -- git.merge -------------------------------------------------------------------------


def test_merge_commit_is_a_milestone(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"routes.py": "y = 1\n"}, "Routes")
    repo.git("checkout", "-q", "main")
    repo.commit({"models.py": "z = 1\n"}, "Models")
    repo.git("merge", "-q", "--no-edit", "feature")
    found = milestones(repo.root)
    assert found["git.merge"] == [".git:1"]
    assert "git.conflict-resolved" not in found  # different files: a clean merge


def test_fast_forward_is_not_a_merge_commit(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"routes.py": "y = 1\n"}, "Routes")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "feature")
    found = milestones(repo.root)
    assert "git.merge" not in found
    assert found["git.branch"] == [".git:1"]


# -- git.conflict-resolved -------------------------------------------------------------


def test_resolved_conflict_is_a_milestone(repo: Repo) -> None:
    conflict(repo)
    write(repo.root, {"app.py": "title = 'Shop'\nprice = 11\n"})
    repo.git("add", "app.py")
    repo.git("commit", "-q", "-m", "Merge feature: settle the price")
    found = milestones(repo.root)
    assert found["git.conflict-resolved"] == [".git:1"]
    assert found["git.merge"] == [".git:1"]


def test_resolved_conflict_between_two_new_files_is_a_milestone(repo: Repo) -> None:
    # add/add conflict, and the file has no final newline (git prints a "\\ No newline" line)
    repo.commit({"README.md": "shop\n"}, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"config.py": "DEBUG = False"}, "Config from feature")
    repo.git("checkout", "-q", "main")
    repo.commit({"config.py": "DEBUG = True"}, "Config from main")
    repo.git("merge", "feature", check=False)
    write(repo.root, {"config.py": "import os\nDEBUG = os.environ.get('DEBUG') == '1'\n"})
    repo.git("add", "config.py")
    repo.git("commit", "-q", "-m", "Merge feature: DEBUG from the environment")
    assert milestones(repo.root)["git.conflict-resolved"] == [".git:1"]


def test_clean_auto_merge_of_one_file_is_not_a_resolved_conflict(repo: Repo) -> None:
    # both branches edit app.py, far apart: git merges it without asking anyone
    lines = [f"line_{n} = {n}\n" for n in range(12)]
    repo.commit({"app.py": "".join(lines)}, "Start")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"app.py": "".join(["line_0 = 'feature'\n", *lines[1:]])}, "Feature edit")
    repo.git("checkout", "-q", "main")
    repo.commit({"app.py": "".join([*lines[:-1], "line_11 = 'main'\n"])}, "Main edit")
    repo.git("merge", "-q", "--no-edit", "feature")
    found = milestones(repo.root)
    assert found["git.merge"] == [".git:1"]
    assert "git.conflict-resolved" not in found


def test_abandoned_merge_is_not_a_resolved_conflict(repo: Repo) -> None:
    conflict(repo)
    repo.git("merge", "--abort")
    found = milestones(repo.root)
    assert "git.conflict-resolved" not in found and "git.merge" not in found


# -- git.remote ------------------------------------------------------------------------


def test_remote_is_a_milestone(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    assert milestones(repo.root)["git.remote"] == [".git:1"]


def test_repository_without_remote_has_no_remote(repo: Repo) -> None:
    repo.commit({"app.py": "x = 1\n"}, "Start")
    repo.git("branch", "backup")
    assert "git.remote" not in milestones(repo.root)
