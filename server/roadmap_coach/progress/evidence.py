"""Which commit holds the code that was analysed: HEAD when the file at HEAD is
byte-identical to the analysed content, else none.

A milestone or lesson logged with a commit must be followable: a mentor who checks
out that commit finds the evidence file with the content that earned it. Only
read-only git commands run (`analysis.git_facts.open_repo`'s safe options).
"""

from __future__ import annotations

from typing import Any

from roadmap_coach.analysis.files import content_digest
from roadmap_coach.analysis.git_facts import open_repo

_MAX_ENTRIES = 4096


class HeadContent:
    """Digests of files at a commit, read lazily and remembered (path, commit)."""

    def __init__(self, root: str | None) -> None:
        self.root = root
        self._repo: Any = None
        self._opened = False
        self._digests: dict[tuple[str, str], str | None] = {}

    def digest(self, commit: str, path: str) -> str | None:
        """`content_digest` of `path` in `commit`'s tree; None when it is not there."""
        key = (commit, path)
        if key in self._digests:
            return self._digests[key]
        repo = self._open()
        found: str | None = None
        if repo is not None and path and not path.startswith(("/", "../")):
            try:
                blob = repo.git.rev_parse("--verify", "-q", f"{commit}:{path}").strip()
                data = repo.odb.stream(bytes.fromhex(blob)).read()
            except Exception:  # not in that tree, or git failed: not committed
                data = None
            if isinstance(data, bytes):
                found = content_digest(data)
        if len(self._digests) >= _MAX_ENTRIES:
            self._digests.clear()
        self._digests[key] = found
        return found

    def holds(self, commit: str | None, path: str, digest: str) -> bool:
        return bool(commit and digest and self.digest(commit, path) == digest)

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
        self._repo = None
        self._opened = False
        self._digests.clear()

    def _open(self) -> Any:
        if not self._opened:
            self._opened = True
            if self.root:
                self._repo, _error = open_repo(self.root)
        return self._repo
