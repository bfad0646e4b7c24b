"""Git: files that must not be committed (secrets, virtualenvs, databases)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from fnmatch import fnmatchcase

from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.rules.lessons.base import Edit, Fix, Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.edits import utf8_len
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_ENV_EXAMPLES_RE = re.compile(r"\.(example|sample|template|dist|defaults?)$", re.IGNORECASE)
_DATABASE_SUFFIXES = (".sqlite3", ".sqlite", ".db")
_VENV_MARKERS = ("pyvenv.cfg", "bin/activate", "Scripts/activate", "Scripts/activate.bat")


class TrackedByGit(Lesson):
    """## What it catches
    Files tracked by Git that belong on your machine only: a `.env` file (not
    `.env.example`), a virtual environment, or a SQLite database (`*.sqlite3`,
    `*.sqlite`, `*.db`).

    ## Why it matters
    `.env` holds your secrets, and once committed they stay in the history even
    after you delete the file. A virtualenv is thousands of files built for your
    computer only (it breaks on anyone else's). A database file mixes test data
    into every commit, conflicts on every merge, and may hold real users' data.

    ## Example
    ```text
    $ git ls-files
    .env
    app.py
    instance/app.db
    venv/pyvenv.cfg
    ```

    ## The safe way
    List them in `.gitignore`, then stop tracking them (the files stay on disk):
    ```text
    # .gitignore
    .env
    venv/
    *.db
    ```
    ```text
    git rm --cached .env instance/app.db
    git rm -r --cached venv
    ```
    Commit a `.env.example` with empty values instead of `.env`, and a
    `requirements.txt` instead of the virtualenv. The quick fix adds the entry to
    `.gitignore` (creating it if needed); the lesson then reminds you of
    `git rm --cached` until the file is no longer tracked. A secret that was
    committed should also be changed.
    """

    code = "RC1001"
    facts_read = reads(FILE, NAMES, "extras", "ignores", "lines", "requirements", "toml")
    reads_workspace = True
    quick_fix = "add the entry to `.gitignore`"
    step = "git"
    title = "Secrets, virtualenv or database tracked by Git"
    severity = "information"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        if not context.tracked:
            return
        by_file = context.memo.get(self.code)
        if by_file is None:  # once per workspace: every file asks
            by_file = {}
            for path, kind, pattern in offenders(context.tracked):
                listed = path if kind != "virtualenv" else posixpath.join(path, "pyvenv.cfg")
                shown_on = listed if listed in context.paths else ".gitignore"
                by_file.setdefault(shown_on, []).append((path, kind, pattern))
            context.memo[self.code] = by_file
        for path, kind, pattern in by_file.get(facts.path, []):
            yield self._finding(facts, context, path, kind, pattern)

    def _finding(
        self, facts: FileFacts, context: WorkspaceContext, path: str, kind: str, pattern: str
    ) -> LessonFinding:
        span = Span(0, 0, 0, 0)
        what = {
            "env": "holds secrets, which stay in the Git history for anyone with the repository",
            "virtualenv": "is a virtualenv: thousands of files that only work on your machine",
            "database": "is a database file: it conflicts on every merge and may hold real data",
        }[kind]
        ignored = ignores(context.gitignore_lines, path, directory=kind == "virtualenv")
        recursive = "-r " if kind == "virtualenv" else ""
        if ignored:
            message = (
                f"`{path}` {what}. `.gitignore` lists it, but Git still tracks it: run "
                f"`git rm {recursive}--cached {path}` (the files stay on disk) and commit."
            )
            return LessonFinding(self.code, facts.path, span, self.severity, message, self.step)
        message = (
            f"`{path}` {what}. Add it to `.gitignore`, then run `git rm {recursive}--cached {path}` "
            "(the files stay on disk) and commit."
        )
        fix = Fix(f"Add {pattern} to .gitignore", (_gitignore_edit(context, pattern),))
        return LessonFinding(self.code, facts.path, span, self.severity, message, self.step, fix)


def offenders(tracked: set[str]) -> Iterator[tuple[str, str, str]]:
    """(path, kind, .gitignore pattern) for each tracked file or folder to untrack."""
    venvs: set[str] = set()
    for path in sorted(tracked):
        for marker in _VENV_MARKERS:
            if path.endswith("/" + marker) or path == marker:
                venvs.add(path[: -len(marker)].rstrip("/"))
    for venv in sorted(venvs):
        yield venv or ".", "virtualenv", f"{posixpath.basename(venv) or '.'}/"
    for path in sorted(tracked):
        if any(path == v or path.startswith(v + "/") for v in venvs if v):
            continue
        name = posixpath.basename(path)
        if (name == ".env" or name.startswith(".env.")) and not _ENV_EXAMPLES_RE.search(name):
            yield path, "env", name if name == ".env" else ".env.*"
        elif name.lower().endswith(_DATABASE_SUFFIXES):
            yield path, "database", "*" + name[name.rfind(".") :]


def _gitignore_edit(context: WorkspaceContext, pattern: str) -> Edit:
    lines = context.gitignore_lines
    if not context.has_gitignore or not lines:
        return Edit(".gitignore", Span(0, 0, 0, 0), f"{pattern}\n")
    last = len(lines) - 1
    end = utf8_len(lines[last])
    return Edit(".gitignore", Span(last, end, last, end), f"\n{pattern}")


def ignores(lines: list[str], path: str, *, directory: bool = False) -> bool:
    """Does this `.gitignore` (at the workspace root) ignore `path`? The common
    subset of gitignore: globs, `**`, anchored `/a`, folders `a/`, negation `!`."""
    ignored = False
    candidates = _with_parents(path, directory)
    for raw in lines:
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:] if negate else line
        dir_only = pattern.endswith("/")
        pattern = pattern.strip("/") if dir_only else pattern
        anchored = "/" in pattern.lstrip("/") or line.lstrip("!").startswith("/")
        pattern = pattern.lstrip("/")
        for candidate, is_dir in candidates:
            if dir_only and not is_dir:
                continue
            if _matches(pattern, candidate, anchored):
                ignored = not negate
                break
    return ignored


def _with_parents(path: str, directory: bool) -> list[tuple[str, bool]]:
    parts = path.split("/")
    found = [("/".join(parts[: i + 1]), True) for i in range(len(parts) - 1)]
    found.append((path, directory))
    return found


def _matches(pattern: str, candidate: str, anchored: bool) -> bool:
    if not anchored:
        return fnmatchcase(posixpath.basename(candidate), pattern)
    regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
    regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
    return re.fullmatch(regex, candidate) is not None
