"""The worker pool of a cold scan: forked from a process with no other thread, this
process takes a share of the files; from a fork server (a language server's threads)
it only waits. Either way the JSON is the serial scan's, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from roadmap_coach.cli.scan import scan_report
from roadmap_coach.progress import record_workers
from roadmap_coach.roadmap.loader import load_roadmap

FIXTURES = Path(__file__).parents[2] / "fixtures"


def scan_json(root: Path, workers: int) -> str:
    report, _ = scan_report(str(root), load_roadmap()[0], use_cache=False, workers=workers)
    return json.dumps(report, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_each_start_method_gives_the_serial_json_and_shares_the_work_as_it_says(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if method not in record_workers.multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "projects" / "django-polls", root)
    expected = scan_json(root, workers=0)
    monkeypatch.setattr(record_workers, "_start_method", lambda: method)
    monkeypatch.setattr(record_workers, "_CHUNK_BYTES", 1)  # a file a chunk
    here: list[str] = []
    real = record_workers.Analyser.analyse

    def counted(self: record_workers.Analyser, job: record_workers.Job) -> object:
        here.append(job.path)  # only calls made in this process are seen here
        return real(self, job)

    monkeypatch.setattr(record_workers.Analyser, "analyse", counted)
    started: list[int] = []
    real_init = record_workers.Pool.__init__

    def init(self: record_workers.Pool, *args: object) -> None:
        real_init(self, *args)  # type: ignore[arg-type]
        started.append(len(self.procs))

    monkeypatch.setattr(record_workers.Pool, "__init__", init)
    assert scan_json(root, workers=3) == expected
    listed = sum(len(files) for _, _, files in os.walk(root))
    if method == "fork":
        assert started == [2]  # this process is the third
        assert 0 < len(here) < listed
    else:
        assert started == [3]
        assert here == []
