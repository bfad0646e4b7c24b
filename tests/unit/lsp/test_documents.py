"""The lines of a file not open in the editor come from the disk: a line with other
than ASCII converts its columns to the client's encoding, and a file of plain ASCII is
not split into lines at all (its columns need no converting)."""

from __future__ import annotations

from pathlib import Path

from roadmap_coach.analysis.facts import Span
from roadmap_coach.lsp.documents import Documents
from roadmap_coach.lsp.positions import to_range


def documents(root: Path) -> Documents:
    docs = Documents(lambda uri: None, lambda: "utf-16")
    docs.set_root(str(root))
    return docs


def test_columns_of_disk_files_are_in_the_clients_encoding(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1\nname = 'ab'\n")
    (tmp_path / "accents.py").write_text("x = 1\nnom = 'été'; y = 2\n", encoding="utf-8")
    docs = documents(tmp_path)
    assert docs.lines_of("plain.py")(1) is None  # not split: nothing to convert
    assert docs.lines_of("accents.py")(1) == "nom = 'été'; y = 2"
    span = Span(1, 14, 1, 19)  # `y = 2` after 'été' (two bytes more in UTF-8 than UTF-16)
    rng = to_range(span, docs.lines_of("accents.py"), docs.encoding)
    assert (rng.start.character, rng.end.character) == (12, 17)
    same = to_range(Span(1, 7, 1, 11), docs.lines_of("plain.py"), docs.encoding)
    assert (same.start.character, same.end.character) == (7, 11)
    assert docs.lines_of("missing.py")(0) is None
