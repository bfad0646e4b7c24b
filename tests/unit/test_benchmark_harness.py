"""The pieces of `make bench-perf` (benchmarks/): what they count, measure and write.

No timing is asserted: a shared machine makes any wall-clock bound flaky. The tests
check the work done (files and blobs counted, processes seen, memory a child was made
to hold) and what the section of RESULTS.md says.
"""

from __future__ import annotations

import json
import pstats
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import floors  # noqa: E402
import history_input  # noqa: E402
import perf  # noqa: E402
import perf_memory  # noqa: E402
import perf_profile  # noqa: E402
import perf_render  # noqa: E402
import proc_tree  # noqa: E402

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _tree(root: Path) -> Path:
    """Four Python files a scan reads (one does not parse), and three it never reads."""
    files = {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "pkg/__init__.py": "",
        "pkg/models.py": "class Item:\n    name: str = ''\n",
        "pkg/broken.py": "def oops(:\n",
        "pkg/__pycache__/models.py": "x = 1\n",
        ".git/hooks/hook.py": "x = 1\n",
        "env/lib/site.py": "x = 1\n",
        "env/pyvenv.cfg": "home = /usr\n",
        "README.md": "# app\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_floor_counts_the_python_files_a_scan_reads(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    found = [Path(p).relative_to(tree).as_posix() for p in floors.python_files(tree)]
    assert found == ["app.py", "pkg/__init__.py", "pkg/broken.py", "pkg/models.py"]
    assert floors.parse_floor(tree, workers=1) == {"files": 4, "parsed": 3, "workers": 1}
    assert floors.parse_floor(tree, workers=2) == {"files": 4, "parsed": 3, "workers": 2}


@needs_git
def test_history_floor_lists_every_commit_and_parses_each_blob_once(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    history_input.generate(repo, 12)
    got = floors.history_floor(repo)
    blobs = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "--objects", "--all"],
        capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    py_blobs = [line for line in blobs if line.endswith(".py")]
    # 20 modules at first, then 11 commits: one new module (the 10th), ten edits
    assert got["commits"] == 12
    assert got["blobs"] == len(py_blobs) == 20 + 11
    assert got["parsed"] == got["blobs"]


@needs_git
def test_generated_history_is_the_same_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    history_input.generate(first, 5)
    history_input.generate(second, 5)
    heads = [
        subprocess.run(["git", "-C", str(r), "rev-parse", "HEAD"], capture_output=True,
                       text=True, check=True).stdout
        for r in (first, second)
    ]  # fmt: skip
    assert heads[0] == heads[1]


CHILD_MIB = 60
PARENT_MIB = 30
ALLOCATING = textwrap.dedent(
    f"""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c",
        "import time; block = b'\\\\x01' * ({CHILD_MIB} << 20); time.sleep(0.6)"])
    block = b"\\x01" * ({PARENT_MIB} << 20)
    child.wait()
    """
)


def test_peak_memory_counts_the_children_of_a_command() -> None:
    got = proc_tree.run([sys.executable, "-c", ALLOCATING])
    assert got.returncode == 0
    assert got.processes >= 2
    assert got.peak_single_mib >= CHILD_MIB  # the child's own peak, from wait4
    assert got.peak_tree_mib >= CHILD_MIB + PARENT_MIB  # both held theirs at once
    assert got.cpu_s > 0


def test_the_memory_peak_of_a_command_is_split_by_process() -> None:
    got = perf_memory.tree_peak([sys.executable, "-c", ALLOCATING])
    assert got["returncode"] == 0
    split = {p["process"]: p["mib"] for p in got["split"]}
    assert split["main"] >= PARENT_MIB and split["worker"] >= CHILD_MIB  # held at once
    assert got["peak_tree_mib"] >= CHILD_MIB + PARENT_MIB
    single = {p["process"]: p["mib"] for p in got["single"]}
    assert single["main"] >= PARENT_MIB and single["worker"] >= CHILD_MIB
    assert 0 < got["peak_at_s"] <= got["wall_s"]


def _holding() -> list[bytes]:
    return [bytes(1000) for _ in range(3000)]


def test_a_memory_stage_names_the_package_and_line_that_hold_it() -> None:
    import tracemalloc

    tracemalloc.start()
    try:
        held = _holding()
        snapshot = tracemalloc.take_snapshot()
        now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    got = perf_memory.stage("made", snapshot, now, peak, top=3)
    assert len(held) == 3000
    assert got["held_mib"] >= 2.8 and got["peak_mib"] >= got["held_mib"]
    first = got["top"][0]
    assert first["where"].startswith("unit/test_benchmark_harness.py:") and first["blocks"] >= 3000
    assert got["areas"][0] == {"area": "standard library and others", "mib": pytest.approx(
        got["areas"][0]["mib"])}  # fmt: skip
    memory = {
        "tree": {"peak_tree_mib": 90.0, "peak_at_s": 1.5, "wall_s": 3.0,
                 "split": [{"process": "main", "mib": 60.0}, {"process": "worker", "mib": 30.0}],
                 "single": [{"process": "main", "mib": 70.0}]},
        "scan": {"stages": [got]},
    }  # fmt: skip
    text = "\n".join(perf_memory.render(memory, "the scan"))
    assert "### Where the memory goes (cold scan)" in text
    assert "peaked at 90 MiB" in text and "main 60 MiB + worker 30 MiB" in text
    assert "| made |" in text and "unit/test_benchmark_harness.py:" in text
    missing = "\n".join(perf_memory.render({"tree": {"skipped": "stopped after 5 s"}}, "x"))
    assert "stopped after 5 s" in missing


def test_a_command_past_its_limit_is_stopped_and_says_so() -> None:
    got = proc_tree.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert got.timed_out
    assert "stopped" in perf_render._secs(got.to_json())


def _log(**runs: Any) -> dict[str, Any]:
    def run(wall: float, mib: float = 50.0) -> dict[str, Any]:
        return {
            "wall_s": wall, "cpu_s": wall, "returncode": 0, "peak_tree_mib": mib,
            "peak_single_mib": mib / 2, "processes": 3, "timed_out": False,
        }  # fmt: skip

    keys = {"p50_ms": 8.0, "p95_ms": 30.0, "max_ms": 41.0, "n": 100}
    base: dict[str, Any] = {
        "machine": {
            "cpu": "Test CPU",
            "cores": 2,
            "memory_mib": 4096,
            "os": "Linux",
            "python": "3.11.7",
            "date": "2026-12-03 08:00 UTC",
            "load": [3.0, 2.0, 1.0],
        },
        "load_end": [2.5, 2.0, 1.0],
        "rounds": 2,
        "inputs": {
            "tree": "django-5.2.19",
            "tree_source": "the Django 5.2 sdist",
            "py_files": 2823,
            "history": "flask",
            "history_source": "the Flask framework's own repository",
        },
        "floors": {
            "parse1": {**run(4.0), "files": 2823, "parsed": 2822},
            "parse2": {**run(3.0), "files": 2823, "parsed": 2822},
            "history": {**run(10.0), "commits": 2261, "blobs": 3059, "parsed": 2471},
        },
        "runs": {
            "scan_cold": run(6.0, 110.0),
            "scan_warm": run(0.2),
            "bandit": run(100.0),
            "ruff": run(0.5),
            "history": run(25.0, 250.0),
            "serve_new": {**run(5.0), "from_spawn_s": 5.1, "message": "6912 files"},
            "serve_reopened": {**run(0.6), "from_spawn_s": 0.7, "message": "6912 files"},
            "keys": {
                "roadmap-coach": {"inline": keys, "line": keys, "remove-line": {"skipped": "n/a"}},
                "pylsp": {"inline": {**keys, "p50_ms": 550.0}},
            },
        },
        "notes": [],
    }
    base["runs"].update(runs)
    return base


def test_rows_compute_ratios_and_verdicts_from_the_raw_runs() -> None:
    got = {row.what: row for row in perf_render.rows(_log())}
    cold = got["`scan --format json`, cold store (django-5.2.19)"]
    assert (cold.ratio, cold.met) == ("1.50×", False)  # 6.0 s over the 1-process floor's 4.0
    warm = got["`scan`, warm store, nothing changed"]
    assert (warm.ratio, warm.met) == ("0.05×", True)
    assert got["peak RSS of the cold scan, worker processes included"].met is True
    reopened = got["`serve`: the same workspace opened again"]
    assert (reopened.ratio, reopened.met) == ("0.15×", True)
    history = got["`history` (flask), new store"]
    assert (history.ratio, history.met) == ("2.50×", False)  # over the history floor's 10 s
    assert got["peak RSS of that `history`"].met is False
    inline = got["keystroke → `publishDiagnostics`, a character typed inside a line"]
    assert inline.met is False  # p50 met, p95 not
    removed = got["keystroke → `publishDiagnostics`, a line removed"]
    assert (removed.measured, removed.met) == ("n/a", None)


def test_each_timed_row_over_its_target_says_what_limits_it_from_the_runs_figures() -> None:
    log = _log(scan_cold={**_log()["runs"]["scan_cold"], "cpu_s": 12.0})
    log["profiles"] = {
        "scan_serial": {
            "total_s": 8.3,
            "areas": [{"area": "roadmap_coach/rules", "own_s": 3.0, "share": 0.36}],
            "top": [],
        }
    }
    text = perf_render.render(log)
    section = text.split("### What limits the rows not met", 1)[1].split("###", 1)[0]
    # 6 s over the floor's 4: 12 s of CPU on 2 cores is at best 1.5x the floor's 4 s
    assert "6.00 s = 1.50× the floor (target ≤ 1×)" in section
    assert "12.00 s of CPU, 3.00× the floor's 4.00 s" in section
    assert "at best 1.50× the floor" in section and "roadmap_coach/rules 36%" in section
    assert "`serve`, new store" not in section  # 5.0 s = 1.25x: met, nothing to explain
    # the history rows of `_log` miss too (25 s over its 10 s floor, 250 MiB)
    assert "**`history`**: 25.00 s = 2.50× its floor" in section
    assert "peak memory of `history`**: 250 MiB" in section
    runs = _log()["runs"]
    met = _log(
        scan_cold={**runs["scan_cold"], "wall_s": 3.0},
        history={**runs["history"], "wall_s": 15.0, "peak_tree_mib": 150.0},
    )
    assert "What limits" not in perf_render.render(met)
    heavy = _log(scan_cold={**runs["scan_cold"], "wall_s": 3.0, "peak_tree_mib": 125.0})
    heavy["memory"] = {
        "tree": {
            "wall_s": 10.0,
            "peak_at_s": 7.3,
            "peak_tree_mib": 125.0,
            "split": [{"process": "main", "mib": 70.0}],
            "single": [{"process": "main", "mib": 90.0}],
        }
    }
    assert "peak memory of the cold scan**: 125 MiB" in perf_render.render(heavy)
    assert "at main 70 MiB" in perf_render.render(heavy)


def test_the_section_names_the_machine_the_inputs_and_every_tool() -> None:
    text = perf_render.render(_log())
    for fact in (
        "Test CPU",
        "2 cores",
        "4096 MiB",
        "3.11.7",
        "2026-12-03 08:00 UTC",
        "3.00 / 2.00",
    ):
        assert fact in text
    assert "overloaded (1-minute load up to 3.0 on 2 cores" in text
    for tool in ("`bandit -r`", "`ruff check --select S`", "| pylsp |", "2823 .py files"):
        assert tool in text
    assert "2261 commits" in text and "3059 unique .py blobs" in text
    # cold scan, history, its memory, and both keystroke rows measured (p95 over 25 ms)
    assert text.count("**not met**") == 5
    assert "quick mode" not in text


def test_a_row_that_did_not_finish_is_not_met_and_shows_its_limit() -> None:
    stopped = {"wall_s": 1800.0, "cpu_s": 1.0, "returncode": -9, "peak_tree_mib": 1.0,
               "peak_single_mib": 1.0, "processes": 1, "timed_out": True}  # fmt: skip
    row = perf_render.rows(_log(scan_cold=stopped))[0]
    assert (row.measured, row.ratio, row.met) == ("> 1800 s (stopped)", "n/a", None)


def test_a_command_that_failed_is_not_counted_as_a_time() -> None:
    failed = {"wall_s": 0.3, "cpu_s": 0.2, "returncode": 1, "ok": False, "peak_tree_mib": 20.0,
              "peak_single_mib": 20.0, "processes": 1, "timed_out": False}  # fmt: skip
    row = perf_render.rows(_log(history=failed))[5]
    assert (row.measured, row.ratio, row.met) == ("failed (exit 1) after 0.30 s", "n/a", None)


def test_writing_the_section_replaces_the_old_one_and_keeps_the_others(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n## Performance: scans, editor latency, history\n\nold numbers\n\n"
        "## Lessons: precision and recall against bandit\n\nkept\n"
    )
    perf_render.write_section(perf_render.render(_log()), results)
    perf_render.write_section(perf_render.render(_log()), results)
    text = results.read_text()
    assert "old numbers" not in text
    assert text.count(perf_render.SECTION) == 1
    assert "## Lessons: precision and recall against bandit\n\nkept\n" in text


@needs_git
def test_quick_run_on_a_tiny_tree_measures_every_command(tmp_path: Path, capsys: Any) -> None:
    tree = _tree(tmp_path / "tree")
    work = tmp_path / "work"
    log_file = work / "perf-log.json"  # the default place, under --work
    argv = ["--quick", "--tree", str(tree), "--work", str(work), "--commits", "3", "--no-write",
            "--skip", "linters", "--skip", "keys", "--profile"]  # fmt: skip
    assert perf.main(argv) == 0
    printed = capsys.readouterr().out
    log = json.loads(log_file.read_text())
    assert log["quick"] is True
    assert log["floors"]["parse1"]["files"] == 4
    assert log["floors"]["history"]["commits"] == 3
    runs = log["runs"]
    for name in ("scan_cold", "scan_warm", "history"):
        assert runs[name]["returncode"] == 0, name
        assert runs[name]["peak_tree_mib"] > 0
    assert runs["serve_new"]["message"] == runs["serve_reopened"]["message"]
    assert "files" in runs["serve_new"]["message"]
    profiled = log["profiles"]
    for key in ("scan_cold", "scan_warm", "scan_serial", "serve_new", "serve_reopened", "history"):
        assert profiled[key]["top"], key  # each profiled, its functions named
    assert "keys_import" not in profiled  # --skip keys
    # one process makes every file: the walk is in the profile, not only waiting on workers
    assert profiled["scan_serial"]["areas"]
    walked = pstats.Stats(str(work / "scan_serial.prof")).stats  # type: ignore[attr-defined]
    assert any(file.endswith("analysis/python_facts.py") for file, _, _ in walked)
    # the server's threads are profiled (its scan runs on one), and their waiting is left out
    assert profiled["serve_new"]["waits_left_out"]
    serve_functions = " ".join(row["function"] for row in profiled["serve_new"]["top"])
    assert "SimpleQueue" not in serve_functions and "select." not in serve_functions
    seen = pstats.Stats(str(work / "serve_new.prof")).stats  # type: ignore[attr-defined]
    assert any(
        function == "evaluate_workspace" and file.endswith("evaluation.py")
        for file, _, function in seen
    )
    assert "### Where the time goes (profiles)" in printed
    memory = log["memory"]
    assert memory["tree"]["returncode"] == 0 and memory["tree"]["split"][0]["process"] == "main"
    stages = [got["stage"] for got in memory["scan"]["stages"]]
    assert stages[0] == "imported, roadmap loaded" and stages[-1] == "JSON written"
    assert "records made (round 2), workers gone" in stages
    assert all(got["top"] for got in memory["scan"]["stages"])
    assert "### Where the memory goes (cold scan)" in printed
    assert "quick mode" in printed and "a generated repository (3 first-parent commits" in printed
    # the saved log renders the same section again
    assert perf.main(["--from-log", str(log_file), "--no-write"]) == 0
    assert capsys.readouterr().out == printed


def _busy_loop() -> int:
    return sum(i * i for i in range(200_000))


def test_a_profile_names_the_functions_with_most_own_time() -> None:
    import cProfile

    profiler = cProfile.Profile()
    profiler.runcall(_busy_loop)
    got = perf_profile.summarise(pstats.Stats(profiler), top=3)
    assert len(got["top"]) == 3
    assert any("_busy_loop" in row["function"] or "<genexpr>" in row["function"]
               for row in got["top"])  # fmt: skip
    assert all(0 <= row["share"] <= 1 for row in got["top"])
    lines = perf_profile.render({"scan_cold": got, "history": {"skipped": "stopped"}}, {})
    text = "\n".join(lines)
    assert "**scan_cold**" in text and "**history**: stopped" in text
