"""One definition of done and one next step in what a mentor reads: the Markdown and HTML
exports and the cohort page count complete steps by their core checkpoints, as the server
does, and "What to learn next" starts with the open security lesson."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from roadmap_coach.progress.chain import LESSON_SHOWN
from roadmap_coach.progress.exports import export
from roadmap_coach.progress.next_up import next_up, step_progress, steps_complete
from roadmap_coach.progress.report import build_cohort, render_cohort
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.summary import summarize
from roadmap_coach.roadmap.loader import load_roadmap

NOW = datetime(2026, 1, 10, tzinfo=UTC)
WS = "/home/ada/shop"
# python-basics core complete (lambda and custom exception are optional), web started
DONE = [
    "basics.function", "basics.control-flow", "basics.class", "basics.inheritance",
    "basics.exception-handling", "basics.package", "web.flask-route", "db.sql-query",
]  # fmt: skip


def fill(store: Store) -> None:
    roadmap, _ = load_roadmap()
    for number, mid in enumerate(DONE):
        checkpoint = roadmap.checkpoint(mid)
        assert checkpoint is not None
        store.record_milestone(
            mid, checkpoint.step, checkpoint.title, WS, "app.py", number + 1, None,
            time=f"2026-01-0{1 + number // 3}T10:0{number % 3}:00Z",
        )  # fmt: skip
    store.record_lesson(LESSON_SHOWN, "RC301", WS, "db.py", 26, time="2026-01-05T10:00:00Z")


def test_exports_and_the_cohort_page_count_steps_as_the_server_does(tmp_path: Path) -> None:
    roadmap, _ = load_roadmap()
    with Store(tmp_path / "store.sqlite3", learner="ada") as store:
        fill(store)
        server_count = steps_complete(step_progress(roadmap, set(DONE)))
        assert server_count == 1  # python basics, without the optional lambda
        summary = summarize(store.events(), roadmap, now=NOW)
        assert summary.steps_complete == server_count
        states = {s.id: s.state for s in summary.steps}
        assert states == {p.step.id: p.state for p in step_progress(roadmap, set(DONE))}
        md = export(store, "md", roadmap=roadmap, now=NOW)
        assert f"**{server_count} of 11** steps complete" in md
        assert "| 1 | Master Python basics | ✓ complete | 6/8 |" in md
        html = export(store, "html", roadmap=roadmap, now=NOW)
        assert f"<dt>Steps complete</dt><dd>{server_count} <small>/ 11</small>" in html
        log = tmp_path / "ada.jsonl"
        export(store, "jsonl", log, roadmap=roadmap, now=NOW)
    cohort = build_cohort([log], roadmap, now=NOW)
    assert cohort.rows[0].summary.steps_complete == server_count
    page = render_cohort(cohort)
    assert f'<td class="num">{server_count}/11</td>' in page
    # one title per step: the roadmap's short title heads its column
    assert 'class="t">Design patterns</span>' in page and 'class="t">Git</span>' in page


def test_what_to_learn_next_is_the_one_ranking_with_the_open_lesson_first(tmp_path: Path) -> None:
    roadmap, _ = load_roadmap()
    with Store(tmp_path / "store.sqlite3", learner="ada") as store:
        fill(store)
        summary = summarize(store.events(), roadmap, now=NOW)
        html = export(store, "html", roadmap=roadmap, now=NOW)
    assert 1 <= len(summary.next) <= 3
    first = summary.next[0]
    assert (first.kind, first.id) == ("lesson", "RC301")
    assert first.title == "Fix the warning at db.py:26: SQL built from values (SQL injection)"
    # then what the server's ranking says after the latest milestone (db.sql-query)
    ranked = next_up(roadmap, set(DONE), ["db.sql-query"])
    assert [n.id for n in summary.next[1:]] == [i.id for i in ranked[: len(summary.next) - 1]]
    what_next = html[html.index('<section id="next">') :]
    assert what_next.index("Fix the warning at db.py:26") < what_next.index(summary.next[1].title)
