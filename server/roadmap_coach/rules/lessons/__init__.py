"""Teaching diagnostics: one module per lesson family, all registered here."""

from __future__ import annotations

from roadmap_coach.rules.lessons.base import Lesson

ALL_LESSONS: list[type[Lesson]] = []


def all_lessons() -> list[Lesson]:
    return [cls() for cls in ALL_LESSONS]
