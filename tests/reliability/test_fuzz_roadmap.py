"""A course author's roadmap TOML, however wrong, becomes `file:line:col` problems and a
usable (possibly smaller) roadmap: never an exception, in the loader or in the engine
compiled from what it loaded."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from coach_runner import coach
from fuzz_budget import FUZZ_SETTINGS, scaled
from hypothesis import given
from hypothesis import strategies as st

from roadmap_coach.analysis.facts import WorkspaceFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.roadmap import schema
from roadmap_coach.roadmap.loader import load_roadmap, shipped_roadmap_dir
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Engine

SHIPPED = {p.name: p.read_text(encoding="utf-8") for p in shipped_roadmap_dir().glob("*.toml")}
SAMPLE = WorkspaceFacts(
    root="/ws",
    files={
        "app.py": analyze_bytes(
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n@app.get('/')\ndef i(): ...\n",
        ),
        "pyproject.toml": analyze_bytes("pyproject.toml", b"[project]\ndependencies = ['flask']\n"),
        "Dockerfile": analyze_bytes("Dockerfile", b"FROM python:3.12\n"),
    },
)

# Keys a roadmap really uses, so generated documents get deep into the loader.
KEYS = sorted(
    {"step", "checkpoint", "detect", "title", "steps", "number", "summary"}
    | set(schema.CHECKPOINT_FIELDS)
    | set(schema.MATCHERS)
    | {c for conditions in schema.MATCHERS.values() for c in conditions}
    | {"x", "id2", ""}
)
VOCAB = [
    *sorted(schema.GIT_FACTS | schema.AGGREGATES | schema.HISTORY_FACTS),
    "flask",
    "*",
    "a.b",
    "web.flask-route",
    "python-basics",
    "[",
    "(?P<",
    "**/*.py",
    "",
]
SCALARS = st.one_of(
    st.sampled_from(VOCAB),
    st.text(max_size=12),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6)
MATCHER_KEYS = st.sampled_from(sorted(schema.MATCHERS))
CONDITION_KEYS = st.sampled_from(sorted({c for cs in schema.MATCHERS.values() for c in cs}))


@st.composite
def roadmap_shaped(draw: st.DrawFn) -> dict[str, Any]:
    """A step and checkpoints whose detect clauses use the real vocabulary with values of
    any type: the shapes a course author gets almost right."""
    detect = st.lists(
        st.dictionaries(st.one_of(MATCHER_KEYS, CONDITION_KEYS), VALUES, min_size=1, max_size=3),
        max_size=3,
    )

    def mostly(valid: Any) -> st.SearchStrategy[Any]:
        return st.one_of(st.just(valid), st.just(valid), VALUES)

    checkpoint = st.fixed_dictionaries(
        {
            "id": st.one_of(st.sampled_from(["a.b", "web.flask-route", "a.c"]), VALUES),
            "title": mostly("A title"),
            "teaches": mostly("What it teaches."),
            "detect": st.one_of(detect, detect, VALUES),
        },
        optional={"next": mostly(["a.b"]), "links": mostly([]), "step": mostly("s")},
    )
    step = st.fixed_dictionaries(
        {"id": mostly("s"), "title": mostly("S")}, optional={"number": mostly(1), "x": VALUES}
    )
    return draw(
        st.fixed_dictionaries(
            {"checkpoint": st.lists(checkpoint, max_size=3)},
            optional={"step": st.one_of(step, VALUES)},
        )
    )


def _toml(document: dict[str, Any]) -> str:
    try:
        return tomlkit.dumps(document)
    except Exception:  # tomlkit cannot spell every value (empty keys, odd floats)
        return ""


def load_and_use(files: dict[str, str], *, with_shipped: bool = False) -> Roadmap:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        roadmap, problems = load_roadmap([root], with_shipped=with_shipped)
        for problem in problems:
            assert problem.line >= 1 and problem.col >= 1, problem
            assert problem.message.strip()
            assert str(problem).startswith(f"{problem.path}:{problem.line}:{problem.col}: ")
            text = files.get(Path(problem.path).name)
            if text is not None:
                assert problem.line <= max(len(text.splitlines()), 1) + 1, problem
        Engine(roadmap)  # compiles; evaluating it is the engine's part (below)
        return roadmap


@FUZZ_SETTINGS
@given(documents=st.lists(DOCUMENTS, min_size=1, max_size=3))
def test_generated_roadmap_documents_give_problems_never_an_exception(
    documents: list[dict[str, Any]],
) -> None:
    load_and_use({f"{i:02d}-gen.toml": _toml(d) for i, d in enumerate(documents)})


@FUZZ_SETTINGS
@given(documents=st.lists(roadmap_shaped(), min_size=1, max_size=3))
def test_roadmap_shaped_documents_with_wrong_types_give_problems_never_an_exception(
    documents: list[dict[str, Any]],
) -> None:
    load_and_use({f"{i:02d}-course.toml": _toml(d) for i, d in enumerate(documents)})


@FUZZ_SETTINGS
@given(text=st.text(max_size=400), meta=st.booleans())
def test_arbitrary_text_as_a_roadmap_file_gives_problems(text: str, meta: bool) -> None:
    load_and_use({"roadmap.toml" if meta else "01-x.toml": text})


MUTATIONS = ("drop", "duplicate", "swap", "truncate", "retype", "splice")


def mutate(text: str, rng: random.Random, rounds: int) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rounds):
        if not lines:
            break
        at = rng.randrange(len(lines))
        kind = rng.choice(MUTATIONS)
        if kind == "drop":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "truncate":
            lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
        elif kind == "retype" and "=" in lines[at]:
            key = lines[at].split("=", 1)[0]
            value = rng.choice(['["a", 1]', "{ x = 1 }", "12", "true", '"x"', "[]", "1979-05-27"])
            lines[at] = f"{key}= {value}\n"
        else:
            lines.insert(
                at, rng.choice(["[[checkpoint]]\n", "[[checkpoint.detect]]\n", "[step]\n"])
            )
    return "".join(lines)


@scaled(15)
@given(
    name=st.sampled_from(sorted(SHIPPED)),
    seed=st.integers(0, 2**32 - 1),
    rounds=st.integers(1, 8),
)
def test_mutated_shipped_checkpoint_files_give_problems_never_an_exception(
    name: str, seed: int, rounds: int
) -> None:
    mutated = mutate(SHIPPED[name], random.Random(seed), rounds)
    load_and_use({name: mutated})


def test_the_shipped_roadmap_loads_without_problems() -> None:
    roadmap = load_and_use({})
    assert roadmap.checkpoints == ()
    full, problems = load_roadmap()
    assert problems == [] and len(full.checkpoints) > 50


WRONG_TYPES = {
    "git fact given as a list": 'git = ["repo"]',
    "aggregate given as a table": "aggregate = { x = 1 }",
    "history given as a number": "history = 3",
    "inside given as a number": 'import = "flask"\ninside = 5',
    "not_inside given a table": 'import = "flask"\nnot_inside = [{ a = 1 }]',
    "achieved given a number": "achieved = 7",
    "all given a table": "all = { import = 'flask' }",
    "all given nested junk": "all = [[1, 2], { git = 1 }]",
}


def test_matcher_values_of_the_wrong_type_are_problems_on_their_line() -> None:
    for what, clause in WRONG_TYPES.items():
        text = (
            '[step]\nid = "s"\ntitle = "S"\n\n[[checkpoint]]\nid = "course.one"\ntitle = "T"\n'
            f'teaches = "x"\n[[checkpoint.detect]]\n{clause}\n'
        )
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "01-course.toml").write_text(text)
            roadmap, problems = load_roadmap([folder], with_shipped=False)
        assert problems, what
        assert all(p.line >= 9 for p in problems), (what, [str(p) for p in problems])
        Engine(roadmap).evaluate(SAMPLE)


WRONG_CONDITIONS = [
    'import = "flask"\npath = 1.5',
    "import = true",
    'import = "flask"\nmin_count = [1]',
    'file = "Dockerfile"\ncontent = 4',
    'achieved = ["course.one"]\nmin = "x"',
    'aggregate = "http_methods"\nrequire = 5',
]


def test_conditions_of_the_wrong_type_are_problems_and_never_crash_the_engine() -> None:
    for clause in WRONG_CONDITIONS:
        text = (
            '[step]\nid = "s"\ntitle = "S"\n\n[[checkpoint]]\nid = "course.one"\n'
            f'title = "T"\nteaches = "x"\n[[checkpoint.detect]]\n{clause}\n'
        )
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "01-course.toml").write_text(text)
            roadmap, problems = load_roadmap([folder], with_shipped=False)
        assert [p.line for p in problems] and all(p.line >= 9 for p in problems), clause
        Engine(roadmap).evaluate(SAMPLE)


async def test_a_course_roadmap_with_a_wrong_condition_type_leaves_the_server_coaching(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.py").write_text(
        'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef i():\n'
        '    return "hi"\n'
    )
    course = tmp_path / "course"
    course.mkdir()
    (course / "01-course.toml").write_text(
        '[step]\nid = "course"\ntitle = "Course"\nnumber = 20\n\n[[checkpoint]]\n'
        'id = "course.one"\ntitle = "T"\nteaches = "x"\n[[checkpoint.detect]]\n'
        'import = "flask"\npath = 1.5\n'
    )
    options = {"roadmapPaths": [str(course)]}
    async with coach(root, tmp_path / "store.sqlite3", init_options=options) as session:
        session.open("app.py")
        await session.wait_stats(
            "the route milestone", lambda s: "web.flask-route" in s["milestones"], timeout=10
        )
