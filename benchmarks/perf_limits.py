"""What limits each row that missed its target (time or memory), in words made from the
run's own figures.

The issue lets a row miss its target when it says the measured ratio and what holds it
back, with a profile. These lines are written from the same run's numbers (the row's
time and CPU, the floor's, the cores, the profiles' stages), so they stay true when the
numbers move; the profiles themselves follow in "Where the time goes".
"""

from __future__ import annotations

from typing import Any

# the rows this can explain: key in `runs` -> (label, target ratio to the floor)
_TIMED = {
    "scan_cold": ("`scan --format json`, cold store", 1.0),
    "serve_new": ("`serve`, new store", 1.5),
    "serve_reopened": ("`serve`, the same workspace opened again", 0.2),
}
_STAGES_SHOWN = 4


def _stages(profile: dict[str, Any] | None) -> str:
    areas = (profile or {}).get("areas") or []
    return ", ".join(f"{a['area']} {100 * a['share']:.0f}%" for a in areas[:_STAGES_SHOWN])


def _with_stages(text: str, log: dict[str, Any], profile: str, lead: str) -> str:
    """`text`, then where the named profile's own time went (when it was profiled)."""
    stages = _stages((log.get("profiles") or {}).get(profile))
    return text + (f". {lead}: {stages}." if stages else ".")


def _scan_cold(run: dict[str, Any], floor: dict[str, Any], log: dict[str, Any]) -> str:
    cores = log["machine"]["cores"]
    cpu_ratio = run["cpu_s"] / floor["cpu_s"]
    bound = run["cpu_s"] / cores / floor["wall_s"]
    text = (
        f"its processes used {run['cpu_s']:.2f} s of CPU, {cpu_ratio:.2f}× the floor's "
        f"{floor['cpu_s']:.2f} s. On {cores} cores that is at best {bound:.2f}× the floor "
        "even with every core busy from start to end: the row is held by the CPU each "
        "file costs (parse, walk, rules, the facts passed between the two rounds), not by "
        "waiting"
    )
    lead = "Where that CPU goes (every file made in one process, own time)"
    return _with_stages(text, log, "scan_serial", lead)


def _serve_new(run: dict[str, Any], floor: dict[str, Any], log: dict[str, Any]) -> str:
    scan = (log.get("runs") or {}).get("scan_cold") or {}
    text = "the server's workspace scan is the cold scan's pipeline (the row above)"
    if scan.get("wall_s"):
        extra = run["wall_s"] - scan["wall_s"]
        text += (
            f", which took {scan['wall_s']:.2f} s as `scan`; the server's scan ended "
            f"{extra:+.2f} s from that (its own work, and its workers started by a fork "
            "server while it keeps serving)"
        )
    lead = "The server's own CPU, every thread, waiting left out"
    return _with_stages(text, log, "serve_new", lead)


def _serve_reopened(run: dict[str, Any], floor: dict[str, Any], log: dict[str, Any]) -> str:
    text = (
        "nothing is analysed again: the time is the interpreter's start, the imports "
        "(lsprotocol, pygls, the rules), the listing of the workspace and the stored result read"
    )
    return _with_stages(text, log, "serve_reopened", "Own time, every thread")


_WHY = {"scan_cold": _scan_cold, "serve_new": _serve_new, "serve_reopened": _serve_reopened}


def _cold_memory(run: dict[str, Any], log: dict[str, Any]) -> str | None:
    if run.get("peak_tree_mib", 0) <= 120:
        return None
    text = (
        f"- **peak memory of the cold scan**: {run['peak_tree_mib']:.0f} MiB (target ≤ 120 MiB; "
        f"largest process {run['peak_single_mib']:.0f} MiB, {run['processes']} processes)"
    )
    tree = (log.get("memory") or {}).get("tree") or {}
    if tree.get("split"):
        held = " + ".join(f"{p['process']} {p['mib']:.0f} MiB" for p in tree["split"])
        text += (
            f"; in the memory profile's run the tree peaked {tree['peak_at_s']:.1f} s in, at "
            f"{held}: each process holds the interpreter, the rules and its share of the "
            'files\' records at once (what, by stage: "Where the memory goes" below)'
        )
    return text + "."


def _history(log: dict[str, Any]) -> list[str]:
    run, floor = (log.get("runs") or {}).get("history"), (log.get("floors") or {}).get("history")
    if not run or not floor or not run.get("wall_s") or not floor.get("wall_s"):
        return []
    out = []
    ratio = run["wall_s"] / floor["wall_s"]
    if ratio > 2.0:
        out.append(
            f"- **`history`**: {run['wall_s']:.2f} s = {ratio:.2f}× its floor (target ≤ 2×); its "
            f"processes used {run['cpu_s']:.2f} s of CPU against the floor's "
            f"{floor['cpu_s']:.2f} s. Where it goes: the `history` profile below."
        )
    if run.get("peak_tree_mib", 0) > 200:
        out.append(
            f"- **peak memory of `history`**: {run['peak_tree_mib']:.0f} MiB (target ≤ 200 MiB; "
            f"largest process {run['peak_single_mib']:.0f} MiB, {run['processes']} processes "
            "over the run)."
        )
    return out


def render(log: dict[str, Any]) -> list[str]:
    """A section naming what holds back each timed row over its target (none: nothing)."""
    runs, floor = log.get("runs") or {}, (log.get("floors") or {}).get("parse1") or {}
    if not floor.get("wall_s") or not floor.get("cpu_s"):
        return []
    lines = []
    for key, (label, target) in _TIMED.items():
        run = runs.get(key)
        if not run or not run.get("ok", True) or not run.get("wall_s"):
            continue
        ratio = run["wall_s"] / floor["wall_s"]
        if ratio <= target:
            continue
        why = _WHY[key](run, floor, log)
        lines.append(
            f"- **{label}**: {run['wall_s']:.2f} s = {ratio:.2f}× the floor "
            f"(target ≤ {target:g}×); {why}"
        )
    cold = runs.get("scan_cold")
    memory = _cold_memory(cold, log) if cold and cold.get("ok", True) else None
    lines += [memory] if memory else []
    lines += _history(log)
    if not lines:
        return []
    return ["", "### What limits the rows not met", "", *lines]
