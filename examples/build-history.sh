#!/usr/bin/env bash
# Rebuilds the example learner project as a Git repository, chapter by chapter, the way a
# learner would have written it, so `history --record` has a real history to replay.
# Usage: examples/build-history.sh SOURCE_DIR TARGET_DIR
set -euo pipefail
src=$(cd "$1" && pwd)
dst=$2
rm -rf "$dst"
mkdir -p "$dst"
cd "$dst"
export GIT_AUTHOR_NAME="Ada Learner" GIT_AUTHOR_EMAIL="ada@example.invalid"
export GIT_COMMITTER_NAME="Ada Learner" GIT_COMMITTER_EMAIL="ada@example.invalid"
git -c init.defaultBranch=main init -q
commit() { # commit DATE MESSAGE PATHS...
  local when=$1 message=$2
  shift 2
  for path in "$@"; do
    mkdir -p "$(dirname "$path")"
    cp -R "$src/$path" "$path"
  done
  git add -A
  GIT_AUTHOR_DATE="$when" GIT_COMMITTER_DATE="$when" git commit -q -m "$message"
}
commit "2026-10-01T18:00:00Z" "Chapter 1: a books database" app/db.py requirements.txt .gitignore
commit "2026-10-05T19:30:00Z" "Chapter 2: Flask routes and a template" app/__init__.py app/routes.py app/templates/index.html
git checkout -q -b add-tests
commit "2026-10-09T20:15:00Z" "Chapter 3: first tests" tests/test_books.py
git checkout -q main
GIT_AUTHOR_DATE="2026-10-10T08:00:00Z" GIT_COMMITTER_DATE="2026-10-10T08:00:00Z" \
  git merge -q --no-ff -m "Merge branch 'add-tests'" add-tests
echo "$dst"
