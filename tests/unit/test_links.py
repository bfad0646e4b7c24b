"""Every link the coach shows resolves: a lesson's link (a diagnostic's
`codeDescription.href`, the hover's "Lesson page", `explain CODE`) is the lesson's page on
this machine, with no network needed; a wheel carries the pages; the package metadata
points at the repository; and the links between the repository's own pages (README,
docs/) name files that exist."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from roadmap_coach import links
from roadmap_coach.analysis.facts import Span
from roadmap_coach.lsp.diagnostics import lesson_diagnostic
from roadmap_coach.lsp.hover import lesson_markdown, lesson_pages
from roadmap_coach.lsp.positions import lines_reader
from roadmap_coach.progress.pages import lesson_page
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.rules.lessons import ALL_LESSONS, all_lessons
from roadmap_coach.rules.lessons.base import LessonFinding

REPO = Path(__file__).resolve().parents[2]
BLOB = links.PROJECT_URL + "/blob/main/"
# [text](target) in Markdown, not images of remote badges; targets without a scheme are
# paths relative to the page.
_MD_LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)\)")
ROADMAP = load_roadmap()[0]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _repo_file(url: str) -> Path:
    assert url.startswith(BLOB), url
    return REPO / url[len(BLOB) :].split("#", 1)[0]


def _local_file(url: str) -> Path:
    parsed = urlparse(url)
    assert parsed.scheme == "file", url
    return Path(unquote(parsed.path))


@pytest.mark.parametrize("code", [lesson.code for lesson in all_lessons()])
def test_every_lesson_link_opens_its_page_on_this_machine(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(links.DOCS_URL_ENV, raising=False)
    url = links.lesson_url(code)
    assert url is not None
    page = _local_file(url)
    assert page.is_file() and page.name == f"{code}.md"
    assert page.read_text() == (REPO / "docs" / "rules" / f"{code}.md").read_text()
    finding = LessonFinding(code, "app.py", Span(0, 0, 0, 1), "hint", "m", "security")
    diagnostic = lesson_diagnostic(finding, lines_reader(["x"]), "utf-16")
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == url
    lesson = next(cls for cls in ALL_LESSONS if cls.code == code)
    assert lesson_page(ROADMAP, lesson).data["url"] == url  # `explain CODE`, lesson pages


def test_the_hover_on_a_lesson_links_the_same_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(links.DOCS_URL_ENV, raising=False)
    finding = LessonFinding("RC301", "db.py", Span(0, 0, 0, 1), "warning", "m", "security")
    text = lesson_markdown(ROADMAP, finding, lesson_pages(all_lessons()).get("RC301"), set())
    assert f"<{links.lesson_url('RC301')}>" in text


def test_a_failed_lesson_has_no_page() -> None:
    assert links.lesson_url("RC000") is None


@pytest.mark.slow
def test_a_wheel_carries_every_lesson_page(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("roadmap_coach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lesson in all_lessons():
        assert f"roadmap_coach/lesson_pages/{lesson.code}.md" in names, lesson.code


def test_a_fork_points_the_links_at_its_own_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(links.DOCS_URL_ENV, "https://git.example.edu/course/coach/-/blob/main/")
    expected = "https://git.example.edu/course/coach/-/blob/main/docs/rules/RC301.md"
    assert links.lesson_url("RC301") == expected


def test_the_package_metadata_points_at_the_repository() -> None:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    urls = meta["project"]["urls"]
    assert urls["Homepage"] == urls["Source"] == links.PROJECT_URL
    for url in urls.values():
        assert url.startswith(links.PROJECT_URL), url
        if url.startswith(BLOB):
            assert _repo_file(url).is_file(), url


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_links_between_the_repositorys_pages_resolve(page: Path) -> None:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)  # code blocks
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code
    broken = []
    for target in _MD_LINK.findall(text):
        if target.startswith(BLOB):
            path = _repo_file(target)
        elif re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # another site, mailto:, an anchor on this page
        else:
            path = (page.parent / target.split("#", 1)[0]).resolve()
        if not path.exists():
            broken.append(target)
    assert broken == []


def test_a_page_written_while_the_coach_runs_is_linked_from_then_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(links.DOCS_URL_ENV, raising=False)
    monkeypatch.setattr(links, "PAGE_FOLDERS", (tmp_path,))
    monkeypatch.setattr(links, "_FOUND", {})
    assert links.lesson_url("RC301") is None  # no page yet: no link that would not open
    (tmp_path / "RC301.md").write_text("# RC301\n")
    assert links.lesson_url("RC301") == (tmp_path / "RC301.md").as_uri()
