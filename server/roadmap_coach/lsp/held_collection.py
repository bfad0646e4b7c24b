"""The cyclic garbage collector, held back while the learner types fast, like the
checkpoints (`held_milestones`).

Each keystroke makes the edited file's facts again: thousands of records for a
1,000-line file, the statements below an edit copied to their new lines. They live
until the next keystroke, so the collector scanned them once when young and again in
the middle generation: about a tenth of a keystroke's time. None of them is in a
reference cycle (reference counting frees them when they are replaced), so during a
burst the collector finds nothing it alone could free. It runs again when the
typing pauses, where the held checkpoints are evaluated. Should a burst never pause,
it runs anyway once `LIMIT` more container objects live than at its last run, so
memory stays bounded.
"""

from __future__ import annotations

import gc

LIMIT = 100_000  # objects the collector tracks, net, since its last run


class HeldCollection:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.held = False
        self.holds = 0  # keystrokes analysed with the collector held (a debug counter)

    def hold(self) -> None:
        """A keystroke while typing fast: no collection until `release`."""
        if not self.held:
            if not gc.isenabled():
                return  # held by someone else (a scan loading records): theirs to release
            self.held = True
        if gc.get_count()[0] > self.limit:
            self.release()  # a burst with no pause: collect now, hold again after
            return
        # again on every keystroke: a concurrent analysis may have switched it back on
        gc.disable()
        self.holds += 1

    def release(self) -> None:
        """The typing paused (or something other than typing came): collect as usual."""
        if self.held:
            self.held = False
            gc.enable()
