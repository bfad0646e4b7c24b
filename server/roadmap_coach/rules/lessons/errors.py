"""Python basics: errors that are hidden, and defaults that are shared."""

from __future__ import annotations

from collections.abc import Iterable

from roadmap_coach.analysis.facts import FileFacts, Function
from roadmap_coach.rules.lessons.base import Fix, Lesson, LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.edits import insert, replace
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})


class SwallowedErrors(Lesson):
    """## What it catches
    A bare `except:`, or an `except Exception:` whose body is only `pass`.

    ## Why it matters
    A bare `except:` also catches `KeyboardInterrupt` and `SystemExit`, so Ctrl+C
    stops working, and an `except Exception: pass` throws away every error,
    including the typo you will spend an hour looking for. The program carries on
    in a broken state and nothing tells you why.

    ## Example
    ```python
    try:
        user = load_user(user_id)
    except:
        pass
    ```

    ## The safe way
    Catch the exception you expect and do something with it; let the others
    surface.
    ```python
    try:
        user = load_user(user_id)
    except UserNotFound:
        logger.warning("no user %s", user_id)
        user = None
    ```
    A bare `except:` that ends with `raise` (cleaning up, then re-raising) is fine
    and is not reported.
    """

    code = "RC101"
    facts_read = reads(FILE, NAMES, "decorators", "functions", "handlers")
    step = "python-basics"
    title = "Errors caught and thrown away"
    severity = "information"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        for handler in facts.handlers:
            if handler.reraises:
                continue
            if not handler.types:
                message = (
                    "A bare `except:` catches everything, even Ctrl+C and typos in your own "
                    "code. Name the exception you expect (for example `except ValueError:`)."
                )
            elif handler.body_is_pass and any(t in _BROAD for t in handler.types):
                message = (
                    "`except Exception: pass` silently throws away every error, so bugs "
                    "go unnoticed. Catch the specific exception you expect, or at least log it."
                )
            else:
                continue
            yield LessonFinding(
                self.code, facts.path, handler.span, self.severity, message, self.step, priority=1
            )


_MUTABLE_KINDS = frozenset({"list", "dict", "set"})
_MUTABLE_CALLS = frozenset(
    {
        "list",
        "dict",
        "set",
        "bytearray",
        "collections.defaultdict",
        "collections.OrderedDict",
        "collections.Counter",
        "collections.deque",
    }
)


class MutableDefault(Lesson):
    """## What it catches
    A function parameter whose default value is a list, dict or set
    (`def add(item, items=[])`).

    ## Why it matters
    The default is created once, when Python reads the `def`, not on every call.
    Every call that leaves the argument out shares the same object, so items
    added in one call show up in the next: a bug that appears only on the second
    request.

    ## Example
    ```python
    def add_tag(tag, tags=[]):
        tags.append(tag)
        return tags
    ```

    ## The safe way
    Default to `None` and create a fresh object inside the function.
    ```python
    def add_tag(tag, tags=None):
        if tags is None:
            tags = []
        tags.append(tag)
        return tags
    ```
    The quick fix makes exactly this change. The parameters of a FastAPI route
    (`@app.get`, `@router.post`) are left alone: FastAPI copies their defaults for
    every request.
    """

    code = "RC102"
    facts_read = reads(FILE, NAMES, "decorators", "functions", "handlers")
    quick_fix = "default to `None` and create the value inside the function"
    step = "python-basics"
    title = "Mutable default argument"
    severity = "information"

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        for function in facts.functions:
            if any(d.startswith("fastapi.") for d in function.decorators):
                continue  # a route: FastAPI gives every request its own copy of a default
            for param, kind in function.defaults.items():
                default = function.default_args.get(param)
                if default is None or not _is_mutable(kind, default.source):
                    continue
                message = (
                    f"The default of `{param}` is created once and shared by every call, so "
                    "changes leak from one call into the next. Default to `None` and create "
                    "it inside the function."
                )
                yield LessonFinding(
                    self.code,
                    facts.path,
                    default.span,
                    self.severity,
                    message,
                    self.step,
                    _fix(facts, function, param),
                    priority=1,
                )


def _is_mutable(kind: str, source: str) -> bool:
    if kind in _MUTABLE_KINDS:
        return True
    if kind != "call":
        return False
    callee = source.split("(", 1)[0].strip()
    return callee in _MUTABLE_CALLS or callee.rsplit(".", 1)[-1] in {
        "defaultdict",
        "OrderedDict",
        "Counter",
        "deque",
    }


def _fix(facts: FileFacts, function: Function, param: str) -> Fix | None:
    default = function.default_args[param]
    if (
        function.body_line < 0
        or len(default.source) >= 300
        or default.span.line >= function.body_line
    ):
        return None
    edits = [replace(facts.path, default.span, "None")]
    annotation = function.param_annotations.get(param)
    if (
        default.annotation is not None
        and annotation
        and "None" not in annotation
        and "Optional" not in annotation
    ):
        edits.append(replace(facts.path, default.annotation, f"{annotation} | None"))
    indent = function.body_indent
    step = "\t" if "\t" in indent else "    "
    guard = f"{indent}if {param} is None:\n{indent}{step}{param} = {default.source}\n"
    edits.append(insert(facts.path, function.body_line, 0, guard))
    edits.sort(key=lambda e: (e.span.line, e.span.col))
    return Fix(f"Default `{param}` to None and create it inside the function", tuple(edits))
