"""`roadmap-coach verify FILE`: is this JSONL log exactly what the store wrote?

Walks the file once and reports the first line (1-based) where the chain breaks:
a hash that does not match its content (edited), a sequence gap or repeat
(deleted, inserted, reordered), a previous-hash link to something else, or a
missing or wrong end line (cut short). The checks are the ones docs/log-format.md
describes for checking by hand.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roadmap_coach.progress.chain import EVENT_FIELDS, GENESIS, LOG_FORMAT, event_hash

_STUB_FIELDS = {"seq", "elided", "prev_hash", "hash"}
_END_FIELDS = {"end", "events", "head", "exported", "workspace"}
_SEQ_LIMIT = 2**62


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    line: int | None = None  # first bad line, 1-based
    reason: str = ""
    events: int = 0
    elided: int = 0
    head: str | None = None
    learners: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def __str__(self) -> str:
        if self.ok:
            extra = f", {self.elided} from other workspaces elided" if self.elided else ""
            return f"ok: {self.events} events, chain intact{extra}; head {self.head}"
        return f"line {self.line}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "line": self.line,
            "reason": self.reason,
            "events": self.events,
            "elided": self.elided,
            "head": self.head,
            "learners": self.learners,
        }


def parse_anchor(text: str) -> tuple[int, str]:
    """`SEQ:HASH-PREFIX` (as the Markdown/HTML exports print the head) -> (seq, prefix)."""
    seq, sep, prefix = text.strip().partition(":")
    prefix = prefix.strip().lower()
    if not sep or not seq.isdigit() or int(seq) < 1 or len(prefix) < 8:
        raise ValueError(f"expected SEQ:HASH with at least 8 hex digits, got {text!r}")
    if any(ch not in "0123456789abcdef" for ch in prefix):
        raise ValueError(f"not a hex hash prefix: {prefix!r}")
    return int(seq), prefix


def not_a_log(path: str | os.PathLike[str]) -> str | None:
    """Why FILE is not a roadmap-coach JSONL log at all (None when it is one).

    A log is a file with at least one line that is a log event, an elided stub or an
    end line; an HTML or Markdown export, notes or an empty file are not, and are not
    "tampered with" either. Raises OSError when the file cannot be read."""
    first: str | None = None
    with Path(path).open("rb") as handle:
        for raw in handle:
            text = raw.decode("utf-8", errors="replace").strip()
            if first is None:
                first = text
            try:
                record = json.loads(text)
            except ValueError:
                continue
            if isinstance(record, dict) and (
                record.get("end") == LOG_FORMAT or {"seq", "prev_hash", "hash"} <= set(record)
            ):
                return None
    if first is None:
        return f"not a roadmap-coach log: {path} (it is empty)"
    shown = " ".join(first.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    return (
        f"not a roadmap-coach log: {path} (line 1 is {shown!r})"
        if shown
        else (f"not a roadmap-coach log: {path} (line 1 is empty)")
    )


def verify_file(
    path: str | os.PathLike[str], anchor: tuple[int, str] | None = None
) -> VerifyResult:
    """Verify a JSONL export. Raises OSError only when the file cannot be read.

    `anchor` = (seq, hash prefix) a mentor noted from an earlier export: the log must
    still hold that event, which catches a history rewritten with recomputed hashes.
    """
    with Path(path).open("rb") as handle:
        return verify_lines(handle, anchor)


def verify_lines(
    lines: Iterable[bytes | str], anchor: tuple[int, str] | None = None
) -> VerifyResult:
    prev_hash = GENESIS
    expected_seq = 1
    elided = 0
    learners: set[str] = set()
    ended = False
    number = 0
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        # A line cut short is no longer valid JSON, or loses the end line after it.
        text = text.rstrip("\r\n")
        if ended:
            return _bad(number, "text after the end line: lines were appended to the log")
        try:
            record = json.loads(text)
        except ValueError:
            return _bad(number, "not a JSON object: the line was edited or cut")
        if not isinstance(record, dict):
            return _bad(number, "not a JSON object: the line was edited")
        if "end" in record:
            problem = _check_end(record, expected_seq - 1, prev_hash)
            if problem:
                return _bad(number, problem)
            if anchor and anchor[0] >= expected_seq:
                return _bad(number, f"the log ends before event {anchor[0]} recorded earlier")
            ended = True
            continue
        problem = _check_event(record, expected_seq, prev_hash)
        if problem:
            return _bad(number, problem)
        if anchor and record["seq"] == anchor[0] and not record["hash"].startswith(anchor[1]):
            return _bad(
                number, f"event {anchor[0]} is not the one recorded earlier: history was rewritten"
            )
        if record.get("elided") is True:
            elided += 1
        else:
            learners.add(str(record["learner"]))
        prev_hash = record["hash"]
        expected_seq += 1
    if not ended:
        return _bad(
            number + 1, f"the end line is missing: the log was cut short after line {number}"
        )
    return VerifyResult(
        ok=True,
        events=expected_seq - 1,
        elided=elided,
        head=prev_hash if expected_seq > 1 else None,
        learners=sorted(learners),
    )


def _check_event(record: dict[str, Any], expected_seq: int, prev_hash: str) -> str | None:
    seq = record.get("seq")
    if type(seq) is not int or not 0 < seq < _SEQ_LIMIT:
        return "the event has no valid sequence number: the line was edited"
    if record.get("elided") is True:
        if set(record) != _STUB_FIELDS:
            return "an elided event with unexpected fields: the line was edited"
    elif set(record) != set(EVENT_FIELDS):
        missing = sorted(set(EVENT_FIELDS) - set(record))
        added = sorted(set(record) - set(EVENT_FIELDS))
        return f"fields differ from the log format (missing {missing}, added {added}): edited"
    if seq != expected_seq:
        if seq > expected_seq:
            return f"expected event {expected_seq} but found {seq}: an event was deleted or moved"
        return f"expected event {expected_seq} but found {seq}: an event was inserted or moved"
    if record.get("prev_hash") != prev_hash:
        return "its previous-hash does not link to the line before: an event was inserted or moved"
    if record.get("elided") is True:
        return None
    if not isinstance(record.get("payload"), dict):
        return "the payload is not an object: the line was edited"
    if event_hash(record) != record.get("hash"):
        return "its hash does not match its content: the line was edited"
    return None


def _check_end(record: dict[str, Any], last_seq: int, head: str) -> str | None:
    if set(record) != _END_FIELDS or record.get("end") != LOG_FORMAT:
        return f"the end line is not a {LOG_FORMAT} end line: it was edited"
    if record.get("events") != last_seq:
        return (
            f"the end line says {record.get('events')} events but the log holds {last_seq}: "
            "events were deleted or added"
        )
    if record.get("head") != (head if last_seq else None):
        return "the end line's head hash differs from the last event: the log was changed"
    return None


def _bad(line: int, reason: str) -> VerifyResult:
    return VerifyResult(ok=False, line=line, reason=reason)
