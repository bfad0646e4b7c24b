"""What a walk of a Python file makes: the records some reader of the facts can look at.

The readers (the loaded roadmap's matchers, the lessons, the workspace folds) are known
before any file is walked, so `rules.walk_plan` compiles them once into a `WalkPlan`
and the walker skips what none of them reads. A plan is plain data: it travels to the
worker processes with the engine. `EVERYTHING` (the default) makes every record, for
callers that keep facts beyond one engine's reading of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WalkPlan:
    # `FileFacts.sensitive`: whether the facts may hold a secret's value
    secrets: bool = True
    # the attribute reads kept, by their last name (`json` keeps `flask.request.json`);
    # None: every one
    attributes: frozenset[str] | None = None


EVERYTHING = WalkPlan()
