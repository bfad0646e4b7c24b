"""What a lesson declares it reads of a file's facts (`Lesson.facts_read`), in named
groups: `rules.walk_plan` leaves out of the walk what no reader reads."""

from __future__ import annotations

# What every lesson reads of its file (where it is, what kind, whether it parsed, whether
# it is test code), and what resolving a name through the file's imports reads.
FILE = frozenset({"path", "kind", "error", "is_test"})
NAMES = frozenset({"imports", "module", "preamble_end"})


def reads(*parts: frozenset[str] | str) -> frozenset[str]:
    """A lesson's `facts_read`: groups of fields and single fields."""
    return frozenset(f for part in parts for f in ((part,) if isinstance(part, str) else part))
