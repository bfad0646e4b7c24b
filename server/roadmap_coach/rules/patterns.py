"""Glob patterns over dotted names, paths and value descriptors, compiled once."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from roadmap_coach.analysis.facts import Arg


@lru_cache(maxsize=4096)
def compile_globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a list of globs; `*` crosses dots and slashes.

    `*` and `?` are the only wildcards: `[` and `]` are plain text, because the names
    they match are full of them (`os.environ[SECRET_KEY]`, `Optional[int]`)."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{fnmatch.translate(_literal_brackets(p))})" for p in patterns))


def _literal_brackets(pattern: str) -> str:
    # `[[]` is fnmatch's way to say a literal `[`; a lone `]` is already literal
    return pattern.replace("[", "[[]")


def as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple):
        return value
    return tuple(map(str, value))


_WILDCARDS = frozenset("*?")


class _Shape:
    """A glob list as plain string tests where it can be: most patterns are a name
    (`os.getenv`), a suffix (`*.execute`), a prefix (`test*`), a part
    (`*login_required*`) or a prefix and a suffix (`test_*.py`); the others share one
    regex, tried only on names that begin with one of their literal heads (when each
    has one: `postgresql+*://*` can only match a name that begins `postgresql+`)."""

    __slots__ = (
        "anything",
        "around",
        "exact",
        "heads",
        "match",
        "parts",
        "prefixes",
        "rest",
        "simple",
        "suffixes",
    )

    def __init__(self, patterns: tuple[str, ...]) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        suffixes: list[str] = []
        parts: list[str] = []
        around: list[tuple[str, str, int]] = []
        rest: list[str] = []
        self.anything = False
        for pattern in patterns:
            stars = pattern.count("*")
            if stars and stars == len(pattern):
                self.anything = True
            elif "?" in pattern or stars > 2:
                rest.append(pattern)
            elif not stars:
                exact.add(pattern)
            elif stars == 2:
                inner = pattern[1:-1]
                if pattern[0] == "*" and pattern[-1] == "*" and inner and "*" not in inner:
                    parts.append(inner)
                else:
                    rest.append(pattern)
            elif pattern[0] == "*":
                suffixes.append(pattern[1:])
            elif pattern[-1] == "*":
                prefixes.append(pattern[:-1])
            else:
                head, tail = pattern.split("*")
                around.append((head, tail, len(head) + len(tail)))
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.suffixes = tuple(suffixes)
        self.parts = tuple(parts)
        self.around = tuple(around)
        self.rest = compile_globs(tuple(rest)) if rest else None
        heads = tuple(_head(p) for p in rest)
        self.heads = heads if rest and all(heads) else None
        # no loop over parts and no regex that any name may reach: not worth a memo of
        # the names tested (a memo hit costs about what a set lookup and two C string
        # tests do; a regex only names with one of its heads reach is rarely run)
        self.simple = not (self.parts or self.around) and (
            self.rest is None or self.heads is not None
        )

        # `match(name)`: the tests this list needs and no others, their data bound once
        self.match: Callable[[str], bool] = _matcher(self)


def _matcher(shape: _Shape) -> Callable[[str], bool]:
    exact, prefixes, suffixes = shape.exact, shape.prefixes, shape.suffixes
    parts, around, rest, heads = shape.parts, shape.around, shape.rest, shape.heads
    if shape.anything:
        return lambda name: True
    if not (parts or around or rest):
        return lambda name: name in exact or name.endswith(suffixes) or name.startswith(prefixes)

    def match(name: str) -> bool:
        if name in exact or name.endswith(suffixes) or name.startswith(prefixes):
            return True
        for part in parts:
            if part in name:
                return True
        for head, tail, size in around:
            if len(name) >= size and name.startswith(head) and name.endswith(tail):
                return True
        if rest is None or (heads is not None and not name.startswith(heads)):
            return False
        return rest.match(name) is not None

    return match


def _head(pattern: str) -> str:
    """The literal text a glob begins with (up to its first wildcard)."""
    for index, char in enumerate(pattern):
        if char in _WILDCARDS:
            return pattern[:index]
    return pattern


@lru_cache(maxsize=4096)
def _split(patterns: tuple[str, ...]) -> tuple[_Shape, _Shape | None]:
    """Positive globs and `!`-negated ones (a name matching a negation never matches)."""
    negated = tuple(p[1:] for p in patterns if p.startswith("!"))
    positive = tuple(p for p in patterns if not p.startswith("!")) or (("*",) if negated else ())
    return _Shape(positive), _Shape(negated) if negated else None


class Globs:
    """Compiled patterns. A name is tested with plain string tests where the list allows
    (no memo: a set lookup and two C string tests cost no more than a memo's lookup); a
    list with parts or a regex that any name may reach keeps a memo of the names tested
    (the same names, `os.path.join`, `self.assertEqual`, recur in every file), and a
    list that is more than names, suffixes and prefixes one of the name tuples `any`
    was asked."""

    __slots__ = (
        "exact",
        "memo",
        "named",
        "negated",
        "plain",
        "positive",
        "prefixes",
        "simple",
        "suffixes",
        "test",
        "tuples",
    )
    # a full memo starts again rather than stop learning: the names of the files being
    # evaluated now are the ones that recur next (a test module's `self.assert*`)
    MEMO_LIMIT = 20_000

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.positive, self.negated = _split(patterns)
        self.simple = self.positive.simple and (self.negated is None or self.negated.simple)
        positive = self.positive
        # names, suffixes and prefixes only: the tests inlined in `test` and `matches`
        self.plain = (
            self.negated is None
            and positive.rest is None
            and not (positive.anything or positive.parts or positive.around)
        )
        self.exact = positive.exact
        self.suffixes = positive.suffixes
        self.prefixes = positive.prefixes
        self.memo: dict[str, bool] = {}
        self.tuples: dict[tuple[str, ...], bool] = {}
        # `test(name)`: does `name` match? The fewest calls for this list's shape
        self.test: Callable[[str], bool] = self._memoised
        if self.plain:
            self.test = self._plain
        elif self.simple:
            self.test = self.positive.match if self.negated is None else self._vetoed
        # the cheapest test of one name, for loops over a file's names: None when every
        # name matches, a set's own lookup for a list of names alone
        self.named: Callable[[str], bool] | None = self.test
        if positive.anything and self.negated is None:
            self.named = None
        elif self.plain and not (self.suffixes or self.prefixes):
            self.named = self.exact.__contains__

    def any(self, names: tuple[str, ...]) -> bool:
        """Does one of `names` match? A list that is more than names, suffixes and
        prefixes remembers the answer by the tuple: a call's names come from
        `Context.names`, which hands out the same tuples again and again."""
        if self.plain:
            exact, suffixes, prefixes = self.exact, self.suffixes, self.prefixes
            for name in names:
                if name in exact or name.endswith(suffixes) or name.startswith(prefixes):
                    return True
            return False
        found = self.tuples.get(names)
        if found is None:
            found = False
            for name in names:
                if self.test(name):
                    found = True
                    break
            if len(self.tuples) >= self.MEMO_LIMIT:
                self.tuples.clear()
            self.tuples[names] = found
        return found

    def _plain(self, name: str) -> bool:
        return name in self.exact or name.endswith(self.suffixes) or name.startswith(self.prefixes)

    def _vetoed(self, name: str) -> bool:
        return self.positive.match(name) and not (
            self.negated is not None and self.negated.match(name)
        )

    def _memoised(self, name: str) -> bool:
        found = self.memo.get(name)
        if found is None:
            found = self._vetoed(name)
            if len(self.memo) >= self.MEMO_LIMIT:
                self.memo.clear()
            self.memo[name] = found
        return found


# Pattern lists live as long as their roadmap, so they are looked up by identity (the
# entry keeps the object alive, which makes the id safe to reuse as a key).
_COMPILED: dict[int, tuple[object, Globs]] = {}
# the same patterns given as a new object (a tuple built per call) share one memo
_BY_VALUE: dict[tuple[str, ...], Globs] = {}


def globs(patterns: str | Iterable[str]) -> Globs:
    entry = _COMPILED.get(id(patterns))
    if entry is not None and entry[0] is patterns:
        return entry[1]
    if len(_COMPILED) > 50_000:  # patterns built on the fly: do not grow without bound
        _COMPILED.clear()
    key = as_tuple(patterns)
    compiled = _BY_VALUE.get(key)
    if compiled is None:
        if len(_BY_VALUE) > 4_096:
            _BY_VALUE.clear()
        compiled = _BY_VALUE[key] = Globs(key)
    _COMPILED[id(patterns)] = (patterns, compiled)
    return compiled


def matches(patterns: str | Iterable[str] | None, *names: str | None) -> bool:
    if patterns is None:
        return False
    compiled = globs(patterns)
    # loops, not `any(...)`: this runs for every name of every file
    if compiled.plain:
        exact, suffixes, prefixes = compiled.exact, compiled.suffixes, compiled.prefixes
        for name in names:
            if name is not None and (
                name in exact or name.endswith(suffixes) or name.startswith(prefixes)
            ):
                return True
        return False
    test = compiled.test
    for name in names:  # noqa: SIM110
        if name is not None and test(name):
            return True
    return False


class _PathPlan:
    """A path pattern list split once: globs on the file name, globs on the whole path."""

    __slots__ = ("name", "path")

    def __init__(self, pats: tuple[str, ...]) -> None:
        plain = tuple(p for p in pats if "/" not in p)
        nested = tuple(p for p in pats if "/" in p)
        self.name = _Shape(plain) if plain else None
        self.path = (
            _Shape(nested + tuple(p[3:] for p in nested if p.startswith("**/"))) if nested else None
        )


# by identity, like `_COMPILED`: every file is tested against the same few lists
_PATH_PLANS: dict[int, tuple[object, _PathPlan]] = {}


def path_matches(patterns: str | Iterable[str] | None, path: str) -> bool:
    """A glob without '/' matches the file name in any folder; with '/', the whole path."""
    entry = _PATH_PLANS.get(id(patterns))
    if entry is not None and entry[0] is patterns:
        plan = entry[1]
    else:
        if len(_PATH_PLANS) > 50_000:
            _PATH_PLANS.clear()
        plan = _PathPlan(as_tuple(patterns))
        _PATH_PLANS[id(patterns)] = (patterns, plan)
    if plan.name is not None and plan.name.match(path.rsplit("/", 1)[-1]):
        return True
    return plan.path is not None and plan.path.match(path)


def describe(arg: Arg | None) -> str:
    """A value's descriptor for `returns`, `args`, `kwargs` and `value` patterns.

    `str:<text>`, `int:<n>`, `bool:True`, `none`, `call:<qname>`, `name:<qname>`,
    `attr:<qname>`, `subscript:<qname>[key]`, `dict`, `list`, `fstring`, `concat`,
    `tuple(<d0>,<d1>)`.
    """
    if arg is None:
        return "none"
    if arg.kind in ("tuple", "list", "set") and arg.items is not None and arg.kind == "tuple":
        return "tuple(" + ",".join(describe(item) for item in arg.items) + ")"
    if arg.value is not None and arg.kind not in ("list", "set", "tuple"):
        return f"{arg.kind}:{arg.value}"
    return arg.kind


class _ValuePlan:
    """A `value_matches` pattern list taken apart once: what a value may be, and not be."""

    __slots__ = ("anything", "items", "kinds", "negated", "none", "positive")

    def __init__(self, pats: tuple[str, ...]) -> None:
        self.none = "none" in pats
        negated = tuple(p[1:] for p in pats if p.startswith("!"))
        self.negated = compile_globs(negated) if negated else None
        positive = tuple(p for p in pats if not p.startswith("!")) or ("*",)
        self.anything = "*" in positive
        self.kinds = frozenset(positive)
        self.positive = compile_globs(positive)
        self.items = tuple(p[5:] for p in positive if p.startswith("item:"))


# by identity, like `_COMPILED`: pattern lists live as long as their roadmap
_VALUE_PLANS: dict[int, tuple[object, _ValuePlan]] = {}


def _value_plan(pattern: str | Iterable[str]) -> _ValuePlan:
    entry = _VALUE_PLANS.get(id(pattern))
    if entry is not None and entry[0] is pattern:
        return entry[1]
    if len(_VALUE_PLANS) > 50_000:
        _VALUE_PLANS.clear()
    plan = _ValuePlan(as_tuple(pattern))
    _VALUE_PLANS[id(pattern)] = (pattern, plan)
    return plan


def value_matches(pattern: str | Iterable[str], arg: Arg | None) -> bool:
    """`*` = present; a bare kind (`str`, `int`) matches any value of that kind."""
    plan = _value_plan(pattern)
    if arg is None:
        return plan.none
    if plan.negated is None and (plan.anything or arg.kind in plan.kinds):
        return True
    descriptor = describe(arg)
    if plan.negated is not None and plan.negated.match(descriptor):
        return False
    if plan.anything or arg.kind in plan.kinds or plan.positive.match(descriptor):
        return True
    items = arg.items
    if not items or not plan.items:
        return False
    return any(value_matches(sub, item) for sub in plan.items for item in items)
