"""Where the project's pages are on the web: decided here, once.

`PROJECT_URL` is the repository (also `[project.urls]` in pyproject.toml; a test keeps
the two equal). A lesson's page is `docs/rules/<CODE>.md` in that repository, the page
`make docs` writes from the lesson's docstring (a test checks that every lesson link
names a file that exists). A fork, a mirror or a course that hosts its own copy points
the links there with `ROADMAP_COACH_DOCS_URL` (the folder that holds `docs/`, e.g.
`https://git.example.edu/course/roadmap-coach/-/blob/main`).
"""

from __future__ import annotations

import os

PROJECT_URL = "https://github.com/roadmap-coach/roadmap-coach"
DOCS_URL = f"{PROJECT_URL}/blob/main"  # files of the main branch, as the web shows them
DOCS_URL_ENV = "ROADMAP_COACH_DOCS_URL"
LESSON_PAGE = "docs/rules/{code}.md"  # in the repository


def docs_url() -> str:
    return (os.environ.get(DOCS_URL_ENV) or DOCS_URL).rstrip("/")


def lesson_url(code: str) -> str | None:
    """The lesson's page; RC000 (a lesson that failed to run) has none."""
    if not code.startswith("RC") or code == "RC000":
        return None
    return f"{docs_url()}/{LESSON_PAGE.format(code=code)}"
