"""Wall time, CPU time and peak memory of a whole command, worker processes included.

Memory, two figures, because on Linux no one number is the truth for a process tree:

- `peak_tree_mib`: the most the tree held at once. Every few ms the process and all its
  live descendants are sampled, and their proportional set sizes (`Pss` in
  `/proc/<pid>/smaps_rollup`: pages shared between processes, as a forkserver's workers
  share their parent's, are split among them instead of counted in each) are added up;
  the largest sum is kept (at least the largest single process's peak). A short spike
  between two samples can be missed; processes that ran one after another (a `git` per
  commit) are never added together.
- `peak_single_mib`: the largest single process's peak resident set, exact: the
  kernel's high-water marks (`VmHWM`, and `wait4`'s rusage for the command and the
  descendants it waited for).

CPU seconds (user + system) of every process in the tree: each one's last sampled
`/proc/<pid>/stat`, or `wait4`'s figure when larger (workers started by a forkserver
are not the command's waited-for children, so `wait4` alone would leave them out).
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


def _status_kib(pid: int, field_name: str, file: str = "status") -> int:
    try:
        text = Path(f"/proc/{pid}/{file}").read_text()
    except OSError:  # gone, or not ours to read
        return 0
    for line in text.splitlines():
        if line.startswith(field_name):
            return int(line.split()[1])
    return 0


def vm_hwm_kib(pid: int) -> int:
    """A process's peak resident set so far (0 when it is gone)."""
    return _status_kib(pid, "VmHWM:")


def pss_kib(pid: int) -> int:
    """A process's proportional set size now (0 when it is gone)."""
    return _status_kib(pid, "Pss:", "smaps_rollup")


def cpu_ticks(pid: int) -> int:
    """User + system clock ticks a process has used (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
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
    """Samples a process tree on a thread until `stop()`."""

    pid: int
    interval_s: float = SAMPLE_S
    peaks_kib: dict[int, int] = field(default_factory=dict)  # pid -> largest VmHWM seen
    ticks: dict[int, int] = field(default_factory=dict)  # pid -> last CPU ticks seen
    pss_peak_kib: int = 0  # the largest sum of Pss over the processes alive at one sample
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def sample(self) -> None:
        held = 0
        for pid in (self.pid, *descendants(self.pid)):
            hwm = vm_hwm_kib(pid)
            if not hwm:
                continue
            self.peaks_kib[pid] = max(hwm, self.peaks_kib.get(pid, 0))
            self.ticks[pid] = max(cpu_ticks(pid), self.ticks.get(pid, 0))
            held += pss_kib(pid)
        self.pss_peak_kib = max(self.pss_peak_kib, held)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @property
    def largest_mib(self) -> float:
        return max(self.peaks_kib.values(), default=0) / 1024

    @property
    def tree_mib(self) -> float:
        return max(self.pss_peak_kib / 1024, self.largest_mib)

    @property
    def cpu_s(self) -> float:
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")

    @property
    def processes(self) -> int:
        return len(self.peaks_kib)


@dataclass
class Measured:
    argv: list[str]
    returncode: int
    wall_s: float
    cpu_s: float  # user + system, every process of the tree
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
        cpu_s=max(usage.ru_utime + usage.ru_stime, sampler.cpu_s),
        peak_tree_mib=max(sampler.tree_mib, single),
        peak_single_mib=max(single, sampler.largest_mib),
        processes=sampler.processes,
        timed_out=timed_out,
    )
