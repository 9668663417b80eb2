"""Everything the suite adds to Schemathesis, registered in one place by one call: `register()`.

- checks (`checks.py`): XSD, jsonschema cross-check, error envelope, negotiation, header-rule oracle,
  empty collections, entity invariants; each raises a structured `NorceFailure`;
- XML serializer and deserializer (`serializers.py`);
- the `norce-customer-header` string format and the hooks (`hooks.py`): a valid X-StormConnect-Header
  per case, waivers through `filter_failure`;
- `after_validate` (`recording.py`): every check result is recorded for the reports.

Under pytest only, the plugin also defers the coverage phase's cases to where each test runs
(`deferred_coverage.py`).

`contracts.pytest_plugin` calls `register()` once per process; `schemas.py` loads the vendored descriptions
for the tests. For the Schemathesis CLI, `SCHEMATHESIS_HOOKS=contracts.schemathesis_ext.cli_hooks`.
"""

from __future__ import annotations

import threading

import schemathesis

from contracts.oracle.header import to_json
from contracts.oracle.strategies.headers import universal_header_objects
from contracts.schemathesis_ext import checks, hooks, recording, serializers

HEADER_FORMAT = "norce-customer-header"
IMPORT_OPERATION_ID_REGEX = r"^Import(Companies|Customers)$"

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register every Norce extension with Schemathesis' global registries (once per process)."""
    global _registered
    with _lock:
        if _registered:
            return
        for check in checks.CHECKS:
            schemathesis.check(check)
        schemathesis.serializer(*serializers.XML_MEDIA_TYPES)(serializers.xml_serializer)
        schemathesis.deserializer(*serializers.XML_MEDIA_TYPES)(serializers.xml_deserializer)
        schemathesis.openapi.format(
            HEADER_FORMAT, universal_header_objects().map(lambda header: to_json(header, "int"))
        )
        # `apply_to` is attached at runtime by Schemathesis' filter chain.
        for hook in (hooks.flatmap_case, hooks.map_case):
            schemathesis.hook.apply_to(operation_id_regex=IMPORT_OPERATION_ID_REGEX)(hook)  # type: ignore[attr-defined]
        schemathesis.hook(hooks.filter_failure)
        schemathesis.hook(hooks.before_add_examples)
        schemathesis.hook("after_validate")(recording.record_validation)
        _registered = True
