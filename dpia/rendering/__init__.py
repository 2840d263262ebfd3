"""Turning stored content into HTML (sanitised Markdown), PDF and published bundles."""
