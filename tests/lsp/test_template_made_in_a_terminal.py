"""A template made in a terminal counts as soon as the code renders it: the learner
creates `templates/about.html` outside the editor, then types `render_template(...)`."""

from __future__ import annotations

from pathlib import Path

from lsp_client import coach

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'
RENDERED = APP.replace("from flask import Flask", "from flask import Flask, render_template")
RENDERED += '\n\n@app.route("/about")\ndef about():\n    return render_template("about.html")\n'


async def _template_then_render(session, workspace: Path) -> None:
    session.open("app.py")
    files = (await session.settled())["files"]
    (workspace / "templates").mkdir()
    (workspace / "templates" / "about.html").write_text("<h1>About</h1>\n")
    await session.wait_stats("the template file", lambda s: s["files"] > files, timeout=5.0)
    session.change("app.py", RENDERED)
    await session.wait_stats(
        "web.flask-template",
        lambda s: "web.flask-template" in set(s["milestones"]),
        timeout=10.0,
    )


async def test_a_template_made_in_a_terminal_then_rendered_is_a_milestone(
    workspace: Path, store: Path
) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, store, init_options={"debounceMs": 0}) as session:
        await _template_then_render(session, workspace)


async def test_the_same_in_a_client_that_watches_files(workspace: Path, store: Path) -> None:
    (workspace / "app.py").write_text(APP)
    async with coach(
        workspace, store, editor="visual-studio-code", init_options={"debounceMs": 0}
    ) as session:
        await _template_then_render(session, workspace)
