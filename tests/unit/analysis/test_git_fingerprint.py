"""git_fingerprint: a few stats that change whenever the Git facts may have, on real
repositories (HEAD's text alone does not change on a commit or `git add`)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from roadmap_coach.analysis.git_fingerprint import git_fingerprint, head_of, is_state_file

Repo = tuple[Path, Callable[..., str]]


def test_no_repository_has_no_fingerprint(tmp_path: Path) -> None:
    assert git_fingerprint(str(tmp_path)) is None


def test_staging_committing_and_tagging_each_change_it_while_head_stays(
    make_repo: Callable[..., Repo],
) -> None:
    root, git = make_repo()
    (root / "app.py").write_text("print('hi')\n")
    seen = [git_fingerprint(str(root))]
    git("add", "app.py")
    seen.append(git_fingerprint(str(root)))
    git("commit", "-qm", "first")
    seen.append(git_fingerprint(str(root)))
    (root / "app.py").write_text("print('hello')\n")
    git("commit", "-qam", "second")
    seen.append(git_fingerprint(str(root)))
    git("tag", "v1")
    seen.append(git_fingerprint(str(root)))
    assert len(set(seen)) == len(seen)  # every step is noticed …
    assert len({head_of(f) for f in seen}) == 1  # … though HEAD's text never changed
    git("checkout", "-qb", "feature")
    assert head_of(git_fingerprint(str(root))) != head_of(seen[-1])


def test_a_worktree_is_fingerprinted_through_its_gitdir_file(
    make_repo: Callable[..., Repo], tmp_path: Path
) -> None:
    root, git = make_repo()
    (root / "app.py").write_text("x = 1\n")
    git("add", "app.py")
    git("commit", "-qm", "first")
    other = tmp_path / "other"
    git("worktree", "add", "-q", "-b", "side", str(other))
    before = git_fingerprint(str(other))
    assert before is not None and "side" in before[0]
    (other / "app.py").write_text("x = 2\n")
    subprocess.run(["git", "commit", "-qam", "on the side"], cwd=other, check=True)
    after = git_fingerprint(str(other))
    assert after is not None and after != before and head_of(after) == head_of(before)


def test_the_state_files_a_watcher_reports() -> None:
    assert is_state_file("HEAD") and is_state_file("index") and is_state_file("refs/heads/main")
    assert not is_state_file("index.lock") and not is_state_file("objects/ab/cdef")
    assert not is_state_file("refs/heads/main.lock")
