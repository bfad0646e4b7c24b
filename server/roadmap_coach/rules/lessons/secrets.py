"""Hard-coded secrets. The value itself is never repeated: not in a message, a fix
title, a log line or an export; a finding names the setting and points at its span."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from roadmap_coach.analysis.facts import Arg, FileFacts
from roadmap_coach.rules.lessons.base import Fix, LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.edits import import_edit, replace
from roadmap_coach.rules.lessons.names import (
    PASSWORD_WORDS,
    env_name,
    last_segment,
    meant_for_tests,
    names_secret,
    words,
)
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_PLACEHOLDER_RE = re.compile(
    r"^(?:<.*>|\{.*\}|\$\{.*\}|\$\w+|%\(.*\)s|x+|\*+|\.+|•+|todo|tbd|none|null|n/a|"
    r"change[-_ ]?me|your[-_ ].*|.*[-_ ]here|placeholder|dummy|redacted)$",
    re.IGNORECASE,
)
# an identifier of words, no digits (`_password_reset_token`, `auth-token`): a key name
_KEY_NAME_RE = re.compile(r"^_*[a-z]+(?:[_.:-][a-z]+)*$")
# a name that says where a value is kept: `RESET_SESSION_TOKEN`, `CSRF_COOKIE_TOKEN`
_SLOT_WORDS = frozenset(
    {"session", "cookie", "header", "field", "param", "claim", "column", "attr", "form", "query",
     "url", "path"}
)  # fmt: skip
_HOLDS_LITERALS = frozenset({"str", "dict", "list", "tuple", "set"})
_SETTING_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")  # a key, not a dotted path or prose
_URL_CREDENTIALS_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^:/@\s]*:([^@/\s]+)@", re.IGNORECASE)
_TOKEN_LABELS = {
    "aws": "an AWS access key",
    "github": "a GitHub token",
    "stripe": "a Stripe key",
    "slack": "a Slack token",
    "google": "a Google API key",
    "openai": "an OpenAI key",
    "private": "a private key",
}
# one pass over each string: a named group per provider
_TOKENS_RE = re.compile(
    r"(?P<aws>\b(?:AKIA|ASIA)[0-9A-Z]{16}\b)"
    r"|(?P<github>\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{40,}))"
    r"|(?P<stripe>\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,})"
    r"|(?P<slack>\bxox[abprs]-[A-Za-z0-9-]{10,})"
    r"|(?P<google>\bAIza[0-9A-Za-z_-]{35}\b)"
    r"|(?P<openai>\bsk-(?:proj-)?[A-Za-z0-9_-]{32,})"
    r"|(?P<private>-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----)"
)
# Calls whose arguments are read from the environment (a fallback default included).
_ENV_READS = re.compile(r"(^|\.)(getenv|environ\.get|environ\.setdefault|config|env|get_env)$")
_KEY_ARGUMENT = {  # positional secrets: qname -> (argument index, environment variable)
    "jwt.encode": (1, "JWT_SECRET"),
    "jwt.decode": (1, "JWT_SECRET"),
    "jose.jwt.encode": (1, "JWT_SECRET"),
    "jose.jwt.decode": (1, "JWT_SECRET"),
    "cryptography.fernet.Fernet": (0, "FERNET_KEY"),
    "itsdangerous.URLSafeTimedSerializer": (0, "SECRET_KEY"),
    "itsdangerous.URLSafeSerializer": (0, "SECRET_KEY"),
}


class HardcodedSecret(SecurityLesson):
    """## What it catches
    A secret written into the code: a `SECRET_KEY`, password, token or API key
    assigned a string literal (also as a keyword argument, a dictionary entry, a
    JWT signing key, or the password inside a database URL), and strings that
    have the shape of a real provider key (AWS, GitHub, Stripe, Slack, Google,
    OpenAI, private keys) wherever they appear.

    ## Why it matters
    Code is shared: pushed to GitHub, pasted into a question, sent to a reviewer.
    Everyone who can read it, now or later in the Git history, can sign sessions
    as your app, log into your database or spend on your API account. Bots scan
    public repositories for keys within minutes.

    ## Example
    ```python
    app.config["SECRET_KEY"] = "s3cr3t-dev-key"
    ```

    ## The safe way
    Read secrets from the environment and keep the values out of Git (a `.env`
    file that is listed in `.gitignore`, or your host's settings).
    ```python
    import os

    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    ```
    Values read from the environment (even with a fallback), names that only
    *mention* a secret (`PASSWORD_FIELD = "password"`), values that are the name a
    token is kept under rather than the token (`INTERNAL_RESET_SESSION_TOKEN =
    "_password_reset_token"`), the hash of a password (`"hashed_password":
    "$2b$12$…"`: it cannot be used in the password's place), empty strings and
    obvious placeholders are not reported, and neither is test code. The lesson never
    repeats the value it found. The quick fix reads the setting from
    `os.environ` and adds `import os` when needed. A key that was ever committed
    should be revoked and replaced, not only moved.
    """

    code = "RC501"
    facts_read = reads(FILE, NAMES, "assigns", "calls")
    block_local = True
    imports_read = ("os",)  # `import_edit(facts, "os")`
    quick_fix = "read the value from `os.environ` (adding `import os`)"
    title = "Hard-coded secret"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        seen: set[tuple[int, int]] = set()
        for label, env, value in self._candidates(facts):
            assert value.span is not None
            where = (value.span.line, value.span.col)
            if where in seen:
                continue
            seen.add(where)
            yield self.finding(
                facts, value.span, _message(label, env, value), _fix(facts, value, env)
            )

    def _candidates(self, facts: FileFacts) -> Iterator[tuple[str, str, Arg]]:
        """(what the value is called, its environment variable, the literal)."""
        for assign in facts.assigns:
            if assign.value.kind not in _HOLDS_LITERALS or meant_for_tests(assign.scope):
                continue
            name = last_segment(assign.target)
            if names_secret(name) and _is_secret_literal(assign.value, name):
                yield f"`{name}`", env_name(name), assign.value
            yield from _nested(assign.value, env_name(name))
        for call in facts.calls:
            values = [*call.args, *call.kwargs.values()]
            if not any(v.kind in _HOLDS_LITERALS for v in values):
                continue  # most calls: nothing literal to look at
            if _env_read(call.qname) or _env_read(call.name):
                continue
            for key, value in call.kwargs.items():
                if names_secret(key) and _is_secret_literal(value, key):
                    yield f"`{key}`", env_name(key), value
            position = _KEY_ARGUMENT.get(call.qname)
            if position is not None and len(call.args) > position[0]:
                value = call.args[position[0]]
                if _is_secret_literal(value, ""):
                    yield f"the key given to `{call.name}()`", position[1], value
            for value in values:
                yield from _nested(value, "API_TOKEN" if value.kind == "str" else "SECRET")


def _is_secret_literal(value: Arg, name: str) -> bool:
    if value.kind != "str" or value.via is not None or value.span is None:
        return False
    text = (value.value or "").strip()
    if not text or _PLACEHOLDER_RE.match(text):
        return False
    found = words(name)
    if found and found[-1] not in PASSWORD_WORDS:
        # keys and tokens have no spaces; a parser's `DONE_TOKEN = "done."` is not a secret
        if any(c.isspace() for c in text):
            return False
        if found[-1] == "token" and (len(text) < 8 or not any(c.isalnum() for c in text)):
            return False
    # `PASSWORD = "password"`, `TOKEN = "token"`: a key's name, not its value
    if name and words(text) == found:
        return False
    return not (name and _names_a_key(text, found))


def _names_a_key(text: str, name_words: tuple[str, ...]) -> bool:
    """`INTERNAL_RESET_SESSION_TOKEN = "_password_reset_token"`, `SESSION_KEY =
    "_auth_user_id"`: the value is the name a token is kept under (in a session, a
    cookie, a header), not the token. An identifier made of words, and either private
    (`_…`) or stored under a name that says where it is kept, for a name ending in
    `TOKEN` or `KEY`."""
    # only a token or a key has a name it is kept under; `COOKIE_SECRET = "keyboardcat"`
    # and `SESSION_PASSWORD = "…"` are the secret itself
    if not name_words or name_words[-1] not in ("token", "key") or not _KEY_NAME_RE.match(text):
        return False
    return text.startswith("_") or bool(_SLOT_WORDS.intersection(name_words[:-1]))


def _nested(value: Arg, env: str) -> Iterator[tuple[str, str, Arg]]:
    """Dictionary entries, connection URLs and provider-shaped keys inside a value."""
    if value.kind == "str" and value.via is None and value.value and value.span is not None:
        shape = _string_shape(value.value)
        if shape == "url":
            yield (
                "this connection URL's password",
                "DATABASE_URL" if env in ("API_TOKEN", "SECRET") else env,
                value,
            )
            return
        if shape is not None:
            yield f"this string ({_TOKEN_LABELS[shape]})", env, value
            return
    if value.kind == "dict" and value.items and value.keys:
        for key, item in zip(value.keys, value.items, strict=False):
            if (
                key
                and _SETTING_NAME_RE.match(key)
                and names_secret(key)
                and _is_secret_literal(item, key)
            ):
                yield f"`{key}`", env_name(key), item
            else:
                yield from _nested(item, env_name(key) if key else env)
    for item in value.items or [] if value.kind in ("list", "tuple", "set") else []:
        yield from _nested(item, env)


@lru_cache(maxsize=8192)
def _string_shape(text: str) -> str | None:
    """ "url" (a connection URL with a password), a `_TOKENS_RE` group, or None. Cached:
    every keystroke looks at the same literals again."""
    credentials = _URL_CREDENTIALS_RE.match(text)
    if credentials and not _PLACEHOLDER_RE.match(credentials.group(1)):
        return "url"
    token = _TOKENS_RE.search(text)
    return token.lastgroup if token is not None else None


@lru_cache(maxsize=8192)
def _env_read(name: str) -> bool:
    return _ENV_READS.search(name) is not None


def _message(label: str, env: str, value: Arg) -> str:
    return (
        f"{label[0].upper()}{label[1:]} is a secret written into the code: anyone who can read "
        "the repository, or its history, can use it. Read it from the environment instead "
        f'(`os.environ["{env}"]`) and keep the value out of Git.'
    )


def _fix(facts: FileFacts, value: Arg, env: str) -> Fix | None:
    if value.span is None:
        return None
    edits = [replace(facts.path, value.span, f'os.environ["{env}"]')]
    added = import_edit(facts, "os")
    if added is not None:
        if added.span.line > value.span.line:
            return None  # the value sits above where an import may go (a docstring-level oddity)
        edits.insert(0, added)
    return Fix(f'Read it from os.environ["{env}"]', tuple(edits))
