"""What an identifier names: a password, a secret, an environment variable.

Judged on the *last* word of a name, the way a reader does: `db_password` is a
password, `PASSWORD_FIELD` is the name of a form field, `password_reset_token` is a
token and `hashed_password` is a hash.
"""

from __future__ import annotations

import re
from functools import lru_cache

from roadmap_coach.analysis.facts import Arg

_CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT_RE = re.compile(r"[^A-Za-z0-9]+")
_SUBSCRIPT_RE = re.compile(r"\[([^\]]*)\]$")

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase", "pass"})
_SECRET_WORDS = PASSWORD_WORDS | {"secret", "token", "apikey", "secretkey"}
_SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("secret", "key"),
        ("private", "key"),
        ("access", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("auth", "key"),
        ("app", "key"),
        ("master", "key"),
        ("jwt", "key"),
        ("client", "secret"),
    }
)
_HASHED_WORDS = frozenset({"hashed", "hash", "digest", "salted"})
# words that make a comparison or a hash call about something other than a plain password
HASH_WORDS_RE = re.compile(
    r"hash|digest|crypt|hmac|argon|pbkdf|scrypt|sha\d|sha_|md5|checkpw|verify", re.IGNORECASE
)


@lru_cache(maxsize=8192)
def words(identifier: str) -> tuple[str, ...]:
    """`apiKey` -> ("api", "key"); `DB_PASSWORD` -> ("db", "password"). Cached: the same
    names come back for every call and assignment of a file."""
    return tuple(w.lower() for w in _SPLIT_RE.split(_CAMEL_RE.sub("_", identifier)) if w)


def last_segment(target: str) -> str:
    """The name a value is stored under: `app.config[SECRET_KEY]` -> `SECRET_KEY`,
    `self.api_key` -> `api_key`."""
    key = _SUBSCRIPT_RE.search(target)
    if key:
        return key.group(1)
    return target.rsplit(".", 1)[-1]


@lru_cache(maxsize=8192)
def names_password(identifier: str) -> bool:
    found = words(identifier)
    return bool(found) and found[-1] in PASSWORD_WORDS


@lru_cache(maxsize=8192)
def names_secret(identifier: str) -> bool:
    found = words(identifier)
    if not found or _HASHED_WORDS.intersection(found):
        return False  # a hash of one (`hashed_password`) cannot be used in its place
    if found[-1] in _SECRET_WORDS:
        return True
    return len(found) >= 2 and (found[-2], found[-1]) in _SECRET_PAIRS


def env_name(identifier: str) -> str:
    """The environment variable a setting is read from: `secret_key` -> `SECRET_KEY`."""
    return "_".join(w.upper() for w in words(identifier)) or "SECRET"


def segments(arg: Arg | None) -> list[str]:
    """Identifiers an argument shows: dotted name parts, subscript keys and the key of
    a `.get("…")` call (`request.form.get("password")` -> [..., "get", "password"])."""
    if arg is None:
        return []
    found: list[str] = []
    if arg.kind in ("name", "attr", "call", "subscript") and arg.value:
        value = arg.value
        key = _SUBSCRIPT_RE.search(value)
        if key:
            found += re.split(r"[.\[\]]", value[: key.start()])
            found.append(key.group(1))
        else:
            found += value.split(".")
    if arg.kind == "call" and arg.value and arg.value.rsplit(".", 1)[-1] in ("get", "pop"):
        first = (arg.inner or [None])[0]
        if first is not None and first.kind == "str" and first.value:
            found.append(first.value)
    return [f for f in found if f]


def final_name(arg: Arg | None) -> str | None:
    """The name an operand finally refers to, ignoring `.data`/`.value` wrappers:
    `form.password.data` -> `password`, `request.form["password"]` -> `password`."""
    found = segments(arg)
    while found and found[-1] in ("data", "value", "strip", "encode", "lower"):
        found.pop()
    if arg is not None and arg.kind == "call" and found and found[-1] in ("get", "pop"):
        return None
    return found[-1] if found else None


def mentions(
    arg: Arg | None, test: re.Pattern[str] | None = None, *, password: bool = False
) -> bool:
    """Does the value mention (anywhere inside) a name matching `test`, or a password?"""
    if arg is None:
        return False
    texts = [*segments(arg)]
    for kind, text in arg.parts or []:
        if kind != "lit":
            texts += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
    if arg.via:
        texts.append(arg.via)
    for text in texts:
        if password and names_password(text):
            return True
        if test is not None and test.search(text):
            return True
    nested = [*(arg.items or []), *(arg.inner or [])]
    return any(mentions(item, test, password=password) for item in nested)


def scope_words(scope: str) -> tuple[str, ...]:
    """Words of the enclosing class or function names (`class:TestingConfig` ->
    ("testing", "config"))."""
    return words(scope.removeprefix("class:")) if scope != "module" else ()


def meant_for_tests(scope: str) -> bool:
    return any(w.startswith("test") for w in scope_words(scope))


def meant_for_development(scope: str, path: str) -> bool:
    """A `DevelopmentConfig` class, a `settings/dev.py` or `local_settings.py`: places
    where debug switches belong."""
    return _development_words(scope_words(scope) + words(path.removesuffix(".py")))


@lru_cache(maxsize=1024)
def _development_words(found: tuple[str, ...]) -> bool:
    return any(w in ("dev", "development", "local", "debug") or w.startswith("test") for w in found)
