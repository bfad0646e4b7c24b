"""lsprotocol's classes imported through the cache of attrs' compiled code: the second
import compiles nothing and gives classes that behave the same; a damaged cache, or
none that may be written, costs only the compiles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

IMPORT = """
import json, sys
from pathlib import Path
from roadmap_coach.lsp.attrs_code_cache import import_protocol_types
folder = Path(sys.argv[1]) if sys.argv[1] else None
compiled = import_protocol_types(folder, write=sys.argv[2] == "write")
from lsprotocol import types
a = types.Range(types.Position(1, 2), types.Position(3, 4))
b = types.Range(types.Position(1, 2), types.Position(3, 4))
print(json.dumps({
    "compiled": compiled,
    "equal": a == b,
    "differs": a != types.Range(types.Position(1, 2), types.Position(3, 5)),
    "repr": repr(a),
    "kw_only": types.Diagnostic(range=a, message="m").severity is None,
}))
"""


def run(folder: Path | None, *, write: bool = True) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", IMPORT, str(folder or ""), "write" if write else "no"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_second_import_compiles_nothing_and_gives_the_same_classes(tmp_path: Path) -> None:
    uncached = run(None)
    first = run(tmp_path)
    second = run(tmp_path)
    assert uncached["compiled"] == 0  # no cache: attrs compiled them itself
    assert isinstance(first["compiled"], int) and first["compiled"] > 500
    assert second["compiled"] == 0
    for result in (first, second):
        assert {k: v for k, v in result.items() if k != "compiled"} == {
            k: v for k, v in uncached.items() if k != "compiled"
        }
    assert result["equal"] and result["differs"] and result["kw_only"]


def test_a_damaged_cache_is_compiled_again_and_replaced(tmp_path: Path) -> None:
    first = run(tmp_path)
    (cache,) = tmp_path.iterdir()
    cache.write_bytes(cache.read_bytes()[:1000])
    again = run(tmp_path)
    assert again["compiled"] == first["compiled"]
    assert run(tmp_path)["compiled"] == 0


def test_nothing_is_written_when_bytecode_may_not_be(tmp_path: Path) -> None:
    assert run(tmp_path, write=False)["compiled"] > 0
    assert list(tmp_path.iterdir()) == []


DATACLASSES = """
import json, sys
from pathlib import Path
from roadmap_coach.lsp.attrs_code_cache import dataclasses_cached
folder = Path(sys.argv[1]) if sys.argv[1] else None
with dataclasses_cached(folder) as compiled:
    from roadmap_coach.analysis.facts import Span
    from roadmap_coach.rules.records import FileRecord
a, b = Span(1, 2, 3, 4), Span(1, 2, 3, 4)
print(json.dumps({
    "compiled": compiled.count,
    "equal": a == b,
    "differs": a != Span(1, 2, 3, 5),
    "repr": repr(a),
    "fields": list(FileRecord.__dataclass_fields__),
}))
"""


def test_the_servers_dataclasses_are_compiled_once_and_behave_the_same(tmp_path: Path) -> None:
    def run_dataclasses(folder: Path | None) -> dict[str, object]:
        out = subprocess.run(
            [sys.executable, "-c", DATACLASSES, str(folder or "")],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout)

    uncached, first, second = (
        run_dataclasses(None),
        run_dataclasses(tmp_path),
        run_dataclasses(tmp_path),
    )
    assert isinstance(first["compiled"], int) and first["compiled"] > 20
    assert second["compiled"] == 0
    same = {k: v for k, v in uncached.items() if k != "compiled"}
    for result in (first, second):
        assert {k: v for k, v in result.items() if k != "compiled"} == same
    assert same["equal"] and same["differs"]
    assert [p.name for p in tmp_path.iterdir()] == [
        p.name.replace("attrs-code-", "dataclasses-code-") for p in tmp_path.iterdir()
    ]
