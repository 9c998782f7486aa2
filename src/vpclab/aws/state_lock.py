"""The state file's sidecar lock, and the errors a state file's opening raises.

One ``vpclab serve`` per state file: ``lock`` takes an exclusive lock on ``PATH.lock`` before the
file is read, so a second server on the same file refuses to start (``StateFileBusyError``).
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import BinaryIO

from ..core.errors import VpclabError

#: the sidecar file ``open`` locks: the state file's path plus this suffix (left in place after use)
LOCK_SUFFIX = ".lock"


class StateFileError(VpclabError):
    """The state file cannot be opened or read (not a vpclab state file, unreadable, corrupt)."""


class StateFileBusyError(StateFileError):
    """Another process (another ``vpclab serve``) holds the state file."""


class ForeignDatabaseError(StateFileError):
    """The file is a SQLite database, but another program's: vpclab does not add its tables to it."""


class SchemaVersionError(StateFileError):
    """The state file was written with a schema version this vpclab does not read."""


# -- the sidecar lock ------------------------------------------------------------------------------
# fcntl.flock from the standard library, not a package such as ``filelock``: on POSIX the lock is a
# few lines, the kernel drops it when the process ends however it ends (kill -9 included: no stale
# lock to clean up), and it is a lock of its own, apart from the POSIX record locks SQLite takes on
# the database file (closing any descriptor of a file drops a process's record locks on it, so a
# record lock on the database itself would be released behind SQLite's back). Windows has no
# fcntl: there the file is not locked (vpclab is developed and tested on Linux and macOS).
def make_parent(name: str) -> None:
    parent = Path(name).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((p for p in (parent, *parent.parents) if p.exists() and not p.is_dir()), parent)
        raise StateFileError(f"cannot create state file {name}: {blocker} is not a directory") from None
    except OSError as exc:
        raise StateFileError(f"cannot create state file {name}: {exc.strerror or exc}") from None


@dataclasses.dataclass
class Lock:
    file: BinaryIO  # a file object: a store dropped without close() still unlocks when collected
    path: str
    created: bool  # this process created the lock file


def lock(name: str) -> Lock | None:
    """Open and lock ``name + LOCK_SUFFIX`` (raises ``StateFileBusyError`` when another process holds it)."""
    if sys.platform == "win32":  # pragma: no cover
        return None
    import fcntl

    lock_path = name + LOCK_SUFFIX
    created = not os.path.lexists(lock_path)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StateFileError(f"cannot open state file {name}: cannot create its lock file {lock_path}: "
                             f"{exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        by = f"process {holder}" if holder.isdigit() else "another process"
        raise StateFileBusyError(f"{name} is in use by {by} (another vpclab serve?); stop it, or "
                                 "choose another --state file") from None
    except OSError as exc:  # a file system that cannot lock
        os.close(fd)
        raise StateFileError(f"cannot lock state file {name} ({lock_path}): {exc.strerror or exc}") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())  # who holds it, for the message above
    return Lock(os.fdopen(fd, "r+b", buffering=0), lock_path, created)


def unlock(lock: Lock | None, *, remove: bool = False) -> None:
    """Release the lock; ``remove``: also delete the lock file if this process created it (the
    state file was refused, so no vpclab can be using it)."""
    if lock is None:
        return
    if remove and lock.created:
        Path(lock.path).unlink(missing_ok=True)
    lock.file.close()  # closing the only descriptor releases the flock
