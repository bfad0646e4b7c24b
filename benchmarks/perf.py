"""`make bench-perf`: roadmap-coach's whole commands next to the floors, bandit, ruff and pylsp.

    python benchmarks/perf.py                 the full run (Django 5.2 sdist, Flask's history)
    python benchmarks/perf.py --quick         a small tree and a short history (a minute or so)
    python benchmarks/perf.py --from-log F    render the section again from a saved run

Every row times what the user runs, from process start to exit (the server from
`initialize` to the end of its scan), never one stage of it. Inputs go to
benchmarks/.work/ (gitignored): the Django sdist through pip; Flask's repository from
$BENCH_FLASK_REPO or the local mirror, else a generated history that RESULTS.md names.
The raw measurements are saved as JSON (benchmarks/.work/perf-log.json by default) before
the section of benchmarks/RESULTS.md is written.
"""

from __future__ import annotations

import argparse
import compileall
import inspect
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import history_input
import lsp_latency
import lsp_scan
import perf_memory
import perf_profile
import perf_render
import proc_tree

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
FLOORS = str(Path(__file__).parent / "floors.py")
BIN = Path(sys.executable).parent
PY = sys.executable
DJANGO = "django==5.2.*"
EDITS = lsp_latency.EDITS
PYLSP_OFF = [
    "autopep8", "flake8", "jedi_completion", "jedi_definition", "jedi_hover", "jedi_references",
    "jedi_signature_help", "jedi_symbols", "mccabe", "preload", "pycodestyle", "pydocstyle",
    "pylint", "rope_autoimport", "rope_completion", "yapf",
]  # fmt: skip


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def django_tree() -> Path:
    found = sorted(WORK.glob("django-5.2.*/django"))
    if found:
        return found[-1].parent
    download = WORK / "download"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [PY, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", DJANGO,
         "-d", str(download)],
        check=True,
    )  # fmt: skip
    archive = sorted(download.glob("[Dd]jango-5.2.*.tar.gz"))[-1]
    with tarfile.open(archive) as tar:
        tar.extractall(WORK, filter="data")
    return sorted(WORK.glob("django-5.2.*/django"))[-1].parent


def tool(name: str) -> str | None:
    found = BIN / name
    return str(found) if found.exists() else shutil.which(name)


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["wall_s"])


def timed(
    argv: list[str], timeout_s: float | None = None, ok: tuple[int, ...] = (0,)
) -> dict[str, Any]:
    """A whole command; `ok`: the exit codes of a run that did its work."""
    got = proc_tree.run(argv, timeout_s=timeout_s).to_json()
    got["ok"] = got["returncode"] in ok and not got["timed_out"]
    return got


def floor(*args: str) -> dict[str, Any]:
    """A floor as a whole command, with what it counted."""
    with open(WORK / "floor-out.json", "w+") as out:
        run = proc_tree.run([PY, FLOORS, *args], stdout=out).to_json()
        out.seek(0)
        lines = out.read().strip().splitlines()
    if run["returncode"] != 0 or not lines:
        raise SystemExit(f"floor {args} failed (exit {run['returncode']})")
    return {**run, **json.loads(lines[-1])}


def fresh(store: Path) -> Path:
    for leftover in store.parent.glob(store.name + "*"):
        leftover.unlink()
    return store


