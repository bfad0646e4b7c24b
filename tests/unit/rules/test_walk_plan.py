"""The walk plan: compiled from the loaded roadmap and lessons, it leaves out of the walk
only what no reader reads, so the records made from planned facts are the same."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.walk_plan import EVERYTHING
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.base import Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.matchers import Context

SERVER = Path(__file__).resolve().parents[3] / "server"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCE = b"""import flask
from django.conf import settings

def view(request):
    if settings.DEBUG:
        return flask.request.json
    return request.user.profile.name
"""


def _custom_engine(tmp_path: Path, detect: str) -> Engine:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "12-extras.toml").write_text(
        '[step]\nid = "extras"\ntitle = "Extras"\n'
        '\n[[checkpoint]]\nid = "extras.a"\ntitle = "A"\nteaches = "T."\n'
        f"[[checkpoint.detect]]\n{detect}\n",
        encoding="utf-8",
    )
    roadmap, problems = load_roadmap([tmp_path])
    assert not problems
    return Engine(roadmap)


def _attributes(facts: FileFacts) -> list[str]:
    return [a.qname for a in facts.attributes]


def test_the_default_roadmap_keeps_only_the_attribute_reads_it_matches() -> None:
    plan = Engine(load_roadmap()[0]).walk_plan
    assert plan.attributes is not None and "json" in plan.attributes
    assert not plan.secrets  # no reader looks at `FileFacts.sensitive`
    facts = analyze_bytes("app/views.py", SOURCE, plan)
    assert _attributes(facts) == ["flask.request.json"]
    assert "django.conf.settings.DEBUG" in _attributes(analyze_bytes("app/views.py", SOURCE))


def test_a_roadmap_reading_another_attribute_makes_the_walk_record_it(tmp_path: Path) -> None:
    engine = _custom_engine(tmp_path, 'attribute = ["django.conf.settings.DEBUG"]')
    assert engine.walk_plan.attributes is not None
    assert "DEBUG" in engine.walk_plan.attributes
    facts = analyze_bytes("app/views.py", SOURCE, engine.walk_plan)
    assert "django.conf.settings.DEBUG" in _attributes(facts)
    record = engine.record(facts, Context(frozenset({"app/views.py"})))
    assert "extras.a#0" in record.evidence
    assert record.evidence["extras.a#0"][0].span.line == 4


def test_a_glob_on_the_last_name_keeps_every_attribute_read(tmp_path: Path) -> None:
    engine = _custom_engine(tmp_path, 'attribute = ["django.conf.settings.*"]')
    assert engine.walk_plan.attributes is None
    facts = analyze_bytes("app/views.py", SOURCE, engine.walk_plan)
    assert _attributes(facts) == _attributes(analyze_bytes("app/views.py", SOURCE))


class _Undeclared(Lesson):
    """Reads whatever it likes of the facts."""

    code = "RC999"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        return []


def test_a_lesson_that_declares_nothing_gets_everything() -> None:
    engine = Engine(load_roadmap()[0], [*all_lessons(), _Undeclared()])
    assert engine.walk_plan == EVERYTHING
    planned = analyze_bytes("app/views.py", SOURCE, engine.walk_plan)
    assert planned == analyze_bytes("app/views.py", SOURCE)


def test_every_shipped_lesson_declares_at_least_the_fields_its_code_names() -> None:
    fields = [f.name for f in dataclasses.fields(FileFacts)]
    for lesson in all_lessons():
        assert lesson.facts_read is not None, lesson.code
        named: set[str] = set()
        for module in _rules_modules(type(lesson).__module__):
            text = (SERVER / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
            named |= {f for f in fields if re.search(rf"\.{f}\b", text)}
        assert named <= lesson.facts_read, (lesson.code, named - lesson.facts_read)


def _rules_modules(name: str, seen: set[str] | None = None) -> set[str]:
    """`name` and the rules modules it imports, transitively."""
    seen = set() if seen is None else seen
    if name in seen:
        return seen
    seen.add(name)
    text = (SERVER / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8")
    for imported in re.findall(r"from (roadmap_coach\.rules[\w.]*) import", text):
        if (SERVER / (imported.replace(".", "/") + ".py")).is_file():
            _rules_modules(imported, seen)
    return seen


def test_records_from_planned_facts_are_the_records_from_all_facts() -> None:
    engine = Engine(load_roadmap()[0])
    sources = {
        str(path.relative_to(FIXTURES)): path.read_bytes()
        for path in sorted(FIXTURES.rglob("*.py"))
    }
    assert len(sources) > 50
    made = 0
    for path, data in sources.items():
        planned = engine.record(analyze_bytes(path, data, engine.walk_plan), Context())
        full = engine.record(analyze_bytes(path, data), Context())
        assert planned == full, path
        made += 1
    assert made == len(sources)


def test_a_scan_walks_its_files_under_the_engines_plan(tmp_path: Path) -> None:
    from roadmap_coach.progress.record_workers import Analyser, Job

    engine = _custom_engine(tmp_path / "roadmap", 'attribute = ["*.profile"]')
    (tmp_path / "views.py").write_bytes(SOURCE)
    analyser = Analyser(engine, 1 << 20)
    analyser.analyse(Job(0, "app/views.py", str(tmp_path / "views.py"), len(SOURCE)))
    facts = analyser.facts(0)
    assert _attributes(facts) == ["flask.request.json", "request.user.profile"]
    assert not facts.sensitive and facts.calls == [] and len(facts.functions) == 1
