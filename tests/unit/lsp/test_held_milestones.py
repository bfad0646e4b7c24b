"""Typing fast: each keystroke's lessons go out at once, the checkpoints are evaluated
once the typing pauses (or when a request or another change needs them), for every
change that was held, with the newest lessons of each file."""

from __future__ import annotations

import asyncio

from roadmap_coach.lsp.held_milestones import Held, HeldMilestones, merge
from roadmap_coach.lsp.pipeline import Outcome, Pipeline
from roadmap_coach.lsp.workspace_state import Delta

APP = b"from flask import Flask\n\napp = Flask(__name__)\n"
ROUTE = b'\n\n@app.route("/about")\ndef about():\n    return "about"\n'


def test_merged_deltas_keep_the_newest_lessons_of_each_path() -> None:
    older = Delta(True, {"a.py": [], "b.py": []}, {"a.py": []})
    newer = Delta(False, {"b.py": []}, {"c.py": []})
    merged = merge(older, newer)
    assert merged.milestones_changed
    assert (
        set(merged.lessons) == {"a.py", "b.py"} and merged.lessons["b.py"] is newer.lessons["b.py"]
    )
    assert set(merged.silenced) == {"a.py", "c.py"}


async def test_a_burst_is_evaluated_once_after_the_pause() -> None:
    evaluated: list[Held] = []

    async def evaluate(held: Held) -> None:
        evaluated.append(held)

    held = HeldMilestones(evaluate, pause_s=0.05)
    for version in range(2, 7):
        held.hold(Delta(lessons={"app.py": []}), False, "app.py", {"app.py": version})
        await asyncio.sleep(0.01)  # faster than the pause
    assert evaluated == []
    await asyncio.sleep(0.15)
    assert len(evaluated) == 1 and held.holds == 5 and held.evaluations == 1
    assert evaluated[0].versions == {"app.py": 6} and evaluated[0].trigger == "app.py"
    await held.flush()  # nothing is held any more
    assert len(evaluated) == 1


async def test_a_request_evaluates_what_is_held_at_once() -> None:
    evaluated: list[Held] = []

    async def evaluate(held: Held) -> None:
        evaluated.append(held)

    held = HeldMilestones(evaluate, pause_s=10)
    held.hold(Delta(), True, "app.py", {})
    await held.flush()
    assert len(evaluated) == 1 and evaluated[0].force
    held.cancel()


async def test_held_updates_publish_lessons_each_time_and_milestones_after_a_pause() -> None:
    pipeline = Pipeline()
    pipeline.held.pause_s = 0.1
    lessons: list[int] = []
    outcomes: list[Outcome] = []
    pipeline.listen.lessons.append(lambda delta, trigger, versions: lessons.append(1))
    pipeline.listen.milestones.append(outcomes.append)
    state = pipeline.state
    try:
        text = APP
        for index in range(len(ROUTE)):  # typed one character at a time
            text = APP + ROUTE[: index + 1]
            await pipeline.update(
                lambda t=text: state.put("app.py", t), trigger="app.py", hold=True
            )
        assert len(lessons) == len(ROUTE) and outcomes == []
        assert pipeline.stats["updates"] == 0  # no checkpoint evaluated while typing
        await asyncio.sleep(0.4)
        assert pipeline.stats["updates"] == 1 and len(outcomes) == 1
        assert "web.flask-route" in {m.id for m in state.milestones}
        # a change that is not typing first evaluates what typing held back, then itself
        await pipeline.update(lambda: state.put("app.py", APP), trigger="app.py", hold=True)
        await pipeline.update()
        assert pipeline.stats["updates"] == 3 and pipeline.held.pending is None
        assert "web.flask-route" not in {m.id for m in state.milestones}
    finally:
        pipeline.close()


async def test_a_request_waits_for_the_evaluation_the_pause_started() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    done: list[Held] = []

    async def evaluate(held: Held) -> None:
        started.set()
        await release.wait()
        done.append(held)

    held = HeldMilestones(evaluate, pause_s=0.01)
    held.hold(Delta(), False, "app.py", {})
    await started.wait()  # the pause came: the evaluation runs, nothing is held
    assert held.pending is None
    flushing = asyncio.ensure_future(held.flush())
    await asyncio.sleep(0.05)
    assert not flushing.done()  # the request's answer waits for that evaluation
    release.set()
    await flushing
    assert len(done) == 1
