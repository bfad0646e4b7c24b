"""What a workspace listing always leaves out, by path alone: VCS folders, caches, build
output, `node_modules`, and virtualenvs (a folder holding `pyvenv.cfg`) — except that
marker itself, which is how `deps.venv` learns the learner made one. Whether Git ignores
a file is known only by listing (`analysis.workspace`).

Kept apart from `analysis.workspace` (and free of its imports) so that the server's file
watcher process starts in a few milliseconds.
"""

from __future__ import annotations

import os

VENV_MARKER = "pyvenv.cfg"
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        "site-packages",
    }
)


def skip_dir(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


def never_listed(root: str, rel: str) -> bool:
    """Is `rel` in a place a scan never lists (a virtualenv, `site-packages`, caches,
    build output)? Lets the language server ignore a library file the learner opened
    with go-to-definition. Costs a `stat` per parent folder."""
    parts = rel.split("/")
    if any(skip_dir(part) for part in parts[:-1]):
        return True
    folder = os.path.realpath(root)
    for part in parts[:-1]:
        folder = os.path.join(folder, part)
        if os.path.isfile(os.path.join(folder, VENV_MARKER)):
            return True
    return False


def may_be_listed(root: str, rel: str) -> bool:
    """Could a scan list `rel`? False for what the listing always leaves out, so a file
    watcher can drop those events before anything is read. Costs a `stat` per parent."""
    parts = rel.split("/")
    if parts[-1] == VENV_MARKER:
        parts = parts[:-1]  # the marker itself is listed: judge the venv's own folder
    return not parts or not never_listed(root, "/".join(parts))
