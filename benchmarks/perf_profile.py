"""Where the time of a whole command goes: the command once more under cProfile.

`perf.py --profile` (on in `make bench-perf`), so RESULTS.md says what limits a row
that missed its target. cProfile
sees the command's own process only: time its workers spend shows up as the main
process waiting on them (`_thread.lock.acquire`, `select`, `poll`), and the share of
that wait says how much of the wall time is in the workers. So the cold scan is also
profiled with every file made in one process (`profiled.py --serial-scan`), and the
server with a profiler in each of its threads (`profiled.py`), its threads' waiting
(queues, polls, locks, blocking reads) left out of the shares.
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


PROFILED = str(Path(__file__).parent / "profiled.py")
# a thread blocked in one of these is waiting, not working (the server's threads)
WAITS = (
    "'get' of '_queue.SimpleQueue'", "'poll' of 'select.", "'acquire' of '_thread.",
    "'wait' of ", "posix.read", "time.sleep", "features/disk_watcher.py",
    "'readline' of ", "'read' of '_io.BufferedReader'", "'select' of ", "'control' of ",
)  # fmt: skip


def run_scan_mode(
    mode: str, tree: Path, store: Path, out: Path, *, timeout_s: float = 1800
) -> str | None:
    """A cold scan of `tree` by profiled.py in `mode` (`--serial-scan`, `--memory-scan`),
    writing `out`: why nothing was written, or None."""
    out.unlink(missing_ok=True)
    argv = [sys.executable, PROFILED, str(out), mode, str(tree), str(store)]
    try:
        subprocess.run(argv, stdout=subprocess.DEVNULL, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return f"stopped after {timeout_s:.0f} s"
    return None if out.exists() else "nothing written"


def serial_scan(tree: Path, store: Path, out: Path, *, timeout_s: float = 1800) -> dict[str, Any]:
    """The cold scan with every file made in this one process: the workers' own work."""
    skipped = run_scan_mode("--serial-scan", tree, store, out, timeout_s=timeout_s)
    if skipped:
        return {"skipped": skipped}
    return summarise(pstats.Stats(str(out)))


def threaded_argv(out: Path, args: list[str]) -> list[str]:
    """`python -m roadmap_coach ARGS` with a profiler in every thread, written to `out`."""
    out.unlink(missing_ok=True)
    return [sys.executable, PROFILED, str(out), "-m", "roadmap_coach", *args]


def read(out: Path, *, waits: bool) -> dict[str, Any]:
    if not out.exists():
        return {"skipped": "no profile written (the server did not exit cleanly)"}
    return summarise(pstats.Stats(str(out)), leave_out=WAITS if waits else ())


def summarise(
    stats: pstats.Stats, top: int = TOP, leave_out: tuple[str, ...] = ()
) -> dict[str, Any]:
    table: dict[Any, Any] = {
        key: entry
        for key, entry in stats.stats.items()  # type: ignore[attr-defined]
        if not any(part in _name(key) for part in leave_out)
    }
    total = sum(entry[2] for entry in table.values()) or 1e-9  # own time of every function
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {
        "total_s": total,
        "waits_left_out": bool(leave_out),
        "areas": _areas(table, total),
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


def _area(key: tuple[str, int, str]) -> str:
    file, _, function = key
    if file == "~":
        return (
            "`compile` (`ast.parse`, modules without bytecode)"
            if "builtins.compile" in function
            else "built-ins"
        )
    parts = Path(file).parts
    if "roadmap_coach" in parts:
        at = parts.index("roadmap_coach")
        return "roadmap_coach/" + (parts[at + 1] if len(parts) > at + 2 else parts[-1])
    for library in ("lsprotocol", "cattrs", "pygls", "attr", "msgspec", "git", "jinja2"):
        if library in parts:
            return library
    return "standard library and others"


def _areas(table: dict[Any, Any], total: float) -> list[dict[str, Any]]:
    """Own time summed by package of roadmap_coach (and by library): what a stage costs."""
    sums: dict[str, float] = {}
    for key, entry in table.items():
        sums[_area(key)] = sums.get(_area(key), 0.0) + entry[2]
    ranked = sorted(sums.items(), key=lambda item: item[1], reverse=True)
    return [{"area": area, "own_s": own, "share": own / total} for area, own in ranked[:TOP]]


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
        "Each command once more under cProfile: `scan` and `history` in their main process "
        "only (time in worker processes shows as waiting on them), the server in every "
        "thread. By stage: own time summed by package. Then the functions with the most "
        "own time:",
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
        if got.get("waits_left_out"):
            out += ["", "Time its threads spent waiting (queues, polls, locks, reads) is left out."]
        if got.get("areas"):
            out += [
                "",
                "By stage: "
                + "; ".join(
                    f"{a['area']} {a['own_s']:.2f} s ({100 * a['share']:.0f}%)"
                    for a in got["areas"]
                )
                + ".",
            ]
        out += ["", "| function | own time | share | calls |", "|---|---:|---:|---:|"]
        for row in got["top"]:
            out.append(
                f"| `{row['function']}` | {row['own_s']:.2f} s | {100 * row['share']:.0f}% | {row['calls']} |"
            )
    return out
