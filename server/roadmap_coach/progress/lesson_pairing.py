"""Telling a lesson that moved from one that was fixed and another that appeared.

The editor re-reports every open lesson on each change, at its current line. Typing
above a lesson moves it; that must not log "fixed" and "shown" again. So the open
lessons of one code in one file are paired with the ones found now: same line first,
then nearest line first, and only what stays unpaired is news.
"""

from __future__ import annotations


def pair_lines(
    open_lines: list[int], found_lines: list[int]
) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Pair open and found lines of one code: (new, gone, moved old->new)."""
    remaining_open = sorted(set(open_lines))
    remaining_found = []
    for line in sorted(set(found_lines)):
        if line in remaining_open:
            remaining_open.remove(line)
        else:
            remaining_found.append(line)
    # Leftovers pair nearest first: a lesson that moved a few lines is the same lesson,
    # and the one far from any finding is the one that was fixed.
    candidates = sorted(
        (abs(old - new), old, new) for old in remaining_open for new in remaining_found
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    moves = []
    for _distance, old, new in candidates:
        if old not in used_old and new not in used_new:
            used_old.add(old)
            used_new.add(new)
            moves.append((old, new))
    new_lines = [line for line in remaining_found if line not in used_new]
    gone_lines = [line for line in remaining_open if line not in used_old]
    return new_lines, gone_lines, moves
