"""Records go into the cache and come back from the workers in one encoding
(`encode_record`, MessagePack typed by `FileRecord`): what is decoded equals what was
encoded, down to its repr (the workspace key digests reprs), and bytes of any other
kind are refused, never taken for a record."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from roadmap_coach.progress.evaluation import evaluate_workspace
from roadmap_coach.progress.records_cache import Row, decode_record, encode_record
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.records import FileRecord

FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture(scope="module")
def records() -> list[FileRecord]:
    engine = Engine(load_roadmap()[0])
    found: list[FileRecord] = []
    for project in ("projects/flaskr", "projects/django-polls", "tutorials/microblog"):
        ws = evaluate_workspace(str(FIXTURES / project), engine, workers=0)
        found += ws.records.values()
    return found


def test_every_record_comes_back_equal_with_the_same_repr(records: list[FileRecord]) -> None:
    assert len(records) > 30
    assert any(r.evidence for r in records) and any(r.lessons for r in records)
    assert any(r.slim is not None and r.slim.imports for r in records)
    for record in records:
        back = decode_record(encode_record(record))
        assert back == record
        assert repr(back) == repr(record)


def test_bytes_of_another_encoding_are_refused(records: list[FileRecord]) -> None:
    for blob in (pickle.dumps(records[0], protocol=5), b"", b"\x93\x01\x02\x03", b"garbage"):
        with pytest.raises(ValueError):
            decode_record(blob)
        assert Row(blob, "k").record() is None  # the cache makes such a record again
