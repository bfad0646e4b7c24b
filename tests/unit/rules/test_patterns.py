"""Value and path patterns: what `value_matches` and `path_matches` accept, whatever
order a pattern list is asked in and however often."""

from __future__ import annotations

import pytest

from roadmap_coach.analysis.facts import Arg
from roadmap_coach.rules.patterns import path_matches, value_matches

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
