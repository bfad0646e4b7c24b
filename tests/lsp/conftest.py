"""Fixtures for the LSP tests: a fresh workspace folder and progress store per test.
The client helpers live in lsp_client.py (a module name of its own, not `conftest`)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store" / "progress.sqlite3"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root
