"""db.sqlalchemy-model for classes mapped imperatively (classical mapping) or by the
registry's decorator; SQLAlchemy Core tables that no class is mapped to are not models."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

LIBRARY = fixture("databases", "imperative-mapping")
CORE = fixture("databases", "core-tables")


def test_map_imperatively_maps_plain_domain_classes() -> None:
    found = milestones(LIBRARY)
    assert found["db.sqlalchemy-model"] == [
        "library/adapters/orm.py:28",  # map_imperatively(model.Loan, loans)
        "library/adapters/orm.py:29",  # map_imperatively(model.Book, books, properties=…)
    ]
    assert found["db.relationship"] == ["library/adapters/orm.py:21", "library/adapters/orm.py:30"]


def test_core_tables_never_mapped_and_a_helper_named_mapper_are_not_models() -> None:
    assert "db.sqlalchemy-model" not in milestones(CORE)


def test_classic_mapper_call_and_the_registry_decorator_count(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "orm.py": "from sqlalchemy import Column, Integer, MetaData, Table\n"
            "from sqlalchemy.orm import mapper\n\nimport model\n\nmetadata = MetaData()\n"
            'orders = Table("orders", metadata, Column("id", Integer, primary_key=True))\n\n\n'
            "def start_mappers():\n    mapper(model.Order, orders)\n",
            "model.py": "class Order:\n    pass\n",
            "tags.py": "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import registry\n\n"
            "reg = registry()\n\n\n@reg.mapped\nclass Tag:\n"
            '    __table_args__ = {"sqlite_autoincrement": True}\n'
            "    id = Column(Integer, primary_key=True)\n",
        },
    )
    assert milestones(tmp_path)["db.sqlalchemy-model"] == ["orm.py:11", "tags.py:7"]
