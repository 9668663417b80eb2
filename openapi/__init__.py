"""The vendored OpenAPI descriptions, XSDs and field enums: data only, shared by the oracle and the emulator.

A package so that the files install with the code (`importlib.resources.files("openapi")`).
"""
