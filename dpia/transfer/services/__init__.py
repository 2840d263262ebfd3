"""Transfer services: export an assessment to the format, import a file back, each in one module."""
