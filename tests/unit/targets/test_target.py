"""Target resolution: pyproject < profile < env < options; credentials only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.transport.target import (
    EMULATOR_CREDENTIALS,
    ConfigError,
    load_pyproject_settings,
    resolve_target,
)

PYPROJECT = {
    "target": "https://from-pyproject.lab.example",
    "environments": {
        "lab": {"base-url": "https://acme.api-se.stage.norce.tech", "rate": 2},
        "oldlab": {
            "connect-url": "https://connect.lab.storm.io/4.0/api",
            "customer-url": "https://api.lab.storm.io/api/1.1/CustomerService.svc/rest",
            "token-url": "https://identity.storm.io/1.0/connect/token",
        },
    },
}


def test_default_is_the_embedded_emulator_with_its_documented_credentials() -> None:
    target = resolve_target({}, env={}, pyproject={})
    assert target.is_emulator and target.label == "emulator"
    assert target.credentials.client_id == EMULATOR_CREDENTIALS["NORCE_CLIENT_ID"]
    assert target.credentials.basic_secret_key == EMULATOR_CREDENTIALS["NORCE_BASIC_SECRET_KEY"]
    assert (
        target.with_base_url("http://127.0.0.1:5555/").token_url
        == "http://127.0.0.1:5555/identity/1.0/connect/token"
    )


def test_embedded_target_declares_the_emulators_expiry_probe_client_and_its_secret_is_redacted() -> None:
    credentials = resolve_target({}, env={}, pyproject={}).credentials
    assert credentials.has_expiry_probe
    assert credentials.expiry_client_id == EMULATOR_CREDENTIALS["NORCE_EXPIRY_CLIENT_ID"]
    secret = EMULATOR_CREDENTIALS["NORCE_EXPIRY_CLIENT_SECRET"]
    assert credentials.secrets()["NORCE_EXPIRY_CLIENT_SECRET"] == secret


def test_a_tenants_expiry_probe_client_is_optional_and_comes_from_the_environment() -> None:
    env = {"NORCE_CLIENT_ID": "id", "NORCE_CLIENT_SECRET": "sec", "NORCE_APPLICATION_ID": "9"}
    bare = resolve_target({"target": "https://x.lab.example"}, env=env, pyproject={}).credentials
    assert bare.has_oauth and not bare.has_expiry_probe and "NORCE_EXPIRY_CLIENT_SECRET" not in bare.secrets()
    env |= {"NORCE_EXPIRY_CLIENT_ID": "probe", "NORCE_EXPIRY_CLIENT_SECRET": "probe-s3cret"}
    probe = resolve_target({"target": "https://x.lab.example"}, env=env, pyproject={}).credentials
    assert probe.has_expiry_probe and probe.expiry_client_id == "probe"
    assert probe.secrets()["NORCE_EXPIRY_CLIENT_SECRET"] == "probe-s3cret"


def test_precedence_pyproject_then_env_then_options() -> None:
    env = {"NORCE_TARGET": "https://from-env.stage.example"}
    option = {"target": "https://from-option.playground.example"}
    assert resolve_target({}, env={}, pyproject=PYPROJECT).name == "https://from-pyproject.lab.example"
    assert resolve_target({}, env=env, pyproject=PYPROJECT).name == "https://from-env.stage.example"
    chosen = resolve_target(option, env=env, pyproject=PYPROJECT)
    assert chosen.connect_url == "https://from-option.playground.example/commerce/connect/4.0"
    assert chosen.customer_url == "https://from-option.playground.example/commerce/customer/1.1"
    assert chosen.token_url == "https://from-option.playground.example/identity/1.0/connect/token"
    assert not chosen.is_emulator


def test_a_profile_is_selected_by_name_and_env_overrides_its_fields() -> None:
    env = {"NORCE_CUSTOMER_URL": "https://custom.stage.example/cs"}
    target = resolve_target({"target": "lab"}, env=env, pyproject=PYPROJECT)
    assert target.connect_url == "https://acme.api-se.stage.norce.tech/commerce/connect/4.0"
    assert target.customer_url == "https://custom.stage.example/cs"
    assert target.rate == 2.0
    assert resolve_target({"target": "lab", "rate": 5}, env=env, pyproject=PYPROJECT).rate == 5.0


def test_per_api_urls_give_the_older_lab_layout() -> None:
    target = resolve_target({"target": "oldlab"}, env={}, pyproject=PYPROJECT)
    assert target.connect_url == "https://connect.lab.storm.io/4.0/api"
    assert target.token_url == "https://identity.storm.io/1.0/connect/token"
    assert set(target.hosts) == {"connect.lab.storm.io", "api.lab.storm.io", "identity.storm.io"}
    explicit = resolve_target(
        {"connect-url": "http://a.lab/c", "customer-url": "http://b.lab/s", "token-url": "http://c.lab/t"},
        env={},
        pyproject={},
    )
    assert not explicit.is_emulator and explicit.name == "per-api"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target": "nosuchprofile"}, "neither 'emulator'"),
        ({"connect-url": "not a url", "customer-url": "http://x"}, "must be an http(s) URL"),
        ({"target": "https://x.lab", "rate": "fast"}, "must be a number"),
        ({"target": "https://x.lab", "job-timeout": -1}, "must be positive"),
    ],
)
def test_bad_settings_are_config_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_target(options, env={}, pyproject=PYPROJECT)


def test_per_api_urls_without_a_token_url_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match="--token-url"):
        resolve_target(
            {"connect-url": "http://a.lab/c", "customer-url": "http://b.lab/s"}, env={}, pyproject={}
        )
    with_env = resolve_target(
        {"connect-url": "http://a.lab/c", "customer-url": "http://b.lab/s"},
        env={"NORCE_TOKEN_URL": "http://id.lab/token"},
        pyproject={},
    )
    assert with_env.token_url == "http://id.lab/token"


def test_credentials_come_only_from_the_environment_for_a_tenant() -> None:
    bare = resolve_target({"target": "https://x.lab.example"}, env={}, pyproject={})
    assert not bare.credentials.has_oauth
    with pytest.raises(ConfigError, match="NORCE_CLIENT_ID"):
        bare.credentials.require_oauth()
    env = {"NORCE_CLIENT_ID": "id", "NORCE_CLIENT_SECRET": "sec", "NORCE_APPLICATION_ID": "9"}
    assert resolve_target({"target": "https://x.lab.example"}, env=env, pyproject={}).credentials.has_oauth


def test_pyproject_table_is_read_and_unknown_keys_rejected(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[tool.norce-contracts]\ntarget = "https://x.lab.example"\n'
        "[tool.norce-contracts.environments.a]\nrate = 1\n"
    )
    assert load_pyproject_settings(good)["environments"] == {"a": {"rate": 1}}
    bad = tmp_path / "bad.toml"
    bad.write_text('[tool.norce-contracts]\ntargte = "typo"\n')
    with pytest.raises(ConfigError, match="targte"):
        load_pyproject_settings(bad)


def test_reference_codes_come_from_a_profile_or_the_environment() -> None:
    pyproject = {
        "environments": {
            "stage": {
                "base-url": "https://x.api-se.stage.norce.tech",
                "flag-codes": ["VIP", "B2B"],
                "pricelist-codes": "PL1, PL2",
            }
        }
    }
    env = {"NORCE_COMPANY_FLAG_CODES": "CO-FLAG", "NORCE_PAYMENT_METHOD_CODES": "INVOICE"}
    target = resolve_target({"target": "stage"}, env=env, pyproject=pyproject)
    reference = target.reference
    assert reference.codes("customer-flags") == ("VIP", "B2B")  # flag-codes names both kinds
    assert reference.codes("company-flags") == ("CO-FLAG",)  # the specific setting wins
    assert reference.codes("pricelists") == ("PL1", "PL2")
    assert reference.codes("payment-methods") == ("INVOICE",)
    assert reference.missing("payment-methods") is None
    reason = reference.missing("delivery-methods")
    assert reason is not None and "delivery-method-codes" in reason
    # The embedded emulator registers codes on first use: nothing is missing there.
    assert resolve_target({}, env={}, pyproject={}).reference.missing("delivery-methods") is None


def test_retries_are_configurable_and_bounded() -> None:
    assert resolve_target({}, env={}, pyproject={}).retries == 3
    assert resolve_target({"retries": 5}, env={}, pyproject={}).retries == 5
    assert resolve_target({}, env={"NORCE_RETRIES": "0"}, pyproject={}).retries == 0
    with pytest.raises(ConfigError, match="retries must be between 0 and 20"):
        resolve_target({"retries": 99}, env={}, pyproject={})
