"""When a change is durable: the state file's group commit, and the lock whose release waits for it.

``vpclab serve`` answers a request only once every change the World has committed so far is on
disk — its own and, in the same flush, everyone else's. The store commits each change set
(one SQLite transaction) while the handler holds the World's lock, but with
``synchronous=NORMAL`` SQLite writes the transaction into the WAL file without syncing it; the
handler then releases the lock and *settles*: it waits until the WAL file is synced up to the
commits seen at that point. One thread syncs (``fsync`` of the ``-wal`` file) while the others
wait; whoever syncs next covers every commit made meanwhile, so 16 concurrent writers share a
few fsyncs instead of queueing one each behind the lock — the classic group commit. A single
client still waits for one fsync per change (the ``durable`` column of docs/benchmarks.md).

Why this is as durable as ``synchronous=FULL``: SQLite's documentation of the ``synchronous``
pragma (https://sqlite.org/pragma.html#pragma_synchronous) says that in WAL mode with NORMAL a
committed transaction's frames are written to the WAL (into the OS page cache) and only the
sync is deferred to the checkpoint; ``fsync`` of the file (by any descriptor — it is the inode
that is flushed) makes those frames durable, and the WAL's frame checksums make recovery stop
at the last complete commit. A process crash (``kill -9``) loses nothing either way: the frames
are in the kernel. Readers wait too (a read may show another client's change only once that
change is durable, as FULL guaranteed by syncing inside the lock).

SQLite exposes no "sync the WAL now" call to Python, hence the ``fsync`` of the file here.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from types import TracebackType

from ..core.errors import AwsError

log = logging.getLogger("vpclab.aws")
#: ``fdatasync`` (data and size, as SQLite syncs on Linux) where the OS has it, else ``fsync``
_sync = getattr(os, "fdatasync", os.fsync)

__all__ = ["CommitLock", "GroupCommit", "StoreError"]


class StoreError(AwsError):
    """A change could not be written; the World rolled it back.

    It is AWS's ``InternalError`` with status 500 (a server fault); the endpoints answer it with
    HTTP 503, which AWS clients retry. ``detail`` says what SQLite reported.
    """

    def __init__(self, detail: str) -> None:
        AwsError.__init__(self, "InternalError", "An internal error has occurred", status=500)
        self.detail = detail

    def __str__(self) -> str:
        return f"InternalError: could not write the change to the state file: {self.detail}"


class GroupCommit:
    """Counts commits to a WAL file and syncs them in groups (see the module docs)."""

    def __init__(self, wal_path: str) -> None:
        self.wal_path = wal_path
        self._cond = threading.Condition(threading.Lock())
        #: commits written so far (counted by the store, under its own lock, after each COMMIT)
        self._committed = 0
        #: commits known durable
        self._synced = 0
        self._syncing = False
        #: fsyncs done (each covers one or more commits), for tests and benchmarks
        self.syncs = 0

    def committed(self) -> None:
        """One more transaction was committed (not yet synced)."""
        self._committed += 1

    @property
    def pending(self) -> int:
        """Commits not yet known durable."""
        return self._committed - self._synced

    def settle(self) -> None:
        """Return once every commit counted before this call is durable (raises ``StoreError`` if
        the sync fails; the changes stay committed, and the next settle syncs them again)."""
        target = self._committed  # monotone; read after the caller's own commit
        if self._synced >= target:
            return
        with self._cond:
            while self._synced < target:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing = True
                upto = self._committed
                self._cond.release()
                error: OSError | None = None
                try:
                    self._fsync()
                except OSError as exc:
                    error = exc
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    self._cond.notify_all()
                if error is not None:
                    log.error("%s could not be synced: %s", self.wal_path, error)
                    raise StoreError(f"fsync of {self.wal_path}: {error.strerror or error}")
                self.syncs += 1
                self._synced = max(self._synced, upto)

    def _fsync(self) -> None:
        try:
            # opened afresh each time: SQLite may have removed and recreated the file
            fd = os.open(self.wal_path, os.O_RDONLY)
        except FileNotFoundError:
            return  # no WAL: a checkpoint moved every commit into the (synced) main file
        try:
            _sync(fd)
        finally:
            os.close(fd)


class CommitLock:
    """The World's mutation lock (reentrant); leaving its outermost hold settles the store's
    group commit, so whatever the holder did or saw is durable before it answers."""

    def __init__(self, settle: Callable[[], None] | None = None) -> None:
        self._lock = threading.RLock()
        self._depth = threading.local()
        self._settle = settle

    def __enter__(self) -> CommitLock:
        self._lock.acquire()
        self._depth.n = getattr(self._depth, "n", 0) + 1
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._depth.n -= 1
        outermost = self._depth.n == 0
        self._lock.release()
        if outermost and self._settle is not None:
            self._settle()
