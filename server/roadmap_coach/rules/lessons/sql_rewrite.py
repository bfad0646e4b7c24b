"""Turning a built SQL string into a constant with placeholders plus its parameters.

The built string arrives as facts (`Arg.parts`): literal text and the source of each
interpolated value. Values that sat inside SQL quotes (`'{name}'`) lose the quotes:
the driver quotes parameters itself. Anything this cannot rewrite faithfully (two
values inside one quoted literal, `%(name)s` templates, format fields with
attribute access) gets no fix rather than a wrong one.
"""

from __future__ import annotations

import re
import string

from roadmap_coach.analysis.facts import Arg

PLACEHOLDER = {"qmark": "?", "format": "%s", "named": ":{}"}
_SPECIFIER_RE = re.compile(r"%(%|[-#0 +]*\d*(?:\.\d+)?[sdifrux])")
_MARK = "\x00"


def segments(arg: Arg) -> list[tuple[str, str]] | None:
    """[("lit", text) | ("expr", source)] in order, or None when unsupported."""
    parts = [(kind, text) for kind, text in arg.parts or []]
    if arg.kind in ("fstring", "concat"):
        return parts if all(kind in ("lit", "expr") for kind, _ in parts) else None
    if arg.kind == "percent" and len(parts) == 2:
        return _percent(parts[0][1], parts[1][1])
    if arg.kind == "format" and parts:
        return _format(
            parts[0][1],
            [t for k, t in parts[1:] if k == "expr"],
            [t for k, t in parts[1:] if k == "kw"],
        )
    return None


def split_top_level(source: str) -> list[str]:
    """`a, f(b, c), "x,y"` -> ["a", "f(b, c)", '"x,y"'] (commas outside brackets/quotes)."""
    items, depth, quote, current = [], 0, "", []
    for char in source:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    tail = "".join(current).strip()
    if tail:
        items.append(tail)
    return items


def _percent(template: str, right: str) -> list[tuple[str, str]] | None:
    if "%(" in template:
        return None
    right = right.strip()
    values: list[str]
    inner = right[1:-1] if right.startswith("(") and right.endswith(")") else None
    if inner is not None and (len(split_top_level(inner)) > 1 or inner.rstrip().endswith(",")):
        values = split_top_level(inner)
    else:
        values = [right]
    found: list[tuple[str, str]] = []
    position, used = 0, 0
    for match in _SPECIFIER_RE.finditer(template):
        found.append(("lit", template[position : match.start()]))
        position = match.end()
        if match.group(1) == "%":
            found.append(("lit", "%"))
            continue
        if used >= len(values):
            return None
        found.append(("expr", values[used]))
        used += 1
    found.append(("lit", template[position:]))
    return found if used == len(values) else None


def _format(
    template: str, positional: list[str], keywords: list[str]
) -> list[tuple[str, str]] | None:
    named = dict(k.split("=", 1) for k in keywords)
    found: list[tuple[str, str]] = []
    auto = 0
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, field, _spec, _conversion in parsed:
        found.append(("lit", literal))
        if field is None:
            continue
        if field == "":
            field = str(auto)
            auto += 1
        if field.isdigit():
            if int(field) >= len(positional):
                return None
            found.append(("expr", positional[int(field)]))
        elif field.isidentifier() and field in named:
            found.append(("expr", named[field]))
        else:
            return None
    return found


def _param_name(source: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", source).strip("_").lower()[:30] or "value"
    if base[0].isdigit():
        base = f"p_{base}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def _fstring(prefix: str, value: str, suffix: str) -> str:
    def brace(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    quote = '"' if '"' not in prefix + suffix + value else "'"
    return f"f{quote}{brace(prefix)}{{{value}}}{brace(suffix)}{quote}"


def rewrite(segs: list[tuple[str, str]], style: str) -> tuple[str, list[tuple[str, str]]] | None:
    """(SQL with placeholders, [(name, value source)]) or None."""
    segs = list(segs)
    out = ""
    values: list[str] = []
    i = 0
    while i < len(segs):
        kind, text = segs[i]
        i += 1
        if kind == "lit":
            out += text
            continue
        quote = next((q for q in ("'", '"') if out.count(q) % 2 == 1), None)
        value = text.strip()
        if quote is not None:
            start = out.rfind(quote)
            prefix, out = out[start + 1 :], out[:start]
            if i >= len(segs) or segs[i][0] != "lit" or quote not in segs[i][1]:
                return None
            close = segs[i][1].index(quote)
            suffix, segs[i] = segs[i][1][:close], ("lit", segs[i][1][close + 1 :])
            if prefix or suffix:
                value = _fstring(prefix, value, suffix)
        values.append(value)
        out += _MARK
    if not values:
        return None
    if style == "format":
        out = out.replace("%", "%%")
    taken: set[str] = set()
    params = [(_param_name(v, taken) if style == "named" else "", v) for v in values]
    pieces = out.split(_MARK)
    sql = pieces[0]
    for (name, _), piece in zip(params, pieces[1:], strict=True):
        sql += PLACEHOLDER[style].format(name) + piece
    return sql, params


def params_tuple(params: list[tuple[str, str]]) -> str:
    values = [v for _, v in params]
    return f"({values[0]},)" if len(values) == 1 else f"({', '.join(values)})"


def bindparams(params: list[tuple[str, str]]) -> str:
    return ".bindparams(" + ", ".join(f"{n}={v}" for n, v in params) + ")"
