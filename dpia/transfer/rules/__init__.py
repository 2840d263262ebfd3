"""Pure rules of the export format: its JSON Schema, and reading a file safely before it is trusted."""
