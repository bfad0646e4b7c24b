"""The server announces the newer checkpoints at the line a mentor would point at:
output escaped against XSS, a factory, a merged pull request and a fork."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsp_client import coach, git

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _by_id(milestones: list[dict], cid: str) -> dict | None:
    return next((m for m in milestones if m["id"] == cid), None)


async def test_escaping_a_factory_a_pull_request_and_a_fork_are_announced(
    workspace: Path, store: Path
) -> None:
    shutil.copytree(FIXTURES / "security" / "guestbook", workspace, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "patterns" / "notifier-factory", workspace, dirs_exist_ok=True)
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "Guestbook and notifications")
    git(workspace, "checkout", "-q", "-b", "feature")
    (workspace / "NOTES.md").write_text("ideas\n")
    git(workspace, "add", "NOTES.md")
    git(workspace, "commit", "-q", "-m", "Notes")
    git(workspace, "checkout", "-q", "main")
    git(
        workspace,
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge pull request #12 from ada/feature",
    )
    git(workspace, "remote", "add", "origin", "https://github.com/ada-learner/guestbook.git")
    git(workspace, "remote", "add", "upstream", "https://github.com/teacher/guestbook.git")
    async with coach(workspace, store, rich=True) as session:
        wanted = ("sec.xss", "pattern.factory", "git.pull-request", "git.upstream")
        await session.wait_for(
            "the four milestones",
            lambda: all(_by_id(session.milestones, cid) for cid in wanted),
        )
        xss = _by_id(session.milestones, "sec.xss")
        assert xss["evidence"]["uri"] == session.uri("deploy/nginx.conf")
        assert xss["evidence"]["range"]["start"]["line"] == 7  # 0-based: line 8
        factory = _by_id(session.milestones, "pattern.factory")
        assert factory["evidence"]["uri"] == session.uri("notify/factory.py")
        assert factory["evidence"]["range"]["start"]["line"] == 5  # def make_sender (line 6)
        assert _by_id(session.milestones, "git.pull-request")["evidence"] is None
        assert _by_id(session.milestones, "git.upstream")["title"] == "Working on a fork"


async def test_lookalikes_are_not_announced(workspace: Path, store: Path) -> None:
    shutil.copytree(FIXTURES / "security" / "guestbook-lookalike", workspace, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "patterns" / "lookalike-factories", workspace, dirs_exist_ok=True)
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "Start")
    git(workspace, "remote", "add", "upstream", "https://github.com/teacher/guestbook.git")
    async with coach(workspace, store, rich=True) as session:
        await session.wait_for(
            "the scan", lambda: _by_id(session.milestones, "pattern.app-factory")
        )
        await session.wait_for("git.remote", lambda: _by_id(session.milestones, "git.remote"))
        stats = await session.settled()
        ids = {m["id"] for m in session.milestones}
        assert not {"sec.xss", "pattern.factory", "git.pull-request", "git.upstream"} & ids
        assert not {"sec.xss", "pattern.factory", "git.upstream"} & set(stats["milestones"])
