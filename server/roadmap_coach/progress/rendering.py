"""The Jinja2 environment shared by the exports and the cohort report.

HTML templates are autoescaped, so a learner's name or a file called
`<script>….py` is text on the page. Markdown has no autoescape; its templates
pass every learner-controlled string through the `md` or `code` filter instead.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from pathlib import Path

import jinja2
import markupsafe

from roadmap_coach.progress.charts import step_colour

# Characters that change meaning in Markdown (CommonMark + GFM tables, autolinks, HTML).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def md_text(value: object) -> str:
    """Plain text safe inside a Markdown paragraph or table cell."""
    flat = " ".join(str(value if value is not None else "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def md_code(value: object) -> str:
    """A code span: shown literally (never rendered as HTML), safe inside a table cell."""
    flat = " ".join(str(value if value is not None else "").split()).replace("|", "\\|")
    if not flat:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def code_spans(value: object) -> markupsafe.Markup:
    """Escape text, then show its `backtick` spans as <code> (roadmap prose uses them)."""
    escaped = str(markupsafe.escape(str(value if value is not None else "")))
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def bar(percent: int, width: int = 10) -> str:
    filled = round(width * percent / 100)
    return "█" * filled + "░" * (width - filled)


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("roadmap_coach", "templates"),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2", "svg.j2", "css.j2"),
            disabled_extensions=("md.j2",),
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["code"] = md_code
    env.filters["bar"] = bar
    env.filters["code_spans"] = code_spans
    env.globals["step_colour"] = step_colour
    return env


def render_template(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context)


def write_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write the whole file or nothing (a half-written report is never left behind).

    The folder must exist: a mistyped path never creates folders."""
    target = Path(path).expanduser()
    if not target.parent.is_dir():
        raise FileNotFoundError(2, "No such folder", str(target.parent))
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
