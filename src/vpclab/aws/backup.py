"""``vpclab state backup``: a consistent copy of a state file, also while a server writes to it."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .state_lock import StateFileError, make_parent

#: the tables every vpclab state file has held (schema version 1 had no ``patches``)
BASE_TABLES = frozenset({"resources", "meta"})


def backup(source: str | Path, dest: str | Path) -> int:
    """Copy the vpclab state file ``source`` into the new file ``dest``; return its resource count.

    SQLite's online backup API copies a consistent snapshot, also while a server writes to
    ``source`` (its committed changes in the ``-wal`` file included). ``dest`` is one
    self-contained file (rollback journal, no ``-wal``), checked with ``PRAGMA quick_check``,
    written under a temporary name and renamed into place. Raises ``FileNotFoundError`` if
    ``source`` does not exist, ``FileExistsError`` if ``dest`` does, ``StateFileError`` if
    ``source`` is not a readable vpclab state file or ``dest`` cannot be written.
    """
    src, dst = Path(source), Path(dest)
    if not src.is_file():
        raise FileNotFoundError(f"no such state file: {src}")
    if dst.exists():
        raise FileExistsError(f"{dst} exists; vpclab state backup writes a new file only")
    make_parent(str(dst))
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    try:
        try:
            # mode=ro: a backup never writes to the source, whatever the source turns out to be
            reader = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise StateFileError(f"cannot open state file {src}: {exc}") from exc
        try:
            try:
                tables = {row[0] for row in reader.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not tables >= BASE_TABLES or reader.execute(
                        "SELECT 1 FROM meta WHERE key = 'schema_version'").fetchone() is None:
                    raise StateFileError(f"{src} is not a vpclab state file")
            except sqlite3.DatabaseError as exc:
                raise StateFileError(f"{src} is not a usable vpclab state file: {exc}") from exc
            writer = sqlite3.connect(tmp)
            try:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode=DELETE")
                check = writer.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise StateFileError(f"the copy of {src} is damaged: {check}")
                count = int(writer.execute("SELECT COUNT(*) FROM resources").fetchone()[0])
            except sqlite3.Error as exc:
                raise StateFileError(f"cannot back up {src} to {dst}: {exc}") from exc
            finally:
                writer.close()
        finally:
            reader.close()
        os.replace(tmp, dst)
    except OSError as exc:
        raise StateFileError(f"cannot write {dst}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return count
