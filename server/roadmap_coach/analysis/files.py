"""Facts for any file in the workspace, dispatched by its name.

Python goes to the one-walk analyser; TOML gives its key paths (and declared
dependencies for `pyproject.toml`/`Pipfile`); requirements files give package names;
configuration files a rule may read (Dockerfile, CI, compose, nginx, templates …) keep
their first lines; everything else is known by name only. Nothing here raises: a file
that cannot be read as what its name says carries an `error` instead.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Mapping
from fnmatch import translate
from functools import lru_cache
from typing import Any

from roadmap_coach.analysis import dependencies, encoding
from roadmap_coach.analysis.env_settings import url_settings
from roadmap_coach.analysis.facts import FileFacts, TomlFacts
from roadmap_coach.analysis.secret_values import mask_line
from roadmap_coach.analysis.walk_plan import EVERYTHING, WalkPlan

MAX_LINES = 2_000
MAX_LINE_CHARS = 500
MAX_TOML_KEYS = 5_000
UNDECODABLE = "not valid UTF-8 (or declared encoding)"
BINARY = "binary file"

# Lock files and the venv marker are known by name; parsing a lock file costs more
# than the fact that it exists is worth.
_NAME_ONLY = {"pyvenv.cfg", "poetry.lock", "uv.lock", "pdm.lock", "pipfile.lock"}
_TOML_NAMES = {"pipfile"}
_TEXT_NAMES = {
    "procfile",
    "containerfile",
    ".coveragerc",
    ".flake8",
    ".pylintrc",
    "pylintrc",
    ".gitignore",
    ".dockerignore",
    ".python-version",
    "runtime.txt",
    "vercel.json",
    "now.json",
    "railway.json",
    "app.json",
    "azuredeploy.json",
}
_TEXT_GLOBS = (
    "dockerfile*",
    "*.dockerfile",
    "*.yml",
    "*.yaml",
    "*.cfg",
    "*.ini",
    "*.conf",
    "*.html",
    "*.htm",
    "*.jinja",
    "*.jinja2",
    "*.j2",
    "*.sh",  # entrypoint scripts start the app server
    "entrypoint*",
    "*.service",  # systemd units (`ExecStart=…/gunicorn …`) on a VPS
    "*.sql",  # queries and schemas the code may load (aiosql, executescript)
)
# Folders whose files are configuration whatever their names (`nginx/default`).
_TEXT_FOLDERS = {"nginx", "conf.d", "sites-available", "sites-enabled"}
# The values in dotenv files are secrets: their content is never kept.
_SECRET_GLOBS = (".env", ".env.*", "*.env")
# Each tuple as one pattern: `file_kind` runs for every listed file, even on a warm scan.
_TEXT_GLOB = re.compile("|".join(translate(g) for g in _TEXT_GLOBS))
_SECRET_GLOB = re.compile("|".join(translate(g) for g in _SECRET_GLOBS))
_USERINFO_RE = re.compile(r"(?<=://)[^/@\s]+(?=@)")


def file_kind(path: str) -> str:
    """python | toml | requirements | text | other, from the name alone."""
    # str.rpartition, not posixpath: the same split of a '/'-separated path at a third
    # of the cost, for every listed file of every scan
    head, _, name = path.rpartition("/")
    return _kind(name.lower(), head.rpartition("/")[2].lower())


@lru_cache(maxsize=4096)
def _kind(name: str, parent: str) -> str:
    # Memoised: asked for every listed file, even on a warm scan, and names recur
    # (`__init__.py`, `models.py`, `LC_MESSAGES/django.po`).
    if name in _NAME_ONLY:
        return "other"
    if name.endswith(".py"):
        return "python"
    if name.endswith(".toml") or name in _TOML_NAMES:
        return "toml"
    if _is_requirements(name, parent):
        return "requirements"
    if _is_secret(name) or name in _TEXT_NAMES or _TEXT_GLOB.match(name) is not None:
        return "text"
    if parent in _TEXT_FOLDERS and "." not in name.strip("."):
        return "text"
    return "other"


# The same tables as a list of name patterns (fnmatch, lower case; `folder/*` for the
# folder rules), for whoever must know which files analysis reads: a file watcher.
# Every file whose `file_kind` is not "other", and the name-only files above, matches
# one of them (a unit test checks it; `*.in` also matches a few it does not read).
_REQUIREMENTS_PATTERNS = (
    "*requirements*.txt",
    "*constraints*.txt",
    "requirements/*.txt",
    "reqs/*.txt",
    "*.in",
)


def read_patterns() -> tuple[str, ...]:
    """Name patterns of every file kind analysis reads (see the tables above)."""
    return (
        "*.py",
        "*.toml",
        *sorted(_TOML_NAMES),
        *_REQUIREMENTS_PATTERNS,
        *_SECRET_GLOBS,
        *sorted(_TEXT_NAMES),
        *_TEXT_GLOBS,
        *(f"{folder}/*" for folder in sorted(_TEXT_FOLDERS)),
        *sorted(_NAME_ONLY),
    )


def _is_requirements(name: str, parent: str) -> bool:
    if name.endswith(".txt"):
        return "requirements" in name or "constraints" in name or parent in ("requirements", "reqs")
    # pip-tools inputs (`requirements.in`, `dev.in`); not MANIFEST.in or `config.h.in`.
    return name.endswith(".in") and name != "manifest.in" and name.count(".") == 1


def _is_secret(name: str) -> bool:
    return _SECRET_GLOB.match(name) is not None


def content_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def analyze_bytes(path: str, data: bytes, plan: WalkPlan = EVERYTHING) -> FileFacts:
    """Facts for one file's content; `path` is workspace-relative with '/'. `plan`: what
    the readers of a Python file's facts look at (`analysis.walk_plan`)."""
    kind = file_kind(path)
    facts = FileFacts(path=path, kind=kind, digest=content_digest(data), size=len(data))
    if kind == "other":
        return facts
    if encoding.looks_binary(data):
        facts.kind = "binary"
        facts.error = BINARY
        return facts
    if kind == "python":
        return _python(facts, data, plan)
    if kind == "toml":
        return _toml(facts, data)
    if kind == "requirements":
        text = encoding.decode_text(data)
        _declare(facts, dependencies.parse_requirements(text))
        facts.lines = _kept_lines(text)  # where the RC901 fix appends a requirement
        facts.first_line = first_content_line(facts.lines)
        return facts
    name = posixpath.basename(path).lower()
    secret = _is_secret(name)
    lines = encoding.split_lines(encoding.decode_text(data))[:MAX_LINES]
    if secret or name.endswith((".yml", ".yaml")):
        facts.env_urls = url_settings(lines)  # names and URL schemes, never a value
    if not secret:
        facts.lines = [mask_line(line[:MAX_LINE_CHARS]) for line in lines]
        facts.first_line = first_content_line(facts.lines)
    return facts


