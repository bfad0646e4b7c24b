"""Opening the store a second time in one process keeps the first connection's locks.

Closing any file descriptor of a file drops every POSIX lock the process holds on it
(SQLite's documented fcntl caveat), so the header check must not open the file while
a connection of this process holds it. The lock is observed from another process,
the only place POSIX locks conflict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roadmap_coach.progress.database import open_database

fcntl = pytest.importorskip("fcntl")

# SQLite's shared-lock range on the database file (unix VFS: PENDING_BYTE + 2, 510 bytes)
PROBE = """
import fcntl, sys
with open(sys.argv[1], "r+b") as handle:
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002)
    except OSError:
        print("held")
    else:
        print("free")
"""


def shared_lock(path: Path) -> str:
    found = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    return found.stdout.strip()


def test_a_second_connection_in_the_process_keeps_the_first_ones_read_lock(
    tmp_path: Path,
) -> None:
    path = tmp_path / "progress.sqlite3"
    first = open_database(path, 0.5).connection
    first.execute("CREATE TABLE IF NOT EXISTS t (x)")
    first.execute("BEGIN")
    first.execute("SELECT * FROM t").fetchall()  # a read transaction: a shared lock
    assert shared_lock(path) == "held"
    second = open_database(path, 0.5).connection
    assert shared_lock(path) == "held"
    first.execute("COMMIT")
    first.close()
    second.close()


def test_once_every_connection_is_closed_the_header_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    open_database(path, 0.5).connection.close()
    with path.open("r+b") as handle:  # the same file (inode), no longer a database
        handle.write(b"not a database at all" * 300)
    opened = open_database(path, 0.5)
    assert opened.notice is not None and "moved aside" in opened.notice
    opened.connection.close()
