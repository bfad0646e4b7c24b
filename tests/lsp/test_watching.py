"""Changes made outside the editor: a branch created in a terminal, files written by
other tools. Watched through the client when it can, polled when it cannot."""

from __future__ import annotations

from pathlib import Path

from lsp_client import Coach, coach, git
from lsprotocol import types

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'


def _repo(root: Path) -> None:
    (root / "app.py").write_text(APP)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "app.py")
    git(root, "commit", "-q", "-m", "first")


def _watched(session: Coach, *changes: tuple[str, types.FileChangeType]) -> None:
    events = [types.FileEvent(uri=session.uri(rel), type=kind) for rel, kind in changes]
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=events)
    )


async def test_a_branch_created_in_a_terminal_becomes_a_milestone(
    workspace: Path, store: Path
) -> None:
    _repo(workspace)
    async with coach(workspace, store, editor="visual-studio-code", rich=True) as session:
        await session.wait_for(
            "git.first-commit",
            lambda: [m for m in session.milestones if m["id"] == "git.first-commit"],
        )
        assert not [m for m in session.milestones if m["id"] == "git.branch"]
        git(workspace, "checkout", "-q", "-b", "feature")
        _watched(
            session,
            (".git/HEAD", types.FileChangeType.Changed),
            (".git/refs/heads/feature", types.FileChangeType.Created),
        )
        note = await session.wait_for(
            "git.branch", lambda: [m for m in session.milestones if m["id"] == "git.branch"]
        )
        assert note[0]["evidence"] is None and note[0]["title"] == "A branch"


async def test_without_client_watching_the_server_notices_a_new_branch(
    workspace: Path, store: Path
) -> None:
    _repo(workspace)
    async with coach(workspace, store) as session:  # Neovim 0.7: no dynamic file watching
        stats = await session.settled()
        assert stats["watching"] is False and stats["watchMode"] == "server"
        await session.wait_for(
            "the first commit",
            lambda: [m for m in session.client.messages if "git.first-commit" in m.message],
        )
        git(workspace, "checkout", "-q", "-b", "feature")
        await session.wait_for(
            "git.branch", lambda: [m for m in session.client.messages if "git.branch" in m.message]
        )


async def test_files_written_by_other_tools_are_analysed_and_deletions_retract_nothing(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, editor="visual-studio-code") as session:
        await session.wait_for(
            "the scan",
            lambda: [m for m in session.client.messages if "web.flask-route" in m.message],
        )
        (workspace / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["python", "app.py"]\n')
        _watched(session, ("Dockerfile", types.FileChangeType.Created))
        await session.wait_for(
            "deploy.dockerfile",
            lambda: [m for m in session.client.messages if "deploy.dockerfile" in m.message],
        )
        (workspace / "app.py").unlink()
        _watched(session, ("app.py", types.FileChangeType.Deleted))
        stats = await session.wait_stats(
            "the deletion", lambda s: "web.flask-route" not in s["milestones"]
        )
        assert stats["files"] == 1  # the code is gone …
        assert "web.flask-route" in await session.achieved()  # … the milestone is not


async def test_a_template_created_later_completes_the_render_template_milestone(
    workspace: Path, store: Path
) -> None:
    app = APP.replace("from flask import Flask", "from flask import Flask, render_template")
    app = app.replace('return "hello"', 'return render_template("index.html")')
    (workspace / "app.py").write_text(app)
    async with coach(
        workspace, store, editor="visual-studio-code", init_options={"debounceMs": 0}
    ) as session:
        session.open("app.py")
        stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert "web.flask-route" in stats["milestones"]
        assert "web.flask-template" not in stats["milestones"]  # no template yet
        (workspace / "templates").mkdir()
        (workspace / "templates" / "index.html").write_text("<h1>{{ title }}</h1>\n")
        _watched(session, ("templates/index.html", types.FileChangeType.Created))
        await session.wait_stats(
            "web.flask-template", lambda s: "web.flask-template" in s["milestones"]
        )
