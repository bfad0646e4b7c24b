"""The "Performance" section of benchmarks/RESULTS.md, from the JSON log of a perf.py run.

Everything shown is computed here from the raw measurements, so `perf.py --from-log`
renders a saved run again after this file changed. Other sections are kept.
"""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import perf_limits
import perf_memory
import perf_profile

SECTION = "## Performance: scans, server, history, keystrokes"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
PROFILED = {
    "scan_cold": "`scan --format json`, cold store",
    "scan_warm": "`scan --format json`, warm store",
    "scan_serial": "`scan --format json`, cold store, every file made in one process "
    "(the per-file work the workers share)",
    "serve_new": "`serve`, new store, `initialize` → `$/progress` end (every thread)",
    "serve_reopened": "`serve`, the same workspace opened again (every thread)",
    "keys_import": "`serve`, 100 keystrokes adding an import at the top (every thread)",
    "history": "`history --format json`, new store",
}
EDIT_NAMES = {
    "inline": "a character typed inside a line",
    "line": "a line inserted",
    "remove-line": "a line removed",
    "module-line": "a statement added at module level",
    "import-line": "an import added at the top (every statement below moves)",
}


def machine() -> dict[str, Any]:
    """What the numbers depend on, taken at the start of a run."""
    info = _proc_fields("/proc/cpuinfo", "model name")
    mem_kib = _proc_fields("/proc/meminfo", "MemTotal").split()
    return {
        "cpu": info or platform.processor() or "unknown",
        "cores": len(os.sched_getaffinity(0)),
        "memory_mib": int(mem_kib[0]) // 1024 if mem_kib else 0,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": list(os.getloadavg()),
    }


