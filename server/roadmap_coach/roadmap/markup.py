"""One helper for the coach's texts: markdown for surfaces that render it (hovers, the
checkpoint page, tooltips) and clean plain text for those that do not (`window/showMessage`,
toasts, quick-fix titles, a terminal, Neovim's message area).

The roadmap and the lessons are written in a small markdown: `code`, **bold**, *emphasis*,
[links](url), <url>, headings, bullets and fenced code blocks. `plain` turns that into text
without a literal backtick, asterisk or backslash escape; `plain_line` also folds it into
one line for titles and one-line messages.
"""

from __future__ import annotations

import functools
import re

_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_CODE_RE = re.compile(r"(`+)(.+?)\1")
_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|mailto|file|command):[^>\s]+)>")
_STRONG_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR_RE = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_EM_UNDER_RE = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET_RE = re.compile(r"^(\s*)[*+-]\s+")
_RULE_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _link(match: re.Match[str]) -> str:
    words, url = match.group(1), match.group(2)
    return words if words == url or url.startswith("command:") else f"{words} ({url})"


def _inline(text: str) -> str:
    """One line of markdown as plain text (code spans keep their content as written)."""
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(2).strip())
        return f"\x00{len(spans) - 1}\x00"

    def escaped(match: re.Match[str]) -> str:
        spans.append(match.group(1) if match.group(1) not in "`*" else "")
        return f"\x00{len(spans) - 1}\x00"

    text = _ESCAPE_RE.sub(escaped, text)
    text = _CODE_RE.sub(keep, text)
    text = _LINK_RE.sub(_link, text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _STRONG_RE.sub(r"\2", text)
    text = _EM_STAR_RE.sub(r"\1", text)
    text = _EM_UNDER_RE.sub(r"\1", text)
    # what is left of markup (an unpaired `*` or backtick) is dropped, never shown raw
    text = text.replace("`", "'").replace("*", "")
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))].replace("`", "'"), text)


@functools.lru_cache(maxsize=2048)  # a scan's diagnostics repeat the same few messages
def plain(markdown: str) -> str:
    """Markdown as clean multi-line plain text: code blocks indented by four spaces,
    headings as their words, bullets as "- ", links written out."""
    lines: list[str] = []
    in_fence = False
    for raw in _HTML_COMMENT_RE.sub("", markdown).splitlines():
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            lines.append(f"    {raw}" if raw.strip() else "")
            continue
        heading = _HEADING_RE.match(raw)
        if heading:
            lines.append(_inline(heading.group(1)))
            continue
        if _RULE_RE.match(raw) or (_TABLE_RULE_RE.match(raw) and "-" in raw):
            continue
        if raw.lstrip().startswith("|") and raw.rstrip().endswith("|"):
            cells = [_inline(c.strip()) for c in raw.strip().strip("|").split("|")]
            lines.append(" · ".join(c for c in cells if c))
            continue
        bullet = _BULLET_RE.match(raw)
        if bullet:
            lines.append(f"{bullet.group(1)}- {_inline(raw[bullet.end() :])}")
            continue
        lines.append(_inline(raw.rstrip()))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def plain_line(markdown: str) -> str:
    """Markdown as one line of plain text (titles, one-line messages)."""
    return " ".join(plain(markdown).split())


def code(text: str) -> str:
    """`text` as an inline code span that survives backticks inside it."""
    ticks = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"
