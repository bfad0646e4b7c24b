"""Real Neovim 0.7.2 and quick fixes (fixes_test.lua): `vim.lsp.buf.code_action()` with
the cursor at column 0 of a flagged line offers the lesson's fix first; accepting the
RC901 fix and `:wa` leaves `requirements.txt` as `flask\\n` and the hint goes."""

from __future__ import annotations

from pathlib import Path

from nvim_runner import needs_nvim, run_scenario

APP = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)
"""

pytestmark = needs_nvim


def _run(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)  # and no requirements.txt: RC901
    return run_scenario("fixes_test.lua", tmp_path, workspace)


def test_neovim_code_action_at_column_0_and_the_requirements_fix_after_wa(
    tmp_path: Path,
) -> None:
    observed, report = _run(tmp_path)
    assert observed.get("ok"), f"{observed.get('error')}\n{report}"
    assert observed["rc502"]["col"] > 0  # the lesson starts after column 0 …
    first, *rest = observed["col0_actions"]  # … and column 0 is enough
    assert first == "Switch it with the FLASK_DEBUG environment variable", observed
    assert rest == ["Ignore RC502 on this line"], observed
    assert observed["rc901_actions"][0] == "Start requirements.txt with flask", observed
    assert observed["buffer_lines"] == ["flask"]  # no empty last line in the buffer
    assert observed["modified_before_wa"] is True and observed["unsaved_after_wa"] == 0
    assert observed["requirements"] == "flask\n"
    assert (tmp_path / "ws" / "requirements.txt").read_text() == "flask\n"
    assert observed["exit"]["code"] == 0, report
    assert observed["nvim_exit"] == 0, report  # `:qall` (not `:qall!`) had nothing unsaved
