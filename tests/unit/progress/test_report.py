"""The cohort page: learners × steps, last activity, who is stuck where, tampering shown."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from page_checks import HOSTILE_FILE, HOSTILE_NAME, audit

from roadmap_coach.progress.exports import export
from roadmap_coach.progress.report import build_cohort, cohort_report
from roadmap_coach.progress.store import Store
from roadmap_coach.roadmap.models import Roadmap

NOW = datetime(2024, 6, 30, tzinfo=UTC)


def _log(tmp_path: Path, learner: str, milestones: list[tuple[str, str, str]], name: str) -> Path:
    with Store(tmp_path / f"{abs(hash(learner))}.sqlite3", learner=learner) as store:
        for mid, step, when in milestones:
            store.record_milestone(mid, step, mid, "/ws", "app.py", 1, time=when)
        out = tmp_path / name
        export(store, "jsonl", out)
    return out


def _cohort_logs(tmp_path: Path) -> list[Path]:
    return [
        _log(
            tmp_path,
            "ann",
            [
                ("basics.function", "python-basics", "2024-06-01T10:00:00Z"),
                ("basics.class", "python-basics", "2024-06-20T10:00:00Z"),
                ("web.flask-route", "web-frameworks", "2024-06-25T10:00:00Z"),
            ],
            "ann.jsonl",
        ),
        _log(
            tmp_path,
            "bob",
            [("basics.function", "python-basics", "2024-05-01T10:00:00Z")],
            "bob.jsonl",
        ),
        _log(tmp_path, "cy", [], "cy.jsonl"),
    ]


def test_matrix_counts_each_learners_checkpoints_per_step(tmp_path: Path, roadmap: Roadmap) -> None:
    cohort = build_cohort(_cohort_logs(tmp_path), roadmap, now=NOW)
    by_name = {r.learner: r for r in cohort.rows}
    assert [r.learner for r in cohort.rows] == ["ann", "bob"]  # cy's log has no events
    ann = {s.id: (s.done, s.total) for s in by_name["ann"].summary.steps}
    assert ann == {"python-basics": (2, 2), "web-frameworks": (1, 2), "security": (0, 1)}
    assert by_name["ann"].summary.last_activity == "2024-06-25T10:00:00Z"


def test_a_learner_quiet_for_two_weeks_is_stuck_on_their_step(
    tmp_path: Path, roadmap: Roadmap
) -> None:
    cohort = build_cohort(_cohort_logs(tmp_path), roadmap, now=NOW)
    by_name = {r.learner: r for r in cohort.rows}
    bob, ann = by_name["bob"], by_name["ann"]
    assert bob.stuck and bob.days_quiet == 59
    assert bob.current is not None and bob.current.id == "python-basics"
    assert "no new milestone for 59 days, on Master Python basics" in bob.status
    assert not ann.stuck and ann.current is not None and ann.current.id == "web-frameworks"
    assert [r.learner for r in cohort.stuck] == ["bob"]
    relaxed = build_cohort(_cohort_logs(tmp_path), roadmap, now=NOW, stuck_days=60)
    assert relaxed.stuck == []


def test_a_learner_who_finished_a_step_is_on_the_next_unfinished_one(
    tmp_path: Path, roadmap: Roadmap
) -> None:
    log = _log(
        tmp_path,
        "dee",
        [
            ("basics.function", "python-basics", "2024-06-01T10:00:00Z"),
            ("basics.class", "python-basics", "2024-06-02T10:00:00Z"),
        ],
        "dee.jsonl",
    )
    (row,) = build_cohort([log], roadmap, now=NOW).rows
    assert row.current is not None and row.current.id == "web-frameworks"


def test_a_tampered_log_is_flagged_and_a_log_handed_in_twice_counts_once(
    tmp_path: Path, roadmap: Roadmap
) -> None:
    ann, bob, _cy = _cohort_logs(tmp_path)
    copy = tmp_path / "ann-again.jsonl"
    copy.write_bytes(ann.read_bytes())
    bob.write_text(bob.read_text().replace('"line":1', '"line":7'))
    cohort = build_cohort([ann, copy, bob], roadmap, now=NOW)
    by_name = {r.learner: r for r in cohort.rows}
    assert by_name["ann"].chain_ok and by_name["ann"].summary.achieved_count == 3
    assert not by_name["bob"].chain_ok
    assert "line 1" in by_name["bob"].chain_note and "edited" in by_name["bob"].chain_note


def test_cohort_page_is_self_contained_and_escapes_hostile_names(
    tmp_path: Path, roadmap: Roadmap
) -> None:
    logs = _cohort_logs(tmp_path)
    hostile = tmp_path / "evil"
    hostile.mkdir()
    with Store(hostile / "s.sqlite3", learner=HOSTILE_NAME) as store:
        store.record_milestone(
            "basics.function", "python-basics", HOSTILE_NAME, HOSTILE_NAME, HOSTILE_FILE, 1,
            time="2024-06-01T00:00:00Z",
        )  # fmt: skip
        bad_name = hostile / "<img src=x onerror=alert(1)>.jsonl"
        export(store, "jsonl", bad_name)
    bad_name.write_text(bad_name.read_text().replace('"line":1', '"line":2'))
    missing = tmp_path / "<script>alert(2)</script>.jsonl"
    out = tmp_path / "cohort.html"
    cohort_report([*logs, bad_name, missing], out, roadmap, now=NOW)
    page = out.read_text(encoding="utf-8")
    checked = audit(page)
    assert checked.problems == []
    assert "<script>" not in page and "<img src=x" not in page
    text = " ".join(checked.text)
    assert HOSTILE_NAME in text and "cannot read" in text and "alert(2)" in text
    for expected in ("ann", "bob", "Master Python basics", "stuck", "✗ changed", "2024-06-25"):
        assert expected in text