_COMMENT_STARTS = ("#", ";", "//", "<!--")


def first_content_line(lines: list[str]) -> int:
    """The first line that is neither blank nor a comment (0 when there is none): what
    a milestone about the whole file points at, rather than a licence header."""
    for number, line in enumerate(lines):
        text = line.strip()
        if text and not text.startswith(_COMMENT_STARTS):
            return number
    return 0


def _kept_lines(text: str) -> list[str]:
    """Lines of a dependency file; credentials in index URLs are masked (same length)."""
    return [
        mask_line(_USERINFO_RE.sub(lambda m: "*" * len(m.group()), line[:MAX_LINE_CHARS]))
        for line in encoding.split_lines(text)[:MAX_LINES]
    ]


def _python(facts: FileFacts, data: bytes, plan: WalkPlan) -> FileFacts:
    try:
        text = encoding.decode_python(data)
    except UnicodeDecodeError as exc:
        facts.error = UNDECODABLE
        facts.error_line = encoding.line_of_offset(data, exc.start)
        return facts
    except (SyntaxError, LookupError):
        # an unknown or contradictory `# -*- coding: … -*-` declaration
        facts.error = UNDECODABLE
        facts.error_line = 0
        return facts
    # imported here: listing a workspace needs `file_kind`, not the parser
    from roadmap_coach.analysis.python_facts import analyze_python

    return analyze_python(facts.path, text, facts, plan)  # marks `sensitive` too


