"""Web framework switches that must not ship: debug mode, unescaped HTML, CSRF off."""

from __future__ import annotations

import re
from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, Call, FileFacts, Span
from roadmap_coach.rules.lessons.base import Fix, LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.edits import import_edit, replace, utf8_len
from roadmap_coach.rules.lessons.inputs import HTML_ESCAPES, built_from_values, constant_text
from roadmap_coach.rules.lessons.names import last_segment, meant_for_development, meant_for_tests
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_NOT_WEB_RUNS = ("asyncio.", "subprocess.", "trio.", "anyio.", "uvloop.", "unittest.", "pytest.")
_DEBUG_APPS = frozenset(
    {"fastapi.FastAPI", "starlette.applications.Starlette", "starlette.Starlette"}
)
_DEBUG_SETTINGS = frozenset({"DEBUG", "FLASK_DEBUG"})


def _is_true(arg: Arg | None) -> bool:
    return arg is not None and arg.kind == "bool" and arg.value == "True"


def _is_false(arg: Arg | None) -> bool:
    return arg is not None and arg.kind == "bool" and arg.value == "False"


class DebugModeOn(SecurityLesson):
    """## What it catches
    Debug mode switched on in code that could ship: `app.run(debug=True)`,
    `DEBUG = True` in settings, `app.debug = True`, `FastAPI(debug=True)`.

    ## Why it matters
    Flask's debugger runs Python typed into the error page, so anyone who can
    reach a debug server can run commands on it. Django's debug pages show your
    settings, SQL and file paths to every visitor who triggers an error. Code
    that says `debug=True` tends to get deployed exactly like that.

    ## Example
    ```python
    if __name__ == "__main__":
        app.run(debug=True)
    ```

    ## The safe way
    Let the environment decide, so debug is on only where you turn it on.
    ```python
    import os

    if __name__ == "__main__":
        app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    Settings meant for development (`DevelopmentConfig`, `settings/dev.py`,
    `local_settings.py`), test code and `asyncio.run(..., debug=True)` are not
    reported. The quick fix reads the switch from an environment variable.
    """

    code = "RC502"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "decorators", "functions", "lines")
    block_local = True
    imports_read = ("flask", "flask_socketio", "os")
    quick_fix = "drive the switch from an environment variable"
    title = "Debug mode on in code that could ship"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        flask = any(i.module.split(".", 1)[0] in ("flask", "flask_socketio") for i in facts.imports)
        for call in facts.calls:
            if not any(_is_true(v) for v in call.kwargs.values()):
                continue  # nothing switched on here
            if call.qname.startswith(_NOT_WEB_RUNS) or meant_for_development(
                call.function or "module", facts.path
            ):
                continue
            is_run = call.qname.rsplit(".", 1)[-1] in ("run", "run_simple")
            for key in ("debug", "use_debugger"):
                value = call.kwargs.get(key)
                if _is_true(value) and (is_run or call.qname in _DEBUG_APPS):
                    env = "FLASK_DEBUG" if flask or "flask" in call.qname.lower() else "DEBUG"
                    yield self._found(facts, value, f"`{call.name}({key}=True)`", env)
            for key in _DEBUG_SETTINGS:
                if _config_update(call) and _is_true(call.kwargs.get(key)):
                    env = "FLASK_DEBUG" if flask else "DEBUG"
                    yield self._found(facts, call.kwargs[key], f"`{key}=True`", env)
        for assign in facts.assigns:
            if not _is_true(assign.value):
                continue
            name = last_segment(assign.target)
            setting = name in _DEBUG_SETTINGS or (
                assign.target.endswith(".debug") and not assign.target.startswith("self.")
            )
            if (
                not setting
                or not _is_true(assign.value)
                or meant_for_development(assign.scope, facts.path)
            ):
                continue
            env = "FLASK_DEBUG" if flask or name != "DEBUG" else "DEBUG"
            yield self._found(facts, assign.value, f"`{assign.target} = True`", env)

    def _found(self, facts: FileFacts, value: Arg, what: str, env: str) -> LessonFinding:
        assert value.span is not None
        risk = (
            "lets anyone who reaches an error page run Python on your server"
            if env == "FLASK_DEBUG"
            else "shows your code, settings and SQL to any visitor who triggers an error"
        )
        message = (
            f"{what} turns on debug mode, which {risk}. Drive it from an environment variable "
            "so it is only on where you switch it on."
        )
        return self.finding(facts, value.span, message, _env_switch_fix(facts, value.span, env))


