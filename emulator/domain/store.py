"""``Store``: the emulator's state behind one ``threading.RLock``, in memory or persisted to SQLite.

Reads: ``with store.reading() as state: ...`` or the ``find_*``/``get_*`` helpers (they return deep copies).
Writes: ``with store.transaction() as state: ...`` gives a copy-on-write fork of the state; when the
block ends
normally the fork becomes the state and (with ``db_path``) is written to SQLite in one transaction; when it
raises, nothing changes. Inside a transaction mutate entities only through ``state.edit_customer(id)`` /
``state.edit_company(id)`` or replace them with ``state.put_*`` (see state.py).

Persistence is a JSON snapshot of the whole state plus the id counters in one row, replaced atomically, so a
process killed in the middle of an import job leaves the previous snapshot: all of the job or none of it.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .ids import IdSource
from .model import (
    JOB_STATUS_FAILED,
    SEVERITY_ERROR,
    Company,
    Customer,
    JobLogRow,
)
from .state import State

PASSWORD_ITERATIONS = 20_000  # modest on purpose: the emulator hashes passwords inside test loops
SNAPSHOT_FORMAT = 1


def hash_password(password: str) -> str:
    """Salted PBKDF2-SHA256; only this string is ever stored."""
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, PASSWORD_ITERATIONS)
    return f"pbkdf2_sha256${PASSWORD_ITERATIONS}${salt.hex()}${digest.hex()}"


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    try:
        scheme, iterations, salt_hex, digest_hex = password_hash.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations))
    return hmac.compare_digest(digest.hex(), digest_hex)


class Store:
    def __init__(self, db_path: str | Path | None = None, seed: int = 0, fixed_start: datetime | None = None):
        self.lock = threading.RLock()
        self.seed = seed
        self._fixed_start = fixed_start
        self.ids = IdSource(seed, fixed_start)
        self._state = State()
        self._db: sqlite3.Connection | None = None
        if db_path is not None:
            self._db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT)"
            )
            row = self._db.execute("SELECT data FROM snapshot WHERE id = 1").fetchone()
            if row is not None:
                self._restore(json.loads(row[0]))
                self._fail_interrupted_jobs()

    # --- access --------------------------------------------------------------------------------------------
    @property
    def state(self) -> State:
        """The committed state. Hold ``store.lock`` while using it; never mutate it outside a transaction."""
        return self._state

    @contextmanager
    def reading(self) -> Iterator[State]:
        with self.lock:
            yield self._state

    @contextmanager
    def transaction(self) -> Iterator[State]:
        with self.lock:
            working = self._state.fork()
            yield working
            self._commit(working)

    def apply(self, change: Callable[[State], State]) -> State:
        """Run ``change`` on a fork under the lock and commit the state it returns (all or nothing)."""
        with self.lock:
            result = change(self._state.fork())
            self._commit(result)
            return result

    def _commit(self, working: State) -> None:
        working.seal()
        if self._db is not None:
            data = json.dumps(self._snapshot_of(working), separators=(",", ":"))
            # one statement in an explicit transaction: either the whole new snapshot is there or the old one
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT OR REPLACE INTO snapshot (id, data) VALUES (1, ?)", (data,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        self._state = working

    # --- snapshots -----------------------------------------------------------------------------------------
    def _snapshot_of(self, state: State) -> dict[str, Any]:
        return {"format": SNAPSHOT_FORMAT, "ids": self.ids.state(), "state": state.to_plain()}

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return self._snapshot_of(self._state)

    def load(self, snapshot: dict[str, Any]) -> None:
        """Replace the whole state with a snapshot taken by ``snapshot()`` (admin seed/restore)."""
        with self.lock:
            loaded = State.from_plain(snapshot.get("state", {}))
            self.ids.restore(snapshot.get("ids", {}))
            self._commit(loaded)

    def reset(self) -> None:
        """Back to the seeded start: empty entities, seeded reference tables, fresh id counters."""
        with self.lock:
            self.ids = IdSource(self.seed, self._fixed_start)
            self._commit(State())

    def _restore(self, snapshot: dict[str, Any]) -> None:
        self._state = State.from_plain(snapshot.get("state", {}))
        self.ids.restore(snapshot.get("ids", {}))

    def _fail_interrupted_jobs(self) -> None:
        """A job that was running when the process died was never committed: say so on its record."""
        unfinished = [job_id for job_id, job in self._state.jobs.items() if not job.is_finished]
        if not unfinished:
            return
        with self.transaction() as working:
            for job_id in unfinished:
                job = working.edit_job(job_id)
                now = self.ids.timestamp()
                job.status_id, job.is_finished, job.stop, job.last_updated = JOB_STATUS_FAILED, True, now, now
                job.inserts = job.updates = 0
                job.fail = job.totals
                job.log.append(
                    JobLogRow(SEVERITY_ERROR, "Job interrupted by an emulator restart; nothing applied", now)
                )

    def close(self) -> None:
        with self.lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # --- convenience reads (deep copies, safe to keep) -----------------------------------------------------
    def get_customer(self, customer_id: int) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_id(customer_id))

    def find_customer_by_code(self, code: str) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_code(code))

    def find_customer_by_email(self, email: str) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_email(email))

    def find_customer_by_key(self, key: str) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_key(key))

    def find_customer_by_login_name(self, login_name: str) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_login_name(login_name))

    def find_customer_by_account_id(self, account_id: int) -> Customer | None:
        with self.lock:
            return copy.deepcopy(self._state.customer_by_account_id(account_id))

    def find_customers_by_ssn(self, ssn: str) -> list[Customer]:
        with self.lock:
            return copy.deepcopy(self._state.customers_by_ssn(ssn))

    def get_company(self, company_id: int) -> Company | None:
        with self.lock:
            return copy.deepcopy(self._state.company_by_id(company_id))

    def find_company_by_code(self, code: str) -> Company | None:
        with self.lock:
            return copy.deepcopy(self._state.company_by_code(code))

    def find_companies_by_org_no(self, org_no: str) -> list[Company]:
        with self.lock:
            return copy.deepcopy(self._state.companies_by_org_no(org_no))

    def companies_of_customer(self, customer_id: int) -> list[Company]:
        """Primary first."""
        with self.lock:
            return copy.deepcopy(self._state.companies_of_customer(customer_id))

    def customers_of_company(self, company_id: int) -> list[Customer]:
        with self.lock:
            return copy.deepcopy(self._state.customers_of_company(company_id))

    # --- convenience writes --------------------------------------------------------------------------------
    def new_customer(self, **fields: Any) -> Customer:
        """A customer with fresh id/key/timestamps (not yet stored: ``state.put_customer`` it)."""
        now = self.ids.timestamp()
        return Customer(
            id=self.ids.next_id("customer"), key=self.ids.new_key(), created=now, updated=now, **fields
        )

    def new_company(self, **fields: Any) -> Company:
        now = self.ids.timestamp()
        return Company(
            id=self.ids.next_id("company"), key=self.ids.new_key(), created=now, updated=now, **fields
        )

    def add_customer(self, customer: Customer) -> Customer:
        with self.transaction() as working:
            working.put_customer(copy.deepcopy(customer))
        return copy.deepcopy(customer)

    def add_company(self, company: Company) -> Company:
        with self.transaction() as working:
            working.put_company(copy.deepcopy(company))
        return copy.deepcopy(company)
