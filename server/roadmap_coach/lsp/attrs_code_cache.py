"""`lsprotocol.types` imported with the code attrs generates for its ~550 classes
taken from a cache instead of compiled again.

attrs writes each class's `__init__`, `__eq__`, `__repr__`, … as Python source and
compiles it when the class is defined: that compile is about half of the import,
which is the largest part of the server's start (a workspace opened again waits for
it before `initialize` is answered). The code objects are kept with `marshal`, the
way Python keeps a module's `.pyc`, keyed by a digest of the exact source, the name
it is compiled under, the mode and the `__future__` features of the module that
compiles it (they change the code), in a file named for the interpreter's bytecode:
a source the cache does not hold is compiled as before, so a cache from another
attrs or lsprotocol (or no cache at all) gives the same classes, only slower. The
file keeps what the last import used. Only `attr._make` sees the cached `compile`,
and only during this one import.

The functions `dataclasses` writes for the server's own classes (~300 of them) are
kept the same way, in a file of their own, while the server's modules are imported
(`dataclasses_cached`): only `dataclasses` sees the cached `exec`, and only then.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import hashlib
import importlib
import importlib.util
import marshal
import os
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MODULE = "lsprotocol.types"


Codes = dict[bytes, types.CodeType]


@contextlib.contextmanager
def _attrs_compile_from(codes: Codes, used: Codes) -> Iterator[None]:
    """While inside: attrs' generated methods come from `codes` when there, else are
    compiled; `used` gets every code object handed out, by key."""
    try:
        import attr._make as make
    except ImportError:
        yield
        return
    # compiled as attrs compiles it: with the `__future__` features of its module (they
    # change the code), not this module's
    features = [v for v in vars(make).values() if isinstance(v, __future__._Feature)]
    flags = 0
    for feature in features:
        flags |= feature.compiler_flag

    def compile_cached(source: Any, filename: str, mode: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(source, str):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        text = f"{flags}\0{filename}\0{mode}\0{source}"
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        code = codes.get(key)
        if code is None:
            code = builtins.compile(source, filename, mode, flags, dont_inherit=True)
        used[key] = code
        return code

    # a module global named `compile` shadows the builtin for attr._make's code only
    shadowed = "compile" in vars(make)
    if shadowed:  # not the attrs this was written for: no cache
        yield
        return
    make.compile = compile_cached  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del make.compile  # type: ignore[attr-defined]


@contextlib.contextmanager
def _dataclasses_exec_from(codes: Codes, used: Codes) -> Iterator[None]:
    """While inside: the functions `dataclasses` writes for each class (`__init__`,
    `__repr__`, `__eq__`, ...) are compiled from `codes` when there, as attrs' are."""
    import dataclasses

    if "exec" in vars(dataclasses):  # not the dataclasses this was written for: no cache
        yield
        return
    flags = 0
    for value in vars(dataclasses).values():
        if isinstance(value, __future__._Feature):
            flags |= value.compiler_flag

    def exec_cached(source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if not isinstance(source, str):
            return builtins.exec(source, globals, locals)  # type: ignore[no-any-return]
        text = f"dataclasses\0{flags}\0{source}"
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        code = codes.get(key)
        if code is None:  # as `exec` compiles a string: named "<string>", its caller's flags
            code = builtins.compile(source, "<string>", "exec", flags, dont_inherit=True)
        used[key] = code
        return builtins.exec(code, globals, locals)  # type: ignore[no-any-return]

    dataclasses.exec = exec_cached  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del dataclasses.exec  # type: ignore[attr-defined]


def cache_file(folder: Path) -> Path:
    magic = importlib.util.MAGIC_NUMBER.hex()
    return folder / f"attrs-code-{sys.implementation.cache_tag}-{magic}.marshal"


def _read(path: Path) -> Codes:
    try:
        with open(path, "rb") as file:
            stored = marshal.load(file)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {k: v for k, v in stored.items() if isinstance(v, types.CodeType)}


def _write(path: Path, codes: Codes) -> None:
    """Whole or not at all: servers starting together each write their own file and
    rename it over the cache."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as file:
            marshal.dump(codes, file)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


class Compiled:
    """How many generated sources were compiled (not found in a cache)."""

    count = 0


@contextlib.contextmanager
def dataclasses_cached(folder: Path | None, *, write: bool = True) -> Iterator[Compiled]:
    """While inside (the server's own imports): the code `dataclasses` generates for
    each class taken from a cache in `folder` (a file of its own, beside attrs'),
    compiled and kept when it is not there. None: no cache."""
    compiled = Compiled()
    if folder is None:
        yield compiled
        return
    path = folder / cache_file(folder).name.replace("attrs-code-", "dataclasses-code-")
    codes = _read(path)
    used: Codes = {}
    with _dataclasses_exec_from(codes, used):
        yield compiled
    compiled.count = sum(1 for key in used if key not in codes)
    if write and used and (compiled.count or len(used) != len(codes)):
        _write(path, used)


def import_protocol_types(folder: Path | None, *, write: bool = True) -> int:
    """Import `lsprotocol.types` through the cache in `folder` (None: no cache; `write`:
    keep what was compiled); the number of sources compiled (0 when the cache held them
    all, or when the module was already imported)."""
    if MODULE in sys.modules:
        return 0
    if folder is None:
        importlib.import_module(MODULE)
        return 0
    path = cache_file(folder)
    codes = _read(path)
    used: Codes = {}
    with _attrs_compile_from(codes, used):
        importlib.import_module(MODULE)
    compiled = sum(1 for key in used if key not in codes)
    if write and (compiled or len(used) != len(codes)):
        _write(path, used)
    return compiled
