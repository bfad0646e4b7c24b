"""What every verb of `roadmap-coach` shares: exit codes, the usage error, loading the
roadmap, writing output, opening the store, and the terminal-only progress bar.

Exit codes: 0 success (whatever the workspace holds), 1 a check failed or the work could
not be done (`check-roadmap` found problems, `verify` found tampering, the store is
unusable), 2 unusable arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Roadmap

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Arguments that cannot be used: exit 2 with the message."""


def progress_printer(label: str) -> Callable[[int, int], None] | None:
    """A bar on stderr, only when stderr is a terminal (machine output stays clean)."""
    if not sys.stderr.isatty():
        return None
    state = {"last": -1}

    def show(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if total < 50 or percent == state["last"]:
            return
        state["last"] = percent
        bar = "#" * (percent // 4)
        end = "\n" if done >= total else ""
        print(f"\r{label} [{bar:<25}] {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def load(extra: Sequence[str] = ()) -> Roadmap:
    """The shipped roadmap plus course folders; problems go to stderr, never stop a verb."""
    roadmap, problems = load_roadmap(extra)
    for problem in problems:
        print(f"roadmap-coach: {problem}", file=sys.stderr)
    return roadmap


def store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="FILE", help="progress store (default: user data dir)")
    parser.add_argument("--learner", metavar="NAME", help="learner name (default: Git user.name)")
    parser.add_argument("--roadmap", action="append", metavar="DIR")


def open_store(args: argparse.Namespace, workspace: str | None = None) -> Any:
    from roadmap_coach.progress.identity import resolve_learner
    from roadmap_coach.progress.store import Store

    store = Store(args.store, learner=resolve_learner(args.learner, workspace))
    if store.notice:
        print(f"roadmap-coach: {store.notice}", file=sys.stderr)
    return store


def write(text: str, output: str | None) -> None:
    """stdout, or the file the user named (written whole or not at all)."""
    if output is None:
        sys.stdout.write(text)
        return
    from roadmap_coach.progress.rendering import write_atomically

    check_output(output)

    try:
        path = write_atomically(output, text)
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
    print(f"roadmap-coach: wrote {path}", file=sys.stderr)


def check_output(output: str | None) -> None:
    """Refuse (exit 2, nothing created) an output file whose folder does not exist."""
    if output is None:
        return
    folder = Path(output).expanduser().parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {output}: the folder {folder} does not exist")
