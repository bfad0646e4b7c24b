"""SQL kept in `.sql` files counts when the code loads them: aiosql's `-- name:` blocks
loaded with `aiosql.from_path`, or a file read and run with `executescript`/`execute`.
A dump nobody loads, SQL in a README, or a module that only names a file, do not."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

AIOSQL = fixture("databases", "aiosql-queries")
SCRIPT = fixture("databases", "schema-script")
DUMP = fixture("databases", "sql-dump-unused")


def test_aiosql_folder_loaded_from_a_computed_path_gives_query_and_crud() -> None:
    found = milestones(AIOSQL)
    assert found["db.sql-query"] == ["app/db.py:6", "queries/users.sql:3"]
    assert found["db.sql-crud"] == [
        "queries/users.sql:3",  # select … (get-all-users)
        "queries/users.sql:11",  # insert
        "queries/users.sql:14",  # update
        "queries/users.sql:17",  # delete
    ]


def test_files_read_through_pathlib_and_run_are_sql_queries() -> None:
    assert milestones(SCRIPT)["db.sql-query"] == [
        "notes/db.py:8",  # (SQL_DIR / "schema.sql").read_text() into executescript
        "notes/db.py:12",  # (SQL_DIR / "recent.sql").read_text() then execute(query)
        "notes/sql/recent.sql:1",
        "notes/sql/schema.sql:1",
    ]


def test_an_unloaded_dump_sql_in_markdown_and_a_named_file_are_not_queries() -> None:
    found = milestones(DUMP)
    assert "db.sql-query" not in found and "db.sql-crud" not in found


def test_aiosql_file_named_directly_and_open_resource_schema_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "queries.sql": "-- name: count-items$\nSELECT count(*) FROM item;\n",
            "store.py": 'import aiosql\n\nq = aiosql.from_path("queries.sql", "psycopg")\n',
            "flaskr/schema.sql": "CREATE TABLE item (id INTEGER PRIMARY KEY);\n",
            "flaskr/db.py": "from flask import current_app, g\n\n\ndef init_db():\n"
            "    with current_app.open_resource('schema.sql') as f:\n"
            "        g.db.executescript(f.read().decode('utf8'))\n",
        },
    )
    assert milestones(tmp_path)["db.sql-query"] == [
        "flaskr/db.py:5",
        "flaskr/schema.sql:1",
        "queries.sql:2",
        "store.py:3",
    ]


def test_an_aiosql_folder_that_holds_other_files_loads_only_its_own(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sql/users.sql": "-- name: users\nSELECT * FROM users;\n",
            "legacy/old.sql": "INSERT INTO users VALUES (1);\nUPDATE users SET x = 1;\n"
            "DELETE FROM users;\n",
            "db.py": 'import aiosql\n\nq = aiosql.from_path("sql", "sqlite3")\n',
        },
    )
    found = milestones(tmp_path)
    assert found["db.sql-query"] == ["db.py:3", "sql/users.sql:2"]
    assert "db.sql-crud" not in found  # legacy/old.sql is not loaded
