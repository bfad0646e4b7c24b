"""JSON Web Tokens read without checking their signature."""

from __future__ import annotations

from collections.abc import Iterator

from roadmap_coach.analysis.facts import Arg, FileFacts
from roadmap_coach.rules.lessons.base import LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.reads import FILE, reads

_DECODERS = frozenset({"jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode", "jwt.PyJWT.decode"})
_UNVERIFIED = frozenset({"jose.jwt.get_unverified_claims"})


def _false(arg: Arg | None) -> bool:
    return arg is not None and arg.kind == "bool" and arg.value == "False"


class JwtWithoutVerification(SecurityLesson):
    """## What it catches
    A JWT decoded without checking its signature: `jwt.decode(...,
    options={"verify_signature": False})`, PyJWT 1's `verify=False`,
    `algorithms=["none"]`, or python-jose's `get_unverified_claims()` used as
    the token's content.

    ## Why it matters
    The signature is the only thing that makes a token trustworthy: the payload
    is plain base64 that anyone can write. Without the check, a visitor can
    change `"user_id": 7` to `"user_id": 1` or `"role": "admin"` and your API
    believes it.

    ## Example
    ```python
    claims = jwt.decode(token, options={"verify_signature": False})
    user = User.query.get(claims["sub"])
    ```

    ## The safe way
    Decode with the key and the exact algorithm you issue tokens with.
    ```python
    claims = jwt.decode(token, os.environ["JWT_SECRET"], algorithms=["HS256"])
    ```
    Reading only the header to pick a key (`jwt.get_unverified_header`) and
    turning off a single claim check such as `verify_exp` are not reported.
    """

    code = "RC511"
    facts_read = reads(FILE, "calls")
    block_local = True
    imports_read = ()
    title = "JWT decoded without verification"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        why = (
            "Anyone can write a token's payload; only the signature proves you issued it. Decode "
            'with your key and `algorithms=["HS256"]` (or the algorithm you sign with).'
        )
        for call in facts.calls:
            if call.qname in _UNVERIFIED:
                yield self.finding(
                    facts,
                    call.span,
                    f"`{call.name}()` reads a token without checking its signature. {why}",
                )
                continue
            if call.qname not in _DECODERS:
                continue
            options = call.kwargs.get("options")
            entries = (
                dict(zip(options.keys or [], options.items or [], strict=False)) if options else {}
            )
            algorithms = call.kwargs.get("algorithms")
            none_algorithm = algorithms is not None and any(
                (item.value or "").lower() == "none" for item in algorithms.items or []
            )
            if (
                _false(entries.get("verify_signature"))
                or _false(call.kwargs.get("verify"))
                or none_algorithm
            ):
                yield self.finding(
                    facts, call.span, f"This token is decoded without checking its signature. {why}"
                )
