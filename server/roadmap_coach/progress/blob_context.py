"""What a commit's records depend on beyond their own blob, through a Git history.

- `Contexts`: each commit's matcher `Context` (its paths and every file's module-level
  names), from the `Summary` of each changed blob, built again only when paths came
  or went or a summary changed. It needs summaries only, never records, so it can run
  ahead of the commit whose records are folded (`progress.blob_ahead`).
- `Answers`: the kept records, which questions each asked of the context, and the
  answer each distinct question gets under the current one, so a new context answers
  each question once instead of every record re-asking all of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord, Question
from roadmap_coach.rules.symbols import Summary, Symbols


class Contexts:
    """The context of one commit after another, in commit order."""

    def __init__(self) -> None:
        self.summaries: dict[str, Summary | None] = {}  # listed path -> its blob's summary
        self.ctx = Context()

    def next(
        self,
        listed: Iterable[str],
        fresh: Mapping[str, Summary | None],
        removed: Iterable[str],
    ) -> tuple[Context, bool, bool]:
        """The context of the commit that lists `listed`, changed the blobs of `fresh`
        (path -> summary) and dropped `removed`; whether module-level names changed,
        whether paths came or went. An unchanged context is the same object."""
        summaries = self.summaries
        summaries_changed = False
        for path in sorted(removed):
            if path in summaries:
                summaries_changed |= summaries.pop(path) is not None
        paths_changed = any(p not in summaries for p in fresh)
        paths_changed |= bool(removed)
        for path in sorted(fresh):
            summary = fresh[path]
            if summaries.get(path) != summary:
                summaries_changed = True
            summaries[path] = summary
        if summaries_changed or paths_changed:
            paths = sorted(listed)
            symbols = self.ctx.symbols
            if summaries_changed:
                symbols = Symbols()
                for path in paths:
                    symbols.add_summary(summaries[path])
            self.ctx = Context(frozenset(paths), symbols)
        return self.ctx, summaries_changed, paths_changed


class Answers:
    """The current commit's records, and the answer every distinct question they asked
    gets under the current context."""

    def __init__(self) -> None:
        self.records: dict[str, FileRecord] = {}
        self.askers: dict[Question, set[str]] = {}  # question -> paths whose record asked it
        self.answers: dict[Question, object] = {}  # question -> its answer under the context

    def changed(self, ctx: Context, symbols: bool, paths: bool) -> set[str]:
        """Paths of kept records that asked a question whose answer `ctx` changed."""
        if not symbols and not paths:
            return set()
        stale: set[str] = set()
        for question, askers in self.askers.items():
            if (question[0] == "path") != paths and not (symbols and paths):
                continue  # paths answer path questions only; names answer the rest
            now = ctx.answer(question)
            if now != self.answers.get(question):
                self.answers[question] = now
                stale |= askers
        return stale

    def learn(self, record: FileRecord, ctx: Context) -> None:
        for question in record.asked:
            askers = self.askers.get(question)
            if askers is None:
                self.askers[question] = {record.path}
                self.answers[question] = ctx.answer(question)
            else:
                askers.add(record.path)

    def forget(self, record: FileRecord) -> None:
        for question in record.asked:
            askers = self.askers.get(question)
            if askers is not None:
                askers.discard(record.path)
                if not askers:
                    del self.askers[question]
                    self.answers.pop(question, None)
