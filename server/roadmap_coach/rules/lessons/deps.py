"""Dependencies: every third-party import declared where `pip install` can see it."""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterator

from roadmap_coach.analysis.facts import FileFacts, Import, Span
from roadmap_coach.rules.lessons.base import Edit, Fix, Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.distributions import covered, is_declared, providers
from roadmap_coach.rules.lessons.edits import utf8_len
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

# the running Python's standard library, and the modules later Pythons added (3.14:
# `annotationlib`, `compression`): a project on a newer Python imports them undeclared
_STDLIB = frozenset(sys.stdlib_module_names) | {
    "__future__", "__main__", "annotationlib", "compression"
}  # fmt: skip
_DEV_FILE_RE = re.compile(r"dev|test", re.IGNORECASE)
_BUILD_SCRIPTS = ("setup.py", "pdm_build.py", "hatch_build.py")
_MAIN_FILES = frozenset({"requirements.txt", "requirements.in", "base.txt", "prod.txt"})
_ARRAY_START_RE = re.compile(r"^\s*dependencies\s*=\s*\[")


class UndeclaredDependency(Lesson):
    """## What it catches
    A third-party package imported in your code but not listed in
    `requirements.txt` (or any requirements file) or `pyproject.toml` (PEP 621
    dependencies, optional dependencies, dependency groups, Poetry). It knows the
    usual cases where the import and the package have different names
    (`yaml` → PyYAML, `jwt` → PyJWT, `bs4` → beautifulsoup4, `PIL` → Pillow,
    `dotenv` → python-dotenv), what an extra installs (`passlib[bcrypt]`
    provides `bcrypt`, `uvicorn[standard]` provides `uvloop`), and skips the
    standard library (the modules later Pythons added too), your own modules,
    and build scripts (`setup.py`, `pdm_build.py`, `hatch_build.py`: the build
    installs what they import). A finding names the dependency file that
    installs for it: in its folder or one above (`examples/shop/requirements.txt`
    is for `examples/shop/` only), the main one first (`requirements.txt` before
    `requirements-docs.txt`; the dev one for test code). Hatch's environments
    count as declared.

    ## Why it matters
    The packages in your virtual environment are not part of your project; the
    list is. A teammate, your CI or your server installs from that list, and the
    app crashes with `ModuleNotFoundError` on the first import you forgot to
    write down.

    ## Example
    ```python
    import yaml  # requirements.txt lists only flask
    ```

    ## The safe way
    Declare each package you import (then pin it, see the `deps.pinned`
    checkpoint).
    ```text
    # requirements.txt
    flask
    PyYAML
    ```
    Packages that a declared one brings along (`werkzeug` with Flask,
    `starlette` with FastAPI) are not reported. The quick fix adds the package
    to your requirements file or `pyproject.toml` (or starts a
    `requirements.txt`).
    """

    code = "RC901"
    facts_read = reads(FILE, NAMES, "extras", "ignores", "lines", "pinned", "requirements", "toml")
    reads_workspace = True
    quick_fix = "add the package to the requirements file or `pyproject.toml`"
    step = "dependencies"
    title = "Import not declared as a dependency"
    severity = "information"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        if facts.kind != "python" or facts.error or facts.path.endswith(_BUILD_SCRIPTS):
            return  # run by the build, with `[build-system] requires` installed
        if not context.complete:
            return  # the requirements files may not have been read yet
        if not context.requirement_files and ({"setup.py", "setup.cfg"} & context.paths):
            return  # declared in setup.py/setup.cfg, which this lesson does not read
        declared = context.memo.get(self.code)
        if declared is None:
            declared = context.memo[self.code] = covered(context.declared)
        reported: set[str] = set()
        for imported in facts.imports:
            head = imported.module.split(".", 1)[0]
            if imported.level or not head or head in _STDLIB or head in context.local_modules:
                continue
            if head.startswith("_") and head != "_pytest":
                continue
            if is_declared(imported.module, declared):
                continue
            package = providers(imported.module)[0]
            if package in reported:
                continue
            reported.add(package)
            yield self._finding(facts, context, imported, package)

    def _finding(
        self, facts: FileFacts, context: WorkspaceContext, imported: Import, package: str
    ) -> LessonFinding:
        span = imported.span or Span(imported.line, 0, imported.line, 0)
        target = _target_file(context, facts.path, facts.is_test)
        head = imported.module.split(".", 1)[0]
        named = (
            f"`{head}` (the {package} package)" if package.lower() != head.lower() else f"`{head}`"
        )
        if target is None:
            message = (
                f"{named} is imported but no requirements.txt or pyproject.toml lists it: a fresh "
                "install of this project (a teammate, CI, a server) will not have it. List your "
                "dependencies in requirements.txt."
            )
            fix = Fix(
                f"Start requirements.txt with {package}",
                (Edit("requirements.txt", Span(0, 0, 0, 0), f"{package}\n"),),
            )
            return LessonFinding(
                self.code, facts.path, span, "hint", message, self.step, fix, priority=3
            )
        message = (
            f"{named} is imported but {target} does not declare it: a fresh install of this project "
            f"fails with ModuleNotFoundError here. Add `{package}` to {target}."
        )
        edit = _append(target, context.requirement_lines.get(target, []), package)
        fix = Fix(f"Add {package} to {target}", (edit,)) if edit else None
        return LessonFinding(
            self.code, facts.path, span, self.severity, message, self.step, fix, priority=3
        )


