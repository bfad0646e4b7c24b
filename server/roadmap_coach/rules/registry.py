"""Where each matcher kind's implementation registers: exactly one per declared kind.

`roadmap.schema.KINDS` declares the vocabulary (name, conditions, inputs, per file or
workspace-wide). An implementation says which kind it is with a decorator:

- `@kind("call")` on a function of one file's facts (`rules.matchers`);
- `@workspace_kind("aggregate")` on a function of what every file contributed
  (`rules.workspace_kinds`).

`check()` runs when `rules.engine` is imported, after both modules registered: a
declared kind without an implementation, a kind implemented twice, or an implementation
of a kind the schema does not declare (or declares for the other scope) stops the
import with one message naming each, the way ruff ties each rule to one file.
`progress.derived` keeps a third registry, of the kinds read from the learner's recorded
log (declared `from_log`), and checks it the same way when it is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import FILE, KINDS, WORKSPACE, Kind, Scope

if TYPE_CHECKING:
    from roadmap_coach.rules.matchers import Context, Evidence
    from roadmap_coach.rules.workspace_kinds import WorkspaceView

# (matcher, one file's facts, what the file may know of the others) -> evidence
FileMatcher = Callable[[Matcher, FileFacts, "Context"], list["Evidence"]]
# (evidence key of the alternative, matcher, the workspace) -> evidence
WorkspaceMatcher = Callable[[str, Matcher, "WorkspaceView"], list["Evidence"]]

F = TypeVar("F", bound=Callable[..., object])
LOG = "log"  # a registry of the kinds read from the recorded log (`Kind.from_log`)
_SCOPE_WORDS = {FILE: "per file", WORKSPACE: "workspace-wide", LOG: "from the recorded log"}
_DECORATORS = {FILE: "kind", WORKSPACE: "workspace_kind", LOG: "log_kind"}


class VocabularyError(RuntimeError):
    """The implementations do not match the declared vocabulary one to one."""


@dataclass(slots=True)
class Registry(Generic[F]):
    """The implementations of one scope, in the order they registered."""

    scope: Scope | Literal["log"]
    registered: list[tuple[str, F]] = field(default_factory=list)
    # kind -> implementation, for dispatch (the first one; `check` refuses a second)
    implementations: dict[str, F] = field(default_factory=dict)

    def register(self, name: str) -> Callable[[F], F]:
        def decorate(function: F) -> F:
            self.registered.append((name, function))
            self.implementations.setdefault(name, function)
            return function

        return decorate

    def covers(self, declaration: Kind) -> bool:
        """Must this registry implement the declared kind?"""
        return declaration.from_log if self.scope == LOG else declaration.scope == self.scope


FILE_MATCHERS: Registry[FileMatcher] = Registry(FILE)
WORKSPACE_MATCHERS: Registry[WorkspaceMatcher] = Registry(WORKSPACE)
kind = FILE_MATCHERS.register
workspace_kind = WORKSPACE_MATCHERS.register


def problems(declared: Iterable[Kind], registries: Iterable[Registry[Any]]) -> list[str]:
    """Every way the registries differ from the declarations, one sentence each."""
    by_name = {k.name: k for k in declared}
    found: list[str] = []
    for registry in registries:
        implemented: dict[str, list[str]] = {}
        for name, function in registry.registered:
            where = _name_of(function)
            declaration = by_name.get(name)
            if declaration is None:
                found.append(
                    f"{where} implements matcher kind `{name}`, which roadmap/schema.py does "
                    "not declare: declare it in KINDS or remove the implementation"
                )
            elif not registry.covers(declaration):
                found.append(_misplaced(where, registry, declaration))
            else:
                implemented.setdefault(name, []).append(where)
        for name, declaration in by_name.items():
            places = implemented.get(name, [])
            if registry.covers(declaration) and not places:
                found.append(
                    f"matcher kind `{name}` is declared in roadmap/schema.py but nothing "
                    f"implements it {_SCOPE_WORDS[registry.scope]}: decorate one function "
                    f'with @{_DECORATORS[registry.scope]}("{name}")'
                )
            elif len(places) > 1:
                found.append(
                    f"matcher kind `{name}` has {len(places)} implementations "
                    f"{_SCOPE_WORDS[registry.scope]} ({', '.join(places)}): keep exactly one"
                )
    return found


def _misplaced(where: str, registry: Registry[Any], declaration: Kind) -> str:
    name = declaration.name
    if registry.scope == LOG:
        return (
            f"{where} reads matcher kind `{name}` from the recorded log, but roadmap/schema.py "
            "does not declare it `from_log`: declare it so or remove the reader"
        )
    return (
        f"{where} implements matcher kind `{name}` {_SCOPE_WORDS[registry.scope]}, "
        f"but roadmap/schema.py declares it {_SCOPE_WORDS[declaration.scope]}: "
        f'register it with @{_DECORATORS[declaration.scope]}("{name}")'
    )


def check(
    declared: Iterable[Kind] = KINDS,
    registries: Iterable[Registry[Any]] | None = None,
) -> None:
    """Raise `VocabularyError` unless every declared kind has exactly one implementation
    in each registry that covers it and every implementation has a declared kind
    (by default: the per-file and workspace-wide registries)."""
    chosen = (FILE_MATCHERS, WORKSPACE_MATCHERS) if registries is None else registries
    found = problems(declared, chosen)
    if found:
        raise VocabularyError(
            "the matcher vocabulary and its implementations disagree:\n- " + "\n- ".join(found)
        )


def _name_of(function: Callable[..., object]) -> str:
    module = getattr(function, "__module__", "?").removeprefix("roadmap_coach.")
    return f"{module}.{getattr(function, '__qualname__', repr(function))}"
