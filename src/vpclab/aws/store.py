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
transaction and committed before the listener returns — before the ControlPlane call returns and
so before the HTTP response is sent. If the write fails, the listener raises ``StoreError`` and the
World rolls the change back: the World and the file never disagree. Files use WAL journaling with
``synchronous=FULL``, so a committed change survives a crash of the process or of the machine.

Schema (version 1): ``resources(id TEXT PRIMARY KEY, kind, owner_id, region, body, seq)`` — ``body``
is ``model.serialize.to_dict`` as JSON, ``seq`` the order in which the resource was first stored
(the World lists resources in creation order) — and ``meta(key TEXT PRIMARY KEY, value TEXT)``
with JSON values: ``schema_version``, ``settings`` (World settings, e.g. the quota mode),
``world_version`` (the World's change counter), ``id_state`` (the id generator's state, so a seeded
World does not hand out an id again after a restart) and ``clock_offset`` (seconds a lab moved the
World's clock forward; saved with the next change set).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import struct
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..core.errors import AwsError, VpclabError
from ..model.base import Resource
from ..model.serialize import from_dict, to_dict
from ..model.world import Changes, World

#: the schema this code reads and writes; a file with another version is refused
SCHEMA_VERSION = 1
#: where ``vpclab serve`` keeps its state when ``--state`` is not given (relative to the working directory)
DEFAULT_STATE_PATH = Path("vpclab-state.sqlite3")
#: the ``--state`` value for a throwaway, in-memory store
MEMORY = ":memory:"

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
"""

_UPSERT = """
INSERT INTO resources (id, kind, owner_id, region, body, seq) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner_id = excluded.owner_id,
    region = excluded.region, body = excluded.body
"""


class StateFileError(VpclabError):
    """The state file cannot be opened or read (not a vpclab state file, unreadable, corrupt)."""


class SchemaVersionError(StateFileError):
    """The state file was written with a schema version this vpclab does not read."""


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

    # -- opening -------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path = DEFAULT_STATE_PATH) -> SqliteStore:
        """Open (creating if needed) the state file at ``path``, or ``":memory:"`` for a throwaway store.

        Raises ``SchemaVersionError`` for a file of another schema version and ``StateFileError``
        for a file that is not a readable SQLite database.
        """
        name = str(path)
        if name != MEMORY:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(name, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StateFileError(f"cannot open state file {name}: {exc}") from exc
        store = cls(conn, name)
        try:
            store._prepare()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StateFileError(f"{name} is not a usable vpclab state file: {exc}") from exc
        except StateFileError:
            conn.close()
            raise
        return store

    def _prepare(self) -> None:
        conn = self._conn
        if self._path != MEMORY:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                # a file system without shared memory cannot do WAL: a rollback journal with
                # synchronous=FULL is just as durable (only slower)
                conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)  # idempotent
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._meta_get("schema_version")
            if version is None:
                self._meta_set("schema_version", SCHEMA_VERSION)
            elif version != SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self._path} holds vpclab state of schema version {version}; this vpclab reads "
                    f"version {SCHEMA_VERSION}. Use the vpclab release that wrote it, or start from a new "
                    f"state file (--state PATH).")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._next_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM resources").fetchone()[0]

    @property
    def path(self) -> str:
        """The state file's path, or ``":memory:"``."""
        return self._path

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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
        for rid, body in rows:
            try:
                yield from_dict(json.loads(body))
            except (ValueError, TypeError, KeyError) as exc:
                raise StateFileError(f"{self._path}: cannot read resource {rid}: {exc}") from exc

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
            settings = self._meta_get("settings")
            if isinstance(settings, dict):
                names = {f.name for f in dataclasses.fields(world.settings)}
                for name, value in settings.items():
                    if name in names:
                        setattr(world.settings, name, value)
            resources = list(self.resources())
            if resources:
                with world.transaction():
                    for res in resources:
                        world.put(res)
            world.version = int(self._meta_get("world_version") or 0)
            _restore_id_state(world, self._meta_get("id_state"))
            offset = self._meta_get("clock_offset")
            if offset:
                world.clock.advance(timedelta(seconds=float(offset)))
        return world

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
                    if self._clearing:
                        conn.execute("DELETE FROM resources")
                    deletes = [(rid,) for rid, (_, new) in changes.items() if new is None]
                    if deletes and not self._clearing:
                        conn.executemany("DELETE FROM resources WHERE id = ?", deletes)
                    rows = []
                    for rid, (_, new) in changes.items():
                        if new is not None:
                            body = json.dumps(to_dict(new), ensure_ascii=False, separators=(",", ":"))
                            rows.append((rid, type(new).KIND, new.owner_id, new.region, body, next_seq))
                            next_seq += 1
                    if rows:
                        conn.executemany(_UPSERT, rows)
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
            self._next_seq = next_seq
            self._written = written
            self._raw_ids = raw_ids

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
        return None if row is None else json.loads(row[0])

    def _meta_set(self, key: str, value: Any) -> None:
        self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                           "SET value = excluded.value", (key, json.dumps(value, separators=(",", ":"))))


# The store saves the id generator's state so that a restarted World continues where it stopped
# (not just avoiding ids that still exist). The Mersenne Twister state is 625 unsigned 32-bit
# words: stored as hex, it is cheap to write.
def _id_state(world: World) -> Any:
    version, internal, gauss = world.ids.getstate()
    return [version, struct.pack(f"<{len(internal)}I", *internal).hex(), gauss]


def _restore_id_state(world: World, state: Any) -> None:
    if not isinstance(state, list) or len(state) != 3:
        return
    version, packed, gauss = state
    raw = bytes.fromhex(packed)
    world.ids.setstate((version, struct.unpack(f"<{len(raw) // 4}I", raw), gauss))


def _clock_offset(world: World) -> float:
    return world.clock.offset.total_seconds()
