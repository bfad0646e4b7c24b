"""`history` places the newer checkpoints at the commit that earned them: output escaped
against XSS, a factory, a merged pull request, and the learner's first commit on a fork."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from roadmap_coach.progress.history import History, replay_history
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap

HELLO = """from flask import Flask
from markupsafe import escape

app = Flask(__name__)


@app.get("/hello/<name>")
def hello(name):
    return f"<h1>Hello, {escape(name)}!</h1>"
"""
SENDERS = """class EmailSender:
    pass


class SmsSender:
    pass


def make_sender(channel):
    if channel == "sms":
        return SmsSender()
    return EmailSender()
"""


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = {
        **os.environ,
        "HOME": str(root.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    done = subprocess.run(
        ["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com",
         "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def commit(root: Path, when: str, message: str, files: dict[str, str]) -> str:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def shipped() -> Roadmap:
    roadmap, _problems = load_roadmap()
    return roadmap


def at(history: History) -> dict[str, tuple[str, str]]:
    assert history.error is None
    return {m.id: (m.commit, m.time) for m in history.milestones}


def test_fork_pull_request_escaping_and_factory_each_at_their_commit(
    tmp_path: Path, shipped: Roadmap
) -> None:
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    git(teacher, "init", "-q", "-b", "main")
    commit(teacher, "2024-03-01T09:00:00Z", "Course skeleton", {"README.md": "# Shop\n"})
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(teacher), str(fork))
    git(fork, "remote", "rename", "origin", "upstream")
    git(fork, "remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    own = commit(fork, "2024-05-01T10:00:00Z", "Greet visitors", {"app.py": HELLO})
    git(fork, "checkout", "-q", "-b", "senders")
    factory = commit(fork, "2024-05-02T10:00:00Z", "Pick a sender", {"senders.py": SENDERS})
    git(fork, "checkout", "-q", "main")
    commit(fork, "2024-05-03T10:00:00Z", "Notes", {"NOTES.md": "todo\n"})
    git(
        fork, "merge", "-q", "--no-ff", "senders",
        "-m", "Merge pull request #1 from ada-learner/senders", "-m", "Pick a sender",
        when="2024-05-04T10:00:00Z",
    )  # fmt: skip
    merge = git(fork, "rev-parse", "HEAD")

    found = at(replay_history(str(fork), shipped))
    assert found["git.upstream"] == (own, "2024-05-01T10:00:00Z")  # not the teacher's commit
    assert found["sec.xss"] == (own, "2024-05-01T10:00:00Z")
    assert found["git.pull-request"] == (merge, "2024-05-04T10:00:00Z")
    # first-parent replay: the factory arrives on main with the merge
    assert found["pattern.factory"] == (merge, "2024-05-04T10:00:00Z")
    assert found["git.branch"] == (factory, "2024-05-02T10:00:00Z")
    xss = next(m for m in replay_history(str(fork), shipped).milestones if m.id == "sec.xss")
    assert xss.evidence == [("app.py", 9)]


def test_plain_merge_lone_upstream_and_a_one_class_builder_earn_none_of_them(
    tmp_path: Path, shipped: Roadmap
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "upstream", "https://github.com/teacher/shop.git")
    commit(
        repo, "2024-05-01T10:00:00Z", "Start",
        {"users.py": "class User:\n    pass\n\n\ndef new_user(admin=False):\n"
         "    if admin:\n        return User()\n    return User()\n"},
    )  # fmt: skip
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, "2024-05-02T10:00:00Z", "More", {"b.py": "B = 1\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, "2024-05-03T10:00:00Z", "Other", {"c.py": "C = 1\n"})
    git(repo, "merge", "-q", "--no-ff", "feature", "-m", "Merge branch 'feature'",
        when="2024-05-04T10:00:00Z")  # fmt: skip
    found = at(replay_history(str(repo), shipped))
    assert "git.merge" in found
    assert not {"git.pull-request", "git.upstream", "pattern.factory", "sec.xss"} & set(found)


def test_a_fork_whose_upstream_was_never_fetched_is_seen_by_head(
    tmp_path: Path, shipped: Roadmap
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2024-05-01T10:00:00Z", "Start", {"a.py": "A = 1\n"})
    head = commit(repo, "2024-05-02T10:00:00Z", "More", {"b.py": "B = 1\n"})
    git(repo, "remote", "add", "origin", "https://github.com/ada-learner/shop.git")
    git(repo, "remote", "add", "upstream", "https://github.com/teacher/shop.git")
    assert at(replay_history(str(repo), shipped))["git.upstream"] == (head, "2024-05-02T10:00:00Z")


SECRET = 'SECRET_KEY = "dev-only-not-for-production-8f2a"\n'
SILENCED = 'SECRET_KEY = "dev-only-not-for-production-8f2a"  # coach: ignore[RC501]\n'
FROM_ENV = 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n'


def test_silencing_a_security_lesson_in_a_commit_is_not_a_fix(
    tmp_path: Path, shipped: Roadmap
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2024-05-01T10:00:00Z", "Settings", {"config.py": SECRET})
    commit(repo, "2024-05-02T10:00:00Z", "Hush", {"config.py": SILENCED})
    fixed = commit(repo, "2024-05-03T10:00:00Z", "Secret from env", {"config.py": FROM_ENV})
    found = at(replay_history(str(repo), shipped))
    assert found["sec.lesson-fixed"] == (fixed, "2024-05-03T10:00:00Z")


def test_a_lesson_silenced_from_the_start_is_never_fixed(tmp_path: Path, shipped: Roadmap) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2024-05-01T10:00:00Z", "Settings", {"config.py": SILENCED})
    commit(repo, "2024-05-02T10:00:00Z", "Secret from env", {"config.py": FROM_ENV})
    assert "sec.lesson-fixed" not in at(replay_history(str(repo), shipped))
