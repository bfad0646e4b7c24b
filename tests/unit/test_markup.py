"""Text rendered wherever it is shown: markdown for surfaces that render it, clean plain
text (no backticks, asterisks or escapes) for those that do not."""

from __future__ import annotations

from roadmap_coach.progress.pages import checkpoint_page
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.markup import plain, plain_line
from roadmap_coach.rules.lessons import ALL_LESSONS


def test_inline_markup_becomes_words() -> None:
    text = "Use `?` placeholders with **`sqlite3`**, *psycopg* and [the docs](https://x.org/a)."
    assert (
        plain_line(text)
        == "Use ? placeholders with sqlite3, psycopg and the docs (https://x.org/a)."
    )
    assert plain_line("Read <https://x.org> \\*now\\* a\\_b") == "Read https://x.org now a_b"


def test_blocks_become_plain_lines_and_code_is_indented() -> None:
    text = "## Example\n\n```python\ndef f():\n    return 1\n```\n\n- **one**\n- `two`"
    assert plain(text) == "Example\n\n    def f():\n        return 1\n\n- one\n- two"


def test_no_shipped_text_keeps_markup_when_plain() -> None:
    roadmap, _ = load_roadmap()
    texts = [plain_line(c.teaches) for c in roadmap.checkpoints]
    texts += [plain_line(c.title) for c in roadmap.checkpoints]
    texts += [plain_line(cls.quick_fix) for cls in ALL_LESSONS if cls.quick_fix]
    for text in texts:
        assert "`" not in text and "**" not in text and "\\" not in text, text


def test_a_checkpoint_page_as_text_has_no_markup_outside_its_code() -> None:
    roadmap, _ = load_roadmap()
    for checkpoint in roadmap.checkpoints:
        page = checkpoint_page(roadmap, checkpoint, set())
        prose = [line for line in page.text.splitlines() if not line.startswith("    ")]
        for line in prose:
            assert "`" not in line and "**" not in line and not line.startswith("#"), line
