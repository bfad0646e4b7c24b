"""The floors the targets are ratios of: the least work any Python analyser must do.

    python floors.py parse ROOT [--workers N]   read + ast.parse every .py file under ROOT
    python floors.py history REPO               `git ls-tree` of each first-parent commit,
                                                then ast.parse of each unique .py blob once

Each prints one JSON line (what it counted). perf.py times it as a whole command, as
it times roadmap-coach, so interpreter start is inside both sides of a ratio. It
imports nothing from roadmap_coach: the floor must not move when the product does.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO

CHUNK = 24  # files per task in the 2-process floor, like the scan's workers

# Folders no scan of a learner's project reads (the product skips these too).
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".tox"}


def python_files(root: str | Path) -> list[str]:
    """Every `.py` file under `root`, in a stable order, without the folders above or
    a virtualenv (a folder holding `pyvenv.cfg`)."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        if "pyvenv.cfg" in files and folder != str(root):
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found += [os.path.join(folder, name) for name in sorted(files) if name.endswith(".py")]
    return found


def parse_sources(sources: list[bytes]) -> int:
    """How many of `sources` parse."""
    parsed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of old code are not our cost
        for data in sources:
            try:
                ast.parse(data)
            except (SyntaxError, ValueError):
                continue
            parsed += 1
    return parsed


def parse_paths(paths: list[str]) -> int:
    return parse_sources([Path(path).read_bytes() for path in paths])


def parse_floor(root: str | Path, workers: int = 1) -> dict[str, int]:
    paths = python_files(root)
    if workers <= 1:
        parsed = parse_paths(paths)
    else:
        # The same pool kind as the product's workers (a forkserver).
        context = multiprocessing.get_context("forkserver")
        chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            parsed = sum(pool.map(parse_paths, chunks))
    return {"files": len(paths), "parsed": parsed, "workers": max(workers, 1)}


def _git(repo: str | Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def history_floor(repo: str | Path) -> dict[str, int]:
    commits = _git(repo, "rev-list", "--first-parent", "HEAD").split()
    blobs: dict[bytes, None] = {}  # unique .py blob ids, in first-seen order
    for commit in commits:
        for entry in _git(repo, "ls-tree", "-r", "-z", commit).split(b"\0"):
            meta, _, path = entry.partition(b"\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == b"blob" and path.endswith(b".py"):
                blobs.setdefault(parts[2])
    sources = _cat_blobs(repo, list(blobs))
    return {"commits": len(commits), "blobs": len(blobs), "parsed": parse_sources(sources)}


def _cat_blobs(repo: str | Path, ids: list[bytes]) -> list[bytes]:
    """The contents of `ids`, through one `git cat-file --batch`."""
    process = subprocess.Popen(
        ["git", "-C", str(repo), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    writer = _feed(process.stdin, ids)
    out: list[bytes] = []
    for _ in ids:
        header = process.stdout.readline().split()
        size = int(header[2])
        out.append(process.stdout.read(size))
        process.stdout.read(1)  # the newline after each object
    writer.join()
    process.wait()
    return out


def _feed(stream: IO[bytes], ids: list[bytes]) -> threading.Thread:
    """Write the requests on a thread: git's pipe would fill while we wait to read."""

    def write() -> None:
        for ident in ids:
            stream.write(ident + b"\n")
        stream.close()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("what", choices=["parse", "history"])
    parser.add_argument("root")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    if args.what == "parse":
        result = parse_floor(args.root, args.workers)
    else:
        result = history_floor(args.root)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
