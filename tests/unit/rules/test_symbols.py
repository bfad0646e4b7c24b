"""The workspace's name table holds each bound target and each base list once, in this
process and in a worker it is pickled to, and still resolves names the same way."""

from __future__ import annotations

import pickle

from roadmap_coach.rules.symbols import Summary, Symbols


def _summary(module: str, qualname: str) -> Summary:
    # built apart, as two files' summaries are: equal strings, different objects
    target = "".join(["django.db.", "models"])
    base = "".join(["django.db.models.", "Model"])
    return Summary(
        module,
        ((target, None, "models"),),
        (),
        ((qualname, (base,)),),
        (),
    )


def test_equal_targets_and_base_lists_are_held_once() -> None:
    table = Symbols()
    table.add_summary(_summary("shop.models", "Item"))
    table.add_summary(_summary("blog.models", "Post"))
    first, second = table.names["shop.models.models"], table.names["blog.models.models"]
    assert first == second == "django.db.models" and first is second
    assert table.bases["shop.models.Item"] is table.bases["blog.models.Post"]
    assert table.resolve("blog.models.models.CharField") == "django.db.models.CharField"
    copy = pickle.loads(pickle.dumps(table, protocol=5))
    assert copy == table
    assert copy.bases["shop.models.Item"] is copy.bases["blog.models.Post"]
    assert copy.names["shop.models.models"] is copy.names["blog.models.models"]
