"""The server's settings: one object, the same in `initializationOptions` and in the
`roadmapCoach` section of `workspace/configuration` (docs/protocol.md).

Unknown keys are ignored and a value of the wrong type falls back to the default
with a warning, so a typo in an editor's config never stops the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

SECTION = "roadmapCoach"
HINTS = ("all", "milestones", "off")
CODE_LENS = ("milestones", "off")
DEFAULT_DEBOUNCE_MS = 200
MAX_DEBOUNCE_MS = 10_000


@dataclass(frozen=True, slots=True)
class Settings:
    store_path: str | None = None
    learner: str | None = None
    hints: str = "all"
    disabled_lessons: frozenset[str] = field(default_factory=frozenset)
    roadmap_paths: tuple[str, ...] = ()
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    code_lens: str = "milestones"


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return [v for v in value if v.strip()]
    return None


def unwrap(raw: Any) -> Mapping[str, Any]:
    """The settings object, whether a client sent it bare or inside `{"roadmapCoach": …}`."""
    if not isinstance(raw, Mapping):
        return {}
    inner = raw.get(SECTION)
    return inner if isinstance(inner, Mapping) else raw


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Settings from a client's object over `base`; also the warnings for bad values."""
    settings = base or Settings()
    data = unwrap(raw)
    warnings: list[str] = []
    changes: dict[str, Any] = {}

    def bad(key: str, expected: str) -> None:
        warnings.append(f"setting {SECTION}.{key} must be {expected}; ignored")

    if "storePath" in data:
        value = data["storePath"]
        if value is None or isinstance(value, str):
            changes["store_path"] = _text(value)
        else:
            bad("storePath", "a file path")
    if "learner" in data:
        value = data["learner"]
        if value is None or isinstance(value, str):
            changes["learner"] = _text(value)
        else:
            bad("learner", "a name")
    if "hints" in data:
        value = data["hints"]
        if value in HINTS:
            changes["hints"] = value
        else:
            bad("hints", " | ".join(f'"{h}"' for h in HINTS))
    if "disabledLessons" in data:
        codes = _strings(data["disabledLessons"])
        if codes is None:
            bad("disabledLessons", "a list of lesson codes")
        else:
            changes["disabled_lessons"] = frozenset(c.strip().upper() for c in codes)
    if "roadmapPaths" in data:
        paths = _strings(data["roadmapPaths"])
        if paths is None:
            bad("roadmapPaths", "a list of folders")
        else:
            changes["roadmap_paths"] = tuple(p.strip() for p in paths)
    if "debounceMs" in data:
        value = data["debounceMs"]
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            changes["debounce_ms"] = min(int(value), MAX_DEBOUNCE_MS)
        else:
            bad("debounceMs", "a number of milliseconds >= 0")
    if "codeLens" in data:
        value = data["codeLens"]
        if value in CODE_LENS:
            changes["code_lens"] = value
        else:
            bad("codeLens", " | ".join(f'"{v}"' for v in CODE_LENS))
    return replace(settings, **changes), warnings
