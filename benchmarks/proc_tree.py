"""Wall time, CPU time and peak memory of a whole command, worker processes included.

Two memory figures, because neither alone is the truth on Linux:

- `peak_tree_mib`: sampled every few ms over the process and all its live
  descendants: the largest sum, over the processes alive at one sample, of each one's
  high-water mark (`VmHWM` in `/proc/<pid>/status`). Their peaks need not coincide,
  so this leans high (never low, except for a process born and gone between two
  samples); processes that ran one after another (a `git` per commit) are not added up.
- `peak_single_mib`: the largest single process's peak, from `wait4`'s rusage (the
  kernel's figure for the command and every descendant it waited for).

CPU seconds come from `wait4` too (user + system of the command and its waited-for
descendants), and barely move with the machine's load, unlike wall time.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

SAMPLE_S = 0.02  # every 20 ms: the sampler's own CPU stays small beside the command


def vm_hwm_kib(pid: int) -> int:
    """A process's peak resident set so far (0 when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children of each of its threads, recursively)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            found.extend(descendants(child))
    return found


@dataclass
class TreeSampler:
    """Samples the peaks of a process tree on a thread until `stop()`."""

    pid: int
    interval_s: float = SAMPLE_S
    peaks_kib: dict[int, int] = field(default_factory=dict)  # pid -> last VmHWM seen
    tree_kib: int = 0  # the largest sum of VmHWM over the processes alive at one sample
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def sample(self) -> None:
        alive = 0
        for pid in (self.pid, *descendants(self.pid)):
            hwm = vm_hwm_kib(pid)
            if hwm:  # a high-water mark only grows: the last one read is the best
                self.peaks_kib[pid] = max(hwm, self.peaks_kib.get(pid, 0))
                alive += hwm
        self.tree_kib = max(self.tree_kib, alive)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def tree_mib(self) -> float:
        return self.tree_kib / 1024

    @property
    def largest_mib(self) -> float:
        return max(self.peaks_kib.values(), default=0) / 1024

    @property
    def processes(self) -> int:
        return len(self.peaks_kib)


@dataclass
class Measured:
    argv: list[str]
    returncode: int
    wall_s: float
    cpu_s: float  # user + system, the command and the descendants it waited for
    peak_tree_mib: float
    peak_single_mib: float
    processes: int  # how many processes the sampler saw in the tree
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run(
    argv: list[str],
    *,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    stdout: int | IO[Any] | None = subprocess.DEVNULL,
    timeout_s: float | None = None,
) -> Measured:
    """Run `argv` to its end; time it and measure its process tree's memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    sampler = TreeSampler(process.pid).start()
    stopped, reaped = threading.Event(), threading.Event()

    def stop() -> None:
        if not reaped.is_set():  # never signal a pid that may have been reused
            stopped.set()
            process.kill()

    timer = threading.Timer(timeout_s, stop) if timeout_s is not None else None
    if timer is not None:
        timer.start()
    _, status, usage = os.wait4(process.pid, 0)  # blocking: no polling beside the command
    reaped.set()
    if timer is not None:
        timer.cancel()
    timed_out = stopped.is_set()
    wall = time.perf_counter() - start
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it, not Popen
    single = usage.ru_maxrss / 1024  # KiB on Linux
    return Measured(
        argv=[str(a) for a in argv],
        returncode=process.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_tree_mib=max(sampler.tree_mib, single),
        peak_single_mib=max(single, sampler.largest_mib),
        processes=sampler.processes,
        timed_out=timed_out,
    )
