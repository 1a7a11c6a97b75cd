"""Output paths of the CLI, checked before any work starts.

A command that simulates for minutes and then finds its ``--out`` is a file, or a folder it
cannot write, loses the work. Every command that writes calls one of these first; each exits
with code 2 and a message in both languages naming the option and the fix.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console


def _refuse(option: str, path: Path, zh: str, en: str) -> None:
    console = Console(
        markup=False, emoji=False, stderr=True, width=None if sys.stderr.isatty() else 220
    )
    console.print(f"{option} {path}: {zh} / {en}", markup=False, highlight=False)
    raise typer.Exit(code=2)


def _probe(option: str, folder: Path, shown: Path) -> None:
    """Check that ``folder`` can be created and written: create the missing folders, write a
    file there, then remove both, so that a command refused later leaves nothing behind."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".anjian-probe-", dir=folder)
            os.close(fd)
            os.unlink(name)
        finally:
            for made in missing:  # deepest first
                if made.is_dir():
                    made.rmdir()
    except FileExistsError:
        _refuse(option, shown, "路径中有同名文件", "a part of the path is a file, not a folder")
    except NotADirectoryError:
        _refuse(option, shown, "路径中有同名文件", "a part of the path is a file, not a folder")
    except OSError as err:
        _refuse(
            option,
            shown,
            f"无法写入（{err.strerror}）",
            f"cannot write there ({err.strerror}); choose a folder you can write to",
        )


def writable_dir(out: Path, option: str = "--out") -> Path:
    """``out`` as a folder the command can write into (it is created when the command
    writes); exit 2 if it cannot be."""
    if out.exists() and not out.is_dir():
        _refuse(
            option,
            out,
            "已有同名文件，请给出文件夹",
            "is a file, not a folder; give a folder (it is created if missing)",
        )
    _probe(option, out, out)
    return out


def writable_file(out: Path, option: str = "--out") -> Path:
    """``out`` as a file the command can write (an existing writable file, /dev/stdout
    included, or a new one in a folder that can be made); exit 2 if it cannot be."""
    if out.is_dir():
        _refuse(option, out, "是文件夹，请给出文件名", "is a folder; give a file name")
    if out.exists() and os.access(out, os.W_OK):
        return out
    _probe(option, out.parent if str(out.parent) else Path("."), out)
    return out
