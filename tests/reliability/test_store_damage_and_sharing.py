"""The store under stress from outside: a damaged or truncated file is moved aside (never
deleted) with a message saying where, and every command and the server go on with a new
store; two language servers on one store never record a milestone twice or lose one."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

from coach_runner import coach, isolated_env, run_cli, server_command

from roadmap_coach.progress.exports import render_jsonl
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.verify import verify_lines

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n'
TEST = "def test_adds():\n    assert 1 + 1 == 2\n"


def filled_store(path: Path, events: int = 300) -> bytes:
    """A real store with `events` events, closed (its WAL folded in); its bytes."""
    with Store(path, learner="ann") as store:
        for i in range(events):
            store.record_milestone(f"m.n{i}", "step", "T" * 200, "/ws", f"f{i}.py", i)
    return path.read_bytes()


def repo_of(root: Path) -> Path:
    """A Git repository holding the Flask app in one commit."""
    root.mkdir()
    (root / "app.py").write_text(APP)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root.parent)}
    who = ["-c", "user.name=Learner", "-c", "user.email=learner@example.com"]
    for args in (["init", "-q"], ["add", "app.py"], [*who, "commit", "-q", "-m", "app"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


def aside_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if ".corrupt-" in p.name)


def test_a_store_cut_short_anywhere_is_moved_aside_or_still_whole(tmp_path: Path) -> None:
    whole = filled_store(tmp_path / "whole.sqlite3")
    page = 4096
    cuts = sorted({0, 10, 16, 100, page - 1, page, 2 * page + 7, len(whole) // 2, len(whole) - 1})
    for cut in cuts:
        folder = tmp_path / f"cut{cut}"
        folder.mkdir()
        path = folder / "progress.sqlite3"
        path.write_bytes(whole[:cut])
        with Store(path, learner="ann") as store:
            moved = aside_files(folder)
            if store.notice is None:
                # still a database: what it holds is a whole, verifiable chain
                events = store.events()
                assert verify_lines(render_jsonl(events).splitlines(keepends=True)).ok
                assert cut in (0, len(whole)) or not moved
            else:
                assert "moved aside" in store.notice and str(moved[0]) in store.notice
                assert moved[0].read_bytes() == whole[:cut]  # kept, byte for byte
                assert store.events() == []
            # either way the store works now
            assert store.record_milestone("after.cut", "s", "t", "/ws", "a.py", 1)


def test_every_command_moves_a_damaged_store_aside_and_carries_on(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text(APP)
    data = tmp_path / "data"
    data.mkdir()
    store = data / "progress.sqlite3"
    env = isolated_env(tmp_path / "home", store)
    whole = filled_store(tmp_path / "source.sqlite3")
    damaged = {
        "scan": whole[: len(whole) // 2],
        "history": b"this is not a database at all\n" * 100,
        "export": whole[:100] + b"\x00" * 4096 + whole[4196:],
    }
    commands = {
        "scan": ["scan", ".", "--format", "json"],
        "history": ["history", str(repo_of(tmp_path / "repo")), "--record"],
        "export": ["export", "--format", "jsonl"],
    }
    for name, data_bytes in damaged.items():
        for old in data.iterdir():
            old.unlink()
        store.write_bytes(data_bytes)
        done = run_cli(*commands[name], cwd=root, env=env)
        assert "Traceback" not in done.stderr, done.stderr
        assert "moved aside" in done.stderr, (name, done.stderr)
        moved = aside_files(data)
        assert moved and moved[0].read_bytes() == data_bytes, name
        if name == "scan":
            assert done.returncode == 0 and json.loads(done.stdout)["milestones"]
        if name == "history":
            assert done.returncode == 0
        if name == "export":  # the fresh store holds nothing: said so, nothing written
            assert done.returncode == 1 and done.stdout == ""
            assert "holds no events" in done.stderr


async def test_the_server_moves_a_damaged_store_aside_says_so_and_keeps_recording(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text(APP)
    data = tmp_path / "data"
    data.mkdir()
    store = data / "progress.sqlite3"
    garbage = b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 2048
    store.write_bytes(garbage)
    env = isolated_env(tmp_path / "home", store)
    stderr = tmp_path / "server.stderr"
    async with coach(root, store, server=server_command(stderr), env=env) as session:
        session.open("app.py")
        await session.settled()
        await session.wait_for(
            "the message about the store",
            lambda: [m for m in session.client.messages if "moved aside" in m.message],
        )
        assert await session.hover("app.py", 5, 2) is not None
        assert "web.flask-route" in await session.achieved()
    moved = aside_files(data)
    assert moved and moved[0].read_bytes() == garbage
    with Store(store, learner="ann") as log:
        assert log.notice is None
        assert "web.flask-route" in {e.payload.get("id") for e in log.events()}
    assert "Traceback" not in stderr.read_text()


async def test_two_servers_on_one_store_never_duplicate_or_lose_a_milestone(
    tmp_path: Path,
) -> None:
    store = tmp_path / "data" / "progress.sqlite3"
    roots = []
    for name in ("window-a", "window-b"):
        root = tmp_path / name
        (root / "tests").mkdir(parents=True)
        (root / "app.py").write_text(APP)
        (root / "tests" / "test_app.py").write_text(TEST)
        roots.append(root)
    shutil.copy(roots[0] / "app.py", roots[1] / "views.py")
    env = isolated_env(tmp_path / "home", store)
    async with (
        coach(roots[0], store, env=env) as a,
        coach(roots[1], store, env=env) as b,
    ):
        for session in (a, b):
            for rel in ("app.py", "tests/test_app.py"):
                session.open(rel)
        seen = await asyncio.gather(a.stats(), b.stats())
        both = {m for stats in seen for m in stats["milestones"]}
        achieved = await asyncio.gather(a.achieved(), b.achieved())
    assert {"web.flask-route", "test.pytest-file"} <= both
    with Store(store) as log:
        events = log.events()
        recorded = [e.payload["id"] for e in events if e.kind == "milestone"]
    assert len(recorded) == len(set(recorded)), sorted(recorded)  # never twice
    assert both <= set(recorded)  # never lost
    assert achieved[0] == achieved[1] == set(recorded)  # both windows agree
    assert verify_lines(render_jsonl(events).splitlines(keepends=True)).ok
