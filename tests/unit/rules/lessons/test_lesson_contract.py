"""The lesson contract: the ROADMAP.md codes, severities, pages generated from the
docstrings, silencing, the per-file cap, and secrets that are never echoed."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from lesson_corpus import CORPUS, scan
from lesson_workspace import Workspace, span_text

from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.cli import main
from roadmap_coach.rules.lessons import ALL_LESSONS
from roadmap_coach.rules.lessons import docs as lesson_docs
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.lessons.context import HINTS_PER_FILE, select_findings

ROOT = Path(__file__).resolve().parents[4]
# The contract next to the checkout, or the copy that travels with the tests.
SHARED = ROOT.parent / "shared" / "ROADMAP.md"
ROADMAP = SHARED if SHARED.is_file() else ROOT / "tests" / "fixtures" / "contract" / "ROADMAP.md"
STEPS = {
    "python-basics", "web-frameworks", "databases", "rest-apis", "security", "testing",
    "deployment", "practices", "dependencies", "git", "design-patterns",
}  # fmt: skip


def test_every_code_of_the_lesson_table_has_exactly_one_lesson() -> None:
    codes = [cls.code for cls in ALL_LESSONS]
    assert len(codes) == len(set(codes))
    table = re.findall(r"^\| (RC\d+) \|", ROADMAP.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(table) == 17
    assert sorted(codes) == sorted(table)


@pytest.mark.parametrize("cls", ALL_LESSONS, ids=lambda c: c.code)
def test_security_lessons_warn_and_learning_hints_inform(cls: type) -> None:
    number = int(cls.code[2:])
    security = 300 <= number < 400 or 500 <= number < 600
    assert cls.security is security
    assert cls.severity == "warning" if security else cls.severity in ("information", "hint")
    assert cls.step in STEPS and cls.title


@pytest.mark.parametrize("cls", ALL_LESSONS, ids=lambda c: c.code)
def test_each_lesson_documents_itself(cls: type) -> None:
    doc = cls.__doc__ or ""
    for section in ("## What it catches", "## Why it matters", "## Example", "## The safe way"):
        assert section in doc


def test_lesson_pages_are_up_to_date_with_the_docstrings() -> None:
    out = ROOT / "docs" / "rules"
    stale = lesson_docs.stale(out)
    assert stale == [], "run `make docs` to regenerate: " + ", ".join(stale)


def test_the_page_generator_writes_and_then_finds_nothing_stale(tmp_path: Path) -> None:
    (tmp_path / "RC999.md").write_text("a code that no longer exists\n")
    written = lesson_docs.write(tmp_path)
    assert "RC301.md" in written and "RC999.md" in written
    assert not (tmp_path / "RC999.md").exists()
    assert lesson_docs.stale(tmp_path) == []
    page = (tmp_path / "RC301.md").read_text()
    assert (
        page.startswith("<!-- Generated") and "# RC301: " in page and "coach: ignore[RC301]" in page
    )
    (tmp_path / "RC301.md").write_text(page.replace("SQL injection", "SQL"))
    assert lesson_docs.main(["--out", str(tmp_path), "--check"]) == 1


# -- silencing and caps --------------------------------------------------------------------


def _hint(
    line: int, code: str = "RC102", priority: int = 1, severity: str = "information"
) -> LessonFinding:
    return LessonFinding(
        code, "app.py", Span(line, 0, line, 1), severity, "m", "python-basics", priority=priority
    )


def test_learning_hints_are_capped_per_file_most_important_first_and_security_never() -> None:
    found = [_hint(n, "RC901", priority=3) for n in range(5)]
    found += [_hint(10, "RC101", priority=1), _hint(11, "RC601", priority=2)]
    found += [_hint(20 + n, "RC301", 0, "warning") for n in range(6)]
    kept = select_findings(found, FileFacts("app.py", "python"), set(), "all")
    hints = [f for f in kept if f.severity != "warning"]
    assert len(hints) == HINTS_PER_FILE == 3
    assert [f.code for f in hints] == ["RC901", "RC101", "RC601"]  # sorted back by line
    assert sum(1 for f in kept if f.code == "RC301") == 6


def test_a_lesson_is_silenced_on_its_line_and_disabled_by_setting() -> None:
    source = 'import yaml\nDEBUG = True  # coach: ignore[RC502]\nSECRET_KEY = "abc-123-xyz"\n'
    workspace = Workspace({"settings.py": source, "requirements.txt": "PyYAML\n"})
    facts = workspace.facts()["settings.py"]
    raw = [f for f in workspace.findings() if f.path == "settings.py"]
    assert {f.code for f in raw} == {"RC501", "RC502"}
    assert [f.code for f in select_findings(raw, facts, set(), "all")] == ["RC501"]
    assert select_findings(raw, facts, {"RC501"}, "all") == []


# -- secrets are never echoed --------------------------------------------------------------


def _flagged_secret_values() -> list[str]:
    """The literal text under every RC501 finding of the corpus (what must never leak)."""
    values = []
    for finding in scan():
        if finding.code != "RC501":
            continue
        lines = (CORPUS / finding.path).read_text(encoding="utf-8").splitlines()
        literal = span_text("\n".join(lines), finding.span)
        values.append(ast.literal_eval(literal))
    return values


def test_no_secret_value_appears_in_messages_fixes_or_scan_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    values = _flagged_secret_values()
    assert len(values) >= 25 and all(len(v) >= 6 for v in values)
    assert main(["scan", str(CORPUS), "--format", "json", "--no-cache"]) == 0
    output = capsys.readouterr()
    report = json.loads(output.out)
    assert sum(1 for lesson in report["lessons"] if lesson["code"] == "RC501") >= 20
    leaked = [v for v in values if v in output.out or v in output.err]
    assert leaked == []
    assert not [entry for entry in report["lessons"] if entry["code"] == "RC000"]


def test_scan_json_lists_lessons_in_the_documented_shape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scan", str(CORPUS / "app"), "--format", "json", "--no-cache"]) == 0
    lessons = json.loads(capsys.readouterr().out)["lessons"]
    fixed = [e for e in lessons if e["code"] == "RC301" and e["fix"]]
    sql = next(e for e in fixed if e["path"] == "sql_injection.py")
    assert set(sql) == {
        "code", "path", "line", "column", "end_line", "end_column", "severity", "message", "step", "fix",
    }  # fmt: skip
    assert sql["severity"] == "warning" and sql["step"] == "security"
    assert set(sql["fix"]) == {"title", "edits"}
    edit = sql["fix"]["edits"][0]
    assert set(edit) == {"path", "range", "new_text"} and "?" in edit["new_text"]
    assert set(edit["range"]) == {"start", "end"} and set(edit["range"]["start"]) == {
        "line",
        "character",
    }
