"""TLS: certificates that are not checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, Call, FileFacts
from roadmap_coach.rules.lessons.base import Fix, LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.edits import removal, replace
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads

_CLIENTS = ("requests.", "httpx.", "aiohttp.", "urllib3.", "pip._vendor.requests.")
_HTTP_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "request",
        "send",
        "stream",
        "urlopen",
    }
)
_UNVERIFIED = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})
_NO_CHECK = frozenset({"ssl.CERT_NONE", "CERT_NONE"})


def _false(arg: Arg | None) -> bool:
    return arg is not None and arg.kind == "bool" and arg.value == "False"


class TlsVerificationDisabled(SecurityLesson):
    """## What it catches
    HTTPS requests that do not check the server's certificate: `verify=False` on
    requests/httpx calls and clients, `ssl=False` on aiohttp, `cert_reqs=ssl.CERT_NONE`,
    `session.verify = False`, `ssl._create_unverified_context()` and
    `check_hostname = False`.

    ## Why it matters
    The certificate is how your program knows it is talking to the real server.
    Without the check, anyone on the network path (public Wi-Fi, a compromised
    router) can pretend to be that server, read the API keys and passwords you
    send, and change the answers.

    ## Example
    ```python
    response = requests.get("https://api.example.com/users", verify=False)
    ```

    ## The safe way
    Leave verification on (it is the default). If the server uses a private
    certificate authority, point to its certificate instead of switching the
    check off.
    ```python
    response = requests.get("https://api.example.com/users")
    response = requests.get(url, verify="/etc/ssl/company-ca.pem")
    ```
    The quick fix removes `verify=False`.
    """

    code = "RC507"
    facts_read = reads(FILE, NAMES, "assigns", "calls")
    block_local = True
    imports_read = ()
    quick_fix = "remove `verify=False`"
    title = "TLS certificate verification disabled"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        why = (
            "Without certificate checks anyone on the network can pose as the server and read or "
            "change the traffic. Leave verification on, or pass `verify=` the path of your CA "
            "certificate."
        )
        for call in facts.calls:
            key = _switch(call)
            if key is not None:
                value = call.kwargs[key]
                assert value.span is not None
                yield self.finding(
                    facts,
                    value.span,
                    f"`{key}=False` turns off TLS certificate checks. {why}",
                    _drop(facts, call, key),
                )
            elif call.qname in _UNVERIFIED:
                yield self.finding(
                    facts,
                    call.span,
                    f"`{call.name}()` builds a TLS context that checks nothing. {why}",
                )
            elif any(v.kind == "attr" and v.value in _NO_CHECK for v in call.kwargs.values()):
                yield self.finding(
                    facts, call.span, f"`ssl.CERT_NONE` turns off TLS certificate checks. {why}"
                )
        for assign in facts.assigns:
            name = assign.target.rsplit(".", 1)[-1]
            off = (
                name in ("verify", "check_hostname")
                and "." in assign.target
                and _false(assign.value)
            ) or (name == "verify_mode" and assign.value.value in _NO_CHECK)
            if off and assign.value.span is not None:
                yield self.finding(
                    facts,
                    assign.value.span,
                    f"`{assign.target}` turns off TLS certificate checks. {why}",
                )


def _switch(call: Call) -> str | None:
    """The keyword that switches verification off on an HTTP client call, if any."""
    if not any(_false(call.kwargs.get(k)) for k in ("verify", "verify_ssl", "ssl")):
        return None
    method = call.qname.rsplit(".", 1)[-1]
    client = (
        call.qname.startswith(_CLIENTS)
        or method in _HTTP_METHODS
        or bool(re.search(r"(Client|Session|Connector)$", method))
    )
    if not client:
        return None
    return next((k for k in ("verify", "verify_ssl", "ssl") if _false(call.kwargs.get(k))), None)


def _drop(facts: FileFacts, call: Call, key: str) -> Fix | None:
    span = removal(call, key) if key == "verify" else None
    if span is None:
        return None
    return Fix("Remove verify=False (check certificates)", (replace(facts.path, span, ""),))
