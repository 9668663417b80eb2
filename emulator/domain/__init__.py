"""The emulator's domain layer: state, import engine and jobs. No HTTP, no status codes (see errors.py)."""
