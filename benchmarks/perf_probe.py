"""One measurement in a fresh interpreter; prints one JSON object.

    perf_probe.py floor ROOT --workers N     read + ast.parse every Python file a scan lists
    perf_probe.py scan ROOT [--store FILE]   collect_workspace (cold without a store)
    perf_probe.py history REPO               replay_history without a cache, counting analyses

Times are taken around the work only (not the interpreter's start or imports), the
same way for the floor and for our scan. Peak memory is this process's high-water
mark (VmHWM) and the largest high-water mark seen among its descendants (the pool's
workers), sampled every 100 ms.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import os
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def vm_hwm_kib(pid: int | str = "self") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class DescendantPeaks(threading.Thread):
    """Largest VmHWM among processes below this one (workers come and go)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.cpu_ticks: dict[int, int] = {}  # last user+system ticks seen per process
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            for pid in _descendants(os.getpid()):
                self.peak_kib = max(self.peak_kib, vm_hwm_kib(pid))
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    self.cpu_ticks[pid] = int(fields[11]) + int(fields[12])
                except (OSError, IndexError, ValueError):
                    continue

    @property
    def cpu_s(self) -> float:
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            found.extend(_descendants(child))
    return found


def python_files(root: str) -> list[str]:
    from roadmap_coach.analysis.files import file_kind
    from roadmap_coach.analysis.workspace import list_files

    paths, _ = list_files(root)
    return [os.path.join(root, p) for p in paths if file_kind(p) == "python"]


def parse_all(paths: list[str]) -> int:
    parsed = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(data)
            parsed += 1
        except (SyntaxError, ValueError):
            pass
    return parsed


def floor(root: str, workers: int) -> dict[str, object]:
    paths = python_files(root)
    start, cpu = time.perf_counter(), time.process_time()
    if workers <= 1:
        parsed = parse_all(paths)
    else:
        # The same pool kind, start method and chunking as the scan's workers.
        context = multiprocessing.get_context("forkserver")
        chunks = [paths[i : i + 24] for i in range(0, len(paths), 24)]
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parsed = sum(pool.map(parse_all, chunks))
    return {
        "wall_s": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu,
        "files": len(paths),
        "parsed": parsed,
    }


def scan(root: str, store: str | None, workers: int | None) -> dict[str, object]:
    from roadmap_coach.progress.evaluation import evaluate_workspace, fold_workspace
    from roadmap_coach.progress.records_cache import fingerprint, open_records_cache
    from roadmap_coach.roadmap.loader import load_roadmap
    from roadmap_coach.rules.engine import Engine

    start, cpu = time.perf_counter(), time.process_time()
    engine = Engine(load_roadmap()[0])
    cache = open_records_cache(store, fingerprint(engine)) if store else None
    try:
        ws = evaluate_workspace(root, engine, cache=cache, workers=workers)
        fold_workspace(ws, engine, cache=cache)
    finally:
        if cache is not None:
            cache.close()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    counters = ws.counters
    return {
        "rss_kib": vm_hwm_kib(),
        "sensitive": 0,  # records hold no secret's value, so every file is cached
        "sensitive_mib": 0.0,
        "wall_s": wall,
        "cpu_s": used,
        "files": len(ws.kinds),
        "python": sum(kind == "python" for kind in ws.kinds.values()),
        "analysed": counters.analysed,
        "cache_hits": counters.cache_hits,
        "stat_hits": counters.stat_hits,
        "analyser": fingerprint(engine),  # a warm run only counts against a fill by the same one
    }


def history(root: str) -> dict[str, object]:
    from roadmap_coach.progress import blob_records
    from roadmap_coach.progress.history import replay_history
    from roadmap_coach.roadmap.loader import load_roadmap

    roadmap, _ = load_roadmap(None)
    analysed: list[str] = []
    real = blob_records.analyze_bytes

    def counting(path: str, data: bytes) -> object:
        analysed.append(path)
        return real(path, data)

    blob_records.analyze_bytes = counting  # type: ignore[assignment]
    start, cpu = time.perf_counter(), time.process_time()
    result = replay_history(root, roadmap, cache=None)
    return {
        "wall_s": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu,
        "analyses": len(analysed),
        "milestones": len(result.to_json().get("milestones", [])),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["floor", "scan", "history"])
    parser.add_argument("root")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--store")
    args = parser.parse_args()
    peaks = DescendantPeaks()
    peaks.start()
    if args.what == "floor":
        result = floor(args.root, args.workers or 1)
    elif args.what == "history":
        result = history(args.root)
    else:
        result = scan(args.root, args.store, args.workers)
    peaks.stop.set()
    peaks.join()
    result["rss_main_mib"] = int(result.pop("rss_kib", 0) or vm_hwm_kib()) / 1024  # type: ignore[call-overload]
    result["rss_worker_mib"] = peaks.peak_kib / 1024
    result["cpu_total_s"] = float(result["cpu_s"]) + peaks.cpu_s  # type: ignore[arg-type]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
