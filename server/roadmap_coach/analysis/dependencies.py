"""Declared dependencies: requirements files, pyproject.toml and Pipfile.

Names are normalised as PEP 503 does (`Flask_SQLAlchemy` -> `flask-sqlalchemy`) so a
rule can compare an import's distribution with what the learner declared. "Pinned"
means the learner fixed exact versions (`==`, `===`, `--hash`, or a Poetry exact
version), which is what the `deps.pinned` checkpoint teaches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.encoding import split_lines

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
_EXTRAS_RE = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*\[([^\]]*)\]")


@dataclass(slots=True)
class Declared:
    """What one dependency file declares."""

    names: list[str] = field(default_factory=list)  # normalised, in file order, once each
    pinned: bool = False
    extras: list[str] = field(default_factory=list)  # "passlib[bcrypt]", normalised
    lines: dict[str, int] = field(default_factory=dict)  # name -> 0-based line (when known)
    pinned_line: int | None = None
    pinned_name: str | None = None  # TOML files: the first pinned name (its line is found later)


def normalize_name(name: str) -> str:
    """PEP 503 normalised distribution name."""
    return _SEPARATORS_RE.sub("-", name).lower()


def requirement_name(spec: str) -> str | None:
    """The normalised name at the head of a PEP 508 string (`pkg[extra]>=1; marker`)."""
    match = _NAME_RE.match(spec.strip())
    return normalize_name(match.group(0)) if match else None


def requirement_extras(spec: str) -> list[str]:
    """`passlib[bcrypt,totp]>=1.7` -> ["passlib[bcrypt]", "passlib[totp]"] (normalised)."""
    name = requirement_name(spec)
    found = _EXTRAS_RE.match(spec)
    if not name or not found:
        return []
    return [f"{name}[{normalize_name(e.strip())}]" for e in found.group(1).split(",") if e.strip()]


def _with_extras(name: str, extras: Any) -> list[str]:
    """Poetry's and Pipfile's `{extras = ["bcrypt"]}` as "name[bcrypt]"."""
    if not isinstance(extras, list):
        return []
    return [f"{name}[{normalize_name(str(e))}]" for e in extras if str(e).strip()]


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Join backslash continuations, then drop comments, as pip does; each with the
    0-based number of the line it starts on."""
    pending = ""
    start = 0
    for number, raw in enumerate(split_lines(text)):
        if not pending:
            start = number
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        line = _COMMENT_RE.sub("", pending + raw).strip()
        pending = ""
        if line:
            yield start, line
    if pending:
        line = _COMMENT_RE.sub("", pending).strip()
        if line:
            yield start, line


def _name_from_location(location: str) -> str | None:
    """A URL, path or archive: the `#egg=` fragment or the archive's file name."""
    egg = _EGG_RE.search(location)
    if egg:
        return normalize_name(egg.group(1))
    if _ARCHIVE_RE.search(location):
        base = location.rstrip("/").rsplit("/", 1)[-1]
        return requirement_name(base.split("-", 1)[0])
    return None


def parse_requirements(text: str) -> Declared:
    """Names, extras and whether any requirement is pinned, from a pip requirements file."""
    out = Declared()
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            editable = _EDITABLE_RE.match(line)
            name = _name_from_location(editable.group(1)) if editable else None
            if name:
                out.names.append(name)
                out.lines.setdefault(name, number)
            continue  # -r/-c/-i/--index-url/…: not requirements of this file
        head = line.split(None, 1)[0]
        pinned = "--hash" in line
        if _URL_RE.match(line) or head.startswith((".", "/", "~", "$")) or _ARCHIVE_RE.search(head):
            name = _name_from_location(head)
        elif " @ " in line or "@" in head:
            name = requirement_name(line.split("@", 1)[0])
            out.extras += requirement_extras(line.split("@", 1)[0])
        else:
            name = requirement_name(line)
            out.extras += requirement_extras(line)
            pinned = pinned or bool(_EXACT_RE.search(line.split(";", 1)[0]))
        if pinned and out.pinned_line is None:
            out.pinned_line = number
        out.pinned = out.pinned or pinned
        if name:
            out.names.append(name)
            out.lines.setdefault(name, number)
    return _done(out)


