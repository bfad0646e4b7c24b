"""Passwords: how they are stored and how they are checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, Call, FileFacts
from roadmap_coach.rules.lessons.base import LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.names import (
    HASH_WORDS_RE,
    final_name,
    mentions,
    names_password,
    segments,
    words,
)
from roadmap_coach.rules.lessons.reads import FILE, reads
from roadmap_coach.rules.sql_shape import sql_verb, statement_text

_FAST_HASHES = frozenset(
    {
        "md5",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha512",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "blake2b",
        "blake2s",
    }
)
_MODEL_RE = re.compile(r"^(User|Account|Member|Customer|Admin|Student|Employee|Person|Staff)\w*$")
_NOT_A_MODEL_RE = re.compile(
    r"(Create|In|Schema|Form|Request|Login|Serializer|Base|Update|Payload)$"
)
# words of the name of an object whose password is an account's (`user.password`,
# `new_account.pwd`, a serializer's `instance`), not a connection's or a key's
_ACCOUNT_WORDS = frozenset(
    {"user", "users", "account", "member", "customer", "admin", "student", "employee",
     "person", "staff", "profile", "owner", "author", "player", "patient", "instance"}
)  # fmt: skip
_PASSWORD_COLUMN_RE = re.compile(r"\b(password|passwd|pwd)\b", re.IGNORECASE)


def _plain_password(arg: Arg | None) -> bool:
    """A value that is a password as typed, not a hash of one."""
    if arg is None or arg.kind in ("str", "bytes", "none", "bool", "int", "float"):
        return False
    return mentions(arg, password=True) and not mentions(arg, HASH_WORDS_RE)


class WeakPasswordHashing(SecurityLesson):
    """## What it catches
    Passwords hashed with a fast, unsalted hash (`hashlib.md5`, `sha1`, `sha256`,
    …) and passwords stored as typed: assigned to an account's password
    (`user.password`, `new_account.pwd`, a serializer's `instance.password`),
    passed as `User(password=…)`, or inserted into a `password` column.

    ## Why it matters
    Databases leak. A plain-text password column hands every account to whoever
    reads it, and people reuse passwords elsewhere. Fast hashes do not help much:
    a graphics card tries billions of MD5 or SHA-256 guesses per second, and
    unsalted hashes of common passwords are already listed online.

    ## Example
    ```python
    user.password = hashlib.sha256(password.encode()).hexdigest()
    ```

    ## The safe way
    Use a slow, salted password hash made for the job: `werkzeug.security`,
    passlib/pwdlib, bcrypt, argon2-cffi or Django's hashers.
    ```python
    from werkzeug.security import generate_password_hash

    user.password_hash = generate_password_hash(password)
    ```
    Hashing data that is not a password (file checksums, cache keys, ETags,
    `hashlib.md5(data, usedforsecurity=False)`, a token's fingerprint) is fine
    and not reported; neither is `hashlib.pbkdf2_hmac` or `hashlib.scrypt`, nor
    a password handed to a connection, a key or a settings object
    (`conn.key_password = cert.key_password`, `config.smtp_password = …`).
    """

    code = "RC503"
    facts_read = reads(FILE, "assigns", "calls", "compares")
    block_local = True
    imports_read = ()
    title = "Weak or no password hashing"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for call in facts.calls:
            parts = call.qname.split(".") if call.qname.startswith("hashlib.") else []
            data = _hashed_data(call, parts)
            if data is not None and mentions(data, password=True):
                algorithm = parts[1] if parts[1] != "new" else "this hash"
                message = (
                    f"`{algorithm}` is a fast hash: billions of password guesses per second, and "
                    "no salt. Use a password hash made for it (werkzeug's "
                    "`generate_password_hash`, bcrypt, argon2, Django's hashers)."
                )
                yield self.finding(facts, call.span, message)
                continue
            stored = _stored_plain(call)
            if stored:
                message = (
                    f"{stored} stores the password as typed: anyone who reads the database gets "
                    "every account. Store a hash instead (`generate_password_hash(password)`) "
                    "and check it with `check_password_hash`."
                )
                yield self.finding(facts, call.span, message)
        for assign in facts.assigns:
            target = assign.target
            if "." not in target or target.startswith(("self.", "cls.")) or "[" in target:
                continue
            holder, _, attribute = target.rpartition(".")
            if not _ACCOUNT_WORDS.intersection(words(holder.rsplit(".", 1)[-1])):
                continue  # a connection's, a key's or a config's password: not an account's
            if names_password(attribute) and _plain_password(assign.value):
                message = (
                    f"`{target}` is given the password as typed: anyone who reads the database "
                    "gets every account. Store `generate_password_hash(password)` instead and "
                    "check it with `check_password_hash`."
                )
                yield self.finding(facts, assign.span, message)


def _hashed_data(call: Call, parts: list[str]) -> Arg | None:
    if len(parts) < 2 or parts[0] != "hashlib":
        return None
    if len(parts) == 2 and parts[1] in _FAST_HASHES:
        return call.args[0] if call.args else call.kwargs.get("data") or call.kwargs.get("string")
    if len(parts) == 2 and parts[1] == "new" and len(call.args) >= 2:
        return call.args[1]
    if (
        len(parts) == 3
        and parts[1] in _FAST_HASHES | {"new"}
        and parts[2] == "update"
        and call.args
    ):
        return call.args[0]
    return None


def _stored_plain(call: Call) -> str | None:
    """`User(password=pw)` or an INSERT/UPDATE writing a plain password column."""
    cls = call.qname.rsplit(".", 1)[-1]
    if cls not in ("execute", "executemany") and not any(names_password(k) for k in call.kwargs):
        return None
    if _MODEL_RE.match(cls) and not _NOT_A_MODEL_RE.search(cls):
        for key, value in call.kwargs.items():
            if names_password(key) and _plain_password(value):
                return f"`{cls}({key}=…)`"
    if call.qname.rsplit(".", 1)[-1] in ("execute", "executemany") and len(call.args) >= 2:
        text = statement_text(call.args[0])
        if sql_verb(text) in ("INSERT", "UPDATE") and _PASSWORD_COLUMN_RE.search(text or ""):
            params = call.args[1]
            values = params.items or (
                [params] if params.kind not in ("tuple", "list", "dict") else []
            )
            if any(_plain_password(v) for v in values):
                return "This query"
    return None


_CONFIRM_WORDS = frozenset(
    {"confirm", "confirmation", "repeat", "again", "retype", "verify", "new", "2"}
)


class PlaintextPasswordComparison(SecurityLesson):
    """## What it catches
    A submitted password compared with `==` or `!=` to a stored or hard-coded
    one: `if user.password == password:`.

    ## Why it matters
    Comparing with `==` means the real password is kept somewhere as typed (in
    the database, or in the code), so one leak exposes every account. `==` also
    stops at the first different character, which lets an attacker time their
    way to the password one character at a time.

    ## Example
    ```python
    if user.password == request.form["password"]:
        login_user(user)
    ```

    ## The safe way
    Store only a password hash, and let the library compare (in constant time).
    ```python
    from werkzeug.security import check_password_hash

    if check_password_hash(user.password_hash, request.form["password"]):
        login_user(user)
    ```
    Checking that two fields of a sign-up form match (`password == confirm_password`),
    comparing two values that were both just submitted (`if password1 != password2`,
    `if pw != pw_check`), comparing with an empty string, and comparing a field's
    *name* with `"password"` are not reported.
    """

    code = "RC504"
    facts_read = reads(FILE, "assigns", "calls", "compares")
    block_local = True
    imports_read = ()
    title = "Plain-text password comparison"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for compare in facts.compares:
            sides = (compare.left, compare.right)
            if any(_trivial(side) for side in sides):
                continue
            if not any(_is_password(side) for side in sides):
                continue
            if any(mentions(side, HASH_WORDS_RE) for side in sides) or _confirmation(sides):
                continue
            if not any(_kept(side) for side in sides):
                continue  # two values just submitted, checked against each other
            message = (
                f"Comparing passwords with `{compare.op}` means the real password is kept as "
                "typed, and `==` leaks timing. Store a hash (`generate_password_hash`) and check "
                "it with `check_password_hash(stored_hash, password)`."
            )
            yield self.finding(facts, compare.span, message)


def _trivial(arg: Arg) -> bool:
    if arg.kind in ("none", "bool", "int", "float", "bytes", "list", "tuple", "dict", "set"):
        return True
    return arg.kind == "str" and not (arg.value or "").strip()


def _is_password(arg: Arg) -> bool:
    name = final_name(arg)
    return name is not None and names_password(name)


# where a submitted value is read from: `request.form[…]`, `form.x.data`, `cleaned_data`
_SUBMITTED = frozenset(
    {"request", "form", "forms", "cleaned_data", "data", "json", "payload", "body", "args",
     "params", "values", "query_params", "POST", "GET"}
)  # fmt: skip
# words of a local name that holds a kept password rather than a submitted one
_KEPT_WORDS = frozenset(
    {"stored", "saved", "db", "user", "admin", "expected", "correct", "real", "actual",
     "current", "master", "default", "secret", "config", "settings", "valid", "known"}
)  # fmt: skip


def _kept(arg: Arg) -> bool:
    """A password kept somewhere (hard-coded, a constant, an attribute of a user or a
    row, the environment) rather than one just submitted (a parameter, a local, a
    request or form field). Only a comparison with a kept one is a plain-text check."""
    if arg.kind == "str":
        return True
    if arg.kind not in ("name", "attr", "subscript", "call"):
        return True  # a shape this lesson cannot place: as before, it may be kept
    found = segments(arg)
    if len(found) == 1:
        name = found[0]
        return name.isupper() or bool(_KEPT_WORDS.intersection(words(name)))
    return not any(seg in _SUBMITTED for seg in found[:-1])


def _confirmation(sides: tuple[Arg, Arg]) -> bool:
    """Two form fields checked against each other while signing up."""
    found = [w for side in sides for seg in segments(side) for w in words(seg)]
    found += [w for side in sides for seg in segments(side) for w in re.findall(r"\d+", seg)]
    return any(w in _CONFIRM_WORDS for w in found)
