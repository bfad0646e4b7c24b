"""A keystroke's analysis replaces the facts of the one before; they are freed on the
analysis thread after the keystroke's diagnostics went out, never left piling up, and
the records are copied there for the next edit that moves lines (`facts_spare`)."""

from __future__ import annotations

from roadmap_coach.analysis import python_incremental
from roadmap_coach.lsp.pipeline import Pipeline

APP = b"from flask import Flask\n\napp = Flask(__name__)\n\n\ndef index():\n    return 'hi'\n"


async def test_the_facts_a_keystroke_replaced_are_released_after_it() -> None:
    memos = python_incremental.Memos()
    saved, python_incremental.MEMOS = python_incremental.MEMOS, memos
    pipeline = Pipeline()
    published: list[int] = []
    pipeline.listen.lessons.append(
        lambda delta, trigger, versions: published.append(len(memos.retired))
    )
    state = pipeline.state
    try:
        for index in range(6):
            text = b"".join(b"import mod_%d\n" % i for i in range(index)) + APP
            await pipeline.update(lambda t=text: state.put("app.py", t), hold=True)
        await pipeline.run(lambda: None)  # the release queued after the last keystroke
        assert memos.partial >= 3  # keystrokes re-walked only what they changed
        assert any(published)  # a replaced memo was still there while lessons went out
        assert memos.retired == [] and memos.released >= 4
        # made in the pauses: every keystroke after the first moved the copies
        assert memos.spares_used >= 4 and memos.get("app.py").spare.whole()
    finally:
        pipeline.close()
        python_incremental.MEMOS = saved
