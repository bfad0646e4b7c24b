"""The store's promises: first achieved wins, the log is append-only and chained."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from roadmap_coach.progress.chain import GENESIS
from roadmap_coach.progress.database import ENV_STORE, default_store_path
from roadmap_coach.progress.store import Store


def _route(store: Store, line: int = 3, **extra: object) -> bool:
    return store.record_milestone(
        "web.flask-route",
        "web-frameworks",
        "Your first Flask route",
        "/ws",
        "app.py",
        line,
        **extra,
    )


def test_first_achievement_wins_and_later_ones_change_nothing(store: Store) -> None:
    assert _route(store, line=3, commit="abc123") is True
    assert _route(store, line=40) is False
    record = store.achieved()["web.flask-route"]
    assert (record.path, record.line, record.commit) == ("app.py", 3, "abc123")
    assert [e.kind for e in store.events()] == ["milestone"]


def test_milestone_event_carries_where_and_when(store: Store) -> None:
    _route(store, commit="deadbeef", time="2024-05-01T11:30:00+02:00")
    event = store.events()[0]
    assert event.time == "2024-05-01T09:30:00Z"
    assert event.learner == "ann"
    assert event.workspace == "/ws"
    assert event.payload == {
        "id": "web.flask-route",
        "step": "web-frameworks",
        "title": "Your first Flask route",
        "path": "app.py",
        "line": 3,
        "commit": "deadbeef",
    }


def test_each_event_hashes_its_fields_and_the_previous_hash(store: Store) -> None:
    _route(store)
    store.record_milestone("basics.function", "python-basics", "Fn", "/ws", "a.py", 1)
    first, second = store.events()
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    for event in (first, second):
        body = {k: v for k, v in event.as_dict().items() if k != "hash"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert hashlib.sha256(canonical.encode()).hexdigest() == event.hash
    assert store.head() == (2, second.hash)


def test_the_database_refuses_to_edit_or_delete_events(store: Store, store_path: Path) -> None:
    _route(store)
    raw = sqlite3.connect(store_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE events SET learner = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM events")
    raw.close()


def test_progress_is_per_learner_and_follows_them_across_workspaces(store_path: Path) -> None:
    with Store(store_path, learner="ann") as ann:
        ann.record_milestone("basics.function", "python-basics", "Fn", "/one", "a.py", 1)
        assert not ann.record_milestone("basics.function", "python-basics", "Fn", "/two", "b.py", 1)
        assert ann.record_milestone(
            "basics.function", "python-basics", "Fn", "/two", "b.py", 1, learner="bob"
        )
        assert set(ann.achieved(workspace="/one")) == {"basics.function"}
        assert ann.achieved(workspace="/two") == {}
        assert ann.achieved(learner="bob")["basics.function"].workspace == "/two"


def test_reset_starts_over_but_keeps_the_log(store: Store) -> None:
    _route(store)
    with pytest.raises(ValueError):
        store.reset()
    store.reset(confirm=True)
    assert store.achieved() == {}
    assert _route(store, line=9) is True
    assert [e.kind for e in store.events()] == ["milestone", "reset", "milestone"]
    assert store.achieved()["web.flask-route"].line == 9


def test_an_open_lesson_is_logged_once_however_often_it_is_reported(store: Store) -> None:
    assert store.record_lesson("lesson-shown", "RC501", "/ws", "config.py", 4) is True
    for _ in range(5):
        assert store.record_lesson("lesson-shown", "RC501", "/ws", "config.py", 4) is False
    for _ in range(3):
        store.sync_lessons("/ws", "config.py", [("RC501", 4)])
    assert [e.kind for e in store.events()] == ["lesson-shown"]


def test_a_lesson_that_moves_lines_is_the_same_lesson(store: Store) -> None:
    store.sync_lessons("/ws", "db.py", [("RC301", 10), ("RC501", 2)])
    changes = store.sync_lessons("/ws", "db.py", [("RC301", 13), ("RC501", 5)])
    assert changes.shown == [] and changes.fixed == []
    assert sorted(store.open_lessons()) == [
        ("/ws", "db.py", "RC301", 13),
        ("/ws", "db.py", "RC501", 5),
    ]


def test_a_lesson_gone_from_its_file_is_logged_fixed_pointing_at_when_it_was_shown(
    store: Store,
) -> None:
    shown = store.sync_lessons("/ws", "db.py", [("RC301", 10), ("RC301", 20)]).shown
    changes = store.sync_lessons("/ws", "db.py", [("RC301", 22)])
    assert [e.payload["line"] for e in changes.fixed] == [10]
    assert changes.fixed[0].payload["shown"] == shown[0].seq
    assert store.open_lessons() == [("/ws", "db.py", "RC301", 22)]


def test_fixing_a_lesson_never_shown_logs_nothing(store: Store) -> None:
    assert store.record_lesson("lesson-fixed", "RC301", "/ws", "db.py", 3) is False
    assert store.events() == []
    with pytest.raises(ValueError):
        store.record_lesson("lesson-ignored", "RC301", "/ws", "db.py", 3)


def test_progress_survives_reopening(store_path: Path) -> None:
    with Store(store_path, learner="ann") as first:
        _route(first)
    with Store(store_path, learner="ann") as again:
        assert set(again.achieved()) == {"web.flask-route"}
        assert again.notice is None


def test_store_path_explicit_beats_env_beats_platform_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_STORE, raising=False)
    default = default_store_path()
    assert default.name == "progress.sqlite3" and "roadmap-coach" in str(default)
    monkeypatch.setenv(ENV_STORE, str(tmp_path / "env.sqlite3"))
    assert default_store_path() == tmp_path / "env.sqlite3"
    with Store(learner="ann") as from_env:
        assert from_env.path == tmp_path / "env.sqlite3"
    with Store(tmp_path / "flag.sqlite3", learner="ann") as explicit:
        assert explicit.path == tmp_path / "flag.sqlite3"
    assert (tmp_path / "env.sqlite3").exists() and (tmp_path / "flag.sqlite3").exists()
