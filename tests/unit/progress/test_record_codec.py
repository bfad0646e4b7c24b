"""The records cache's fingerprint covers every source a record depends on: a changed
analyser, roadmap loader or schema, or rule gives another fingerprint, under which no
record of the old one is returned."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from roadmap_coach.progress import record_codec
from roadmap_coach.progress.record_codec import SOURCE_PACKAGES, _source_digest, fingerprint
from roadmap_coach.progress.records_cache import open_records_cache
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.records import FileRecord


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_roadmap()[0])


def test_the_roadmap_loader_and_schema_are_part_of_the_fingerprint() -> None:
    assert "roadmap_coach.roadmap" in SOURCE_PACKAGES
    assert {"roadmap_coach.analysis", "roadmap_coach.rules"} <= set(SOURCE_PACKAGES)


def test_a_changed_source_file_changes_its_package_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "fingerprint_probe"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "schema.py").write_text("KINDS = ('call',)\n")
    (package / "notes.txt").write_text("not source")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        before = _source_digest("fingerprint_probe")
        (package / "notes.txt").write_text("still not source")
        assert _source_digest("fingerprint_probe") == before
        (package / "sub" / "schema.py").write_text("KINDS = ('call', 'import')\n")
        assert _source_digest("fingerprint_probe") != before
    finally:
        sys.modules.pop("fingerprint_probe", None)


def test_a_changed_roadmap_loader_invalidates_every_record(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "store.sqlite3")
    old = fingerprint(engine)
    record = FileRecord(path="app.py", kind="python", digest="d1", error=None, summary=None)
    with open_records_cache(store, old) as cache:  # type: ignore[union-attr]
        cache.put_many([("app.py", "d1", record, "k")])
        assert set(cache.get_many([("app.py", "d1")])) == {("app.py", "d1")}

    real = dict(record_codec._SOURCES) or {p: _source_digest(p) for p in SOURCE_PACKAGES}
    edited = {**real, "roadmap_coach.roadmap": "0123456789abcdef"}  # the loader was edited
    monkeypatch.setattr(record_codec, "_SOURCES", edited)
    new = fingerprint(engine)
    assert new != old
    with open_records_cache(store, new) as cache:  # type: ignore[union-attr]
        assert cache.get_many([("app.py", "d1")]) == {}
