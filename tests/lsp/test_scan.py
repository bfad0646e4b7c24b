"""The initial scan: in the background with `$/progress`, cancellable, and never brought
down by a file it cannot analyse."""

from __future__ import annotations

from pathlib import Path

from lsp_client import coach
from lsprotocol import types

TEST_FILE = "def test_adds():\n    assert 1 + 1 == 2\n"
APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'


def _kinds(session) -> list[tuple[str, object]]:
    return [
        (type(v).__name__, v)
        for reports in session.client.progress_reports.values()
        for v in reports
    ]


async def test_the_scan_reports_progress_and_finds_files_nobody_opened(
    workspace: Path, store: Path
) -> None:
    (workspace / "tests").mkdir()
    (workspace / "tests" / "test_app.py").write_text(TEST_FILE)
    (workspace / "requirements.txt").write_text("flask==3.0.3\n")
    async with coach(workspace, store, rich=True) as session:
        await session.wait_for(
            "test.pytest-file",
            lambda: [m for m in session.milestones if m["id"] == "test.pytest-file"],
        )
        await session.wait_for(
            "the end of the scan",
            lambda: any(k == "WorkDoneProgressEnd" for k, _ in _kinds(session)),
        )
        begin = next(v for k, v in _kinds(session) if k == "WorkDoneProgressBegin")
        end = next(v for k, v in _kinds(session) if k == "WorkDoneProgressEnd")
        assert begin.cancellable is True and "scanning" in begin.title
        assert end.message is not None and end.message.startswith("2 files")
        assert {"deps.requirements", "deps.pinned"} <= set((await session.stats())["milestones"])


async def test_the_scan_can_be_cancelled_from_the_editor(workspace: Path, store: Path) -> None:
    for index in range(800):
        (workspace / f"module_{index}.py").write_text(f"def f{index}(x):\n    return x + {index}\n")
    async with coach(workspace, store) as session:
        token = await session.wait_for(
            "the progress token", lambda: next(iter(session.client.progress_reports), None)
        )
        session.client.window_work_done_progress_cancel(
            types.WorkDoneProgressCancelParams(token=token)
        )
        await session.wait_for(
            "the end of the scan",
            lambda: any(k == "WorkDoneProgressEnd" for k, _ in _kinds(session)),
        )
        end = next(v for k, v in _kinds(session) if k == "WorkDoneProgressEnd")
        assert end.message == "scan cancelled"
        stats = await session.stats()
        assert stats["scan"] == "cancelled" and stats["files"] < 800
        assert await session.hover("module_1.py", 0, 0) is None  # still answering


async def test_binary_and_oversized_files_never_crash_the_server(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    (workspace / "blob.py").write_bytes(b"\x00\x01\x02binary\xff\xfe" * 100)
    (workspace / "huge.py").write_text("x = 1\n" * 360_000)  # 2.2 MB: over the 2 MiB limit
    (workspace / "latin.py").write_bytes(
        "# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n".encode("latin-1")
    )
    async with coach(workspace, store) as session:
        await session.wait_for(
            "the scan",
            lambda: [m for m in session.client.messages if "Your first Flask route" in m.message],
        )
        session.open("blob.py", "\x00\x01binary\ufffd" * 50)
        session.open("huge.py", "y = 2\n" * 360_000)
        stats = await session.wait_stats("the scan", lambda s: s["scan"] != "")
        assert stats["skippedLarge"] == 1 and "web.flask-route" in stats["milestones"]
        assert await session.hover("app.py", 5, 2) is not None
