"""A learner's Git repository whose history holds one security lesson of each kind at
HEAD: one open (an f-string query), one silenced (`# coach: ignore[RC301]`) and one
fixed (a query rewritten with placeholders in a later commit). Shared by the CLI
tests and the browser tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

QUERY = "    cur.execute(f\"SELECT * FROM {table} WHERE name = '{{name}}'\")"
SAFE = '    cur.execute("SELECT * FROM {table} WHERE name = ?", (name,))'


def module(table: str, line: str) -> str:
    return (
        "import sqlite3\n\n\n"
        "def find(name):\n"
        '    conn = sqlite3.connect("app.db")\n'
        "    cur = conn.cursor()\n"
        f"{line.format(table=table)}\n"
        "    return cur.fetchall()\n"
    )


def git(root: Path, *args: str, when: str = "2024-05-01T10:00:00Z") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Ada Learner",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Learner",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root.parent),
    }
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit_all(root: Path, message: str, when: str) -> str:
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "-m", message, when=when)
    return git(root, "rev-parse", "HEAD").strip()


def three_lessons_repo(root: Path) -> dict[str, str]:
    """Build the repository; the commit shas by name."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    (root / "users.py").write_text(module("users", QUERY))
    (root / "orders.py").write_text(module("orders", QUERY))
    (root / "items.py").write_text(module("items", QUERY))
    (root / "test_users.py").write_text("def test_nothing():\n    assert True\n")
    first = commit_all(root, "queries", "2024-05-01T10:00:00Z")
    (root / "orders.py").write_text(module("orders", SAFE))
    fixed = commit_all(root, "placeholders for orders", "2024-05-08T10:00:00Z")
    (root / "items.py").write_text(module("items", QUERY + "  # coach: ignore[RC301]"))
    silenced = commit_all(root, "items, silenced", "2024-05-15T10:00:00Z")
    return {"first": first, "fixed": fixed, "silenced": silenced}
