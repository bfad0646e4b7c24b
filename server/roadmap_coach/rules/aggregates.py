"""Per-file contributions to workspace-wide checkpoints.

Each function reads one file's facts and returns small values (an HTTP method, a
SQL verb, a class definition) with where they were seen; the engine unions them
across files, so a change to one file only replaces that file's contribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.rules.environment import EnvUse, env_use
from roadmap_coach.rules.layers import LayerPart, layer_part
from roadmap_coach.rules.matchers import Context, Evidence
from roadmap_coach.rules.patterns import globs, matches
from roadmap_coach.rules.sql_files import SqlPart, sql_part
from roadmap_coach.rules.sql_shape import sql_verb, statement_text

_VERB_DECORATORS = {
    "get": "GET",
    "post": "POST",
    "put": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
}
_ROUTE_MODULES = (
    "flask",
    "fastapi",
    "starlette",
    "django",
    "rest_framework",
    "quart",
    "sanic",
    "litestar",
    "bottle",
    "aiohttp",
    # a module of Resource classes imports only the extension
    "flask_restful",
    "flask_restx",
    "flask_restplus",
)
_VIEW_BASES = ("*View", "*ViewSet", "*APIView", "*Resource", "*MethodView", "*Handler", "*Endpoint")
_VIEWSET_ACTIONS = {
    "list": "GET",
    "retrieve": "GET",
    "create": "POST",
    "update": "PUT",
    "partial_update": "PATCH",
    "destroy": "DELETE",
}
_EXECUTE = (
    "*.execute",
    "*.executemany",
    "*.executescript",
    "*.raw",
    # SQLAlchemy's text(), not any call ending in "text" (`gettext("Select the items from…")`)
    "sqlalchemy.text",
    "sqlalchemy.sql.text",
    "sqlalchemy.sql.expression.text",
    "sqlmodel.text",
    "flask_sqlalchemy.SQLAlchemy.text",
    "*.read_sql*",
    "*.fetch",
    "*.fetchrow",
    "*.fetchval",
)


@dataclass(slots=True)
class Contribution:
    values: dict[str, dict[str, Evidence]] = field(
        default_factory=dict
    )  # aggregate -> value -> first evidence
    classes: dict[str, Evidence] = field(default_factory=dict)  # qname of a class defined here
    abstract: set[str] = field(default_factory=set)  # qnames of classes with abstract methods
    module: str | None = None
    bases: list[tuple[str, Evidence]] = field(
        default_factory=list
    )  # (resolved base, class evidence)
    package: str | None = None  # module name when this file is a package's __init__.py
    imports: list[tuple[str, Evidence]] = field(default_factory=list)
    # module-level `name = SomeClass(...)`: (qualified name, called class, evidence)
    instances: list[tuple[str, str, Evidence]] = field(default_factory=list)
    env: EnvUse | None = None  # environment variables read here, or set to URLs here
    layer: LayerPart | None = None  # what this module does, for layers by role
    sql: SqlPart | None = None  # a .sql file's statements, or the .sql files code loads

    def add(self, aggregate: str, value: str, evidence: Evidence) -> None:
        self.values.setdefault(aggregate, {}).setdefault(value, evidence)


def _imports_web(f: FileFacts) -> bool:
    return any(i.module.split(".")[0] in _ROUTE_MODULES for i in f.imports)


def _web_decorator(names: tuple[str, ...]) -> bool:
    return any(name.split(".", 1)[0] in _ROUTE_MODULES for name in names)


def http_methods(f: FileFacts, out: Contribution, ctx: Context | None = None) -> None:
    # A routes module may import only its blueprint (`from app.api import bp`): its
    # decorators still count when their names lead to a web framework across files.
    web = _imports_web(f)
    if not web and (ctx is None or not ctx.knows_names()):
        return
    classes = {cls.qualname for cls in f.classes}
    for dec in f.decorators:
        if not dec.is_call or dec.target in classes:
            continue  # `@ns.route("/todos")` on a Resource: its methods give the verbs
        if not web and not _web_decorator(ctx.names(dec.name, dec.qname) if ctx else ()):
            continue
        last = dec.qname.rsplit(".", 1)[-1]
        evidence = Evidence(f.path, dec.span, dec.target)
        if last in _VERB_DECORATORS:
            out.add("http_methods", _VERB_DECORATORS[last], evidence)
        elif last in ("route", "api_route", "api_view", "add_url_rule"):
            methods = dec.kwargs.get("methods") or (
                dec.args[0] if last == "api_view" and dec.args else None
            )
            if methods is None:
                out.add("http_methods", "GET", evidence)
            for item in (methods.items or []) if methods else []:
                if item.kind == "str" and item.value:
                    out.add("http_methods", item.value.upper(), evidence)
    if not web:
        return
    for cls in f.classes:
        if not any(matches(_VIEW_BASES, base) for base in cls.qbases):
            continue
        for method in cls.methods:
            verb = _VERB_DECORATORS.get(method) or _VIEWSET_ACTIONS.get(method)
            if verb:
                out.add("http_methods", verb, Evidence(f.path, cls.span, cls.qualname))
        if any(matches(("*ModelViewSet",), base) for base in cls.qbases):
            for verb in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                out.add("http_methods", verb, Evidence(f.path, cls.span, cls.qualname))


def sql_verbs(f: FileFacts, out: Contribution) -> None:
    test = globs(_EXECUTE).test
    for call in f.calls:
        if not call.args or not (test(call.name) or test(call.qname)):
            continue
        verb = sql_verb(statement_text(call.args[0]))
        if verb:
            out.add("sql_verbs", verb, Evidence(f.path, call.span, call.function))


def definitions(f: FileFacts, out: Contribution) -> None:
    prefix = f"{f.module}." if f.module else ""
    for cls in f.classes:
        evidence = Evidence(f.path, cls.span, cls.qualname)
        out.classes[prefix + cls.qualname] = evidence
        if cls.abstract_methods:
            out.abstract.add(prefix + cls.qualname)
        for base in cls.qbases:
            out.bases.append((base, evidence))
    for assign in f.assigns:
        value = assign.value
        if assign.scope == "module" and assign.target.isidentifier() and value.kind == "call":
            evidence = Evidence(f.path, assign.span, None)
            out.instances.append((prefix + assign.target, value.value or "", evidence))
    out.module = f.module
    if f.path.endswith("__init__.py") and f.module:
        out.package = f.module
    for imp in f.imports:
        out.imports.append((imp.module, Evidence(f.path, Span(imp.line, 0, imp.line, 0))))
        if imp.name:
            out.imports.append(
                (f"{imp.module}.{imp.name}", Evidence(f.path, Span(imp.line, 0, imp.line, 0)))
            )


def contribute(f: FileFacts, ctx: Context | None = None) -> Contribution:
    out = Contribution()
    if f.kind == "python" and not f.generated:  # a tool's code is not the learner's
        http_methods(f, out, ctx)
        sql_verbs(f, out)
        definitions(f, out)
        out.layer = layer_part(f, ctx or Context())
    if f.kind == "python" or f.env_urls:
        out.env = env_use(f, ctx or Context())
    if f.kind == "python" or f.path.lower().endswith(".sql"):
        out.sql = sql_part(f, ctx or Context())
    return out
