"""Real Neovim (Debian's 0.7.2, headless) against the real server: `make test-neovim`.

The Lua side (coach_test.lua) drives the editor and writes what it saw; this side builds
the learner's workspace, runs Neovim in its own process group under a timeout, and
shows Neovim's LSP log when anything goes wrong.
"""

from __future__ import annotations

from pathlib import Path

from nvim_runner import needs_nvim, run_scenario

APP = """from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)
"""

pytestmark = needs_nvim


def _run_nvim(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    (workspace / "requirements.txt").write_text("flask\n")
    return run_scenario("coach_test.lua", tmp_path, workspace)


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
