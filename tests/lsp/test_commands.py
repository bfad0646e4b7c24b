"""`workspace/executeCommand`: recheck, exportProgress (a file the user named, never
inside .git or through a symlink) and resetProgress (only when confirmed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsp_client import coach
from pygls.exceptions import JsonRpcException

from roadmap_coach.progress.store import Store

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'


async def test_recheck_scans_again_and_finds_files_written_meanwhile(
    workspace: Path, store: Path
) -> None:
    async with coach(workspace, store) as session:
        await session.settled()
        (workspace / "Dockerfile").write_text(
            'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n'
        )
        result = await session.command("roadmapCoach.recheck")
        assert result["files"] == 1 and "deploy.dockerfile" in (await session.stats())["milestones"]


async def test_export_progress_writes_the_file_it_was_given(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store) as session:
        session.open("app.py")
        await session.settled()
        for fmt in ("jsonl", "md", "html"):
            target = tmp_path / f"progress.{fmt}"
            written = await session.command(
                "roadmapCoach.exportProgress", {"format": fmt, "path": str(target)}
            )
            assert written == str(target) and target.is_file()
        lines = [
            json.loads(line) for line in (tmp_path / "progress.jsonl").read_text().splitlines()
        ]
        assert any(e.get("payload", {}).get("id") == "web.flask-route" for e in lines)
        assert "Your first Flask route" in (tmp_path / "progress.md").read_text()


async def test_export_progress_refuses_git_folders_symlinks_and_relative_paths(
    workspace: Path, store: Path, tmp_path: Path
) -> None:
    (workspace / ".git").mkdir()
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    async with coach(workspace, store) as session:
        for bad in (
            workspace / ".git" / "progress.jsonl",
            tmp_path / "link" / "progress.jsonl",
            Path("progress.jsonl"),
        ):
            with pytest.raises(JsonRpcException, match=r"refusing|absolute"):
                await session.command(
                    "roadmapCoach.exportProgress", {"format": "jsonl", "path": str(bad)}
                )
        with pytest.raises(JsonRpcException, match="format"):
            await session.command(
                "roadmapCoach.exportProgress", {"format": "pdf", "path": str(tmp_path / "x.pdf")}
            )
    assert (
        not (workspace / ".git" / "progress.jsonl").exists()
        and not (real / "progress.jsonl").exists()
    )


async def test_reset_progress_refuses_without_confirm_and_starts_over_with_it(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, rich=True) as session:
        session.open("app.py")
        await session.wait_for("the milestone", lambda: session.milestones)
        await session.settled()
        with Store(store) as log:
            first = log.achieved()["web.flask-route"].seq
        for args in ((), ({},), ({"confirm": "yes"},)):
            with pytest.raises(JsonRpcException, match="confirm"):
                await session.command("roadmapCoach.resetProgress", *args)
        with Store(store) as log:
            assert log.achieved()["web.flask-route"].seq == first
        announced = len(session.milestones)
        assert (await session.command("roadmapCoach.resetProgress", {"confirm": True}))[
            "reset"
        ] is True
        # what the code still shows is found again, recorded after the reset
        await session.wait_for("the milestone again", lambda: len(session.milestones) > announced)
        with Store(store) as log:
            assert log.achieved()["web.flask-route"].seq > first
            assert [e.kind for e in log.events()].count("reset") == 1
