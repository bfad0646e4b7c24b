"""The names a workspace module is imported by: one resolver for every rule that
follows the learner's own modules (names across files, packages, classes, layers).

A file's module name is its path (`shop/models.py` is `shop.models`). In a `src/`
layout the package is imported from below `src/`: `src/shop/models.py` is imported as
`shop.models`, and `src.shop.models` still names it for projects that import it so.
"""

from __future__ import annotations


def import_names(module: str) -> tuple[str, ...]:
    """`module` and, under `src/`, the name it is imported by (`src.shop` -> `shop`)."""
    if module.startswith("src.") and len(module) > len("src."):
        return (module, module[len("src.") :])
    return (module,)


def with_import_names(names: set[str]) -> set[str]:
    """Every name in `names` plus the other names its module is imported by."""
    return {alias for name in names for alias in import_names(name)}
