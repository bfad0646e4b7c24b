"""Teaching diagnostics: one module per lesson family, all registered here."""

from __future__ import annotations

from roadmap_coach.rules.lessons.base import Lesson
from roadmap_coach.rules.lessons.code_execution import (
    EvalOfInput,
    ShellCommandFromInput,
    UnsafeDeserialisation,
)
from roadmap_coach.rules.lessons.deps import UndeclaredDependency
from roadmap_coach.rules.lessons.errors import MutableDefault, SwallowedErrors
from roadmap_coach.rules.lessons.git import TrackedByGit
from roadmap_coach.rules.lessons.passwords import PlaintextPasswordComparison, WeakPasswordHashing
from roadmap_coach.rules.lessons.secrets import HardcodedSecret
from roadmap_coach.rules.lessons.sql import SqlBuiltFromInput
from roadmap_coach.rules.lessons.tests import AssertionFreeTest
from roadmap_coach.rules.lessons.tokens import JwtWithoutVerification
from roadmap_coach.rules.lessons.transport import TlsVerificationDisabled
from roadmap_coach.rules.lessons.web import CsrfDisabled, DebugModeOn, UnescapedHtml

# In code order: the order of docs/rules/ and of `roadmap-coach` listings.
ALL_LESSONS: list[type[Lesson]] = [
    SwallowedErrors,
    MutableDefault,
    SqlBuiltFromInput,
    HardcodedSecret,
    DebugModeOn,
    WeakPasswordHashing,
    PlaintextPasswordComparison,
    UnescapedHtml,
    CsrfDisabled,
    TlsVerificationDisabled,
    ShellCommandFromInput,
    EvalOfInput,
    UnsafeDeserialisation,
    JwtWithoutVerification,
    AssertionFreeTest,
    UndeclaredDependency,
    TrackedByGit,
]


def all_lessons() -> list[Lesson]:
    return [cls() for cls in ALL_LESSONS]


def lesson_for(code: str) -> type[Lesson] | None:
    return next((cls for cls in ALL_LESSONS if cls.code == code), None)
