"""The roadmap as the editor sees it: `roadmapCoach/getProgress`, the code lens on the
line that earned a milestone, and hover on that line."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from lsp_client import Coach, coach
from lsprotocol import types

from roadmap_coach.roadmap.loader import load_roadmap

APP = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hello"\n'
ROUTE_LINE = 5

# Every test here only reads: one server for the module keeps the suite quick.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def session(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Coach]:
    base = tmp_path_factory.mktemp("progress")
    workspace = base / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)
    async with coach(workspace, base / "store.sqlite3", init_options={"debounceMs": 0}) as shared:
        shared.open("app.py")
        await shared.settled()
        yield shared


async def test_get_progress_has_every_step_checkpoint_and_total(session: Coach) -> None:
    roadmap, _ = load_roadmap()
    progress = await session.progress_now()
    assert progress["total"] == len(roadmap.checkpoints)
    assert [s["id"] for s in progress["steps"]] == [s.id for s in roadmap.steps]
    step = next(s for s in progress["steps"] if s["id"] == "web-frameworks")
    assert (step["title"], step["number"], step["total"]) == ("Choose a web framework", 2, 8)
    rows = {c["id"]: c for s in progress["steps"] for c in s["checkpoints"]}
    route = rows["web.flask-route"]
    assert set(route) == {
        "id",
        "title",
        "teaches",
        "example",
        "next",
        "links",
        "core",
        "achieved",
        "achievedAt",
        "evidence",
        "suggested",
    }
    assert route["achieved"] and not route["suggested"]
    assert route["evidence"] == {
        "uri": session.uri("app.py"),
        "range": {
            "start": {"line": ROUTE_LINE, "character": 1},
            "end": {"line": ROUTE_LINE, "character": 15},
        },
    }
    assert route["achievedAt"].endswith("Z") and route["links"]
    template = rows["web.flask-template"]
    assert not template["achieved"] and template["suggested"]  # next of an achieved one
    assert template["achievedAt"] is None and template["evidence"] is None
    assert not rows["db.redis"]["suggested"]
    assert progress["achieved"] == sum(1 for c in rows.values() if c["achieved"])
    assert step["achieved"] == sum(1 for c in step["checkpoints"] if c["achieved"])


async def test_code_lens_marks_the_line_that_earned_a_milestone(session: Coach) -> None:
    lenses = await session.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(session.uri("app.py")))
    )
    titles = {(lens.range.start.line, lens.command.title) for lens in lenses or [] if lens.command}
    assert (ROUTE_LINE, "✓ Milestone: Your first Flask route") in titles
    assert all(line in (ROUTE_LINE, ROUTE_LINE + 1) for line, _ in titles)
    route = next(
        lens for lens in lenses or [] if lens.command and "Flask route" in lens.command.title
    )
    assert route.command is not None
    explained = await session.command(route.command.command, *(route.command.arguments or []))
    assert "route maps a URL" in explained["markdown"] and "route maps a URL" in explained["text"]


async def test_hover_on_a_milestone_line_teaches_and_suggests_what_next(session: Coach) -> None:
    text = await session.hover("app.py", ROUTE_LINE, 3)
    assert text is not None
    assert "Milestone: Your first Flask route" in text and "route maps a URL" in text
    assert "Try next" in text and "web.flask-template" in text
    assert "https://flask.palletsprojects.com" in text
    assert await session.hover("app.py", 1, 0) is None  # an empty line teaches nothing
