"""The one-line `window/showMessage` text for milestones names files as they are."""

from __future__ import annotations

from roadmap_coach.lsp.progress_view import milestone_message
from roadmap_coach.progress.next_up import NextItem
from roadmap_coach.rules.engine import Milestone


def test_the_next_fix_keeps_the_underscores_of_the_file_it_names() -> None:
    milestone = Milestone("web.flask-route", "web", "Your first Flask route", [])
    fix = NextItem(
        "lesson",
        "RC101",
        "Fix the warning at app/__init__.py:11: Hard-coded secret",
        "open-lesson",
        "security",
    )

    message = milestone_message([milestone], [fix])

    assert message == (
        "Milestone reached: Your first Flask route — "
        "next: Fix the warning at app/__init__.py:11: Hard-coded secret"
    )


def test_a_next_checkpoint_title_is_shown_without_its_markup() -> None:
    milestone = Milestone("basics.function", "basics", "Your first function", [])
    step = NextItem(
        "checkpoint", "practices.gitignore", "A `.gitignore` for Python", "current-step"
    )

    assert milestone_message([milestone], [step]) == (
        "Milestone reached: Your first function — next: A .gitignore for Python"
    )
