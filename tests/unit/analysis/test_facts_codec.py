"""The compact facts form used by the cache and the scan's workers loses nothing."""

from __future__ import annotations

import pytest

from roadmap_coach.analysis.facts_codec import CodecError, decode, encode, error_of
from roadmap_coach.analysis.files import analyze_bytes

RICH = b"""\
# coach: ignore[RC101]
import os, sqlite3 as db
from .models import User as U

SECRET = os.environ["SECRET_KEY"]


@app.route("/u/<name>", methods=("GET", "POST"))
async def show(name: str, limit: int = 10, *, tags=[]) -> str:
    q = f"SELECT * FROM users WHERE name = '{name}'"
    q += " LIMIT " + str(limit)
    try:
        rows = db.connect("x").execute(q, timeout=1.5)
    except (ValueError, db.Error):
        raise
    return {"rows": rows, "lam": lambda x: x}


class Repo(Base, metaclass=ABCMeta):
    table: str = "users"
    n: int

    @abstractmethod
    def get(self): ...
"""


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("shop/api.py", RICH),
        ("broken.py", b"def f(:\n"),
        ("pyproject.toml", b'[project]\nname = "x"\ndependencies = ["flask"]\n'),
        ("requirements.txt", b"flask==3\n"),
        ("Dockerfile", b"FROM python\n"),
        ("logo.png", b"\x89PNG"),
    ],
)
def test_facts_survive_the_compact_form(path: str, data: bytes) -> None:
    facts = analyze_bytes(path, data)
    blob = encode(facts)
    assert decode(blob) == facts
    assert error_of(blob) == facts.error


def test_a_rich_file_keeps_its_nested_records() -> None:
    again = decode(encode(analyze_bytes("shop/api.py", RICH)))
    route = again.decorators[0]
    assert route.kwargs["methods"].items is not None
    assert [a.kind for a in route.kwargs["methods"].items] == ["str", "str"]
    assert again.ignores == {0: ["RC101"]}
    assert again.functions[0].defaults == {"limit": "int", "tags": "list"}


def test_a_damaged_blob_is_refused_not_decoded_into_nonsense() -> None:
    blob = encode(analyze_bytes("shop/api.py", RICH))
    with pytest.raises(CodecError):
        decode(blob[:-7] + b"garbage")
    with pytest.raises(CodecError):
        decode(b"\x00\x00not a blob")
