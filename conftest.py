"""Thin root conftest: shared fixtures come in through pytest_plugins; options live in contracts.pytest_options."""

pytest_plugins = ["contracts.pytest_plugin"]
