"""One definition of done and one ranked next step (progress.next_up), on the shipped
roadmap: what every surface shows."""

from __future__ import annotations

import pytest

from roadmap_coach.progress.next_up import OpenLesson, next_up, step_progress, steps_complete
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap


@pytest.fixture(scope="module")
def roadmap() -> Roadmap:
    return load_roadmap()[0]


def state(roadmap: Roadmap, achieved: set[str], step: str) -> str:
    return next(p.state for p in step_progress(roadmap, achieved) if p.step.id == step)


def test_a_step_is_started_by_any_checkpoint_and_complete_with_its_core_ones(
    roadmap: Roadmap,
) -> None:
    assert state(roadmap, set(), "web-frameworks") == "not-started"
    assert state(roadmap, {"web.django-view"}, "web-frameworks") == "started"  # not core
    core = {c.id for c in roadmap.checkpoints if c.step == "web-frameworks" and roadmap.is_core(c)}
    assert core and len(core) < 8  # the shipped step marks its main path
    assert state(roadmap, core, "web-frameworks") == "complete"
    assert state(roadmap, core - {next(iter(core))}, "web-frameworks") == "started"
    assert steps_complete(step_progress(roadmap, core)) == 1


def test_an_open_security_lesson_comes_first(roadmap: Roadmap) -> None:
    lessons = [
        OpenLesson("RC301", "SQL built from values", "db.py", 26),
        OpenLesson("RC302", "Other", "app.py", 3),
    ]
    ranked = next_up(roadmap, {"web.flask-route"}, ["web.flask-route"], lessons)
    assert ranked[0].kind == "lesson" and ranked[0].id == "RC302"  # first by path and line
    assert ranked[0].title == "Fix the warning at app.py:3: Other"
    assert [i.kind for i in ranked].count("lesson") == 1 and len(ranked) == 3


def test_then_the_next_of_the_latest_milestone_then_the_current_steps_core(
    roadmap: Roadmap,
) -> None:
    achieved = {"basics.function", "web.flask-route"}
    ranked = next_up(roadmap, achieved, ["web.flask-route", "basics.function"])
    route = roadmap.checkpoint("web.flask-route")
    assert route is not None
    assert [i.id for i in ranked[:2]] == list(route.next)[:2]
    assert [i.reason for i in ranked[:2]] == ["after-milestone", "after-milestone"]
    # the current step is the latest milestone's (web frameworks), not python basics
    ranked = next_up(roadmap, achieved | set(route.next), ["web.flask-route"])
    assert ranked and all(i.reason == "current-step" for i in ranked)
    assert all(i.step == "web-frameworks" for i in ranked)
    assert "basics.lambda" not in {i.id for i in ranked}


def test_at_most_three_no_duplicates_nothing_achieved(roadmap: Roadmap) -> None:
    achieved = {"basics.function"}
    ranked = next_up(roadmap, achieved, ["basics.function"])
    ids = [i.id for i in ranked]
    assert len(ids) == 3 and len(set(ids)) == 3 and not set(ids) & achieved
    # a brand-new learner: the first step's core checkpoints
    fresh = next_up(roadmap, set(), [])
    assert [i.step for i in fresh] == ["python-basics"] * 3
    assert fresh[0].id == "basics.function"


def test_when_everything_core_is_done_and_no_lesson_is_open_nothing_is_suggested(
    roadmap: Roadmap,
) -> None:
    everything = {c.id for c in roadmap.checkpoints}
    assert next_up(roadmap, everything, ["git.merge"]) == []
