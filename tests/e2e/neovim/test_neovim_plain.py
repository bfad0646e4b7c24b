"""Real Neovim 0.7.2 as a plain client (its own `window/showMessage` handler, no opt-in):
milestones that arrive together are one readable message in `:messages`, carrying the
same next step as getProgress's nextUp; a lens click shows the checkpoint's page; and
`roadmap-coach explain web.flask-route` prints that page from the editor's shell."""

from __future__ import annotations

from pathlib import Path

from nvim_runner import needs_nvim, run_scenario

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

pytestmark = needs_nvim


def run_plain(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    return run_scenario("plain_test.lua", tmp_path, workspace)


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
