"""How hard the reliability suite tries, chosen by `HYPOTHESIS_PROFILE`.

`ci` (the default, what `make test` runs) keeps every property test and crash loop
short; `fuzz` (`make fuzz`) runs the same tests with budgets large enough to find rare
inputs. Tests take their hypothesis settings from `FUZZ_SETTINGS` and their loop counts
from `budget(ci, fuzz)`, so the two runs differ only in how much they try.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=_SLOW_IS_FINE, print_blob=True
)
settings.register_profile(
    "fuzz", max_examples=1_500, deadline=None, suppress_health_check=_SLOW_IS_FINE, print_blob=True
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in ("ci", "fuzz"):
    raise RuntimeError(f"HYPOTHESIS_PROFILE must be ci or fuzz, not {PROFILE!r}")
FUZZ_SETTINGS = settings.get_profile(PROFILE)


def budget(ci: int, fuzz: int) -> int:
    """A loop count: `ci` under `make test`, `fuzz` under `make fuzz`."""
    return fuzz if PROFILE == "fuzz" else ci


def scaled(ci_examples: int) -> settings:
    """FUZZ_SETTINGS with a different ci budget (slow properties try fewer examples);
    the fuzz budget grows in proportion."""
    examples = budget(ci_examples, ci_examples * 1_500 // 40)
    return settings(FUZZ_SETTINGS, max_examples=examples)
