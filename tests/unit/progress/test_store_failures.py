"""A damaged, locked or unwritable store is reported clearly and never crashes."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from roadmap_coach.progress.store import Store, StoreError


def _fill(path: Path, count: int) -> None:
    with Store(path, learner="ann") as store:
        for i in range(count):
            store.record_milestone(f"x.m{i}", "x", "t" * 200, "/ws", "a.py", i + 1)


def test_a_file_that_is_not_sqlite_is_moved_aside_and_a_new_store_started(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"this is not a database\n" * 50)
    with Store(store_path, learner="ann") as store:
        assert store.notice is not None
        assert "moved aside" in store.notice and "nothing was deleted" in store.notice
        assert store.record_milestone("basics.function", "python-basics", "Fn", "/ws", "a.py", 1)
    aside = list(store_path.parent.glob("progress.sqlite3.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == b"this is not a database\n" * 50
    assert str(aside[0]) in store.notice


def test_a_database_with_damaged_pages_is_moved_aside(store_path: Path) -> None:
    _fill(store_path, 300)
    original_size = store_path.stat().st_size
    with store_path.open("r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(os.urandom(4096 * 4))
    with Store(store_path, learner="ann") as store:
        assert store.notice and "damaged" in store.notice
        assert store.events() == []
    aside = list(store_path.parent.glob("progress.sqlite3.corrupt-*"))
    assert [p.stat().st_size for p in aside if not p.name.endswith(("-wal", "-shm"))] == [
        original_size
    ]


def test_a_healthy_store_has_no_notice(store_path: Path) -> None:
    _fill(store_path, 3)
    with Store(store_path, learner="ann") as store:
        assert store.notice is None
        assert len(store.events()) == 3
    assert not list(store_path.parent.glob("*.corrupt-*"))


def test_a_locked_store_waits_briefly_then_says_so(store_path: Path) -> None:
    _fill(store_path, 1)
    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(store_path, learner="ann", busy_timeout=0.3) as store:
            started = time.monotonic()
            with pytest.raises(StoreError, match="locked by another program"):
                store.record_milestone("basics.class", "python-basics", "C", "/ws", "a.py", 1)
            waited = time.monotonic() - started
            assert 0.25 <= waited < 3
            assert len(store.events()) == 1  # reading still works while another writes
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store(store_path, learner="ann") as store:
        assert store.record_milestone("basics.class", "python-basics", "C", "/ws", "a.py", 1)


def test_an_unwritable_location_raises_a_store_error_with_advice(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError) as raised:
        Store(blocker / "progress.sqlite3", learner="ann")
    assert "storePath" in str(raised.value) and "ROADMAP_COACH_STORE" in str(raised.value)


def test_a_closed_store_raises_store_error_not_a_crash(store: Store) -> None:
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.events()
