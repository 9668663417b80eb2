"""Parity: is the emulator true to a tenant? `norce-emulator parity CASSETTE` replays a recorded run
(`norce-contracts run --record CASSETTE`, a HAR 1.2 file) against a fresh emulator and reports every exchange
where the two answered differently, modulo ids, dates and run prefixes, grouped by operation, each
difference with the facts (openapi/facts.yaml) or the §5 choices (docs/norce-facts.md) it touches.

Modules, one job each: `cassette` reads the HAR file; `trees` turns an answer (JSON or XML) into a tree;
`values` normalises dates, run prefixes and GUIDs and names the id members; `idmap` learns the tenant's ids
from the answers and rewrites later requests; `diff` compares two answers; `facts` attributes a difference
to facts and choices; `replay` sends the requests to the emulator in order; `report` writes Markdown and
JSON. Like the rest of the emulator this package never imports `contracts`: it reads the cassette, a file.
"""
