"""The coach reads the learner's workspace and never runs it: not its Python files
(conftest.py, setup.py, manage.py, __init__.py, a build backend), not its startup hooks
(sitecustomize.py, .pth files), not modules named like the coach's own imports, and not
the programs its Git repository names (hooks, fsmonitor, merge drivers, filters, gpg …).
Every trap writes a marker file when run; after scan, history, export and a language
server session there must be none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from coach_runner import coach, isolated_env, run_cli, server_command
from trap_workspaces import markers_set_off, plant_code_traps, plant_git_traps


@dataclass
class Trapped:
    root: Path
    markers: Path
    store: Path
    env: dict[str, str]
    out: Path


@pytest.fixture
def trapped(tmp_path: Path) -> Iterator[Trapped]:
    root = tmp_path / "ws"
    root.mkdir()
    store = tmp_path / "data" / "progress.sqlite3"
    env = isolated_env(tmp_path / "home", store)
    markers = tmp_path / "markers"
    plant_code_traps(root, markers)
    plant_git_traps(root, markers, env)
    assert markers_set_off(markers) == []  # building the traps set none off
    out = tmp_path / "out"
    out.mkdir()
    yield Trapped(root, markers, store, env, out)


def test_scan_history_export_and_report_run_nothing_from_the_workspace(trapped: Trapped) -> None:
    t = trapped
    scan = run_cli("scan", ".", "--format", "json", cwd=t.root, env=t.env)
    assert scan.returncode == 0, scan.stderr
    report = json.loads(scan.stdout)
    # The traps were read as code, not run: their Flask apps count.
    assert "web.flask-route" in {m["id"] for m in report["milestones"]}
    assert run_cli("scan", ".", cwd=t.root, env=t.env, via_module=False).returncode == 0
    history = run_cli("history", ".", "--record", "--format", "json", cwd=t.root, env=t.env)
    assert history.returncode == 0, history.stderr
    assert json.loads(history.stdout)["commits"] >= 3  # the first-parent line
    for fmt in ("jsonl", "md", "html"):
        done = run_cli(
            "export", "--format", fmt, "-o", str(t.out / f"log.{fmt}"), cwd=t.root, env=t.env
        )
        assert done.returncode == 0, done.stderr
    assert run_cli("verify", str(t.out / "log.jsonl"), cwd=t.root, env=t.env).returncode == 0
    cohort = run_cli(
        "report", str(t.out / "log.jsonl"), "-o", str(t.out / "cohort.html"), cwd=t.root, env=t.env
    )
    assert cohort.returncode == 0, cohort.stderr
    assert markers_set_off(t.markers) == []


async def test_a_language_server_session_runs_nothing_from_the_workspace(trapped: Trapped) -> None:
    t = trapped
    stderr = t.out / "server.stderr"
    async with coach(t.root, t.store, server=server_command(stderr), env=t.env) as session:
        for rel in ("manage.py", "conftest.py", "app/views.py", "setup.py"):
            session.open(rel)
        await session.settled()
        await session.hover("app/views.py", 3, 1)  # answered, whatever it says
        progress = await session.progress_now()
        assert progress["steps"]
        await session.command("roadmapCoach.recheck")
        await session.command(
            "roadmapCoach.exportProgress", {"format": "html", "path": str(t.out / "p.html")}
        )
        stats = await session.stats()
        assert "web.flask-route" in stats["milestones"]
    assert markers_set_off(t.markers) == []
    assert "Traceback" not in stderr.read_text()
