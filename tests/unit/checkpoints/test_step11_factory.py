"""pattern.factory: a function or classmethod that picks one of several of the
learner's classes, by a condition or from a mapping, and returns the instance; the
application factory and a builder of one class are something else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from learner_projects import fixture, milestones, write

from roadmap_coach.cli import main

NOTIFY = fixture("patterns", "notifier-factory")
LOOKALIKES = fixture("patterns", "lookalike-factories")


def test_mapping_lookup_and_classmethod_choosing_a_subclass_are_factories() -> None:
    assert milestones(NOTIFY)["pattern.factory"] == [
        "notify/factory.py:6",  # SENDERS[channel] then sender_class(settings)
        "notify/reports.py:11",  # Report.for_format: CsvReport or JsonReport by `fmt`
    ]


def test_app_factory_one_class_builder_and_returning_a_class_are_not_factories() -> None:
    found = milestones(LOOKALIKES)
    assert "pattern.factory" not in found
    assert found["pattern.app-factory"] == ["shop/__init__.py:8"]  # that one is create_app


def test_scan_reports_the_factory(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(NOTIFY), "--format", "json", "--no-cache"]) == 0
    report = json.loads(capsys.readouterr().out)
    (factory,) = [m for m in report["milestones"] if m["id"] == "pattern.factory"]
    assert [(e["path"], e["line"]) for e in factory["evidence"]] == [
        ("notify/factory.py", 6),
        ("notify/reports.py", 11),
    ]


def test_local_bound_in_each_branch_and_a_class_level_registry_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "storage.py": "class DiskStore:\n    pass\n\n\nclass MemoryStore:\n    pass\n\n\n"
            "def open_store(url):\n"
            "    if url.startswith('file:'):\n        store = DiskStore()\n"
            "    else:\n        store = MemoryStore()\n    return store\n\n\n"
            "class Shapes:\n"
            "    _kinds = {'disk': DiskStore, 'memory': MemoryStore}\n\n"
            "    @classmethod\n    def build(cls, kind):\n"
            "        return cls._kinds.get(kind, MemoryStore)()\n",
        },
    )
    assert milestones(tmp_path)["pattern.factory"] == ["storage.py:9", "storage.py:21"]


def test_choosing_between_library_classes_or_in_a_test_is_not_the_learners_factory(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "views.py": "from flask import Flask, Response, jsonify\n\napp = Flask(__name__)\n\n\n"
            "@app.get('/ping')\ndef ping(fmt='json'):\n"
            "    if fmt == 'text':\n        return Response('pong')\n"
            "    return jsonify(ok=True)\n",
            "models.py": "class A:\n    pass\n\n\nclass B:\n    pass\n",
            "tests/test_models.py": "from models import A, B\n\n\n"
            "def make(flag):\n    if flag:\n        return A()\n    return B()\n\n\n"
            "def test_make():\n    assert make(True)\n",
        },
    )
    assert "pattern.factory" not in milestones(tmp_path)
