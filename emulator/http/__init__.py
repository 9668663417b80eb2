"""HTTP layer of the emulator: routing from the vendored OpenAPI descriptions, auth, handlers, serializers."""
