"""A per-file index of calls and decorators by their last name segment.

Most call and decorator patterns end in a literal name (`*.execute`,
`flask.render_template`), so a matcher only needs the few calls with that last
segment instead of every call in the file. Built once per file and evaluation,
this keeps the cost of adding checkpoints close to zero for such patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from sys import intern
from typing import Any, Generic, TypeVar

from roadmap_coach.analysis.facts import Call, Decorator, FileFacts
from roadmap_coach.rules.patterns import Globs, as_tuple, globs

_GLOB = frozenset("*?[")
T = TypeVar("T", Call, Decorator)


@lru_cache(maxsize=4096)
def _plan(pattern: str) -> tuple[str, str]:
    """How to find a pattern's candidates: by its literal last segment, by its literal
    first segment, or by matching its last-segment glob against the file's segments."""
    last = pattern.rsplit(".", 1)[-1]
    if last and not _GLOB & set(last):
        return "last", last
    first = pattern.split(".", 1)[0]
    if "." in pattern and first and not _GLOB & set(first):
        return "first", first
    return "glob", last or "*"


@lru_cache(maxsize=4096)
def _segment_globs(key: str) -> Globs:
    return Globs((key,))


# names (as `Context.names` gives them, the same tuples again and again) -> their last
# and first segments, each once
_SEGMENTS: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}
# Equal segment tuples (and pairs of them) are one object: tens of thousands of names
# end in a few thousand segments, and a worker keeps this memo to its end (two
# frozensets per name held ~10 MB on Django).
_SHARED: dict[object, Any] = {}
# Emptied past this many: a names tuple is asked again mostly within its file and the
# next few, so on Django's ~90,000 asks a process made 17,000 segment pairs kept to
# 4,096 against 13,000-16,000 kept without end, which held 2-3 MB in each process.
_KEEP_SEGMENTS = 4096


def _segments(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = _SEGMENTS.get(names)
    if found is None:
        if len(_SEGMENTS) >= _KEEP_SEGMENTS:
            _SEGMENTS.clear()
            _SHARED.clear()
        lasts = _shared(tuple(dict.fromkeys([intern(n.rsplit(".", 1)[-1]) for n in names])))
        heads = _shared(tuple(dict.fromkeys([intern(n.split(".", 1)[0]) for n in names])))
        found = _SEGMENTS[names] = _shared((lasts, heads))
    return found


def _shared(value: Any) -> Any:
    return _SHARED.setdefault(value, value)


def forget() -> None:
    """Drop the segments memo: a `scan`'s process has made its last record when it
    folds, and the memory goes to the fold instead (the memo fills again on use)."""
    _SEGMENTS.clear()
    _SHARED.clear()


class NamedIndex(Generic[T]):
    """Items with every name they go by, bucketed by the last segment of those names."""

    __slots__ = ("buckets", "firsts", "items")

    def __init__(self, items: Sequence[T], names: Callable[[T], tuple[str, ...]]) -> None:
        self.items: list[tuple[T, tuple[str, ...]]] = [(item, names(item)) for item in items]
        self.buckets: dict[str, list[int]] = {}
        self.firsts: dict[str, list[int]] = {}
        buckets, firsts = self.buckets, self.firsts
        for position, (_, item_names) in enumerate(self.items):
            lasts, heads = _segments(item_names)
            _file(buckets, lasts, position)
            _file(firsts, heads, position)

    def candidates(self, patterns: str | Iterable[str] | None) -> list[tuple[T, tuple[str, ...]]]:
        plans = _plans(patterns)
        if plans is None:
            return self.items
        first: list[int] | None = None
        positions: set[int] | None = None
        for how, key in plans:
            if how == "last":
                found = self.buckets.get(key)
            elif how == "first":
                found = self.firsts.get(key)
            else:
                test = _segment_globs(key).test
                found = [p for last, bucket in self.buckets.items() if test(last) for p in bucket]
            if not found:
                continue
            if first is None:
                first = found
            else:
                if positions is None:
                    positions = set(first)
                positions.update(found)
        if first is None:
            return []
        items = self.items
        if positions is None and plans[0][0] != "glob" and len(plans) == 1:
            return [items[p] for p in first]  # one bucket: in order, each once already
        return [items[p] for p in sorted(positions if positions is not None else set(first))]


# pattern list (by identity, kept alive here) -> how to find its candidates (None: every
# item); matchers ask with the same few lists for every file
_PLANS: dict[int, tuple[object, tuple[tuple[str, str], ...] | None]] = {}


def _plans(patterns: str | Iterable[str] | None) -> tuple[tuple[str, str], ...] | None:
    entry = _PLANS.get(id(patterns))
    if entry is not None and entry[0] is patterns:
        return entry[1]
    plans: tuple[tuple[str, str], ...] | None = tuple(
        _plan(pattern) for pattern in as_tuple(patterns) if not pattern.startswith("!")
    )
    if plans is not None and ("glob", "*") in plans:
        plans = None
    if len(_PLANS) > 50_000:  # lists built on the fly: do not grow without bound
        _PLANS.clear()
    _PLANS[id(patterns)] = (patterns, plans)
    return plans


class FileIndex:
    __slots__ = ("_callers", "calls", "decorators", "facts")

    def __init__(self, facts: FileFacts, names: Callable[..., tuple[str, ...]]) -> None:
        self.facts = facts
        self.calls: NamedIndex[Call] = NamedIndex(facts.calls, lambda c: names(c.name, c.qname))
        self.decorators: NamedIndex[Decorator] = NamedIndex(
            facts.decorators, lambda d: names(d.name, d.qname)
        )
        # pattern list (by identity, kept alive here) -> the functions calling it
        self._callers: dict[int, tuple[object, frozenset[str | None]]] = {}

    def callers(self, patterns: str | Iterable[str]) -> frozenset[str | None]:
        """The functions whose own body calls one of `patterns`, found once per pattern
        list: a `calls` condition asks it for every function of the file."""
        entry = self._callers.get(id(patterns))
        if entry is not None and entry[0] is patterns:
            return entry[1]
        test = globs(patterns).test
        found = frozenset(
            call.function
            for call, names in self.calls.candidates(patterns)
            if any(name is not None and test(name) for name in names)
        )
        self._callers[id(patterns)] = (patterns, found)
        return found


def _file(index: dict[str, list[int]], keys: Iterable[str], position: int) -> None:
    for key in keys:
        found = index.get(key)
        if found is None:
            index[key] = [position]
        else:
            found.append(position)
