"""A learner with one open, one silenced and one fixed security lesson, as a mentor sees
them in real headless Chromium: the Markdown export (rendered with markdown-it, as a
code host would), the HTML export and the cohort page each put every lesson in its own
place, with path:line and commit. Screenshots: tests/e2e/artifacts/browser/lessons-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from test_pages_in_chromium import ARTIFACTS, assert_safe_and_self_contained, render

from lesson_repos import three_lessons_repo
from roadmap_coach.cli import main


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("lesson-pages")
    repo = tmp / "ada-app"
    shas = three_lessons_repo(repo)
    store = tmp / "ada.sqlite3"
    assert main(["history", str(repo), "--record", "--store", str(store), "--learner", "Ada"]) == 0
    out = ARTIFACTS / "lessons"
    out.mkdir(parents=True, exist_ok=True)
    log, md, html = out / "ada.jsonl", out / "ada.md", out / "ada.html"
    for fmt, path in (("jsonl", log), ("md", md), ("html", html)):
        assert main(["export", "--store", str(store), "--format", fmt, "-o", str(path)]) == 0
    rendered_md = out / "ada.md.html"
    body = MarkdownIt("commonmark").enable("table").render(md.read_text())
    rendered_md.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>ada.md</title>"
        "<style>body{font-family:sans-serif;max-width:900px;margin:24px auto}</style>"
        f"</head><body>{body}</body></html>",
        encoding="utf-8",
    )
    cohort = out / "cohort.html"
    assert main(["report", str(log), "--repos", str(tmp), "-o", str(cohort)]) == 0
    return {"md": rendered_md, "html": html, "cohort": cohort, "shas": shas}


def section(dom: str, start: str, end: str) -> str:
    assert start in dom, start
    return dom.split(start, 1)[1].split(end, 1)[0]


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return tmp_path / "chromium-profile"


def test_markdown_export_shows_open_silenced_and_fixed_apart(
    pages: dict[str, object], profile: Path
) -> None:
    shas = pages["shas"]
    assert isinstance(shas, dict)
    shot = render(pages["md"], "lessons-markdown", profile)  # type: ignore[arg-type]
    assert shot.console == [] and shot.pixels.covered > 0.02
    dom = shot.dom
    opened = section(dom, "<h3>Open", "<h3>Silenced")
    silenced = section(dom, "<h3>Silenced", "<h3>Fixed")
    fixed = section(dom, "<h3>Fixed", "<h2>")
    assert "users.py:7" in opened and shas["first"][:10] in opened
    assert "items.py:7" in silenced and shas["silenced"][:10] in silenced
    assert "orders.py:7" in fixed and shas["fixed"][:10] in fixed
    for part, others in ((opened, ("items.py", "orders.py")), (fixed, ("users.py", "items.py"))):
        assert not any(name in part for name in others)


def test_html_export_shows_open_silenced_and_fixed_apart(
    pages: dict[str, object], profile: Path
) -> None:
    shas = pages["shas"]
    assert isinstance(shas, dict)
    shot = render(pages["html"], "lessons-html", profile)  # type: ignore[arg-type]
    assert shot.console == [] and shot.pixels.colours > 100
    assert_safe_and_self_contained(shot.dom)
    dom = shot.dom
    cards = re.findall(r"<dt>([^<]+)</dt><dd[^>]*>(\d+)</dd>", dom)
    assert ("Open security lessons", "1") in cards
    assert ("Silenced security lessons", "1") in cards
    opened = section(dom, 'id="lessons-open"', 'id="lessons-silenced"')
    silenced = section(dom, 'id="lessons-silenced"', 'id="lessons-fixed"')
    fixed = section(dom, 'id="lessons-fixed"', "</section>")
    assert "users.py:7" in opened and shas["first"][:10] in opened and "1 open" in opened
    assert "items.py:7" in silenced and shas["silenced"][:10] in silenced
    assert "orders.py:7" in fixed and shas["fixed"][:10] in fixed and "1 fixed" in fixed
    assert "items.py" not in opened + fixed and "users.py" not in silenced + fixed


def test_cohort_page_shows_the_security_column_and_the_re_check(
    pages: dict[str, object], profile: Path
) -> None:
    shot = render(pages["cohort"], "lessons-cohort", profile)  # type: ignore[arg-type]
    assert shot.console == [] and shot.pixels.colours > 100
    assert_safe_and_self_contained(shot.dom)
    dom = shot.dom
    row = section(dom, "<tbody>", "</tbody>")
    assert "1 open</span>" in row and "1 silenced</span>" in row
    assert "✓ matches" in row and "milestones re-checked at their commits" in row
    assert 'class="strip"' in row
    head = section(dom, "<thead>", "</thead>")
    assert ">Python basics<" in head and ">Web security<" in head