def _proc_fields(path: str, name: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


@dataclass
class Row:
    what: str
    measured: str
    ratio: str  # "" when the target is not a ratio
    target: str
    met: bool | None  # None: not measured in this run


def _secs(run: dict[str, Any] | None) -> str:
    if not run:
        return "not run"
    if "skipped" in run:
        return str(run["skipped"])
    if run.get("timed_out"):
        return f"> {run['wall_s']:.0f} s (stopped)"
    if not run.get("ok", True):
        return f"failed (exit {run['returncode']}) after {run['wall_s']:.2f} s"
    return f"{run['wall_s']:.2f} s"


def _ratio(run: dict[str, Any] | None, base: float) -> float | None:
    """`run`'s wall time over `base`; None when it did not do its work."""
    if not run or "skipped" in run or run.get("timed_out") or not run.get("ok", True) or not base:
        return None
    return float(run["wall_s"]) / base


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _ratio_row(what: str, run: dict[str, Any] | None, base: float, limit: float) -> Row:
    value = _ratio(run, base)
    return Row(
        what, _secs(run), _x(value), f"≤ {limit:g}×", None if value is None else value <= limit
    )


def _mib_row(what: str, run: dict[str, Any] | None, limit: float) -> Row:
    if not run or "peak_tree_mib" not in run:
        return Row(what, "not run", "", f"≤ {limit:g} MiB", None)
    tree, single = run["peak_tree_mib"], run["peak_single_mib"]
    shown = f"{tree:.0f} MiB (largest process {single:.0f} MiB, {_processes(run['processes'])})"
    return Row(what, shown, "", f"≤ {limit:g} MiB", tree <= limit)


def _processes(count: int) -> str:
    return "1 process" if count == 1 else f"{count} processes"


def rows(log: dict[str, Any]) -> list[Row]:
    runs, floors = log["runs"], log["floors"]
    base = floors["parse1"]["wall_s"]
    hist_base = (floors.get("history") or {}).get("wall_s", 0.0)
    tree = log["inputs"]["tree"]
    out = [
        _ratio_row(f"`scan --format json`, cold store ({tree})", runs.get("scan_cold"), base, 1.0),
        _ratio_row("`scan`, warm store, nothing changed", runs.get("scan_warm"), base, 0.1),
        _mib_row(
            "peak RSS of the cold scan, worker processes included", runs.get("scan_cold"), 120
        ),
        _ratio_row(
            "`serve`: `initialize` → `$/progress` end, new store", runs.get("serve_new"), base, 1.5
        ),
        _ratio_row(
            "`serve`: the same workspace opened again", runs.get("serve_reopened"), base, 0.2
        ),
        _ratio_row(
            f"`history` ({log['inputs'].get('history', '?')}), new store",
            runs.get("history"),
            hist_base,
            2.0,
        ),
        _mib_row("peak RSS of that `history`", runs.get("history"), 200),
    ]
    keys = (runs.get("keys") or {}).get("roadmap-coach") or {}
    for edit, name in EDIT_NAMES.items():
        got = keys.get(edit)
        what = f"keystroke → `publishDiagnostics`, {name}"
        if not got or "p50_ms" not in got:
            why = (got or {}).get("skipped", "not run")
            out.append(Row(what, why, "", "p50 ≤ 10 ms, p95 ≤ 25 ms", None))
            continue
        measured = f"p50 {got['p50_ms']:.1f} ms, p95 {got['p95_ms']:.1f} ms ({got['n']} edits)"
        met = got["p50_ms"] <= 10 and got["p95_ms"] <= 25
        out.append(Row(what, measured, "", "p50 ≤ 10 ms, p95 ≤ 25 ms", met))
    return out


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _load(values: Any) -> str:
    if isinstance(values, list):
        return " / ".join(f"{v:.2f}" for v in values)
    return str(values)


def _busy(m: dict[str, Any], end: Any) -> str:
    """What the load means for the figures: a shared machine inflates every wall time."""
    loads = [v for v in (*(m["load"] if isinstance(m["load"], list) else []),
                         *(end if isinstance(end, list) else [])) if isinstance(v, float | int)]  # fmt: skip
    worst = max(loads[:1] + loads[3:4], default=0.0)  # the 1-minute averages
    if worst > m["cores"]:
        return (
            f". **The machine was overloaded (1-minute load up to {worst:.1f} on {m['cores']} "
            "cores, other jobs running): wall times here are inflated and not final numbers; "
            "compare ratios within this run, and CPU seconds, which move least.**"
        )
    if worst > 0.5 * m["cores"]:
        return (
            " — the machine was busy, so wall times are inflated; ratios of runs made in the"
            " same run are the figures to compare, and CPU seconds are steadier."
        )
    return "."


def render(log: dict[str, Any]) -> str:
    m, inputs, floors, runs = log["machine"], log["inputs"], log["floors"], log["runs"]
    lines = [
        SECTION,
        "",
        f"Generated by `{log.get('command', 'make bench-perf')}` (benchmarks/perf.py) on "
        f"{m['date']}"
        + (f", at commit {log['revision']}" if log.get("revision") else "")
        + (
            " — **quick mode: a small tree and a short history, not the real rows**"
            if log.get("quick")
            else ""
        )
        + ".",
        "",
        f"Machine: {m['cpu']}; {m['cores']} cores; {m['memory_mib']} MiB RAM; {m['os']}; "
        f"Python {m['python']}. Load average (1/5/15 min) at the start {_load(m['load'])}, "
        f"at the end {_load(log.get('load_end', '?'))}{_busy(m, log.get('load_end'))}",
        "",
        f"Inputs: scans on `{inputs['tree']}` ({inputs['tree_source']}; {inputs['py_files']} "
        f".py files); `history` on {inputs.get('history_source', 'nothing')}. Every row is a "
        "whole command in a fresh process (interpreter start, imports, listing, analysis, rules "
        "and output), timed from start to exit; the server from writing `initialize` to reading "
        "the `end` of its scan's `$/progress`. The floor is a fresh `python benchmarks/floors.py` "
        "process timed the same way. Where a row was run more than once the fastest is kept "
        f"({log.get('rounds', 1)} round(s)). Memory of a command is that of its whole process "
        "tree at its peak (the sum of the proportional set sizes, so pages a forkserver's "
        "workers share are counted once, sampled every 20 ms; benchmarks/proc_tree.py), with "
        "the largest single process's exact peak beside it. roadmap-coach's modules are "
        "compiled to bytecode first, as installing the package leaves them.",
        "",
        "| row | measured | vs floor | target | |",
        "|---|---|---:|---|---|",
    ]
    for row in rows(log):
        lines.append(
            f"| {row.what} | {row.measured} | {row.ratio} | {row.target} | {_verdict(row.met)} |"
        )
    lines += perf_limits.render(log)
    lines += ["", "### Floors and the other tools on the same inputs", ""]
    lines += [
        "| command | wall | vs floor | CPU (all processes) | CPU vs floor's | peak memory "
        "(all processes) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    p1, p2 = floors["parse1"], floors.get("parse2")
    lines.append(
        _tool_line(
            f"floor: read + `ast.parse` of {p1.get('files', '?')} .py files, 1 process", p1, p1
        )
    )
    if p2:
        lines.append(_tool_line("floor: the same, 2 processes", p2, p1))
    for key, label in (
        ("scan_cold", "`roadmap-coach scan --format json`, cold store"),
        ("scan_warm", "`roadmap-coach scan --format json`, warm store"),
        ("bandit", "`bandit -r` (same tree)"),
        ("ruff", "`ruff check --select S` (same tree)"),
    ):
        lines.append(_tool_line(label, runs.get(key), p1))
    hist = floors.get("history")
    if hist:
        lines.append(
            _tool_line(
                f"history floor: `git ls-tree` × {hist.get('commits', '?')} commits + `ast.parse` "
                f"of {hist.get('blobs', '?')} unique .py blobs",
                hist,
                hist,
            )
        )
        lines.append(
            _tool_line(
                "`roadmap-coach history --format json`, new store", runs.get("history"), hist
            )
        )
    lines += _serve_lines(runs)
    lines += _keys_lines(runs.get("keys"), log.get("keys_file_lines"))
    lines += perf_profile.render(log.get("profiles") or {}, PROFILED)
    lines += perf_memory.render(log.get("memory") or {}, PROFILED["scan_cold"])
    for note in log.get("notes", []):
        lines += ["", f"- {note}"]
    return "\n".join(lines) + "\n"


def _tool_line(label: str, run: dict[str, Any] | None, floor: dict[str, Any]) -> str:
    """Wall and CPU, each beside the floor's: CPU seconds move least with the load."""
    if not run:
        return f"| {label} | not run | | | | |"
    wall = _x(_ratio(run, floor["wall_s"]))
    if "cpu_s" in run and _ratio(run, 1.0) is not None and floor.get("cpu_s"):
        cpu, cpu_ratio = f"{run['cpu_s']:.2f} s", _x(run["cpu_s"] / floor["cpu_s"])
    else:
        cpu, cpu_ratio = "", ""
    rss = f"{run['peak_tree_mib']:.0f} MiB" if "peak_tree_mib" in run else ""
    return f"| {label} | {_secs(run)} | {wall} | {cpu} | {cpu_ratio} | {rss} |"


def _serve_lines(runs: dict[str, Any]) -> list[str]:
    new, again = runs.get("serve_new"), runs.get("serve_reopened")
    if not new or not again or "skipped" in new or "skipped" in again:
        return []
    return [
        "",
        "`serve` runs: new store "
        f"{new['wall_s']:.2f} s ({new['from_spawn_s']:.2f} s from starting the process; "
        f'peak memory {new["peak_tree_mib"]:.0f} MiB; "{new["message"]}"), reopened '
        f"{again['wall_s']:.2f} s ({again['from_spawn_s']:.2f} s; {again['peak_tree_mib']:.0f} MiB).",
    ]


def _keys_lines(keys: dict[str, Any] | None, file_lines: int | None) -> list[str]:
    if not keys:
        return []
    out = [
        "",
        f"### Keystroke → `publishDiagnostics` ({file_lines or '?'}-line file, `debounceMs: 0`)",
        "",
        "Each edit timed from writing `didChange` to reading the `publishDiagnostics` of that "
        "version (benchmarks/lsp_latency.py); pylsp with pyflakes only, on the same file and edits.",
        "",
        "| server | edit | edits | p50 | p95 | max |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for server, kinds in keys.items():
        for edit, got in kinds.items():
            if "p50_ms" in got:
                out.append(
                    f"| {server} | {EDIT_NAMES.get(edit, edit)} | {got['n']} | {got['p50_ms']:.1f} ms "
                    f"| {got['p95_ms']:.1f} ms | {got['max_ms']:.1f} ms |"
                )
            else:
                out.append(
                    f"| {server} | {EDIT_NAMES.get(edit, edit)} | {got.get('skipped', 'not run')} | | | |"
                )
    if "pylsp" in keys:
        out += ["", "pylsp debounces linting by a fixed 0.5 s, which is most of its figure."]
    return out


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace this section (or the older performance section it supersedes), keep the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.startswith("## "):
            skipping = line.strip() == SECTION or line.startswith("## Performance")
        if not skipping:
            out.append(line)
    path.write_text("\n".join(out).rstrip() + "\n\n" + section.rstrip() + "\n", encoding="utf-8")
