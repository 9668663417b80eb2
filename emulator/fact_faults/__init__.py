"""Seeded faults that each break one fact of the fact catalogue (openapi/facts.yaml), by area.

Each module holds a tuple `ENTRIES` of `Fault` (with `fact` and `operations` set); the catalogue
in `emulator/faults.py` joins them. A module per area keeps the areas apart: 1.1 customer writes, 1.1 company
writes, 1.1 reads, the 1.1 operation notes, logins and error keys (cs_facts), import semantics, the Connect
operations, framing, XML body and auth (connect_facts), and the generated families (one fault per operation
row, member, XML collection, header field).
"""
