"""Thin root conftest: options, fixtures and reports come in through the suite's one plugin."""

pytest_plugins = ["contracts.pytest_plugin"]