def _config_update(call: Call) -> bool:
    return bool(re.search(r"config\.(update|from_mapping)$", call.qname))


def _env_switch_fix(facts: FileFacts, span: Span, env: str) -> Fix:
    edits = [replace(facts.path, span, f'os.environ.get("{env}") == "1"')]
    added = import_edit(facts, "os")
    if added is not None:
        edits.insert(0, added)
    return Fix(f"Switch it with the {env} environment variable", tuple(edits))


_HTML_MARKERS = {
    "render_template_string": "`render_template_string()` renders",
    "Markup": "`Markup()` marks",
    "mark_safe": "`mark_safe()` marks",
    "SafeString": "`SafeString()` marks",
}
_SAFE_FILTER_RE = re.compile(r"\{\{[^}]*\|\s*safe\b[^}]*\}\}")
_AUTOESCAPE_OFF_RE = re.compile(r"\{%-?\s*autoescape\s+(false|off)\b", re.IGNORECASE)
_TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2")


class UnescapedHtml(SecurityLesson):
    """## What it catches
    HTML that skips escaping although it may hold user input: `render_template_string()`,
    `Markup()` or `mark_safe()` on anything but a constant or an escaped value (a
    string built from values, request data, a parameter, a database row), `|safe`
    in a template, `{% autoescape false %}`, and `jinja2.Environment(autoescape=False)`.

    ## Why it matters
    Templates escape what they insert, so `<script>` typed into a form shows up as
    text. Each of these switches that protection off: the browser then runs the
    visitor's script as if it were yours (cross-site scripting, XSS), with your
    users' cookies and sessions.

    ## Example
    ```python
    @app.get("/hello")
    def hello():
        name = request.args.get("name", "")
        return render_template_string(f"<h1>Hello {name}</h1>")
    ```

    ## The safe way
    Keep the template constant and pass values to it; the template engine escapes
    them.
    ```python
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    ```
    Mark as safe only HTML you produced yourself, escaping each value first
    (`Markup("<b>{}</b>").format(name)`, Django's `format_html`). Constant strings,
    values passed through `escape()` and rendered templates are not reported.
    """

    code = "RC505"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "decorators", "functions", "lines")
    title = "Unescaped HTML from input (XSS)"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        if facts.path.lower().endswith(_TEMPLATE_SUFFIXES):
            yield from self._template(facts)
            return
        for call in facts.calls:
            method = call.qname.rsplit(".", 1)[-1]
            if (
                method == "Environment"
                and "jinja2" in call.qname
                and _is_false(call.kwargs.get("autoescape"))
            ):
                message = (
                    "`autoescape=False` makes every template of this environment insert values "
                    "as raw HTML, so user input can run scripts (XSS). Use `autoescape=True` "
                    "(or `select_autoescape()`)."
                )
                yield self.finding(facts, call.span, message)
                continue
            if method not in _HTML_MARKERS or not call.args:
                continue
            arg = call.args[0]
            if not _unvetted(facts, call, arg):
                continue
            message = (
                f"{_HTML_MARKERS[method]} this value as trusted HTML, but it is not HTML you "
                "wrote: if any of it comes from a user (a form, the URL, the database), a "
                "`<script>` in it runs in your visitors' browsers (XSS). Keep the HTML constant "
                "and let the template escape the values."
            )
            yield self.finding(facts, call.span, message)

    def _template(self, facts: FileFacts) -> Iterator[LessonFinding]:
        for number, line in enumerate(facts.lines):
            for pattern, what in (
                (_SAFE_FILTER_RE, "`|safe`"),
                (_AUTOESCAPE_OFF_RE, "autoescape off"),
            ):
                for match in pattern.finditer(line):
                    start, end = utf8_len(line[: match.start()]), utf8_len(line[: match.end()])
                    message = (
                        f"{what} inserts this value as raw HTML: if it ever holds user input, a "
                        "`<script>` in it runs in your visitors' browsers (XSS). Let the template "
                        "escape it, or sanitise it (e.g. with bleach) before marking it safe."
                    )
                    yield self.finding(facts, Span(number, start, number, end), message)