def _target_file(context: WorkspaceContext, path: str, for_tests: bool) -> str | None:
    """The dependency file that installs for `path`: one in its folder or a folder above
    (`examples/shop/requirements.txt` is for `examples/shop/` only)."""
    folder = posixpath.dirname(path)
    files = [
        p
        for p in context.requirement_files
        if p in context.requirement_lines and _covers(posixpath.dirname(p), folder)
    ]
    if not files:
        return None

    def rank(path: str) -> tuple[bool, bool, int, bool, str]:
        name = posixpath.basename(path)
        is_dev = bool(_DEV_FILE_RE.search(path))
        return (
            name == "pyproject.toml",  # a requirements file first: it is what pip installs from
            is_dev != for_tests,
            path.count("/"),
            # the project's own list before a side one (`requirements-docs-insiders.txt`
            # sorts before `requirements.txt`)
            name not in _MAIN_FILES and not is_dev,
            path,
        )

    return min(files, key=rank)


def _covers(folder: str, inside: str) -> bool:
    return not folder or inside == folder or inside.startswith(folder + "/")


def _append(path: str, lines: list[str], package: str) -> Edit | None:
    if posixpath.basename(path) == "pyproject.toml":
        return _pyproject_edit(path, lines, package)
    if not lines:
        return Edit(path, Span(0, 0, 0, 0), f"{package}\n")
    last = len(lines) - 1
    end = utf8_len(lines[last])
    return Edit(path, Span(last, end, last, end), f"\n{package}")


def _pyproject_edit(path: str, lines: list[str], package: str) -> Edit | None:
    table = None
    for number, line in enumerate(lines):
        header = line.strip()
        if header.startswith("["):
            table = header
            if header == "[tool.poetry.dependencies]":
                return Edit(path, Span(number + 1, 0, number + 1, 0), f'{package} = "*"\n')
            continue
        if table == "[project]" and _ARRAY_START_RE.match(line):
            close = line.rfind("]")
            if close != -1 and line.count("[") == line.count("]"):
                inside = line[line.index("[") + 1 : close].strip()
                text = f'"{package}"' if not inside else f', "{package}"'
                if inside.endswith(","):
                    text = f' "{package}"'
                col = utf8_len(line[:close])
                return Edit(path, Span(number, col, number, col), text)
            indent = re.match(r"\s*", lines[number + 1]).group(0) if number + 1 < len(lines) else ""
            return Edit(
                path, Span(number + 1, 0, number + 1, 0), f'{indent or "    "}"{package}",\n'
            )
    return None
