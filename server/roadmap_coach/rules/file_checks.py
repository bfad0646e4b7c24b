"""Each per-file matcher of the loaded roadmap taken apart once, for the engine.

`matchers.run_matcher` reads a matcher's conditions from its dict for every file it is
run on; a workspace runs the same few hundred matchers on thousands of files. A
`FileCheck` looks its conditions up once: the tests that read the file alone (path,
test code, imports), the kind's implementation, and what is done with what it found
(`in_function`, `not_class_attrs` / `not_decorated`, `teaches`, `inside` /
`not_inside`). It asks the same questions of the file and of the workspace's `Context`
in the same order as `run_matcher` and `Engine`, so it finds the same evidence.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.rules.matchers import Context, Evidence, excluded_by_enclosing
from roadmap_coach.rules.patterns import as_tuple, matches, path_matches
from roadmap_coach.rules.registry import FILE_MATCHERS

FileTest = Callable[[FileFacts], bool]
_UNSET = object()


class FileCheck:
    """One matcher, ready to run on a file's facts."""

    __slots__ = (
        "enclosing",
        "generated",
        "implementation",
        "in_function",
        "inside",
        "matcher",
        "outside",
        "teaches",
        "tests",
    )

    def __init__(self, matcher: Matcher) -> None:
        cond = matcher.conditions
        self.matcher = matcher
        self.implementation = FILE_MATCHERS.implementations[matcher.kind]
        self.generated = bool(cond.get("generated"))
        # `file_conditions_hold`'s tests after the generated one, in its order
        self.tests = tuple(_file_tests(cond))
        self.in_function = cond.get("in_function", _UNSET)
        self.enclosing = "not_class_attrs" in cond or "not_decorated" in cond
        self.teaches = str(cond["teaches"]).strip() if "teaches" in cond else None
        self.inside = as_tuple(cond.get("inside"))
        self.outside = as_tuple(cond.get("not_inside"))

    def __reduce__(self) -> tuple[type[FileCheck], tuple[Matcher]]:
        # taken apart again where it is unpickled (a server's worker processes get the
        # engine pickled): the tests are closures
        return FileCheck, (self.matcher,)

    def run(
        self, facts: FileFacts, ctx: Context, known: Mapping[str, list[Evidence]]
    ) -> list[Evidence]:
        """`run_matcher`, then the `inside` / `not_inside` clauses against the evidence
        `known` so far for the file (checkpoint id -> hits)."""
        # a tool's output earns only the checkpoints about using that tool
        if facts.generated and not self.generated:
            return []
        for test in self.tests:
            if not test(facts):
                return []
        found = self.implementation(self.matcher, facts, ctx)
        if self.in_function is not _UNSET:
            wanted = self.in_function
            found = [e for e in found if e.function and matches(wanted, *e.function.split("."))]
        if found and self.enclosing:
            found = [e for e in found if not excluded_by_enclosing(self.matcher, facts, e.function)]
        if found and self.teaches is not None:
            note = self.teaches
            found = [dataclasses.replace(e, teaches=note) for e in found]
        if not found or not (self.inside or self.outside):
            return found
        inside, outside = self.inside, self.outside
        wanted_in = _functions(inside, known)
        unwanted = _functions(outside, known)
        return [
            e
            for e in found
            if (not inside or _enclosed(e.function, wanted_in))
            and not _enclosed(e.function, unwanted)
        ]


def _file_tests(cond: Mapping[str, object]) -> list[FileTest]:
    tests: list[FileTest] = []
    if "path" in cond:
        path = cond["path"]
        tests.append(lambda f: path_matches(path, f.path))  # type: ignore[arg-type]
    if "not_path" in cond:
        not_path = cond["not_path"]
        tests.append(lambda f: not path_matches(not_path, f.path))  # type: ignore[arg-type]
    if "in_test" in cond:
        in_test = bool(cond["in_test"])
        tests.append(lambda f: f.is_test == in_test)
    if "imports" in cond:
        wanted = as_tuple(cond["imports"])  # type: ignore[arg-type]
        tests.append(lambda f: _imports(f, wanted))
    return tests


def _imports(facts: FileFacts, wanted: tuple[str, ...]) -> bool:
    """The file imports one of `wanted` or something inside it."""
    modules = {i.module for i in facts.imports} | {
        f"{i.module}.{i.name}" for i in facts.imports if i.name
    }
    return any(m == w or m.startswith(w + ".") for m in modules for w in wanted)


def _functions(ids: tuple[str, ...], known: Mapping[str, list[Evidence]]) -> set[str]:
    return {e.function for cid in ids for e in known.get(cid, []) if e.function}


def _enclosed(function: str | None, functions: set[str]) -> bool:
    """Is `function` one of `functions` or nested inside one of them?"""
    if function is None:
        return False
    return any(function == f or function.startswith(f + ".") for f in functions)
