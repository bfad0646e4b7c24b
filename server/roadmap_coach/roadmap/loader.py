"""Load and validate roadmap TOML files into frozen models.

Files are parsed with the stdlib `tomllib` (several times faster than tomlkit, and
the server loads the roadmap on every start); tomlkit is asked only about a file
tomllib rejects, because its syntax errors carry the line and column shown today.

Every problem is reported as `file:line:col: message` and loading goes on, so a
course author sees all their mistakes at once and the server never crashes on a
half-written roadmap.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from roadmap_coach.roadmap import schema
from roadmap_coach.roadmap.models import Checkpoint, Matcher, Problem, Roadmap, Step

SHORT_MAX = 24  # characters of a short step title
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")


def shipped_roadmap_dir() -> Path:
    """`checkpoints/` of a checkout, else the copy inside the installed package."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent.parent / "checkpoints"
    if (checkout / "roadmap.toml").is_file():
        return checkout
    return package / "checkpoints"


class _Text:
    """Finds where things are in a TOML file, for messages (tomlkit keeps no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers = [
            i for i, line in enumerate(self.lines) if line.strip().startswith("[[checkpoint]]")
        ]

    def checkpoint_range(self, index: int) -> tuple[int, int]:
        if index >= len(self.headers):
            return 0, len(self.lines)
        start = self.headers[index]
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines)
        return start, end

    def find(self, pattern: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
        """1-based (line, col) of the first line in [start, end) matching `pattern`."""
        regex = re.compile(pattern)
        for number in range(start, len(self.lines) if end is None else min(end, len(self.lines))):
            match = regex.search(self.lines[number])
            if match:
                return number + 1, match.start() + 1
        return start + 1, 1

    def key(self, key: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
        # the column is the key's own (after any indentation or `{`)
        return self.find(rf"(?:^|(?<=[\s{{,]))\"?{re.escape(key)}\"?\s*=", start, end)

    def detect_lines(self, start: int, end: int) -> list[int]:
        found = [
            i + 1
            for i in range(start, min(end, len(self.lines)))
            if self.lines[i].strip().startswith("[[checkpoint.detect]]")
        ]
        return found


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.steps: dict[str, Step] = {}
        self.checkpoints: list[Checkpoint] = []
        self.title = "Python back-end developer roadmap"
        self.order: list[str] = []
        self.id_sources: dict[str, tuple[str, int]] = {}
        self.short: dict[str, tuple[str, str, int]] = {}  # step id -> (short, file, line)
        self.core_lines: dict[str, tuple[str, int]] = {}  # step id -> where `core` is

    def problem(self, path: Path, line: int, col: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, col, message))

    def load_dir(self, directory: Path) -> None:
        if not directory.is_dir():
            self.problem(directory, 1, 1, "roadmap folder not found")
            return
        meta = directory / "roadmap.toml"
        if meta.is_file():
            self.load_meta(meta)
        for path in sorted(directory.glob("*.toml")):
            if path.name != "roadmap.toml":
                self.load_file(path)

    def parse(self, path: Path) -> tuple[dict[str, Any], _Text] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(path, 1, 1, f"cannot read roadmap file: {exc}")
            return None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            parsed = self.parse_located(path, text)
            if parsed is None:
                return None
            data = parsed
        return data, _Text(text)

    def parse_located(self, path: Path, text: str) -> dict[str, Any] | None:
        """tomlkit's reading of a file tomllib rejected: its errors are the located ones."""
        import tomlkit  # deferred: a sound roadmap never pays for its import
        from tomlkit.exceptions import ParseError

        try:
            return tomlkit.parse(text).unwrap()
        except ParseError as exc:
            message = str(exc).split(" at line")[0]
            # tomlkit counts columns from 0; people (and editors' file:line:col links) from 1
            self.problem(path, exc.line, exc.col + 1, f"TOML syntax error: {message}")
            return None
        except Exception as exc:  # tomlkit raises a few non-ParseError types on odd input
            self.problem(path, 1, 1, f"TOML syntax error: {exc}")
            return None

    def load_meta(self, path: Path) -> None:
        parsed = self.parse(path)
        if parsed is None:
            return
        data, text = parsed
        self.title = str(data.get("title", self.title))
        order = data.get("steps", [])
        if not isinstance(order, list) or not all(isinstance(s, str) for s in order):
            line, col = text.key("steps")
            self.problem(path, line, col, "`steps` must be a list of step ids")
            return
        self.order.extend(s for s in order if s not in self.order)
        for key in data:
            if key not in schema.META_FIELDS:
                line, col = text.key(key)
                self.problem(path, line, col, f"unknown roadmap field `{key}`")
        short = data.get("short", {})
        if not isinstance(short, dict):
            line, col = text.key("short")
            self.problem(path, line, col, "`short` must be a table of step ids to short titles")
            return
        for step_id, title in short.items():
            line, col = text.key(step_id, text.find(r"^\s*\[short\]")[0] - 1)
            if not isinstance(title, str) or not title.strip():
                self.problem(path, line, col, f"short title of `{step_id}` must be a string")
            elif len(title) > SHORT_MAX:
                self.problem(
                    path,
                    line,
                    col,
                    f"short title of `{step_id}` is {len(title)} characters; "
                    f"at most {SHORT_MAX} fit a narrow view",
                )
            else:
                self.short[step_id] = (title.strip(), str(path), line)

    def load_file(self, path: Path) -> None:
        parsed = self.parse(path)
        if parsed is None:
            return
        data, text = parsed
        step_id = None
        step_data = data.get("step")
        if isinstance(step_data, dict):
            step_id = self.load_step(path, text, step_data)
        elif step_data is not None:
            line, col = text.key("step")
            self.problem(path, line, col, "`[step]` must be a table")
        checkpoints = data.get("checkpoint", [])
        if not isinstance(checkpoints, list):
            line, col = text.find(r"checkpoint")
            self.problem(
                path, line, col, "`checkpoint` must be an array of tables ([[checkpoint]])"
            )
            return
        for index, raw in enumerate(checkpoints):
            start, end = text.checkpoint_range(index)
            if not isinstance(raw, dict):
                self.problem(path, start + 1, 1, "a checkpoint must be a table")
                continue
            self.load_checkpoint(path, text, raw, start, end, step_id)

    def load_step(self, path: Path, text: _Text, raw: dict[str, Any]) -> str | None:
        for key in raw:
            if key not in schema.STEP_FIELDS:
                line, col = text.key(key)
                self.problem(path, line, col, f"unknown step field `{key}`")
        step_id, title = raw.get("id"), raw.get("title")
        if not isinstance(step_id, str) or not isinstance(title, str):
            line, col = text.find(r"^\s*\[step\]")
            self.problem(path, line, col, "a step needs `id` and `title` strings")
            return None
        number = raw.get("number", 0)
        core = raw.get("core")
        if core is not None:
            line, col = text.key("core")
            if not isinstance(core, list) or not all(isinstance(c, str) for c in core):
                self.problem(path, line, col, "`core` must be a list of checkpoint ids")
                core = None
            elif not core:
                self.problem(path, line, col, "`core` names no checkpoint (leave it out: all)")
                core = None
            else:
                self.core_lines[step_id] = (str(path), line)
        if step_id in self.steps:
            existing = self.steps[step_id]
            if existing.title != title:
                line, col = text.key("id")
                self.problem(
                    path, line, col, f"step `{step_id}` is already defined in {existing.source}"
                )
            return step_id
        self.steps[step_id] = Step(
            step_id,
            int(number) if isinstance(number, int) else 0,
            title,
            str(raw.get("summary", "")),
            str(path),
            core=tuple(core) if core is not None else None,
        )
        return step_id

    def load_checkpoint(
        self,
        path: Path,
        text: _Text,
        raw: dict[str, Any],
        start: int,
        end: int,
        step_id: str | None,
    ) -> None:
        for key in raw:
            if key not in schema.CHECKPOINT_FIELDS:
                line, col = text.key(key, start, end)
                self.problem(path, line, col, f"unknown checkpoint field `{key}`")
        missing = [f for f in schema.REQUIRED_FIELDS if f not in raw]
        if missing:
            self.problem(
                path, start + 1, 1, f"checkpoint is missing {', '.join(f'`{m}`' for m in missing)}"
            )
            return
        checkpoint_id = raw["id"]
        id_line, id_col = text.key("id", start, end)
        if not isinstance(checkpoint_id, str) or not ID_RE.match(checkpoint_id):
            self.problem(
                path, id_line, id_col, f"checkpoint id {checkpoint_id!r} must look like `area.name`"
            )
            return
        if checkpoint_id in self.id_sources:
            other, other_line = self.id_sources[checkpoint_id]
            self.problem(
                path,
                id_line,
                id_col,
                f"duplicate checkpoint id `{checkpoint_id}` (first defined at {other}:{other_line})",
            )
            return
        self.id_sources[checkpoint_id] = (str(path), id_line)
        step = raw.get("step", step_id)
        if not isinstance(step, str):
            self.problem(
                path,
                id_line,
                id_col,
                f"checkpoint `{checkpoint_id}` belongs to no step (add `[step]` to the file)",
            )
            return
        detect = self.load_detect(path, text, raw["detect"], start, end, checkpoint_id)
        next_ids = raw.get("next", [])
        links = raw.get("links", [])
        if not isinstance(next_ids, list) or not all(isinstance(n, str) for n in next_ids):
            line, col = text.key("next", start, end)
            self.problem(path, line, col, "`next` must be a list of checkpoint ids")
            next_ids = []
        if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
            line, col = text.key("links", start, end)
            self.problem(path, line, col, "`links` must be a list of URLs")
            links = []
        example = raw.get("example", "")
        if not isinstance(example, str):
            line, col = text.key("example", start, end)
            self.problem(path, line, col, "`example` must be a string (markdown)")
            example = ""
        elif example.count("```") % 2:
            line, col = text.key("example", start, end)
            self.problem(path, line, col, "`example` has a code fence (```) that is never closed")
        self.checkpoints.append(
            Checkpoint(
                checkpoint_id,
                step,
                str(raw["title"]),
                " ".join(str(raw["teaches"]).split()),
                tuple(next_ids),
                tuple(links),
                tuple(detect),
                str(path),
                id_line,
                _dedent(example),
            )
        )

    def load_detect(
        self, path: Path, text: _Text, raw: Any, start: int, end: int, checkpoint_id: str
    ) -> list[Matcher]:
        alternatives = raw if isinstance(raw, list) else [raw]
        header_lines = text.detect_lines(start, end)
        default_line, _ = text.key("detect", start, end)
        matchers = []
        for index, alternative in enumerate(alternatives):
            line = header_lines[index] if index < len(header_lines) else default_line
            matcher = self.load_matcher(path, text, alternative, line, end, checkpoint_id)
            if matcher is not None:
                matchers.append(matcher)
        if not alternatives:
            self.problem(path, default_line, 1, f"`{checkpoint_id}` has an empty detect clause")
        return matchers

    def load_matcher(
        self, path: Path, text: _Text, raw: Any, line: int, end: int, checkpoint_id: str
    ) -> Matcher | None:
        if not isinstance(raw, dict):
            self.problem(path, line, 1, "each detect alternative must be a table")
            return None
        kinds = [key for key in raw if key in schema.MATCHERS]
        unknown = [key for key in raw if key not in schema.MATCHERS]
        if len(kinds) > 1:
            # a name can be a matcher and another matcher's condition (`returns`): the kind
            # is the one key whose conditions take all the others
            owners = [k for k in kinds if all(o in schema.MATCHERS[k] for o in kinds if o != k)]
            kinds = owners if len(owners) == 1 else kinds
        if len(kinds) != 1:
            what = "no matcher" if not kinds else f"several matchers ({', '.join(kinds)})"
            bad = f"; unknown matcher `{unknown[0]}`" if unknown and not kinds else ""
            at_line, col = (
                text.key(unknown[0], line - 1, end) if unknown and not kinds else (line, 1)
            )
            self.problem(
                path, at_line, col, f"detect alternative of `{checkpoint_id}` has {what}{bad}"
            )
            return None
        kind = kinds[0]
        allowed = schema.MATCHERS[kind]
        conditions = {}
        for key, value in raw.items():
            if key == kind:
                continue
            if key not in allowed:
                at_line, col = text.key(key, line - 1, end)
                self.problem(
                    path,
                    at_line,
                    col,
                    f"unknown condition `{key}` for matcher `{kind}` (allowed: {', '.join(sorted(allowed)) or 'none'})",
                )
                continue
            shape = _shape_problem(key, value)
            if shape is not None:
                at_line, col = text.key(key, line - 1, end)
                self.problem(path, at_line, col, f"`{key}` {shape}")
                return None
            conditions[key] = value
        value = raw[kind]
        shape = schema.KIND[kind].value
        if shape == "alternatives":
            if not isinstance(value, list) or not value:
                self.problem(path, line, 1, f"`{kind}` takes a list of detect alternatives")
                return None
            parts = [
                self.load_matcher(path, text, part, line, end, checkpoint_id) for part in value
            ]
            if any(part is None for part in parts):
                return None
            value = tuple(parts)
        else:
            wrong = _value_problem(schema.KIND[kind], value)
            if wrong is not None:
                at_line, col = text.key(kind, line - 1, end)
                self.problem(path, at_line, col, wrong)
                return None
        for key in ("inside", "not_inside"):
            # checked here so `finish` (and the engine) only ever see ids
            if key in conditions and not _is_ids(conditions[key]):
                at_line, col = text.key(key, line - 1, end)
                self.problem(path, at_line, col, f"`{key}` takes a checkpoint id or a list of ids")
                return None
        if isinstance(value, str) and shape != "fact":  # a fact stays one string
            value = (value,)
        elif isinstance(value, list):  # tuples: hashable, so compiled patterns are cached
            value = tuple(value)
        return Matcher(kind, value, conditions, line)

    def finish(self) -> Roadmap:
        known = {c.id for c in self.checkpoints}
        texts: dict[str, _Text] = {}  # a file holds many checkpoints: read it once
        for checkpoint in self.checkpoints:
            if checkpoint.step not in self.steps:
                self.problems.append(
                    Problem(
                        checkpoint.source, checkpoint.line, 1, f"unknown step `{checkpoint.step}`"
                    )
                )
            text = texts.get(checkpoint.source)
            if text is None:
                text = _Text(Path(checkpoint.source).read_text(encoding="utf-8"))
                texts[checkpoint.source] = text
            for next_id in checkpoint.next:
                if next_id not in known:
                    line, col = text.find(re.escape(f'"{next_id}"'), checkpoint.line - 1)
                    self.problems.append(
                        Problem(
                            checkpoint.source,
                            line,
                            col,
                            f"`next` names unknown checkpoint `{next_id}`",
                        )
                    )
            for matcher in _flatten(checkpoint.detect):
                for ref in _references(matcher):
                    if ref not in known:
                        self.problems.append(
                            Problem(
                                checkpoint.source,
                                matcher.line,
                                1,
                                f"detect refers to unknown checkpoint `{ref}`",
                            )
                        )
        by_step: dict[str, set[str]] = {}
        for checkpoint in self.checkpoints:
            by_step.setdefault(checkpoint.step, set()).add(checkpoint.id)
        for step in list(self.steps.values()):
            if step.core is not None:
                source, line = self.core_lines.get(step.id, (step.source, 1))
                for core_id in step.core:
                    if core_id not in by_step.get(step.id, set()):
                        where = "unknown" if core_id not in known else "another step's"
                        self.problems.append(
                            Problem(
                                source,
                                line,
                                1,
                                f"`core` names {where} checkpoint `{core_id}` "
                                f"(core checkpoints belong to step `{step.id}`)",
                            )
                        )
            if step.id in self.short:
                self.steps[step.id] = replace(step, short=self.short[step.id][0])
        for step_id, (_, source, line) in self.short.items():
            if step_id not in self.steps:
                self.problems.append(
                    Problem(source, line, 1, f"`short` names unknown step `{step_id}`")
                )
        order = {step_id: i for i, step_id in enumerate(self.order)}
        steps = sorted(
            self.steps.values(), key=lambda s: (order.get(s.id, len(order)), s.number, s.id)
        )
        step_index = {s.id: i for i, s in enumerate(steps)}
        checkpoints = sorted(self.checkpoints, key=lambda c: step_index.get(c.step, len(steps)))
        return Roadmap(self.title, tuple(steps), tuple(checkpoints))


