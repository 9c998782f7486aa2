"""Durable state for ``vpclab serve``: the World in a SQLite file, one transaction per change.

    >>> from vpclab import ControlPlane, World
    >>> store = SqliteStore.open(":memory:")
    >>> world = store.load(World)
    >>> store.attach(world)
    >>> vpc = ControlPlane(world).create_vpc(cidr_block="10.0.0.0/16")
    >>> vpc.id in store.resource_ids()
    True

``attach`` subscribes a listener to the World. The World calls it inside the committing
transaction of every change set, so each set is written (upserts and deletes) in ONE SQLite
transaction and committed before the listener returns. If the write fails, the listener raises
``StoreError`` and the World rolls the change back: the World and the file never disagree. Files
use WAL journaling; each commit is synced before it returns (``synchronous=FULL``) or, with
``group_commit`` (``vpclab serve``), before ``settle()`` returns — which the server's lock calls
before any answer is sent (``aws/durability.py``). A change survives a crash of the process or
of the machine once it is answered.

Schema (version 2): ``resources(id TEXT PRIMARY KEY, kind, owner_id, region, body, seq)`` — ``body``
is ``model.serialize.to_dict`` as JSON (``to_json``), ``seq`` the order in which the resource was first stored
(the World lists resources in creation order) —, ``patches(id, patch)``, and ``meta(key TEXT PRIMARY KEY,
value TEXT)``
with JSON values: ``schema_version``, ``settings`` (World settings, e.g. the quota mode),
``world_version`` (the World's change counter), ``id_state`` (the id generator's state, so a seeded
World does not hand out an id again after a restart) and ``clock_offset`` (seconds a lab moved the
World's clock forward; saved with the next change set).

A change is written in O(its own size), not the size of the resource it changes: a resource whose
previous version is in the file gets a row in ``patches`` (``model.serialize.to_patch``: the fields
that changed, and each changed tuple as a splice — adding one route to a table of 3,000 writes
that route), appended in ``rowid`` order. A resource is its ``body`` with its patches applied in
that order. When a resource's patches would outgrow its body, its body is rewritten and its
patches deleted (compaction: amortised O(change)); deleting a resource deletes its patches. A file
of schema version 1 (no ``patches``) is upgraded when it is opened.

One process at a time: ``open`` takes an exclusive OS lock (``flock``) on a sidecar file, ``PATH.lock``,
held until ``close`` (or the process's end, however it ends), so a second server on the same file
is refused instead of handing out the same ids. SQLite's own locks only serialise transactions;
they would let two Worlds write into one file. ``close`` checkpoints the WAL into the main file
(``PRAGMA wal_checkpoint(TRUNCATE)``), so after a clean stop the main file alone holds everything;
``backup`` copies a file that may be in use, with SQLite's online backup API.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..model.base import Resource
from ..model.serialize import ElementMemo, apply_patch, from_dict, to_json, to_patch
from ..model.world import Changes, World
from .backup import BASE_TABLES
from .backup import backup as backup
from .durability import GroupCommit
from .durability import StoreError as StoreError
from .state_lock import LOCK_SUFFIX as LOCK_SUFFIX
from .state_lock import ForeignDatabaseError as ForeignDatabaseError
from .state_lock import Lock, lock, make_parent, unlock
from .state_lock import SchemaVersionError as SchemaVersionError
from .state_lock import StateFileBusyError as StateFileBusyError
from .state_lock import StateFileError as StateFileError

#: the schema this code reads and writes; a file with another version is refused
SCHEMA_VERSION = 2
#: older schema versions this code upgrades when it opens a file (version 1: no ``patches`` table)
UPGRADES_FROM = frozenset({1})
#: where ``vpclab serve`` keeps its state when ``--state`` is not given (relative to the working directory)
DEFAULT_STATE_PATH = Path("vpclab-state.sqlite3")
#: the ``--state`` value for a throwaway, in-memory store
MEMORY = ":memory:"
#: vpclab's tables; a database holding any other table is another program's and is refused
TABLES = frozenset({"resources", "meta", "patches"})

log = logging.getLogger("vpclab.aws")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    region TEXT NOT NULL,
    body TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_seq ON resources (seq);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS patches (
    id TEXT NOT NULL,
    patch TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS patches_id ON patches (id);
"""

