"""Real Neovim 0.7.2 as a plain client (its own `window/showMessage` handler, no opt-in):
milestones that arrive together are one readable message in `:messages`, carrying the
same next step as getProgress's nextUp; a lens click shows the checkpoint's page; and
`roadmap-coach explain web.flask-route` prints that page from the editor's shell."""

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
# a class, a function and a Flask route: three milestones found by the first scan
APP = """from flask import Flask

app = Flask(__name__)


class Greeter:
    def __init__(self, name):
        self.name = name


@app.route("/")
def index():
    return "hello"
"""

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make test-neovim installs it)"
)


def run_plain(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        "E2E_PY": sys.executable,
        "E2E_FILE": str(workspace / "app.py"),
        "E2E_OUT": str(out),
        "E2E_STORE": str(tmp_path / "store.sqlite3"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
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
        str(HERE / "plain_test.lua"),
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
    logs = [p.read_text(errors="replace") for p in tmp_path.rglob("lsp.log")]
    report = (
        f"nvim output:\n{output.decode(errors='replace')}\nlsp.log:\n{''.join(logs) or '(none)'}"
    )
    observed = json.loads(out.read_text()) if out.exists() else {"ok": False, "error": "no output"}
    return observed, report


def test_neovim_shows_milestones_together_as_one_readable_message_and_opens_pages(
    tmp_path: Path,
) -> None:
    observed, report = run_plain(tmp_path)
    assert observed.get("ok"), f"{observed.get('error')}\n{report}"
    assert observed["nvim"].startswith("0."), report
    lines = [line for line in observed["messages"].splitlines() if line.strip()]
    ours = [line for line in lines if line.startswith("LSP[roadmap-coach]")]
    # one message for the three milestones of the first scan, every title readable
    assert len(ours) == 1, observed["messages"]
    message = ours[0].removeprefix("LSP[roadmap-coach][Info] ")
    assert message.startswith(
        "3 milestones: Your first function · Your first class · Your first Flask route — next: "
    ), message
    assert "roadmap-coach:" not in message and "[" not in message and "`" not in message
    # the same next step as getProgress's ranking
    assert message.endswith(f"— next: {observed['next_up'][0]['title']}")
    # a lens click on a plain client: the checkpoint's page, as plain text
    page = observed["lens_message"]
    assert "Your first Flask route" in page and "What it teaches" in page
    assert "Example" in page and "@app.route" in page and "Evidence" in page
    assert "`" not in page and "**" not in page
    assert all(lens["command"] == "roadmapCoach.explain" for lens in observed["lenses"])
    # the terminal page for every other editor
    assert observed["explain_status"] == 0
    explain = observed["explain"]
    assert explain.startswith("Your first Flask route\n")
    for heading in ("What it teaches", "Example", "Try next", "Read more", "Evidence"):
        assert f"\n{heading}\n" in explain
    assert "app.py:11" in explain  # the store's evidence
    assert observed["exit"]["code"] == 0, report
