"""Two editor windows (two processes) write one store: nothing lost, nothing doubled."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from roadmap_coach.progress.exports import render_jsonl
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.verify import verify_lines

SHARED = [f"shared.m{i}" for i in range(15)]


def _writer(path: str, name: str, start: Any) -> list[str]:
    start.wait(10)
    won = []
    with Store(path, learner="ann", busy_timeout=10) as store:
        for index, mid in enumerate(SHARED):
            if store.record_milestone(mid, "x", mid, f"/ws-{name}", f"{name}.py", index + 1):
                won.append(mid)
            store.record_milestone(f"{name}.m{index}", "x", "own", f"/ws-{name}", "own.py", 1)
            store.record_lesson("lesson-shown", "RC501", "/ws", "shared.py", 3)
    return won


def test_two_processes_recording_at_once_lose_nothing_and_duplicate_nothing(
    store_path: Path,
) -> None:
    Store(store_path, learner="ann").close()  # create the schema once, like a first start
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(2) as pool:
            results = [pool.apply_async(_writer, (str(store_path), n, start)) for n in "AB"]
            start.set()
            won_a, won_b = (r.get(timeout=120) for r in results)
    assert sorted(won_a + won_b) == sorted(SHARED)  # each shared milestone won exactly once
    with Store(store_path, learner="ann") as store:
        achieved = store.achieved()
        events = store.events()
    expected = set(SHARED) | {f"{n}.m{i}" for n in "AB" for i in range(15)}
    assert set(achieved) == expected
    milestones = [e.payload["id"] for e in events if e.kind == "milestone"]
    assert sorted(milestones) == sorted(expected)
    assert [e.kind for e in events].count("lesson-shown") == 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert verify_lines(render_jsonl(events).splitlines(keepends=True)).ok
