"""What the replay sends: the tenant's URLs on the emulator's layout, ids the map knows, the emulator's own
credentials in place of the redacted ones, the application id the emulator knows."""

from __future__ import annotations

import base64

from emulator.parity.cassette import Cassette, Entry
from emulator.parity.replay import WRONG_TOKEN, Replay, ReplayOptions, replay_config

META = {
    "connectUrl": "https://connect.lab.storm.io/4.0/api",
    "customerUrl": "https://slug.api-se.stage.norce.tech/commerce/customer/1.1",
    "tokenUrl": "https://slug.api-se.stage.norce.tech/identity/1.0/connect/token",
    "applicationId": "4711",
}


def _entry(url: str, auth: str = "bearer-run", headers: tuple[tuple[str, str], ...] = ()) -> Entry:
    return Entry(1, "GET", url, headers, b"", None, 200, (), "", b"", 0, "GetCustomer", auth=auth)


def _replay() -> Replay:
    replay = Replay(Cassette((), META), ReplayOptions(), replay_config(ReplayOptions()))
    replay.base, replay.token = "http://127.0.0.1:9", "emulator-token"
    return replay


def test_urls_move_to_the_emulators_layout_with_mapped_ids() -> None:
    replay = _replay()
    replay.ids.learn("customer", 3001, 1)
    customer = replay.url_of(_entry(f"{META['customerUrl']}/GetCustomer?id=3001&cultureCode=sv-SE"))
    assert customer == "http://127.0.0.1:9/commerce/customer/1.1/GetCustomer?id=1&cultureCode=sv-SE"
    connect = replay.url_of(_entry("https://connect.lab.storm.io/4.0/api/Job/Get?id=5"))
    assert connect == "http://127.0.0.1:9/commerce/connect/4.0/Job/Get?id=5"
    elsewhere = replay.url_of(_entry("https://slug.api-se.stage.norce.tech/nothing/here"))
    assert elsewhere == "http://127.0.0.1:9/nothing/here"


def test_the_emulators_credentials_stand_in_for_the_redacted_ones() -> None:
    replay = _replay()
    recorded = (("Authorization", "[REDACTED]"), ("application-id", "4711"), ("Host", "x"), ("Accept", "*/*"))

    def sent(auth: str, headers: tuple[tuple[str, str], ...] = recorded) -> dict[str, str]:
        return dict(replay.headers_of(_entry(f"{META['customerUrl']}/GetCustomer", auth, headers)))

    assert sent("bearer-run") == {
        "application-id": "1",
        "Accept": "*/*",
        "Authorization": "Bearer emulator-token",
    }
    assert sent("bearer-other")["Authorization"] == f"Bearer {WRONG_TOKEN}"
    assert "Authorization" not in sent("none", (("application-id", "4711"),))
    basic = base64.b64decode(sent("basic-run")["Authorization"].removeprefix("Basic ")).decode()
    assert basic == f"1:{replay.config.basic_secret_key}"
    wrong = base64.b64decode(sent("basic-other")["Authorization"].removeprefix("Basic ")).decode()
    assert wrong.startswith("1:") and wrong != basic
    assert sent("bearer-run", (("application-id", "999"),))["application-id"] == "999"  # a wrong one stays
