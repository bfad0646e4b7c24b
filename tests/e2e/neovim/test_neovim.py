"""Real Neovim (Debian's 0.7.2, headless) against the real server: `make test-neovim`.

The Lua side (coach_test.lua) drives the editor and writes what it saw; this side builds
the learner's workspace, runs Neovim in its own process group under a timeout, and
shows Neovim's LSP log when anything goes wrong.
"""

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
APP = """from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)
"""

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make test-neovim installs it)"
)


def _run_nvim(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    (workspace / "requirements.txt").write_text("flask\n")
    out = tmp_path / "out.json"
    cache = tmp_path / "cache"
    env = {
        **os.environ,
        "E2E_PY": sys.executable,
        "E2E_FILE": str(workspace / "app.py"),
        "E2E_OUT": str(out),
        "E2E_STORE": str(tmp_path / "store.sqlite3"),
        "XDG_CACHE_HOME": str(cache),  # Neovim's lsp.log (server stderr) lands here
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "ROADMAP_COACH_STORE": str(tmp_path / "unused.sqlite3"),
    }
    command = [
        "nvim",
        "--headless",
        "-u",
        "NONE",
        "-i",
        "NONE",
        "-n",
        "-S",
        str(HERE / "coach_test.lua"),
    ]
    proc = subprocess.Popen(
        command, cwd=workspace, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        output = (output or b"") + b"\n[killed after timeout]"
    logs = [p.read_text(errors="replace") for p in cache.rglob("lsp.log")] + [
        p.read_text(errors="replace") for p in (tmp_path / "state").rglob("lsp.log")
    ]
    report = (
        f"nvim output:\n{output.decode(errors='replace')}\nlsp.log:\n{''.join(logs) or '(none)'}"
    )
    observed = (
        json.loads(out.read_text()) if out.exists() else {"ok": False, "error": "no output written"}
    )
    return observed, report


def test_neovim_shows_lessons_milestones_edits_and_fixes(tmp_path: Path) -> None:
    observed, report = _run_nvim(tmp_path)
    assert observed.get("ok"), f"{observed.get('error')}\n{report}"
    assert observed["nvim"].startswith("0."), report
    assert observed["sync_kind"] == 2  # incremental
    diagnostic = observed["diagnostic"]
    assert diagnostic["severity"] == 2 and diagnostic["lnum"] == 11  # app.run(debug=True)
    assert diagnostic["href"].endswith("/docs/rules/RC502.md")
    ids = [m["id"] for m in observed["milestones"]]
    assert "web.flask-route" in ids and "api.json-response" in ids
    assert ids.count("web.flask-route") == 1
    assert observed["messages"] == [] or not any("milestone" in m for m in observed["messages"])
    assert observed["progress"] >= 1
    assert "Milestone: Your first Flask route" in observed["hover"]
    assert any(a.startswith("Ignore RC502") for a in observed["actions"])
    assert "debug=True" not in observed["fixed_text"]
    assert observed["server_text_matches"] is True
    assert observed["exit"]["code"] == 0, report
