"""Only what the learner wrote earns code milestones: files a tool generated
(`migrations/env.py`, Alembic revisions, Django migrations and `manage.py`) prove the
tool was used and nothing more, recognised by the tool's fingerprint, not the path.

Fixtures: `tests/fixtures/generated/flask-migrate-blog` (two chapters of a Flask-Migrate
course) and `tests/fixtures/generated/rewritten-alembic-env` (an env.py the learner
rewrote, which is theirs again)."""

from __future__ import annotations

import shutil
from pathlib import Path

from learner_projects import Repo, engine, fixture, git_environment, milestones

from roadmap_coach.progress.history import replay_history

BLOG = fixture("generated", "flask-migrate-blog")


def line(root: Path, path: str, snippet: str) -> str:
    lines = (root / path).read_text(encoding="utf-8").splitlines()
    hits = [n for n, text in enumerate(lines, 1) if snippet in text]
    assert len(hits) == 1, f"{snippet!r} in {path}: {hits}"
    return f"{path}:{hits[0]}"


def chapter(tmp_path: Path, number: int) -> Path:
    root = tmp_path / f"blog-{number}"
    shutil.copytree(BLOG / "chapter-1", root)
    if number == 2:
        shutil.copytree(BLOG / "chapter-2", root, dirs_exist_ok=True)
    return root


def test_generated_migration_env_earns_no_logging_before_the_learner_configures_it(
    tmp_path: Path,
) -> None:
    root = chapter(tmp_path, 1)
    found = milestones(root)
    # env.py configures logging (`fileConfig`) and the learner's route logs: before,
    # that pair made `style.logging` three chapters early
    assert "style.logging" not in found
    assert "basics.exception-handling" not in found  # env.py's `except (TypeError, …)`
    assert all(not e.startswith("migrations/") for e in found["basics.function"])
    # the tool was used: the revision it wrote is the migration
    revision = "migrations/versions/3f6c1e2a9b70_authors_and_notes.py"
    assert found["db.migration"] == [line(root, revision, "def upgrade():")]
    claimed = [e for ev in found.values() for e in ev if e.startswith("migrations/")]
    assert claimed == found["db.migration"]


def test_logging_is_earned_on_the_chapter_where_the_learner_configures_it(
    tmp_path: Path,
) -> None:
    root = chapter(tmp_path, 2)
    assert milestones(root)["style.logging"] == [
        line(root, "app/__init__.py", "app.logger.addHandler(handler)"),
        line(root, "app/routes.py", "current_app.logger.info("),
    ]


def test_history_places_logging_at_the_learners_commit_not_at_flask_db_init(
    tmp_path: Path,
) -> None:
    repo = Repo(tmp_path / "repo", git_environment(tmp_path / "home"))
    repo.git("init", "-q", "-b", "main")
    shutil.copytree(BLOG / "chapter-1", repo.root, dirs_exist_ok=True)
    repo.commit({}, "models and flask db init")
    shutil.copytree(BLOG / "chapter-2", repo.root, dirs_exist_ok=True)
    repo.commit({}, "log to stdout in production")
    second = repo.git("rev-parse", "HEAD").strip()
    history = replay_history(str(repo.root), engine().roadmap, engine=engine())
    logging = next(m for m in history.milestones if m.id == "style.logging")
    assert logging.commit == second
    assert logging.evidence[0] == (
        "app/__init__.py",
        int(line(repo.root, "app/__init__.py", "addHandler").rsplit(":", 1)[1]),
    )
    placed = {m.id: m.commit for m in history.milestones}
    assert placed["db.migration"] != second  # the migration came with chapter 1


def test_an_env_py_the_learner_rewrote_is_their_code(tmp_path: Path) -> None:
    root = tmp_path / "shop"
    shutil.copytree(fixture("generated", "rewritten-alembic-env"), root)
    found = milestones(root)
    env = "alembic/env.py"
    assert found["style.logging"] == [
        line(root, env, "logging.basicConfig("),
        line(root, env, 'log.info("writing migration SQL'),
    ]
    # the revisions' `def upgrade() -> None:` are Alembic's, the three typed defs are hers
    assert found["style.type-hints"] == [
        line(root, env, "def database_url() -> str:"),
        line(root, env, "def migrate_as_sql() -> None:"),
        line(root, env, "def migrate_database() -> None:"),
    ]
    assert found["db.migration"] == [
        "alembic/versions/5d0c2b7e41aa_products.py:21",
        "alembic/versions/9e41f0c3d2b8_reviews.py:21",
    ]
    others = [e for cid, ev in found.items() if cid != "db.migration" for e in ev]
    assert not [e for e in others if "/versions/" in e]


def test_django_manage_py_shows_the_project_but_earns_no_code_milestone(tmp_path: Path) -> None:
    root = tmp_path / "polls"
    shutil.copytree(fixture("projects", "django-polls"), root)
    found = milestones(root)
    from_manage = {cid for cid, ev in found.items() if any(e.startswith("manage.py:") for e in ev)}
    assert from_manage == {"web.django-project"}
    from_migrations = {cid for cid, ev in found.items() if any("/migrations/" in e for e in ev)}
    assert from_migrations == {"db.migration"}
