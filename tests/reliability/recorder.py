"""A process that records progress until it is killed, for the crash-safety tests.

Run as `python recorder.py`, it imports the store once and then forks one recording
child per `fork STORE RUN LOG [AT]` line on stdin (printing the child's pid; with AT, a
Unix time, the child opens the store at that moment), so each of
hundreds of SIGKILLs costs a fork rather than an interpreter start. `wait PID` reaps a
child and prints its wait status.

A child appends one line to LOG after each store call *returned* (the transaction
committed): what it logged must be in the store after the kill, whenever it came.
"""

from __future__ import annotations

import os
import signal
import sys
import time

from roadmap_coach.progress.records_cache import open_records_cache
from roadmap_coach.progress.store import Store

LIFETIME_S = 60  # SIGALRM ends a child nobody killed (a failed test)
SHARED = 40  # milestone ids every run competes for: first achieved wins, exactly once
BIG, SMALL = b"x" * 6_000, b"y" * 200  # records-cache rows: one spills onto overflow pages


def record(store_path: str, run: int, log_path: str) -> None:
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def note(line: str) -> None:
        os.write(log, (line + "\n").encode())

    note("start")
    store = Store(store_path, learner="ann", busy_timeout=30)
    cache = open_records_cache(store_path, "crash-test", quiet=True)
    note("open")
    workspace = f"/ws/{run % 3}"
    for i in range(1_000_000):
        op = i % 5
        if op == 0:
            mid = f"own.r{run}.m{i}"
            won = store.record_milestone(mid, "step", "Own", workspace, f"r{run}.py", i)
            note(f"M {mid} {int(won)}")
        elif op == 1:
            mid = f"shared.m{(run + i) % SHARED}"
            won = store.record_milestone(mid, "step", "Shared", workspace, "s.py", None)
            note(f"S {mid} {int(won)}")
        elif op == 2:
            shown = store.record_lesson("lesson-shown", "RC501", workspace, f"r{run}.py", i)
            note(f"L {workspace} r{run}.py {i} {int(shown)}")
        elif op == 3:
            rows = [(f"k{run}.{i}.{n}", "blob", BIG if n == 0 else SMALL, "") for n in range(3)]
            if cache is not None:
                cache.put_many(rows)  # type: ignore[arg-type]
            note(f"C {run}.{i}")
        else:
            found = [("RC501", line) for line in range(i - 3, i + 1, 2)]
            store.sync_lessons(workspace, f"sync{run}.py", found)
            note(f"Y {i}")


def main() -> None:
    for line in sys.stdin:
        command, *args = line.split()
        if command == "fork":
            store_path, run, log_path, *at = args
            pid = os.fork()
            if pid == 0:
                # The child must not hold the test's pipes open (or outlive a failed test
                # by long): it writes only to its log, and stops after a while by itself.
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                signal.alarm(LIFETIME_S)
                if at:  # several writers start together: open the store at this moment
                    time.sleep(max(0.0, float(at[0]) - time.time()))
                try:
                    record(store_path, int(run), log_path)
                except Exception as exc:  # the test fails on this line in the log
                    with open(log_path, "a") as log:
                        log.write(f"ERROR {type(exc).__name__}: {exc}\n")
                finally:
                    os._exit(0)
            print(pid, flush=True)
        elif command == "wait":
            _, status = os.waitpid(int(args[0]), 0)
            print(status, flush=True)


if __name__ == "__main__":
    main()
