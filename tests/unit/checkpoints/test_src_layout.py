"""`src/` layouts: a package under `src/<pkg>/` is imported as `<pkg>.…`, and every rule
that follows the learner's own modules resolves it the same way (one resolver)."""

from __future__ import annotations

from pathlib import Path

from learner_projects import fixture, milestones, write

from roadmap_coach.analysis.modules import import_names

SRC_SHOP = fixture("layouts", "src-shop")
SCRIPTS = fixture("layouts", "src-scripts")


def test_src_package_imported_by_its_tests_is_a_package() -> None:
    found = milestones(SRC_SHOP)
    assert found["basics.package"] == ["tests/test_models.py:1"]  # from shop.models import …
    # names followed across src/ modules: `from shop import db` -> flask_sqlalchemy
    assert found["db.sqlalchemy-model"] == ["src/shop/models.py:4", "src/shop/pricing.py:4"]
    assert found["basics.inheritance"] == ["src/shop/pricing.py:4"]  # SaleProduct(Product)


def test_scripts_in_src_without_a_package_are_not_a_package() -> None:
    assert "basics.package" not in milestones(SCRIPTS)


def test_importing_with_the_src_prefix_counts_too(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/__init__.py": "",
            "src/inventory/__init__.py": "",
            "src/inventory/stock.py": "def count(items):\n    return len(items)\n",
            "main.py": "from src.inventory.stock import count\n\nprint(count([]))\n",
        },
    )
    assert milestones(tmp_path)["basics.package"] == ["main.py:1"]


def test_the_resolver_names_a_src_module_both_ways() -> None:
    assert import_names("src.shop.models") == ("src.shop.models", "shop.models")
    assert import_names("shop.models") == ("shop.models",)
    assert import_names("src") == ("src",)
