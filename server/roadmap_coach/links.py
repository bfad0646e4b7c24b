"""Where the project's pages are: decided here, once.

A lesson's page is `docs/rules/<CODE>.md`, the page `make docs` writes from the lesson's
docstring. Every link the coach shows must open, on the machine where it is shown, so by
default a lesson link is the page on this machine: the copy installed with the package
(`roadmap_coach/lesson_pages/`, put there by setup.py) or, in a clone, the file in
`docs/rules/`. `roadmap-coach explain CODE` prints the same page in a terminal. A course,
fork or mirror that hosts the pages points the links there with `ROADMAP_COACH_DOCS_URL`
(the folder that holds `docs/`, e.g. `https://git.example.edu/course/roadmap-coach/-/blob/main`).

`PROJECT_URL` is the repository's address as the package metadata gives it
(`[project.urls]` in pyproject.toml; a test keeps the two equal). Nothing the learner reads
links there: a link on a machine without a network must still open.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_URL = "https://github.com/roadmap-coach/roadmap-coach"
DOCS_URL_ENV = "ROADMAP_COACH_DOCS_URL"
LESSON_PAGE = "docs/rules/{code}.md"  # in the repository
_PACKAGE = Path(__file__).resolve().parent
# the installed copy first, then a clone's docs/ (server/roadmap_coach/ -> the clone)
PAGE_FOLDERS = (_PACKAGE / "lesson_pages", _PACKAGE.parents[1] / "docs" / "rules")


def lesson_file(code: str) -> Path | None:
    """The lesson's page on this machine, or None when no copy is here."""
    for folder in PAGE_FOLDERS:
        page = folder / f"{code}.md"
        if page.is_file():
            return page
    return None


def lesson_url(code: str) -> str | None:
    """The lesson's page: hosted where `ROADMAP_COACH_DOCS_URL` says, else the file on this
    machine; None for RC000 (a lesson that failed to run) and when no page can be opened."""
    if not code.startswith("RC") or code == "RC000":
        return None
    hosted = os.environ.get(DOCS_URL_ENV, "").rstrip("/")
    if hosted:
        return f"{hosted}/{LESSON_PAGE.format(code=code)}"
    found = _FOUND.get(code)
    if found is None:
        page = lesson_file(code)
        if page is None:  # looked for again next time: `make docs` may write it meanwhile
            return None
        found = _FOUND[code] = page.as_uri()
    return found


# A page found once is kept: a scan's diagnostics link the same few pages hundreds of
# times, and each look is a stat per folder.
_FOUND: dict[str, str] = {}