def _toml(facts: FileFacts, data: bytes) -> FileFacts:
    import tomlkit  # deferred: only workspaces with TOML files pay for the import
    from tomlkit.exceptions import ParseError

    facts.toml = TomlFacts()
    try:
        text = encoding.decode_utf8(data)
    except UnicodeDecodeError as exc:
        facts.toml.error = "TOML must be UTF-8"
        facts.error = f"invalid TOML: {facts.toml.error}"
        facts.error_line = encoding.line_of_offset(data, exc.start)
        return facts
    try:
        document = tomlkit.parse(text).unwrap()
    except ParseError as exc:
        facts.toml.error = str(exc)
        facts.error = f"invalid TOML: {exc}"
        facts.error_line = max(exc.line - 1, 0)
        return facts
    except Exception as exc:  # tomlkit raises a handful of other types (duplicate keys, …)
        facts.toml.error = str(exc) or type(exc).__name__
        facts.error = f"invalid TOML: {facts.toml.error}"
        facts.error_line = _error_line(text, facts.toml.error)
        return facts
    facts.toml.keys = toml_keys(document)
    lines = encoding.split_lines(text)
    facts.toml.key_lines = toml_key_lines(lines)
    facts.first_line = first_content_line(lines)
    name = posixpath.basename(facts.path).lower()
    if name == "pyproject.toml":
        _declare(facts, dependencies.pyproject_requirements(document), lines)
        facts.lines = _kept_lines(text)  # where the RC901 fix adds a dependency
    elif name == "pipfile":
        _declare(facts, dependencies.pipfile_requirements(document), lines)
    return facts


def _declare(
    facts: FileFacts, declared: dependencies.Declared, toml_lines: list[str] | None = None
) -> None:
    if toml_lines is not None:
        dependencies.locate(toml_lines, declared)
    facts.requirements, facts.pinned = declared.names, declared.pinned
    facts.extras = declared.extras
    facts.declared_lines, facts.pinned_line = declared.lines, declared.pinned_line


def _error_line(text: str, message: str) -> int | None:
    """Best effort for errors without a position: the line where the quoted key sits."""
    quoted = re.search(r'"([^"]+)"', message)
    if not quoted:
        return None
    pattern = re.compile(rf"^\s*{re.escape(quoted.group(1))}\s*=", re.MULTILINE)
    hits = list(pattern.finditer(text))
    return text.count("\n", 0, hits[-1].start()) if hits else None


_TOML_TABLE_RE = re.compile(r"^\s*\[\[?\s*([^\]\[]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY_RE = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _toml_path(dotted: str) -> list[str]:
    parts = re.findall(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""", dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def toml_key_lines(lines: list[str]) -> dict[str, int]:
    """Where each key path is first written: `[tool.coverage.run]` gives its own line
    to `tool.coverage.run` and to the implicit `tool.coverage` and `tool`; `line-length
    = 100` under `[tool.black]` gives `tool.black.line-length` its line. Lines inside a
    multi-line string or array are not keys and are skipped as well as a line-by-line
    reading allows."""
    found: dict[str, int] = {}
    table: list[str] = []
    in_string = False
    for number, line in enumerate(lines):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            continue
        if in_string:
            continue
        header = _TOML_TABLE_RE.match(line)
        if header:
            table = _toml_path(header.group(1))
            path = table
        else:
            key = _TOML_KEY_RE.match(line)
            if not key:
                continue
            path = table + _toml_path(key.group(1))
        for end in range(1, len(path) + 1):
            found.setdefault(".".join(path[:end]), number)
    return found


def toml_keys(document: Mapping[str, Any]) -> list[str]:
    """Every dotted table and key path once: `project`, `project.dependencies`,
    `tool.coverage.run`, … Arrays of tables contribute their keys under the
    array's own path (no indices)."""
    keys: dict[str, None] = {}
    stack: list[tuple[str, Mapping[str, Any]]] = [("", document)]
    while stack and len(keys) < MAX_TOML_KEYS:
        prefix, table = stack.pop()
        children: list[tuple[str, Mapping[str, Any]]] = []
        for key, value in table.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            keys[path] = None
            if isinstance(value, Mapping):
                children.append((path, value))
            elif isinstance(value, list):
                children.extend((path, item) for item in value if isinstance(item, Mapping))
        stack.extend(reversed(children))
    return list(keys)[:MAX_TOML_KEYS]
