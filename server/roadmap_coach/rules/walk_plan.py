"""The loaded roadmap and lessons compiled once into the `WalkPlan` the walker consults.

What reads a file's facts, and what it reads of them:
- the roadmap's file matchers: each kind its declared `inputs` (`roadmap.schema`), and
  an `attribute` matcher only the reads its patterns can match;
- the lessons: what each declares in `Lesson.facts_read` (a lesson that declares
  nothing reads everything);
- the engine's own per-file work and folds (`rules.aggregates`, `rules.symbols`, the
  record's slim facts): the fields in `FOLDS_READ`, whatever the roadmap.

A plan only leaves out what none of them reads, so the records made from planned facts
are the records made from all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from roadmap_coach.analysis.walk_plan import EVERYTHING, WalkPlan
from roadmap_coach.roadmap.models import Matcher, Roadmap
from roadmap_coach.rules.lessons.base import Lesson
from roadmap_coach.rules.patterns import as_tuple

# what `Engine.record` reads beside the matchers and lessons: the contribution to the
# workspace folds (`aggregates.contribute`: environment, SQL, layers, symbols), the
# module-level names (`symbols.signature`) and the slim facts
FOLDS_READ = frozenset(
    {"path", "kind", "digest", "size", "module", "error", "error_line", "imports", "calls"}
    | {"classes", "functions", "assigns", "decorators", "subscripts", "ignores", "lines"}
    | {"requirements", "extras", "generated", "env_urls", "toml", "is_test"}
)
_WILDCARDS = frozenset("*?")


def walk_plan(roadmap: Roadmap, lessons: Sequence[Lesson]) -> WalkPlan:
    """What the walk must make for `roadmap`'s matchers and `lessons` to read."""
    read: set[str] = set(FOLDS_READ)
    for lesson in lessons:
        if lesson.facts_read is None:
            return EVERYTHING
        read |= lesson.facts_read
    attribute_patterns: list[str] = []
    for matcher in _matchers(m for c in roadmap.checkpoints for m in c.detect):
        if matcher.kind == "attribute":
            attribute_patterns += as_tuple(matcher.value)
    attributes = None if "attributes" in read else _last_names(attribute_patterns)
    return WalkPlan(secrets="sensitive" in read, attributes=attributes)


def _matchers(matchers: Iterable[Matcher]) -> Iterator[Matcher]:
    """Every matcher, the parts of an `all` too."""
    for matcher in matchers:
        yield matcher
        value = matcher.value
        if isinstance(value, list | tuple) and any(isinstance(v, Matcher) for v in value):
            yield from _matchers(v for v in value if isinstance(v, Matcher))


def _last_names(patterns: Iterable[str]) -> frozenset[str] | None:
    """The last names an attribute read needs to match one of `patterns` (globs where
    `*` crosses dots, `rules.patterns`); None when a pattern can match any last name.

    A read's name is `<head>.<attr>`, so it matches a pattern whose last segment is
    literal only if its `attr` is that segment."""
    names: set[str] = set()
    for pattern in patterns:
        if pattern.startswith("!"):
            return None  # a list of negations alone matches nearly everything
        last = pattern.rsplit(".", 1)[-1]
        if not last or _WILDCARDS & set(last):
            return None
        names.add(last)
    return frozenset(names)