_UPSERT = """
INSERT INTO resources (id, kind, owner_id, region, body, seq) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner_id = excluded.owner_id,
    region = excluded.region, body = excluded.body
"""


class SqliteStore:
    """A World's durable copy in SQLite. Safe to share between threads (one lock per store)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self._path = path
        self._lock = threading.RLock()
        self._next_seq = 1
        self._attached: World | None = None
        self._clearing = False
        #: the meta values last committed (so an unchanged value is not rewritten)
        self._written: dict[str, Any] = {}
        #: the id generator's state (``random.Random.getstate()``) as last committed
        self._raw_ids: object = None
        #: the open, locked sidecar file (None for ``:memory:``)
        self._lock_file: Lock | None = None
        self._closed = False
        #: the JSON of routes, rules, associations already written: a change that adds one route to
        #: a full table encodes that route, not the table (bench/api.py, CreateTransitGatewayRoute)
        self._memo = ElementMemo()
        #: per stored resource, what the file holds: the object last written, the length of its
        #: body and the total length of its patches (only while attached to a file)
        self._rows: dict[str, _Row] = {}
        #: the WAL's group commit (``open(..., group_commit=True)`` on a WAL file), else None: each
        #: commit is synced before it returns (``synchronous=FULL``)
        self._group: GroupCommit | None = None

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path = DEFAULT_STATE_PATH, *, group_commit: bool = False) -> SqliteStore:
        """Open (creating if needed) the state file at ``path``, or ``":memory:"`` for a throwaway store.

        With ``group_commit`` (``vpclab serve``), a commit returns before it is synced and
        ``settle()`` waits until it is, sharing one sync among concurrent writers
        (``aws/durability.py``); without, every commit is synced before it returns.

        Raises ``StateFileBusyError`` while another process has the file open, ``ForeignDatabaseError``
        for another program's SQLite database, ``SchemaVersionError`` for a file of another schema
        version, and ``StateFileError`` for anything else that makes it unusable (not a SQLite
        database, not a file, a path that cannot be created).
        """
        name = str(path)
        lock_file = None
        if name != MEMORY:
            make_parent(name)
            lock_file = lock(name)  # before the file is read: its holder may be writing it
        try:
            conn = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            unlock(lock_file, remove=True)
            raise StateFileError(f"cannot open state file {name}: {exc}") from exc
        store = cls(conn, name)
        store._lock_file = lock_file
        try:
            store._prepare(group_commit)
        except sqlite3.DatabaseError as exc:
            store._release(refused=True)
            raise StateFileError(f"{name} is not a usable vpclab state file: {exc}") from exc
        except BaseException:
            store._release(refused=True)
            raise
        return store

    def _prepare(self, group_commit: bool) -> None:
        conn = self._conn
        # what the file holds, before anything is written to it (not even the journal mode)
        tables = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) != 'sqlite_'")}
        version = _file_version(conn) if "meta" in tables else None
        if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
            # a newer vpclab's file, whatever tables that version added
            raise self._version_error(version)
        ours = version is not None and BASE_TABLES <= tables <= TABLES
        if tables and not ours:
            raise ForeignDatabaseError(
                f"{self._path} is a SQLite database but not a vpclab state file (it holds tables "
                f"{', '.join(sorted(tables))}); vpclab keeps its state in a file of its own: choose "
                "another --state path")
        if self._path != MEMORY:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                # a file system without shared memory cannot do WAL: a rollback journal with
                # synchronous=FULL is just as durable (only slower)
                conn.execute("PRAGMA journal_mode=DELETE")
            elif group_commit:
                self._group = GroupCommit(self._path + "-wal")
        conn.execute(f"PRAGMA synchronous={'NORMAL' if self._group else 'FULL'}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # the tables and the schema version in one transaction: a file is either empty or
            # recognisably vpclab's, even if the process dies while creating it
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            version = self._meta_get("schema_version")
            if version is None or (type(version) is int and version in UPGRADES_FROM):
                # a new file, or an upgrade: version 1 → 2 only adds the (empty) patches table
                self._meta_set("schema_version", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise self._version_error(version)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._next_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM resources").fetchone()[0]

    def _version_error(self, version: object) -> SchemaVersionError:
        return SchemaVersionError(
            f"{self._path} holds vpclab state of schema version {version}; this vpclab reads "
            f"version {SCHEMA_VERSION}. Use the vpclab release that wrote it, or start from a new "
            f"state file (--state PATH).")

    @property
    def path(self) -> str:
        """The state file's path, or ``":memory:"``."""
        return self._path

    def close(self) -> None:
        """Checkpoint the WAL into the main file (which then holds everything), close, unlock.

        Idempotent. A checkpoint that cannot complete (a reader still open, a full disk) is
        logged: nothing is lost — the committed changes stay in the ``-wal`` file, and the next
        open of the file applies them.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                if self._path != MEMORY:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    if busy:
                        log.warning("%s: the WAL could not be checkpointed (a reader is open); its "
                                    "changes stay in %s-wal", self._path, self._path)
            except sqlite3.Error as exc:
                log.warning("%s: the WAL could not be checkpointed (%s); its changes stay in %s-wal",
                            self._path, exc, self._path)
            finally:
                self._release()

    def _release(self, *, refused: bool = False) -> None:
        self._closed = True
        self._conn.close()
        unlock(self._lock_file, remove=refused)
        self._lock_file = None

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------
    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM resources").fetchone()[0])

    def resource_ids(self) -> set[str]:
        with self._lock:
            return {row[0] for row in self._conn.execute("SELECT id FROM resources")}

    def resources(self) -> Iterator[Resource]:
        """Every stored resource, in the order first stored (raises ``StateFileError`` on a bad row)."""
        with self._lock:
            rows = self._conn.execute("SELECT id, body FROM resources ORDER BY seq").fetchall()
            patches: dict[str, list[str]] = {}
            for rid, patch in self._conn.execute("SELECT id, patch FROM patches ORDER BY rowid"):
                patches.setdefault(rid, []).append(patch)
        for rid, body in rows:
            try:
                data = json.loads(body)
                for patch in patches.pop(rid, ()):
                    apply_patch(data, json.loads(patch))
                yield from_dict(data)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise StateFileError(f"{self._path}: cannot read resource {rid}: {exc}") from exc
        if patches:
            raise StateFileError(f"{self._path}: patches of resources that are not stored: "
                                 f"{', '.join(sorted(patches)[:5])}")

    def meta(self, key: str) -> Any:
        """A ``meta`` value (decoded JSON), or None."""
        with self._lock:
            return self._meta_get(key)

    def load(self, world_factory: Callable[[], World] = World) -> World:
        """A World rebuilt from the file: settings, every resource, the change counter, the id state.

        ``world_factory()`` must return an empty World; settings saved in the file override the
        factory's (a restart keeps the mode the state was built under). Resources are put back
        as stored, without running any rule.
        """
        world = world_factory()
        if len(world):
            raise ValueError("SqliteStore.load needs an empty World from world_factory")
        with self._lock:
            try:
                settings = self._meta_get("settings")
                if settings is None:
                    settings = {}
                elif not isinstance(settings, dict):
                    raise self._bad("meta settings", f"not an object: {settings!r}")
                for f in dataclasses.fields(world.settings):
                    if f.name in settings:
                        value, default = settings[f.name], getattr(world.settings, f.name)
                        if not isinstance(value, type(default)):
                            raise self._bad("meta settings", f"{f.name} is {value!r}")
                        setattr(world.settings, f.name, value)
                resources = list(self.resources())
                if resources:
                    with world.transaction():
                        for res in resources:
                            world.put(res)
                version = self._meta_get("world_version") or 0
                if not isinstance(version, int) or isinstance(version, bool) or version < 0:
                    raise self._bad("meta world_version", f"{version!r} is not a change count")
                world.version = version
                _restore_id_state(world, self._meta_get("id_state"), self._bad)
                offset = self._meta_get("clock_offset")
                if offset:
                    if not isinstance(offset, (int, float)) or isinstance(offset, bool) or offset < 0:
                        raise self._bad("meta clock_offset", f"{offset!r} is not a number of seconds")
                    world.clock.advance(timedelta(seconds=float(offset)))
            except sqlite3.Error as exc:
                raise StateFileError(f"{self._path} cannot be read: {exc}") from exc
        return world

    def _bad(self, what: str, why: object) -> StateFileError:
        return StateFileError(f"{self._path}: {what} is not valid vpclab state ({why})")

    # -- writing -------------------------------------------------------------------------------
    def attach(self, world: World) -> None:
        """Write every change the World commits from now on (see the module docs).

        The World must hold exactly the stored resources (load it with ``load``) — or the file
        must be empty, in which case the World's current resources are written first.
        """
        with self._lock:
            if self._attached is not None:
                raise ValueError("this store is already attached to a World")
            stored = self.resource_ids()
            present = {r.id for r in world.resources()}
            if stored and stored != present:
                raise StateFileError(
                    f"{self._path} holds {len(stored)} resources that are not the World's; load the World "
                    "from the store (SqliteStore.load) before attaching it")
            self._attached = world
            if self._path == MEMORY:
                # nothing outlives the process: a journal in an in-memory database would only cost
                # time on every change (a third of a create's handling, measured in bench/api.py)
                return
            if stored:
                # what the file holds of each resource: the World's object (loaded from it)
                patched = dict(self._conn.execute(
                    "SELECT id, SUM(length(patch)) FROM patches GROUP BY id").fetchall())
                for rid, size in self._conn.execute("SELECT id, length(body) FROM resources"):
                    self._rows[rid] = _Row(world.get(rid), size, patched.get(rid) or 0)
            snapshot: Changes = {} if stored else {r.id: (None, r) for r in world.resources()}
            self._write(world, snapshot, version=world.version)
            world.subscribe(self._listener(world))

    def _listener(self, world: World) -> Callable[[Changes], None]:
        def write(changes: Changes) -> None:
            # called by the World before it counts the change set: it is version + 1 once committed
            self._write(world, changes, version=world.version + 1)
        return write

    def _write(self, world: World, changes: Changes, *, version: int) -> None:
        """One SQLite transaction: the change set's upserts and deletes, and the World's meta."""
        with self._lock:
            conn = self._conn
            next_seq = self._next_seq
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    known = {} if self._clearing else self._rows
                    if self._clearing:
                        conn.execute("DELETE FROM resources")
                        conn.execute("DELETE FROM patches")
                    deletes = [(rid,) for rid, (_, new) in changes.items() if new is None]
                    if deletes and not self._clearing:
                        conn.executemany("DELETE FROM resources WHERE id = ?", deletes)
                        conn.executemany("DELETE FROM patches WHERE id = ?", deletes)
                    rows, patches, compacted = [], [], []
                    now: dict[str, _Row | None] = {rid: None for (rid,) in deletes}
                    for rid, (_, new) in changes.items():
                        if new is None:
                            continue
                        row = known.get(rid)
                        patch = self._patch(row, new)
                        if patch is None:  # new, or compacted: the whole body
                            body = to_json(new, self._memo)
                            rows.append((rid, type(new).KIND, new.owner_id, new.region, body, next_seq))
                            next_seq += 1
                            if row is None or row.patched:
                                compacted.append((rid,))
                            now[rid] = _Row(new, len(body), 0)
                        else:
                            if patch:
                                patches.append((rid, patch))
                            assert row is not None
                            now[rid] = _Row(new, row.body, row.patched + len(patch))
                    if compacted:
                        conn.executemany("DELETE FROM patches WHERE id = ?", compacted)
                    if rows:
                        conn.executemany(_UPSERT, rows)
                    if patches:
                        conn.executemany("INSERT INTO patches (id, patch) VALUES (?, ?)", patches)
                    written = dict(self._written)
                    # the id generator's raw state is compared before it is encoded (5 kB of hex):
                    # a change set that drew no id (CreateRoute) neither encodes nor rewrites it
                    raw_ids = world.ids.getstate()
                    for key, value in (("world_version", version),
                                       ("settings", dataclasses.asdict(world.settings)),
                                       ("id_state", None if raw_ids == self._raw_ids else raw_ids),
                                       ("clock_offset", _clock_offset(world))):
                        if key == "id_state":
                            if value is None:
                                continue
                            value = _id_state(world)
                        if written.get(key) != value:  # unchanged meta is not written again
                            self._meta_set(key, value)
                            written[key] = value
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, TypeError, ValueError) as exc:
                raise StoreError(f"{type(exc).__name__}: {exc}") from exc
            if self._group is not None:
                self._group.committed()
            self._next_seq = next_seq
            self._written = written
            self._raw_ids = raw_ids
            if self._clearing:
                self._rows.clear()
            for rid, now_row in now.items():
                if now_row is None:
                    self._rows.pop(rid, None)
                else:
                    self._rows[rid] = now_row

    def settle(self) -> None:
        """Return once every change committed so far is durable (at once without group commit)."""
        if self._group is not None:
            self._group.settle()

    @property
    def group_commit(self) -> GroupCommit | None:
        """The group commit of a store opened with ``group_commit=True`` on a WAL file."""
        return self._group

    def _patch(self, row: _Row | None, new: Resource) -> str | None:
        """The patch that writes ``new`` over what the file holds, or None to write its body."""
        old = row.obj if row is not None else None
        if row is None or old is None or old.owner_id != new.owner_id or old.region != new.region:
            return None
        patch = to_patch(old, new, self._memo)
        if patch is None or row.patched + len(patch) > row.body:
            return None  # another kind, or the patches would outgrow the body: compact
        return patch

    def reset(self, world: World) -> None:
        """Empty the World and the store (every resource; settings, clock and id sequence stay).

        With the store attached to ``world`` the removal is one World change set, written as one
        SQLite transaction that empties the table; if that write fails, neither is emptied.
        """
        with self._lock:
            self._clearing = True
            try:
                # attached: the listener empties the table in the change set's transaction
                with world.transaction():
                    for res in world.resources():
                        world.remove(res.id)
                if len(self):  # not attached, or an already-empty World (no change set)
                    self._write(world, {}, version=world.version)
            finally:
                self._clearing = False

    # -- meta ----------------------------------------------------------------------------------
    def _meta_get(self, key: str) -> Any:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        try:
            return None if row is None else json.loads(row[0])
        except (ValueError, TypeError) as exc:
            raise self._bad(f"meta {key}", f"not JSON: {exc}") from exc

    def _meta_set(self, key: str, value: Any) -> None:
        self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                           "SET value = excluded.value", (key, json.dumps(value, separators=(",", ":"))))


@dataclasses.dataclass(slots=True)
class _Row:
    """What the file holds of one resource."""

    obj: Resource | None  # the version written (None: unknown, so the next write is a whole body)
    body: int  # the length of its body
    patched: int  # the total length of its patches


def _file_version(conn: sqlite3.Connection) -> Any:
    """The ``schema_version`` in a file's ``meta`` table, or None (no such row, not vpclab's table)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return None if row is None else json.loads(row[0])
    except sqlite3.OperationalError:  # another program's ``meta`` (no such column); a damaged
        return None                   # file raises DatabaseError, reported as such by ``open``
    except (ValueError, TypeError):
        return None


# The store saves the id generator's state so that a restarted World continues where it stopped
# (not just avoiding ids that still exist). The Mersenne Twister state is 625 unsigned 32-bit
# words: stored as hex, it is cheap to write.
def _id_state(world: World) -> Any:
    version, internal, gauss = world.ids.getstate()
    return [version, struct.pack(f"<{len(internal)}I", *internal).hex(), gauss]


def _restore_id_state(world: World, state: Any, bad: Callable[[str, object], StateFileError]) -> None:
    if state is None:  # a file written before any change (nothing was drawn yet)
        return
    try:
        version, packed, gauss = state
        raw = bytes.fromhex(packed)
        if len(raw) % 4:
            raise ValueError("not whole 32-bit words")
        world.ids.setstate((version, struct.unpack(f"<{len(raw) // 4}I", raw), gauss))
    except (ValueError, TypeError, struct.error, OverflowError) as exc:
        # refused, not skipped: a restarted World would hand out ids it already gave out
        raise bad("meta id_state", exc) from exc


def _clock_offset(world: World) -> float:
    return world.clock.offset.total_seconds()
