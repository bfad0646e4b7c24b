"""The progress log survives its writer being killed at any moment.

A recording process is SIGKILLed at random points hundreds of times (one or two writers
at once, while opening, appending, pairing lessons or filling the facts cache). After
all of it: every event a writer saw committed is there exactly once, no milestone is
recorded twice, the indexes agree with the log, SQLite's own integrity check passes,
the store opens without being taken for damaged, and the exported chain verifies.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from coach_runner import isolated_env, run_cli
from fuzz_budget import budget

from roadmap_coach.progress.exports import render_jsonl
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.verify import verify_lines

RECORDER = Path(__file__).with_name("recorder.py")
MAX_DELAY_S = 0.03


class Recorders:
    """The fork server of recorder.py: `start()` a recording child, `kill()` it."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(RECORDER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.live: set[int] = set()

    def _ask(self, line: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def start(self, store: Path, run: int, log: Path, at: float | None = None) -> int:
        when = "" if at is None else f" {at}"
        pid = int(self._ask(f"fork {store} {run} {log}{when}"))
        self.live.add(pid)
        return pid

    def kill(self, pid: int) -> int:
        """SIGKILL the child; its wait status."""
        os.kill(pid, signal.SIGKILL)
        self.live.discard(pid)
        return int(self._ask(f"wait {pid}"))

    def close(self) -> None:
        for pid in list(self.live):  # a failed test left it running
            self.kill(pid)
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def recorders() -> Iterator[Recorders]:
    server = Recorders()
    try:
        yield server
    finally:
        server.close()


def kill_repeatedly(
    recorders: Recorders, store: Path, logs: Path, rounds: int, rng: random.Random
) -> Counter[str]:
    """`rounds` rounds of: start one or two writers, SIGKILL each at a random moment."""
    stats: Counter[str] = Counter()
    logs.mkdir(exist_ok=True)
    run = 0
    for _ in range(rounds):
        pids = []
        for _ in range(2 if rng.random() < 0.3 else 1):
            run += 1
            pids.append(recorders.start(store, run, logs / f"{run}.log"))
        if rng.random() < 0.7:
            # most kills land while it works: after the store is open
            wait_for_open(logs / f"{run}.log")
        for pid in pids:
            time.sleep(rng.uniform(0, MAX_DELAY_S))
            status = recorders.kill(pid)
            if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
                raise AssertionError(f"writer ended by itself ({status}): {logs_of(logs)}")
            stats["kills"] += 1
    return stats


def logs_of(logs: Path) -> str:
    return "; ".join(
        f"{log.name}: {log.read_text()[-300:]!r}" for log in sorted(logs.iterdir())[-3:]
    )


def wait_for_open(log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text() if log.exists() else ""
        assert "ERROR" not in text, text
        if "open\n" in text:
            return
        time.sleep(0.001)
    raise AssertionError(f"the writer never opened the store: {log}")


def committed(logs: Path) -> tuple[list[list[str]], Counter[str]]:
    """Every store call the writers saw return, and how far each writer got."""
    lines: list[list[str]] = []
    reached: Counter[str] = Counter()
    for log in logs.iterdir():
        entries = log.read_text().splitlines()
        assert not any(e.startswith("ERROR") for e in entries), entries
        if "open" not in entries:
            reached["killed before the store was open"] += 1
        elif len(entries) == 2:
            reached["killed before its first commit"] += 1
        else:
            reached["killed after committing"] += 1
        # the line being written when the kill came may be cut short
        lines += [e.split() for e in entries[2:] if e.count(" ") >= 1]
    return lines, reached


def check_store(store_path: Path, lines: list[list[str]]) -> dict[str, int]:
    """Nothing committed is lost, nothing is doubled, the chain and SQLite are whole."""
    with Store(store_path, learner="ann") as store:
        assert store.notice is None, store.notice  # never taken for a damaged store
        events = store.events()
        achieved = store.achieved()
        open_lessons = store.open_lessons()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    result = verify_lines(render_jsonl(events).splitlines(keepends=True))
    assert result.ok, result
    milestone_events = Counter(e.payload["id"] for e in events if e.kind == "milestone")
    assert max(milestone_events.values(), default=1) == 1, milestone_events.most_common(3)
    assert set(achieved) == set(milestone_events)
    by_seq = {e.seq: e for e in events}
    for mid, record in achieved.items():
        assert by_seq[record.seq].payload["id"] == mid
    shown = {
        (e.workspace, e.payload["path"], e.payload["line"])
        for e in events
        if e.kind == "lesson-shown"
    }
    wins: Counter[str] = Counter()
    for entry in lines:
        kind = entry[0]
        if kind in ("M", "S") and len(entry) == 3 and entry[2] == "1":
            assert entry[1] in achieved, f"committed milestone {entry[1]} was lost"
            wins[entry[1]] += 1
        elif kind == "L" and len(entry) == 5 and entry[4] == "1":
            assert (entry[1], entry[2], int(entry[3])) in shown, f"lost lesson {entry}"
    assert max(wins.values(), default=1) == 1, wins.most_common(3)
    for workspace, path, code, line in open_lessons:
        assert code == "RC501" and path.endswith(".py") and line >= 0 and workspace
    with sqlite3.connect(store_path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return {
        "events": len(events),
        "milestones": len(achieved),
        "committed calls seen": len(lines),
    }


def test_sigkilled_writers_lose_and_corrupt_nothing_that_was_committed(
    recorders: Recorders, tmp_path: Path
) -> None:
    store = tmp_path / "data" / "progress.sqlite3"
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    started = time.monotonic()
    stats = kill_repeatedly(recorders, store, tmp_path / "logs", budget(120, 1_500), rng)
    lines, reached = committed(tmp_path / "logs")
    figures = check_store(store, lines)
    assert reached["killed after committing"] > 0  # the kills did land mid-work
    # The exported file verifies with the CLI a mentor uses.
    env = isolated_env(tmp_path / "home", store)
    exported = tmp_path / "log.jsonl"
    done = run_cli("export", "--store", str(store), "-o", str(exported), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    verified = run_cli("verify", str(exported), "--format", "json", cwd=tmp_path, env=env)
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True
    print(  # the figures docs/RELIABILITY.md quotes (pytest -s shows them)
        f"crash-safety: {stats['kills']} SIGKILLs in {time.monotonic() - started:.1f}s; "
        f"{dict(reached)}; {figures}; store {store.stat().st_size} bytes"
    )


def test_a_store_killed_while_it_is_being_created_opens_afterwards(
    recorders: Recorders, tmp_path: Path
) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    for attempt in range(budget(20, 300)):
        store = tmp_path / f"fresh{attempt}" / "progress.sqlite3"
        pid = recorders.start(store, attempt, tmp_path / f"fresh{attempt}.log")
        time.sleep(rng.uniform(0, 0.01))
        recorders.kill(pid)
        lines, _reached = committed_one(tmp_path / f"fresh{attempt}.log")
        check_store(store, lines)


def committed_one(log: Path) -> tuple[list[list[str]], Counter[str]]:
    folder = log.parent / (log.stem + "-logs")
    folder.mkdir()
    if log.exists():  # a writer killed right after the fork never opened it
        log.rename(folder / log.name)
    return committed(folder)


def test_windows_opening_a_brand_new_store_together_all_get_it(
    recorders: Recorders, tmp_path: Path
) -> None:
    """Six writers open a store that does not exist yet at the same instant (editor
    windows starting together); none may be told the store is locked."""
    for attempt in range(budget(30, 400)):
        folder = tmp_path / f"new{attempt}"
        folder.mkdir()
        logs = [folder / f"{n}.log" for n in range(6)]
        at = time.time() + 0.05
        pids = [
            recorders.start(folder / "progress.sqlite3", n, log, at) for n, log in enumerate(logs)
        ]
        for log in logs:
            wait_for_open(log)
        for pid in pids:
            recorders.kill(pid)
