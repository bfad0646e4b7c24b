"""`verify` catches every kind of tampering and names the first bad line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from roadmap_coach.progress.chain import canonical_json
from roadmap_coach.progress.exports import export
from roadmap_coach.progress.store import Store
from roadmap_coach.progress.verify import parse_anchor, verify_file, verify_lines


@pytest.fixture
def log(store: Store, tmp_path: Path) -> Path:
    for index, (mid, ws) in enumerate(
        [
            ("basics.function", "/ws"),
            ("basics.class", "/other"),
            ("web.flask-route", "/ws"),
            ("web.flask-template", "/ws"),
        ]
    ):
        store.record_milestone(mid, "s", mid, ws, f"f{index}.py", index + 1)
    store.sync_lessons("/ws", "db.py", [("RC301", 4)])
    store.sync_lessons("/ws", "db.py", [])
    out = tmp_path / "log.jsonl"
    export(store, "jsonl", out)
    return out


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _check(lines: list[str]) -> tuple[bool, int | None]:
    result = verify_lines(lines)
    return result.ok, result.line


def test_an_untouched_export_verifies(log: Path) -> None:
    result = verify_file(log)
    assert result.ok and result.exit_code == 0
    assert result.events == 6 and result.learners == ["ann"]
    assert result.head == json.loads(_lines(log)[5])["hash"]
    assert "chain intact" in str(result)


def test_an_edited_field_is_caught_at_its_line(log: Path) -> None:
    lines = _lines(log)
    lines[2] = lines[2].replace('"line":3', '"line":30')
    assert _check(lines) == (False, 3)
    result = verify_lines(lines)
    assert "edited" in result.reason and result.exit_code == 1


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(log: Path) -> None:
    lines = _lines(log)
    record = json.loads(lines[1])
    record["time"] = "2020-01-01T00:00:00Z"
    body = {k: v for k, v in record.items() if k != "hash"}
    record["hash"] = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    lines[1] = canonical_json(record) + "\n"
    assert _check(lines) == (False, 3)


def test_a_deleted_line_is_caught(log: Path) -> None:
    lines = _lines(log)
    del lines[1]
    assert _check(lines) == (False, 2)
    first_gone = _lines(log)[1:]
    assert _check(first_gone) == (False, 1)


def test_an_inserted_line_is_caught(log: Path) -> None:
    lines = _lines(log)
    lines.insert(3, lines[1])  # a copy of an earlier event
    assert _check(lines) == (False, 4)
    # A well-forged event (next seq, linked, hash recomputed) still breaks the one after it.
    lines = _lines(log)
    before = json.loads(lines[3])
    forged = {**before, "seq": 5, "prev_hash": before["hash"], "time": "2020-01-01T00:00:00Z"}
    body = {k: v for k, v in forged.items() if k != "hash"}
    forged["hash"] = hashlib.sha256(canonical_json(body).encode()).hexdigest()
    lines.insert(4, canonical_json(forged) + "\n")
    assert _check(lines) == (False, 6)


def test_reordered_lines_are_caught(log: Path) -> None:
    lines = _lines(log)
    lines[2], lines[3] = lines[3], lines[2]
    assert _check(lines) == (False, 3)


def test_a_truncated_log_is_caught(log: Path) -> None:
    lines = _lines(log)
    assert _check(lines[:4]) == (False, 5)  # cut at a line end: the end line is missing
    cut_mid_line = [*lines[:3], lines[3][:40]]
    assert _check(cut_mid_line) == (False, 4)
    assert _check([]) == (False, 1)


def test_an_edited_end_line_or_text_after_it_is_caught(log: Path) -> None:
    lines = _lines(log)
    end = json.loads(lines[-1])
    end["events"] = 5
    assert _check([*lines[:-1], canonical_json(end) + "\n"]) == (False, 7)
    assert _check([*lines, lines[0]]) == (False, 8)


def test_a_workspace_export_elides_other_projects_and_still_verifies(
    store: Store, log: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ws.jsonl"
    text = export(store, "jsonl", out, workspace="/ws")
    assert "/other" not in text and "basics.class" not in text
    result = verify_file(out)
    assert result.ok and result.elided == 1 and result.events == 6
    lines = _lines(out)
    stub = json.loads(lines[1])
    stub["hash"] = "0" * 64
    lines[1] = canonical_json(stub) + "\n"
    assert _check(lines) == (False, 3)


def test_a_line_that_is_not_json_is_named(log: Path) -> None:
    lines = _lines(log)
    lines[0] = "hello\n"
    result = verify_lines(lines)
    assert (result.ok, result.line) == (False, 1)
    assert str(result).startswith("line 1:")


def test_a_head_noted_earlier_catches_a_fully_recomputed_rewrite(log: Path) -> None:
    lines = _lines(log)
    head = json.loads(lines[3])
    anchor = (4, head["hash"][:16])
    assert verify_lines(lines, anchor).ok
    # Rewrite event 2 and recompute every hash after it: the chain alone cannot tell.
    rewritten = []
    prev = "0" * 64
    for index, line in enumerate(lines[:-1]):
        record = json.loads(line)
        if index == 1:
            record["payload"]["path"] = "someone-elses.py"
        record["prev_hash"] = prev
        body = {k: v for k, v in record.items() if k != "hash"}
        record["hash"] = prev = hashlib.sha256(canonical_json(body).encode()).hexdigest()
        rewritten.append(canonical_json(record) + "\n")
    end = json.loads(lines[-1])
    end["head"] = prev
    rewritten.append(canonical_json(end) + "\n")
    assert verify_lines(rewritten).ok
    assert _check_anchor(rewritten, anchor) == (False, 4)
    assert _check_anchor([*lines[:2], _end_after(lines[:2])], anchor) == (False, 3)


def _check_anchor(lines: list[str], anchor: tuple[int, str]) -> tuple[bool, int | None]:
    result = verify_lines(lines, anchor)
    return result.ok, result.line


def _end_after(lines: list[str]) -> str:
    last = json.loads(lines[-1])
    end = {"end": "roadmap-coach-log/1", "events": last["seq"], "head": last["hash"],
           "exported": "2024-01-01T00:00:00Z", "workspace": None}  # fmt: skip
    return canonical_json(end) + "\n"


def test_a_head_anchor_is_parsed_strictly() -> None:
    assert parse_anchor("42:3F9A0C1D2E3F4A5B") == (42, "3f9a0c1d2e3f4a5b")
    for bad in ("42", "x:3f9a0c1d", "0:3f9a0c1d", "4:3f9a", "4:zzzzzzzzzz"):
        with pytest.raises(ValueError):
            parse_anchor(bad)