def _pep508_list(value: Any, out: Declared) -> None:
    """Add names and extras from a list of PEP 508 strings; note a `==` pin."""
    if not isinstance(value, list):
        return
    for item in value:
        if not isinstance(item, str):
            continue  # e.g. {include-group = "test"} in dependency-groups
        name = requirement_name(item)
        if name:
            out.names.append(name)
            out.extras += requirement_extras(item)
            if _EXACT_RE.search(item.split(";", 1)[0]):
                out.pinned = True
                out.pinned_name = out.pinned_name or name


def _poetry_table(value: Any, out: Declared) -> None:
    """Add names from `name = "^1.2"` / `name = {version = …, extras = […]}` tables."""
    if not isinstance(value, Mapping):
        return
    for raw_name, constraint in value.items():
        name = normalize_name(str(raw_name))
        if name == "python":
            continue
        out.names.append(name)
        versions = constraint if isinstance(constraint, list) else [constraint]
        for version in versions:
            if isinstance(version, Mapping):
                out.extras += _with_extras(name, version.get("extras"))
                version = version.get("version")
            if (
                isinstance(version, str)
                and _POETRY_EXACT_RE.fullmatch(version)
                and "*" not in version
            ):
                out.pinned = True
                out.pinned_name = out.pinned_name or name


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _values(mapping: Any) -> list[Any]:
    return list(mapping.values()) if isinstance(mapping, Mapping) else []


def pyproject_requirements(data: Mapping[str, Any]) -> Declared:
    """PEP 621 dependencies and optional dependencies, PEP 735 dependency groups,
    Poetry dependencies and groups, the PDM/uv dev-dependency tables and Hatch's
    environments."""
    out = Declared()
    pep508_lists = [
        _get(data, "project", "dependencies"),
        *_values(_get(data, "project", "optional-dependencies")),
        *_values(data.get("dependency-groups")),
        *_values(_get(data, "tool", "pdm", "dev-dependencies")),
        _get(data, "tool", "uv", "dev-dependencies"),
    ]
    for env in _values(_get(data, "tool", "hatch", "envs")):  # `hatch run test` installs these
        pep508_lists += [_get(env, "dependencies"), _get(env, "extra-dependencies")]
    for value in pep508_lists:
        _pep508_list(value, out)
    poetry = _get(data, "tool", "poetry")
    tables = [_get(poetry, "dependencies"), _get(poetry, "dev-dependencies")]
    tables += [_get(group, "dependencies") for group in _values(_get(poetry, "group"))]
    for table in tables:
        _poetry_table(table, out)
    return _done(out)


def pipfile_requirements(data: Mapping[str, Any]) -> Declared:
    out = Declared()
    for section in ("packages", "dev-packages"):
        table = data.get(section)
        if not isinstance(table, Mapping):
            continue
        for raw_name, constraint in table.items():
            name = normalize_name(str(raw_name))
            out.names.append(name)
            if isinstance(constraint, Mapping):
                out.extras += _with_extras(name, constraint.get("extras"))
                constraint = constraint.get("version")
            if isinstance(constraint, str) and _EXACT_RE.search(constraint):
                out.pinned = True
                out.pinned_name = out.pinned_name or name
    return _done(out)


# a quoted PEP 508 requirement (`"flask>=3"`, `'passlib[bcrypt]'`) or a `name = …` key
_QUOTED_SPEC_RE = re.compile(
    r"""["']([A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@(].*?)?)["']"""
)
_KEY_RE = re.compile(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=""")
_TABLE_RE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")


def locate(lines: list[str], declared: Declared) -> None:
    """Where a TOML file (pyproject.toml, Pipfile) declares each name: the first line
    outside `[build-system]` that holds it as a quoted requirement or as a `name =` key
    of a dependency table. Names not found keep no line."""
    wanted = set(declared.names)
    table = ""
    for number, line in enumerate(lines):
        header = _TABLE_RE.match(line)
        if header:
            table = header.group(1).replace('"', "").replace("'", "")
            continue
        if not wanted or table == "build-system":
            continue
        found = [requirement_name(m.group(1)) for m in _QUOTED_SPEC_RE.finditer(line)]
        key = _KEY_RE.match(line)
        if key and ("dependencies" in table or table.endswith("packages")):
            found.append(normalize_name(key.group(1)))
        for name in found:
            if name in wanted:
                declared.lines[name] = number
                wanted.discard(name)
    if declared.pinned_name in declared.lines:
        declared.pinned_line = declared.lines[declared.pinned_name]


def _done(out: Declared) -> Declared:
    out.names, out.extras = _unique(out.names), _unique(out.extras)
    return out


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))
