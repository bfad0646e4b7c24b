"""`roadmap-coach <verb>`: machine output on stdout, progress on stderr only on a terminal.

One module per verb family, each with `register(subparsers)`; exit codes are in
`common.py` (0 success, 1 a check failed, 2 unusable arguments).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from roadmap_coach import __version__
from roadmap_coach.cli import explain, history, log, roadmap, scan, serve
from roadmap_coach.cli.common import EXIT_OK, EXIT_USAGE, UsageError

VERB_FAMILIES = (scan, roadmap, explain, serve, history, log)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="roadmap-coach",
        description="A language server that coaches people learning Python back-end development",
    )
    parser.add_argument("--version", action="version", version=f"roadmap-coach {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>")
    for family in VERB_FAMILIES:
        family.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"roadmap-coach: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


__all__ = ["build_parser", "main"]
