"""The matcher vocabulary has one implementation per declared kind, or the engine does not
import: a course author's `detect` clause can never name a kind the loader accepts and
the engine silently ignores, and a second implementation cannot shadow the first.

Each broken case runs in a fresh interpreter that changes the vocabulary the way a
contributor would (a declaration without code, a second `@kind`, code without a
declaration) and then imports `rules.engine`, as `scan` and `serve` do."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import pytest

from roadmap_coach.roadmap.schema import FILE, KINDS, WORKSPACE
from roadmap_coach.rules import matchers, registry, workspace_kinds
from roadmap_coach.rules.engine import Engine  # noqa: F401  (its import ran the check)
from roadmap_coach.rules.registry import FILE_MATCHERS, WORKSPACE_MATCHERS, VocabularyError


def import_engine_after(setup: str) -> subprocess.CompletedProcess[str]:
    """Run `setup`, then import the engine, in a fresh interpreter."""
    code = textwrap.dedent(setup) + "\nimport roadmap_coach.rules.engine\nprint('imported')\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_shipped_vocabulary_imports_with_one_implementation_per_kind() -> None:
    registry.check()  # the engine's import ran it too
    for declared in KINDS:
        home = matchers if declared.scope == FILE else workspace_kinds
        table = FILE_MATCHERS if declared.scope == FILE else WORKSPACE_MATCHERS
        implementation = table.implementations[declared.name]
        assert inspect.getmodule(implementation) is home, declared.name
    registered = [n for n, _ in FILE_MATCHERS.registered + WORKSPACE_MATCHERS.registered]
    assert sorted(registered) == sorted(k.name for k in KINDS)


def test_a_declared_kind_without_an_implementation_stops_the_engine_import() -> None:
    run = import_engine_after(
        """
        from roadmap_coach.roadmap import schema
        schema.KINDS = (*schema.KINDS, schema.Kind("docstring", schema.FILE, schema.COMMON))
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert "VocabularyError" in run.stderr
    assert (
        "matcher kind `docstring` is declared in roadmap/schema.py but nothing implements it"
        in (run.stderr)
    )
    assert '@kind("docstring")' in run.stderr


def test_a_declared_workspace_kind_without_an_implementation_names_its_decorator() -> None:
    run = import_engine_after(
        """
        from roadmap_coach.roadmap import schema
        schema.KINDS = (*schema.KINDS, schema.Kind("coverage", schema.WORKSPACE, frozenset()))
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert '@workspace_kind("coverage")' in run.stderr


def test_two_implementations_of_one_kind_stop_the_engine_import() -> None:
    run = import_engine_after(
        """
        from roadmap_coach.rules import matchers
        from roadmap_coach.rules.registry import kind

        @kind("call")
        def match_call_again(m, f, ctx):
            return []
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert (
        "matcher kind `call` has 2 implementations per file "
        "(rules.matchers.match_call, __main__.match_call_again): keep exactly one"
    ) in run.stderr


def test_an_implementation_of_an_undeclared_kind_stops_the_engine_import() -> None:
    run = import_engine_after(
        """
        from roadmap_coach.rules.registry import workspace_kind

        @workspace_kind("coverage")
        def match_coverage(key, m, ws):
            return []
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert (
        "__main__.match_coverage implements matcher kind `coverage`, which roadmap/schema.py "
        "does not declare"
    ) in run.stderr


def test_a_kind_implemented_for_the_other_scope_stops_the_engine_import() -> None:
    run = import_engine_after(
        """
        from roadmap_coach.rules.registry import workspace_kind

        @workspace_kind("call")
        def match_call_everywhere(key, m, ws):
            return []
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert (
        "__main__.match_call_everywhere implements matcher kind `call` workspace-wide, but "
        'roadmap/schema.py declares it per file: register it with @kind("call")'
    ) in run.stderr


def test_every_disagreement_is_reported_at_once() -> None:
    from roadmap_coach.roadmap.schema import COMMON, Kind

    declared = [Kind("call", FILE, COMMON), Kind("git", WORKSPACE, frozenset())]
    per_file: registry.Registry[registry.FileMatcher] = registry.Registry(FILE)
    workspace: registry.Registry[registry.WorkspaceMatcher] = registry.Registry(WORKSPACE)
    per_file.register("call")(matchers.match_call)
    per_file.register("call")(matchers.match_decorator)
    per_file.register("lambda")(matchers.match_lambda)
    with pytest.raises(VocabularyError) as raised:
        registry.check(declared, [per_file, workspace])
    lines = str(raised.value).splitlines()
    assert len(lines) == 4  # the heading, then one line per problem
    assert "`lambda`, which roadmap/schema.py does not declare" in lines[1]
    assert "`call` has 2 implementations" in lines[2]
    assert "`git` is declared in roadmap/schema.py but nothing implements it" in lines[3]