def scans(tree: Path, rounds: int, limit_s: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Floors and cold scans alternate, so a busy moment penalises both alike."""
    coach = tool("roadmap-coach") or "roadmap-coach"
    store = WORK / "scan-store.sqlite3"
    floor1, floor2, cold, warm = [], [], [], []
    for index in range(rounds):
        say(f"scans: round {index + 1} of {rounds}")
        floor1.append(floor("parse", str(tree), "--workers", "1"))
        floor2.append(floor("parse", str(tree), "--workers", "2"))
        scan = [coach, "scan", "--format", "json", "--store", str(fresh(store)), str(tree)]
        cold.append(timed(scan, limit_s))
    for _ in range(rounds):  # the store the last cold run filled
        warm.append(timed(scan, limit_s))
    return (
        {"parse1": best(floor1), "parse2": best(floor2)},
        {"scan_cold": best(cold), "scan_warm": best(warm)},
    )


def linters(tree: Path, limit_s: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    bandit, ruff = tool("bandit"), tool("ruff")
    if bandit:
        say("bandit")
        argv = [bandit, "-r", "-q", "-f", "json", "-o", os.devnull, str(tree)]
        out["bandit"] = timed(argv, limit_s, ok=(0, 1))  # 1: it found something
    else:
        out["bandit"] = {"skipped": "not installed (the `bench` extra)"}
    if ruff:
        say("ruff")
        argv = [ruff, "check", "--select", "S", "--no-cache", "--exit-zero", "-q", str(tree)]
        out["ruff"] = timed(argv, limit_s)
    else:
        out["ruff"] = {"skipped": "not installed"}
    return out


def serve(tree: Path, rounds: int) -> dict[str, Any]:
    """A new store then the workspace opened again, `rounds` times; the fastest of each
    is kept, as for the scans."""
    coach = tool("roadmap-coach") or "roadmap-coach"
    new, reopened = [], []
    for index in range(rounds):
        say(f"serve: new store, then reopened: round {index + 1} of {rounds}")
        try:
            got = lsp_scan.new_and_reopened([coach, "serve"], tree, WORK / "serve-store.sqlite3")
        except (TimeoutError, OSError) as exc:  # a server that never ends its scan: say so
            failed = {"skipped": f"failed: {type(exc).__name__} {exc}"}
            return {"serve_new": failed, "serve_reopened": failed}
        new.append(got["new"])
        reopened.append(got["reopened"])
    return {"serve_new": best(new), "serve_reopened": best(reopened)}


def history(repo: Path, limit_s: float) -> tuple[dict[str, Any], dict[str, Any]]:
    say(f"history floor and `history` on {repo}")
    hist_floor = floor("history", str(repo))
    coach = tool("roadmap-coach") or "roadmap-coach"
    store = fresh(WORK / "history-store.sqlite3")
    run = timed([coach, "history", "--format", "json", "--store", str(store), str(repo)], limit_s)
    return hist_floor, run


def _measure(
    argv: list[str], workspace: Path, app: Path, edit: str, n: int, **kw: Any
) -> dict[str, Any]:
    """One edit kind through lsp_latency.measure, whatever edit kinds it offers yet."""
    accepts = inspect.signature(lsp_latency.measure).parameters
    if edit == "inline":
        pass  # its default: a character typed into a string literal
    elif "edit" in accepts:
        kw["edit"] = edit
    elif edit == "line":
        kw["new_lines"] = True
    elif edit != "inline":
        return {"skipped": f"lsp_latency.measure has no `{edit}` edit yet"}
    try:
        return lsp_latency.measure(argv, workspace, app, keystrokes=n, **kw)
    except (TimeoutError, OSError, ValueError, KeyError) as exc:
        return {"skipped": f"failed: {type(exc).__name__} {exc}"}


def _keys_workspace() -> tuple[Path, Path]:
    """The 1,000-line Flask file's workspace, written afresh."""
    workspace = WORK / "keys-1000"
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    (workspace / "requirements.txt").write_text("flask\n")
    app = workspace / "app.py"
    app.write_text(lsp_latency.flask_file(1000))
    return workspace, app


def _keys_run(argv: list[str], edit: str, keystrokes: int) -> dict[str, Any]:
    """One edit kind on a fresh copy of the file and a new store."""
    workspace, app = _keys_workspace()
    return _measure(
        argv, workspace, app, edit, keystrokes,
        init_options={"debounceMs": 0}, settings={"roadmapCoach": {"debounceMs": 0}},
        env={"ROADMAP_COACH_STORE": str(fresh(WORK / "keys-store.sqlite3"))},
    )  # fmt: skip


def keys(keystrokes: int) -> tuple[dict[str, Any], int]:
    workspace, app = _keys_workspace()
    coach = tool("roadmap-coach") or "roadmap-coach"
    ours: dict[str, Any] = {}
    for edit in EDITS:
        say(f"keystrokes: roadmap-coach, {edit}")
        ours[edit] = _keys_run([coach, "serve"], edit, keystrokes)
    out = {"roadmap-coach": ours}
    pylsp = tool("pylsp")
    if pylsp:
        plugins: dict[str, Any] = {name: {"enabled": False} for name in PYLSP_OFF}
        plugins["pyflakes"] = {"enabled": True}
        theirs: dict[str, Any] = {}
        for edit in EDITS:
            say(f"keystrokes: pylsp, {edit}")
            theirs[edit] = _measure(
                [pylsp], workspace, app, edit, max(5, keystrokes // 5),
                settings={"pylsp": {"plugins": plugins}},
            )  # fmt: skip
        out["pylsp"] = theirs
    return out, len(app.read_text().splitlines())


def revision() -> str:
    """The commit measured, and whether the work tree differed from it."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def run(args: argparse.Namespace) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    log: dict[str, Any] = {
        "machine": perf_render.machine(),
        "quick": args.quick,
        "rounds": args.rounds,
        "command": "make bench-quick" if args.quick else "make bench-perf",
        "revision": revision(),
        "floors": {},
        "runs": {},
        "notes": [],
    }
    say(f"machine {json.dumps(log['machine'])}")
    # as an install leaves it: pip compiles a package's modules, an editable install
    # does not, and with PYTHONDONTWRITEBYTECODE every start would compile changed ones
    compileall.compile_dir(str(ROOT / "server" / "roadmap_coach"), quiet=1)
    if args.tree:
        tree, source = Path(args.tree).resolve(), "given with --tree"
    elif args.quick:
        tree, source = ROOT / "server", "this repository's own server/ folder"
    else:
        tree = django_tree()
        source = "the Django 5.2 sdist, downloaded with pip"
    repo, history_source = history_input.repository(WORK, quick=args.quick, commits=args.commits)
    log["inputs"] = {
        "tree": tree.name,
        "tree_source": source,
        "py_files": None,
        "history": repo.name,
        "history_source": history_source,
    }
    floors, runs = scans(tree, args.rounds, args.limit)
    log["floors"].update(floors)
    log["inputs"]["py_files"] = floors["parse1"]["files"]
    log["runs"].update(runs)
    skip = set(args.skip)
    if "linters" not in skip:
        log["runs"].update(linters(tree, args.limit))
    if "serve" not in skip:
        log["runs"].update(serve(tree, args.rounds))
    if "history" not in skip:
        log["floors"]["history"], log["runs"]["history"] = history(repo, args.limit)
    if "keys" not in skip:
        log["runs"]["keys"], log["keys_file_lines"] = keys(args.keystrokes)
    if args.profile:
        log["profiles"] = profiles(tree, repo, args.limit, skip)
        log["memory"] = memory(tree, args.limit)
    log["load_end"] = list(os.getloadavg())
    return log


def profiles(tree: Path, repo: Path, limit_s: float, skip: set[str]) -> dict[str, Any]:
    """Each row's command once more under cProfile (after the timed runs)."""
    out: dict[str, Any] = {}
    store = str(fresh(WORK / "profile-store.sqlite3"))
    for key in ("scan_cold", "scan_warm"):  # the first fills the store the second reads
        say(f"profile: {key}")
        args = ["scan", "--format", "json", "--store", store, str(tree)]
        out[key] = perf_profile.profile(args, WORK / f"{key}.prof", timeout_s=limit_s)
    say("profile: scan_serial")
    out["scan_serial"] = perf_profile.serial_scan(
        tree, fresh(WORK / "profile-serial.sqlite3"), WORK / "scan_serial.prof", timeout_s=limit_s
    )
    store_path = fresh(WORK / "profile-serve.sqlite3")
    for key in (
        ("serve_new", "serve_reopened") if "serve" not in skip else ()
    ):  # the first fills the store the second reads
        say(f"profile: {key}")
        prof = WORK / f"{key}.prof"
        argv = perf_profile.threaded_argv(prof, ["serve"])
        try:
            lsp_scan.time_scan(argv, tree, store_path, timeout_s=limit_s)
            out[key] = perf_profile.read(prof, waits=True)
        except (TimeoutError, OSError) as exc:
            out[key] = {"skipped": f"failed: {type(exc).__name__} {exc}"}
    if "keys" not in skip:
        say("profile: keys_import")
        keys_prof = WORK / "keys_import.prof"
        got = _keys_run(perf_profile.threaded_argv(keys_prof, ["serve"]), "import-line", 100)
        out["keys_import"] = got if "skipped" in got else perf_profile.read(keys_prof, waits=True)
    if "history" not in skip:
        say("profile: history")
        store = str(fresh(WORK / "profile-history.sqlite3"))
        args = ["history", "--format", "json", "--store", store, str(repo)]
        out["history"] = perf_profile.profile(args, WORK / "history.prof", timeout_s=limit_s)
    return out


def memory(tree: Path, limit_s: float) -> dict[str, Any]:
    """Where the cold scan's memory goes: its process tree at the peak, then its main
    process's stages under tracemalloc (perf_memory.py)."""
    coach = tool("roadmap-coach") or "roadmap-coach"
    say("memory: the cold scan's process tree")
    store = fresh(WORK / "memory-store.sqlite3")
    argv = [coach, "scan", "--format", "json", "--store", str(store), str(tree)]
    found = {"tree": perf_memory.tree_peak(argv, timeout_s=limit_s)}
    say("memory: the cold scan under tracemalloc")
    store = fresh(WORK / "memory-store.sqlite3")
    found["scan"] = perf_memory.memory_scan(
        tree, store, WORK / "scan_memory.json", timeout_s=limit_s
    )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a small tree and a short history")
    parser.add_argument("--tree", help="scan this folder instead of Django (or server/ in --quick)")
    parser.add_argument("--rounds", type=int, help="runs of each scan row; the fastest is kept")
    parser.add_argument("--commits", type=int, help="commits of a generated history")
    parser.add_argument("--keystrokes", type=int, help="timed edits of each kind")
    parser.add_argument(
        "--limit", type=float, default=1800, help="seconds before a command is stopped"
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["linters", "serve", "history", "keys"]
    )
    parser.add_argument(
        "--profile", action="store_true", help="also run the scans and history under cProfile"
    )
    parser.add_argument("--work", help="where inputs and stores go (default benchmarks/.work)")
    parser.add_argument("--log", help="where the JSON goes (default WORK/perf-log.json)")
    parser.add_argument("--from-log", metavar="FILE", help="render again from a saved JSON log")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--write", action="store_true", help="write RESULTS.md in --quick too")
    args = parser.parse_args(argv)
    global WORK
    WORK = Path(args.work).resolve() if args.work else WORK
    args.log = args.log or str(WORK / "perf-log.json")
    if args.from_log:
        log = json.loads(Path(args.from_log).read_text())
    else:
        args.rounds = args.rounds or (1 if args.quick else 2)
        args.commits = args.commits or (20 if args.quick else history_input.FALLBACK_COMMITS)
        args.keystrokes = args.keystrokes or (10 if args.quick else 100)
        log = run(args)
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        Path(args.log).write_text(json.dumps(log, indent=1))
        say(f"log written to {args.log}")
    section = perf_render.render(log)
    print(section)
    if not args.no_write and (args.write or not log.get("quick")):
        perf_render.write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
