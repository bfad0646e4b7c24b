"""Where the memory of the cold scan goes: the row "peak RSS of the cold scan" explained.

`perf.py --profile` (on in `make bench-perf`) runs `scan --format json` on a fresh store
twice more:

- as timed, its process tree sampled every 20 ms (as benchmarks/proc_tree.py does):
  the largest sum of the processes' proportional set sizes, split by process (the main
  one and its workers), when in the run it came, and each process's own peak (`VmHWM`);
- under tracemalloc in its main process (`profiled.py --memory-scan`, workers not
  traced): the Python memory it holds at the end of each stage (facts made, records
  made, the fold, the JSON), by package and by the line that allocated it. tracemalloc
  counts Python's allocations only: not the interpreter, C libraries, or free memory
  the allocators keep, so a stage's figure is below its share of the process's RSS.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Any

import perf_profile
import proc_tree

TOP = 6


def tree_peak(
    argv: list[str], *, env: dict[str, str] | None = None, timeout_s: float = 1800
) -> dict[str, Any]:
    """Run `argv`; the sample where its processes' PSS summed highest, split by process."""
    start = time.monotonic()
    process = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    best_kib, best_row, best_at = 0, {}, 0.0
    hwm: dict[int, int] = {}
    usage = None
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > timeout_s:
            process.kill()
            os.wait4(process.pid, 0)
            return {"skipped": f"stopped after {timeout_s:.0f} s"}
        row = {}
        for each in (process.pid, *proc_tree.descendants(process.pid)):
            row[each] = proc_tree.pss_kib(each)
            hwm[each] = max(hwm.get(each, 0), proc_tree.vm_hwm_kib(each))
        if sum(row.values()) > best_kib:
            best_kib, best_row, best_at = sum(row.values()), row, time.monotonic() - start
        time.sleep(proc_tree.SAMPLE_S)
    process.returncode = os.waitstatus_to_exitcode(status)
    hwm[process.pid] = max(hwm.get(process.pid, 0), usage.ru_maxrss)  # KiB on Linux
    wall = time.monotonic() - start
    names = _names(process.pid, hwm)
    return {
        "returncode": process.returncode,
        "wall_s": wall,
        "peak_at_s": best_at,
        "peak_tree_mib": best_kib / 1024,
        "split": [{"process": names[p], "mib": kib / 1024} for p, kib in sorted(best_row.items())],
        "single": [{"process": names[p], "mib": kib / 1024} for p, kib in sorted(hwm.items())],
    }


def _names(main: int, pids: dict[int, int]) -> dict[int, str]:
    others = sorted(p for p in pids if p != main)
    names = {main: "main"}
    names.update(
        {p: f"worker {n}" if len(others) > 1 else "worker" for n, p in enumerate(others, 1)}
    )
    return names


def memory_scan(tree: Path, store: Path, out: Path, *, timeout_s: float = 1800) -> dict[str, Any]:
    """The cold scan under tracemalloc in its main process: what it holds at each stage."""
    import json

    skipped = perf_profile.run_scan_mode("--memory-scan", tree, store, out, timeout_s=timeout_s)
    if skipped:
        return {"skipped": skipped}
    return {"stages": json.loads(out.read_text())}


def stage(name: str, snapshot: Any, held: int, peak: int, top: int = TOP) -> dict[str, Any]:
    """One stage's figures from a tracemalloc snapshot: by package, then by line."""
    by_line = snapshot.statistics("lineno")
    areas: dict[str, int] = {}
    for stat in by_line:
        area = _area(stat.traceback[0].filename)
        areas[area] = areas.get(area, 0) + stat.size
    ranked = sorted(areas.items(), key=lambda item: item[1], reverse=True)
    return {
        "stage": name,
        "held_mib": held / 2**20,
        "peak_mib": peak / 2**20,
        "areas": [{"area": area, "mib": size / 2**20} for area, size in ranked[:TOP]],
        "top": [
            {
                "where": f"{_short(stat.traceback[0].filename)}:{stat.traceback[0].lineno}",
                "mib": stat.size / 2**20,
                "blocks": stat.count,
            }
            for stat in by_line[:top]
        ],
    }


def _area(file: str) -> str:
    parts = Path(file).parts
    if "roadmap_coach" in parts:
        at = parts.index("roadmap_coach")
        return "roadmap_coach/" + (parts[at + 1] if len(parts) > at + 2 else parts[-1])
    if file.startswith("<frozen importlib"):
        return "modules' code (imports)"
    return "standard library and others"


def _short(file: str) -> str:
    parts = Path(file).parts
    if "roadmap_coach" in parts:
        return "/".join(parts[parts.index("roadmap_coach") :])
    return file if file.startswith("<") else "/".join(parts[-2:])


def render(memory: dict[str, Any], label: str) -> list[str]:
    if not memory:
        return []
    out = ["", "### Where the memory goes (cold scan)", ""]
    tree = memory.get("tree") or {}
    if "skipped" in tree or not tree:
        out.append(f"Process tree: {tree.get('skipped', 'not measured')}.")
    else:
        split = " + ".join(f"{p['process']} {p['mib']:.0f} MiB" for p in tree["split"])
        single = ", ".join(f"{p['process']} {p['mib']:.0f} MiB" for p in tree["single"])
        out.append(
            f"The cold scan ({label}) once more, its process tree sampled every 20 ms: the sum of the "
            f"processes' PSS peaked at {tree['peak_tree_mib']:.0f} MiB, {tree['peak_at_s']:.1f} s "
            f"into a {tree['wall_s']:.1f} s run ({split}). Each process's own peak (VmHWM): "
            f"{single}."
        )
    scan = memory.get("scan") or {}
    if "stages" not in scan:
        out += ["", f"Under tracemalloc: {scan.get('skipped', 'not measured')}."]
        return out
    out += [
        "",
        "Then under tracemalloc in its main process (workers not traced; Python's own "
        "allocations only, so below the process's RSS: not the interpreter, C libraries or "
        "free memory the allocators keep), what it held at the end of each stage and the most "
        "it held since the stage before; by package, then the lines that allocated most of it:",
        "",
        "| stage | held | peak since the stage before |",
        "|---|---:|---:|",
    ]
    for got in scan["stages"]:
        out.append(f"| {got['stage']} | {got['held_mib']:.1f} MiB | {got['peak_mib']:.1f} MiB |")
    for got in scan["stages"]:
        areas = "; ".join(f"{a['area']} {a['mib']:.1f} MiB" for a in got["areas"])
        tops = "; ".join(
            f"`{t['where']}` {t['mib']:.1f} MiB ({t['blocks']} blocks)" for t in got["top"]
        )
        out += ["", f"- **{got['stage']}**: {areas}. Lines: {tops}."]
    return out
