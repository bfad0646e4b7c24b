"""The kinds met from the learner's recorded log (`Kind.from_log`: `history`, `achieved`
across workspaces) have exactly one reader in `progress.derived`, or it does not import:
a new log kind cannot be declared and then silently never met."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from roadmap_coach.progress import derived
from roadmap_coach.progress.derived import LOG_MATCHERS
from roadmap_coach.roadmap.schema import KINDS
from roadmap_coach.rules.registry import LOG, Registry, problems


def import_derived_after(setup: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(setup) + "\nimport roadmap_coach.progress.derived\nprint('imported')\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_each_kind_declared_from_the_log_has_one_reader_and_is_documented() -> None:
    readers = sorted(name for name, _ in LOG_MATCHERS.registered)
    assert readers == sorted(k.name for k in KINDS if k.from_log) == ["achieved", "history"]
    assert all(f"`{name}" in (derived.__doc__ or "") for name in readers)


def test_a_log_kind_without_a_reader_stops_the_import() -> None:
    run = import_derived_after(
        """
        from roadmap_coach.roadmap import schema
        streak = schema.Kind("streak", schema.WORKSPACE, frozenset(), from_log=True)
        schema.KINDS = (*schema.KINDS, streak)

        from roadmap_coach.rules.registry import workspace_kind

        @workspace_kind("streak")  # the engine's part: the tree never shows it
        def match_streak(key, m, ws):
            return []
        """
    )
    assert run.returncode != 0 and "imported" not in run.stdout
    assert (
        "matcher kind `streak` is declared in roadmap/schema.py but nothing implements it "
        'from the recorded log: decorate one function with @log_kind("streak")'
    ) in run.stderr


def test_a_reader_of_a_kind_not_declared_from_the_log_is_refused() -> None:
    log = Registry(LOG)
    for name, reader in LOG_MATCHERS.registered:
        log.register(name)(reader)
    log.register("git")(lambda checkpoint, matcher, achieved, fixed: None)
    (problem,) = problems(KINDS, [log])
    assert problem.endswith(
        "reads matcher kind `git` from the recorded log, but roadmap/schema.py does not "
        "declare it `from_log`: declare it so or remove the reader"
    )
