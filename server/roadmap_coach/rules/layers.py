"""Layers recognised by what modules do, not by their names.

- a **routes** module holds route decorators or registered resources (any name: an
  `entrypoints/` package, `flask_app.py`, `api.py`);
- a **service** module is imported by a routes module, holds no routes itself, and has
  a public function or method that calls the ORM session or a repository
  (`session.commit()`, `repo.list()`, `Order.objects.create()`, `uow.batches.add()`);
  a module that defines the repositories, or sends SQL text itself, is the data-access
  layer, not the service layer;
- a **models** module defines classes (ORM models or plain domain classes) and is
  imported by the service or routes module.

`layer_part` runs on one file's facts (part of its `Contribution`); `services` and
`split` combine the parts across the workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.modules import import_names
from roadmap_coach.rules.matchers import Context, Evidence
from roadmap_coach.rules.patterns import globs, matches

# calls that read or write stored data: the ORM session, Django managers, Flask-SQLAlchemy
# queries, a repository or a unit of work (raw SQL makes a module data access instead)
DATA_ACCESS = (
    "*session.add", "*session.add_all", "*session.commit", "*session.query", "*session.execute",
    "*session.get", "*session.delete", "*session.scalars", "*session.scalar", "*session.flush",
    "*session.refresh", "*session.merge",
    "*.objects.*", "*.query.filter*", "*.query.get*", "*.query.all", "*.query.first",
    "*.query.order_by",
    "*repo.*", "*repository.*", "*_repo.*", "*_repository.*", "*repos.*",
    "*uow.*", "*unit_of_work.*", "*Repository",
)  # fmt: skip
_REPOSITORY_CLASSES = ("*Repository", "*Repo", "*DAO", "*Dao")


@dataclass(slots=True)
class LayerPart:
    """One file's part: its module, whether it is test code, its data-access functions."""

    module: str
    test: bool
    # public functions and methods whose own body reads or writes stored data
    data_functions: list[Evidence] = field(default_factory=list)
    defines_repository: bool = False
    classes: list[Evidence] = field(default_factory=list)


def layer_part(f: FileFacts, ctx: Context) -> LayerPart | None:
    if f.kind != "python" or not f.module:
        return None
    part = LayerPart(f.module, f.is_test)
    public = {
        fn.qualname: fn
        for fn in f.functions
        if not fn.name.startswith("_") and "." not in fn.qualname.removeprefix(f"{fn.cls}.")
    }
    seen: set[str] = set()
    data_access = globs(DATA_ACCESS)
    for call in f.calls:
        fn = public.get(call.function or "")
        if fn is None or fn.qualname in seen:
            continue
        if data_access.any(ctx.names(call.name, call.qname)):
            seen.add(fn.qualname)
            part.data_functions.append(Evidence(f.path, fn.span, fn.qualname))
    part.data_functions.sort(key=lambda e: e.span.line)
    part.defines_repository = any(matches(_REPOSITORY_CLASSES, c.name) for c in f.classes)
    part.classes = [Evidence(f.path, c.span, c.qualname) for c in f.classes]
    return part


@dataclass(slots=True)
class _Module:
    part: LayerPart
    routes: list[Evidence]
    imports: set[str]
    raw_sql: bool = False  # sends SQL statements itself: data access

    @property
    def data_access(self) -> bool:
        return self.part.defines_repository or self.raw_sql


def _modules(contributions: Sequence[object]) -> dict[str, _Module]:
    """Non-test modules by every name they are imported by."""
    found: dict[str, _Module] = {}
    for c in contributions:
        part: LayerPart | None = getattr(c, "layer", None)
        if part is None or part.test:
            continue
        values = getattr(c, "values", {})
        routes = sorted(
            {(e.path, e.span.line): e for e in values.get("http_methods", {}).values()}.values(),
            key=lambda e: e.span.line,
        )
        imports = {name for name, _ in getattr(c, "imports", [])}
        module = _Module(part, routes, imports, bool(values.get("sql_verbs")))
        for name in import_names(part.module):
            found.setdefault(name, module)
    return found


def _imported(by: _Module, modules: dict[str, _Module]) -> list[_Module]:
    out: list[_Module] = []
    for name in sorted(by.imports):
        target = modules.get(name)
        if target is not None and target is not by and all(target is not o for o in out):
            out.append(target)
    return out


def _pairs(
    contributions: Sequence[object], *, repositories: bool
) -> tuple[dict[str, _Module], list[tuple[_Module, _Module]]]:
    """(routes module, service module) pairs: the routes import the service."""
    modules = _modules(contributions)
    pairs = []
    for routes in {id(m): m for m in modules.values()}.values():
        if not routes.routes:
            continue
        for service in _imported(routes, modules):
            if service.routes or not service.part.data_functions:
                continue
            if service.data_access and not repositories:
                continue
            pairs.append((routes, service))
    return modules, pairs


def services(contributions: Sequence[object]) -> list[Evidence]:
    """The data-accessing functions of every service module (not repositories)."""
    _, pairs = _pairs(contributions, repositories=False)
    hits: dict[tuple[str, int], Evidence] = {}
    for _, service in pairs:
        for evidence in service.part.data_functions:
            hits.setdefault((evidence.path, evidence.span.line), evidence)
    return list(hits.values())


def split(contributions: Sequence[object]) -> list[Evidence]:
    """A route, a service (or repository) function and a model class, from three modules."""
    modules, pairs = _pairs(contributions, repositories=True)
    # a service module speaks for the split better than the repositories it calls
    for routes, service in sorted(pairs, key=lambda p: p[1].data_access):
        for owner in (service, routes):
            for models in _imported(owner, modules):
                if models in (routes, service) or models.routes or not models.part.classes:
                    continue
                if models.data_access:
                    continue  # the data-access layer, not the models
                return [routes.routes[0], service.part.data_functions[0], models.part.classes[0]]
    return []
