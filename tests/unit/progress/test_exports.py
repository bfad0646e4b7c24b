"""Exports: JSONL is the chain, Markdown pastes into a review, HTML is one safe page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from page_checks import HOSTILE_FILE, HOSTILE_NAME, audit

from roadmap_coach.progress.chain import EVENT_FIELDS
from roadmap_coach.progress.exports import export
from roadmap_coach.progress.store import Store
from roadmap_coach.roadmap.models import Roadmap

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def busy(store: Store) -> Store:
    store.record_milestone(
        "basics.function", "python-basics", "old title", "/ws", "app/models.py", 4,
        time="2024-05-01T10:00:00Z",
    )  # fmt: skip
    store.record_milestone(
        "web.flask-route", "web-frameworks", "Your first Flask route", "/ws", "app/views.py", 12,
        commit="0123456789abcdef0123", time="2024-05-03T15:30:00Z",
    )  # fmt: skip
    store.record_milestone(
        "basics.class", "python-basics", "Your first class", "/elsewhere", "x.py", 1,
        time="2024-05-04T09:00:00Z",
    )  # fmt: skip
    store.sync_lessons("/ws", "app/db.py", [("RC301", 8), ("RC501", 2), ("RC102", 30)])
    store.sync_lessons("/ws", "app/db.py", [("RC501", 2), ("RC102", 30)])
    return store


def test_jsonl_is_one_event_per_line_with_exactly_the_documented_fields(
    busy: Store, tmp_path: Path
) -> None:
    text = export(busy, "jsonl", tmp_path / "log.jsonl")
    lines = [json.loads(line) for line in text.splitlines()]
    events, end = lines[:-1], lines[-1]
    assert [e["seq"] for e in events] == list(range(1, len(busy.events()) + 1))
    assert all(set(e) == set(EVENT_FIELDS) for e in events)
    assert end["end"] == "roadmap-coach-log/1" and end["head"] == events[-1]["hash"]
    assert (tmp_path / "log.jsonl").read_text(encoding="utf-8") == text
    doc = (Path(__file__).parents[3] / "docs" / "log-format.md").read_text(encoding="utf-8")
    for name in EVENT_FIELDS:
        assert f"`{name}`" in doc


def test_markdown_summary_lists_milestones_with_dates_evidence_and_commits(
    busy: Store, roadmap: Roadmap
) -> None:
    text = export(busy, "md", roadmap=roadmap, now=NOW)
    assert "| 2024-05-03 | Your first Flask route (`web.flask-route`)" in text
    assert "`app/views.py:12` (`0123456789`)" in text
    assert "Your first function" in text and "old title" not in text  # roadmap wording wins
    assert "| 1 | Master Python basics | 2/2 |" in text
    assert "| 2 | Choose a web framework | 1/2 |" in text
    assert "**RC501**" in text.split("### Fixed")[0] and "**RC301**" in text.split("### Fixed")[1]
    assert "Other open lessons (learning hints): 1." in text
    assert "**A page from a template** (`web.flask-template`" in text


def test_markdown_for_one_workspace_leaves_out_other_projects(
    busy: Store, roadmap: Roadmap
) -> None:
    text = export(busy, "md", workspace="/ws", roadmap=roadmap, now=NOW)
    assert "basics.function" in text and "`x.py:1`" not in text
    assert "| 1 | Master Python basics | 1/2 |" in text


def test_html_report_is_self_contained_and_shows_everything_a_mentor_needs(
    busy: Store, roadmap: Roadmap, tmp_path: Path
) -> None:
    page = export(busy, "html", tmp_path / "r.html", roadmap=roadmap, now=NOW)
    checked = audit(page)
    assert checked.problems == []
    assert "<svg" in page and page.count("<circle") == 3  # one dot per milestone
    assert 'style="width: 100%' in page and 'style="width: 50%' in page
    text = " ".join(checked.text)
    for expected in (
        "Your first Flask route",
        "app/views.py:12",
        "0123456789",
        "RC501",
        "RC301",
        "A page from a template",
        "2024-05-03",
    ):
        assert expected in text
    assert "https://flask.example/templates" in page and "javascript:" not in page


def test_hostile_learner_and_file_names_are_escaped_in_the_html_export(
    store_path: Path, roadmap: Roadmap
) -> None:
    with Store(store_path, learner=HOSTILE_NAME) as store:
        store.record_milestone(
            "web.flask-route", "web-frameworks", HOSTILE_NAME, HOSTILE_NAME, HOSTILE_FILE, 1,
            commit=HOSTILE_NAME,
        )  # fmt: skip
        store.record_milestone("x.<b>", HOSTILE_NAME, HOSTILE_NAME, "/ws", HOSTILE_FILE, 2)
        store.sync_lessons("/ws", HOSTILE_FILE, [("RC501", 1)])
        page = export(store, "html", roadmap=roadmap, now=NOW)
        markdown = export(store, "md", roadmap=roadmap, now=NOW)
    checked = audit(page)
    assert checked.problems == []
    assert HOSTILE_NAME not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE_NAME in " ".join(checked.text)  # shown to the mentor as text
    assert "\\<script\\>alert(1)\\</script\\>" in markdown
    assert "`app/<img src=x onerror=alert(1)>.py:2`" in markdown  # code span: shown literally


def test_an_empty_log_still_exports_a_readable_page(store: Store, roadmap: Roadmap) -> None:
    page = export(store, "html", roadmap=roadmap, now=NOW)
    assert audit(page).problems == []
    assert "No milestones yet" in page
    assert "No milestones yet." in export(store, "md", roadmap=roadmap, now=NOW)


def test_unknown_format_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="jsonl, md, html"):
        export(store, "pdf")
