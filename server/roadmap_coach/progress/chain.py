"""The hash chain every progress event carries (format documented in docs/log-format.md).

Each event's hash covers its own fields and the previous event's hash, so editing,
deleting, inserting or reordering any event breaks the chain from that point on.
The canonical form is plain `json.dumps` with sorted keys and no spaces, so a mentor
can recompute a hash by hand with a one-line script.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # prev_hash of the first event
LOG_FORMAT = "roadmap-coach-log/1"
HASHED_FIELDS = ("seq", "time", "kind", "learner", "workspace", "payload", "prev_hash")
EVENT_FIELDS = (*HASHED_FIELDS, "hash")

MILESTONE = "milestone"
LESSON_SHOWN = "lesson-shown"
LESSON_FIXED = "lesson-fixed"
LESSON_SUPPRESSED = "lesson-suppressed"
EVIDENCE_COMMITTED = "evidence-committed"
RESET = "reset"


def canonical_json(value: Any) -> str:
    """The one byte-exact JSON form that hashes are computed over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(fields: dict[str, Any]) -> str:
    body = {name: fields[name] for name in HASHED_FIELDS}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def utc_timestamp(moment: datetime | str | None = None) -> str:
    """UTC ISO 8601 with a `Z`, second precision: `2024-05-01T09:30:00Z`."""
    if moment is None:
        moment = datetime.now(UTC)
    elif isinstance(moment, str):
        moment = parse_time(moment)
    if moment.tzinfo is None:
        # A naive time is taken as UTC rather than the machine's zone, so two
        # machines write the same log for the same input.
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    time: str
    kind: str
    learner: str
    workspace: str
    payload: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in EVENT_FIELDS}

    def to_json_line(self) -> str:
        return canonical_json(self.as_dict())

    @property
    def moment(self) -> datetime:
        return parse_time(self.time)


def seal(
    seq: int,
    time: str,
    kind: str,
    learner: str,
    workspace: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> Event:
    """Build the next event of a chain, hash included."""
    fields: dict[str, Any] = {
        "seq": seq,
        "time": time,
        "kind": kind,
        "learner": learner,
        "workspace": workspace,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return Event(**fields, hash=event_hash(fields))


def event_from_dict(data: dict[str, Any]) -> Event:
    return Event(**{name: data[name] for name in EVENT_FIELDS})
