"""Where round 1 of an evaluation kept the facts (worker processes or this one), so
that round 2 makes their records there under the workspace's context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord

if TYPE_CHECKING:
    from roadmap_coach.progress.record_workers import Analyser, Job, Outcome, Pool


class Made:
    """Where round 1 kept the facts: round 2 makes their records there."""

    def records(self, ctx: Context, done: Callable[[int], None]) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        return None


class InProcess(Made):
    def __init__(self, analyser: Analyser) -> None:
        self.analyser = analyser

    def records(self, ctx: Context, done: Callable[[int], None]) -> Iterator[tuple[int, Any]]:
        for item in self.analyser.records(ctx):
            done(1)
            yield item


class Pooled(Made):
    def __init__(self, pool: Pool, jobs: list[Job], engine: Engine, max_bytes: int) -> None:
        self.pool, self.jobs, self.engine, self.max_bytes = pool, jobs, engine, max_bytes

    def records(self, ctx: Context, done: Callable[[int], None]) -> Iterator[tuple[int, Any]]:
        # one byte per job (a set of ints held ~70 bytes a file)
        seen = bytearray(max((job.index for job in self.jobs), default=-1) + 1)
        try:
            # handed on as they come: the caller stores each and keeps it encoded, so
            # nothing here is decoded while the workers still hold their part
            for index, blob in self.pool.records(ctx, done):
                seen[index] = 1
                yield index, blob
        except (OSError, EOFError, RuntimeError):
            pass  # a worker lost: what it kept is analysed again here, the same way
        finally:
            self.pool.close()
        missing = [job for job in self.jobs if not seen[job.index]]
        if missing:
            from roadmap_coach.progress.record_workers import Analyser

            analyser = Analyser(self.engine, self.max_bytes)
            for job in missing:
                analyser.analyse(job)
            yield from InProcess(analyser).records(ctx, done)

    def close(self) -> None:
        self.pool.close()


class Both(Made):
    def __init__(self, first: Made, second: Made) -> None:
        self.first, self.second = first, second

    def records(self, ctx: Context, done: Callable[[int], None]) -> Iterator[tuple[int, Any]]:
        yield from self.first.records(ctx, done)
        yield from self.second.records(ctx, done)

    def close(self) -> None:
        self.first.close()


def remake(
    engine: Engine, job: Job, ctx: Context, max_bytes: int
) -> tuple[Outcome, FileRecord | None]:
    from roadmap_coach.progress.record_workers import Analyser

    analyser = Analyser(engine, max_bytes)
    outcome = analyser.analyse(job)
    if isinstance(outcome, str):
        return outcome, None
    return outcome, engine.record(analyser.facts(job.index), ctx)
