"""Typing fast: the garbage collector waits for the pause, like the checkpoints, and
never stays held after it (or once too much piled up meanwhile)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from roadmap_coach.lsp.held_collection import HeldCollection
from roadmap_coach.lsp.pipeline import Pipeline

APP = b"from flask import Flask\n\napp = Flask(__name__)\n"


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()
        else:
            gc.enable()


def test_held_until_released() -> None:
    held = HeldCollection()
    held.hold()
    held.hold()
    assert not gc.isenabled() and held.holds == 2
    held.release()
    assert gc.isenabled() and not held.held


def test_a_collector_held_by_someone_else_is_left_to_them() -> None:
    held = HeldCollection()
    gc.disable()
    held.hold()
    assert not held.held and held.holds == 0
    held.release()
    assert not gc.isenabled()  # still theirs to switch back on


def test_a_burst_that_piles_up_objects_lets_the_collector_run() -> None:
    held = HeldCollection(limit=1_000)
    held.hold()
    kept = [[] for _ in range(5_000)]  # containers the collector tracks
    held.hold()
    assert gc.isenabled() and not held.held and held.holds == 1
    del kept


async def test_held_while_typing_and_released_when_typing_pauses() -> None:
    pipeline = Pipeline()
    pipeline.held.pause_s = 0.1
    state = pipeline.state
    try:
        for index in range(5):
            text = APP + b"x = %d\n" % index
            await pipeline.update(
                lambda t=text: state.put("app.py", t), trigger="app.py", hold=True
            )
            assert not gc.isenabled()
        assert pipeline.collection.holds == 5
        await asyncio.sleep(0.4)  # the pause: checkpoints evaluated, collector back on
        assert gc.isenabled() and pipeline.stats["updates"] == 1
        await pipeline.update(lambda: state.put("app.py", APP), trigger="app.py", hold=True)
        await pipeline.update()  # not typing: what was held goes first, the collector too
        assert gc.isenabled()
    finally:
        pipeline.close()
    assert gc.isenabled()
