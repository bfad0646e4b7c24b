"""The one evaluation pipeline: a workspace folder to its files' records (and, folded,
its milestones and lessons), for `scan`, the language server and `history` alike.

list (`analysis.workspace`: the same listing, reading and skipping rules) → Git facts
→ per file: a trusted stat the cache knows → its record; else read + digest → a
record the cache has for that content; else analyse (parse, walk, record: in worker
processes for big trees, see `record_workers`) → the workspace key → kept records
made under another key are re-checked (`Engine.still_valid`) or made again → fold.

The workspace key is a digest of the sorted workspace paths and every file's
`Summary`: equal keys mean an equal matcher `Context`, so a record made or validated
under the key this scan computes stands without asking. A scan whose every file has
a trusted stat with the same (path, content) as the root's last scan has nothing to
make or check: its records are read from the cache only when asked for
(`WorkspaceRecords.records`), and `fold_workspace` answers from the folded findings
stored with that last scan.

Progress is reported as `progress(phase, done, total)` over the phases `listing`,
`analysis` and `evaluation` (records made, re-checked, then the fold).
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from roadmap_coach.analysis.facts import GitFacts, Skipped
from roadmap_coach.analysis.files import file_kind
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.listing import DEFAULT_MAX_BYTES, _Entry, _list, _trusted
from roadmap_coach.progress.record_rounds import Both, InProcess, Made, Pooled, remake
from roadmap_coach.progress.record_spill import Spill, Spilled, decoded
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.rules.engine import Engine, Findings
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord
from roadmap_coach.rules.streamed_fold import Own, StreamedFold
from roadmap_coach.rules.symbols import Summary

if TYPE_CHECKING:
    # at run time imported where files are analysed: a scan of an unchanged workspace
    # starts no worker and needs none of it
    from roadmap_coach.progress.record_workers import Job, Outcome, Pool

Progress = Callable[[str, int, int], None]
PHASES = ("listing", "analysis", "evaluation")
# records made are written to the cache in transactions of this many, or of this many
# bytes of encoded records (a cold scan of Django held 4.6 MiB of rows waiting else)
_WRITE_ROWS = 512
_WRITE_BYTES = 1 << 20
_NONE: frozenset[str] = frozenset()  # one for every job (each empty one costs 216 bytes)


@dataclass(slots=True)
class Counters:
    listed: int = 0  # files listed (names only ones included)
    stat_hits: int = 0  # files whose trusted stat gave their content digest (not read)
    cache_hits: int = 0  # records taken from the cache
    analysed: int = 0  # records made from freshly made facts (files parsed and walked)
    revalidated: int = 0  # kept records checked under this workspace and found to stand
    remade: int = 0  # kept records that did not stand: their file analysed again


@dataclass(slots=True)
class WorkspaceRecords:
    root: str
    git: GitFacts
    skipped: list[Skipped]
    counters: Counters
    kinds: dict[str, str]  # path -> kind, in listing order: the workspace's files
    inputs: str  # digest of the fingerprint and every (path, content id)
    workspace_key: str
    # records made in workers stay encoded (`Spilled`) until asked for
    _records: dict[str, FileRecord | Spilled] | None = None
    _load: Callable[[], dict[str, FileRecord]] | None = field(default=None, repr=False)
    _fold: tuple[str, bytes | None] = ("", None)  # the stored fold of the last scan
    _spill: Spill | None = field(default=None, repr=False)

    @property
    def records(self) -> dict[str, FileRecord]:
        """Records by path, in listing order (read from the cache on first use when the
        scan found nothing to do; records made in workers are decoded on first use)."""
        # decoding Django's records with the collector on took 4x as long: its passes
        # walked the ever-growing set of records, which hold no reference cycles
        with _no_collector():
            if self._records is None:
                assert self._load is not None
                self._records, self._load = dict(self._load()), None
            spill, self._spill = self._spill, None
            if spill is not None:
                self._records = {path: spill.record(r) for path, r in self._records.items()}
                spill.close()
        return self._records  # type: ignore[return-value]

    def each(self) -> Iterator[FileRecord]:
        """The records in listing order, each decoded as it is reached and not kept
        (unless `records` was read): what a fold of a large workspace reads them by."""
        for record, _ in self.each_again():
            yield record

    def each_again(self) -> Iterator[tuple[FileRecord, Callable[[], Own] | None]]:
        """`each`, and for a record kept encoded what reads its slim facts and own
        lessons again (`StreamedFold.add`); None for a record held in memory."""
        spill = self._spill
        if spill is None or self._records is None:
            for record in self.records.values():
                yield record, None
            return
        for held in self._records.values():
            if isinstance(held, Spilled):
                yield spill.record(held), functools.partial(_again, spill, held)
            else:
                yield held, None

    @property
    def loaded(self) -> bool:
        """Whether the records are in memory (else the cache is read on first use)."""
        return self._records is not None

    @property
    def has_python(self) -> bool:
        return any(kind == "python" for kind in self.kinds.values())


def evaluate_workspace(
    root: str,
    engine: Engine,
    *,
    cache: RecordsCache | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    git: GitFacts | None = None,
    listed: tuple[list[_Entry], list[Skipped]] | None = None,
) -> WorkspaceRecords:
    """Records for every listed file that could be read, the Git facts, what was left
    out (and why), and counters of the work done. `workers=None` decides by size and
    cores; 0 keeps everything in this process. The result is the same either way.
    `cache` must stay open while the result's records are read. `git`: the Git facts
    when the caller has just read them (else they are read here); `listed`: likewise
    `analysis.listing._list` of the root (the server's early listing)."""
    report = progress or _quiet
    root_real = os.path.realpath(root)
    report("listing", 0, 1)
    entries, skipped = listed if listed is not None else _list(root_real, max_bytes)
    report("listing", 1, 1)
    report("analysis", 0, 0)
    if git is None:
        git = read_git(root_real)
    counters = Counters(listed=len(entries))
    stats = cache.stats(root_real) if cache is not None else {}
    ids: dict[int, str] = {}
    for index, entry in enumerate(entries):
        if file_kind(entry.path) == "other":
            ids[index] = f"other:{entry.size}"
            continue
        known = stats.get(entry.path)
        if known is not None and known[:2] == (entry.size, entry.mtime_ns) and _trusted(entry):
            ids[index] = known[2]
            counters.stat_hits += 1
    state = cache.state(root_real) if cache is not None else None
    if cache is not None and state is not None and len(ids) == len(entries):
        inputs = _inputs(cache.fingerprint, ((e.path, ids[i]) for i, e in enumerate(entries)))
        if inputs == state.inputs:
            kinds, errors = state.meta
            counters.cache_hits = len(entries)
            found = WorkspaceRecords(
                root_real,
                git,
                _skips(skipped, errors),
                counters,
                kinds,
                inputs,
                state.wskey,
                _fold=(state.fold_key, state.fold),
            )
            run = _Run(root_real, engine, cache, _quiet, workers, max_bytes, entries, stats)
            found._load = lambda: decoded(run.evaluate(ids, Counters())[0], run.spill)
            return found
    run = _Run(root_real, engine, cache, report, workers, max_bytes, entries, stats)
    records, skips, wskey, inputs = run.evaluate(ids, counters)
    run.settle()
    kinds = {path: record.kind for path, record in records.items()}
    errors = [(path, r.error) for path, r in records.items() if r.error]
    if cache is not None:
        cache.put_state(root_real, inputs, wskey, (kinds, errors))
    return WorkspaceRecords(
        root_real,
        git,
        _skips(skipped + skips, errors),
        counters,
        kinds,
        inputs,
        wskey,
        _records=records,
        _spill=run.spill,
    )


def fold_workspace(
    ws: WorkspaceRecords,
    engine: Engine,
    *,
    cache: RecordsCache | None = None,
    progress: Progress | None = None,
) -> Findings:
    """`Engine.fold` of the workspace's records; the fold of the same inputs (files,
    Git facts) is taken from the cache when the root's last scan stored it."""
    report = progress or _quiet
    key = hashlib.blake2b(
        f"{ws.inputs}\0{ws.git!r}".encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()
    stored_key, stored = ws._fold
    if cache is not None and stored is not None and stored_key == key:
        try:
            findings = pickle.loads(stored)
        except Exception:
            findings = None
        if isinstance(findings, Findings):
            report("evaluation", 1, 1)
            return findings
    total = len(ws.kinds)
    with _no_collector():  # ~20 % of the fold of Django's 6,912 records went to the collector
        # one record decoded at a time: the fold keeps only what the findings read
        stream = StreamedFold(engine, ws.git)
        for record, again in ws.each_again():
            stream.add(record, again)
        findings = stream.findings(progress=lambda done: report("evaluation", done, total))
    if cache is not None:
        cache.put_fold(ws.root, key, pickle.dumps(findings, protocol=5))
    report("evaluation", total, total)
    return findings


def _again(spill: Spill, held: Spilled) -> Own:
    part = spill.lessons_part(held)
    assert part.slim is not None  # read again: it had slim facts the first time
    return part.slim, part.lessons


def _quiet(phase: str, done: int, total: int) -> None:
    return None


@contextmanager
def _no_collector() -> Iterator[None]:
    """Records, facts and findings hold no reference cycles: with millions of them
    alive, the cyclic collector's passes only cost time."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _inputs(fingerprint: str, keys: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.blake2b(fingerprint.encode(), digest_size=16)
    for path, ident in keys:
        digest.update(f"{path}\0{ident}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def workspace_key(summaries: Iterable[tuple[str, Summary | None]]) -> str:
    """A digest of the workspace's paths (in order) and every file's module-level names:
    equal keys, equal matcher `Context`."""
    digest = hashlib.blake2b(digest_size=16)
    for path, summary in summaries:
        digest.update(f"{path}\0{summary!r}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _skips(skipped: list[Skipped], errors: Iterable[tuple[str, str]]) -> list[Skipped]:
    return sorted([*skipped, *(Skipped(p, e) for p, e in errors)], key=lambda s: s.path)


class _Run:
    """One evaluation of a listed workspace (see the module docstring)."""

    def __init__(
        self,
        root: str,
        engine: Engine,
        cache: RecordsCache | None,
        report: Progress,
        workers: int | None,
        max_bytes: int,
        entries: list[_Entry],
        stats: Mapping[str, tuple[int, int, str]],
    ) -> None:
        self.root = root
        self.engine = engine
        self.cache = cache
        self.report = report
        self.workers = workers
        self.max_bytes = max_bytes
        self.entries = entries
        self.stats = stats
        self.progress = _Counter(report, "analysis", 0)
        self.spill: Spill | None = None  # records made in workers, encoded
        self.made_here = False  # this process took a share of a forked pool's files

    def settle(self) -> None:
        """A forked pool's parent (a `scan`) has made its last record: its memos for
        them and the C heap's free pages go back before the fold needs memory."""
        if not self.made_here:
            return
        from roadmap_coach.progress.record_workers import give_back
        from roadmap_coach.rules.index import forget

        forget()
        give_back()

    def evaluate(
        self, ids: dict[int, str], counters: Counters
    ) -> tuple[dict[str, FileRecord | Spilled], list[Skipped], str, str]:
        with _no_collector():
            return self._evaluate(ids, counters)

    def _evaluate(
        self, ids: dict[int, str], counters: Counters
    ) -> tuple[dict[str, FileRecord | Spilled], list[Skipped], str, str]:
        entries = self.entries
        cached, wskeys = self._cached(ids)
        records: dict[int, FileRecord | Spilled] = dict(cached)
        todo = [i for i in range(len(entries)) if i not in records]
        known: dict[str, set[str]] = {}
        if self.cache is not None and todo:
            known = self.cache.known_ids(entries[i].path for i in todo if i not in ids)
        jobs = [self._job(i, frozenset(known.get(entries[i].path, _NONE))) for i in todo]
        # each file to analyse is two steps (facts, then its record), a kept record one check
        self.progress = _Counter(self.report, "analysis", 2 * len(jobs))
        outcomes, made = self._round_one(jobs)
        try:
            return self._finish(ids, counters, records, wskeys, outcomes, made)
        finally:
            made.close()

    def _finish(
        self,
        ids: dict[int, str],
        counters: Counters,
        records: dict[int, FileRecord | Spilled],
        wskeys: dict[int, str],
        outcomes: dict[int, Outcome],
        made: Made,
    ) -> tuple[dict[str, FileRecord | Spilled], list[Skipped], str, str]:
        from roadmap_coach.progress.record_workers import Analysed

        entries = self.entries
        # contents the cache knows (a touched file): their rows, fetched together
        digests = {
            i: o.digest for i, o in outcomes.items() if isinstance(o, Analysed) and not o.made
        }
        if digests:
            more, more_keys = self._cached(digests)
            records.update(more)
            wskeys.update(more_keys)
            ids.update((i, digests[i]) for i in more)
            for index in more:
                del outcomes[index]
            lost = [self._job(i) for i in digests if i not in more]  # evicted meanwhile
            if lost:
                again, local = self._round_one(lost, serial=True)
                outcomes.update(again)
                made = Both(made, local)
        counters.cache_hits += len(records)
        skips: list[Skipped] = []
        summaries: dict[int, Summary | None] = {}
        for index in range(len(entries)):
            if index in records:
                summaries[index] = records[index].summary
                continue
            outcome = outcomes.get(index)
            if isinstance(outcome, str):
                skips.append(Skipped(entries[index].path, outcome))
            elif isinstance(outcome, Analysed):
                ids[index] = outcome.digest
                summaries[index] = outcome.summary
        order = sorted(summaries)
        ctx = Context(frozenset(entries[i].path for i in order))
        for index in order:
            ctx.symbols.add_summary(summaries[index])
        wskey = workspace_key((entries[i].path, summaries[i]) for i in order)
        # the context holds what round 2 needs of them: the summaries go before it starts
        del summaries
        for index, outcome in outcomes.items():
            if isinstance(outcome, Analysed) and outcome.summary is not None:
                outcomes[index] = outcome.without_summary()
        fingerprint = self.cache.fingerprint if self.cache is not None else ""
        inputs = _inputs(fingerprint, ((entries[i].path, ids[i]) for i in order))
        checks = [i for i in records if wskeys[i] != wskey]
        progress = self.progress
        progress.total = progress.done + len(order) - len(records) + len(checks)
        new_rows: list[tuple[str, str, FileRecord | bytes, str]] = []
        weight = 0  # bytes of the encoded records in `new_rows`
        for index, made_record in made.records(ctx, progress.add):
            path = entries[index].path
            if self.cache is not None:  # else nothing stores them: not held till the end
                new_rows.append((path, ids[index], made_record, wskey))
                if isinstance(made_record, bytes):
                    weight += len(made_record)
            if isinstance(made_record, bytes):
                # kept encoded until the fold reads it: the workers still hold their part
                if self.spill is None:
                    cache = self.cache
                    self.spill = Spill(str(cache.path.parent) if cache is not None else None)
                outcome = outcomes[index]
                assert isinstance(outcome, Analysed)
                records[index] = self.spill.put(made_record, outcome.kind, outcome.error)
            else:
                records[index] = made_record
            counters.analysed += 1
            if (len(new_rows) >= _WRITE_ROWS or weight >= _WRITE_BYTES) and self.cache is not None:
                # stored as they come: the encoded records are not all held at once
                self.cache.put_many(new_rows)
                new_rows, weight = [], 0
        valid: list[tuple[str, str]] = []
        for index in checks:
            progress.add(1)
            kept = records[index]
            assert isinstance(kept, FileRecord)  # from the cache: never spilled
            if self.engine.still_valid(kept, ctx):
                valid.append((entries[index].path, ids[index]))
                counters.revalidated += 1
                continue
            counters.remade += 1
            outcome, record = remake(self.engine, self._job(index), ctx, self.max_bytes)
            if record is None:
                del records[index]
                skips.append(Skipped(entries[index].path, str(outcome)))
                continue
            records[index] = record
            assert isinstance(outcome, Analysed)
            ids[index] = outcome.digest
            new_rows.append((entries[index].path, outcome.digest, record, wskey))
        if self.cache is not None:
            self.cache.put_many(new_rows)
            self.cache.set_wskey(valid, wskey)
            self._remember_stats(ids, records)
        ordered = {entries[i].path: records[i] for i in sorted(records)}
        return ordered, skips, wskey, inputs

    def _job(self, index: int, known: frozenset[str] = frozenset()) -> Job:
        from roadmap_coach.progress.record_workers import Job

        entry = self.entries[index]
        real = "" if file_kind(entry.path) == "other" else entry.real
        return Job(index, entry.path, real, entry.size, known)

    def _cached(self, ids: Mapping[int, str]) -> tuple[dict[int, FileRecord], dict[int, str]]:
        """The records the cache has for these (index -> id); damaged ones are left out."""
        records: dict[int, FileRecord] = {}
        wskeys: dict[int, str] = {}
        if self.cache is None or not ids:
            return records, wskeys
        entries = self.entries
        found = self.cache.get_many((entries[i].path, ident) for i, ident in ids.items())
        for index, ident in ids.items():
            row = found.get((entries[index].path, ident))
            record = row.record() if row is not None else None
            if row is not None and record is not None and record.path == entries[index].path:
                records[index] = record
                wskeys[index] = row.wskey
        return records, wskeys

    def _round_one(
        self, jobs: list[Job], *, serial: bool = False
    ) -> tuple[dict[int, Outcome], Made]:
        from roadmap_coach.progress import record_workers
        from roadmap_coach.progress.record_workers import Analysed, Analyser, Pool

        progress = self.progress
        start = progress.done
        workers = 0 if serial else self.workers
        if workers is None:
            workers = record_workers.worth_a_pool(jobs)
        if workers > 1 and len(jobs) > 1:
            pool: Pool | None = None
            try:
                pool = Pool(self.engine, workers, self.max_bytes)
                self.made_here = pool.local is not None
                outcomes = pool.analyse(jobs, progress.add)
                kept = [j for j in jobs if isinstance(outcomes[j.index], Analysed)]
                return outcomes, Pooled(pool, kept, self.engine, self.max_bytes)
            except (OSError, EOFError, RuntimeError):
                if pool is not None:
                    pool.close()  # no processes to be had: this process gives the same
                progress.done = start
            except BaseException:
                if pool is not None:
                    pool.close()  # a cancelled scan stops its workers now, not at collection
                raise
        compact = sum(job.size for job in jobs if job.real) >= record_workers.MIN_BYTES
        analyser = Analyser(self.engine, self.max_bytes, compact=compact)
        outcomes = {}
        for job in jobs:
            outcomes[job.index] = analyser.analyse(job)
            progress.add(1)
        return outcomes, InProcess(analyser)

    def _remember_stats(self, ids: Mapping[int, str], records: Mapping[int, object]) -> None:
        assert self.cache is not None
        changed: dict[str, tuple[int, int, str]] = {}
        for index in records:
            entry = self.entries[index]
            ident = ids.get(index)
            if ident is None or ident.startswith("other:") or not _trusted(entry):
                continue
            row = (entry.size, entry.mtime_ns, ident)
            if self.stats.get(entry.path) != row:
                changed[entry.path] = row
        listed = {entry.path for entry in self.entries}
        gone = [path for path in self.stats if path not in listed]
        if changed or gone:
            self.cache.put_stats(self.root, changed, gone)


class _Counter:
    def __init__(self, report: Progress, phase: str, total: int) -> None:
        self.report, self.phase, self.total, self.done = report, phase, total, 0

    def add(self, count: int) -> None:
        self.done += count
        self.report(self.phase, self.done, self.total)


__all__ = [
    "PHASES",
    "Counters",
    "WorkspaceRecords",
    "evaluate_workspace",
    "fold_workspace",
    "workspace_key",
]
