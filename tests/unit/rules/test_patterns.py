"""Value and path patterns: what `value_matches` and `path_matches` accept, whatever
order a pattern list is asked in and however often."""

from __future__ import annotations

import pytest

from roadmap_coach.analysis.facts import Arg
from roadmap_coach.rules.patterns import (
    Globs,
    compile_globs,
    matches,
    path_matches,
    value_matches,
)

SECRET = Arg("str", "s3cret")
CALL = Arg("call", "os.getenv")
TUPLE = Arg("tuple", items=[Arg("str", "a"), Arg("name", "x")])
LIST = Arg("list", items=[Arg("str", "django.middleware.csrf.CsrfViewMiddleware")])


@pytest.mark.parametrize(
    ("pattern", "arg", "expected"),
    [
        ("*", SECRET, True),
        ("*", None, False),
        (["none"], None, True),
        ("str", SECRET, True),
        ("int", SECRET, False),
        ("str:s3*", SECRET, True),
        (["!str:s3*"], SECRET, False),
        (["!str:s3*"], CALL, True),
        (["!call:os.*", "call"], CALL, False),
        (["call:os.getenv", "str"], CALL, True),
        ("tuple(str:a,name:x)", TUPLE, True),
        ("item:str:django.middleware.csrf.*", LIST, True),
        ("item:str:other.*", LIST, False),
        ("item:str:*", SECRET, False),
    ],
)
def test_value_matches(pattern: object, arg: Arg | None, expected: bool) -> None:
    for _ in range(2):  # the second time reads the kept plan
        assert value_matches(pattern, arg) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("settings.py", "proj/settings.py", True),
        ("settings.py", "settings.py", True),
        ("*.sql", "db/schema.sql", True),
        ("proj/*.py", "proj/settings.py", True),
        ("proj/*.py", "other/settings.py", False),
        ("**/migrations/*.py", "migrations/0001.py", True),
        ("**/migrations/*.py", "app/migrations/0001.py", True),
        (["Dockerfile", "**/docker/*"], "ops/docker/compose.yml", True),
        ([], "app.py", False),
        (None, "app.py", False),
    ],
)
def test_path_matches(pattern: object, path: str, expected: bool) -> None:
    for _ in range(2):
        assert path_matches(pattern, path) is expected  # type: ignore[arg-type]


# every shape a glob list is taken apart into (names, suffixes, prefixes, parts, a prefix
# and a suffix, a regex with or without a literal head, negations), and names around them
GLOB_LISTS = [
    ("os.getenv",),
    ("*.execute", "*.executemany"),
    ("test*", "self.assert*"),
    ("*login_required*",),
    ("test_*.py", "passlib.*.verify"),
    ("postgresql+*://*", "mysql://*", "django.db.backends.mysql"),
    ("*.objects.*", "*repo.*", "*.query.filter*"),
    ("os.environ[*SECRET*]", "os.environ[*KEY]"),
    ("*", "!_*"),
    ("!__init__", "*"),
    ("**",),
    ("a?c", "*x?y*"),
    ("[x]*", "*[Content-Security-Policy]"),
    ("",),
]
NAMES = [
    "",
    "os.getenv",
    "os.getenvx",
    "cur.execute",
    "execute",
    ".execute",
    "test",
    "tests",
    "self.assertEqual",
    "flask_login.login_required",
    "login_required",
    "test_.py",
    "test_app.py",
    "test.py",
    "passlib.hash.verify",
    "passlib.verify",
    "postgresql+asyncpg://u@h/db",
    "postgresql://h",
    "mysql://",
    "django.db.backends.mysql",
    "User.objects.filter",
    "my_repo.get",
    "db.query.filter_by",
    "os.environ[DJANGO_SECRET_KEY]",
    "os.environ[API_KEY]",
    "os.environ[KEY_FILE]",
    "_private",
    "__init__",
    "abc",
    "axc.xzy",
    "[x]y",
    "resp[Content-Security-Policy]",
    "line\nbreak",
]


def _by_regex(patterns: tuple[str, ...], name: str) -> bool:
    """What a list means: `fnmatch` globs (`*` crosses dots, `[` is plain text),
    `!` negations that veto (a list of negations alone starts from `*`)."""
    negated = tuple(p[1:] for p in patterns if p.startswith("!"))
    positive = tuple(p for p in patterns if not p.startswith("!")) or (("*",) if negated else ())
    if negated and compile_globs(negated).match(name):
        return False
    return compile_globs(positive).match(name) is not None


@pytest.mark.parametrize("patterns", GLOB_LISTS)
def test_glob_lists_test_names_as_their_regex_would(patterns: tuple[str, ...]) -> None:
    compiled = Globs(patterns)
    for name in NAMES:
        expected = _by_regex(patterns, name)
        assert compiled.test(name) is expected, (patterns, name)
        assert matches(patterns, None, name) is expected, (patterns, name)
        assert compiled.any((name,)) is expected
        assert compiled.test(name) is expected  # again: a memo, where kept, answers alike


def test_plain_string_shapes_keep_no_memo_of_names() -> None:
    # a list of names, suffixes and prefixes, or one whose regex only a name with a
    # literal head can reach, remembers nothing of the names it was asked; a list with
    # parts (a loop) or a regex any name reaches remembers each answer
    for patterns, kept in [(GLOB_LISTS[i], False) for i in (0, 1, 2, 5)] + [
        (GLOB_LISTS[i], True) for i in (3, 4, 6, 7, 11)
    ]:
        compiled = Globs(patterns)
        for name in NAMES:
            compiled.test(name)
        assert bool(compiled.memo) is kept, patterns


@pytest.mark.parametrize("patterns", [("*.html", "templates/*"), ("*/nginx/*", "nginx.conf")])
def test_path_globs_split_into_name_and_path_tests(patterns: tuple[str, ...]) -> None:
    for path in ["a/b/index.html", "templates/x.txt", "ops/nginx/site", "nginx.conf", "x.conf"]:
        name = path.rsplit("/", 1)[-1]
        plain = tuple(p for p in patterns if "/" not in p)
        nested = tuple(p for p in patterns if "/" in p)
        expected = bool(plain and _by_regex(plain, name)) or bool(
            nested and _by_regex(nested, path)
        )
        assert path_matches(patterns, path) is expected, (patterns, path)