_SAFE_HTML_RE = re.compile(
    r"(^|\.)(escape|conditional_escape|format_html|render_template|render_to_string|clean|linkify)$"
)


def _unvetted(facts: FileFacts, call: Call, arg: Arg) -> bool:
    """HTML that is neither a constant you wrote nor the output of an escaping function."""
    if arg.kind in ("fstring", "concat", "percent", "format"):
        return built_from_values(arg, neutralised=HTML_ESCAPES)
    if constant_text(facts, arg, call.function, call.span.line):
        return False
    return not (arg.kind in ("call", "name") and _SAFE_HTML_RE.search(arg.value or ""))


_CSRF_SETTINGS = frozenset({"WTF_CSRF_ENABLED", "CSRF_ENABLED", "WTF_CSRF_CHECK_DEFAULT"})


class CsrfDisabled(SecurityLesson):
    """## What it catches
    CSRF protection switched off: Django's `@csrf_exempt`, Flask-WTF's
    `csrf.exempt`, `WTF_CSRF_ENABLED = False`, or a form whose `Meta` sets
    `csrf = False`.

    ## Why it matters
    Browsers send your users' cookies with every request to your site, even one
    started by another site. Without a CSRF token, a page elsewhere can submit
    your forms (change an email address, transfer money, delete an account) in
    the name of whoever is logged in.

    ## Example
    ```python
    @csrf_exempt
    def update_email(request):
        ...
    ```

    ## The safe way
    Keep CSRF protection on and send the token with every form (`{% csrf_token %}`
    in Django, `form.hidden_tag()` with Flask-WTF, an `X-CSRFToken` header for
    JavaScript). A webhook called by another server is the exception: there,
    verify the sender's signature instead. Test configurations
    (`class TestingConfig`, test code) are not reported.
    """

    code = "RC506"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "decorators", "functions", "lines")
    block_local = True
    imports_read = ()
    title = "CSRF protection switched off"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        why = (
            "Without CSRF protection another website can submit this form or view in the name "
            "of a logged-in user. Keep it on and send the token with the form (for webhooks, "
            "verify the sender's signature instead)."
        )
        for decorator in facts.decorators:
            if _exempts(decorator.qname):
                yield self.finding(
                    facts,
                    decorator.span,
                    f"`@{decorator.name}` switches CSRF protection off. {why}",
                )
        for call in facts.calls:
            if _exempts(call.qname):
                yield self.finding(
                    facts, call.span, f"`{call.name}()` switches CSRF protection off. {why}"
                )
                continue
            for key in _CSRF_SETTINGS:
                if _is_false(call.kwargs.get(key)) and not meant_for_tests(
                    call.function or "module"
                ):
                    yield self.finding(
                        facts, call.span, f"`{key}=False` switches CSRF protection off. {why}"
                    )
            meta = call.kwargs.get("meta")
            if meta is not None and meta.kind == "dict" and meta.keys and meta.items:
                for key, item in zip(meta.keys, meta.items, strict=False):
                    if key == "csrf" and _is_false(item) and item.span is not None:
                        yield self.finding(
                            facts,
                            item.span,
                            f"`meta={{'csrf': False}}` switches CSRF protection off. {why}",
                        )
        for assign in facts.assigns:
            if (
                not _is_false(assign.value)
                or meant_for_tests(assign.scope)
                or assign.value.span is None
            ):
                continue
            name = last_segment(assign.target)
            in_meta = assign.target == "csrf" and assign.scope.endswith("Meta")
            if name in _CSRF_SETTINGS or in_meta:
                yield self.finding(
                    facts,
                    assign.value.span,
                    f"`{assign.target} = False` switches CSRF protection off. {why}",
                )


def _exempts(qname: str) -> bool:
    return qname.endswith(("csrf_exempt", "CSRFProtect.exempt", "csrf.exempt"))