def _dedent(example: str) -> str:
    """The example as written, without the blank first line of a multi-line TOML string."""
    return textwrap.dedent(example).strip("\n")


def _is_patterns(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _value_problem(kind: schema.Kind, value: Any) -> str | None:
    """What is wrong with a matcher's value, or None when it has the kind's shape."""
    if kind.value == "flag":
        return None if value is True else f"`{kind.name}` takes `true`"
    if kind.value == "fact":
        if isinstance(value, str) and value in kind.facts:
            return None
        return f"unknown {kind.fact_noun} {value!r} (known: {', '.join(sorted(kind.facts))})"
    if kind.value == "ids":
        return None if _is_ids(value) else f"`{kind.name}` takes a checkpoint id or a list of ids"
    return None if _is_patterns(value) else f"`{kind.name}` takes a pattern or a list of patterns"


def _shape_problem(key: str, value: Any) -> str | None:
    """What is wrong with a condition's value, or None when its shape fits the key."""
    if key in schema.BOOL_CONDITIONS:
        return None if isinstance(value, bool) else "takes true or false"
    if key in schema.INT_CONDITIONS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "takes a whole number"
    if key in schema.TEXT_CONDITIONS:
        return None if isinstance(value, str) and value.strip() else "takes a text"
    if key in schema.TABLE_CONDITIONS:
        ok = isinstance(value, dict) and all(_is_patterns(v) for v in value.values())
        return None if ok else "takes a table of names to patterns"
    if key in schema.NESTED_CONDITIONS:
        items = value if isinstance(value, list) else [value]
        ok = isinstance(value, str | list) and all(_is_patterns(item) for item in items)
        return None if ok else "takes a list of patterns (or lists of patterns)"
    return None if _is_patterns(value) else "takes a pattern or a list of patterns"


def _flatten(matchers: Iterable[Matcher]) -> Iterable[Matcher]:
    for matcher in matchers:
        yield matcher
        if matcher.kind == "all":
            yield from _flatten(matcher.value)


def _is_ids(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


def _references(matcher: Matcher) -> list[str]:
    refs = []
    if matcher.kind == "achieved":
        refs.extend(matcher.value)
    for key in ("inside", "not_inside"):
        value = matcher.conditions.get(key, [])
        refs.extend([value] if isinstance(value, str) else value)
    return refs


def load_roadmap(
    dirs: Iterable[str | Path] | None = None, *, with_shipped: bool = True
) -> tuple[Roadmap, list[Problem]]:
    """Load the shipped roadmap plus any extra course folders; never raises on bad input."""
    loader = _Loader()
    folders = [shipped_roadmap_dir()] if with_shipped else []
    folders += [Path(d) for d in dirs or []]
    for folder in folders:
        loader.load_dir(folder)
    return loader.finish(), loader.problems
