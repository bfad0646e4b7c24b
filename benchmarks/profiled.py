"""A command under cProfile in every thread, or the cold scan's per-file work in one process.

`python -m cProfile` sees the main thread only. The server analyses on other threads
and `scan` analyses in worker processes, so a profile of either shows mostly waiting.
This runs the command with a profiler started in each thread (stats merged when the
process exits), or, with `--serial-scan`, the whole cold scan with every file made in
this one process (`workers=0`: the same per-file work the workers do, the same result).

    python profiled.py OUT -m roadmap_coach serve
    python profiled.py OUT --serial-scan TREE STORE
    python profiled.py OUT.json --memory-scan TREE STORE   (perf_memory.py: tracemalloc)
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import runpy
import sys
import threading
from typing import Any

_PROFILERS: list[cProfile.Profile] = []
_LOCK = threading.Lock()


def _thread_hook(frame: Any, event: str, arg: Any) -> None:
    # the first event of a new thread: swap this hook for a profiler of its own
    profiler = cProfile.Profile()
    with _LOCK:
        _PROFILERS.append(profiler)
    profiler.enable()


def _dump(out: str) -> None:
    threading.setprofile(None)  # type: ignore[arg-type]
    stats: pstats.Stats | None = None
    with _LOCK:
        profilers = list(_PROFILERS)
    for profiler in profilers:
        profiler.disable()  # the calling thread's; the others' tables are read as they are
        try:
            profiler.create_stats()
        except Exception:  # a thread's profiler still running elsewhere: skip it
            continue
        if not getattr(profiler, "stats", None):
            continue
        if stats is None:
            stats = pstats.Stats(profiler)
        else:
            stats.add(profiler)
    if stats is not None:
        stats.dump_stats(out)


def _serial_scan(tree: str, store: str) -> None:
    from roadmap_coach.cli.common import load
    from roadmap_coach.cli.scan import scan_report

    scan_report(tree, load(), store=store, workers=0)


class _Stages:
    """The scan's progress bar, standing in to note the stage ends: round 1 (facts and
    summaries) is half of the analysis, round 2 (records) the rest; the fold's first
    report comes once every record was folded in (its lessons pass then begins)."""

    def __init__(self) -> None:
        import tracemalloc

        self.tracemalloc = tracemalloc
        self.stages: list[Any] = []
        self.seen: set[str] = set()

    def take(self, name: str) -> None:
        import perf_memory

        if name in self.seen:
            return
        self.seen.add(name)
        held, peak = self.tracemalloc.get_traced_memory()
        snapshot = self.tracemalloc.take_snapshot()
        self.stages.append(perf_memory.stage(name, snapshot, held, peak))
        del snapshot
        self.tracemalloc.reset_peak()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase == "analysis" and total and 2 * done >= total:
            self.take("facts made (round 1)")
        elif phase == "evaluation":
            self.take("records folded (the fold)")

    def finish(self) -> None:
        return None


def _memory_scan(out: str, tree: str, store: str) -> None:
    """`scan --format json` as the command runs it (its workers forked as usual, not
    traced), tracemalloc on in this process; the stages' figures written to `out`."""
    import json
    import os
    import tracemalloc

    os.register_at_fork(after_in_child=tracemalloc.stop)
    tracemalloc.start()
    from roadmap_coach.cli import scan
    from roadmap_coach.cli.common import load
    from roadmap_coach.progress import evaluation

    stages = _Stages()
    roadmap = load()
    stages.take("imported, roadmap loaded")
    evaluate = evaluation.evaluate_workspace

    def evaluated(*args: Any, **kwargs: Any) -> Any:
        found = evaluate(*args, **kwargs)
        stages.take("records made (round 2), workers gone")
        return found

    evaluation.evaluate_workspace = evaluated  # type: ignore[assignment]
    scan.phase_bar = lambda label, stream=None: stages  # type: ignore[assignment,misc]
    report, _ = scan.scan_report(tree, roadmap, store=store)
    stages.take("findings folded")
    text = json.dumps(report, indent=2, ensure_ascii=False)
    stages.take("JSON written")
    del text
    with open(out, "w") as file:
        json.dump(stages.stages, file)


def main(argv: list[str]) -> None:
    out, rest = argv[0], argv[1:]
    if rest[0] == "--memory-scan":
        _memory_scan(out, rest[1], rest[2])
        return
    main_profiler = cProfile.Profile()
    with _LOCK:
        _PROFILERS.append(main_profiler)
    atexit.register(_dump, out)
    if rest[0] == "--serial-scan":
        main_profiler.enable()
        _serial_scan(rest[1], rest[2])
        return
    if rest[0] != "-m":
        raise SystemExit("usage: profiled.py OUT -m MODULE [ARGS] | OUT --serial-scan TREE STORE")
    sys.argv = [rest[1], *rest[2:]]
    threading.setprofile(_thread_hook)
    main_profiler.enable()
    runpy.run_module(rest[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
