"""Store persistence, job atomicity and concurrency."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from emulator.domain import imports
from emulator.domain.connect import ConnectService
from emulator.domain.model import JOB_STATUS_FAILED
from emulator.domain.store import Store, hash_password, verify_password
from emulator.faults import Faults

HEADER = json.dumps({"AccountId": 1, "CustomerFieldsThatAreSet": [2, 3, 6, 8]})


def people(*codes: str) -> bytes:
    return json.dumps(
        [{"Code": c, "FirstName": "F", "LastName": "L", "EmailAddress": f"{c}@x"} for c in codes]
    ).encode()


def test_sqlite_state_and_ids_survive_reopen(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    store = Store(db_path=db)
    response = ConnectService(store, Faults(), timing="immediate").import_customers(
        HEADER, "application/json", people("A")
    )
    customer_id = store.find_customer_by_code("A").id  # type: ignore[union-attr]
    store.close()

    reopened = Store(db_path=db)
    assert reopened.find_customer_by_code("A").id == customer_id  # type: ignore[union-attr]
    service = ConnectService(reopened, Faults(), timing="immediate")
    assert service.get_job(int(response["JobId"]))["IsFinished"] is True  # type: ignore[index]
    second = service.import_customers(HEADER, "application/json", people("B"))
    assert int(second["JobId"]) > int(response["JobId"])
    assert reopened.find_customer_by_code("B").id > customer_id  # type: ignore[union-attr]
    reopened.close()


def test_exception_mid_job_leaves_no_partial_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    store = Store(db_path=tmp_path / "emu.db")
    service = ConnectService(store, Faults(), timing="immediate")
    real = imports._import_customer
    calls = {"n": 0}

    def crash_on_second(context: imports._ItemContext, item: dict[str, object]) -> tuple[bool, int]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash")
        return real(context, item)

    monkeypatch.setattr(imports, "_import_customer", crash_on_second)
    response = service.import_customers(HEADER, "application/json", people("A", "B", "C"))
    job = service.get_job(int(response["JobId"]))
    assert job is not None
    assert (job["StatusId"], job["IsFinished"], job["Inserts"]) == (JOB_STATUS_FAILED, True, 0)
    assert store.find_customer_by_code("A") is None
    store.close()
    reopened = Store(db_path=tmp_path / "emu.db")
    assert reopened.find_customer_by_code("A") is None
    reopened.close()


def test_job_running_when_process_died_is_failed_on_reopen(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    store = Store(db_path=db)
    service = ConnectService(store, Faults(), timing="immediate")
    from emulator.domain.header import parse_customer_header
    from emulator.domain.validation import validate_import

    header = parse_customer_header(HEADER, "ImportCustomers", "application/json", faults=Faults())
    job_id = service.jobs.create_job(validate_import("ImportCustomers", header, [{"Code": "A"}], Faults()))
    store.close()  # "killed" before the job was processed
    reopened = Store(db_path=db)
    job = ConnectService(reopened, Faults()).get_job(job_id)
    assert job is not None and job["StatusId"] == JOB_STATUS_FAILED and job["IsFinished"] is True
    reopened.close()


def test_concurrent_imports_lose_nothing_and_get_unique_job_ids() -> None:
    store = Store()
    service = ConnectService(store, Faults(), timing="background")
    job_ids: list[str] = []
    lock = threading.Lock()

    def worker(thread_no: int) -> None:
        for batch in range(5):
            response = service.import_customers(HEADER, "application/json", people(f"T{thread_no}-{batch}"))
            with lock:
                job_ids.append(response["JobId"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert service.jobs.wait_idle(timeout=10)
    service.jobs.stop()
    assert len(set(job_ids)) == 20
    with store.reading() as state:
        assert len(state.customers) == 20
    assert all(job["IsFinished"] and job["Inserts"] == 1 for job in service.list_jobs())


def test_delayed_timing_shows_a_running_job_first() -> None:
    store = Store()
    service = ConnectService(store, Faults(), timing=0.2)
    response = service.import_customers(HEADER, "application/json", people("A"))
    running = service.get_job(int(response["JobId"]))
    assert running is not None and (running["StatusId"], running["IsFinished"]) == (1, False)
    assert service.jobs.wait_idle(timeout=5)
    finished = service.get_job(int(response["JobId"]))
    assert finished is not None and finished["IsFinished"] is True
    assert running["RunTime"].count(":") == 2 and len(finished["RunTime"].split(".")[1]) == 7
    service.jobs.stop()


def test_snapshot_reset_load_and_transactions() -> None:
    store = Store(seed=7)
    customer = store.add_customer(store.new_customer(code="A", email_address="a@x"))
    saved = store.snapshot()
    store.reset()
    assert store.get_customer(customer.id) is None
    store.load(saved)
    assert store.find_customer_by_email("a@x").id == customer.id  # type: ignore[union-attr]
    with pytest.raises(RuntimeError), store.transaction() as state:
        state.edit_customer(customer.id).first_name = "changed"
        raise RuntimeError("rollback")
    assert store.get_customer(customer.id).first_name is None  # type: ignore[union-attr]


def test_seeded_keys_are_reproducible_and_passwords_are_hashed() -> None:
    assert Store(seed=3).ids.new_key() == Store(seed=3).ids.new_key() != Store(seed=4).ids.new_key()
    hashed = hash_password("pw")
    assert "pw" not in hashed.split("$")[-1] and verify_password("pw", hashed)
    assert not verify_password("other", hashed) and not verify_password("pw", None)
