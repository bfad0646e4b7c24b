"""Environment variables that deployment files set to a URL: Compose `environment:`
entries (`DATABASE_URL: postgresql://…` or `- DATABASE_URL=postgresql://…`), other YAML
(Kubernetes `env`, App Engine `env_variables`) and dotenv files (`DATABASE_URL=…`).

Only the variable's name, the URL's scheme and the line are kept; never the value (a
dotenv file's lines are secrets and are not kept at all). Whether the code reads that
variable is decided with the Python facts, in `rules.aggregates`.
"""

from __future__ import annotations

import re

from roadmap_coach.analysis.facts import EnvSetting

MAX_SETTINGS = 200
# `NAME: scheme://…`, `- NAME=scheme://…`, `export NAME="scheme://…"`
_SETTING = re.compile(
    r"""^\s*(?:-\s*)?(?:export\s+)?["']?(?P<name>[A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*
        ["']?(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://""",
    re.VERBOSE,
)
# Kubernetes: `- name: DATABASE_URL` then `value: postgresql://…` on the next line
_K8S_NAME = re.compile(r"""^\s*-\s*name\s*:\s*["']?(?P<name>[A-Za-z_][A-Za-z0-9_]*)["']?\s*$""")
_K8S_VALUE = re.compile(r"""^\s*value\s*:\s*["']?(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://""")


def url_settings(lines: list[str]) -> list[EnvSetting]:
    found: list[EnvSetting] = []
    pending: str | None = None
    for number, line in enumerate(lines):
        if len(found) >= MAX_SETTINGS:
            break
        if line.lstrip().startswith("#"):
            continue
        if pending is not None:
            value = _K8S_VALUE.match(line)
            if value:
                found.append(EnvSetting(pending, value.group("scheme").lower(), number))
                pending = None
                continue
        pending = None
        named = _K8S_NAME.match(line)
        if named:
            pending = named.group("name")
            continue
        match = _SETTING.match(line)
        if match and match.group("name").lower() != "name":
            found.append(EnvSetting(match.group("name"), match.group("scheme").lower(), number))
    return found
