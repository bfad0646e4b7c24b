"""The server's scan decodes every record for the session without the cyclic collector
walking them: decoded with it off, frozen out of its generations before it is on again."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

from roadmap_coach.lsp.features.scanning import _decode_for_the_session
from roadmap_coach.progress.evaluation import evaluate_workspace
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.records import FileRecord

FIXTURES = Path(__file__).parents[2] / "fixtures"


def test_records_decoded_for_the_session_leave_the_collector_nothing_to_walk(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "projects/django-polls", root)
    ws = evaluate_workspace(str(root), Engine(load_roadmap()[0]), workers=2)
    assert ws.counters.analysed == len(ws.kinds) > 10
    frozen_before = gc.get_freeze_count()
    try:
        _decode_for_the_session(ws)
        assert gc.isenabled()
        assert all(isinstance(r, FileRecord) for r in ws.records.values())
        assert len(ws.records) == len(ws.kinds)
        # every object the decoding made is out of the young generation: no pass pending
        assert gc.get_count()[0] < gc.get_threshold()[0]
        assert gc.get_freeze_count() - frozen_before >= len(ws.records)
    finally:
        gc.unfreeze()
