"""For the Schemathesis CLI only: `SCHEMATHESIS_HOOKS=contracts.schemathesis_ext.cli_hooks st run ...`.

The CLI loads hooks by importing a module, so this one registers on import; the suite itself calls
`contracts.schemathesis_ext.register()` explicitly.
"""

from contracts.schemathesis_ext import register

register()
