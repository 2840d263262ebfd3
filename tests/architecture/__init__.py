"""The architecture's rules as import-linter contracts (`.importlinter`), checked by `make lint` and the tests."""
