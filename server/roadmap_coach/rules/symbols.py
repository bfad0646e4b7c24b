"""Names followed across the learner's own modules.

The walk of one file resolves a name only through that file's imports:
`from app import db` makes `db.Model` read `app.db.Model`. This table follows such
a name into the workspace module that defines it (`app/__init__.py` says
`db = SQLAlchemy()`, so `app.db.Model` is `flask_sqlalchemy.SQLAlchemy.Model`) and
knows the bases of every workspace class, so a matcher can tell that
`class User(UserBase, table=True)` is a SQLModel through `UserBase`.

It is built from facts only (module-level imports, assignments and classes), so it
costs one pass over records that are already in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from sys import intern

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.modules import import_names

_MAX_HOPS = 8  # re-exports rarely chain further; the cap also stops cycles
_BINDING_KINDS = ("call", "name", "attr")


@dataclass(slots=True)
class Symbols:
    # "app.db" -> "flask_sqlalchemy.SQLAlchemy": module-level names and what they stand for
    names: dict[str, str] = field(default_factory=dict)
    # "app.models.User" -> ("app.models.UserBase",): each workspace class's resolved bases
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # classes handed to `api.add_resource(TodoList, "/todos")` (Flask-RESTful/RESTX), as
    # the registering file resolved them
    resources: set[str] = field(default_factory=set)
    _resolved: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # equal base lists are one tuple: Django's 10,584 classes have 1,469 distinct ones
    _tuples: dict[tuple[str, ...], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_files(cls, files: Iterable[FileFacts]) -> Symbols:
        table = cls()
        for facts in files:
            table.add_file(facts)
        return table

    def add_file(self, facts: FileFacts) -> None:
        self.add_summary(signature(facts))

    def add_summary(self, summary: Summary | None) -> None:
        """One file's module-level names (`signature`): what the table needs of it."""
        if summary is None or not summary.module:
            return
        for module in import_names(summary.module):
            self._add(module, summary)

    def _add(self, module: str, summary: Summary) -> None:
        for imp_module, name, alias in summary.imports:
            if name == "*":
                continue
            if name:
                target = f"{imp_module}.{name}" if imp_module else name
                self._bind(f"{module}.{alias or name}", target)
            elif alias:
                self._bind(f"{module}.{alias}", imp_module)
            else:  # `import schemas` binds `schemas`; `import a.b` binds `a`
                head = imp_module.split(".")[0]
                self._bind(f"{module}.{head}", head)
        for target, _kind, value in summary.binds:
            if target.isidentifier() and value:
                self._bind(f"{module}.{target}", value)
        for qualname, qbases in summary.classes:
            shared = tuple(map(intern, qbases))
            self.bases[f"{module}.{qualname}"] = self._tuples.setdefault(shared, shared)
        self.resources.update(summary.resources)

    def _bind(self, name: str, target: str) -> None:
        if name != target:
            # one string per target (Django: 18,885 names bind 5,378 distinct ones), in
            # this process and in the workers the table is pickled to
            self.names[name] = intern(target)

    def __bool__(self) -> bool:
        return bool(self.names or self.bases or self.resources)

    def is_resource(self, qname: str) -> bool:
        """Was the workspace class `qname` registered with `add_resource` somewhere?"""
        names = {qname, *import_names(qname)}
        return any(r in names or self.resolve(r) in names for r in self.resources)

    def resolve(self, qname: str) -> str:
        """`qname` with its longest known prefix replaced, repeatedly (`app.db.Model` ->
        `flask_sqlalchemy.SQLAlchemy.Model`); unchanged when nothing is known."""
        if not self.names:
            return qname
        cached = self._resolved.get(qname)
        if cached is not None:
            return cached
        current = qname
        for _ in range(_MAX_HOPS):
            parts = current.split(".")
            for cut in range(len(parts), 0, -1):
                target = self.names.get(".".join(parts[:cut]))
                if target is not None:
                    current = ".".join([target, *parts[cut:]])
                    break
            else:
                break
        self._resolved[qname] = current
        return current

    def lineage(self, bases: Iterable[str]) -> list[str]:
        """`bases` (a class's own, as the file resolved them), each also resolved across
        the workspace, then their bases in turn through workspace classes, nearest first.
        Third-party classes end the walk: their bases are not in the tree."""
        found: list[str] = []
        seen: set[str] = set()
        done: set[str] = set()
        queue = list(bases)
        while queue and len(found) < 64:
            base = queue.pop(0)
            resolved = self.resolve(base)
            for name in (base, resolved):
                if name not in seen:
                    seen.add(name)
                    found.append(name)
            if resolved in self.bases and resolved not in done:
                done.add(resolved)
                queue.extend(self.bases[resolved])
        return found


def registered_resources(facts: FileFacts) -> list[str]:
    """The classes a file registers with `api.add_resource(Cls, "/path")`."""
    found = []
    for call in facts.calls:
        if call.name.endswith("add_resource") and call.args:
            first = call.args[0]
            if first.kind in ("name", "attr") and first.value:
                local = first.value
                if "." not in local and facts.module:
                    local = f"{facts.module}.{local}"  # a class defined below the call
                found.append(local)
    return found


@dataclass(frozen=True, slots=True)
class Summary:
    """What one Python file gives the table (its module-level names), kept in the file's
    record so the table is rebuilt without the file's facts."""

    module: str | None
    imports: tuple[tuple[str, str | None, str | None], ...]  # (module, name, alias)
    binds: tuple[tuple[str, str, str | None], ...]  # module-level (target, value kind, value)
    classes: tuple[tuple[str, tuple[str, ...]], ...]  # (qualname, resolved bases)
    resources: tuple[str, ...]


def signature(facts: FileFacts) -> Summary | None:
    """What a file gives the table: equal signatures mean other files' results stand."""
    if facts.kind != "python":
        return None
    imports = tuple((i.module, i.name, i.alias) for i in facts.imports)
    names = tuple(
        (a.target, a.value.kind, a.value.value)
        for a in facts.assigns
        if a.scope == "module" and a.value.kind in _BINDING_KINDS
    )
    classes = tuple((c.qualname, tuple(c.qbases)) for c in facts.classes)
    return Summary(facts.module, imports, names, classes, tuple(registered_resources(facts)))
