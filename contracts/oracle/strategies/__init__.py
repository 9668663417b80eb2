"""Hypothesis strategies for the Connect imports, in three modules drawn together by `requests`:

- `headers`: valid X-StormConnect-Header objects and values, and one sub-strategy per header rule that
  breaks exactly that rule;
- `bodies`: import items consistent with the fields a header lists, every code and e-mail run-prefixed;
- `requests`: whole import requests (header x body x media type) and the answer the rules expect.

Related fields are drawn together, values come from small pools so failures shrink to short examples.
"""
