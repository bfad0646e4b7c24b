"""Which facts may hold a secret's value, so that they are never written to disk.

Facts keep short string literals (a lesson needs to see that `SECRET_KEY = "…"` is a
real value and not a placeholder) and the first lines of configuration files. Kept in
memory that is fine; written into the facts cache it would put the learner's keys into
the progress store. So:

- configuration lines are kept with secret values masked (`*` of the same length, so
  columns stay right): the value after a secret-sounding key (`POSTGRES_PASSWORD=…`,
  `api_key: …`), credentials in a URL and provider-shaped keys;
- Python facts are marked `sensitive` when a literal sits under a secret-sounding name
  (assignment, keyword, dictionary key) or has a credential's shape anywhere; the
  caches never persist sensitive facts (that file is parsed again next time).

The lessons (rules/lessons/secrets.py) decide precisely what to teach about; this errs
towards "sensitive", since a wrong guess only costs one re-parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, FileFacts

_SECRET_WORDS = (
    r"secret|passw(?:or)?d|passwd|passphrase|pwd|token|api[-_]?key|apikey|access[-_]?key|"
    # `auth` alone would take `author` and Django's `AUTH_USER_MODEL = "auth.User"`
    r"private[-_]?key|signing[-_]?key|client[-_]?secret|credentials?|salt|dsn|"
    r"auth[-_]?(?:token|key|header|secret|pass\w*)|authorization|basic[-_]?auth"
)
_NAMED = re.compile(rf"(?i)({_SECRET_WORDS})")
_SHAPES = re.compile(
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_\w{20,}"
    r"|\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|\bAIza[0-9A-Za-z_-]{30,}|\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}"
    r"|-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"
)
_URL_PASSWORD = re.compile(r"(?<=://)[^/@\s:]*:([^/@\s]+)(?=@)")
# `KEY=value`, `key: value`, `"key": "value"` (not `{% csrf_token %}` in a template)
_KEY_VALUE = re.compile(
    rf"(?i)(?:^|[\s\"'{{,(-])[\w.-]*(?:{_SECRET_WORDS})[\w.-]*[\"']?"
    r"\s*[:=]\s*[\"']?([^\s\"',}#]+)"
)


def mask_line(line: str) -> str:
    """A configuration line with secret values replaced by `*` of the same length."""
    spans: list[tuple[int, int]] = []
    for match in _URL_PASSWORD.finditer(line):
        spans.append(match.span(1))
    for match in _SHAPES.finditer(line):
        spans.append(match.span())
    for match in _KEY_VALUE.finditer(line):
        if not match.group(1).startswith(("$", "{", "<", "*", "%")):  # ${VAR}, {{ x }}, <fill>
            spans.append(match.span(1))
    if not spans:
        return line
    chars = list(line)
    for start, end in spans:
        chars[start:end] = "*" * (end - start)
    return "".join(chars)


def holds_secret(facts: FileFacts) -> bool:
    """Could these Python facts hold a secret's value (see the module docstring)?"""
    named = [(a.target, a.value) for a in facts.assigns]
    named += [item for call in facts.calls for item in call.kwargs.items()]
    named += [item for cls in facts.classes for item in cls.attrs.items()]
    if any(_named_literal(name, value) for name, value in named):
        return True
    for arg in _all_args(facts):
        if arg.kind == "str":  # only literals: other kinds' `value` is a dotted name
            if arg.value and _credential(arg.value):
                return True
        elif arg.keys:
            pairs = zip(arg.keys, arg.items or (), strict=False)
            if any(_named_literal(key, item) for key, item in pairs):
                return True
        elif arg.parts:
            # a built string's pieces may carry one (`.format(password="…")`, a DSN)
            pieces = [piece for part in arg.parts for piece in part[1:]]
            if any(_credential(piece) or _KEY_VALUE.search(piece) for piece in pieces):
                return True
    return any(_credential(text) or _KEY_VALUE.search(text) for text in _snippets(facts))


def _named_literal(name: str, value: Arg) -> bool:
    return bool(value.kind == "str" and (value.value or "").strip() and _NAMED.search(name))


def _credential(text: str) -> bool:
    # the shortest shape (`a://b:c@`) has 8 characters
    return len(text) >= 8 and bool(_SHAPES.search(text) or _URL_PASSWORD.search(text))


def _snippets(facts: FileFacts) -> Iterator[str]:
    """Source text the facts keep besides literals."""
    for func in facts.functions:
        yield from func.param_annotations.values()
        yield from (d.source for d in func.default_args.values())
    for cls in facts.classes:
        yield from cls.keywords.values()


def _all_args(facts: FileFacts) -> Iterator[Arg]:
    """Every argument shape the facts keep, nested ones (containers, inner calls) too."""
    roots: list[Arg] = [a.value for a in facts.assigns]
    for call in facts.calls:
        roots += [*call.args, *call.kwargs.values()]
    for decorator in facts.decorators:
        roots += [*decorator.args, *decorator.kwargs.values()]
    for compare in facts.compares:
        roots += [compare.left, compare.right]
    for func in facts.functions:
        roots += func.returns
    for cls in facts.classes:
        roots += cls.attrs.values()
    stack = roots
    while stack:
        arg = stack.pop()
        yield arg
        stack.extend(arg.items or ())
        stack.extend(arg.inner or ())
