"""What the learner's Git repository shows, read with gitpython.

Only read-only commands run, and each one with settings that stop a repository's
own config from running programs (`core.fsmonitor`, signature checks through
`gpg.program`): opening a workspace must never execute anything the workspace
chose. The workspace is a repository only when its root is the top of a work tree,
so a folder inside some other repository (a course checkout, a dotfiles home) does
not borrow that repository's history.

Nothing here raises: without gitpython, without a `git` binary, or with a broken
`.git`, the answer is `GitFacts(is_repo=False, error=…)`.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from roadmap_coach.analysis.facts import Commit, GitFacts

MAX_COMMITS = 5_000
MAX_SUMMARY = 200
MAX_CONFLICT_CHECKS = 200
_SAFE_OPTIONS = ["core.fsmonitor=false", "log.showSignature=false", "core.quotePath=false"]
_LOG_FORMAT = "%x01%H%x00%P%x00%at%x00%s"
_SCP_LIKE_RE = re.compile(r"^(?:[^@/]+@)?([^:/\\]+):(?!//)")
# A merge that names the pull/merge request it merged: GitHub's "Merge pull request #12
# from ada/feature", GitLab's "See merge request group/proj!7" (in the body), Bitbucket's
# "Merged in feature (pull request #3)". A plain `git merge` message names none.
_PULL_REQUEST_RE = re.compile(
    r"^Merge pull request #\d+ from \S+"
    r"|^See merge request \S+!\d+\s*$"
    r"|^Merged in \S+ \(pull request #\d+\)",
    re.MULTILINE,
)


def open_repo(root: str, options: tuple[str, ...] = ()) -> tuple[Any | None, str | None]:
    """A gitpython `Repo` whose work tree is exactly `root`, or why there is none.
    `options`: more `-c` settings for every git command it runs, after the safe ones."""
    if not os.path.lexists(os.path.join(root, ".git")):
        return None, "not a Git repository"  # checked first: importing gitpython costs ~50 ms
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    try:
        import git
    except Exception as exc:  # ImportError, or gitpython refusing to start
        return None, f"gitpython unavailable: {type(exc).__name__}"
    try:
        repo = git.Repo(root)
        top = repo.working_tree_dir
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None, "broken Git repository (.git is not readable as a repository)"
    except Exception as exc:
        return None, f"broken Git repository ({type(exc).__name__})"
    if top is None or os.path.realpath(top) != os.path.realpath(root):
        repo.close()
        return None, "not a Git repository"
    repo.git.set_persistent_git_options(c=[*_SAFE_OPTIONS, *options])
    try:
        repo.git.rev_parse("--git-dir")
    except git.GitCommandNotFound:
        repo.close()
        return None, "git is not installed (or not on PATH)"
    except git.GitCommandError as exc:
        repo.close()
        return None, f"broken Git repository: {_first_line(exc.stderr)}"
    except Exception as exc:
        repo.close()
        return None, f"git failed ({type(exc).__name__})"
    return repo, None


def read_git(root: str) -> GitFacts:
    repo, error = open_repo(root)
    if repo is None:
        return GitFacts(is_repo=False, error=error)
    try:
        return _read(repo)
    except Exception as exc:  # a git that vanished mid-read, a corrupt object store, …
        return GitFacts(is_repo=False, error=f"could not read the Git repository ({_reason(exc)})")
    finally:
        repo.close()


def _read(repo: Any) -> GitFacts:
    facts = GitFacts(is_repo=True)
    facts.tracked = _z_list(repo.git.ls_files("-z", stdout_as_string=False))
    facts.branches = sorted(
        repo.git.for_each_ref("--format=%(refname:short)", "refs/heads").splitlines()
    )
    facts.remotes, facts.upstream = _remotes(repo)
    revs = ["HEAD", "--branches"] if _head_is_born(repo) else ["--branches"]
    facts.commits = int(repo.git.rev_list("--count", *revs) or 0)
    if facts.commits == 0:
        return facts
    roots = _log(repo, "--max-parents=0", *revs)
    facts.first_commit = min(roots, key=lambda c: (c.time, c.sha)) if roots else None
    if revs[0] == "HEAD":
        head = _log(repo, "-1", "HEAD")
        facts.head_commit = head[0] if head else None
    facts.merges, facts.conflict_merges = _merges(repo, revs)
    if facts.merges:
        facts.pull_requests = _pull_requests(repo, revs, facts.merges)
    return facts


def _head_is_born(repo: Any) -> bool:
    import git

    try:
        repo.git.rev_parse("--verify", "-q", "HEAD^{commit}")
    except git.GitCommandError:
        return False
    return True


def _log(repo: Any, *args: str) -> list[Commit]:
    out = repo.git.log("--no-show-signature", f"--format={_LOG_FORMAT}", *args)
    return [commit for commit, _ in _parse_log(out)]


def _parse_log(out: str) -> list[tuple[Commit, list[str]]]:
    """Records of `_LOG_FORMAT`, each optionally followed by `-z --name-only` paths."""
    records = []
    for chunk in out.split("\x01"):
        fields = chunk.split("\x00")
        if len(fields) < 4 or not fields[0]:
            continue
        sha, parents, stamp, summary = fields[:4]
        when = datetime.fromtimestamp(int(stamp or 0), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        commit = Commit(sha, when, len(parents.split()), summary.strip()[:MAX_SUMMARY])
        paths = [p.strip("\n") for p in fields[4:] if p.strip("\n")]
        records.append((commit, paths))
    return records


def _merges(repo: Any, revs: list[str]) -> tuple[list[Commit], list[Commit]]:
    """All merges (newest `MAX_COMMITS` commits) and those that resolved a conflict.

    `git log -c --name-only` lists, per merge, the paths whose result differs from
    every parent. Such a path is a resolved conflict only if both sides had changed
    it since the merge base; otherwise the merge was merely edited by hand.
    """
    out = repo.git.log(
        "--no-show-signature",
        "--merges",
        "-c",
        "--name-only",
        "-z",
        f"--max-count={MAX_COMMITS}",
        f"--format={_LOG_FORMAT}",
        *revs,
    )
    records = list(reversed(_parse_log(out)))  # oldest first: the first merge is the milestone
    merges = [commit for commit, _ in records]
    # Each check costs three git runs; only merges edited past both parents get one.
    candidates = [(c, paths) for c, paths in records if paths][:MAX_CONFLICT_CHECKS]
    conflicts = [c for c, paths in candidates if _both_sides_changed(repo, c.sha, paths)]
    return merges, conflicts


def _pull_requests(repo: Any, revs: list[str], merges: list[Commit]) -> list[Commit]:
    """The merges (oldest first) whose whole message names a pull or merge request."""
    out = repo.git.log(
        "--no-show-signature", "--merges", f"--max-count={MAX_COMMITS}", "--format=%x01%H%x00%B",
        *revs,
    )  # fmt: skip
    named = set()
    for chunk in out.split("\x01"):
        sha, _, message = chunk.partition("\x00")
        if sha and _PULL_REQUEST_RE.search(message):
            named.add(sha.strip())
    return [c for c in merges if c.sha in named]


def _both_sides_changed(repo: Any, sha: str, paths: list[str]) -> bool:
    import git

    try:
        parents = repo.git.rev_parse(f"{sha}^1", f"{sha}^2").split()
        bases = repo.git.merge_base("--all", *parents, with_exceptions=False).split()
        if not bases:
            return False  # unrelated histories: no common ancestor to have diverged from
        changed = [set(_changed(repo, bases[0], parent, paths)) for parent in parents]
    except git.GitCommandError:
        return False
    both = changed[0] & changed[1]
    return bool(both) and _would_conflict(repo, bases[0], parents, both)


_MERGE_TREE_PATH_RE = re.compile(r"^  (?:base|our|their)\s+\d+ [0-9a-f]+ (.+)$")


def _would_conflict(repo: Any, base: str, parents: list[str], paths: set[str]) -> bool:
    """Did merging the parents stop on one of `paths`? Both sides may edit one file in
    places far apart; git merges that cleanly and nobody resolved anything.

    The trivial-merge mode of `git merge-tree BASE OURS THEIRS` only prints (it writes
    no objects) and marks each conflict with `<<<<<<<` inside the file's section. If
    this git cannot answer, the both-sides-changed evidence stands on its own."""
    import git

    if _has_merge_driver(repo):
        return True
    try:
        out = repo.git.merge_tree(base, *parents)
    except git.GitCommandError:
        return True
    section: set[str] = set()
    for line in out.splitlines():
        if line and not line[0].isspace() and not line.startswith(("@", "+", "-", "\\")):
            section = set()  # "changed in both", "added in both", …
            continue
        match = _MERGE_TREE_PATH_RE.match(line)
        if match:
            section.add(match.group(1))
        elif line.startswith("+<<<<<<<") and section & paths:
            return True
    return False


def _has_merge_driver(repo: Any) -> bool:
    """Is a custom merge driver configured? `merge-tree` runs the one `.gitattributes`
    picks for a file (`merge.<name>.driver`, any command), so with one configured it is
    not asked at all: reading a workspace never runs a program the workspace named."""
    status, out, _ = repo.git.config(
        "--get-regexp",
        r"^merge\..*\.driver$",
        with_exceptions=False,
        with_extended_output=True,
    )
    return status == 0 and bool(out.strip())


def _changed(repo: Any, old: str, new: str, paths: list[str]) -> list[str]:
    out = repo.git.diff_tree(
        "-r", "--name-only", "--no-renames", "-z", old, new, "--", *paths, stdout_as_string=False
    )
    return _z_list(out)


def _remotes(repo: Any) -> tuple[dict[str, str], bool]:
    """Remote name -> host, and whether this is a fork: an `upstream` remote next to
    another remote (the learner's own, usually `origin`) that points somewhere else."""
    status, out, _ = repo.git.config(
        "--get-regexp",
        r"^remote\..*\.url$",
        with_exceptions=False,
        with_extended_output=True,
    )
    remotes: dict[str, str] = {}
    places: dict[str, str] = {}
    if status != 0:
        return remotes, False
    for line in out.splitlines():
        key, _, url = line.partition(" ")
        name = key[len("remote.") : -len(".url")]
        remotes.setdefault(name, remote_host(url.strip()))
        places.setdefault(name, _place(url.strip()))
    upstream = places.get("upstream")
    fork = upstream is not None and any(
        name != "upstream" and place != upstream for name, place in places.items()
    )
    return remotes, fork


def _place(url: str) -> str:
    """Host and repository path of a remote URL, without credentials, port or `.git`,
    so `https://github.com/ada/shop.git` and `git@github.com:ada/shop` compare equal.
    Only compared, never kept."""
    path = url
    if "://" in url:
        parts = urlsplit(url)
        path = parts.path
    else:
        match = _SCP_LIKE_RE.match(url)
        if match and not re.match(r"^[A-Za-z]:[\\/]", url):
            path = url[match.end() :]
    path = path.strip("/").removesuffix(".git").lower()
    return f"{remote_host(url)}/{path}"


def remote_host(url: str) -> str:
    """Only the host of a remote URL: credentials, user names, ports and paths dropped.
    Local paths and `file://` URLs are "local"."""
    if "://" in url:
        parts = urlsplit(url)
        if parts.scheme == "file":
            return "local"
        try:
            host = parts.hostname
        except ValueError:
            host = None
        return (host or "unknown").lower()
    match = _SCP_LIKE_RE.match(url)
    if match and not re.match(r"^[A-Za-z]:[\\/]", url):  # not a Windows drive path
        return match.group(1).lower()
    return "local"


def _z_list(out: bytes) -> list[str]:
    return [os.fsdecode(p) for p in out.split(b"\0") if p]


def _first_line(text: str | None) -> str:
    text = (text or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else "git refused to read it"
    return line.removeprefix("stderr:").strip().strip("'").removeprefix("fatal:").strip()


def _reason(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", None)
    return _first_line(stderr) if stderr else type(exc).__name__
