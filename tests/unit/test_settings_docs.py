"""Settings say what they do, identically everywhere: docs/protocol.md is the source, and
the VS Code extension's package.json and docs/editors.md use its words exactly. The server
reads exactly the settings documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from roadmap_coach.lsp.settings import CODE_LENS, HINTS, parse_settings

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ONLY = {"server.command", "trace.server"}


def table_rows(text: str, header: str) -> list[list[str]]:
    """The rows of the markdown table whose header line is `header`."""
    lines = text.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
        rows.append([c.strip() for c in cells])
    return rows


def section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end)]


def protocol() -> str:
    return section((ROOT / "docs/protocol.md").read_text(), "## Settings", "## Diagnostics")


def editors() -> str:
    return section((ROOT / "docs/editors.md").read_text(), "### Settings", "### Client capability")


def package() -> dict[str, dict[str, object]]:
    data = json.loads((ROOT / "client-vscode/package.json").read_text())
    props = data["contributes"]["configuration"]["properties"]
    return {key.removeprefix("roadmapCoach."): value for key, value in props.items()}


def description(prop: dict[str, object]) -> str:
    return str(prop.get("markdownDescription") or prop.get("description") or "")


def test_protocol_md_documents_every_server_setting_with_its_values() -> None:
    rows = {
        r[0].strip("`"): r for r in table_rows(protocol(), "| key | type | default | meaning |")
    }
    assert set(rows) == {
        "storePath", "learner", "hints", "disabledLessons", "roadmapPaths", "debounceMs", "codeLens",
    }  # fmt: skip
    values = table_rows(protocol(), "| setting | value | meaning |")
    assert [r[1].strip("`") for r in values if r[0] == "`hints`"] == list(HINTS)
    assert [r[1].strip("`") for r in values if r[0] == "`codeLens`"] == list(CODE_LENS)
    # every documented key is one the server reads (a wrong type warns, a right one sticks)
    settings, warnings = parse_settings(
        {"storePath": "/s", "learner": "Ada", "hints": "off", "disabledLessons": ["RC1"],
         "roadmapPaths": ["c"], "debounceMs": 0, "codeLens": "off"}
    )  # fmt: skip
    assert warnings == [] and settings.code_lens == "off" and settings.learner == "Ada"
    assert parse_settings({"codeLens": "sometimes"})[1]  # a bad value is reported


def test_editors_md_uses_the_protocol_words_for_every_setting() -> None:
    source = {r[0]: r[3] for r in table_rows(protocol(), "| key | type | default | meaning |")}
    docs = {r[0]: r[2] for r in table_rows(editors(), "| setting | default | meaning |")}
    for key, meaning in source.items():
        assert docs.get(key) == meaning, key
    values = table_rows(protocol(), "| setting | value | meaning |")
    assert table_rows(editors(), "| setting | value | meaning |") == values


def test_package_json_descriptions_are_the_documented_words() -> None:
    source = {
        r[0].strip("`"): r[3] for r in table_rows(protocol(), "| key | type | default | meaning |")
    }
    docs = {r[0].strip("`"): r[2] for r in table_rows(editors(), "| setting | default | meaning |")}
    values = table_rows(protocol(), "| setting | value | meaning |")
    props = package()
    assert set(props) == set(source) | CLIENT_ONLY
    for key, prop in props.items():
        wanted = docs[key] if key in CLIENT_ONLY else source[key]
        assert description(prop) == wanted, key
        if "enum" in prop:
            documented = {r[1].strip("`"): r[2] for r in values if r[0] == f"`{key}`"}
            if key in CLIENT_ONLY:
                continue
            assert prop["enum"] == list(documented), key
            assert prop.get("enumDescriptions") == list(documented.values()), key
