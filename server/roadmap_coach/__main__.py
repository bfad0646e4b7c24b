"""`python -m roadmap_coach …`, the same as the `roadmap-coach` script.

`-m` puts the current folder first on `sys.path`, and editors start the server inside
the learner's workspace: a learner's `tomlkit.py`, `git.py` or `random.py` would then be
imported instead of the real module, running the learner's code. The folder is taken
off the path before anything else is imported (Python's `-P` does the same).
"""

import os
import sys

if not sys.flags.safe_path and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from roadmap_coach.cli import main  # only now: the path is safe

raise SystemExit(main())
