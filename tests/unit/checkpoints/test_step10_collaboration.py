"""git.pull-request and git.upstream: a merged pull/merge request and a fork, read from
real repositories built with the `git` binary; a plain merge and a lone remote do not count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from learner_projects import Repo, git_environment, milestones

from roadmap_coach.cli import main


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    learner = Repo(tmp_path / "shop", git_environment(tmp_path / "home"))
    learner.git("init", "-q", "-b", "main")
    learner.commit({"app.py": "x = 1\n"}, "Start the shop")
    return learner


def merge_feature(repo: Repo, *message: str) -> None:
    """A `feature` branch merged into `main` with a merge commit of the given message."""
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"routes.py": "y = 1\n"}, "Add routes")
    repo.git("checkout", "-q", "main")
    args = [part for line in message for part in ("-m", line)]
    repo.git("merge", "-q", "--no-ff", "feature", *args)


# -- git.pull-request ----------------------------------------------------------------------


def test_github_pull_request_merge_commit_is_a_milestone(repo: Repo) -> None:
    merge_feature(repo, "Merge pull request #12 from ada/feature", "Add the routes")
    found = milestones(repo.root)
    assert found["git.pull-request"] == [".git:1"]
    assert found["git.merge"] == [".git:1"]


def test_gitlab_merge_request_named_in_the_body_is_a_milestone(repo: Repo) -> None:
    merge_feature(
        repo,
        "Merge branch 'feature' into 'main'",
        "Add the routes",
        "See merge request group/shop!7",
    )
    assert milestones(repo.root)["git.pull-request"] == [".git:1"]


def test_plain_merge_is_not_a_pull_request(repo: Repo) -> None:
    merge_feature(repo, "Merge branch 'feature'")
    found = milestones(repo.root)
    assert found["git.merge"] == [".git:1"]
    assert "git.pull-request" not in found


def test_a_commit_that_only_mentions_a_pull_request_is_not_one(repo: Repo) -> None:
    # a squash-merge or a normal commit whose message quotes the words: no merge commit
    repo.commit({"app.py": "x = 2\n"}, "Merge pull request #3 from ada/fix (squashed)")
    merge_feature(repo, "Merge branch 'feature'", "Like in pull request #12 we discussed")
    assert "git.pull-request" not in milestones(repo.root)


# -- git.upstream ----------------------------------------------------------------------


def test_fork_with_upstream_and_origin_is_a_milestone(repo: Repo) -> None:
    repo.git("remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    repo.git("remote", "add", "upstream", "https://github.com/teacher/shop.git")
    found = milestones(repo.root)
    assert found["git.upstream"] == [".git:1"]
    assert found["git.remote"] == [".git:1"]


def test_lone_upstream_remote_is_not_a_fork(repo: Repo) -> None:
    repo.git("remote", "add", "upstream", "https://github.com/teacher/shop.git")
    found = milestones(repo.root)
    assert found["git.remote"] == [".git:1"]
    assert "git.upstream" not in found


def test_upstream_pointing_where_origin_does_is_not_a_fork(repo: Repo) -> None:
    repo.git("remote", "add", "origin", "git@github.com:ada-learner/shop.git")
    repo.git("remote", "add", "upstream", "https://github.com/ada-learner/shop")
    assert "git.upstream" not in milestones(repo.root)


def test_origin_and_a_backup_remote_are_not_a_fork(repo: Repo) -> None:
    repo.git("remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    repo.git("remote", "add", "backup", "https://gitlab.com/ada-learner/shop.git")
    assert "git.upstream" not in milestones(repo.root)


def test_scan_reports_both_collaboration_milestones(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    merge_feature(repo, "Merge pull request #12 from ada/feature")
    repo.git("remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    repo.git("remote", "add", "upstream", "https://github.com/teacher/shop.git")
    assert main(["scan", str(repo.root), "--format", "json", "--no-cache"]) == 0
    report = json.loads(capsys.readouterr().out)
    found = {m["id"]: m["evidence"] for m in report["milestones"]}
    assert [e["path"] for e in found["git.pull-request"]] == [".git"]
    assert [e["path"] for e in found["git.upstream"]] == [".git"]
