"""Where the time of a whole command goes: the command once more under cProfile.

`perf.py --profile` (on in `make bench-perf`), so RESULTS.md says what limits a row
that missed its target. cProfile
sees the command's own process only: time its workers spend shows up as the main
process waiting on them (`_thread.lock.acquire`, `select`, `poll`), and the share of
that wait says how much of the wall time is in the workers.
"""

from __future__ import annotations

import os
import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

TOP = 8


def profile(args: list[str], out: Path, *, timeout_s: float = 1800) -> dict[str, Any]:
    """`python -m roadmap_coach ARGS` under cProfile; its functions with most own time."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "roadmap_coach", *args]
    try:
        done = subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout_s,
            env={**os.environ},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"skipped": f"stopped after {timeout_s:.0f} s"}
    if not out.exists():
        return {"skipped": f"no profile written (exit {done.returncode})"}
    return summarise(pstats.Stats(str(out)))


def summarise(stats: pstats.Stats, top: int = TOP) -> dict[str, Any]:
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in table.values()) or 1e-9  # own time of every function
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {
        "total_s": total,
        "top": [
            {
                "function": _name(key),
                "own_s": entry[2],
                "share": entry[2] / total,
                "calls": entry[1],
            }
            for key, entry in rows
        ],
    }


def _name(key: tuple[str, int, str]) -> str:
    file, line, function = key
    if file == "~":  # a built-in
        return function
    parts = Path(file).parts
    # the package path for ours; the package and file for a library's (tomlkit/parser.py)
    short = (
        "/".join(parts[parts.index("roadmap_coach") :])
        if "roadmap_coach" in parts
        else "/".join(parts[-2:])
    )
    return f"{function} ({short}:{line})"


def render(profiles: dict[str, Any], labels: dict[str, str]) -> list[str]:
    if not profiles:
        return []
    out = [
        "",
        "### Where the time goes (profiles)",
        "",
        "Each command once more under cProfile (its main process only: time in worker "
        "processes shows as waiting on them). Functions with the most own time:",
    ]
    for key, got in profiles.items():
        out += [
            "",
            f"**{labels.get(key, key)}**"
            + (
                f": {got['skipped']}" if "skipped" in got else f" ({got['total_s']:.1f} s profiled)"
            ),
        ]
        if "top" not in got:
            continue
        out += ["", "| function | own time | share | calls |", "|---|---:|---:|---:|"]
        for row in got["top"]:
            out.append(
                f"| `{row['function']}` | {row['own_s']:.2f} s | {100 * row['share']:.0f}% | {row['calls']} |"
            )
    return out
