"""`roadmap-coach serve` over stdio: `initialize` → the end of its workspace scan.

The client says it shows work-done progress, so the server reports its scan with
`$/progress`; the time is taken from writing `initialize` to reading the `end` of
the scan's token (the moment an editor's progress bar goes away), and also from
starting the process. Peak memory is the server's process tree's (workers included).
Run it twice on one store: the first is a new store, the second the same workspace
opened again.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from lsp_latency import Client, Message
from proc_tree import TreeSampler

SCAN_TOKEN = "roadmap-coach/scan"


def _answer(message: Message) -> Any:
    if message["method"] == "workspace/configuration":
        return [None] * len(message["params"]["items"])
    return None  # window/workDoneProgress/create and the rest: accepted


def _scan_ended(message: Message) -> bool:
    params = message.get("params") or {}
    return (
        message.get("method") == "$/progress"
        and str(params.get("token", "")).startswith(SCAN_TOKEN)
        and (params.get("value") or {}).get("kind") == "end"
    )


def time_scan(
    argv: list[str], workspace: Path, store: Path, *, timeout_s: float = 1800
) -> dict[str, Any]:
    """One server start on `workspace` with `store` as its progress store."""
    root = workspace.resolve().as_uri()
    spawned = time.perf_counter()
    client = Client(argv, workspace, {**os.environ, "ROADMAP_COACH_STORE": str(store)}, _answer)
    sampler = TreeSampler(client.process.pid).start()
    try:
        initialize = time.perf_counter()
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": workspace.name}],
                "capabilities": {
                    "window": {"workDoneProgress": True},
                    "workspace": {"configuration": True},
                },
            },
            timeout=timeout_s,
        )
        client.notify("initialized", {})
        end = client.wait(_scan_ended, timeout_s)
        ended = time.perf_counter()
        sampler.sample()
    finally:
        sampler.stop()
        client.close()
    return {
        "wall_s": ended - initialize,  # initialize → $/progress end
        "from_spawn_s": ended - spawned,
        "message": (end["params"]["value"] or {}).get("message", ""),
        "cpu_s": sampler.cpu_s,
        "peak_tree_mib": sampler.tree_mib,
        "peak_single_mib": sampler.largest_mib,
        "processes": sampler.processes,
    }


def new_and_reopened(argv: list[str], workspace: Path, store: Path) -> dict[str, Any]:
    """A new store, then the same workspace opened again on it."""
    for leftover in store.parent.glob(store.name + "*"):
        leftover.unlink()
    first = time_scan(argv, workspace, store)
    again = time_scan(argv, workspace, store)
    return {"new": first, "reopened": again}
