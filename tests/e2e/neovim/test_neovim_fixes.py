"""Real Neovim 0.7.2 and quick fixes (fixes_test.lua): `vim.lsp.buf.code_action()` with
the cursor at column 0 of a flagged line offers the lesson's fix first; accepting the
RC901 fix and `:wa` leaves `requirements.txt` as `flask\\n` and the hint goes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
TIMEOUT_S = 120
APP = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


if __name__ == "__main__":
    app.run(debug=True)
"""

pytestmark = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make test-neovim installs it)"
)


def _run(tmp_path: Path) -> tuple[dict, str]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text(APP)  # and no requirements.txt: RC901
    out, cache, state = tmp_path / "out.json", tmp_path / "cache", tmp_path / "state"
    env = {
        **os.environ,
        "E2E_PY": sys.executable,
        "E2E_FILE": str(workspace / "app.py"),
        "E2E_OUT": str(out),
        "E2E_STORE": str(tmp_path / "store.sqlite3"),
        "XDG_CACHE_HOME": str(cache),  # Neovim's lsp.log (server stderr) lands here
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    command = ["nvim", "--headless", "-u", "NONE", "-i", "NONE", "-n", "-S"]
    proc = subprocess.Popen(
        [*command, str(HERE / "fixes_test.lua")], cwd=workspace, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        output = (output or b"") + b"\n[killed after timeout]"
    logs = [p.read_text(errors="replace") for d in (cache, state) for p in d.rglob("lsp.log")]
    report = (
        f"nvim output:\n{output.decode(errors='replace')}\nlsp.log:\n{''.join(logs) or '(none)'}"
    )
    observed = (
        json.loads(out.read_text()) if out.exists() else {"ok": False, "error": "no output written"}
    )
    observed["nvim_exit"] = proc.returncode
    return observed, report


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
