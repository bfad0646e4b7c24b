"""Runs one Lua scenario in real Neovim (Debian's 0.7.2, headless) against this repo's
server: the Lua side drives the editor and writes what it saw as JSON; this side runs
Neovim in its own process group under a timeout and gathers Neovim's LSP log (the
server's stderr) for the failure report."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TIMEOUT_S = 120

needs_nvim = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make test-neovim installs it)"
)


def run_scenario(
    script: str, tmp_path: Path, workspace: Path, extra_env: dict[str, str] | None = None
) -> tuple[dict, str]:
    """(what the Lua scenario observed, a report with Neovim's output and LSP log)."""
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        **(extra_env or {}),
        "E2E_PY": sys.executable,
        "E2E_FILE": str(workspace / "app.py"),
        "E2E_OUT": str(out),
        "E2E_STORE": str(tmp_path / "store.sqlite3"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # Neovim's lsp.log lands here (0.7)
        "XDG_STATE_HOME": str(tmp_path / "state"),  # … or here (later versions)
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "ROADMAP_COACH_STORE": str(tmp_path / "unused.sqlite3"),
    }
    proc = subprocess.Popen(
        ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S", str(HERE / script)],
        cwd=workspace, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        output = (output or b"") + b"\n[killed after timeout]"
    logs = [
        p.read_text(errors="replace")
        for folder in ("cache", "state")
        for p in (tmp_path / folder).rglob("lsp.log")
    ]
    report = (
        f"nvim output:\n{output.decode(errors='replace')}\nlsp.log:\n{''.join(logs) or '(none)'}"
    )
    observed = (
        json.loads(out.read_text()) if out.exists() else {"ok": False, "error": "no output written"}
    )
    observed["nvim_exit"] = proc.returncode
    return observed, report
