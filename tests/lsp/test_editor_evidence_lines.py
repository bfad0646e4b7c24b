"""The server shows a configuration file's milestone on the line that shows it: the
requirement, the `[tool.…]` table, the `CMD` (the same lines as `scan` and `history`;
`tests/fixtures/evidence-lines/shop`)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from lsp_client import coach

SHOP = Path(__file__).resolve().parents[1] / "fixtures" / "evidence-lines" / "shop"


def _line(root: Path, path: str, snippet: str) -> int:
    """0-based, as LSP counts."""
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines) if snippet in text)


async def test_progress_evidence_of_file_milestones_is_on_the_right_line(
    workspace: Path, store: Path
) -> None:
    shutil.copytree(SHOP, workspace, dirs_exist_ok=True)
    wanted = {
        "deps.requirements": ("requirements-dev.txt", "pytest==8.2.0"),
        "deps.pinned": ("requirements-dev.txt", "pytest==8.2.0"),
        "deploy.app-server": ("Dockerfile", 'CMD ["gunicorn"'),
        "deploy.compose": ("compose.yaml", "services:"),
        "deploy.ci": (".github/workflows/ci.yml", "jobs:"),
        "test.coverage": (".coveragerc", "[run]"),
        "style.linter": (".flake8", "[flake8]"),
        "style.formatter": ("pyproject.toml", "[tool.black]"),
    }
    async with coach(workspace, store) as session:

        async def rows() -> dict[str, Any]:
            progress = await session.progress_now()
            return {c["id"]: c for s in progress["steps"] for c in s["checkpoints"]}

        found: dict[str, Any] = {}
        for _ in range(300):  # the background scan finds them; a bounded wait
            found = await rows()
            if all(found[cid]["achieved"] for cid in wanted):
                break
            await asyncio.sleep(0.1)
        for checkpoint, (path, snippet) in wanted.items():
            shown = found[checkpoint]["evidence"]
            assert shown["uri"] == session.uri(path), checkpoint
            assert shown["range"]["start"]["line"] == _line(workspace, path, snippet), checkpoint
