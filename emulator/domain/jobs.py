"""Connect jobs: the registry (job records live in the store) and one worker thread that processes queued
imports in order.

Timing (``JobRunner.timing``): ``"immediate"`` processes before ``submit`` returns (deterministic tests),
``"background"`` (default) hands the job to the worker, a number ``n`` makes the worker wait ``n`` seconds
before processing (clients' polling tests). Each job's changes are committed in one store transaction.

The slow-jobs variant (emulator/variants.py) overrides the timing: each job is due 5-20 s after it was
submitted (drawn from the seed and the job id), jobs still finish in submission order, and Job/Get shows
StatusId 1 with LastUpdated advancing until then.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from emulator.faults import Faults
from emulator.variants import DEFAULT_SLOW_JOB_SECONDS, Variants

from .ids import parse_timestamp
from .imports import run_import
from .model import (
    JOB_STATUS_FAILED,
    JOB_STATUS_INITIALIZED,
    JOB_STATUS_SUCCEEDED,
    JOB_STATUS_VALIDATION_FAILED,
    SEVERITY_ERROR,
    SEVERITY_INFORMATION,
    Job,
    JobLogRow,
)
from .state import State
from .store import Store
from .validation import RowLabels, ValidatedImport

Timing = str | float
LOGGER = logging.getLogger(__name__)


def format_run_time(seconds: float) -> str:
    """.NET TimeSpan text: ``hh:mm:ss.fffffff``."""
    ticks = max(0, round(seconds * 10_000_000))
    whole_seconds, fraction = divmod(ticks, 10_000_000)
    hours, rest = divmod(whole_seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{fraction:07d}"


def job_dto(job: Job, now: str) -> dict[str, Any]:
    end = job.stop if job.stop is not None else now
    run_time = (parse_timestamp(end) - parse_timestamp(job.start)).total_seconds()
    return {
        "JobId": job.id,
        "StatusId": job.status_id,
        "StorageName": job.storage_name,
        "Totals": job.totals,
        "Inserts": job.inserts,
        "Updates": job.updates,
        "Fail": job.fail,
        "Start": job.start,
        "Stop": job.stop,
        "LastUpdated": job.last_updated,
        "IsFinished": job.is_finished,
        "RunTime": format_run_time(run_time),
    }


def job_log_dto(row: JobLogRow) -> dict[str, Any]:
    return {
        "SeverityId": row.severity_id,
        "Message": row.message,
        "TimeStamp": row.timestamp,
        "ImportedRow": row.imported_row,
    }


@dataclass
class _QueuedJob:
    job_id: int
    validated: ValidatedImport
    due: float = 0.0  # time.monotonic() at which the job may run


class JobRunner:
    def __init__(
        self,
        store: Store,
        faults: Faults,
        timing: Timing = "background",
        variants: Variants | None = None,
        slow_job_seconds: tuple[float, float] = DEFAULT_SLOW_JOB_SECONDS,
    ) -> None:
        self.store = store
        self.faults = faults
        self.variants = variants if variants is not None else Variants()
        self.timing: Timing = timing
        self.slow_job_seconds = slow_job_seconds
        self._queue: queue.Queue[_QueuedJob | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._worker_lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0
        self._stopping = threading.Event()
        self._last_due = 0.0

    # --- creating ------------------------------------------------------------------------------------------
    def create_job(self, validated: ValidatedImport) -> int:
        """Record a new job (StatusId 1) with the validation failures already logged and counted."""
        ids = self.store.ids
        with self.store.transaction() as state:
            now = ids.timestamp()
            job = Job(
                id=ids.next_id("job"),
                kind=validated.operation,
                status_id=JOB_STATUS_INITIALIZED,
                start=now,
                last_updated=now,
                totals=validated.total,
                fail=len(validated.failures),
            )
            labels = RowLabels(self.variants)
            job.log = [
                JobLogRow(
                    SEVERITY_ERROR,
                    labels.message(index, reason),
                    now,
                    labels.imported_row(index, validated.items),
                )
                for index, reason in validated.failures
            ]
            state.put_job(job)
        return job.id

    def submit(self, job_id: int, validated: ValidatedImport) -> None:
        due = self._slow_job_due(job_id)
        if self.timing == "immediate" and due is None:
            self.process(job_id, validated)
            return
        with self._idle:
            self._pending += 1
        self._ensure_worker()
        if due is None:
            delay = self.timing if isinstance(self.timing, int | float) else 0.0
            due = time.monotonic() + max(0.0, float(delay))
        self._queue.put(_QueuedJob(job_id, validated, due))

    def _slow_job_due(self, job_id: int) -> float | None:
        """slow-jobs: when the job finishes (5-20 s from now, never before the job queued ahead of it)."""
        if not self.variants.is_on("slow-jobs"):
            return None
        low, high = self.slow_job_seconds
        seconds = random.Random(f"slow-jobs:{self.store.seed}:{job_id}").uniform(low, high)
        with self._worker_lock:
            self._last_due = max(time.monotonic() + seconds, self._last_due)
            return self._last_due

    # --- processing ----------------------------------------------------------------------------------------
    def process(self, job_id: int, validated: ValidatedImport) -> None:
        try:
            self.store.apply(lambda state: self._processed(state, job_id, validated))
        except Exception as exc:  # the job fails as a whole; nothing of it was committed
            LOGGER.exception("import job %s failed", job_id)
            self._mark_failed(job_id, f"Internal error: {type(exc).__name__}")

    def _processed(self, state: State, job_id: int, validated: ValidatedImport) -> State:
        ids = self.store.ids
        faults = self.faults
        outcome = run_import(state, ids, validated, faults, self.variants)
        final = outcome.state
        job = final.edit_job(job_id)
        job.inserts, job.updates = outcome.inserts, outcome.updates
        if faults.is_on("job-wrong-counters"):
            job.inserts, job.updates = outcome.inserts + outcome.updates, 0
        job.fail = len(validated.failures) + outcome.failures
        job.log.extend(outcome.log)
        if self.variants.is_on("job-log-summary-row"):
            message = (
                f"{job.inserts} inserted, {job.updates} updated, {job.fail} failed of {job.totals} items"
            )
            job.log.append(JobLogRow(SEVERITY_INFORMATION, message, ids.timestamp()))
        if faults.is_on("job-never-finishes"):
            job.last_updated = ids.timestamp()
            return final  # the changes land, but the job is never marked finished
        succeeded = job.inserts + job.updates
        job.status_id = JOB_STATUS_SUCCEEDED if succeeded or job.totals == 0 else JOB_STATUS_VALIDATION_FAILED
        if validated.refusal is not None and job.totals == 0:  # header-rules-async with nothing to fail
            job.status_id = JOB_STATUS_FAILED
            job.log.append(JobLogRow(SEVERITY_ERROR, validated.refusal, ids.timestamp()))
        if job.status_id == JOB_STATUS_VALIDATION_FAILED and self.variants.is_on("all-failed-status-3"):
            job.status_id = JOB_STATUS_FAILED
        if faults.is_on("job-wrong-status-id"):
            job.status_id = JOB_STATUS_SUCCEEDED
        job.stop = job.last_updated = ids.timestamp()
        job.is_finished = True
        return final

    def _mark_failed(self, job_id: int, message: str) -> None:
        with self.store.transaction() as state:
            if job_id not in state.jobs:
                return
            job = state.edit_job(job_id)
            now = self.store.ids.timestamp()
            job.status_id, job.is_finished, job.stop, job.last_updated = JOB_STATUS_FAILED, True, now, now
            job.inserts = job.updates = 0
            job.fail = job.totals
            job.log.append(JobLogRow(SEVERITY_ERROR, f"{message}; nothing was applied", now))

    def _ensure_worker(self) -> None:
        with self._worker_lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._work, name="connect-job-worker", daemon=True)
                self._worker.start()

    def _work(self) -> None:
        while True:
            queued = self._queue.get()
            if queued is None:
                return
            try:
                # Each job takes its delay from its own submission, as on a tenant with workers to spare:
                # jobs sent together finish together, they do not queue behind one another's delays.
                delay = queued.due - time.monotonic()
                if delay > 0 and self._stopping.wait(delay):
                    return  # stopped while waiting: the job stays unfinished, as after a restart
                self.process(queued.job_id, queued.validated)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished (tests, admin)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self) -> None:
        with self._worker_lock:
            if self._worker is not None and self._worker.is_alive():
                self._stopping.set()
                self._queue.put(None)
                self._worker.join(timeout=5)
            self._worker = None
            self._stopping = threading.Event()

    # --- reading -------------------------------------------------------------------------------------------
    def get_job(self, job_id: int) -> dict[str, Any] | None:
        with self.store.reading() as state:
            job = state.jobs.get(job_id)
            if job is None and self.faults.is_on("job-get-unknown-returns-500"):
                raise RuntimeError(f"seeded fault job-get-unknown-returns-500: job {job_id}")
            if job is None:
                return None
            other = state.jobs.get(job_id - 1)  # job-get-answers-another-job: an off-by-one lookup
            if other is not None and self.faults.is_on("job-get-answers-another-job"):
                job = other
            return self._dto(job, self.store.ids.timestamp())

    def _dto(self, job: Job, now: str) -> dict[str, Any]:
        dto = job_dto(job, now)
        if not job.is_finished and self.variants.is_on("slow-jobs"):
            dto["LastUpdated"] = now  # a running job reports progress
        return dto

    def get_job_log(self, job_id: int) -> list[dict[str, Any]]:
        with self.store.reading() as state:
            job = state.jobs.get(job_id)
            if job is None:
                return []
            drop_errors = self.faults.is_on("job-log-missing-errors")
            return [
                job_log_dto(row) for row in job.log if not (drop_errors and row.severity_id == SEVERITY_ERROR)
            ]

    def list_jobs(self) -> list[dict[str, Any]]:
        with self.store.reading() as state:
            now = self.store.ids.timestamp()
            return [self._dto(job, now) for job in sorted(state.jobs.values(), key=lambda j: j.id)]
