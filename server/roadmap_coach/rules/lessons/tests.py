"""Tests that cannot fail."""

from __future__ import annotations

import re
from collections.abc import Iterator

from roadmap_coach.analysis.facts import Call, FileFacts, Function
from roadmap_coach.analysis.file_roles import is_test_path
from roadmap_coach.rules.lessons.base import Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_CHECKING_CALL_RE = re.compile(
    r"^_*(assert|expect|verify|check)|^(fail|raises|approx)$", re.IGNORECASE
)
# methods named `test_…` that make a test tool, not run a test (Flask, Quart)
_FRAMEWORK_TEST_TOOLS = frozenset({"test_client", "test_request_context", "test_cli_runner"})
_FIXTURE_RE = re.compile(r"(^|\.)fixture$")
_SKIPPED_RE = re.compile(
    r"pytest\.mark\.(skip|skipif|xfail)$|unittest\.(skip|expectedFailure)|\.skip$"
)


class AssertionFreeTest(Lesson):
    """## What it catches
    A test function (`test_*` in a test file) that contains no `assert`, no
    `self.assert…()` / mock `assert_called…()` call, no `pytest.raises`, and
    calls no helper of the same file that checks (itself or through another
    helper). Fixtures named `test_…` and functions defined inside another
    function are not tests. A test that calls what it
    imports from the project's test code (`from .utils import http`, `tests.` or
    `conftest` helpers, a `test_…` function of another module) or runs a command
    with `check=True` is not reported either: that may check, in code this lesson
    does not read.

    ## Why it matters
    A test passes when it raises nothing. Without a check, it passes whether the
    code is right or wrong, so it gives a green tick and no protection. (A test
    that only checks "it does not crash" is worth writing down as such: assert
    the result you expect.)

    ## Example
    ```python
    def test_create_user(client):
        client.post("/users", json={"name": "Ada"})
    ```

    ## The safe way
    State what must be true afterwards.
    ```python
    def test_create_user(client):
        response = client.post("/users", json={"name": "Ada"})
        assert response.status_code == 201
        assert response.json()["name"] == "Ada"
    ```
    Skipped and expected-to-fail tests are not reported.
    """

    code = "RC601"
    facts_read = reads(FILE, NAMES, "calls", "decorators", "functions")
    step = "testing"
    title = "A test that asserts nothing"
    severity = "information"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        if facts.kind != "python" or not facts.is_test:
            return
        calls_by_function: dict[str, list[Call]] = {}
        for call in facts.calls:
            if call.function:
                calls_by_function.setdefault(call.function, []).append(call)
        helpers = _checking_helpers(facts, calls_by_function)
        test_code = _test_code_names(facts)
        # function -> itself and the functions nested in it that call something, in
        # `calls_by_function` order: a test module holds hundreds of tests
        within: dict[str, list[str]] = {}
        for name in calls_by_function:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                within.setdefault(".".join(parts[:end]), []).append(name)
        defined = {f.qualname for f in facts.functions}
        for function in facts.functions:
            if not _is_test(function) or function.asserts:
                continue
            if _inside_a_function(function.qualname, defined):
                continue  # pytest never collects it
            inside = [
                c for name in within.get(function.qualname, ()) for c in calls_by_function[name]
            ]
            if any(_checks(c, helpers) for c in inside) or _nested_asserts(facts, function):
                continue
            if any(_runs_other_code_that_may_check(c, test_code) for c in inside):
                continue  # it may check, in code this lesson does not read
            message = (
                f"`{function.name}` checks nothing, so it passes whether the code works or not. "
                "Add an `assert` on the result you expect."
            )
            yield LessonFinding(
                self.code, facts.path, function.span, self.severity, message, self.step, priority=2
            )


def _checking_helpers(facts: FileFacts, calls_by_function: dict[str, list[Call]]) -> set[str]:
    """Names of this file's non-test functions and methods that check something: an
    `assert`, a `self.assert…()`-like call, or a call to another such helper
    (`self.login_and_expect_redirect()` whose body calls `self.assertEqual`)."""
    helpers: set[str] = set()
    candidates = [f for f in facts.functions if not f.name.startswith("test")]
    changed = True
    while changed:
        changed = False
        for function in candidates:
            if function.name in helpers:
                continue
            if function.asserts or any(
                _checks(c, helpers) for c in calls_by_function.get(function.qualname, ())
            ):
                helpers.add(function.name)
                changed = True
    return helpers


def _is_test(function: Function) -> bool:
    """Named like a test, not skipped, not a fixture (`@pytest.fixture def test_user()`
    makes data for tests), and not returning a value (a test returns nothing; a
    `test_id(...)` helper that returns a decorator is not a test)."""
    if any(r.kind != "none" for r in function.returns):
        return False
    return function.name.startswith("test") and not any(
        _SKIPPED_RE.search(d) or _FIXTURE_RE.search(d) for d in function.decorators
    )


def _checks(call: Call, helpers: set[str]) -> bool:
    last = call.name.rsplit(".", 1)[-1]
    if _CHECKING_CALL_RE.search(last) or call.qname.endswith(
        ("pytest.fail", "pytest.skip", "pytest.xfail")
    ):
        return True
    return last in helpers


def _runs_other_code_that_may_check(call: Call, test_code: set[str]) -> bool:
    """A call of the project's test code, of a test (`modules.test.test_create()`), or
    one that raises when what it runs fails (`subprocess.run(…, check=True)`)."""
    last = call.name.rsplit(".", 1)[-1]
    if call.name in test_code or (call.name.split(".", 1)[0] in test_code and last[:1].islower()):
        return True  # `http(…)`, `helpers.check_page(…)`
    if last.startswith("test_") and last not in _FRAMEWORK_TEST_TOOLS:
        return True
    check = call.kwargs.get("check")
    return check is not None and check.kind == "bool" and check.value == "True"


def _test_code_names(facts: FileFacts) -> set[str]:
    """Functions this file imports from the project's own test code: from a relative
    import into a test package (`from .utils import http`), a `tests` package or
    `conftest`, and `test_…` functions or modules of any module (`from docs_src.main
    import test_read`). Capitalised names are classes (`from .models import Car`): making
    one checks nothing."""
    names: set[str] = set()
    for imported in facts.imports:
        parts = imported.module.split(".")
        local = imported.level > 0 or parts[0] in ("tests", "test", "conftest")
        name = imported.name or ""
        helper = local and is_test_path("/".join(parts) + ".py") and not name[:1].isupper()
        if helper or name.startswith("test"):
            names.add(imported.alias or name or parts[0])
    return names


def _inside_a_function(qualname: str, functions: set[str]) -> bool:
    """`Tests.test_a.test_b` or `Tests.test_a.Local.test_b`: defined inside `test_a`."""
    parts = qualname.split(".")
    return any(".".join(parts[:end]) in functions for end in range(1, len(parts)))


def _nested_asserts(facts: FileFacts, function: Function) -> bool:
    prefix = function.qualname + "."
    return any(f.asserts for f in facts.functions if f.qualname.startswith(prefix))
