"""Declared dependencies: requirements files, pyproject.toml and Pipfile.

Names are normalised as PEP 503 does (`Flask_SQLAlchemy` -> `flask-sqlalchemy`) so a
rule can compare an import's distribution with what the learner declared. "Pinned"
means the learner fixed exact versions (`==`, `===`, `--hash`, or a Poetry exact
version), which is what the `deps.pinned` checkpoint teaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_NAME_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_SEPARATORS_RE = re.compile(r"[-_.]+")
# pip: a comment starts a line or follows whitespace (`pkg#frag` is a URL fragment).
_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_EDITABLE_RE = re.compile(r"(?:-e|--editable)(?:=|\s+)?(\S+)")
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^(git|hg|svn|bzr)\+")
_ARCHIVE_RE = re.compile(r"\.(whl|tar\.gz|tar\.bz2|tgz|zip)$", re.IGNORECASE)
_EXACT_RE = re.compile(r"(?<![<>!~])==")
# Poetry reads a bare version ("2.31.0") as an exact pin.
_POETRY_EXACT_RE = re.compile(r"\s*(==\s*)?\d[\w.+!-]*\s*")


def normalize_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return _SEPARATORS_RE.sub("-", name).lower()


def requirement_name(spec: str) -> str | None:
    """The normalised name at the head of a PEP 508 string (`pkg[extra]>=1; marker`)."""
    match = _NAME_RE.match(spec.strip())
    return normalize_name(match.group(0)) if match else None


def _logical_lines(text: str) -> Iterable[str]:
    """Join backslash continuations, then drop comments, as pip does."""
    pending = ""
    for raw in text.splitlines():
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _COMMENT_RE.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield line
    if pending:
        line = _COMMENT_RE.sub("", pending).strip()
        if line:
            yield line


def _name_from_location(location: str) -> str | None:
    """A URL, path or archive: the `#egg=` fragment or the archive's file name."""
    egg = _EGG_RE.search(location)
    if egg:
        return normalize_name(egg.group(1))
    if _ARCHIVE_RE.search(location):
        base = location.rstrip("/").rsplit("/", 1)[-1]
        return requirement_name(base.split("-", 1)[0])
    return None


def parse_requirements(text: str) -> tuple[list[str], bool]:
    """Names and whether any requirement is pinned, from a pip requirements file."""
    names: list[str] = []
    pinned = False
    for line in _logical_lines(text):
        if line.startswith("-"):
            editable = _EDITABLE_RE.match(line)
            name = _name_from_location(editable.group(1)) if editable else None
            if name:
                names.append(name)
            continue  # -r/-c/-i/--index-url/…: not requirements of this file
        head = line.split(None, 1)[0]
        if "--hash" in line:
            pinned = True
        if _URL_RE.match(line) or head.startswith((".", "/", "~", "$")) or _ARCHIVE_RE.search(head):
            name = _name_from_location(head)
        elif " @ " in line or "@" in head:
            name = requirement_name(line.split("@", 1)[0])
        else:
            name = requirement_name(line)
            if _EXACT_RE.search(line.split(";", 1)[0]):
                pinned = True
        if name:
            names.append(name)
    return _unique(names), pinned


def _pep508_list(value: Any, names: list[str]) -> bool:
    """Add names from a list of PEP 508 strings; True if one pins with `==`."""
    pinned = False
    if not isinstance(value, list):
        return False
    for item in value:
        if not isinstance(item, str):
            continue  # e.g. {include-group = "test"} in dependency-groups
        name = requirement_name(item)
        if name:
            names.append(name)
            pinned = pinned or bool(_EXACT_RE.search(item.split(";", 1)[0]))
    return pinned


def _poetry_table(value: Any, names: list[str]) -> bool:
    """Add names from `name = "^1.2"` / `name = {version = …}` tables."""
    pinned = False
    if not isinstance(value, Mapping):
        return False
    for raw_name, constraint in value.items():
        name = normalize_name(str(raw_name))
        if name == "python":
            continue
        names.append(name)
        versions = constraint if isinstance(constraint, list) else [constraint]
        for version in versions:
            if isinstance(version, Mapping):
                version = version.get("version")
            if (
                isinstance(version, str)
                and _POETRY_EXACT_RE.fullmatch(version)
                and "*" not in version
            ):
                pinned = True
    return pinned


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _values(mapping: Any) -> list[Any]:
    return list(mapping.values()) if isinstance(mapping, Mapping) else []


def pyproject_requirements(data: Mapping[str, Any]) -> tuple[list[str], bool]:
    """PEP 621 dependencies and optional dependencies, PEP 735 dependency groups,
    Poetry dependencies and groups, and the PDM/uv dev-dependency tables."""
    names: list[str] = []
    pinned = _pep508_list(_get(data, "project", "dependencies"), names)
    pep508_lists = [
        *_values(_get(data, "project", "optional-dependencies")),
        *_values(data.get("dependency-groups")),
        *_values(_get(data, "tool", "pdm", "dev-dependencies")),
        _get(data, "tool", "uv", "dev-dependencies"),
    ]
    for value in pep508_lists:
        pinned = _pep508_list(value, names) or pinned
    poetry = _get(data, "tool", "poetry")
    tables = [_get(poetry, "dependencies"), _get(poetry, "dev-dependencies")]
    tables += [_get(group, "dependencies") for group in _values(_get(poetry, "group"))]
    for table in tables:
        pinned = _poetry_table(table, names) or pinned
    return _unique(names), pinned


def pipfile_requirements(data: Mapping[str, Any]) -> tuple[list[str], bool]:
    names: list[str] = []
    pinned = False
    for section in ("packages", "dev-packages"):
        table = data.get(section)
        if not isinstance(table, Mapping):
            continue
        for raw_name, constraint in table.items():
            names.append(normalize_name(str(raw_name)))
            if isinstance(constraint, Mapping):
                constraint = constraint.get("version")
            if isinstance(constraint, str) and _EXACT_RE.search(constraint):
                pinned = True
    return _unique(names), pinned


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
