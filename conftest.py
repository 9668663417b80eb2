"""Thin root conftest: fixtures and options come in through the plugins below.

`contracts.reporting` is listed first: `contracts.pytest_plugin` imports it indirectly, and a plugin
module must be registered before anything imports it, or pytest cannot rewrite its asserts.
"""

pytest_plugins = ["contracts.reporting", "contracts.pytest_plugin"]
